//! Throughput and memory of `workspaceapp validate` on seeded synthetic captures.
//!
//! ```text
//! cargo bench -p workspaceapp-validator --bench validate
//! ```
//!
//! Environment: `BENCH_MB` (size of the throughput capture, default 200), `BENCH_RSS_MB` (size of
//! the memory capture, default 1024, 0 to skip), `BENCH_DIR` (where captures are written,
//! default the system's temporary directory), `WORKSPACEAPP_PYTHON` (an interpreter with the
//! `jsonschema_rs` module, for the Python comparison), `BENCH_REDOCLY` (a `redocly` binary from
//! the npm package `@redocly/cli`, for its `drift` command), `BENCH_RUNS` (best of, default 3).
//!
//! Baseline: parsing only, one thread: `serde_json` into `Value` of every NDJSON line and of both
//! bodies. The validator should be at least twice as fast on two cores, and stay under 100 MB of
//! peak RSS on a 1 GB capture (measured in a child process: `VmHWM` of /proc/self/status).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;
use workspaceapp_validator::report::{ReportOptions, Sink, Summary};
use workspaceapp_validator::run::{self, Input, RunOptions};
use workspaceapp_validator::synth::{SynthFormat, SynthOptions, SynthReport, write_capture};
use workspaceapp_validator::{Engine, Options, Outcome};

/// A sink that only counts (the report's cost is not what is measured), and remembers which
/// NDJSON lines had a finding of which rule (for the recall of injected breaks).
struct Count(u64, Option<std::collections::HashSet<(u64, &'static str)>>);

impl Sink for Count {
    fn outcome(&mut self, outcome: &Outcome) -> std::io::Result<()> {
        self.0 += outcome.findings.len() as u64;
        if let Some(seen) = &mut self.1 {
            for f in &outcome.findings {
                seen.insert((outcome.source.index, f.rule.id()));
            }
        }
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn generate(path: &Path, format: SynthFormat, mb: u64) -> SynthReport {
    let options = SynthOptions {
        seed: 7,
        exchanges: u64::MAX,
        target_bytes: Some(mb << 20),
        format,
        ..SynthOptions::default()
    };
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path).expect("create capture"));
    let report = write_capture(&mut out, &options).expect("write capture");
    out.flush().expect("flush capture");
    report
}

/// Parse-only baseline: every NDJSON line and both bodies into `serde_json::Value`, one thread.
fn baseline(path: &Path) -> (f64, u64) {
    let start = Instant::now();
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).expect("open"));
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).expect("read") == 0 {
            break;
        }
        let entry: Value = serde_json::from_slice(&line).expect("entry");
        if let Some(text) = entry
            .pointer("/request/postData/text")
            .and_then(Value::as_str)
        {
            let _: Result<Value, _> = serde_json::from_str(text);
        }
        if let Some(content) = entry.pointer("/response/content") {
            let text = content.get("text").and_then(Value::as_str).unwrap_or("");
            if content.get("encoding").and_then(Value::as_str) == Some("base64") {
                let bytes = workspaceapp_capture::decode_base64(text).unwrap_or_default();
                let _: Result<Value, _> = serde_json::from_slice(&bytes);
            } else {
                let _: Result<Value, _> = serde_json::from_str(text);
            }
        }
        n += 1;
    }
    (start.elapsed().as_secs_f64(), n)
}

fn validate(path: &Path, threads: usize) -> (f64, Summary) {
    let engine = Engine::new(Options::default()).expect("contract compiles");
    let options = RunOptions {
        threads,
        ..RunOptions::default()
    };
    let start = Instant::now();
    let mut sink = Count(0, None);
    let summary = run::run(
        &[Input::Capture(path.to_path_buf())],
        &engine,
        &options,
        &ReportOptions::default(),
        &mut sink,
        &mut |_: u64, _: u64| {},
    )
    .expect("run");
    (start.elapsed().as_secs_f64(), summary)
}

