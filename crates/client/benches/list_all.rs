//! Throughput of `Client::list_all` against the reference server, with Huawei's official Python
//! SDK as the baseline, and the requests per second the reference server sustains.
//!
//! Run with `cargo bench -p workspaceapp-client --bench list_all`. One run:
//!
//! 1. starts the reference server (`workspaceapp_mock`, 100,000 seeded records, token and AK/SK
//!    auth) in a child process on 127.0.0.1 port 0; the child is this same executable, started
//!    again with `WORKSPACEAPP_BENCH_ROLE=server`, so that the server has a tokio runtime of its
//!    own and its CPU time can be read apart from the client's;
//! 2. lists every record with `list_all` (AK/SK signed, 100 records per page) with 1 and with 4
//!    pages in flight: one warm-up listing each (checked: every record exactly once), then
//!    [`RUST_REPETITIONS`] timed listings each, interleaved;
//! 3. lists every record with `huaweicloudsdkworkspaceapp` in its usual loop (`benches/sdk_list_all.py`,
//!    run by `WORKSPACEAPP_PYTHON` or else `target/venv/bin/python`); skipped with the reason
//!    printed when no interpreter with the SDK is found;
//! 4. loads the server from this process (reqwest, [`LOAD_CONNECTIONS`] keep-alive connections,
//!    token auth) for at most [`LOAD_REQUESTS`] requests or [`LOAD_TIME`] per scenario;
//! 5. prints medians, ratios and the command that reproduces the run.
//!
//! Client, server, load generator and the Python interpreter share the machine's cores; the
//! figures are for comparing one client with another on the same machine, not absolute server
//! capacity. CPU seconds are read from `/proc` (Linux; shown as `-` elsewhere).

use std::io::{BufRead, BufReader, Read, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use workspaceapp_client::model::{
    Limit, ListAppConnectionPath, ListAppConnectionQuery, ListAppConnectionRequestBody, Offset,
};
use workspaceapp_client::{Client, Credentials};
use workspaceapp_mock::MockConfig;

/// Records the server holds.
const RECORDS: usize = 100_000;
/// Seed of the synthetic data set.
const SEED: u64 = 20_250_524;
/// Records per page (the API's maximum, also what `list_all` asks for).
const PAGE: usize = 100;
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// Fake credentials, configured on the server and in both clients.
const AK: &str = "BENCHAK0000000000001";
const SK: &str = "BENCHsk-not-a-real-key-000000000000000000";
const TOKEN: &str = "bench-token-not-a-real-one";

/// Timed listings per pages-in-flight setting.
const RUST_REPETITIONS: usize = 5;
/// Timed listings of the Python SDK (fewer when they would not fit in [`PYTHON_BUDGET`]).
const PYTHON_REPETITIONS: usize = 3;
/// No further Python listing starts when it would likely end after this.
const PYTHON_BUDGET: Duration = Duration::from_secs(100);
/// The Python run is stopped after this.
const PYTHON_DEADLINE: Duration = Duration::from_secs(170);
/// Concurrent keep-alive connections of the load generator.
const LOAD_CONNECTIONS: usize = 8;
/// Most requests per load scenario.
const LOAD_REQUESTS: usize = 20_000;
/// Longest load scenario.
const LOAD_TIME: Duration = Duration::from_secs(5);

const ROLE_ENV: &str = "WORKSPACEAPP_BENCH_ROLE";
const PYTHON_ENV: &str = "WORKSPACEAPP_PYTHON";
const COMMAND: &str = "cargo bench -p workspaceapp-client --bench list_all";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    if std::env::var_os(ROLE_ENV).is_some_and(|role| role == "server") {
        return match serve() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench server: {e}");
                ExitCode::FAILURE
            }
        };
    }
    // `cargo test --benches` runs bench targets without `--bench`: nothing to check there.
    if !std::env::args().any(|a| a == "--bench") {
        println!("list_all: a benchmark; run it with `{COMMAND}`");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("list_all bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The server process

/// The child: serves until its stdin is closed (the parent ended or dropped it).
fn serve() -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let config = MockConfig::new()
        .project_id(PROJECT)
        .synthetic(RECORDS, SEED)
        .token(TOKEN)
        .access_key(AK, SK);
    let server = runtime.block_on(workspaceapp_mock::spawn(config))?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {}", server.url())?;
    stdout.flush()?;
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    runtime.block_on(server.shutdown())?;
    Ok(())
}

/// The server child process; stopped when dropped.
struct ServerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
    started_in: Duration,
}

