//! The client side: signing a request.

use std::fmt;

use hmac::{KeyInit, Mac};

use crate::canonical::{self, CanonicalError, hex_sha256, signed_header_names};
use crate::{
    Algorithm, Credentials, HEADER_AUTHORIZATION, HEADER_CONTENT_SHA256, HEADER_HOST,
    HEADER_PROJECT_ID, HEADER_SDK_DATE, RequestView, UNSIGNED_PAYLOAD, format_sdk_date,
    parse_sdk_date, scope_for,
};

pub(crate) type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// How to sign: host, project id, time and algorithm.
#[derive(Clone, Debug)]
pub struct SignOptions {
    host: Option<String>,
    project_id: Option<String>,
    date: Option<time::OffsetDateTime>,
    algorithm: Algorithm,
}

impl SignOptions {
    /// Options for a request to `host` (the `Host` header value: `name` or `name:port`).
    pub fn new(host: impl Into<String>) -> Self {
        Self {
            host: Some(host.into()),
            project_id: None,
            date: None,
            algorithm: Algorithm::SdkHmacSha256,
        }
    }

    /// Options that take the host from the request's own `Host` header.
    pub fn host_from_request() -> Self {
        Self {
            host: None,
            project_id: None,
            date: None,
            algorithm: Algorithm::SdkHmacSha256,
        }
    }

    /// Adds an `X-Project-Id` header (signed), as the SDKs do for project-level services.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Signs as of `date` instead of now. An `X-Sdk-Date` header already in the request wins.
    pub fn date(mut self, date: time::OffsetDateTime) -> Self {
        self.date = Some(date);
        self
    }

    /// Chooses the algorithm (default `SDK-HMAC-SHA256`).
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }
}

/// Why a request could not be signed. Never contains key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The access key or the secret key is empty.
    #[error("AK/SK credentials are empty")]
    EmptyCredentials,
    /// No host in the options and no `Host` header in the request.
    #[error("no host to sign: give one in SignOptions or a Host header")]
    MissingHost,
    /// The request already has an `X-Sdk-Date` header that is not `%Y%m%dT%H%M%SZ`.
    #[error("X-Sdk-Date header is not of the form YYYYMMDDTHHMMSSZ")]
    InvalidDate,
    /// A header name or value contains a line break or another control character.
    #[error("header {0:?} has a name or value that cannot be signed (control character)")]
    InvalidHeader(String),
}

/// The result of [`sign`]: the headers to send and the intermediate strings.
///
/// `Debug` shows neither the signature nor header values.
#[derive(Clone)]
pub struct Signed {
    headers: Vec<(String, String)>,
    canonical_request: String,
    string_to_sign: String,
    signed_headers: Vec<String>,
    authorization: String,
    date: time::OffsetDateTime,
}

impl Signed {
    /// Every header to send, in order: the request's own headers (values trimmed), then the
    /// ones signing adds or replaces (`X-Project-Id`, `X-Sdk-Content-Sha256`, `X-Sdk-Date`,
    /// `Host`, `Authorization`).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The canonical request that was hashed.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string that was signed.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// Lowercase names of the signed headers, sorted.
    pub fn signed_headers(&self) -> &[String] {
        &self.signed_headers
    }

    /// The `Authorization` header value (a credential: do not log it).
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The signing time (the `X-Sdk-Date` value).
    pub fn date(&self) -> time::OffsetDateTime {
        self.date
    }
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("signed_headers", &self.signed_headers)
            .field("date", &format_sdk_date(self.date))
            .field("authorization", &"***")
            .finish_non_exhaustive()
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\t')
}

