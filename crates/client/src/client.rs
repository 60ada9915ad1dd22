//! The client and one call of the operation.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use workspaceapp_aksk::{RequestView, SignOptions};
use workspaceapp_model::{
    Limit, ListAppConnectionErrorBody, ListAppConnectionHeaders, ListAppConnectionPath,
    ListAppConnectionQuery, ListAppConnectionRequest, ListAppConnectionRequestBody,
    ListAppConnectionResponse, ListAppConnectionStatus, METHOD, Offset,
};

use crate::config::{Auth, ClientBuilder, EndpointChoice, region_endpoint};
use crate::error::{ConfigError, Error, MAX_KEPT_BODY};
use crate::retry::RetryPolicy;

/// The response header carrying the server's request id.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";

/// An async client for `ListAppConnection`. Cheap to clone (shared connection pool).
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    endpoint: Url,
    project_id: String,
    auth: Auth,
    retry: RetryPolicy,
    user_agent: String,
    timeout: Duration,
    pub(crate) pages_in_flight: std::num::NonZeroUsize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("project_id", &self.inner.project_id)
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn parse_endpoint(raw: &str, allow_http: bool) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidEndpoint {
        endpoint: raw.chars().take(200).collect(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(&url) => {}
        "http" => {
            return Err(invalid(
                "plain http is only accepted for loopback hosts (see allow_http)",
            ));
        }
        _ => return Err(invalid("scheme must be https or http")),
    }
    if url.host().is_none() {
        return Err(invalid("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not accepted"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("an endpoint has no query or fragment"));
    }
    Ok(url)
}

fn header_safe(s: &str) -> bool {
    HeaderValue::from_str(s).is_ok()
}

impl Client {
    /// Starts a configuration.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_builder(b: ClientBuilder) -> Result<Self, Error> {
        let raw = match &b.endpoint {
            None => return Err(ConfigError::MissingEndpoint.into()),
            Some(EndpointChoice::Region(region)) => region_endpoint(region)?,
            Some(EndpointChoice::Url(url)) => url.clone(),
        };
        let endpoint = parse_endpoint(&raw, b.allow_http)?;
        let project_id = b.project_id.clone().ok_or(ConfigError::MissingProjectId)?;
        if project_id.trim().is_empty() {
            return Err(ConfigError::InvalidProjectId("empty").into());
        }
        if !header_safe(&project_id) || project_id.trim() != project_id {
            return Err(
                ConfigError::InvalidProjectId("control characters or surrounding spaces").into(),
            );
        }
        let auth = b.auth.clone().ok_or(ConfigError::MissingAuth)?;
        match &auth {
            Auth::Token(token) => {
                if token.expose().is_empty() {
                    return Err(ConfigError::InvalidCredentials("empty token").into());
                }
                if !header_safe(token.expose()) {
                    return Err(ConfigError::InvalidCredentials(
                        "token is not a valid header value",
                    )
                    .into());
                }
            }
            Auth::AkSk { credentials, .. } => {
                if credentials.is_empty() {
                    return Err(ConfigError::InvalidCredentials("empty AK or SK").into());
                }
                if !header_safe(credentials.access_key()) {
                    return Err(
                        ConfigError::InvalidCredentials("AK is not a valid header value").into(),
                    );
                }
            }
            Auth::None => {}
        }
        if !header_safe(&b.user_agent) {
            return Err(ConfigError::InvalidUserAgent.into());
        }
        if b.connect_timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout("connect").into());
        }
        if b.timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout("total").into());
        }
        let mut http = reqwest::Client::builder()
            .connect_timeout(b.connect_timeout)
            .timeout(b.timeout)
            .user_agent(b.user_agent.clone());
        if !b.proxy_from_env.unwrap_or(!is_loopback(&endpoint)) {
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                endpoint,
                project_id,
                auth,
                retry: b.retry,
                user_agent: b.user_agent,
                timeout: b.timeout,
                pages_in_flight: b.pages_in_flight,
            }),
        })
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str()
    }

    /// The configured project id.
    pub fn project_id(&self) -> &str {
        &self.inner.project_id
    }

    /// One call: the page of records selected by `query` (limit and offset; the server's
    /// defaults when absent) and the filters in `body`.
    ///
    /// # Errors
    /// See [`Error`]; retryable failures are retried first as the [`RetryPolicy`] says.
    pub async fn list(
        &self,
        query: &ListAppConnectionQuery,
        body: &ListAppConnectionRequestBody,
    ) -> Result<ListAppConnectionResponse, Error> {
        let request = ListAppConnectionRequest {
            path: ListAppConnectionPath {
                project_id: self.inner.project_id.clone(),
            },
            query: query.clone(),
            headers: match &self.inner.auth {
                Auth::Token(token) => ListAppConnectionHeaders {
                    x_auth_token: Some(token.clone()),
                },
                _ => ListAppConnectionHeaders::default(),
            },
            body: body.clone(),
        };
        self.send(&request).await
    }

    /// One page: `limit` records from `offset` on.
    ///
    /// # Errors
    /// As [`Client::list`].
    pub async fn list_page(
        &self,
        limit: Limit,
        offset: Offset,
        body: &ListAppConnectionRequestBody,
    ) -> Result<ListAppConnectionResponse, Error> {
        let query = ListAppConnectionQuery {
            limit: Some(limit),
            offset: Some(offset),
        };
        self.list(&query, body).await
    }

    /// Sends a whole request as given (its own path and header parameters), with the
    /// client's endpoint, user agent, retries and, for AK/SK, signing. [`Client::list`] is this
    /// with the configured project id and token.
    ///
    /// # Errors
    /// As [`Client::list`].
    pub async fn send(
        &self,
        request: &ListAppConnectionRequest,
    ) -> Result<ListAppConnectionResponse, Error> {
        let prepared = self.prepare(request)?;
        let mut retry = 0;
        loop {
            match self.attempt(&prepared).await {
                Ok(response) => return Ok(response),
                Err(failure) => {
                    if retry >= self.inner.retry.max_retries || !failure.error.is_retryable() {
                        return Err(failure.error);
                    }
                    let delay = self.inner.retry.delay(retry, failure.retry_after);
                    tokio::time::sleep(delay).await;
                    retry += 1;
                }
            }
        }
    }

    fn prepare(&self, request: &ListAppConnectionRequest) -> Result<Prepared, Error> {
        let mut raw = self
            .inner
            .endpoint
            .as_str()
            .trim_end_matches('/')
            .to_owned();
        raw.push_str(&request.path.to_uri_path());
        let query = serde_urlencoded::to_string(&request.query)
            .map_err(|e| Error::InvalidArgument(format!("query parameters: {e}")))?;
        if !query.is_empty() {
            raw.push('?');
            raw.push_str(&query);
        }
        let url =
            Url::parse(&raw).map_err(|e| Error::InvalidArgument(format!("request URL: {e}")))?;
        let body = serde_json::to_vec(&request.body)
            .map_err(|e| Error::InvalidArgument(format!("request body: {e}")))?;

        // Header parameters by their wire names, as the model serialises them.
        let mut headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("User-Agent".to_owned(), self.inner.user_agent.clone()),
        ];
        let values = serde_json::to_value(&request.headers)
            .map_err(|e| Error::InvalidArgument(format!("header parameters: {e}")))?;
        if let serde_json::Value::Object(map) = values {
            for (name, value) in map {
                let value = match value {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => continue,
                    other => other.to_string(),
                };
                if !header_safe(&value) {
                    return Err(Error::InvalidArgument(format!(
                        "header parameter {name} is not a valid header value"
                    )));
                }
                headers.push((name, value));
            }
        }
        Ok(Prepared {
            url,
            headers,
            body,
            project_id: request.path.project_id.clone(),
        })
    }

    /// The headers of one attempt: AK/SK requests are signed again each time, so that a retry
    /// carries a fresh `X-Sdk-Date`.
    fn attempt_headers(&self, prepared: &Prepared) -> Result<HeaderMap, Error> {
        let mut list = prepared.headers.clone();
        if let Auth::AkSk {
            credentials,
            algorithm,
        } = &self.inner.auth
        {
            let url = &prepared.url;
            let host = match (url.host_str(), url.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_owned(),
                (None, _) => return Err(ConfigError::MissingEndpoint.into()),
            };
            let view_headers: Vec<(&str, &str)> =
                list.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let view = RequestView {
                method: METHOD,
                path: url.path(),
                query: url.query().unwrap_or(""),
                headers: &view_headers,
                body: &prepared.body,
            };
            let options = SignOptions::new(host)
                .project_id(&prepared.project_id)
                .algorithm(algorithm.clone());
            let signed = workspaceapp_aksk::sign(credentials, &view, &options)
                .map_err(|e| Error::InvalidArgument(format!("cannot sign the request: {e}")))?;
            // The HTTP stack writes Host itself, from the same URL.
            list = signed
                .headers()
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case(workspaceapp_aksk::HEADER_HOST))
                .cloned()
                .collect();
        }
        let mut map = HeaderMap::with_capacity(list.len());
        for (k, v) in &list {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| Error::InvalidArgument(format!("invalid header name {k:?}")))?;
            let mut value = HeaderValue::from_str(v)
                .map_err(|_| Error::InvalidArgument(format!("header {k} has an invalid value")))?;
            if k.eq_ignore_ascii_case(workspaceapp_aksk::HEADER_AUTHORIZATION) || list_is_secret(k)
            {
                value.set_sensitive(true);
            }
            map.insert(name, value);
        }
        Ok(map)
    }

    async fn attempt(&self, prepared: &Prepared) -> Result<ListAppConnectionResponse, Failure> {
        let headers = self.attempt_headers(prepared).map_err(Failure::from)?;
        let method = reqwest::Method::from_bytes(METHOD.as_bytes())
            .map_err(|_| Failure::from(Error::InvalidArgument("method".into())))?;
        let response = self
            .inner
            .http
            .request(method, prepared.url.clone())
            .headers(headers)
            .body(prepared.body.clone())
            .send()
            .await
            .map_err(|e| Failure::from(self.transport(e)))?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Failure::from(self.transport(e)))?;
        let undecodable = |reason: String| Error::UndecodableBody {
            status,
            reason,
            text: String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_KEPT_BODY)]).into_owned(),
            request_id: request_id.clone(),
        };
        if (200..300).contains(&status) {
            return serde_json::from_slice::<ListAppConnectionResponse>(&bytes).map_err(|e| {
                Failure {
                    error: undecodable(e.to_string()),
                    retry_after,
                }
            });
        }
        let error = match serde_json::from_slice::<ListAppConnectionErrorBody>(&bytes) {
            Ok(body) => Error::Api {
                status,
                documented: ListAppConnectionStatus::from_code(status),
                body: Box::new(body),
                request_id,
            },
            Err(e) => undecodable(if bytes.is_empty() {
                "empty body".to_owned()
            } else {
                e.to_string()
            }),
        };
        Err(Failure { error, retry_after })
    }

    fn transport(&self, e: reqwest::Error) -> Error {
        if e.is_timeout() && !e.is_connect() {
            Error::Timeout(self.inner.timeout)
        } else {
            Error::Transport {
                source: e.without_url(),
            }
        }
    }
}

fn list_is_secret(name: &str) -> bool {
    // The model's header parameters that are credentials.
    ListAppConnectionHeaders::FIELDS
        .iter()
        .any(|f| f.secret && f.name.eq_ignore_ascii_case(name))
}

struct Prepared {
    url: Url,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    project_id: String,
}

struct Failure {
    error: Error,
    retry_after: Option<Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}
