//! `workspaceapp serve` as a process: the listening line, answers over HTTP, secrets kept out of
//! the output, graceful stop on SIGINT.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "cli-test-token-5f1e";
const SK: &str = "CLITESTsk000000000000000000000000000000";

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_workspaceapp"))
        .args([
            "serve",
            "--port",
            "0",
            "--records",
            "40",
            "--project-id",
            PROJECT,
        ])
        .args(["--token", TOKEN])
        .args(extra)
        .env("HUAWEICLOUD_SDK_AK", "CLITESTAK00000000000")
        .env("HUAWEICLOUD_SDK_SK", SK)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("workspaceapp runs");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a listening line");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, addr }
}

/// A raw HTTP/1.1 POST; returns the status line's code and the whole answer.
fn post(addr: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[test]
fn serves_until_interrupted_and_never_prints_secrets() {
    let mut server = start(&[]);
    let path = format!("/v1/{PROJECT}/session/app-connection?limit=3");
    let json = [
        ("Content-Type", "application/json"),
        ("X-Auth-Token", TOKEN),
    ];
    let (status, answer) = post(&server.addr, &path, &json, "{}");
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"count\":40"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("x-request-id: "));

    let (status, answer) = post(
        &server.addr,
        &path,
        &[
            ("Content-Type", "application/json"),
            ("X-Auth-Token", "other"),
        ],
        "{}",
    );
    assert_eq!(status, 401, "{answer}");
    let (status, _) = post(&server.addr, "/v1/x/session/app-connection", &json, "{}");
    assert_eq!(status, 403);
    let (status, answer) = post(
        &server.addr,
        &path,
        &[
            ("Content-Type", "application/json"),
            ("X-Auth-Token", TOKEN),
            ("X-Mock-Fault", "503"),
        ],
        "{}",
    );
    assert_eq!(status, 503, "{answer}");
    assert!(answer.contains("WKS.00050902"));

    #[cfg(unix)]
    {
        let stopped = Command::new("kill")
            .args(["-INT", &server.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(stopped.success());
        let status = server.child.wait().expect("exits");
        assert!(status.success(), "{status:?}");
    }
    #[cfg(not(unix))]
    {
        let _ = server.child.kill();
        let _ = server.child.wait();
    }
    let mut stderr = String::new();
    server
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("40 synthetic records"), "{stderr}");
    assert!(stderr.contains(" 503 "), "{stderr}");
    for secret in [TOKEN, SK, "CLITESTAK00000000000"] {
        assert!(!stderr.contains(secret), "{stderr}");
    }
}

#[test]
fn bad_settings_fail_fast() {
    for args in [
        &["--fault-status", "200"][..],
        &["--fault-status", "418"],
        &["--fault-rate", "2"],
        &["--until", "yesterday"],
        &["--data", "/nonexistent/records.json"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_workspaceapp"))
            .args(["serve", "--port", "0"])
            .args(args)
            .output()
            .expect("workspaceapp runs");
        assert!(!output.status.success(), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn help_hides_environment_values() {
    let output = Command::new(env!("CARGO_BIN_EXE_workspaceapp"))
        .args(["serve", "--help"])
        .env("HUAWEICLOUD_SDK_SK", SK)
        .output()
        .expect("workspaceapp runs");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("--fault-rate"), "{help}");
    assert!(help.contains("HUAWEICLOUD_SDK_SK"));
    assert!(!help.contains(SK));
}