/// CPU seconds this process has used (all threads, user + system), from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: validate one file and print the peak RSS.
    if let Some(i) = args.iter().position(|a| a == "--child-rss") {
        let path = PathBuf::from(&args[i + 1]);
        let (secs, summary) = validate(&path, 0);
        println!(
            "{} {} {:.3}",
            peak_rss_kib().unwrap_or(0),
            summary.exchanges,
            secs
        );
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }

    let dir = std::env::var_os("BENCH_DIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let mb = env_u64("BENCH_MB", 200);
    let ndjson = dir.join("workspaceapp-bench.ndjson");
    let report = generate(&ndjson, SynthFormat::Ndjson, mb);
    let size_mb = report.bytes as f64 / 1e6;
    println!(
        "capture: {} exchanges ({} ListAppConnection), {:.1} MB NDJSON, {} injected breaks",
        report.exchanges,
        report.matched,
        size_mb,
        report.injected.len()
    );

    // Best of `BENCH_RUNS` (default 3): the machine may be shared.
    let runs = env_u64("BENCH_RUNS", 3).max(1);
    // (wall seconds, CPU seconds) of the fastest run.
    let best = |f: &dyn Fn() -> f64| {
        (0..runs)
            .map(|_| {
                let cpu = cpu_seconds();
                let wall = f();
                (wall, cpu_seconds() - cpu)
            })
            .fold((f64::INFINITY, 0.0), |a, b| if b.0 < a.0 { b } else { a })
    };
    let base_n = baseline(&ndjson).1;
    let (base_s, base_cpu) = best(&|| baseline(&ndjson).0);
    let (one_s, one_cpu) = best(&|| validate(&ndjson, 1).0);
    let (_, summary) = validate(&ndjson, 0);
    let (val_s, val_cpu) = best(&|| validate(&ndjson, 0).0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "best of {runs} runs; load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{:<44} {:>9} {:>14} {:>7} {:>9} {:>12}",
        "", "MB/s", "exchanges/s", "ratio", "CPU s", "MB/CPU-s"
    );
    let row = |name: &str, secs: f64, cpu: f64, n: u64| {
        println!(
            "{name:<44} {:>9.1} {:>14.0} {:>7.2} {:>9.2} {:>12.1}",
            size_mb / secs,
            n as f64 / secs,
            base_s / secs,
            cpu,
            size_mb / cpu.max(0.01)
        );
    };
    row(
        "parse-only baseline (serde_json Value, 1 thread)",
        base_s,
        base_cpu,
        base_n,
    );
    row(
        "validate, 1 worker thread",
        one_s,
        one_cpu,
        summary.exchanges,
    );
    row(
        &format!("validate, {cores} worker threads"),
        val_s,
        val_cpu,
        summary.exchanges,
    );
    println!(
        "validate found {} errors, {} warnings over {} checked exchanges; target ratio >= 2: {}",
        summary.errors,
        summary.warnings,
        summary.matched,
        if base_s / val_s >= 2.0 {
            "met"
        } else {
            "NOT met"
        }
    );

    // Recall: every injected break found by its rule, at its line.
    let engine = Engine::new(Options::default()).expect("contract compiles");
    let mut sink = Count(0, Some(Default::default()));
    run::run(
        &[Input::Capture(ndjson.clone())],
        &engine,
        &RunOptions::default(),
        &ReportOptions::default(),
        &mut sink,
        &mut |_: u64, _: u64| {},
    )
    .expect("run");
    let seen = sink.1.unwrap_or_default();
    let found = report
        .injected
        .iter()
        .filter(|b| seen.contains(&(b.index + 1, b.kind.rule().id())))
        .count();
    println!(
        "injected breaks found by their rule: {found}/{}",
        report.injected.len()
    );

    python_comparison(&ndjson, size_mb);
    redocly_comparison(&dir);

    let rss_mb = env_u64("BENCH_RSS_MB", 1024);
    if rss_mb > 0 {
        let me = std::env::current_exe().expect("own path");
        for (format, name) in [(SynthFormat::Ndjson, "ndjson"), (SynthFormat::Har, "har")] {
            let path = dir.join(format!("workspaceapp-bench-rss.{name}"));
            let report = generate(&path, format, rss_mb);
            let out = Command::new(&me)
                .arg("--child-rss")
                .arg(&path)
                .output()
                .expect("child");
            let text = String::from_utf8_lossy(&out.stdout);
            let mut it = text.split_whitespace();
            let kib: u64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            let n: u64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            let secs: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
            println!(
                "peak RSS validating {:.0} MB {name} ({n} exchanges, {:.1} MB/s): {:.1} MB (target < 100 MB: {})",
                report.bytes as f64 / 1e6,
                report.bytes as f64 / 1e6 / secs.max(1e-9),
                kib as f64 / 1024.0,
                if kib < 100 * 1024 { "met" } else { "NOT met" }
            );
            let _ = std::fs::remove_file(&path);
        }
    }
    let _ = std::fs::remove_file(&ndjson);
}

