//! Rough numbers for the reference server: data set generation, filtering, and sequential HTTP
//! round trips over loopback. Run with `cargo bench -p workspaceapp-mock --bench serve`.

use std::time::{Duration, Instant};

use serde_json::json;
use workspaceapp_mock::{Dataset, Filter, MockConfig, SyntheticSpec};
use workspaceapp_model::ListAppConnectionRequestBody;

fn per_call(total: Duration, calls: u32) -> String {
    format!("{:.1} us", total.as_secs_f64() * 1e6 / f64::from(calls))
}

fn engine(records: usize) {
    let spec = SyntheticSpec {
        records,
        ..SyntheticSpec::default()
    };
    let started = Instant::now();
    let generated = workspaceapp_mock::generate(&spec);
    let generate = started.elapsed();
    let started = Instant::now();
    let dataset = Dataset::new(generated);
    let prepare = started.elapsed();
    println!("{records} records: generate {generate:?}, prepare {prepare:?}");

    let bodies = [
        ("no filter", json!({})),
        ("fuzzy user_name", json!({"user_name": "WANG"})),
        ("exact app_group_name", json!({"app_group_name": "Office"})),
        ("client_type", json!({"client_type": "Mac"})),
        (
            "time range",
            json!({"brokering_start_time": "2025-05-01T00:00:00Z", "brokering_end_time": "2025-05-10 00:00:00"}),
        ),
    ];
    for (name, body) in bodies {
        let body: ListAppConnectionRequestBody = serde_json::from_value(body).expect("valid body");
        let filter = Filter::from_body(&body).expect("valid filter");
        let rounds = 20;
        let started = Instant::now();
        let mut count = 0;
        for _ in 0..rounds {
            count = dataset.query(&filter, 0, 100).0;
        }
        println!(
            "  query {name:<22} {count:>6} matches  {} per query",
            per_call(started.elapsed(), rounds)
        );
    }
}

async fn http(requests: u32) {
    let server = workspaceapp_mock::spawn(MockConfig::new().token("bench"))
        .await
        .expect("server starts");
    let url = format!(
        "{}/v1/{}/session/app-connection?limit=100",
        server.url(),
        workspaceapp_mock::DEFAULT_PROJECT_ID
    );
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let mut latencies = Vec::with_capacity(requests as usize);
    let started = Instant::now();
    for i in 0..requests {
        let body = if i % 2 == 0 {
            json!({})
        } else {
            json!({"user_name": "wang", "client_type": "Windows"})
        };
        let t = Instant::now();
        let response = client
            .post(&url)
            .header("X-Auth-Token", "bench")
            .json(&body)
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200);
        response.bytes().await.expect("body");
        latencies.push(t.elapsed());
    }
    let total = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    println!(
        "HTTP, 1000 records, limit=100, {requests} sequential requests on one connection: {:.0} req/s, p50 {:?}, p99 {:?}",
        f64::from(requests) / total.as_secs_f64(),
        at(0.5),
        at(0.99)
    );
    server.shutdown().await.expect("stops");
}

fn main() {
    engine(1_000);
    engine(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(http(2_000));
}
