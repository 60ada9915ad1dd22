//! Throughput and peak memory of the capture readers on a generated large HAR file.
//!
//! ```text
//! cargo bench -p workspaceapp-capture --bench throughput                 # 1024 MB HAR
//! cargo bench -p workspaceapp-capture --bench throughput -- --size-mb 256 --keep /tmp/big.har
//! cargo bench -p workspaceapp-capture --bench throughput -- --body-mb 100   # one 100 MB body
//! ```
//!
//! (`parse-1` of a large body includes its `Value`, several times the size of the text.)
//!
//! Each measurement runs in a child process so that its peak RSS (VmHWM) is its own:
//! - `frame`: framing only (the byte scanner), one thread;
//! - `entries`: framing plus `parse_entry` (no body parsing), one thread;
//! - `baseline`: framing plus `serde_json::from_slice::<Value>` of each entry and of both
//!   bodies, one thread (the reference the readers are compared with);
//! - `parse-1`: framing plus `parse_entry` plus `from_slice::<Value>` of both bodies, one thread;
//! - `parse-N`: the same through `for_each_parallel` on the available cores (or on
//!   `CAPTURE_BENCH_THREADS` workers).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use serde_json::{Value, json};
use workspaceapp_capture::{Body, Framer, FramerOptions, for_each_parallel, parse_entry};

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU seconds (user + system) used by this process so far.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses).
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            let utime: f64 = f.get(11)?.parse().ok()?;
            let stime: f64 = f.get(12)?.parse().ok()?;
            Some((utime + stime) / 100.0)
        })
        .unwrap_or(f64::NAN)
}

fn response_text(i: u64, items: usize) -> String {
    let items: Vec<Value> = (0..items)
        .map(|k| {
            json!({
                "id": format!("{i:08x}-{k:04x}-4c5d-8e9f-0a1b2c3d4e5f"),
                "sid": format!("S-1-5-21-1004336348-1177238915-682003330-{}", 1000 + k),
                "machine_name": format!("WKS-APP-{:04}", k),
                "user_name": "zhang.wei",
                "app_group_name": "office \"daily\" apps",
                "app_group_id": "6b0c1f2a-1111-4222-8333-944455556666",
                "app_name": "Notepad++",
                "failed_code": "",
                "connection_failure_reason": "",
                "client_name": "DESKTOP-7Q2LM9K",
                "client_version": "2.3.1.0",
                "client_type": "Windows",
                "agent_version": "1.24.1102.0",
                "vm_ip": "192.168.0.25",
                "wi_ip": "192.168.0.26",
                "public_ip": "203.0.113.8",
                "tenant_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "brokering_start_time": "2025-04-24 16:01:02",
                "brokering_end_time": "2025-04-24 17:45:10",
                "virtual_ip": "",
            })
        })
        .collect();
    json!({"count": items.len(), "items": items}).to_string()
}

