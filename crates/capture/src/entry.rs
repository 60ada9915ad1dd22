//! The exchange model: a typed, borrowed view of one HAR 1.2 entry, as far as validation needs it.

use std::borrow::Cow;
use std::fmt;

use url::Url;

use crate::body::Body;
use crate::position::Position;

/// One captured HTTP exchange, borrowing from its [`RawEntry`](crate::RawEntry) where it can.
///
/// Strings are `Cow`: borrowed when the JSON string had no escapes, owned otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange<'a> {
    /// Where the entry was found.
    pub source: Position,
    /// `startedDateTime`, as written.
    pub started_date_time: Option<Cow<'a, str>>,
    /// `time` (milliseconds).
    pub time_ms: Option<f64>,
    /// `serverIPAddress`.
    pub server_ip_address: Option<Cow<'a, str>>,
    /// The request.
    pub request: Request<'a>,
    /// The response; `None` when the entry has none (a [`NoteKind::NoResponse`] note is added).
    pub response: Option<Response<'a>>,
    /// The entry-level `comment`.
    pub comment: Option<Cow<'a, str>>,
    /// Every decision the reader took about the entry (decoding, truncation, repairs).
    pub notes: Vec<Note>,
}

/// `entry.request`.
#[derive(Clone, PartialEq)]
pub struct Request<'a> {
    /// `method`, as written.
    pub method: Cow<'a, str>,
    /// `url`, as written.
    pub url: Cow<'a, str>,
    /// `url` parsed with the `url` crate (bracketed IPv6 hosts, percent-encoding, query pairs).
    /// An error adds a [`NoteKind::InvalidUrl`] note.
    pub parsed_url: Result<Url, url::ParseError>,
    /// `httpVersion`.
    pub http_version: Option<Cow<'a, str>>,
    /// `headers`, in order, duplicates kept.
    pub headers: Headers<'a>,
    /// `queryString`, in order.
    pub query_string: Vec<NameValue<'a>>,
    /// `postData.mimeType`.
    pub mime_type: Option<Cow<'a, str>>,
    /// The body, from `postData` (see [`Body`]).
    pub body: Body<'a>,
    /// `bodySize` (`-1` means unknown in HAR).
    pub body_size: Option<i64>,
    /// `request.comment`.
    pub comment: Option<Cow<'a, str>>,
    /// `postData.comment`.
    pub body_comment: Option<Cow<'a, str>>,
}

impl Request<'_> {
    /// The URL path (still percent-encoded), when the URL parsed.
    pub fn path(&self) -> Option<&str> {
        self.parsed_url.as_ref().ok().map(|u| u.path())
    }

    /// The raw query string (without `?`), when the URL parsed and has one.
    pub fn query(&self) -> Option<&str> {
        self.parsed_url.as_ref().ok().and_then(|u| u.query())
    }

    /// The path segments, percent-decoded. A segment whose decoded bytes are not UTF-8 is
    /// returned as written (still encoded). `None` when the URL did not parse or cannot be a base.
    pub fn decoded_path_segments(&self) -> Option<Vec<Cow<'_, str>>> {
        let url = self.parsed_url.as_ref().ok()?;
        let segments = url.path_segments()?;
        Some(
            segments
                .map(|seg| {
                    percent_encoding::percent_decode_str(seg)
                        .decode_utf8()
                        .unwrap_or(Cow::Borrowed(seg))
                })
                .collect(),
        )
    }
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &RedactedUrl(&self.url))
            .field("http_version", &self.http_version)
            .field("headers", &self.headers)
            .field("query_string", &self.query_string)
            .field("mime_type", &self.mime_type)
            .field("body", &self.body)
            .field("body_size", &self.body_size)
            .field("comment", &self.comment)
            .field("body_comment", &self.body_comment)
            .finish_non_exhaustive()
    }
}

/// `entry.response`.
#[derive(Clone, Debug, PartialEq)]
pub struct Response<'a> {
    /// `status` as written (HAR writers use `0` for aborted requests).
    pub status: i64,
    /// `statusText`.
    pub status_text: Option<Cow<'a, str>>,
    /// `httpVersion`.
    pub http_version: Option<Cow<'a, str>>,
    /// `headers`, in order, duplicates kept.
    pub headers: Headers<'a>,
    /// `content.mimeType`.
    pub mime_type: Option<Cow<'a, str>>,
    /// The body, from `content` (see [`Body`]).
    pub body: Body<'a>,
    /// `content.size`: length of the decoded body in bytes, as written.
    pub content_size: Option<i64>,
    /// `bodySize` (`-1` means unknown in HAR).
    pub body_size: Option<i64>,
    /// `response.comment`.
    pub comment: Option<Cow<'a, str>>,
    /// `content.comment`.
    pub body_comment: Option<Cow<'a, str>>,
}

impl Response<'_> {
    /// The status as an HTTP status code; `None` for 0 (aborted) or out of range values.
    pub fn status_code(&self) -> Option<u16> {
        u16::try_from(self.status)
            .ok()
            .filter(|s| (100..=999).contains(s))
    }
}

