//! The client's error type.

use std::time::Duration;

use workspaceapp_model::{ListAppConnectionErrorBody, ListAppConnectionStatus};

use crate::retry::RETRY_STATUSES;

/// At most this many bytes of an undecodable body are kept in [`Error::UndecodableBody`].
pub const MAX_KEPT_BODY: usize = 16 * 1024;

/// A configuration the client cannot work with.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The region has no known endpoint.
    #[error(
        "unknown region {0:?}: use one of the documented regions (see APPSTREAM_REGIONS and WORKSPACE_REGIONS) or give an explicit endpoint"
    )]
    UnknownRegion(String),
    /// The endpoint URL is not usable.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Neither a region nor an endpoint was given.
    #[error("no endpoint: give a region or an endpoint URL")]
    MissingEndpoint,
    /// No project id was given.
    #[error("no project id")]
    MissingProjectId,
    /// The project id is empty or has characters that cannot be sent.
    #[error("invalid project id: {0}")]
    InvalidProjectId(&'static str),
    /// No authentication was chosen.
    #[error("no authentication: give a token, AK/SK credentials, or Auth::None")]
    MissingAuth,
    /// A token or AK/SK pair is empty or cannot be sent in a header.
    #[error("invalid credentials: {0}")]
    InvalidCredentials(&'static str),
    /// The user agent cannot be sent in a header.
    #[error("invalid user agent: not a valid header value")]
    InvalidUserAgent,
    /// A timeout of zero.
    #[error("invalid {0} timeout: must be more than zero")]
    InvalidTimeout(&'static str),
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    HttpClient(String),
}

/// Everything that can go wrong with a call.
///
/// No variant carries a token, a secret key, a signature or a full access key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client configuration is not usable.
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    /// An argument of the call is not acceptable (e.g. an offset past the API's range).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The request could not be sent or the answer not read (connection refused, reset, TLS, ...).
    #[error("transport error: {source}")]
    Transport {
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// No complete answer within the configured time.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The server answered with an error status and an error body.
    #[error("{}", api_message(*status, body, request_id.as_deref()))]
    Api {
        /// The HTTP status code.
        status: u16,
        /// The status as documented for the operation, when it is one of the documented ones.
        documented: Option<ListAppConnectionStatus>,
        /// The decoded error body (`error_code`, `error_msg`, anything else kept).
        body: Box<ListAppConnectionErrorBody>,
        /// The `X-Request-Id` response header, for support requests.
        request_id: Option<String>,
    },
    /// The answer could not be decoded (not JSON, or not the documented shape).
    #[error(
        "HTTP {status}: the response body could not be decoded ({reason}){}",
        request_id_suffix(request_id.as_deref())
    )]
    UndecodableBody {
        /// The HTTP status code.
        status: u16,
        /// Why decoding failed.
        reason: String,
        /// The body as text (lossy UTF-8, at most [`MAX_KEPT_BODY`] bytes).
        text: String,
        /// The `X-Request-Id` response header.
        request_id: Option<String>,
    },
}

fn request_id_suffix(request_id: Option<&str>) -> String {
    request_id
        .map(|id| format!(" [X-Request-Id {id}]"))
        .unwrap_or_default()
}

fn api_message(status: u16, body: &ListAppConnectionErrorBody, request_id: Option<&str>) -> String {
    let mut out = format!("HTTP {status}");
    if let Some(documented) = ListAppConnectionStatus::from_code(status) {
        out.push_str(&format!(" ({})", documented.description()));
    }
    match (&body.error_code, &body.error_msg) {
        (Some(code), Some(msg)) => out.push_str(&format!(": {code}: {msg}")),
        (Some(code), None) => out.push_str(&format!(": {code}")),
        (None, Some(msg)) => out.push_str(&format!(": {msg}")),
        (None, None) => {}
    }
    out.push_str(&request_id_suffix(request_id));
    out
}

impl Error {
    /// The HTTP status, for errors that got an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::UndecodableBody { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `X-Request-Id` of the answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } | Error::UndecodableBody { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// Whether the retry policy retries this error: connection failures and the statuses
    /// 429, 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source } => source.is_connect(),
            Error::Api { status, .. } | Error::UndecodableBody { status, .. } => {
                RETRY_STATUSES.contains(status)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_message_names_code_message_and_request_id() {
        let e = Error::Api {
            status: 400,
            documented: ListAppConnectionStatus::from_code(400),
            body: Box::new(ListAppConnectionErrorBody {
                error_code: Some("WKS.0001".into()),
                error_msg: Some("bad filter".into()),
                ..Default::default()
            }),
            request_id: Some("req-1".into()),
        };
        let text = e.to_string();
        assert!(text.starts_with("HTTP 400"), "{text}");
        assert!(text.contains("WKS.0001: bad filter"), "{text}");
        assert!(text.contains("X-Request-Id req-1"), "{text}");
        assert_eq!(e.status(), Some(400));
        assert!(!e.is_retryable());
    }

    #[test]
    fn config_error_messages() {
        assert!(
            ConfigError::UnknownRegion("mars-1".into())
                .to_string()
                .contains("\"mars-1\"")
        );
    }
}