fn entry(i: u64) -> Value {
    let project = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    let other = i % 5 == 4;
    let url = if other {
        format!("https://iam.example.invalid/v3/projects?page={i}")
    } else {
        format!(
            "https://workspace.ap-southeast-1.myhuaweicloud.com/v1/{project}/session/app-connection?limit=10&offset={}",
            i % 1000
        )
    };
    let req_text =
        json!({"user_name": "zhang.wei", "app_name": "Notepad++", "client_type": "Windows",
        "brokering_start_time": "2025-04-24T16:00:00Z"})
        .to_string();
    let resp = response_text(i, 1 + (i % 8) as usize);
    let (text, encoding) = if i % 7 == 3 {
        use base64::Engine;
        (
            base64::engine::general_purpose::STANDARD.encode(resp.as_bytes()),
            Some("base64"),
        )
    } else {
        (resp.clone(), None)
    };
    let mut content = json!({"size": resp.len(), "mimeType": "application/json", "text": text});
    if let Some(e) = encoding {
        content["encoding"] = json!(e);
    }
    json!({
        "_initiator": {"type": "script", "stack": {"callFrames": [{"functionName": "load", "scriptId": "31",
            "url": "https://console.example.invalid/app.js", "lineNumber": 1203, "columnNumber": 17}]}},
        "_priority": "High",
        "_resourceType": "fetch",
        "cache": {},
        "connection": "443210",
        "pageref": "page_1",
        "request": {
            "method": if other { "GET" } else { "POST" },
            "url": url,
            "httpVersion": "http/2.0",
            "headers": [
                {"name": ":authority", "value": "workspace.ap-southeast-1.myhuaweicloud.com"},
                {"name": ":method", "value": "POST"},
                {"name": "accept", "value": "application/json"},
                {"name": "content-type", "value": "application/json;charset=UTF-8"},
                {"name": "x-auth-token", "value": "FAKE-TOKEN-MIIZxQYJKoZIhvcNAQcCoIIZtjCCGbICAQExDTALBglghkgBZQMEAgEw"},
                {"name": "user-agent", "value": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"}
            ],
            "queryString": [{"name": "limit", "value": "10"}, {"name": "offset", "value": (i % 1000).to_string()}],
            "cookies": [],
            "headersSize": -1,
            "bodySize": req_text.len(),
            "postData": {"mimeType": "application/json;charset=UTF-8", "text": req_text}
        },
        "response": {
            "status": 200,
            "statusText": "",
            "httpVersion": "http/2.0",
            "headers": [
                {"name": "content-type", "value": "application/json"},
                {"name": "date", "value": "Thu, 24 Apr 2025 16:05:00 GMT"},
                {"name": "x-request-id", "value": format!("{i:032x}")}
            ],
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": resp.len(),
            "_transferSize": resp.len() + 300
        },
        "serverIPAddress": "203.0.113.77",
        "startedDateTime": "2025-04-24T16:05:00.123Z",
        "time": 87.41,
        "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.3, "wait": 84.1, "receive": 1.81}
    })
}

fn generate(path: &Path, size: u64) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    w.write_all(b"{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"WebInspector\", \"version\": \"537.36\"},\n    \"pages\": [],\n    \"entries\": [\n")?;
    let mut written = 0u64;
    let mut i = 0u64;
    // A pool of distinct entries, written round-robin, keeps generation fast.
    let pool: Vec<Vec<u8>> = (0..512)
        .map(|k| serde_json::to_vec_pretty(&entry(k)).unwrap_or_default())
        .collect();
    while written < size {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        let e = &pool[(i % pool.len() as u64) as usize];
        w.write_all(e)?;
        written += e.len() as u64 + 2;
        i += 1;
    }
    w.write_all(b"\n    ]\n  }\n}\n")?;
    w.flush()?;
    Ok(i)
}

/// A HAR with a few normal entries around one entry whose response body is a JSON document of
/// about `body_mb` MB (escaped quotes inside the HAR string, so parsing unescapes a copy).
fn generate_large_body(path: &Path, body_mb: u64) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    w.write_all(b"{\"log\":{\"version\":\"1.2\",\"entries\":[")?;
    serde_json::to_writer(&mut w, &entry(1))?;
    w.write_all(b",")?;
    let item = response_text(7, 1);
    let mut body = String::with_capacity((body_mb << 20) as usize + item.len());
    body.push_str("{\"count\":0,\"items\":[");
    while (body.len() as u64) < body_mb << 20 {
        body.push_str(&item);
        body.push(',');
    }
    body.push_str("{}]}");
    let mut big = entry(2);
    big["response"]["content"] =
        json!({"size": body.len(), "mimeType": "application/json", "text": body});
    serde_json::to_writer(&mut w, &big)?;
    drop(big);
    w.write_all(b",")?;
    serde_json::to_writer(&mut w, &entry(3))?;
    w.write_all(b"]}}")?;
    w.flush()?;
    Ok(3)
}

fn body_value(body: &Body<'_>) -> usize {
    match body {
        Body::Text { bytes, .. } => match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => usize::from(!v.is_null()),
            Err(_) => 0,
        },
        _ => 0,
    }
}

