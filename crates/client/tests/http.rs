//! The client against a small axum server on 127.0.0.1 (port 0): error decoding, retries,
//! timeouts, authentication and paging.

use std::collections::{HashSet, VecDeque};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{StreamExt, TryStreamExt};
use workspaceapp_client::model::{
    AppConnectionInfo, Limit, ListAppConnectionQuery, ListAppConnectionRequestBody,
    ListAppConnectionResponse, ListAppConnectionStatus, Offset, URI_TEMPLATE,
};
use workspaceapp_client::{
    Client, ConfigError, Credentials, Error, Filter, PageOptions, RetryPolicy,
};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "tok-SECRET-value-0001";
const AK: &str = "TESTAK00000000000001";
const SK: &str = "TESTsk-SECRET-0000000000000000000000000";

/// A canned answer.
#[derive(Clone)]
struct Canned {
    status: u16,
    body: String,
    headers: Vec<(&'static str, String)>,
}

impl Canned {
    fn error(status: u16) -> Self {
        Self {
            status,
            body: format!(r#"{{"error_code":"WKS.{status}","error_msg":"status {status}"}}"#),
            headers: vec![("X-Request-Id", format!("req-{status}"))],
        }
    }
}

/// What the server does once its script of canned answers runs out.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Serve pages of `records`.
    Data,
    /// Never answer.
    Hang,
}

struct Server {
    script: Mutex<VecDeque<Canned>>,
    mode: Mode,
    records: Mutex<Vec<AppConnectionInfo>>,
    /// Records appended to (positive) or removed from the end of (negative) the data set after
    /// the first page has been served.
    change_after_first: isize,
    hits: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
    auth: ServerAuth,
}

#[derive(Clone, Debug)]
struct Seen {
    query: String,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone, Copy, PartialEq)]
enum ServerAuth {
    Any,
    Token,
    AkSk,
    AkSkDerived,
}

fn record(i: usize) -> AppConnectionInfo {
    AppConnectionInfo {
        id: Some(format!("rec-{i:05}")),
        user_name: Some(format!("user{}", i % 7)),
        ..Default::default()
    }
}

impl Server {
    fn new() -> Self {
        Self {
            script: Mutex::new(VecDeque::new()),
            mode: Mode::Data,
            records: Mutex::new(Vec::new()),
            change_after_first: 0,
            hits: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
            auth: ServerAuth::Any,
        }
    }

    fn with_records(self, n: usize) -> Self {
        *self.records.lock().unwrap() = (0..n).map(record).collect();
        self
    }

