//! The validator's view of one captured exchange, whatever the input format. Built from a
//! capture entry, or from a single body given on the command line.

use std::borrow::Cow;

/// A captured body.
#[derive(Debug, Clone)]
pub enum BodyView<'a> {
    /// The capture holds no body (no `postData`, no `content.text`); the reason says why.
    Absent(Cow<'a, str>),
    /// The capture cut the body; the reason (e.g. the HAR comment) says why.
    Truncated(Cow<'a, str>),
    /// The body is there but cannot be turned into bytes (e.g. broken base64).
    Undecodable(Cow<'a, str>),
    /// Only form parameters were captured (`postData.params` without `text`).
    Params(usize),
    /// The body, decoded (base64 undone, decompressed when the capture says so).
    Bytes(Cow<'a, [u8]>),
}

/// Headers as captured, in order; names compared case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct Headers<'a>(pub Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> Headers<'a> {
    /// First value of the header `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// Every value of the header `name`.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

/// The request side.
#[derive(Debug, Clone)]
pub struct RequestView<'a> {
    /// HTTP method; `None` for a lone body.
    pub method: Option<Cow<'a, str>>,
    /// URL as captured (absolute or origin-form); `None` for a lone body.
    pub url: Option<Cow<'a, str>>,
    /// Headers; `None` when the input has none (a lone body).
    pub headers: Option<Headers<'a>>,
    /// The media type the capture tool recorded for the body (HAR `postData.mimeType`).
    pub mime_type: Option<Cow<'a, str>>,
    /// The body.
    pub body: BodyView<'a>,
}

/// The response side.
#[derive(Debug, Clone)]
pub struct ResponseView<'a> {
    /// Status code; HAR writes 0 for a request that got no answer.
    pub status: u16,
    /// Headers; `None` when the input has none (a lone body).
    pub headers: Option<Headers<'a>>,
    /// The media type the capture tool recorded (HAR `content.mimeType`).
    pub mime_type: Option<Cow<'a, str>>,
    /// The body.
    pub body: BodyView<'a>,
}

/// One exchange to check.
#[derive(Debug, Clone)]
pub struct ExchangeView<'a> {
    /// The request, if captured.
    pub request: Option<RequestView<'a>>,
    /// The response, if captured.
    pub response: Option<ResponseView<'a>>,
}

impl<'a> ExchangeView<'a> {
    /// A lone request body (`--request-body FILE`).
    pub fn request_body(bytes: impl Into<Cow<'a, [u8]>>) -> Self {
        Self {
            request: Some(RequestView {
                method: None,
                url: None,
                headers: None,
                mime_type: None,
                body: BodyView::Bytes(bytes.into()),
            }),
            response: None,
        }
    }

    /// A lone response body with its status (`--response-body FILE --status N`).
    pub fn response_body(status: u16, bytes: impl Into<Cow<'a, [u8]>>) -> Self {
        Self {
            request: None,
            response: Some(ResponseView {
                status,
                headers: None,
                mime_type: None,
                body: BodyView::Bytes(bytes.into()),
            }),
        }
    }
}

/// The parts of a URL the checks need. Accepts absolute URLs (bracketed IPv6 hosts included)
/// and origin-form targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Path, still percent-encoded.
    pub path: &'a str,
    /// Query without `?`, if any.
    pub query: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    /// Splits a URL; never fails (a URL without a path has path `/`).
    pub fn parse(url: &'a str) -> Self {
        let without_fragment = url.split_once('#').map_or(url, |(u, _)| u);
        let target = match without_fragment.find("://") {
            Some(i) => {
                let after_scheme = &without_fragment[i + 3..];
                // The authority ends at the first '/', '?' (a bracketed IPv6 literal has neither).
                match after_scheme.find(['/', '?']) {
                    Some(j) => &after_scheme[j..],
                    None => "",
                }
            }
            None => without_fragment,
        };
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        Self {
            path: if path.is_empty() { "/" } else { path },
            query,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_ipv6_hosts_split() {
        let u = UrlParts::parse("http://[::1]:8080/v1/p/session/app-connection?limit=5#x");
        assert_eq!(
            u,
            UrlParts {
                path: "/v1/p/session/app-connection",
                query: Some("limit=5")
            }
        );
        let u = UrlParts::parse("https://[fe80::1%25eth0]?a=1");
        assert_eq!(
            u,
            UrlParts {
                path: "/",
                query: Some("a=1")
            }
        );
        let u = UrlParts::parse("/v1/p/session/app-connection");
        assert_eq!(
            u,
            UrlParts {
                path: "/v1/p/session/app-connection",
                query: None
            }
        );
    }
}