/// Signs `request` with `credentials` the way the official SDKs do.
///
/// * `X-Sdk-Date` is taken from the request when present, else from the options, else now.
/// * `Host` is set from the options (or kept from the request), `X-Project-Id` added when a
///   project id is given, and `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` added when the
///   `Content-Type` is present and not JSON (as the SDKs do).
/// * Every header whose name has no `_` is signed.
pub fn sign(
    credentials: &Credentials,
    request: &RequestView<'_>,
    options: &SignOptions,
) -> Result<Signed, SignError> {
    if credentials.is_empty() {
        return Err(SignError::EmptyCredentials);
    }
    for (k, v) in request.headers {
        if has_control(k) || has_control(v) || k.is_empty() {
            return Err(SignError::InvalidHeader((*k).to_owned()));
        }
    }
    let replaced = |name: &str| {
        name.eq_ignore_ascii_case(HEADER_AUTHORIZATION)
            || (options.host.is_some() && name.eq_ignore_ascii_case(HEADER_HOST))
            || (options.project_id.is_some() && name.eq_ignore_ascii_case(HEADER_PROJECT_ID))
    };
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(k, _)| !replaced(k))
        .map(|(k, v)| ((*k).to_owned(), v.trim().to_owned()))
        .collect();
    let find = |headers: &[(String, String)], name: &str| {
        headers
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case(name))
    };

    if let Some(project_id) = &options.project_id {
        if has_control(project_id) {
            return Err(SignError::InvalidHeader(HEADER_PROJECT_ID.to_owned()));
        }
        headers.push((HEADER_PROJECT_ID.to_owned(), project_id.trim().to_owned()));
    }
    let non_json = request
        .header("Content-Type")
        .is_some_and(|ct| !ct.trim().starts_with("application/json"));
    if non_json && find(&headers, HEADER_CONTENT_SHA256).is_none() {
        headers.push((
            HEADER_CONTENT_SHA256.to_owned(),
            UNSIGNED_PAYLOAD.to_owned(),
        ));
    }
    let date = match find(&headers, HEADER_SDK_DATE) {
        Some(i) => parse_sdk_date(&headers[i].1).ok_or(SignError::InvalidDate)?,
        None => {
            let date = options.date.unwrap_or_else(time::OffsetDateTime::now_utc);
            let date = date
                .to_offset(time::UtcOffset::UTC)
                .replace_nanosecond(0)
                .unwrap_or(date);
            headers.push((HEADER_SDK_DATE.to_owned(), format_sdk_date(date)));
            date
        }
    };
    match &options.host {
        Some(host) => {
            if has_control(host) || host.is_empty() {
                return Err(SignError::InvalidHeader(HEADER_HOST.to_owned()));
            }
            headers.push((HEADER_HOST.to_owned(), host.trim().to_owned()));
        }
        None => {
            if find(&headers, HEADER_HOST).is_none() {
                return Err(SignError::MissingHost);
            }
        }
    }

    let signed_headers = signed_header_names(headers.iter().map(|(k, _)| k.as_str()));
    let view_headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let view = RequestView {
        headers: &view_headers,
        ..*request
    };
    let canonical_request = match canonical::canonical_request(&view, &signed_headers) {
        Ok(c) => c,
        Err(CanonicalError::MissingHeader(h) | CanonicalError::DuplicateHeader(h)) => {
            return Err(SignError::InvalidHeader(h));
        }
    };
    let sdk_date = format_sdk_date(date);
    let (string_to_sign, signature, authorization_prefix) = match &options.algorithm {
        Algorithm::SdkHmacSha256 => {
            let sts = string_to_sign(&options.algorithm, &sdk_date, None, &canonical_request);
            let signature = hmac_hex(credentials.secret_key(), &sts);
            let prefix = format!(
                "{} Access={}",
                options.algorithm.name(),
                credentials.access_key()
            );
            (sts, signature, prefix)
        }
        Algorithm::V11HmacSha256 { region, service } => {
            let scope = scope_for(date, region, service);
            let sts = string_to_sign(
                &options.algorithm,
                &sdk_date,
                Some(&scope),
                &canonical_request,
            );
            let key = derive_key(credentials, &scope);
            let signature = hmac_hex(key.as_bytes(), &sts);
            let prefix = format!(
                "{} Credential={}/{}",
                options.algorithm.name(),
                credentials.access_key(),
                scope
            );
            (sts, signature, prefix)
        }
    };
    let authorization = format!(
        "{authorization_prefix}, SignedHeaders={}, Signature={signature}",
        signed_headers.join(";")
    );
    headers.push((HEADER_AUTHORIZATION.to_owned(), authorization.clone()));
    Ok(Signed {
        headers,
        canonical_request,
        string_to_sign,
        signed_headers,
        authorization,
        date,
    })
}

pub(crate) fn string_to_sign(
    algorithm: &Algorithm,
    sdk_date: &str,
    scope: Option<&str>,
    canonical_request: &str,
) -> String {
    let hash = hex_sha256(canonical_request.as_bytes());
    match scope {
        Some(scope) => format!("{}\n{sdk_date}\n{scope}\n{hash}", algorithm.name()),
        None => format!("{}\n{sdk_date}\n{hash}", algorithm.name()),
    }
}