impl ServerProcess {
    fn start() -> Result<Self, BoxError> {
        let started = Instant::now();
        let mut child = Command::new(std::env::current_exe()?)
            .env(ROLE_ENV, "server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no stdout of the server")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let mut server = ServerProcess {
            child,
            stdin,
            url: String::new(),
            started_in: Duration::ZERO,
        };
        let line = receiver
            .recv_timeout(Duration::from_secs(60))
            .map_err(|_| "the server did not start within 60 s")?;
        server.url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("unexpected first line of the server: {line:?}"))?
            .to_owned();
        server.started_in = started.elapsed();
        Ok(server)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn cpu(&self) -> Option<f64> {
        cpu_seconds(&self.pid().to_string())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// User + system CPU seconds of a process (all its threads), from `/proc/PID/stat`.
fn cpu_seconds(pid: &str) -> Option<f64> {
    /// Linux reports these times in USER_HZ ticks, 100 per second.
    const TICKS_PER_SECOND: f64 = 100.0;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start at field 3 (state);
    // utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / TICKS_PER_SECOND)
}

/// The 1, 5 and 15 minute load averages (other work on the machine skews every figure).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn own_cpu() -> Option<f64> {
    cpu_seconds("self")
}

// ---------------------------------------------------------------------------------------------
// Measurements

/// One timed listing of every record.
#[derive(Clone, Copy, Debug)]
struct Sample {
    wall: Duration,
    client_cpu: Option<f64>,
    server_cpu: Option<f64>,
}

fn delta(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    Some(after? - before?)
}

/// Samples of one way of listing, and what they sum up to.
struct Series {
    name: String,
    samples: Vec<Sample>,
}

impl Series {
    fn median_wall(&self) -> Option<Duration> {
        median(self.samples.iter().map(|s| s.wall.as_secs_f64())).map(Duration::from_secs_f64)
    }

