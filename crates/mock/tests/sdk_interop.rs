//! The official Python SDK (huaweicloudsdkworkspaceapp) against the server: runs
//! tests/python/sdk_interop.py with the interpreter named by WORKSPACEAPP_PYTHON.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};
use workspaceapp_mock::{Dataset, Filter, MockConfig, SyntheticSpec};
use workspaceapp_model::ListAppConnectionRequestBody;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const AK: &str = "INTEROPAK00000000000";
const SK: &str = "INTEROPsk0000000000000000000000000000000";
const TOKEN: &str = "interop-token-7c21";

fn spec() -> SyntheticSpec {
    SyntheticSpec {
        records: 120,
        seed: 9,
        project_id: PROJECT.to_owned(),
        ..SyntheticSpec::default()
    }
}

fn config() -> MockConfig {
    MockConfig::new()
        .project_id(PROJECT)
        .synthetic_spec(spec())
        .access_key(AK, SK)
        .token(TOKEN)
}

/// One expectation: the request and the page the server must give for it.
fn case(
    dataset: &Dataset,
    name: &str,
    limit: Option<i64>,
    offset: Option<i64>,
    body: Value,
) -> Value {
    let parsed: ListAppConnectionRequestBody =
        serde_json::from_value(body.clone()).expect("case bodies are valid");
    let filter = Filter::from_body(&parsed).expect("case filters are valid");
    let (count, page) = dataset.query(
        &filter,
        offset.unwrap_or(0) as usize,
        limit.unwrap_or(10) as usize,
    );
    let ids: Vec<Value> = page.iter().map(|r| json!(r.id)).collect();
    assert!(count > 0, "{name} matches nothing");
    json!({"name": name, "limit": limit, "offset": offset, "body": body, "count": count, "ids": ids})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_talks_to_the_server() {
    let Some(python) = std::env::var_os("WORKSPACEAPP_PYTHON") else {
        eprintln!(
            "skipped: WORKSPACEAPP_PYTHON is not set (`cargo xtask test` sets it to a venv with tests/python/requirements.txt)"
        );
        return;
    };
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/sdk_interop.py");

    let records = workspaceapp_mock::generate(&spec());
    let dataset = Dataset::new(records.clone());
    let user = records[5].user_name.clone().unwrap_or_default();
    let user_part = user[..user.find('.').unwrap_or(2)].to_lowercase();
    let cases = json!({"cases": [
        case(&dataset, "defaults", None, None, json!({})),
        case(&dataset, "page 3 of 7", Some(7), Some(14), json!({})),
        case(&dataset, "mac clients", Some(100), None, json!({"client_type": "Mac"})),
        case(&dataset, "fuzzy user", Some(50), None, json!({"user_name": user_part})),
        case(&dataset, "fuzzy app and windows", Some(20), Some(1), json!({"app_name": "OFFICE", "client_type": "Windows"})),
        case(&dataset, "time range", Some(100), None, json!({
            "brokering_start_time": records[60].brokering_time,
            "brokering_end_time": records[20].brokering_time,
        })),
    ]});
    let dir = tempfile::tempdir().unwrap();
    let cases_file = dir.path().join("cases.json");
    std::fs::write(&cases_file, cases.to_string()).unwrap();

    let server = workspaceapp_mock::spawn(config()).await.unwrap();
    let faulty = workspaceapp_mock::spawn(config().fault_rate(0.6).fault_seed(3))
        .await
        .unwrap();

    let mut command = Command::new(python);
    command
        .arg(&script)
        .args(["--endpoint", &server.url()])
        .args(["--faulty-endpoint", &faulty.url()])
        .args(["--project-id", PROJECT])
        .arg("--cases")
        .arg(&cases_file)
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env("WORKSPACEAPP_MOCK_TOKEN", TOKEN);
    // The servers run on this runtime's workers while the script blocks another thread.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the script's thread finishes")
        .expect("the interpreter runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(output.status.success(), "sdk_interop.py failed");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    for secret in [SK, TOKEN] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }

    server.shutdown().await.unwrap();
    faulty.shutdown().await.unwrap();
}