/// Runs one measurement in this process; prints `entries seconds peak_rss_mb`.
fn child(mode: &str, path: &Path) -> ExitCode {
    let framer = match Framer::open(path, FramerOptions::default()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let mut entries = 0u64;
    let mut checksum = 0usize;
    match mode {
        "frame" => {
            for raw in framer.flatten() {
                entries += 1;
                checksum += raw.bytes.len();
            }
        }
        "baseline" => {
            for raw in framer.flatten() {
                entries += 1;
                if let Ok(v) = serde_json::from_slice::<Value>(&raw.bytes) {
                    for text in [
                        &v["request"]["postData"]["text"],
                        &v["response"]["content"]["text"],
                    ] {
                        if let Some(t) = text.as_str()
                            && let Ok(b) = serde_json::from_str::<Value>(t)
                        {
                            checksum += usize::from(!b.is_null());
                        }
                    }
                }
            }
        }
        "entries" => {
            for raw in framer.flatten() {
                entries += 1;
                if let Ok(x) = parse_entry(&raw) {
                    checksum += x.request.headers.len();
                }
            }
        }
        "parse-1" => {
            for raw in framer.flatten() {
                entries += 1;
                if let Ok(x) = parse_entry(&raw) {
                    checksum += body_value(&x.request.body);
                    if let Some(r) = &x.response {
                        checksum += body_value(&r.body);
                    }
                }
            }
        }
        "parse-n" => {
            let threads = std::env::var("CAPTURE_BENCH_THREADS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            for_each_parallel(
                framer,
                threads,
                |raw| match parse_entry(raw) {
                    Ok(x) => {
                        body_value(&x.request.body)
                            + x.response.as_ref().map_or(0, |r| body_value(&r.body))
                    }
                    Err(_) => 0,
                },
                |r| {
                    entries += 1;
                    checksum += r.unwrap_or(0);
                },
            );
        }
        other => {
            eprintln!("unknown mode {other}");
            return ExitCode::FAILURE;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_start;
    println!("{entries} {secs} {} {cpu} {checksum}", peak_rss_mb());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`.
    args.retain(|a| a != "--bench");
    if args.first().map(String::as_str) == Some("--child") {
        return match (args.get(1), args.get(2)) {
            (Some(mode), Some(path)) => child(mode, Path::new(path)),
            _ => ExitCode::FAILURE,
        };
    }
    let mut size_mb = 1024u64;
    let mut body_mb: Option<u64> = None;
    let mut keep: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--size-mb" => size_mb = it.next().and_then(|v| v.parse().ok()).unwrap_or(size_mb),
            "--keep" => keep = it.next().map(PathBuf::from),
            "--body-mb" => body_mb = it.next().and_then(|v| v.parse().ok()),
            _ => {}
        }
    }
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("tempdir: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(body_mb) = body_mb {
        let path = keep.unwrap_or_else(|| dir.path().join("large-body.har"));
        if let Err(e) = generate_large_body(&path, body_mb) {
            eprintln!("generate: {e}");
            return ExitCode::FAILURE;
        }
        let Ok(exe) = std::env::current_exe() else {
            return ExitCode::FAILURE;
        };
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "input: one {body_mb} MB response body, file of {} MB",
            bytes >> 20
        );
        for mode in ["frame", "entries", "parse-1"] {
            let Some((entries, secs, rss, _)) = child_run(&exe, mode, &path) else {
                return ExitCode::FAILURE;
            };
            println!("{mode:>9}: {entries} entries in {secs:.2}s, peak RSS {rss:.0} MB");
        }
        return ExitCode::SUCCESS;
    }
    let path = keep.unwrap_or_else(|| dir.path().join("large.har"));
    let reuse =
        path.exists() && std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) >= size_mb << 20;
    if !reuse {
        let t = Instant::now();
        match generate(&path, size_mb << 20) {
            Ok(n) => eprintln!("generated {n} entries in {:.1}s", t.elapsed().as_secs_f64()),
            Err(e) => {
                eprintln!("generate: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let mb = bytes as f64 / (1 << 20) as f64;
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // Warm the page cache so that every mode reads from memory.
    let _ = child_run(&exe, "frame", &path);
    println!(
        "input: {} ({mb:.0} MB), {} cores",
        path.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("(wall time, and CPU time of the process; on a busy machine compare CPU times)");
    let mut baseline = None;
    for mode in ["frame", "entries", "baseline", "parse-1", "parse-n"] {
        let Some((entries, secs, rss, cpu)) = child_run(&exe, mode, &path) else {
            eprintln!("{mode} failed");
            return ExitCode::FAILURE;
        };
        if mode == "baseline" {
            baseline = Some(secs);
        }
        let speedup = baseline.map_or(String::new(), |b| {
            format!(", {:.2}x baseline wall", b / secs)
        });
        println!(
            "{mode:>9}: {entries} entries, wall {secs:.2}s = {:.0} MB/s, cpu {cpu:.2}s = {:.0} MB/s per core, peak RSS {rss:.0} MB{speedup}",
            mb / secs,
            mb / cpu
        );
    }
    ExitCode::SUCCESS
}

fn child_run(exe: &Path, mode: &str, path: &Path) -> Option<(u64, f64, f64, f64)> {
    let out = Command::new(exe)
        .args(["--child", mode])
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let s = String::from_utf8_lossy(&out.stdout);
    let mut f = s.split_whitespace();
    Some((
        f.next()?.parse().ok()?,
        f.next()?.parse().ok()?,
        f.next()?.parse().ok()?,
        f.next()?.parse().ok()?,
    ))
}
