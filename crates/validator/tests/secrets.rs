//! No secret reaches any report format.

mod common;

use common::*;
use serde_json::json;
use workspaceapp_validator::report::{self, Format, ReportOptions};
use workspaceapp_validator::run::{self, Input, RunOptions};
use workspaceapp_validator::{Engine, Options};

const SECRETS: &[&str] = &[
    "MIIT0kGCSqGSIb3DQEHAqCCT0ERYWIuY2xhc3NpYy10b2tlbi1zZWNyZXQ",
    "HWWAFSESID",
    "abc123",
    "QTWAOYTTINDUT2QVKYUC",
    "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
    "Bearer-secret-value",
    "hunter2",
    "query-token-value",
    "cookie-secret",
];

fn every_format(path: &std::path::Path) -> Vec<String> {
    let engine = Engine::new(Options::default()).unwrap();
    let mut texts = Vec::new();
    for format in [Format::Human, Format::Json, Format::Junit, Format::Sarif] {
        let mut out = Vec::new();
        {
            let options = ReportOptions {
                max_findings: None,
                ..ReportOptions::default()
            };
            let mut sink = report::sink(format, Box::new(&mut out), options).unwrap();
            let summary = run::run(
                &[Input::Capture(path.to_path_buf())],
                &engine,
                &RunOptions::default(),
                &options,
                sink.as_mut(),
                &mut |_: u64, _: u64| {},
            )
            .unwrap();
            sink.finish(&summary).unwrap();
        }
        texts.push(String::from_utf8(out).unwrap());
    }
    texts
}

#[test]
fn secrets_never_appear_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let entries = [
        Ex::default().without_header("X-Auth-Token").header("Authorization", "Bearer Bearer-secret-value").entry(),
        Ex::default().query("?limit=10&token=query-token-value").request_json(json!({"password": "hunter2", "user_name": 5})).entry(),
        Ex::default().header("Cookie", "a=cookie-secret").respond(200, json!({"count": 1, "items": [{"access_token": "hunter2"}], "session_token": "hunter2"})).entry(),
        Ex { method: "GET".into(), url: "https://h/v3/auth/tokens?token=query-token-value".into(), ..Ex::default() }.entry(),
    ];
    let mixed = write_temp(&dir, "secrets.har", &har(&entries));
    for path in [
        mixed,
        data("sample.har"),
        data("gateway.ndjson"),
        data("firefox.har"),
    ] {
        for text in every_format(&path) {
            for secret in SECRETS {
                assert!(
                    !text.contains(secret),
                    "{secret} leaked from {}:\n{text}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn masked_findings_still_say_what_was_wrong() {
    let outcome = Ex::default()
        .without_header("X-Auth-Token")
        .header("Authorization", "Bearer Bearer-secret-value")
        .check();
    let auth = outcome
        .findings
        .iter()
        .find(|f| f.rule.id() == "request.auth")
        .unwrap();
    assert!(auth.found.starts_with("Bearer ***"), "{}", auth.found);
}
