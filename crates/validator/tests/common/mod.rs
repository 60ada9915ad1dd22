//! Helpers shared by the integration tests: HAR builders and a collecting sink.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use workspaceapp_validator::report::{ReportOptions, Sink, Summary};
use workspaceapp_validator::run::{self, Input, RunOptions};
use workspaceapp_validator::{Engine, Options, Outcome, Severity};

pub const PROJECT: &str = "a4da8115c9d8464ead3a38309130523f";

/// Keeps every outcome.
#[derive(Default)]
pub struct Collect(pub Vec<Outcome>);

impl Sink for Collect {
    fn outcome(&mut self, outcome: &Outcome) -> std::io::Result<()> {
        self.0.push(outcome.clone());
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs the validator over inputs.
pub fn run_inputs(inputs: &[Input], strict: bool) -> (Vec<Outcome>, Summary) {
    let engine = Engine::new(Options { strict }).expect("contract compiles");
    let mut sink = Collect::default();
    let summary = run::run(
        inputs,
        &engine,
        &RunOptions::default(),
        &ReportOptions::default(),
        &mut sink,
        &mut |_: u64, _: u64| {},
    )
    .expect("run");
    (sink.0, summary)
}

/// Writes `bytes` to a fresh file named `name` in a temporary directory.
pub fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

/// Runs over one capture given as bytes.
pub fn run_bytes(name: &str, bytes: &[u8], strict: bool) -> (Vec<Outcome>, Summary) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_temp(&dir, name, bytes);
    run_inputs(&[Input::Capture(path)], strict)
}

/// A HAR document of these entries.
pub fn har(entries: &[Value]) -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({
        "log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}
    }))
    .expect("serialize")
}

/// The page's example request body.
pub fn example_request_body() -> Value {
    json!({"brokering_start_time": "2025-04-24T16:00:00Z", "brokering_end_time": "2025-05-24T10:22:55Z"})
}

/// One record shaped like the page's example.
pub fn example_item(id: &str) -> Value {
    json!({
        "id": id, "sid": "S-1-5-21-1213649063-4191095369-2401105760-1418", "machine_name": "APS-XS1QJ3TA7T",
        "user_name": "user001@wksapp***.huawei.com", "app_group_name": "Cloud storage",
        "app_group_id": "573743978327834675", "app_name": "Cloud storage-Notepad++",
        "brokering_time": "2023-06-06T14:13:48Z", "failed_code": "", "connection_failure_reason": "",
        "client_mac": "00-e0-***-58-08-33", "client_name": "DESKTOP-KDB5TN1", "client_ip": "10.*73.109.160",
        "client_version": "23.5.0.0", "client_type": "Windows 10", "agent_version": "23.5.0.0529",
        "vm_ip": "10.*.248.130", "wi_ip": "192.**.10.*00\\#192.**.10.23", "tenant_id": PROJECT, "virtual_ip": ""
    })
}

/// A 200 body with `n` records and the given total.
pub fn page(count: i64, n: usize) -> Value {
    let items: Vec<Value> = (0..n).map(|i| example_item(&format!("{i:032x}"))).collect();
    json!({"count": count, "items": items})
}

/// An exchange under construction.
#[derive(Clone)]
pub struct Ex {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
    pub response_mime: String,
}

impl Default for Ex {
    fn default() -> Self {
        Self {
            method: "POST".into(),
            url: format!(
                "https://workspace.ap-southeast-1.myhuaweicloud.com/v1/{PROJECT}/session/app-connection?limit=10&offset=0"
            ),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("X-Auth-Token".into(), "MIIsecret-token-value".into()),
            ],
            request_body: Some(example_request_body().to_string()),
            status: 200,
            response_headers: vec![(
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            response_body: Some(page(2, 2).to_string()),
            response_mime: "application/json".into(),
        }
    }
}

impl Ex {
    pub fn query(mut self, q: &str) -> Self {
        self.url = format!(
            "https://workspace.ap-southeast-1.myhuaweicloud.com/v1/{PROJECT}/session/app-connection{q}"
        );
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }
    pub fn request_json(mut self, v: Value) -> Self {
        self.request_body = Some(v.to_string());
        self
    }
    pub fn respond(mut self, status: u16, body: Value) -> Self {
        self.status = status;
        self.response_body = Some(body.to_string());
        self
    }
    pub fn response_type(mut self, mime: &str) -> Self {
        self.response_headers = vec![("Content-Type".into(), mime.into())];
        self.response_mime = mime.into();
        self
    }
    /// The HAR entry.
    pub fn entry(&self) -> Value {
        let headers = |list: &[(String, String)]| -> Vec<Value> {
            list.iter()
                .map(|(n, v)| json!({"name": n, "value": v}))
                .collect()
        };
        let mut request = json!({"method": self.method, "url": self.url, "httpVersion": "HTTP/1.1", "headers": headers(&self.headers), "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1});
        if let Some(body) = &self.request_body {
            request["postData"] = json!({"mimeType": "application/json", "text": body});
        }
        let mut content = json!({"size": self.response_body.as_ref().map_or(0, String::len), "mimeType": self.response_mime});
        if let Some(body) = &self.response_body {
            content["text"] = json!(body);
        }
        json!({
            "startedDateTime": "2025-04-24T16:00:00.000Z", "time": 12.0,
            "request": request,
            "response": {"status": self.status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": headers(&self.response_headers), "cookies": [], "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 2}
        })
    }
    /// Checks this one exchange.
    pub fn check(&self) -> Outcome {
        self.check_with(false)
    }
    pub fn check_with(&self, strict: bool) -> Outcome {
        let (mut outcomes, _) = run_bytes("one.har", &har(&[self.entry()]), strict);
        assert_eq!(outcomes.len(), 1);
        outcomes.remove(0)
    }
}

/// Rule ids of an outcome's findings.
pub fn rules(outcome: &Outcome) -> Vec<&'static str> {
    outcome.findings.iter().map(|f| f.rule.id()).collect()
}

/// The severity of the first finding of `rule`.
pub fn severity_of(outcome: &Outcome, rule: &str) -> Option<Severity> {
    outcome
        .findings
        .iter()
        .find(|f| f.rule.id() == rule)
        .map(|f| f.severity)
}

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}
