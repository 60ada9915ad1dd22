//! The HTTP side: router, request handling, request ids, fault injection, serving.

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use workspaceapp_model::{
    ListAppConnectionPath, ListAppConnectionQuery, ListAppConnectionRequestBody,
    ListAppConnectionResponse, ListAppConnectionStatus, METHOD, URI_TEMPLATE,
};

use crate::auth::Authenticator;
use crate::config::{FAULT_HEADER, MockConfig, RecordSource};
use crate::dataset;
use crate::error::{ApiError, json_response};
use crate::query::{Dataset, Filter};

/// Response header carrying a fresh id on every answer.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";

/// Why a server could not be built or started.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data file could not be read.
    #[error(transparent)]
    Load(#[from] dataset::LoadError),
    /// A setting is out of range.
    #[error("invalid setting: {0}")]
    Config(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
}

struct Faults {
    rate: f64,
    status: ListAppConnectionStatus,
    header: bool,
    rng: Mutex<ChaCha8Rng>,
}

impl Faults {
    /// An injected error for this request, if any: the header first, then the configured rate.
    fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        if self.header
            && let Some(value) = headers.get(FAULT_HEADER)
        {
            let wanted = value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u16>().ok())
                .and_then(ListAppConnectionStatus::from_code)
                .filter(|s| *s != ListAppConnectionStatus::Ok);
            return match wanted {
                Some(status) => Err(injected(status)),
                None => Err(ApiError::bad_request(format!(
                    "{FAULT_HEADER} must be one of the documented error statuses ({}).",
                    documented_error_codes()
                ))),
            };
        }
        if self.rate > 0.0 {
            let hit = {
                let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
                rng.random_bool(self.rate)
            };
            if hit {
                return Err(injected(self.status));
            }
        }
        Ok(())
    }
}

fn documented_error_codes() -> String {
    ListAppConnectionStatus::ALL
        .iter()
        .filter(|s| **s != ListAppConnectionStatus::Ok)
        .map(|s| s.code().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error answer of an injected fault, with the message the API definition shows for it.
fn injected(status: ListAppConnectionStatus) -> ApiError {
    use ListAppConnectionStatus as S;
    let message = match status {
        S::InternalServerError => "The requested operation failed. Please try again later.",
        S::ServiceUnavailable => "The service is now unavailable to process the request.",
        other => other.description(),
    };
    ApiError::new(status, message)
}

struct Inner {
    dataset: Dataset,
    auth: Authenticator,
    faults: Faults,
    body_limit: usize,
    access_log: bool,
}

/// A built server: the records and settings shared by all requests. Cheap to clone.
#[derive(Clone)]
pub struct MockState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for MockState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockState")
            .field("records", &self.inner.dataset.len())
            .finish_non_exhaustive()
    }
}

impl MockState {
    /// Builds the state: reads or generates the records and checks the settings.
    pub fn new(config: &MockConfig) -> Result<Self, ServeError> {
        if !(0.0..=1.0).contains(&config.fault.rate) {
            return Err(ServeError::Config(format!(
                "fault rate {} is not between 0 and 1",
                config.fault.rate
            )));
        }
        if config.fault.status == ListAppConnectionStatus::Ok {
            return Err(ServeError::Config(
                "the fault status must be an error status".into(),
            ));
        }
        let records = match &config.records {
            RecordSource::Synthetic(spec) => dataset::generate(spec),
            RecordSource::Records(records) => records.clone(),
            RecordSource::File(path) => dataset::load_file(path)?,
        };
        Ok(MockState {
            inner: Arc::new(Inner {
                dataset: Dataset::new(records),
                auth: Authenticator::new(&config.auth, config.project_ids.clone()),
                faults: Faults {
                    rate: config.fault.rate,
                    status: config.fault.status,
                    header: config.fault.header,
                    rng: Mutex::new(ChaCha8Rng::seed_from_u64(config.fault.seed)),
                },
                body_limit: config.body_limit,
                access_log: config.access_log,
            }),
        })
    }

    /// The records served, newest first.
    pub fn dataset(&self) -> &Dataset {
        &self.inner.dataset
    }
}

