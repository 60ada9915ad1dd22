//! `workspaceapp list` against the reference server on 127.0.0.1 (port 0).

use std::collections::HashSet;
use std::process::{Command, Output};

use serde_json::Value;
use workspaceapp_mock::{MockConfig, RunningServer};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "cli-token-SECRET-0001";
const AK: &str = "CLIAK000000000000001";
const SK: &str = "CLIsk-SECRET-000000000000000000000000000";
const RECORDS: usize = 234;

struct Fixture {
    // Keeps the server's runtime alive for the test.
    runtime: tokio::runtime::Runtime,
    server: Option<RunningServer>,
}

impl Fixture {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = runtime
            .block_on(workspaceapp_mock::spawn(
                MockConfig::new()
                    .project_id(PROJECT)
                    .synthetic(RECORDS, 3)
                    .token(TOKEN)
                    .access_key(AK, SK),
            ))
            .expect("mock server");
        Self {
            runtime,
            server: Some(server),
        }
    }

    fn url(&self) -> String {
        self.server.as_ref().expect("running").url()
    }

    /// Runs `workspaceapp list ARGS` with only the given credentials in the environment.
    fn list(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_workspaceapp"));
        cmd.arg("list");
        for var in [
            "HUAWEICLOUD_SDK_AK",
            "HUAWEICLOUD_SDK_SK",
            "HUAWEICLOUD_SDK_TOKEN",
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "HUAWEICLOUD_SDK_REGION",
        ] {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied()).args(args);
        cmd.output().expect("runs")
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(server.shutdown());
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_secrets(out: &Output) {
    let all = text(&out.stdout) + &text(&out.stderr);
    for secret in [TOKEN, SK, AK] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
}

const TOKEN_ENV: &[(&str, &str)] = &[
    ("HUAWEICLOUD_SDK_TOKEN", TOKEN),
    ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
];
const AKSK_ENV: &[(&str, &str)] = &[
    ("HUAWEICLOUD_SDK_AK", AK),
    ("HUAWEICLOUD_SDK_SK", SK),
    ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
];

#[test]
fn all_records_as_ndjson_with_a_token() {
    let f = Fixture::new();
    let out = f.list(
        TOKEN_ENV,
        &["--endpoint", &f.url(), "--all", "--output", "ndjson"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ids: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("a JSON line")["id"]
                .as_str()
                .expect("id")
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), RECORDS);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), RECORDS);
    assert_no_secrets(&out);
}

#[test]
fn all_records_as_json_with_aksk_four_pages_in_flight() {
    let f = Fixture::new();
    let out = f.list(
        AKSK_ENV,
        &[
            "--endpoint",
            &f.url(),
            "--all",
            "--pages-in-flight",
            "4",
            "-o",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["count"], RECORDS);
    assert_eq!(doc["items"].as_array().expect("items").len(), RECORDS);
    assert_no_secrets(&out);
}

#[test]
fn one_page_as_csv_table_and_default_json() {
    let f = Fixture::new();
    let url = f.url();
    let out = f.list(
        TOKEN_ENV,
        &[
            "--endpoint",
            &url,
            "--limit",
            "5",
            "--offset",
            "10",
            "-o",
            "csv",
            "--columns",
            "id,user_name",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "id,user_name");
    assert_eq!(lines.len(), 6, "{stdout}");

    let out = f.list(
        TOKEN_ENV,
        &["--endpoint", &url, "--limit", "3", "-o", "table"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .next()
            .unwrap_or_default()
            .starts_with("brokering_time"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("(3 shown of {RECORDS})")),
        "{stdout}"
    );

    // stdout is a pipe here: JSON by default.
    let out = f.list(
        TOKEN_ENV,
        &["--endpoint", &url, "--limit", "2", "--user-name", "user"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON by default");
    assert!(doc["items"].as_array().expect("items").len() <= 2);
}

#[test]
fn errors_are_clear_and_exit_non_zero() {
    let f = Fixture::new();
    let url = f.url();

    let out = f.list(
        &[("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)],
        &["--endpoint", &url],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no credentials"),
        "{}",
        text(&out.stderr)
    );

    let out = f.list(&[("HUAWEICLOUD_SDK_TOKEN", TOKEN)], &["--endpoint", &url]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no project id"),
        "{}",
        text(&out.stderr)
    );

    let out = f.list(TOKEN_ENV, &["--region", "mars-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown region \"mars-1\""),
        "{}",
        text(&out.stderr)
    );

    let out = f.list(TOKEN_ENV, &["--endpoint", &url, "--limit", "101"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--limit"),
        "{}",
        text(&out.stderr)
    );

    let out = f.list(TOKEN_ENV, &["--endpoint", &url, "--client-type", "Linux"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--client-type"),
        "{}",
        text(&out.stderr)
    );

    let bad_token = [
        ("HUAWEICLOUD_SDK_TOKEN", "wrong-token-value"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
    ];
    let out = f.list(&bad_token, &["--endpoint", &url]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("HTTP 401"), "{stderr}");
    assert!(stderr.contains("X-Request-Id"), "{stderr}");
    assert!(!stderr.contains("wrong-token-value"), "{stderr}");

    let wrong_sk = [
        ("HUAWEICLOUD_SDK_AK", AK),
        ("HUAWEICLOUD_SDK_SK", "wrong-secret-key"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
    ];
    let out = f.list(&wrong_sk, &["--endpoint", &url, "--all"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("HTTP 401"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).contains("wrong-secret-key"));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let out = f.list(
        TOKEN_ENV,
        &["--endpoint", &format!("http://{addr}"), "--retries", "0"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("transport error"),
        "{}",
        text(&out.stderr)
    );
    assert_no_secrets(&out);
}