    fn records_per_second(&self) -> Option<f64> {
        self.median_wall().map(|w| RECORDS as f64 / w.as_secs_f64())
    }
}

fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut values: Vec<f64> = values.collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

fn rust_client(url: &str, pages_in_flight: usize) -> Result<Client, BoxError> {
    Ok(Client::builder()
        .endpoint(url)
        .project_id(PROJECT)
        .aksk(Credentials::new(AK, SK))
        .pages_in_flight(NonZeroUsize::new(pages_in_flight).ok_or("pages in flight: 0")?)
        .build()?)
}

/// A listing whose records are checked: every `id` once, [`RECORDS`] in all.
async fn checked_listing(client: &Client) -> Result<(), BoxError> {
    let ids: std::collections::HashSet<String> = client
        .list_all(ListAppConnectionRequestBody::default())
        .map_ok(|record| record.id.unwrap_or_default())
        .try_collect()
        .await?;
    if ids.len() != RECORDS {
        return Err(format!("listed {} distinct ids, expected {RECORDS}", ids.len()).into());
    }
    Ok(())
}

/// A timed listing; the records are counted and dropped.
async fn timed_listing(client: &Client, server: &ServerProcess) -> Result<Sample, BoxError> {
    let (client_cpu, server_cpu) = (own_cpu(), server.cpu());
    let started = Instant::now();
    let records = client
        .list_all(ListAppConnectionRequestBody::default())
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await?;
    let wall = started.elapsed();
    if records != RECORDS {
        return Err(format!("listed {records} records, expected {RECORDS}").into());
    }
    Ok(Sample {
        wall,
        client_cpu: delta(client_cpu, own_cpu()),
        server_cpu: delta(server_cpu, server.cpu()),
    })
}

/// The Rust listings: 1 and 4 pages in flight, interleaved.
async fn rust_listings(server: &ServerProcess) -> Result<Vec<Series>, BoxError> {
    let settings = [1usize, 4];
    let mut clients = Vec::new();
    for pages in settings {
        let client = rust_client(&server.url, pages)?;
        checked_listing(&client).await?;
        clients.push(client);
    }
    let mut series: Vec<Series> = settings
        .iter()
        .map(|pages| Series {
            name: format!(
                "Rust list_all, {pages} page{} in flight",
                if *pages == 1 { "" } else { "s" }
            ),
            samples: Vec::new(),
        })
        .collect();
    for _ in 0..RUST_REPETITIONS {
        for (client, series) in clients.iter().zip(series.iter_mut()) {
            series.samples.push(timed_listing(client, server).await?);
        }
    }
    Ok(series)
}

/// The interpreter to run the SDK with.
fn python_interpreter() -> Result<PathBuf, String> {
    if let Some(python) = std::env::var_os(PYTHON_ENV) {
        return Ok(PathBuf::from(python));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/venv/bin/python");
    if venv.exists() {
        Ok(venv)
    } else {
        Err(format!(
            "{PYTHON_ENV} is not set and there is no target/venv/bin/python (`cargo xtask test` creates it)"
        ))
    }
}

/// The Python SDK listings, or why there are none.
fn python_listings(server: &ServerProcess) -> Result<(Series, String), String> {
    let python = python_interpreter()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/sdk_list_all.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .arg(&server.url)
        .arg(PROJECT)
        .arg(PYTHON_REPETITIONS.to_string())
        .arg(PYTHON_BUDGET.as_secs().to_string())
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout of the SDK run")?;
    let server_pid = server.pid().to_string();
    // Server CPU is read as each listing's line arrives, so that it counts that listing only.
    let reader = std::thread::spawn(move || {
        let mut version = String::new();
        let mut lines = Vec::new();
        let mut server_cpu = cpu_seconds(&server_pid);
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(v) = line.strip_prefix("sdk ") {
                version = v.to_owned();
                server_cpu = cpu_seconds(&server_pid);
            } else if line.starts_with("rep ") {
                let now = cpu_seconds(&server_pid);
                lines.push((line, delta(server_cpu, now)));
                server_cpu = now;
            }
        }
        (version, lines)
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > PYTHON_DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the SDK run was stopped after {} s",
                    PYTHON_DEADLINE.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("cannot wait for the SDK run: {e}")),
        }
    };
    let (version, lines) = reader.join().map_err(|_| "the SDK output reader failed")?;
    match status.code() {
        Some(0) => {}
        Some(3) => {
            return Err(format!(
                "{} cannot import huaweicloudsdkworkspaceapp (pip install huaweicloudsdkworkspaceapp)",
                python.display()
            ));
        }
        _ => {
            return Err(format!(
                "the SDK run failed ({status}); see its output above"
            ));
        }
    }
    let mut samples = Vec::new();
    for (line, server_cpu) in lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let parsed = (|| {
            let wall: f64 = fields.get(1)?.parse().ok()?;
            let cpu: f64 = fields.get(2)?.parse().ok()?;
            let records: usize = fields.get(3)?.parse().ok()?;
            let count: usize = fields.get(4)?.parse().ok()?;
            Some((wall, cpu, records, count))
        })();
        let Some((wall, cpu, records, count)) = parsed else {
            return Err(format!("unexpected line of the SDK run: {line:?}"));
        };
        if records != RECORDS || count != RECORDS {
            return Err(format!(
                "the SDK listed {records} records of count {count}, expected {RECORDS}"
            ));
        }
        samples.push(Sample {
            wall: Duration::from_secs_f64(wall),
            client_cpu: Some(cpu),
            server_cpu,
        });
    }
    if samples.is_empty() {
        return Err("the SDK run printed no listing".into());
    }
    Ok((
        Series {
            name: "Python SDK, offset += 100 loop".into(),
            samples,
        },
        version,
    ))
}

