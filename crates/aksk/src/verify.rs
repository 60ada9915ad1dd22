//! The server side: verifying a signed request.

use std::fmt;

use hmac::Mac;

use crate::canonical::{self, CanonicalError};
use crate::credentials::mask;
use crate::sign::{derive_key, hmac, string_to_sign};
use crate::{
    Algorithm, DEFAULT_MAX_SKEW, HEADER_AUTHORIZATION, HEADER_CONTENT_SHA256, HEADER_SDK_DATE,
    KeyLookup, RequestView, UNSIGNED_PAYLOAD, format_sdk_date, parse_sdk_date, scope_for,
};

/// What a verifying server accepts.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// Largest accepted difference between `X-Sdk-Date` and the server clock, either way
    /// (default 15 minutes).
    pub max_skew: time::Duration,
    /// Accept `V11-HMAC-SHA256` signatures for this region and service (`None`: only
    /// `SDK-HMAC-SHA256` is accepted).
    pub derived_scope: Option<(String, String)>,
    /// Accept `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (body not covered by the signature).
    /// Off by default.
    pub allow_unsigned_payload: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            max_skew: DEFAULT_MAX_SKEW,
            derived_scope: None,
            allow_unsigned_payload: false,
        }
    }
}

impl VerifyOptions {
    /// Sets the allowed clock skew.
    pub fn max_skew(mut self, skew: time::Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// Also accepts `V11-HMAC-SHA256` for `region` and `service`.
    pub fn accept_derived(mut self, region: impl Into<String>, service: impl Into<String>) -> Self {
        self.derived_scope = Some((region.into(), service.into()));
        self
    }
}

/// A request whose signature checked out.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    access_key: String,
    algorithm: Algorithm,
    date: time::OffsetDateTime,
    signed_headers: Vec<String>,
}

impl Verified {
    /// The access key that signed the request.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }
    /// The algorithm used.
    pub fn algorithm(&self) -> &Algorithm {
        &self.algorithm
    }
    /// The signing time (`X-Sdk-Date`).
    pub fn date(&self) -> time::OffsetDateTime {
        self.date
    }
    /// The signed header names (lowercase, sorted).
    pub fn signed_headers(&self) -> &[String] {
        &self.signed_headers
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("access_key", &mask(&self.access_key))
            .field("algorithm", &self.algorithm)
            .field("date", &format_sdk_date(self.date))
            .field("signed_headers", &self.signed_headers)
            .finish()
    }
}

/// Why a signature was refused. Never contains the secret key, the signature or the full AK.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// No `Authorization` header.
    #[error("missing Authorization header")]
    MissingAuthorization,
    /// The `Authorization` header cannot be parsed.
    #[error("malformed Authorization header: {0}")]
    MalformedAuthorization(&'static str),
    /// An algorithm other than the accepted ones.
    #[error("unsupported signing algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// The access key is not known to the server.
    #[error("unknown access key")]
    UnknownAccessKey,
    /// No `X-Sdk-Date` header.
    #[error("missing X-Sdk-Date header")]
    MissingDate,
    /// `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("X-Sdk-Date header is not of the form YYYYMMDDTHHMMSSZ")]
    InvalidDate,
    /// `X-Sdk-Date` is too far from the server clock.
    #[error(
        "X-Sdk-Date is {skew_seconds} s away from the server clock (at most {max_seconds} s allowed)"
    )]
    StaleDate {
        /// Signed difference request date minus server time, in seconds.
        skew_seconds: i64,
        /// The allowed maximum, in seconds.
        max_seconds: i64,
    },
    /// A header that must be signed (`host`, `x-sdk-date`) is not in the signed header list.
    #[error("header {0:?} must be signed")]
    HeaderNotSigned(&'static str),
    /// A header named in the signed header list is absent from the request.
    #[error("signed header {0:?} is missing from the request")]
    MissingSignedHeader(String),
    /// A header named in the signed header list appears more than once.
    #[error("signed header {0:?} appears more than once")]
    DuplicateSignedHeader(String),
    /// The V11 scope does not match the request date, region or service.
    #[error("credential scope does not match (date, region or service)")]
    ScopeMismatch,
    /// The request uses `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` and the server does not allow it.
    #[error("unsigned payload is not accepted")]
    UnsignedPayloadNotAllowed,
    /// The signature does not match the request.
    #[error("signature does not match the request")]
    BadSignature,
}

