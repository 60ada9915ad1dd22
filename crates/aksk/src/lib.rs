//! Huawei Cloud AK/SK request signing, as the official SDKs do it.
//!
//! Two algorithms are supported:
//!
//! * [`Algorithm::SdkHmacSha256`] (`SDK-HMAC-SHA256`), the default of every SDK: the string to
//!   sign is signed with the secret key itself.
//! * [`Algorithm::V11HmacSha256`] (`V11-HMAC-SHA256`), the "derived key" variant: the key is
//!   derived with HKDF-SHA256 from the secret key, the access key and a scope
//!   `yyyymmdd/region/service`, and the scope appears in the `Authorization` header.
//!
//! Both sides are here: [`sign`] for clients and [`verify`] / [`verify_at`] for servers.
//!
//! # Canonical request
//!
//! ```text
//! METHOD\n
//! canonical URI\n            path, percent-decoded, split at '/', each segment RFC 3986-encoded, trailing '/' added
//! canonical query\n          pairs sorted by key then value, RFC 3986-encoded (space = %20, '~' kept)
//! canonical headers\n        "name:value\n" for each signed header: lowercase name, trimmed value, sorted
//! \n
//! signed headers\n           lowercase names joined by ';' (headers whose name contains '_' are never signed)
//! hex(sha256(body))
//! ```
//!
//! The string to sign is `ALGORITHM\nX-Sdk-Date\n[scope\n]hex(sha256(canonical request))` and the
//! `Authorization` header is
//! `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;c, Signature=hex` (or
//! `V11-HMAC-SHA256 Credential=AK/scope, SignedHeaders=..., Signature=...`).
//!
//! # Example
//!
//! ```
//! use workspaceapp_aksk::{sign, verify_at, Credentials, RequestView, SignOptions, VerifyOptions};
//!
//! let credentials = Credentials::new("FAKEAK0000000000EXMP", "FAKEsk0000000000000000000000000000000000");
//! let date = time::macros::datetime!(2025-04-24 16:00:00 UTC);
//! let headers = [("Content-Type", "application/json")];
//! let request = RequestView {
//!     method: "POST",
//!     path: "/v1/0123456789abcdef0123456789abcdef/session/app-connection",
//!     query: "limit=5&offset=10",
//!     headers: &headers,
//!     body: b"{}",
//! };
//! let options = SignOptions::new("appstream.cn-north-4.myhuaweicloud.com")
//!     .project_id("0123456789abcdef0123456789abcdef")
//!     .date(date);
//! let signed = sign(&credentials, &request, &options).unwrap();
//! assert!(signed.authorization().starts_with("SDK-HMAC-SHA256 Access=FAKEAK0000000000EXMP, "));
//!
//! // The server side sees the signed headers and checks them against its key store.
//! let received: Vec<(&str, &str)> = signed.headers().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
//! let on_server = RequestView { headers: &received, ..request };
//! let verified = verify_at(&credentials, &on_server, &VerifyOptions::default(), date).unwrap();
//! assert_eq!(verified.access_key(), "FAKEAK0000000000EXMP");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod canonical;
mod credentials;
mod sign;
mod verify;

#[cfg(feature = "http")]
mod http_support;

pub use canonical::{canonical_query, canonical_uri, hex_sha256, signed_header_names};
pub use credentials::{Credentials, KeyLookup};
pub use sign::{SignError, SignOptions, Signed, sign};
pub use verify::{Verified, VerifyError, VerifyOptions, verify, verify_at};

#[cfg(feature = "http")]
pub use http_support::HttpRequestView;

use std::fmt;

/// Header carrying the signing time, `%Y%m%dT%H%M%SZ` in UTC.
pub const HEADER_SDK_DATE: &str = "X-Sdk-Date";
/// Header carrying the project id, added by the SDKs when a project id is configured.
pub const HEADER_PROJECT_ID: &str = "X-Project-Id";
/// `Host` header, always signed.
pub const HEADER_HOST: &str = "Host";
/// `Authorization` header carrying the signature.
pub const HEADER_AUTHORIZATION: &str = "Authorization";
/// Header an SDK sets to `UNSIGNED-PAYLOAD` when the body is not JSON (the body hash is then not computed).
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
/// The value of [`HEADER_CONTENT_SHA256`] that replaces the body hash.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Default allowed clock difference between a request's `X-Sdk-Date` and the server clock.
pub const DEFAULT_MAX_SKEW: time::Duration = time::Duration::minutes(15);

/// The signing algorithm.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub enum Algorithm {
    /// `SDK-HMAC-SHA256`: HMAC-SHA256 keyed with the secret key.
    #[default]
    SdkHmacSha256,
    /// `V11-HMAC-SHA256`: HMAC-SHA256 keyed with a key derived (HKDF-SHA256) from the secret key for
    /// one day, one region and one service.
    V11HmacSha256 {
        /// Region id, e.g. `cn-north-4`.
        region: String,
        /// Service name used in the derivation, e.g. `workspaceapp`.
        service: String,
    },
}

impl Algorithm {
    /// The name used in the `Authorization` header and the string to sign.
    pub fn name(&self) -> &'static str {
        match self {
            Algorithm::SdkHmacSha256 => "SDK-HMAC-SHA256",
            Algorithm::V11HmacSha256 { .. } => "V11-HMAC-SHA256",
        }
    }
}

/// A borrowed view of an HTTP request, as far as signing is concerned.
///
/// `path` and `query` are taken as they appear on the wire (percent-encoded; `+` in the query
/// means a space, as in `application/x-www-form-urlencoded`). The view is the same for the
/// client (before sending) and for the server (after receiving).
#[derive(Clone, Copy)]
pub struct RequestView<'a> {
    /// HTTP method, any case (it is upper-cased in the canonical request).
    pub method: &'a str,
    /// Request path, e.g. `/v1/{project_id}/session/app-connection` filled in.
    pub path: &'a str,
    /// Raw query string without the leading `?` (empty when there is none).
    pub query: &'a str,
    /// Header names and values. Names are compared case-insensitively.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes (empty when there is no body).
    pub body: &'a [u8],
}

impl fmt::Debug for RequestView<'_> {
    /// Header values are never shown (they may carry tokens or signatures), only their names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestView")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl<'a> RequestView<'a> {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

const SDK_DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
const SCOPE_DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year][month][day]");

/// Formats a time as an `X-Sdk-Date` value (`%Y%m%dT%H%M%SZ`, UTC).
pub fn format_sdk_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    // Formatting a valid date with this description cannot fail for years 0..=9999.
    t.format(SDK_DATE_FORMAT)
        .unwrap_or_else(|_| String::from("00000000T000000Z"))
}

/// Parses an `X-Sdk-Date` value (`%Y%m%dT%H%M%SZ`, UTC).
pub fn parse_sdk_date(s: &str) -> Option<time::OffsetDateTime> {
    time::PrimitiveDateTime::parse(s.trim(), SDK_DATE_FORMAT)
        .ok()
        .map(|t| t.assume_utc())
}

fn scope_for(date: time::OffsetDateTime, region: &str, service: &str) -> String {
    let day = date
        .to_offset(time::UtcOffset::UTC)
        .format(SCOPE_DATE_FORMAT)
        .unwrap_or_default();
    format!("{day}/{region}/{service}")
}
