//! The documented error answers: a status of the operation and a `{error_code, error_msg}` body.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use workspaceapp_model::{ListAppConnectionErrorBody, ListAppConnectionStatus};

/// Error codes sent in `error_code`, one per documented status (the examples of the API definition).
pub mod codes {
    /// 400: the parameter is invalid.
    pub const BAD_REQUEST: &str = "WKS.00211102";
    /// 401: user authorization error.
    pub const UNAUTHORIZED: &str = "WKS.00211302";
    /// 403: no permission for the resource.
    pub const FORBIDDEN: &str = "WKS.00081102";
    /// 404: no such resource.
    pub const NOT_FOUND: &str = "WKS.00211902";
    /// 405: method not allowed.
    pub const METHOD_NOT_ALLOWED: &str = "WKS.00000405";
    /// 415: unsupported media type.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "WKS.00000415";
    /// 500: internal error.
    pub const INTERNAL_SERVER_ERROR: &str = "WKS.00211401";
    /// 503: service unavailable.
    pub const SERVICE_UNAVAILABLE: &str = "WKS.00050902";
}

/// `Content-Type` of every answer of the server.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// An error answer of the server: one of the documented statuses, an error code and a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} {code}: {message}", status.code())]
pub struct ApiError {
    /// The documented status.
    pub status: ListAppConnectionStatus,
    /// `error_code` of the body.
    pub code: &'static str,
    /// `error_msg` of the body.
    pub message: String,
}

impl ApiError {
    /// An error with the code that belongs to `status` (see [`code_for`]).
    pub fn new(status: ListAppConnectionStatus, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code_for(status),
            message: message.into(),
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ListAppConnectionStatus::BadRequest, message)
    }

    /// 401.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ListAppConnectionStatus::Unauthorized, message)
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ListAppConnectionStatus::Forbidden, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ListAppConnectionStatus::NotFound, message)
    }

    /// 405.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(ListAppConnectionStatus::MethodNotAllowed, message)
    }

    /// 415.
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(ListAppConnectionStatus::UnsupportedMediaType, message)
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ListAppConnectionStatus::InternalServerError, message)
    }

    /// 503.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ListAppConnectionStatus::ServiceUnavailable, message)
    }

    /// The body sent on the wire.
    pub fn body(&self) -> ListAppConnectionErrorBody {
        ListAppConnectionErrorBody {
            error_code: Some(self.code.to_owned()),
            error_msg: Some(self.message.clone()),
            ..Default::default()
        }
    }
}

/// The `error_code` sent with a status (the success status has none: an empty string).
pub fn code_for(status: ListAppConnectionStatus) -> &'static str {
    use ListAppConnectionStatus as S;
    match status {
        S::Ok => "",
        S::BadRequest => codes::BAD_REQUEST,
        S::Unauthorized => codes::UNAUTHORIZED,
        S::Forbidden => codes::FORBIDDEN,
        S::NotFound => codes::NOT_FOUND,
        S::MethodNotAllowed => codes::METHOD_NOT_ALLOWED,
        S::UnsupportedMediaType => codes::UNSUPPORTED_MEDIA_TYPE,
        S::InternalServerError => codes::INTERNAL_SERVER_ERROR,
        S::ServiceUnavailable => codes::SERVICE_UNAVAILABLE,
    }
}

/// A JSON answer with the given status.
pub(crate) fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status.code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // Serializing a struct of strings cannot fail; fall back to an empty object regardless.
        let body = serde_json::to_vec(&self.body()).unwrap_or_else(|_| b"{}".to_vec());
        json_response(status, body)
    }
}