struct ParsedAuthorization<'a> {
    algorithm: &'a str,
    access_key: &'a str,
    scope: Option<&'a str>,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<ParsedAuthorization<'_>, VerifyError> {
    let value = value.trim();
    let (algorithm, rest) = value
        .split_once(' ')
        .ok_or(VerifyError::MalformedAuthorization("no algorithm"))?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or(VerifyError::MalformedAuthorization(
                "expected key=value parts",
            ))?;
        let slot = match k.trim() {
            "Access" | "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(VerifyError::MalformedAuthorization("unknown part")),
        };
        if slot.replace(v.trim()).is_some() {
            return Err(VerifyError::MalformedAuthorization("repeated part"));
        }
    }
    let credential = credential.ok_or(VerifyError::MalformedAuthorization("no Access"))?;
    let signed_headers =
        signed_headers.ok_or(VerifyError::MalformedAuthorization("no SignedHeaders"))?;
    let signature = signature.ok_or(VerifyError::MalformedAuthorization("no Signature"))?;
    let (access_key, scope) = match algorithm {
        "SDK-HMAC-SHA256" => {
            if !rest.trim_start().starts_with("Access=") {
                return Err(VerifyError::MalformedAuthorization("expected Access="));
            }
            (credential, None)
        }
        "V11-HMAC-SHA256" => {
            if !rest.trim_start().starts_with("Credential=") {
                return Err(VerifyError::MalformedAuthorization("expected Credential="));
            }
            let (ak, scope) =
                credential
                    .split_once('/')
                    .ok_or(VerifyError::MalformedAuthorization(
                        "Credential without scope",
                    ))?;
            (ak, Some(scope))
        }
        other => {
            return Err(VerifyError::UnsupportedAlgorithm(
                other.chars().take(40).collect(),
            ));
        }
    };
    if access_key.is_empty() {
        return Err(VerifyError::MalformedAuthorization("empty access key"));
    }
    Ok(ParsedAuthorization {
        algorithm,
        access_key,
        scope,
        signed_headers,
        signature,
    })
}

/// Verifies a signed request against the server clock. See [`verify_at`].
pub fn verify<K: KeyLookup + ?Sized>(
    keys: &K,
    request: &RequestView<'_>,
    options: &VerifyOptions,
) -> Result<Verified, VerifyError> {
    verify_at(keys, request, options, time::OffsetDateTime::now_utc())
}