pub(crate) fn hmac(key: &[u8], data: &str) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data.as_bytes());
    mac
}

fn hmac_hex(key: &[u8], data: &str) -> String {
    hex::encode(hmac(key, data).finalize().into_bytes())
}

/// The V11 derived key: HKDF-SHA256 (salt = AK, input key = SK, info = scope, 32 bytes), as
/// lowercase hex. The SDKs use the hex string itself as the HMAC key.
pub(crate) fn derive_key(credentials: &Credentials, scope: &str) -> String {
    let hk = hkdf::Hkdf::<sha2::Sha256>::new(
        Some(credentials.access_key().as_bytes()),
        credentials.secret_key(),
    );
    let mut okm = [0u8; 32];
    // 32 bytes is far below the HKDF-SHA256 output limit (255 * 32).
    hk.expand(scope.as_bytes(), &mut okm)
        .unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF-SHA256 length"));
    hex::encode(okm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{VerifyError, VerifyOptions, verify_at};

    #[test]
    fn derived_key_matches_the_sdk() {
        let data: serde_json::Value =
            serde_json::from_str(include_str!("../tests/data/aksk-signing.json")).unwrap();
        let credentials =
            Credentials::new(data["ak"].as_str().unwrap(), data["sk"].as_str().unwrap());
        let v3 = &data["vectors"][2];
        assert_eq!(
            derive_key(&credentials, "20250424/cn-north-4/workspaceapp"),
            v3["derived_key_hex_used_as_hmac_key"].as_str().unwrap()
        );
    }

    #[test]
    fn non_json_body_is_unsigned_payload_and_refused_by_default() {
        let credentials = Credentials::new("AK000000000000000000", "SK");
        let date = time::macros::datetime!(2025-04-24 16:00:00 UTC);
        let headers = [("Content-Type", "application/octet-stream")];
        let request = RequestView {
            method: "PUT",
            path: "/v1/p/file",
            query: "",
            headers: &headers,
            body: b"\x00\x01",
        };
        let signed = sign(&credentials, &request, &SignOptions::new("h").date(date)).unwrap();
        assert!(signed.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
        assert!(
            signed
                .signed_headers()
                .contains(&"x-sdk-content-sha256".to_owned())
        );
        let received: Vec<(&str, &str)> = signed
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let view = RequestView {
            headers: &received,
            body: b"other body",
            ..request
        };
        assert_eq!(
            verify_at(&credentials, &view, &VerifyOptions::default(), date).err(),
            Some(VerifyError::UnsignedPayloadNotAllowed)
        );
        let lenient = VerifyOptions {
            allow_unsigned_payload: true,
            ..VerifyOptions::default()
        };
        verify_at(&credentials, &view, &lenient, date).unwrap();
    }

    #[test]
    fn refuses_what_cannot_be_signed() {
        let credentials = Credentials::new("AK000000000000000000", "SK");
        let ok_headers = [("A", "b")];
        let request = RequestView {
            method: "GET",
            path: "/",
            query: "",
            headers: &ok_headers,
            body: b"",
        };
        assert_eq!(
            sign(&Credentials::new("", "x"), &request, &SignOptions::new("h")).err(),
            Some(SignError::EmptyCredentials)
        );
        assert_eq!(
            sign(&credentials, &request, &SignOptions::host_from_request()).err(),
            Some(SignError::MissingHost)
        );
        let bad = [("X-Evil", "a\r\nInjected: 1")];
        assert_eq!(
            sign(
                &credentials,
                &RequestView {
                    headers: &bad,
                    ..request
                },
                &SignOptions::new("h")
            )
            .err(),
            Some(SignError::InvalidHeader("X-Evil".into()))
        );
        let bad_date = [("X-Sdk-Date", "yesterday")];
        assert_eq!(
            sign(
                &credentials,
                &RequestView {
                    headers: &bad_date,
                    ..request
                },
                &SignOptions::new("h")
            )
            .err(),
            Some(SignError::InvalidDate)
        );
        let with_host = [("Host", "example:8080")];
        let signed = sign(
            &credentials,
            &RequestView {
                headers: &with_host,
                ..request
            },
            &SignOptions::host_from_request(),
        )
        .unwrap();
        assert!(signed.canonical_request().contains("\nhost:example:8080\n"));
    }
}
