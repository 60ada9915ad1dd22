//! Helpers shared by the server tests: start a server on 127.0.0.1:0 and talk to it over HTTP.

#![allow(dead_code)]

use reqwest::header::HeaderMap;
use serde_json::Value;
use workspaceapp_mock::{MockConfig, RunningServer};
use workspaceapp_model::{ListAppConnectionPath, URI_TEMPLATE};

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const OTHER_PROJECT: &str = "fedcba9876543210fedcba9876543210";
pub const TOKEN: &str = "test-token-0001";

/// A server with 300 synthetic records of [`PROJECT`] (seed 11) and one accepted token.
pub fn config() -> MockConfig {
    MockConfig::new()
        .project_id(PROJECT)
        .synthetic(300, 11)
        .token(TOKEN)
}

pub async fn start(config: MockConfig) -> RunningServer {
    workspaceapp_mock::spawn(config)
        .await
        .expect("server starts")
}

pub fn path(project: &str) -> String {
    ListAppConnectionPath {
        project_id: project.to_owned(),
    }
    .to_uri_path()
}

/// One client for all tests (building one loads the TLS roots, which is slow). It keeps no idle
/// connections, since each test runs on its own runtime.
pub fn client() -> reqwest::Client {
    static CLIENT: std::sync::LazyLock<reqwest::Client> = std::sync::LazyLock::new(|| {
        reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(0)
            .build()
            .expect("client builds")
    });
    CLIENT.clone()
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Answer {
    pub fn request_id(&self) -> String {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn error_code(&self) -> &str {
        self.json["error_code"].as_str().unwrap_or_default()
    }

    pub fn error_msg(&self) -> &str {
        self.json["error_msg"].as_str().unwrap_or_default()
    }

    pub fn count(&self) -> i64 {
        self.json["count"].as_i64().expect("count")
    }

    pub fn items(&self) -> Vec<Value> {
        self.json["items"].as_array().cloned().expect("items")
    }

    /// Asserts a documented error answer: status, code, a message and a request id.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{:?}", self.json);
        assert_eq!(self.error_code(), code, "{:?}", self.json);
        assert!(!self.error_msg().is_empty());
        assert_eq!(self.request_id().len(), 32);
        assert!(
            self.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json"))
        );
    }
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        json,
    }
}

/// POSTs `body` (JSON) with the token to `PROJECT`'s path and the given query string.
pub async fn list(server: &RunningServer, query: &str, body: &Value) -> Answer {
    send(
        server,
        PROJECT,
        query,
        body.to_string(),
        &[("X-Auth-Token", TOKEN)],
    )
    .await
}

pub async fn send(
    server: &RunningServer,
    project: &str,
    query: &str,
    body: String,
    headers: &[(&str, &str)],
) -> Answer {
    let mut url = format!("{}{}", server.url(), path(project));
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    let mut request = client()
        .post(url)
        .header("Content-Type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    answer(request.send().await.expect("request is answered")).await
}

/// Every matching record, read page by page with the largest page size.
pub async fn list_all(server: &RunningServer, body: &Value) -> (i64, Vec<Value>) {
    let mut all = Vec::new();
    let mut count;
    loop {
        let page = list(server, &format!("limit=100&offset={}", all.len()), body).await;
        assert_eq!(page.status, 200, "{:?}", page.json);
        count = page.count();
        let items = page.items();
        if items.is_empty() {
            break;
        }
        all.extend(items);
    }
    (count, all)
}

/// The route template is the generated one.
pub fn template() -> &'static str {
    URI_TEMPLATE
}