/// Verifies a signed request as of `now`: parses `Authorization`, looks the access key up,
/// checks `X-Sdk-Date` against `now` within `options.max_skew`, rebuilds the canonical request
/// from what was received and compares signatures in constant time.
///
/// The checks run in this order, so the error names the first problem: header syntax,
/// algorithm, required signed headers, date, access key, scope, signature.
pub fn verify_at<K: KeyLookup + ?Sized>(
    keys: &K,
    request: &RequestView<'_>,
    options: &VerifyOptions,
    now: time::OffsetDateTime,
) -> Result<Verified, VerifyError> {
    let authorization = request
        .header(HEADER_AUTHORIZATION)
        .ok_or(VerifyError::MissingAuthorization)?;
    let parsed = parse_authorization(authorization)?;
    let algorithm = match (parsed.algorithm, &options.derived_scope) {
        ("SDK-HMAC-SHA256", _) => Algorithm::SdkHmacSha256,
        ("V11-HMAC-SHA256", Some((region, service))) => Algorithm::V11HmacSha256 {
            region: region.clone(),
            service: service.clone(),
        },
        (other, _) => return Err(VerifyError::UnsupportedAlgorithm(other.to_owned())),
    };

    let signed: Vec<String> = parsed
        .signed_headers
        .split(';')
        .map(str::to_owned)
        .collect();
    if signed
        .iter()
        .any(|h| h.is_empty() || h.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return Err(VerifyError::MalformedAuthorization(
            "SignedHeaders must be lowercase names",
        ));
    }
    if !signed.windows(2).all(|w| w[0] < w[1]) {
        return Err(VerifyError::MalformedAuthorization(
            "SignedHeaders must be sorted",
        ));
    }
    if signed.iter().any(|h| h == "authorization") {
        return Err(VerifyError::MalformedAuthorization(
            "Authorization cannot be signed",
        ));
    }
    for required in ["host", "x-sdk-date"] {
        if !signed.iter().any(|h| h == required) {
            return Err(VerifyError::HeaderNotSigned(required));
        }
    }

    let raw_date = request
        .header(HEADER_SDK_DATE)
        .ok_or(VerifyError::MissingDate)?;
    let date = parse_sdk_date(raw_date).ok_or(VerifyError::InvalidDate)?;
    let skew = date - now;
    if skew.abs() > options.max_skew {
        return Err(VerifyError::StaleDate {
            skew_seconds: skew.whole_seconds(),
            max_seconds: options.max_skew.whole_seconds(),
        });
    }

    let credentials = keys
        .lookup(parsed.access_key)
        .ok_or(VerifyError::UnknownAccessKey)?;

    if let Algorithm::V11HmacSha256 { region, service } = &algorithm
        && parsed.scope != Some(scope_for(date, region, service).as_str())
    {
        return Err(VerifyError::ScopeMismatch);
    }

    let unsigned = request
        .header(HEADER_CONTENT_SHA256)
        .is_some_and(|v| v.trim() == UNSIGNED_PAYLOAD)
        && signed
            .iter()
            .any(|h| h.eq_ignore_ascii_case(HEADER_CONTENT_SHA256));
    if unsigned && !options.allow_unsigned_payload {
        return Err(VerifyError::UnsignedPayloadNotAllowed);
    }

    let canonical_request =
        canonical::canonical_request(request, &signed).map_err(|e| match e {
            CanonicalError::MissingHeader(h) => VerifyError::MissingSignedHeader(h),
            CanonicalError::DuplicateHeader(h) => VerifyError::DuplicateSignedHeader(h),
        })?;
    let sdk_date = format_sdk_date(date);
    let expected = hex::decode(parsed.signature).map_err(|_| VerifyError::BadSignature)?;
    let mac = match &algorithm {
        Algorithm::SdkHmacSha256 => hmac(
            credentials.secret_key(),
            &string_to_sign(&algorithm, &sdk_date, None, &canonical_request),
        ),
        Algorithm::V11HmacSha256 { .. } => {
            let scope = parsed.scope.unwrap_or_default();
            let key = derive_key(credentials, scope);
            hmac(
                key.as_bytes(),
                &string_to_sign(&algorithm, &sdk_date, Some(scope), &canonical_request),
            )
        }
    };
    // `verify_slice` compares in constant time.
    mac.verify_slice(&expected)
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(Verified {
        access_key: parsed.access_key.to_owned(),
        algorithm,
        date,
        signed_headers: signed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        let p = parse_authorization(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00ff",
        )
        .unwrap();
        assert_eq!(
            (p.access_key, p.scope, p.signed_headers, p.signature),
            ("AK", None, "host;x-sdk-date", "00ff")
        );
        let p = parse_authorization(
            "V11-HMAC-SHA256 Credential=AK/20250424/cn-north-4/svc, SignedHeaders=host, Signature=00",
        )
        .unwrap();
        assert_eq!(p.scope, Some("20250424/cn-north-4/svc"));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "SDK-HMAC-SHA256",
            "SDK-HMAC-SHA256 Access=AK",
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host",
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=a, Signature=b",
            "SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=a",
            "SDK-HMAC-SHA256 Credential=AK, SignedHeaders=host, Signature=a",
            "V11-HMAC-SHA256 Credential=AK, SignedHeaders=host, Signature=a",
            "SDK-HMAC-SHA256 Access=AK, Foo=1, SignedHeaders=host, Signature=a",
        ] {
            assert!(parse_authorization(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            parse_authorization("AWS4-HMAC-SHA256 Credential=x, SignedHeaders=h, Signature=s"),
            Err(VerifyError::UnsupportedAlgorithm(_))
        ));
    }
}