/// A `{name, value}` pair (headers, query string).
#[derive(Clone, PartialEq, Eq)]
pub struct NameValue<'a> {
    /// `name`, as written.
    pub name: Cow<'a, str>,
    /// `value`, as written.
    pub value: Cow<'a, str>,
}

impl fmt::Debug for NameValue<'_> {
    /// Values of secret-bearing names (see [`is_sensitive_name`]) print as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_sensitive_name(&self.name) {
            write!(f, "{:?}: ***", self.name)
        } else {
            write!(f, "{:?}: {:?}", self.name, self.value)
        }
    }
}

/// A `postData.params` element (form fields).
#[derive(Clone, PartialEq, Eq)]
pub struct Param<'a> {
    /// `name`.
    pub name: Cow<'a, str>,
    /// `value`.
    pub value: Option<Cow<'a, str>>,
    /// `fileName` (multipart uploads).
    pub file_name: Option<Cow<'a, str>>,
    /// `contentType`.
    pub content_type: Option<Cow<'a, str>>,
}

impl fmt::Debug for Param<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Param");
        d.field("name", &self.name);
        if is_sensitive_name(&self.name) {
            d.field("value", &self.value.as_ref().map(|_| "***"));
        } else {
            d.field("value", &self.value);
        }
        d.field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Headers as a list: order and duplicates kept, lookups case-insensitive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers<'a>(pub Vec<NameValue<'a>>);

impl<'a> Headers<'a> {
    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_ref())
    }

    /// Every value of `name` (case-insensitive), in order.
    pub fn get_all<'s, 'n>(
        &'s self,
        name: &'n str,
    ) -> impl Iterator<Item = &'s str> + use<'s, 'n, 'a> {
        self.0
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_ref())
    }

    /// Whether a header named `name` is present (case-insensitive).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.get("content-type")
    }

    /// All headers in order.
    pub fn iter(&self) -> std::slice::Iter<'_, NameValue<'a>> {
        self.0.iter()
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'s, 'a> IntoIterator for &'s Headers<'a> {
    type Item = &'s NameValue<'a>;
    type IntoIter = std::slice::Iter<'s, NameValue<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Whether a header, query or form field name carries a secret (tokens, credentials,
/// signatures, cookies); such values are never printed by `Debug`.
pub fn is_sensitive_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization"
            | "proxy-authorization"
            | "cookie"
            | "set-cookie"
            | "x-auth-token"
            | "x-subject-token"
            | "x-security-token"
            | "x-api-key"
            | "password"
            | "access_token"
            | "refresh_token"
            | "id_token"
            | "client_secret"
    ) || n.contains("token")
        || n.contains("secret")
        || n.contains("signature")
        || n.contains("password")
        || n == "ak"
        || n == "sk"
        || n.contains("access-key")
        || n.contains("accesskey")
        || n.contains("secret-key")
}

/// Prints a URL without user info and with the values of sensitive query parameters hidden.
struct RedactedUrl<'s>(&'s str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Url::parse(self.0) {
            Ok(mut url) => {
                if !url.username().is_empty() || url.password().is_some() {
                    let _ = url.set_username("***");
                    let _ = url.set_password(None);
                }
                if url.query().is_some() {
                    let pairs: Vec<(String, String)> = url
                        .query_pairs()
                        .map(|(k, v)| {
                            let v = if is_sensitive_name(&k) {
                                "***".to_string()
                            } else {
                                v.into_owned()
                            };
                            (k.into_owned(), v)
                        })
                        .collect();
                    url.query_pairs_mut().clear().extend_pairs(pairs);
                }
                write!(f, "{:?}", url.as_str())
            }
            Err(_) => write!(f, "{:?}", self.0),
        }
    }
}

/// Which part of the exchange a [`Note`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The entry as a whole.
    Entry,
    /// `request` (URL, headers).
    Request,
    /// `request.postData`.
    RequestBody,
    /// `response`.
    Response,
    /// `response.content`.
    ResponseBody,
}

impl Part {
    /// The HAR path of the part: `entry`, `request`, `request.postData`, `response`, `response.content`.
    pub fn har_path(self) -> &'static str {
        match self {
            Part::Entry => "entry",
            Part::Request => "request",
            Part::RequestBody => "request.postData",
            Part::Response => "response",
            Part::ResponseBody => "response.content",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.har_path())
    }
}

/// A decision the reader took, recorded so that the validator can report it.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// What it is about.
    pub part: Part,
    /// What happened.
    pub kind: NoteKind,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.part, self.kind)
    }
}