    fn script(self, answers: impl IntoIterator<Item = Canned>) -> Self {
        self.script.lock().unwrap().extend(answers);
        self
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn unauthorized(msg: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [("content-type", "application/json")],
        format!(r#"{{"error_code":"WKS.0401","error_msg":"{msg}"}}"#),
    )
        .into_response()
}

async fn handle(State(server): State<Arc<Server>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let hit = server.hits.fetch_add(1, Ordering::SeqCst);
    server.seen.lock().unwrap().push(Seen {
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    match server.auth {
        ServerAuth::Any => {}
        ServerAuth::Token => {
            if parts
                .headers
                .get("x-auth-token")
                .and_then(|v| v.to_str().ok())
                != Some(TOKEN)
            {
                return unauthorized("bad token");
            }
        }
        ServerAuth::AkSk | ServerAuth::AkSkDerived => {
            let view = workspaceapp_aksk::HttpRequestView::new(&parts, &body);
            let keys = Credentials::new(AK, SK);
            let options = if server.auth == ServerAuth::AkSkDerived {
                workspaceapp_aksk::VerifyOptions::default()
                    .accept_derived("cn-north-4", "workspaceapp")
            } else {
                workspaceapp_aksk::VerifyOptions::default()
            };
            if let Err(e) = workspaceapp_aksk::verify(&keys, &view.view(), &options) {
                return unauthorized(&e.to_string());
            }
        }
    }
    if let Some(canned) = server.script.lock().unwrap().pop_front() {
        let mut response =
            (StatusCode::from_u16(canned.status).unwrap(), canned.body).into_response();
        for (k, v) in canned.headers {
            response.headers_mut().insert(k, v.parse().unwrap());
        }
        return response;
    }
    if server.mode == Mode::Hang {
        std::future::pending::<()>().await;
    }
    let query: ListAppConnectionQuery =
        serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap();
    let _: ListAppConnectionRequestBody = serde_json::from_slice(&body).unwrap();
    let limit = usize::try_from(query.limit.unwrap_or_default().get()).unwrap();
    let offset = usize::try_from(query.offset.unwrap_or_default().get()).unwrap();
    let mut records = server.records.lock().unwrap();
    let items: Vec<AppConnectionInfo> = records.iter().skip(offset).take(limit).cloned().collect();
    let response = ListAppConnectionResponse {
        count: Some(i32::try_from(records.len()).unwrap()),
        items: Some(items),
        ..Default::default()
    };
    if hit == 0 && server.change_after_first != 0 {
        let n = records.len();
        if server.change_after_first > 0 {
            let extra = server.change_after_first.unsigned_abs();
            records.extend((n..n + extra).map(record));
        } else {
            records.truncate(n.saturating_sub(server.change_after_first.unsigned_abs()));
        }
    }
    (
        [
            ("content-type", "application/json"),
            ("x-request-id", "req-ok"),
        ],
        serde_json::to_string(&response).unwrap(),
    )
        .into_response()
}

async fn start(server: Server) -> (Arc<Server>, String) {
    let server = Arc::new(server);
    let app = Router::new()
        .route(URI_TEMPLATE, axum::routing::post(handle))
        .with_state(Arc::clone(&server));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (server, format!("http://{addr}"))
}

fn fast_retries(n: u32) -> RetryPolicy {
    RetryPolicy::with_max_retries(n).backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .project_id(PROJECT)
        .token(TOKEN)
        .retry(fast_retries(3))
        .build()
        .unwrap()
}

fn first_page() -> ListAppConnectionQuery {
    ListAppConnectionQuery {
        limit: Some(Limit::new(10).unwrap()),
        offset: Some(Offset::new(0).unwrap()),
    }
}

#[tokio::test]
async fn every_documented_error_status_is_a_typed_error() {
    let statuses: Vec<u16> = ListAppConnectionStatus::ALL
        .iter()
        .map(|s| s.code())
        .filter(|c| *c >= 400)
        .chain([429, 502, 504])
        .collect();
    assert!(statuses.len() >= 8);
    let (server, endpoint) =
        start(Server::new().script(statuses.iter().map(|s| Canned::error(*s)))).await;
    let client = Client::builder()
        .endpoint(&endpoint)
        .project_id(PROJECT)
        .token(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for status in &statuses {
        let err = client
            .list(&first_page(), &ListAppConnectionRequestBody::default())
            .await
            .unwrap_err();
        match &err {
            Error::Api {
                status: got,
                documented,
                body,
                request_id,
            } => {
                assert_eq!(got, status);
                assert_eq!(*documented, ListAppConnectionStatus::from_code(*status));
                assert_eq!(
                    body.error_code.as_deref(),
                    Some(format!("WKS.{status}").as_str())
                );
                assert_eq!(
                    body.error_msg.as_deref(),
                    Some(format!("status {status}").as_str())
                );
                assert_eq!(
                    request_id.as_deref(),
                    Some(format!("req-{status}").as_str())
                );
            }
            other => panic!("{status}: {other:?}"),
        }
        let text = err.to_string();
        assert!(text.contains(&format!("WKS.{status}")), "{text}");
        assert!(!text.contains(TOKEN));
        assert_eq!(
            err.is_retryable(),
            [429, 500, 502, 503, 504].contains(status),
            "{status}"
        );
    }
    assert_eq!(
        server.hits(),
        statuses.len(),
        "no retries with RetryPolicy::none"
    );
}

#[tokio::test]
async fn undecodable_bodies_keep_status_and_text() {
    let (_server, endpoint) = start(Server::new().script([
        Canned {
            status: 200,
            body: "<html>not json</html>".into(),
            headers: vec![("X-Request-Id", "req-html".into())],
        },
        Canned {
            status: 400,
            body: "Bad Request".into(),
            headers: vec![],
        },
        Canned {
            status: 200,
            body: r#"{"count":"many","items":[]}"#.into(),
            headers: vec![],
        },
    ]))
    .await;
    let client = client(&endpoint);
    let body = ListAppConnectionRequestBody::default();
    match client.list(&first_page(), &body).await.unwrap_err() {
        Error::UndecodableBody {
            status,
            text,
            request_id,
            ..
        } => {
            assert_eq!(status, 200);
            assert_eq!(text, "<html>not json</html>");
            assert_eq!(request_id.as_deref(), Some("req-html"));
        }
        other => panic!("{other:?}"),
    }
    match client.list(&first_page(), &body).await.unwrap_err() {
        Error::UndecodableBody { status, text, .. } => {
            assert_eq!(status, 400);
            assert_eq!(text, "Bad Request");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        client.list(&first_page(), &body).await.unwrap_err(),
        Error::UndecodableBody { status: 200, .. }
    ));
}

#[tokio::test]
async fn injected_503s_are_retried_and_counted() {
    let (server, endpoint) = start(
        Server::new()
            .with_records(3)
            .script([Canned::error(503), Canned::error(503)]),
    )
    .await;
    let page = client(&endpoint)
        .list(&first_page(), &ListAppConnectionRequestBody::default())
        .await
        .unwrap();
    assert_eq!(page.count, Some(3));
    assert_eq!(server.hits(), 3, "two failures, then success");
}

#[tokio::test]
async fn retries_are_bounded() {
    let (server, endpoint) = start(
        Server::new()
            .with_records(3)
            .script([429, 500, 502, 504, 503].map(Canned::error)),
    )
    .await;
    let client = Client::builder()
        .endpoint(&endpoint)
        .project_id(PROJECT)
        .token(TOKEN)
        .retry(fast_retries(3))
        .build()
        .unwrap();
    let err = client
        .list(&first_page(), &ListAppConnectionRequestBody::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(504), "the fourth answer is the last try");
    assert_eq!(server.hits(), 4, "first attempt and three retries");
}

#[tokio::test]
async fn no_retry_on_other_4xx() {
    for status in [400u16, 401, 403, 404, 405, 415] {
        let (server, endpoint) = start(
            Server::new()
                .with_records(3)
                .script([Canned::error(status)]),
        )
        .await;
        let err = client(&endpoint)
            .list(&first_page(), &ListAppConnectionRequestBody::default())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(server.hits(), 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn slow_answers_time_out() {
    let mut server = Server::new();
    server.mode = Mode::Hang;
    let (server, endpoint) = start(server).await;
    let client = Client::builder()
        .endpoint(&endpoint)
        .project_id(PROJECT)
        .token(TOKEN)
        .timeout(Duration::from_millis(300))
        .retry(fast_retries(3))
        .build()
        .unwrap();
    let err = client
        .list(&first_page(), &ListAppConnectionRequestBody::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(300)),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1, "timeouts are not retried");
}

#[tokio::test]
async fn refused_connections_are_transport_errors_and_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = client(&format!("http://{addr}"))
        .list(&first_page(), &ListAppConnectionRequestBody::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn token_request_on_the_wire() {
    let mut server = Server::new().with_records(25);
    server.auth = ServerAuth::Token;
    let (server, endpoint) = start(server).await;
    let body = Filter::new()
        .with(|b| b.user_name = Some("user3".into()))
        .day(time::macros::date!(2025 - 04 - 24))
        .unwrap()
        .build();
    let query = ListAppConnectionQuery {
        limit: Some(Limit::new(5).unwrap()),
        offset: Some(Offset::new(20).unwrap()),
    };
    let page = client(&endpoint).list(&query, &body).await.unwrap();
    assert_eq!(page.count, Some(25));
    let ids: Vec<_> = page
        .items
        .unwrap()
        .into_iter()
        .map(|i| i.id.unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "rec-00020",
            "rec-00021",
            "rec-00022",
            "rec-00023",
            "rec-00024"
        ]
    );
    let seen = server.seen.lock().unwrap()[0].clone();
    assert_eq!(seen.query, "limit=5&offset=20");
    assert_eq!(seen.headers["content-type"], "application/json");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen.body).unwrap(),
        serde_json::json!({
            "user_name": "user3",
            "brokering_start_time": "2025-04-24T00:00:00Z",
            "brokering_end_time": "2025-04-25T00:00:00Z"
        })
    );
    assert!(seen.headers.get("authorization").is_none());
}

#[tokio::test]
async fn aksk_requests_verify_on_the_server() {
    let mut server = Server::new().with_records(12);
    server.auth = ServerAuth::AkSk;
    let (server, endpoint) = start(server).await;
    let client = Client::builder()
        .endpoint(&endpoint)
        .project_id(PROJECT)
        .aksk(Credentials::new(AK, SK))
        .build()
        .unwrap();
    let body = Filter::new()
        .with(|b| b.app_name = Some("Notepad".into()))
        .build();
    let page = client.list(&first_page(), &body).await.unwrap();
    assert_eq!(page.count, Some(12));
    let seen = server.seen.lock().unwrap()[0].clone();
    assert_eq!(seen.headers["x-project-id"], PROJECT);
    assert!(seen.headers.get("x-auth-token").is_none());
    let auth = seen.headers["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with(&format!("SDK-HMAC-SHA256 Access={AK}, SignedHeaders=")),
        "{auth}"
    );

    // A wrong secret is refused by the server, and the error says so without secrets.
    let wrong = Client::builder()
        .endpoint(&endpoint)
        .project_id(PROJECT)
        .aksk(Credentials::new(AK, "wrong-secret"))
        .build()
        .unwrap();
    let err = wrong.list(&first_page(), &body).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(
        err.to_string().contains("signature does not match"),
        "{err}"
    );
    assert!(!format!("{err} {err:?} {wrong:?} {client:?}").contains(SK));
}

#[tokio::test]
async fn derived_key_signatures_verify_on_the_server() {
    let mut server = Server::new().with_records(7);
    server.auth = ServerAuth::AkSkDerived;
    let (server, endpoint) = start(server).await;
    let client = Client::builder()
        .endpoint(&endpoint)
        .project_id(PROJECT)
        .auth(workspaceapp_client::Auth::AkSk {
            credentials: Credentials::new(AK, SK),
            algorithm: workspaceapp_client::Algorithm::V11HmacSha256 {
                region: "cn-north-4".into(),
                service: "workspaceapp".into(),
            },
        })
        .build()
        .unwrap();
    let page = client
        .list(&first_page(), &ListAppConnectionRequestBody::default())
        .await
        .unwrap();
    assert_eq!(page.count, Some(7));
    let seen = server.seen.lock().unwrap()[0].clone();
    let auth = seen.headers["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with(&format!("V11-HMAC-SHA256 Credential={AK}/")),
        "{auth}"
    );
    assert!(
        auth.contains("/cn-north-4/workspaceapp, SignedHeaders="),
        "{auth}"
    );
}

#[tokio::test]
async fn list_all_pages_sequentially_and_concurrently() {
    for n in [0usize, 1, 99, 100, 101, 250, 1000] {
        for in_flight in [1usize, 4] {
            let (server, endpoint) = start(Server::new().with_records(n)).await;
            let client = client(&endpoint);
            let options = PageOptions::new(NonZeroUsize::new(in_flight).unwrap());
            let items: Vec<AppConnectionInfo> = client
                .list_all_with(ListAppConnectionRequestBody::default(), options)
                .try_collect()
                .await
                .unwrap();
            let ids: Vec<String> = items.into_iter().map(|i| i.id.unwrap()).collect();
            let expected: Vec<String> = (0..n).map(|i| record(i).id.unwrap()).collect();
            assert_eq!(ids, expected, "{n} records, {in_flight} in flight");
            // Pages at 0, 100, ... up to the first short one; a full last page needs one more
            // (empty) request only when the count does not already say it is the last.
            let expected_hits = (n / 100) + usize::from(n % 100 != 0 || n == 0);
            assert_eq!(
                server.hits(),
                expected_hits.max(1),
                "{n} records, {in_flight} in flight"
            );
            let limits: HashSet<String> = server
                .seen
                .lock()
                .unwrap()
                .iter()
                .map(|s| s.query.clone())
                .collect();
            assert!(
                limits.iter().all(|q| q.starts_with("limit=100&offset=")),
                "{limits:?}"
            );
        }
    }
}

#[tokio::test]
async fn list_all_follows_a_growing_count() {
    for in_flight in [1usize, 4] {
        let mut server = Server::new().with_records(250);
        server.change_after_first = 120;
        let (_server, endpoint) = start(server).await;
        let options = PageOptions::new(NonZeroUsize::new(in_flight).unwrap());
        let ids: Vec<String> = client(&endpoint)
            .list_all_with(ListAppConnectionRequestBody::default(), options)
            .map_ok(|i| i.id.unwrap())
            .try_collect()
            .await
            .unwrap();
        let expected: Vec<String> = (0..370).map(|i| record(i).id.unwrap()).collect();
        assert_eq!(ids, expected, "{in_flight} in flight");
    }
}

#[tokio::test]
async fn list_all_stops_early_on_a_shrinking_count() {
    for in_flight in [1usize, 4] {
        let mut server = Server::new().with_records(450);
        server.change_after_first = -300;
        let (_server, endpoint) = start(server).await;
        let options = PageOptions::new(NonZeroUsize::new(in_flight).unwrap());
        let ids: Vec<String> = client(&endpoint)
            .list_all_with(ListAppConnectionRequestBody::default(), options)
            .map_ok(|i| i.id.unwrap())
            .try_collect()
            .await
            .unwrap();
        let expected: Vec<String> = (0..150).map(|i| record(i).id.unwrap()).collect();
        assert_eq!(ids, expected, "{in_flight} in flight");
    }
}

#[tokio::test]
async fn list_all_ends_after_an_error() {
    let (_server, endpoint) = start(
        Server::new()
            .with_records(300)
            .script([Canned {
                status: 200,
                body: serde_json::to_string(&ListAppConnectionResponse {
                    count: Some(300),
                    items: Some((0..100).map(record).collect()),
                    ..Default::default()
                })
                .unwrap(),
                headers: vec![],
            }])
            .script([Canned::error(403)]),
    )
    .await;
    let results: Vec<Result<AppConnectionInfo, Error>> = client(&endpoint)
        .list_all(ListAppConnectionRequestBody::default())
        .collect()
        .await;
    assert_eq!(results.len(), 101);
    assert!(results[..100].iter().all(Result::is_ok));
    assert_eq!(results[100].as_ref().unwrap_err().status(), Some(403));
}

#[test]
fn configuration_errors_are_typed() {
    let base = || Client::builder().project_id(PROJECT).token(TOKEN);
    let config_err = |r: Result<Client, Error>| match r {
        Err(Error::Config(c)) => c,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        config_err(base().region("mars-1").build()),
        ConfigError::UnknownRegion("mars-1".into())
    );
    assert_eq!(config_err(base().build()), ConfigError::MissingEndpoint);
    assert!(matches!(
        config_err(base().endpoint("http://example.com").build()),
        ConfigError::InvalidEndpoint { .. }
    ));
    assert!(matches!(
        config_err(base().endpoint("ftp://127.0.0.1").build()),
        ConfigError::InvalidEndpoint { .. }
    ));
    assert!(matches!(
        config_err(base().endpoint("not a url").build()),
        ConfigError::InvalidEndpoint { .. }
    ));
    assert_eq!(
        config_err(Client::builder().region("cn-north-4").token(TOKEN).build()),
        ConfigError::MissingProjectId
    );
    assert_eq!(
        config_err(
            Client::builder()
                .region("cn-north-4")
                .project_id(PROJECT)
                .build()
        ),
        ConfigError::MissingAuth
    );
    assert!(matches!(
        config_err(base().region("cn-north-4").token("").build()),
        ConfigError::InvalidCredentials(_)
    ));
    assert!(matches!(
        config_err(base().region("cn-north-4").timeout(Duration::ZERO).build()),
        ConfigError::InvalidTimeout(_)
    ));
    base()
        .endpoint("http://example.com")
        .allow_http(true)
        .build()
        .unwrap();
}

#[test]
fn regions_map_to_their_endpoints() {
    for (region, host) in [
        (
            "cn-north-4",
            "https://appstream.cn-north-4.myhuaweicloud.com/",
        ),
        (
            "cn-southwest-2",
            "https://appstream.cn-southwest-2.myhuaweicloud.com/",
        ),
        (
            "ap-southeast-1",
            "https://workspace.ap-southeast-1.myhuaweicloud.com/",
        ),
        (
            "cn-north-11",
            "https://workspace.cn-north-11.myhuaweicloud.com/",
        ),
    ] {
        let client = Client::builder()
            .region(region)
            .project_id(PROJECT)
            .token(TOKEN)
            .build()
            .unwrap();
        assert_eq!(client.endpoint(), host);
    }
    assert_eq!(
        workspaceapp_client::APPSTREAM_REGIONS.len() + workspaceapp_client::WORKSPACE_REGIONS.len(),
        17
    );
}

#[test]
fn debug_never_shows_secrets() {
    let token_client = Client::builder()
        .region("cn-north-4")
        .project_id(PROJECT)
        .token(TOKEN)
        .build()
        .unwrap();
    let aksk_client = Client::builder()
        .region("cn-north-4")
        .project_id(PROJECT)
        .aksk(Credentials::new(AK, SK))
        .build()
        .unwrap();
    let shown = format!("{token_client:?} {aksk_client:?} {token_client:#?} {aksk_client:#?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(!shown.contains(SK), "{shown}");
    assert!(!shown.contains(AK), "{shown}");
}