/// One load scenario's result.
struct Load {
    limit: usize,
    requests: usize,
    errors: usize,
    bytes: u64,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
    server_cpu: Option<f64>,
}

/// `LOAD_CONNECTIONS` workers send token-authenticated requests for pages of `limit` records at
/// offsets cycling through the data set, until `LOAD_REQUESTS` are sent or `LOAD_TIME` passes.
async fn load(server: &ServerProcess, limit: usize) -> Result<Load, BoxError> {
    let path = ListAppConnectionPath {
        project_id: PROJECT.to_owned(),
    }
    .to_uri_path();
    let mut urls = Vec::new();
    for offset in (0..RECORDS).step_by(PAGE) {
        let query = ListAppConnectionQuery {
            limit: Some(Limit::new(i64::try_from(limit)?)?),
            offset: Some(Offset::new(i64::try_from(offset)?)?),
        };
        let query = serde_urlencoded::to_string(&query)?;
        urls.push(format!("{}{path}?{query}", server.url));
    }
    let urls = Arc::new(urls);
    let body = serde_json::to_vec(&ListAppConnectionRequestBody::default())?;
    let next = Arc::new(AtomicUsize::new(0));
    let server_cpu = server.cpu();
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..LOAD_CONNECTIONS {
        let http = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(1)
            .timeout(Duration::from_secs(10))
            .build()?;
        let (urls, next, body) = (Arc::clone(&urls), Arc::clone(&next), body.clone());
        workers.push(tokio::spawn(async move {
            let (mut latencies, mut errors, mut bytes) = (Vec::new(), 0usize, 0u64);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= LOAD_REQUESTS || started.elapsed() >= LOAD_TIME {
                    break;
                }
                let sent = Instant::now();
                let answer = http
                    .post(&urls[i % urls.len()])
                    .header(workspaceapp_mock::auth::TOKEN_HEADER, TOKEN)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                let ok = match answer {
                    Ok(response) if response.status() == reqwest::StatusCode::OK => {
                        match response.bytes().await {
                            Ok(b) => {
                                bytes += b.len() as u64;
                                true
                            }
                            Err(_) => false,
                        }
                    }
                    _ => false,
                };
                if ok {
                    latencies.push(sent.elapsed());
                } else {
                    errors += 1;
                }
            }
            (latencies, errors, bytes)
        }));
    }
    let (mut latencies, mut errors, mut bytes) = (Vec::new(), 0, 0);
    for worker in workers {
        let (l, e, b) = worker.await?;
        latencies.extend(l);
        errors += e;
        bytes += b;
    }
    let elapsed = started.elapsed();
    let server_cpu = delta(server_cpu, server.cpu());
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(Load {
        limit,
        requests: latencies.len(),
        errors,
        bytes,
        elapsed,
        p50: at(0.50),
        p99: at(0.99),
        server_cpu,
    })
}

// ---------------------------------------------------------------------------------------------
// Report

fn seconds(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
        _ => "n/a".to_owned(),
    }
}

fn print_series(series: &Series) {
    let walls: Vec<f64> = series
        .samples
        .iter()
        .map(|s| s.wall.as_secs_f64())
        .collect();
    let min = walls.iter().copied().fold(f64::INFINITY, f64::min);
    let max = walls.iter().copied().fold(0.0, f64::max);
    println!(
        "  {:<38} {:>5} {:>10.3} {:>8.2}-{:<8.2} {:>12.0} {:>11} {:>11}",
        series.name,
        series.samples.len(),
        series.median_wall().unwrap_or_default().as_secs_f64(),
        min,
        max,
        series.records_per_second().unwrap_or_default(),
        seconds(median(series.samples.iter().filter_map(|s| s.client_cpu))),
        seconds(median(series.samples.iter().filter_map(|s| s.server_cpu))),
    );
}

