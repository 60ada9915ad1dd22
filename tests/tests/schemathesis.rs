//! schemathesis (property-based API testing from the OpenAPI document) against the reference
//! server: every answer to generated valid and invalid requests must be one the generated
//! `crates/model/openapi.json` documents (status, content type, body schema), valid requests must
//! be accepted and invalid ones rejected, and nothing may end in a server error.
//!
//! The interpreter comes from `WORKSPACEAPP_PYTHON` (set by `cargo xtask test`, with schemathesis
//! installed from tests/python/requirements.txt). The time fields' custom format
//! `huaweicloud-datetime` gets its values from tests/python/schemathesis_hooks.py.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use workspaceapp_mock::MockConfig;

/// The token the server accepts; schemathesis sends it on every request.
const TOKEN: &str = "schemathesis-token-0001";
/// Test cases per phase (examples, coverage, fuzzing) of the one operation.
const MAX_EXAMPLES: &str = "50";
/// Fixed, so that a failure shows again on the next run; `WORKSPACEAPP_SCHEMATHESIS_SEED`
/// overrides it.
const SEED: &str = "20250524";
/// The run is stopped after this.
const DEADLINE: Duration = Duration::from_secs(300);

/// The venv interpreter, or `None` with the reason printed.
fn python() -> Option<String> {
    let python = std::env::var("WORKSPACEAPP_PYTHON").ok();
    if python.is_none() {
        eprintln!("skipped: WORKSPACEAPP_PYTHON is not set; `cargo xtask test` sets it");
    }
    python
}

/// Runs `command` to its end or until [`DEADLINE`]; its exit success and combined output.
fn run_bounded(mut command: Command) -> (bool, String) {
    let output_dir = tempfile::tempdir().expect("temporary directory");
    let log_path = output_dir.path().join("output.txt");
    let log = std::fs::File::create(&log_path).expect("output file");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("output file"))
        .stderr(log)
        .spawn()
        .expect("cannot start schemathesis");
    let started = Instant::now();
    let success = loop {
        if let Some(status) = child.try_wait().expect("waiting for schemathesis") {
            break status.success();
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            let output = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!(
                "schemathesis did not finish within {} s:\n{output}",
                DEADLINE.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();
    (success, output)
}

/// Response statuses in a HAR file, and how many successful answers came to requests with a body.
fn statuses(har: &Path) -> (BTreeMap<u64, usize>, usize) {
    let text = std::fs::read_to_string(har).expect("schemathesis wrote no HAR report");
    let har: serde_json::Value = serde_json::from_str(&text).expect("HAR report is JSON");
    let mut statuses = BTreeMap::new();
    let mut ok_with_body = 0;
    for entry in har["log"]["entries"].as_array().into_iter().flatten() {
        let status = entry["response"]["status"].as_u64().unwrap_or(0);
        *statuses.entry(status).or_insert(0) += 1;
        let body = entry["request"]["postData"]["text"].as_str().unwrap_or("");
        if status == 200 && body.trim_start().starts_with('{') && body.trim() != "{}" {
            ok_with_body += 1;
        }
    }
    (statuses, ok_with_body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_server_passes_schemathesis() {
    let Some(python) = python() else { return };
    let root = xtask::workspace_root();
    let document = root.join("crates/model/openapi.json");
    let hooks = root.join("tests/python/schemathesis_hooks.py");

    let probe = Command::new(&python)
        .args(["-c", "import schemathesis"])
        .output()
        .expect("cannot run WORKSPACEAPP_PYTHON");
    assert!(
        probe.status.success(),
        "{python} cannot import schemathesis; install tests/python/requirements.txt into it:\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );

    // Any project id is served, so that generated ids reach the filters and the answer schemas
    // instead of stopping at 403.
    let server = workspaceapp_mock::spawn(
        MockConfig::new()
            .any_project()
            .synthetic(300, 11)
            .token(TOKEN),
    )
    .await
    .expect("reference server starts");

    let work = tempfile::tempdir().expect("temporary directory");
    let har = work.path().join("schemathesis.har");
    let seed = std::env::var("WORKSPACEAPP_SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.into());
    let mut command = Command::new(&python);
    command
        // In an empty directory: no schemathesis.toml or example database of the tree is used.
        .current_dir(work.path())
        .env("SCHEMATHESIS_HOOKS", &hooks)
        .args(["-m", "schemathesis.cli", "run"])
        .arg(&document)
        .args(["--url", &server.url()])
        .args(["--header", &format!("X-Auth-Token: {TOKEN}")])
        .args(["--max-examples", MAX_EXAMPLES])
        .args(["--request-timeout", "5"])
        .args(["--seed", &seed])
        .args(["--generation-database", "none"])
        .args(["--continue-on-failure", "--no-color"])
        .args(["--report", "har", "--report-har-path"])
        .arg(&har);
    // The server runs on this runtime's workers; wait for schemathesis on a blocking thread.
    let (success, output) = tokio::task::spawn_blocking(move || run_bounded(command))
        .await
        .expect("schemathesis runner");
    server.shutdown().await.expect("server stops");

    assert!(
        success,
        "schemathesis found failures (seed {seed}):\n{output}"
    );
    let (statuses, ok_with_body) = statuses(&har);
    eprintln!("schemathesis (seed {seed}): responses by status {statuses:?}");
    // Not a vacuous pass: the server answered generated filters, not only errors.
    assert!(
        ok_with_body > 0 && statuses.keys().any(|s| (400..500).contains(s)),
        "schemathesis passed without exercising both answers and errors: {statuses:?}\n{output}"
    );
}
