//! Building blocks of the canonical request.

use percent_encoding::{
    AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_decode_str, utf8_percent_encode,
};
use sha2::{Digest, Sha256};

use crate::{HEADER_CONTENT_SHA256, RequestView, UNSIGNED_PAYLOAD};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`) is percent-encoded,
/// as Python's `urllib.parse.quote(s, safe='~')` does in the SDK.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub(crate) fn encode(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// Lowercase hex of SHA-256 of `data`.
pub fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The canonical URI of a path as sent on the wire: percent-decoded, split at `/`, each segment
/// encoded again (RFC 3986), and a trailing `/` added when missing.
pub fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut out = decoded.split('/').map(encode).collect::<Vec<_>>().join("/");
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

fn form_decode(s: &str) -> String {
    let bytes = s.replace('+', " ");
    percent_decode(bytes.as_bytes())
        .decode_utf8_lossy()
        .into_owned()
}

/// The canonical query string of a raw query (without `?`): pairs decoded
/// (`application/x-www-form-urlencoded`, so `+` is a space), sorted by key and then by value,
/// encoded again (RFC 3986) and joined with `&`. A key without `=` gets an empty value.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (form_decode(k), form_decode(v)),
            None => (form_decode(p), String::new()),
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The names of the headers that get signed: every header whose name has no `_`, lowercased,
/// sorted, without duplicates.
pub fn signed_header_names<'h>(names: impl IntoIterator<Item = &'h str>) -> Vec<String> {
    let mut out: Vec<String> = names
        .into_iter()
        .filter(|n| !n.contains('_'))
        .map(|n| n.to_ascii_lowercase())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Why a canonical request cannot be built from the request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CanonicalError {
    /// A header named in the signed header list is not in the request.
    MissingHeader(String),
    /// A header named in the signed header list appears more than once.
    DuplicateHeader(String),
}

/// Builds the canonical request for `signed` (lowercase, sorted names).
pub(crate) fn canonical_request(
    request: &RequestView<'_>,
    signed: &[String],
) -> Result<String, CanonicalError> {
    let mut lines = String::new();
    for name in signed {
        let mut values = request
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim());
        let value = values
            .next()
            .ok_or_else(|| CanonicalError::MissingHeader(name.clone()))?;
        if values.next().is_some() {
            return Err(CanonicalError::DuplicateHeader(name.clone()));
        }
        lines.push_str(name);
        lines.push(':');
        lines.push_str(value);
        lines.push('\n');
    }
    let unsigned_payload = signed
        .iter()
        .any(|n| n.eq_ignore_ascii_case(HEADER_CONTENT_SHA256))
        && request
            .header(HEADER_CONTENT_SHA256)
            .is_some_and(|v| v.trim() == UNSIGNED_PAYLOAD);
    let body_hash = if unsigned_payload {
        UNSIGNED_PAYLOAD.to_owned()
    } else {
        hex_sha256(request.body)
    };
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method.to_ascii_uppercase(),
        canonical_uri(request.path),
        canonical_query(request.query),
        lines,
        signed.join(";"),
        body_hash
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_gets_trailing_slash_and_segment_encoding() {
        assert_eq!(
            canonical_uri("/v1/abc/session/app-connection"),
            "/v1/abc/session/app-connection/"
        );
        assert_eq!(canonical_uri("/v1/abc/app-groups/"), "/v1/abc/app-groups/");
        assert_eq!(canonical_uri("/v1/a%20b/c~d*"), "/v1/a%20b/c~d%2A/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
    }

    #[test]
    fn query_sorted_and_rfc3986_encoded() {
        assert_eq!(
            canonical_query("name=a+b%2Fc~d*&Zeta=true&limit=10&id=b&id=a"),
            "Zeta=true&id=a&id=b&limit=10&name=a%20b%2Fc~d%2A"
        );
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("flag&a="), "a=&flag=");
        assert_eq!(canonical_query("k=%C3%A9"), "k=%C3%A9");
    }

    #[test]
    fn underscore_headers_are_not_signed() {
        assert_eq!(
            signed_header_names(["X-Sdk-Date", "X_Underscore", "Host", "host"]),
            vec!["host".to_owned(), "x-sdk-date".to_owned()]
        );
    }
}