fn run() -> Result<(), BoxError> {
    let cores = std::thread::available_parallelism().map_or(0, NonZeroUsize::get);
    let server = ServerProcess::start()?;
    println!(
        "ListAppConnection list_all bench: {RECORDS} records (seed {SEED}), {PAGE} per page, \
         server {} (child process, started in {:.1} s)",
        server.url,
        server.started_in.as_secs_f64()
    );
    println!(
        "{cores} CPU(s), shared by the server, the client under test and the load generator; \
         load average at start: {}",
        load_average()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let rust = runtime.block_on(rust_listings(&server))?;
    let python = python_listings(&server);
    let loads = runtime.block_on(async {
        let mut loads = Vec::new();
        for limit in [PAGE, 1] {
            loads.push(load(&server, limit).await?);
        }
        Ok::<_, BoxError>(loads)
    })?;

    println!();
    println!(
        "listing all {RECORDS} records (median of the repetitions; CPU = median user+system seconds per listing)"
    );
    println!(
        "  {:<38} {:>5} {:>10} {:>17} {:>12} {:>11} {:>11}",
        "client", "reps", "wall s", "min-max s", "records/s", "client CPU", "server CPU"
    );
    for series in &rust {
        print_series(series);
    }
    let python_rate = match &python {
        Ok((series, version)) => {
            print_series(series);
            println!("  (Python SDK: {version})");
            series.records_per_second()
        }
        Err(reason) => {
            println!("  Python SDK baseline skipped: {reason}");
            None
        }
    };
    let (one, four) = (rust[0].records_per_second(), rust[1].records_per_second());
    println!();
    println!("ratios of records/s");
    println!(
        "  Rust 1 page in flight / Python SDK   {}",
        ratio(one, python_rate)
    );
    println!(
        "  Rust 4 pages in flight / Python SDK  {}",
        ratio(four, python_rate)
    );
    println!(
        "  Rust 4 pages / Rust 1 page           {}",
        ratio(four, one)
    );

    println!();
    println!(
        "reference server under load: {LOAD_CONNECTIONS} keep-alive connections from this process (reqwest), \
         token auth, at most {LOAD_REQUESTS} requests or {} s per scenario",
        LOAD_TIME.as_secs()
    );
    println!(
        "  {:<14} {:>9} {:>7} {:>8} {:>11} {:>8} {:>8} {:>8} {:>11}",
        "page", "requests", "errors", "s", "requests/s", "p50 ms", "p99 ms", "MB/s", "server CPU"
    );
    for l in &loads {
        let secs = l.elapsed.as_secs_f64();
        println!(
            "  {:<14} {:>9} {:>7} {:>8.2} {:>11.0} {:>8.2} {:>8.2} {:>8.1} {:>11}",
            format!("limit={}", l.limit),
            l.requests,
            l.errors,
            secs,
            l.requests as f64 / secs,
            l.p50.as_secs_f64() * 1e3,
            l.p99.as_secs_f64() * 1e3,
            l.bytes as f64 / secs / 1e6,
            seconds(l.server_cpu),
        );
    }
    println!();
    println!("load average at the end: {}", load_average());
    println!("reproduce: {COMMAND}");
    println!(
        "  (Python baseline: {PYTHON_ENV}=/path/to/python with huaweicloudsdkworkspaceapp installed, \
         default target/venv/bin/python)"
    );
    let failed_load = loads.iter().any(|l| l.errors > 0);
    drop(server);
    if failed_load {
        return Err("some load requests failed".into());
    }
    Ok(())
}