/// The server's routes: the operation at [`URI_TEMPLATE`], a 404 for anything else, and an
/// `X-Request-Id` on every answer.
pub fn router(state: MockState) -> Router {
    let access_log = state.inner.access_log;
    Router::new()
        .route(URI_TEMPLATE, any(list_app_connection))
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(move |req, next| {
            with_request_id(req, next, access_log)
        }))
}

/// A fresh request id: 32 lowercase hex digits.
pub fn fresh_request_id() -> String {
    let mut rng = rand::rng();
    let value: u128 = rng.random();
    format!("{value:032x}")
}

async fn with_request_id(
    request: Request,
    next: axum::middleware::Next,
    access_log: bool,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let id = fresh_request_id();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    if access_log {
        eprintln!(
            "{method} {path} {} {id} {}ms",
            response.status().as_u16(),
            started.elapsed().as_millis()
        );
    }
    response
}

async fn not_found(request: Request) -> Response {
    let mut path: String = request.uri().path().chars().take(200).collect();
    if request.uri().path().chars().count() > 200 {
        path.push_str("...");
    }
    ApiError::not_found(format!("No resource found at {path}.")).into_response()
}

async fn list_app_connection(State(state): State<MockState>, request: Request) -> Response {
    match handle(&state, request).await {
        Ok(response) => response,
        Err(error) => {
            let allow = error.status == ListAppConnectionStatus::MethodNotAllowed;
            let mut response = error.into_response();
            if allow {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(METHOD));
            }
            response
        }
    }
}

fn is_json_media_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

async fn handle(state: &MockState, request: Request) -> Result<Response, ApiError> {
    let inner = &state.inner;
    if request.method().as_str() != METHOD {
        return Err(ApiError::method_not_allowed(format!(
            "The method {} is not allowed for this resource; use {METHOD}.",
            request.method()
        )));
    }
    let path = ListAppConnectionPath::from_uri_path(request.uri().path())
        .ok_or_else(|| ApiError::not_found("No resource found at this path."))?;
    inner.faults.check(request.headers())?;

    let (parts, body) = request.into_parts();
    let body = read_body(body, inner.body_limit).await?;
    inner.auth.authenticate(&parts, &body, &path.project_id)?;

    let content_type = parts.headers.get(header::CONTENT_TYPE);
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    match content_type {
        Some(value) if !value.to_str().is_ok_and(is_json_media_type) => {
            return Err(ApiError::unsupported_media_type(
                "The request body must be sent as application/json.",
            ));
        }
        None if has_body => {
            return Err(ApiError::unsupported_media_type(
                "The request has a body but no Content-Type; send it as application/json.",
            ));
        }
        _ => {}
    }

    let Query(query) = Query::<ListAppConnectionQuery>::try_from_uri(&parts.uri).map_err(|e| {
        let text = e.body_text();
        let detail = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        ApiError::bad_request(format!("Invalid query string: {detail}."))
    })?;
    PATH_LENGTHS.check(
        &serde_json::to_value(&path).unwrap_or(Value::Null),
        "Path parameter",
    )?;
    let body = parse_body(&body)?;
    let filter = Filter::from_body(&body).map_err(|e| ApiError::bad_request(e.0))?;

    let limit = query.limit.unwrap_or_default().get();
    let offset = query.offset.unwrap_or_default().get();
    let (count, items) = inner.dataset.query(
        &filter,
        usize::try_from(offset).unwrap_or(usize::MAX),
        usize::try_from(limit).unwrap_or(0),
    );
    let answer = ListAppConnectionResponse {
        count: Some(i32::try_from(count).unwrap_or(i32::MAX)),
        items: Some(items),
        ..Default::default()
    };
    let bytes = serde_json::to_vec(&answer)
        .map_err(|e| ApiError::internal(format!("Cannot encode the answer: {e}.")))?;
    Ok(json_response(StatusCode::OK, bytes))
}

/// The `minLength` / `maxLength` of the string properties of a generated schema, counted in
/// characters as JSON Schema counts them.
struct LengthBounds(Vec<(String, Option<u64>, Option<u64>)>);

static PATH_LENGTHS: LazyLock<LengthBounds> =
    LazyLock::new(|| LengthBounds::of(workspaceapp_model::schemas::list_app_connection::PATH));
