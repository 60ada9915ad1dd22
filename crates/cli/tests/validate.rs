//! `workspaceapp validate` as a user runs it: exit codes, stdout and stderr, formats, stdin, gzip.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../validator/tests/data")
        .join(name)
}

fn validate(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_workspaceapp"))
        .arg("validate")
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn workspaceapp");
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const CLEAN: &str = r#"{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[
 {"request":{"method":"POST","url":"https://h/v1/a4da8115c9d8464ead3a38309130523f/session/app-connection?limit=10",
   "headers":[{"name":"Content-Type","value":"application/json"},{"name":"X-Auth-Token","value":"MIIsecret"}],
   "postData":{"mimeType":"application/json","text":"{}"}},
  "response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],
   "content":{"size":22,"mimeType":"application/json","text":"{\"count\":0,\"items\":[]}"}}}]}}"#;

#[test]
fn findings_exit_1_with_results_on_stdout_and_the_reason_on_stderr() {
    let out = validate(&[sample("sample.har").to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("error[request.body.enum]"), "{stdout}");
    assert!(
        !stdout.contains("\x1b["),
        "no colour when stdout is not a terminal"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("exit 1") && stderr.contains("--fail-on error"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("error[request"),
        "results are not on stderr"
    );
}

#[test]
fn clean_traffic_exits_0_from_stdin() {
    let out = validate(&["-"], Some(CLEAN.as_bytes()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ok: 1 exchange: 1 checked (1 passed"));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn gzip_from_stdin() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(CLEAN.as_bytes()).unwrap();
    let out = validate(&["-", "--format", "json"], Some(&gz.finish().unwrap()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["passed"], 1);
}

#[test]
fn no_matching_traffic_exits_3() {
    let other = CLEAN.replace("/session/app-connection", "/app-groups");
    let out = validate(&["-"], Some(other.as_bytes()));
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("no ListAppConnection exchange"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn unusable_arguments_and_inputs_exit_2() {
    let none = validate(&[], None);
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("nothing to validate"));
    let missing = validate(&["/nonexistent/x.har"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("/nonexistent/x.har"),
        "{}",
        text(&missing.stderr)
    );
    let no_entries = validate(&["-"], Some(br#"{"log": {"version": "1.2"}}"#));
    assert_eq!(no_entries.status.code(), Some(2));
    assert!(
        text(&no_entries.stderr).contains("entries"),
        "{}",
        text(&no_entries.stderr)
    );
    let status_without_body = validate(&["--status", "200"], None);
    assert_eq!(status_without_body.status.code(), Some(2));
}

#[test]
fn fail_on_decides_the_exit_code() {
    let warning_only = CLEAN.replace(
        r#"{\"count\":0,\"items\":[]}"#,
        r#"{\"count\":0,\"items\":[],\"next\":1}"#,
    );
    assert_eq!(
        validate(&["-"], Some(warning_only.as_bytes()))
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        validate(
            &["-", "--fail-on", "warning"],
            Some(warning_only.as_bytes())
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        validate(&["-", "--strict"], Some(warning_only.as_bytes()))
            .status
            .code(),
        Some(1)
    );
    let out = validate(
        &[sample("sample.har").to_str().unwrap(), "--fail-on", "never"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn lone_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, br#"{"count": -1, "items": []}"#).unwrap();
    let out = validate(
        &["--response-body", body.to_str().unwrap(), "--status", "200"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("response.body.range"));
    let out = validate(&["--request-body", "-"], Some(br#"{"client_type": "Mac"}"#));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn machine_formats_are_well_formed() {
    let path = sample("sample.har");
    let json = validate(&[path.to_str().unwrap(), "--format", "json"], None);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON report");
    assert_eq!(report["version"], 1);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"].is_string() && f["source"]["byte_offset"].is_u64())
    );
    assert_eq!(report["exit_code"], 1);

    let sarif = validate(&[path.to_str().unwrap(), "--format", "sarif"], None);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF log");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for result in run["results"].as_array().unwrap() {
        let id = result["ruleId"].as_str().unwrap();
        assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize], id);
    }

    let junit = validate(&[path.to_str().unwrap(), "--format", "junit"], None);
    let xml = text(&junit.stdout);
    assert!(xml.starts_with("<?xml"));
    assert_eq!(
        xml.matches("<testcase ").count(),
        10,
        "a testcase per exchange"
    );
    assert!(xml.contains("failures=\"6\"") && xml.contains("<skipped"));
}

#[test]
fn max_findings_limits_the_listing_not_the_counts() {
    let out = validate(
        &[
            sample("sample.har").to_str().unwrap(),
            "--max-findings",
            "0",
        ],
        None,
    );
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("-->"), "{stdout}");
    assert!(stdout.contains("more not shown"));
    assert!(stdout.contains("findings: 8 errors"));
}

#[test]
fn secrets_stay_out_of_every_output() {
    for format in ["human", "json", "junit", "sarif"] {
        let out = validate(
            &[sample("sample.har").to_str().unwrap(), "--format", format],
            None,
        );
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        for secret in [
            "MIIT0kGCSqGSIb3DQEHAqCCT0ERYWIuY2xhc3NpYy10b2tlbi1zZWNyZXQ",
            "HWWAFSESID",
            "QTWAOYTTINDUT2QVKYUC",
            "7be6668032f70418fcc2",
        ] {
            assert!(!all.contains(secret), "{secret} in {format}");
        }
    }
}

#[test]
fn list_rules_names_every_rule_with_its_severity() {
    let out = validate(&["--list-rules"], None);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("response.body.error-code") && l.contains(" error "))
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("response.body.undocumented") && l.contains(" warning "))
    );
    assert_eq!(stdout.lines().count(), 27);
}
