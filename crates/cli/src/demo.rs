//! `workspaceapp demo`: the whole toolkit in one offline run.
//!
//! The reference server serves its seeded synthetic records on 127.0.0.1; a recording proxy in
//! front of it writes every exchange as a HAR entry to an NDJSON capture, as a gateway log
//! would; the client lists one day of records through the proxy with AK/SK signing and pages
//! with a token; then the validator checks the capture. Nothing leaves the machine.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context as _;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use clap::{Args, Parser};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use workspaceapp_client::model::{AppConnectionInfo, Limit, ListAppConnectionQuery, Offset};
use workspaceapp_client::{Client, Credentials, Error as ClientError, Filter};
use workspaceapp_mock::MockConfig;

/// Fake credentials of the demo's own server; they mean nothing anywhere else.
const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
const DEMO_AK: &str = "DEMOAK00000000000000";
const DEMO_SK: &str = "DEMOsk0000000000000000000000000000000000";
const DEMO_TOKEN: &str = "MIIDemo-token-of-the-reference-server";

/// Run the toolkit end to end offline: serve, list, capture, validate.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Synthetic records the reference server holds.
    #[arg(long, default_value_t = 5_000)]
    records: usize,
    /// Seed of the synthetic dataset.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Where to write the NDJSON capture (default: a file in the system's temporary directory).
    #[arg(long, value_name = "FILE")]
    capture: Option<PathBuf>,
    /// Records to print from the listed day.
    #[arg(long, default_value_t = 8)]
    rows: usize,
}