/// The kinds of [`Note`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteKind {
    /// `encoding: "base64"`: the text was decoded.
    #[error("text decoded from base64 ({decoded_len} bytes)")]
    Base64Decoded {
        /// Length of the decoded body.
        decoded_len: usize,
    },
    /// `encoding: "base64"` but the text is not valid base64: the text is kept as is.
    #[error("labelled base64 but the text is not valid base64 ({error}); text kept as is")]
    Base64Invalid {
        /// Why decoding failed.
        error: String,
    },
    /// No encoding label, but the text looks like base64 of JSON: left alone.
    #[error("text looks like base64-encoded JSON but has no `encoding` label; left as is")]
    UnlabelledBase64,
    /// An `encoding` value other than base64: the text is kept as is.
    #[error("unknown encoding `{encoding}`; text kept as is")]
    UnknownEncoding {
        /// The label as written.
        encoding: String,
    },
    /// `postData` has both `text` and `params`: the text is used.
    #[error("postData has both text and params; text used")]
    TextAndParams,
    /// The body string holds bytes that are not UTF-8: the body is kept as raw bytes (binary).
    #[error("body holds bytes that are not UTF-8 (first at byte {byte_offset}); kept as binary")]
    NotUtf8 {
        /// Absolute offset of the first such byte in the input.
        byte_offset: u64,
    },
    /// The declared size differs from the bytes of the text, in a way not taken as truncation.
    #[error("declared size {declared} differs from the {actual} bytes of text")]
    SizeMismatch {
        /// The declared size (`bodySize` or `content.size`).
        declared: i64,
        /// Length of the decoded text.
        actual: usize,
    },
    /// The request URL does not parse.
    #[error("URL does not parse: {error}")]
    InvalidUrl {
        /// The parser's error.
        error: String,
    },
    /// The entry has no response.
    #[error("no response recorded")]
    NoResponse,
}

// ------------------------------------------------------------------------ owned copies

pub(crate) fn own(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

pub(crate) fn own_opt(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    c.map(own)
}

impl NameValue<'_> {
    /// A copy that owns its strings.
    pub fn into_owned(self) -> NameValue<'static> {
        NameValue {
            name: own(self.name),
            value: own(self.value),
        }
    }
}

impl Param<'_> {
    /// A copy that owns its strings.
    pub fn into_owned(self) -> Param<'static> {
        Param {
            name: own(self.name),
            value: own_opt(self.value),
            file_name: own_opt(self.file_name),
            content_type: own_opt(self.content_type),
        }
    }
}

impl Headers<'_> {
    /// A copy that owns its strings.
    pub fn into_owned(self) -> Headers<'static> {
        Headers(self.0.into_iter().map(NameValue::into_owned).collect())
    }
}

impl Request<'_> {
    /// A copy that owns its strings.
    pub fn into_owned(self) -> Request<'static> {
        Request {
            method: own(self.method),
            url: own(self.url),
            parsed_url: self.parsed_url,
            http_version: own_opt(self.http_version),
            headers: self.headers.into_owned(),
            query_string: self
                .query_string
                .into_iter()
                .map(NameValue::into_owned)
                .collect(),
            mime_type: own_opt(self.mime_type),
            body: self.body.into_owned(),
            body_size: self.body_size,
            comment: own_opt(self.comment),
            body_comment: own_opt(self.body_comment),
        }
    }
}

impl Response<'_> {
    /// A copy that owns its strings.
    pub fn into_owned(self) -> Response<'static> {
        Response {
            status: self.status,
            status_text: own_opt(self.status_text),
            http_version: own_opt(self.http_version),
            headers: self.headers.into_owned(),
            mime_type: own_opt(self.mime_type),
            body: self.body.into_owned(),
            content_size: self.content_size,
            body_size: self.body_size,
            comment: own_opt(self.comment),
            body_comment: own_opt(self.body_comment),
        }
    }
}

impl Exchange<'_> {
    /// A copy that owns all its data (no borrow of the raw entry).
    pub fn into_owned(self) -> Exchange<'static> {
        Exchange {
            source: self.source,
            started_date_time: own_opt(self.started_date_time),
            time_ms: self.time_ms,
            server_ip_address: own_opt(self.server_ip_address),
            request: self.request.into_owned(),
            response: self.response.map(Response::into_owned),
            comment: own_opt(self.comment),
            notes: self.notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_lookup_and_redaction() {
        let h = Headers(vec![
            NameValue {
                name: "Content-Type".into(),
                value: "application/json".into(),
            },
            NameValue {
                name: "X-Auth-Token".into(),
                value: "fake-token-123".into(),
            },
            NameValue {
                name: "set-cookie".into(),
                value: "a=1".into(),
            },
            NameValue {
                name: "Set-Cookie".into(),
                value: "b=2".into(),
            },
        ]);
        assert_eq!(h.content_type(), Some("application/json"));
        assert_eq!(h.get("x-auth-token"), Some("fake-token-123"));
        assert_eq!(
            h.get_all("SET-COOKIE").collect::<Vec<_>>(),
            vec!["a=1", "b=2"]
        );
        let dbg = format!("{h:?}");
        assert!(!dbg.contains("fake-token-123"), "{dbg}");
        assert!(!dbg.contains("a=1"), "{dbg}");
        assert!(dbg.contains("application/json"));
    }

    #[test]
    fn url_redaction() {
        let s = format!(
            "{:?}",
            RedactedUrl("https://user:pw@h.example/p?X-Auth-Token=abc&limit=10")
        );
        assert!(!s.contains("pw") && !s.contains("abc"), "{s}");
        assert!(s.contains("limit=10"));
    }
}
