//! Adapters for the `http` crate (feature `http`).

use std::fmt;

use crate::RequestView;

/// Owns the header list of an `http` request so a [`RequestView`] can borrow it.
///
/// Header values that are not valid UTF-8 are left out (a signed one then shows up as a
/// missing signed header). Without a `Host` header (HTTP/2), the URI authority stands in.
pub struct HttpRequestView<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
}

impl<'a> HttpRequestView<'a> {
    /// From the parts of a received (or about to be sent) request and its body.
    pub fn new(parts: &'a http::request::Parts, body: &'a [u8]) -> Self {
        Self::from_parts(&parts.method, &parts.uri, &parts.headers, body)
    }

    /// From a method, URI, headers and body.
    pub fn from_parts(
        method: &'a http::Method,
        uri: &'a http::Uri,
        headers: &'a http::HeaderMap,
        body: &'a [u8],
    ) -> Self {
        let mut list: Vec<(&str, &str)> = headers
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)))
            .collect();
        if !headers.contains_key(http::header::HOST)
            && let Some(authority) = uri.authority()
        {
            list.push(("host", authority.as_str()));
        }
        Self {
            method: method.as_str(),
            path: uri.path(),
            query: uri.query().unwrap_or(""),
            headers: list,
            body,
        }
    }

    /// The view to pass to [`crate::verify`] or [`crate::sign`].
    pub fn view(&self) -> RequestView<'_> {
        RequestView {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: &self.headers,
            body: self.body,
        }
    }
}

impl fmt::Debug for HttpRequestView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.view().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Credentials, SignOptions, VerifyOptions, sign, verify_at};

    #[test]
    fn signs_and_verifies_an_http_request() {
        let credentials = Credentials::new("AK000000000000000000", "SK");
        let date = time::macros::datetime!(2025-04-24 16:00:00 UTC);
        let mut req = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:9/v1/p%20q/session/app-connection?offset=0&limit=100")
            .header("content-type", "application/json")
            .body(b"{}".to_vec())
            .unwrap();
        let signed = {
            let (parts, body) = (req.method(), req.body());
            let view = HttpRequestView::from_parts(parts, req.uri(), req.headers(), body);
            sign(
                &credentials,
                &view.view(),
                &SignOptions::new("127.0.0.1:9").date(date),
            )
            .unwrap()
        };
        for (k, v) in signed.headers() {
            req.headers_mut().insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        let (parts, body) = req.into_parts();
        let view = HttpRequestView::new(&parts, &body);
        assert!(format!("{view:?}").contains("authorization"));
        assert!(!format!("{view:?}").contains("Signature="));
        let ok = verify_at(&credentials, &view.view(), &VerifyOptions::default(), date).unwrap();
        assert_eq!(ok.signed_headers(), ["content-type", "host", "x-sdk-date"]);
    }
}