/// Runs the subcommand.
pub fn run(args: DemoArgs) -> ExitCode {
    let capture = args.capture.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("workspaceapp-demo-{}.ndjson", std::process::id()))
    });
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("workspaceapp demo: error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = runtime.block_on(serve_and_list(&args, &capture)) {
        eprintln!("workspaceapp demo: error: {e:#}");
        return ExitCode::FAILURE;
    }
    drop(runtime);

    println!(
        "\n== 4. validate the capture: workspaceapp validate {}\n",
        capture.display()
    );
    #[derive(Parser)]
    struct Validate {
        #[command(flatten)]
        args: crate::validate::ValidateArgs,
    }
    let argv = [
        "validate",
        &capture.to_string_lossy(),
        "--quiet",
        "--color",
        "never",
    ];
    match Validate::try_parse_from(argv) {
        Ok(validate) => crate::validate::run(validate.args),
        Err(e) => {
            eprintln!("workspaceapp demo: error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn serve_and_list(args: &DemoArgs, capture: &PathBuf) -> anyhow::Result<()> {
    let config = MockConfig::new()
        .project_id(PROJECT_ID)
        .synthetic(args.records, args.seed)
        .access_key(DEMO_AK, DEMO_SK)
        .token(DEMO_TOKEN);
    let server = workspaceapp_mock::spawn(config)
        .await
        .context("cannot start the reference server")?;
    let file = std::fs::File::create(capture)
        .with_context(|| format!("cannot create {}", capture.display()))?;
    let recorder = Recorder {
        upstream: server.url(),
        http: reqwest::Client::new(),
        out: Arc::new(Mutex::new(std::io::BufWriter::new(file))),
    };
    let proxy_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let proxy_url = format!("http://{}", proxy_listener.local_addr()?);
    let app = axum::Router::new()
        .fallback(record)
        .with_state(recorder.clone());
    let proxy = tokio::spawn(async move { axum::serve(proxy_listener, app).await });

    println!(
        "== 1. reference server: {} records (seed {}) at {}",
        args.records,
        args.seed,
        server.url()
    );
    println!(
        "   recording proxy at {proxy_url}, capture: {}",
        capture.display()
    );

    let token_client = Client::builder()
        .endpoint(proxy_url.as_str())
        .project_id(PROJECT_ID)
        .token(DEMO_TOKEN)
        .build()?;
    let query = ListAppConnectionQuery {
        limit: Some(Limit::new(1)?),
        offset: Some(Offset::new(0)?),
    };
    let newest = token_client.list(&query, &Filter::new().build()).await?;
    let total = newest.count.unwrap_or_default();
    let Some(latest) = newest.items.unwrap_or_default().into_iter().next() else {
        anyhow::bail!("the reference server returned no records");
    };
    let login = latest.brokering_time.clone().unwrap_or_default();
    let day = OffsetDateTime::parse(&login, &Rfc3339)
        .with_context(|| format!("the newest record's login time {login:?} is not RFC 3339"))?
        .date();
    println!(
        "\n== 2. token auth, one page: {total} records in all, the newest logged in at {login}"
    );

    let aksk_client = Client::builder()
        .endpoint(proxy_url.as_str())
        .project_id(PROJECT_ID)
        .aksk(Credentials::new(DEMO_AK, DEMO_SK))
        .pages_in_flight(std::num::NonZeroUsize::new(4).unwrap_or(std::num::NonZeroUsize::MIN))
        .build()?;
    let started = Instant::now();
    let records: Vec<AppConnectionInfo> = aksk_client
        .list_all(Filter::new().day(day)?.build())
        .try_collect()
        .await?;
    println!(
        "\n== 3. AK/SK auth, every record of {day} (list_all, 4 pages in flight): {} records in {:.0?}\n",
        records.len(),
        started.elapsed()
    );
    print_table(&records, args.rows);

    let wrong = Client::builder()
        .endpoint(proxy_url.as_str())
        .project_id(PROJECT_ID)
        .token("not-a-token-of-this-server")
        .build()?;
    match wrong.list(&query, &Filter::new().build()).await {
        Err(ClientError::Api {
            status,
            body,
            request_id,
            ..
        }) => println!(
            "\n   a wrong token is refused: HTTP {status}, error_code {}, request id {}",
            body.error_code.as_deref().unwrap_or("-"),
            request_id.as_deref().unwrap_or("-")
        ),
        Err(e) => println!("\n   a wrong token is refused: {e}"),
        Ok(_) => anyhow::bail!("the reference server accepted a wrong token"),
    }

    proxy.abort();
    server.shutdown().await?;
    let mut out = recorder
        .out
        .lock()
        .map_err(|_| anyhow::anyhow!("the capture writer failed"))?;
    out.flush().context("cannot write the capture")?;
    Ok(())
}

fn print_table(records: &[AppConnectionInfo], rows: usize) {
    let labels = ["login time", "user", "application", "client", "failure"];
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let values: Vec<[String; 5]> = records
        .iter()
        .take(rows)
        .map(|r| {
            [
                text(&r.brokering_time),
                text(&r.user_name),
                text(&r.app_name),
                text(&r.client_type),
                text(&r.failed_code),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..labels.len())
        .map(|i| {
            values
                .iter()
                .map(|row| row[i].chars().count())
                .chain([labels[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let cells: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("   {}", cells.join("  ").trim_end());
    };
    line(labels.to_vec());
    for row in &values {
        line(row.iter().map(String::as_str).collect());
    }
    if records.len() > rows {
        println!("   ... and {} more", records.len() - rows);
    }
}

/// Forwards each request to the reference server and appends the exchange to the capture.
#[derive(Clone)]
struct Recorder {
    upstream: String,
    http: reqwest::Client,
    out: Arc<Mutex<std::io::BufWriter<std::fs::File>>>,
}

async fn record(State(recorder): State<Recorder>, request: Request) -> Response {
    match forward(&recorder, request).await {
        Ok(response) => response,
        Err(e) => Response::builder()
            .status(502)
            .body(Body::from(format!("recording proxy: {e:#}")))
            .unwrap_or_default(),
    }
}

async fn forward(recorder: &Recorder, request: Request) -> anyhow::Result<Response> {
    let started = OffsetDateTime::now_utc();
    let clock = Instant::now();
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20).await?;
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let url = format!("http://{host}{path_and_query}");

    let mut upstream = recorder
        .http
        .request(
            parts.method.clone(),
            format!("{}{path_and_query}", recorder.upstream),
        )
        .body(body.clone());
    for (name, value) in &parts.headers {
        // The signature covers Host as the client sent it; keep it.
        upstream = upstream.header(name, value);
    }
    let answer = upstream.send().await?;
    let status = answer.status();
    let headers = answer.headers().clone();
    let answer_body = answer.bytes().await?;

    let entry = json!({
        "startedDateTime": started.format(&Rfc3339).unwrap_or_default(),
        "time": clock.elapsed().as_secs_f64() * 1000.0,
        "request": {
            "method": parts.method.as_str(),
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": har_headers(&parts.headers),
            "queryString": parts.uri.query().map(query_pairs).unwrap_or_default(),
            "cookies": [],
            "headersSize": -1,
            "bodySize": body.len(),
            "postData": {
                "mimeType": header(&parts.headers, "content-type"),
                "text": String::from_utf8_lossy(&body),
            },
        },
        "response": {
            "status": status.as_u16(),
            "statusText": status.canonical_reason().unwrap_or(""),
            "httpVersion": "HTTP/1.1",
            "headers": har_headers(&headers),
            "cookies": [],
            "content": {
                "size": answer_body.len(),
                "mimeType": header(&headers, "content-type"),
                "text": String::from_utf8_lossy(&answer_body),
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": answer_body.len(),
        },
        "cache": {},
        "timings": { "send": 0, "wait": clock.elapsed().as_secs_f64() * 1000.0, "receive": 0 },
    });
    {
        let mut out = recorder
            .out
            .lock()
            .map_err(|_| anyhow::anyhow!("the capture writer failed"))?;
        serde_json::to_writer(&mut *out, &entry)?;
        out.write_all(b"\n")?;
    }

    let mut response = Response::builder().status(status.as_u16());
    for (name, value) in &headers {
        response = response.header(name.as_str(), value.as_bytes());
    }
    Ok(response.body(Body::from(answer_body))?)
}

fn har_headers(headers: &axum::http::HeaderMap) -> Vec<Value> {
    headers
        .iter()
        .map(|(name, value)| json!({"name": name.as_str(), "value": String::from_utf8_lossy(value.as_bytes())}))
        .collect()
}

fn header(headers: &axum::http::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

fn query_pairs(query: &str) -> Vec<Value> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            json!({"name": name, "value": value})
        })
        .collect()
}