/// The `jsonschema_rs` Python binding validating the same bodies against the same schemas.
fn python_comparison(ndjson: &Path, size_mb: f64) {
    let Some(python) = std::env::var_os("WORKSPACEAPP_PYTHON") else {
        println!("python jsonschema-rs: skipped (WORKSPACEAPP_PYTHON is not set)");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/bench_jsonschema_rs.py");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/schemas");
    let out = Command::new(python)
        .arg(&script)
        .arg(ndjson)
        .arg(&schemas)
        .output();
    match out {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let mut it = text.split_whitespace();
            let secs: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
            let n: u64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            println!(
                "{:<44} {:>9.1} {:>14.0}",
                "python jsonschema_rs (bodies only, 1 thread)",
                size_mb / secs.max(1e-9),
                n as f64 / secs.max(1e-9)
            );
        }
        Ok(out) => println!(
            "python jsonschema-rs: failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => println!("python jsonschema-rs: cannot run: {e}"),
    }
}

/// Redocly's `drift` (HAR/NDJSON traffic against an OpenAPI description), when a `redocly`
/// binary from the npm registry is given: same kind of capture, `BENCH_REDOCLY_MB` (default 20).
fn redocly_comparison(dir: &Path) {
    let Some(bin) = std::env::var_os("BENCH_REDOCLY") else {
        println!(
            "redocly drift: skipped (BENCH_REDOCLY is not set; `npm install @redocly/cli`, then point it at node_modules/.bin/redocly)"
        );
        return;
    };
    let path = dir.join("workspaceapp-bench-redocly.ndjson");
    let report = generate(&path, SynthFormat::Ndjson, env_u64("BENCH_REDOCLY_MB", 20));
    let openapi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/openapi.json");
    let out_json = dir.join("workspaceapp-bench-redocly.json");
    let start = Instant::now();
    let status = Command::new(bin)
        .args([
            "drift",
            "--match-mode",
            "basepath",
            "--format",
            "json",
            "-o",
        ])
        .arg(&out_json)
        .arg("--api")
        .arg(&openapi)
        .arg(&path)
        .output();
    let secs = start.elapsed().as_secs_f64();
    let mb = report.bytes as f64 / 1e6;
    match status {
        Ok(out) if out.status.success() || out_json.exists() => {
            let findings = std::fs::read(&out_json)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .and_then(|v| v.pointer("/run/findingsBySeverity").cloned())
                .unwrap_or(Value::Null);
            let (val_s, summary) = validate(&path, 0);
            println!(
                "{:<44} {:>9.1} {:>14.0}   ({mb:.0} MB; findings by severity {findings})",
                "redocly drift (npm @redocly/cli)",
                mb / secs,
                report.exchanges as f64 / secs
            );
            println!(
                "{:<44} {:>9.1} {:>14.0}   (same file; {} errors, {} warnings)",
                "validate on that file",
                mb / val_s,
                summary.exchanges as f64 / val_s,
                summary.errors,
                summary.warnings
            );
        }
        Ok(out) => println!(
            "redocly drift: failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => println!("redocly drift: cannot run: {e}"),
    }
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&out_json);
}