static BODY_LENGTHS: LazyLock<LengthBounds> = LazyLock::new(|| {
    LengthBounds::of(workspaceapp_model::schemas::list_app_connection::REQUEST_BODY)
});

impl LengthBounds {
    fn of(schema: &str) -> Self {
        let schema: Value = serde_json::from_str(schema).unwrap_or(Value::Null);
        let bounds = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|properties| {
                properties
                    .iter()
                    .filter_map(|(name, p)| {
                        let min = p.get("minLength").and_then(Value::as_u64);
                        let max = p.get("maxLength").and_then(Value::as_u64);
                        (min.is_some() || max.is_some()).then(|| (name.clone(), min, max))
                    })
                    .collect()
            })
            .unwrap_or_default();
        LengthBounds(bounds)
    }

    /// A 400 naming the first string value of `object` whose length is out of bounds.
    fn check(&self, object: &Value, what: &str) -> Result<(), ApiError> {
        for (name, min, max) in &self.0 {
            let Some(text) = object.get(name).and_then(Value::as_str) else {
                continue;
            };
            let length = u64::try_from(text.chars().count()).unwrap_or(u64::MAX);
            if min.is_some_and(|m| length < m) || max.is_some_and(|m| length > m) {
                let allowed = match (min, max) {
                    (Some(min), Some(max)) => format!("{min} to {max}"),
                    (Some(min), None) => format!("at least {min}"),
                    (None, max) => format!("at most {}", max.unwrap_or(u64::MAX)),
                };
                return Err(ApiError::bad_request(format!(
                    "{what} {name} must be {allowed} characters long, not {length}."
                )));
            }
        }
        Ok(())
    }
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.to_string().contains("length limit exceeded"))
            || e.to_string().contains("length limit exceeded");
        if too_large {
            ApiError::bad_request(format!("The request body is larger than {limit} bytes."))
        } else {
            ApiError::bad_request(format!("The request body could not be read: {e}."))
        }
    })
}

fn parse_body(bytes: &[u8]) -> Result<ListAppConnectionRequestBody, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(ListAppConnectionRequestBody::default());
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}.")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    }
    BODY_LENGTHS.check(&value, "Request body field")?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ApiError::bad_request(format!(
            "Invalid request body field {path}: {}.",
            e.into_inner()
        ))
    })
}

/// A server running in the background. Dropping it (and every [`ShutdownHandle`]) stops it.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: ShutdownHandle,
    task: JoinHandle<std::io::Result<()>>,
}

/// Stops a running server (gracefully: requests in flight are answered). Cheap to clone.
#[derive(Debug, Clone)]
pub struct ShutdownHandle {
    sender: Arc<watch::Sender<bool>>,
}

impl ShutdownHandle {
    /// Asks the server to stop.
    pub fn shutdown(&self) {
        self.sender.send_replace(true);
    }
}

impl RunningServer {
    /// The bound address (with the real port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the endpoint clients use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A handle that stops the server.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Stops the server and waits until it has stopped.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.shutdown.shutdown();
        self.wait().await
    }

    /// Waits until the server stops (after a [`ShutdownHandle::shutdown`]).
    pub async fn wait(self) -> std::io::Result<()> {
        // Keep this handle alive until the task ends: dropping the last one stops the server.
        let RunningServer { task, shutdown, .. } = self;
        let result = task.await;
        drop(shutdown);
        match result {
            Ok(result) => result,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
}

/// Builds the state from `config`, binds `config.addr` and serves in a background task.
pub async fn spawn(config: MockConfig) -> Result<RunningServer, ServeError> {
    let state = MockState::new(&config)?;
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.addr,
            source,
        })?;
    spawn_on(listener, state)
}

/// Serves `state` on an already bound listener in a background task.
pub fn spawn_on(listener: TcpListener, state: MockState) -> Result<RunningServer, ServeError> {
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: SocketAddr::from(([0, 0, 0, 0], 0)),
        source,
    })?;
    let (sender, mut receiver) = watch::channel(false);
    let app = router(state);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                // An error means every handle is gone: stop as well.
                let _ = receiver.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        shutdown: ShutdownHandle {
            sender: Arc::new(sender),
        },
        task,
    })
}
