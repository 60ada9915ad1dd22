//! Parsing one framed entry into an [`Exchange`] (serde, borrowed, typed; no generic values).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;

use crate::body::{BodyInput, TextSource, build_body};
use crate::entry::{Exchange, Headers, NameValue, Note, NoteKind, Param, Part, Request, Response};
use crate::frame::RawEntry;
use crate::position::Position;

/// An entry that could not be parsed, with its position.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{position}: {kind}")]
pub struct EntryError {
    /// The entry's position (its first byte).
    pub position: Position,
    /// What is wrong (with the absolute offset of the problem).
    pub kind: EntryErrorKind,
}

/// The kinds of [`EntryError`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryErrorKind {
    /// Not valid JSON, or not the shape of a HAR entry (missing `request`, wrong types).
    #[error(
        "{category} at byte {byte_offset} (line {line}, column {column} of the entry): {message}"
    )]
    Json {
        /// What kind of problem.
        category: JsonErrorCategory,
        /// serde_json's message (without its position suffix).
        message: String,
        /// Absolute byte offset in the input.
        byte_offset: u64,
        /// 1-based line within the entry.
        line: usize,
        /// 1-based column within that line.
        column: usize,
    },
    /// Bytes that are not UTF-8 outside a body text.
    #[error("bytes that are not UTF-8 at byte {byte_offset} (in {path})")]
    NotUtf8 {
        /// Absolute offset of the first invalid byte.
        byte_offset: u64,
        /// The JSON path where it was found (for example `request.headers[2].value`).
        path: String,
    },
}

/// Category of a JSON problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonErrorCategory {
    /// Malformed JSON (including nesting deeper than serde_json's recursion limit).
    Syntax,
    /// The entry ends before the JSON value does (truncated).
    Eof,
    /// Well-formed JSON that is not a HAR entry (missing field, wrong type).
    Shape,
}

impl fmt::Display for JsonErrorCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonErrorCategory::Syntax => "invalid JSON",
            JsonErrorCategory::Eof => "truncated JSON",
            JsonErrorCategory::Shape => "not a HAR entry",
        })
    }
}

// ------------------------------------------------------------------------ serde structs

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
struct HarEntry<'a, T> {
    #[serde(borrow)]
    request: HarRequest<'a, T>,
    #[serde(borrow, default)]
    response: Option<HarResponse<'a, T>>,
    #[serde(borrow, default)]
    comment: Option<Str<'a>>,
    #[serde(borrow, default)]
    started_date_time: Option<Str<'a>>,
    #[serde(default, deserialize_with = "lenient_f64")]
    time: Option<f64>,
    #[serde(rename = "serverIPAddress", borrow, default)]
    server_ip_address: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
struct HarRequest<'a, T> {
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(borrow)]
    url: Cow<'a, str>,
    #[serde(borrow, default)]
    http_version: Option<Str<'a>>,
    #[serde(borrow, default)]
    headers: Option<Vec<HarNameValue<'a>>>,
    #[serde(borrow, default)]
    query_string: Option<Vec<HarNameValue<'a>>>,
    #[serde(borrow, default)]
    post_data: Option<HarPostData<'a, T>>,
    #[serde(default, deserialize_with = "lenient_i64")]
    body_size: Option<i64>,
    #[serde(borrow, default)]
    comment: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct HarNameValue<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    value: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarParam<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    value: Option<Str<'a>>,
    #[serde(borrow, default)]
    file_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    content_type: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
struct HarPostData<'a, T> {
    #[serde(borrow, default)]
    mime_type: Option<Str<'a>>,
    #[serde(default)]
    text: Option<T>,
    #[serde(borrow, default)]
    params: Option<Vec<HarParam<'a>>>,
    #[serde(borrow, default)]
    comment: Option<Str<'a>>,
    /// Not in HAR 1.2, written by some tools for binary request bodies.
    #[serde(borrow, default)]
    encoding: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
struct HarResponse<'a, T> {
    #[serde(default, deserialize_with = "lenient_i64")]
    status: Option<i64>,
    #[serde(borrow, default)]
    status_text: Option<Str<'a>>,
    #[serde(borrow, default)]
    http_version: Option<Str<'a>>,
    #[serde(borrow, default)]
    headers: Option<Vec<HarNameValue<'a>>>,
    #[serde(borrow, default)]
    content: Option<HarContent<'a, T>>,
    #[serde(default, deserialize_with = "lenient_i64")]
    body_size: Option<i64>,
    #[serde(borrow, default)]
    comment: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
struct HarContent<'a, T> {
    #[serde(default, deserialize_with = "lenient_i64")]
    size: Option<i64>,
    #[serde(borrow, default)]
    mime_type: Option<Str<'a>>,
    #[serde(default)]
    text: Option<T>,
    #[serde(borrow, default)]
    encoding: Option<Str<'a>>,
    #[serde(borrow, default)]
    comment: Option<Str<'a>>,
}

/// A JSON string that borrows from the input when it has no escapes. (serde only borrows a
/// `Cow<str>` field directly, not inside an `Option`.)
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// `Option<Str>` to `Option<Cow>`.
fn cow(s: Option<Str<'_>>) -> Option<Cow<'_, str>> {
    s.map(|s| s.0)
}

/// Numbers as integers, floats (truncated), numeric strings, or null.
fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(lenient_f64(d)?.map(|f| f as i64))
}

fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Some(f)),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(V)
        }
    }
    d.deserialize_any(V)
}

// ------------------------------------------------------------------------ parse

/// Parses one framed entry. Never panics; errors name the entry and the byte offset.
///
/// Bytes that are not UTF-8 inside `request.postData.text` or `response.content.text` are
/// kept as a binary body (with a [`NoteKind::NotUtf8`] note); elsewhere they are an error.
pub fn parse_entry(raw: &RawEntry) -> Result<Exchange<'_>, EntryError> {
    parse_entry_with(raw, raw.bytes.len() >= LARGE_ENTRY)
}

/// [`parse_entry`] with the choice of keeping body texts raw while parsing made by the caller
/// (both ways must give the same exchange; the fuzz checks compare them).
pub(crate) fn parse_entry_with(
    raw: &RawEntry,
    raw_texts: bool,
) -> Result<Exchange<'_>, EntryError> {
    let parsed = if raw_texts {
        parse_typed::<&RawValue>(&raw.bytes, &raw.source)
    } else {
        parse_typed::<Str<'_>>(&raw.bytes, &raw.source)
    };
    match parsed {
        Ok(exchange) => exchange,
        Err(e) => match std::str::from_utf8(&raw.bytes) {
            Ok(_) => Err(json_error(&raw.source, &raw.bytes, &e)),
            Err(_) => parse_not_utf8(raw),
        },
    }
}

/// Entries at least this large keep body texts as raw JSON while parsing, so that a large
/// body is decoded straight into a buffer of its size (serde_json would decode it into a
/// scratch buffer and copy it again). Smaller entries take serde_json's faster single pass.
const LARGE_ENTRY: usize = 4 << 20;

/// Parses with body texts of type `T`; the outer error is serde_json's, the inner one a
/// problem found while building the exchange.
fn parse_typed<'a, T>(
    bytes: &'a [u8],
    source: &Position,
) -> Result<Result<Exchange<'a>, EntryError>, serde_json::Error>
where
    T: Deserialize<'a> + TextField<'a>,
{
    let entry = serde_json::from_slice::<HarEntry<'a, T>>(bytes)?;
    Ok(build_exchange(entry, source, bytes, [None, None]))
}

/// A body text as deserialized: decoded by serde_json, or kept raw.
trait TextField<'a>: Sized {
    fn into_text(
        self,
        what: &str,
        source: &Position,
        bytes: &'a [u8],
    ) -> Result<Option<TextSource<'a>>, EntryError>;
}

impl<'a> TextField<'a> for Str<'a> {
    fn into_text(
        self,
        _: &str,
        _: &Position,
        _: &'a [u8],
    ) -> Result<Option<TextSource<'a>>, EntryError> {
        Ok(Some(TextSource::Str(self.0)))
    }
}

impl<'a> TextField<'a> for &'a RawValue {
    fn into_text(
        self,
        what: &str,
        source: &Position,
        bytes: &'a [u8],
    ) -> Result<Option<TextSource<'a>>, EntryError> {
        body_text(Some(self), what, source, bytes)
    }
}

fn json_error(position: &Position, bytes: &[u8], e: &serde_json::Error) -> EntryError {
    let (line, column) = (e.line(), e.column());
    let rel = offset_of(bytes, line, column);
    let category = match e.classify() {
        serde_json::error::Category::Eof => JsonErrorCategory::Eof,
        serde_json::error::Category::Data => JsonErrorCategory::Shape,
        _ => JsonErrorCategory::Syntax,
    };
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    if category == JsonErrorCategory::Shape
        && message.contains("missing field `request`")
        && starts_with_log_key(bytes)
    {
        message.push_str(" (this is a whole HAR document, not an entry: read the input as HAR)");
    }
    EntryError {
        position: position.clone(),
        kind: EntryErrorKind::Json {
            category,
            message,
            byte_offset: position.byte_offset + rel as u64,
            line,
            column,
        },
    }
}

/// Whether the object's first key is `log` (a HAR document rather than an entry).
fn starts_with_log_key(bytes: &[u8]) -> bool {
    let trim = |b: &[u8]| -> usize { b.iter().take_while(|c| c.is_ascii_whitespace()).count() };
    let b = &bytes[trim(bytes)..];
    let Some(b) = b.strip_prefix(b"{") else {
        return false;
    };
    b[trim(b)..].starts_with(b"\"log\"")
}

/// Byte offset of serde_json's (1-based line, column) in `bytes`.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0usize;
    for _ in 1..line.max(1) {
        match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(bytes.len())
}

/// Where non-UTF-8 bytes were found inside one of the two body strings.
struct BinaryText {
    raw: Vec<u8>,
    first_invalid: u64,
}

/// Slow path for entries holding bytes that are not UTF-8.
fn parse_not_utf8(raw: &RawEntry) -> Result<Exchange<'static>, EntryError> {
    let bytes = &raw.bytes;
    let base = raw.source.byte_offset;
    // Offsets of invalid bytes, and a same-length copy with each replaced by `?`.
    let mut invalid = Vec::new();
    let mut repaired = bytes.clone();
    let mut i = 0;
    while i < bytes.len() {
        match std::str::from_utf8(&bytes[i..]) {
            Ok(_) => break,
            Err(e) => {
                let at = i + e.valid_up_to();
                let len = e.error_len().unwrap_or(bytes.len() - at);
                for b in &mut repaired[at..at + len] {
                    *b = b'?';
                }
                invalid.push(at);
                i = at + len;
            }
        }
    }
    let mut bodies: [Option<BinaryText>; 2] = [None, None];
    for &at in &invalid {
        let found = locate_string(bytes, at);
        let which = match &found {
            Some((path, _)) if path == "request.postData.text" => 0,
            Some((path, _)) if path == "response.content.text" => 1,
            _ => {
                let path = found
                    .map(|(p, _)| p)
                    .unwrap_or_else(|| "the JSON structure".to_string());
                return Err(EntryError {
                    position: raw.source.clone(),
                    kind: EntryErrorKind::NotUtf8 {
                        byte_offset: base + at as u64,
                        path,
                    },
                });
            }
        };
        if bodies[which].is_none() {
            let Some((_, start)) = found else { continue };
            match unescape_raw(&bytes[start..]) {
                Some(raw_text) => {
                    bodies[which] = Some(BinaryText {
                        raw: raw_text,
                        first_invalid: base + at as u64,
                    })
                }
                None => {
                    return Err(EntryError {
                        position: raw.source.clone(),
                        kind: EntryErrorKind::NotUtf8 {
                            byte_offset: base + at as u64,
                            path: "a malformed string".to_string(),
                        },
                    });
                }
            }
        }
    }
    let entry = match serde_json::from_slice::<HarEntry<'_, Str<'_>>>(&repaired) {
        Ok(entry) => entry,
        Err(e) => return Err(json_error(&raw.source, &repaired, &e)),
    };
    build_exchange(entry, &raw.source, &repaired, bodies).map(Exchange::into_owned)
}

fn build_exchange<'a, T: TextField<'a>>(
    entry: HarEntry<'a, T>,
    source: &Position,
    bytes: &'a [u8],
    binary: [Option<BinaryText>; 2],
) -> Result<Exchange<'a>, EntryError> {
    let mut notes = Vec::new();
    let [req_binary, resp_binary] = binary;
    let r = entry.request;
    let r_comment = cow(r.comment);
    let parsed_url = url::Url::parse(&r.url);
    if let Err(e) = &parsed_url {
        notes.push(Note {
            part: Part::Request,
            kind: NoteKind::InvalidUrl {
                error: e.to_string(),
            },
        });
    }
    let (mime_type, body_comment, body) = match r.post_data {
        Some(pd) => {
            let text = match req_binary {
                Some(b) => Some(TextSource::NotUtf8(b.raw, b.first_invalid)),
                None => match pd.text {
                    Some(t) => t.into_text("request.postData.text", source, bytes)?,
                    None => None,
                },
            };
            let pd_comment = cow(pd.comment);
            let body = build_body(
                BodyInput {
                    part: Part::RequestBody,
                    text,
                    encoding: cow(pd.encoding),
                    params: pd
                        .params
                        .unwrap_or_default()
                        .into_iter()
                        .map(param)
                        .collect(),
                    declared_size: r.body_size,
                    size_means_truncation: false,
                    comments: [pd_comment.as_deref(), r_comment.as_deref()],
                    has_post_data: true,
                },
                &mut notes,
            );
            (cow(pd.mime_type), pd_comment, body)
        }
        None => {
            let body = build_body(
                BodyInput {
                    part: Part::RequestBody,
                    text: None,
                    encoding: None,
                    params: Vec::new(),
                    declared_size: r.body_size,
                    size_means_truncation: false,
                    comments: [r_comment.as_deref(), None],
                    has_post_data: false,
                },
                &mut notes,
            );
            (None, None, body)
        }
    };
    let request = Request {
        method: r.method,
        url: r.url,
        parsed_url,
        http_version: cow(r.http_version),
        headers: Headers(
            r.headers
                .unwrap_or_default()
                .into_iter()
                .map(name_value)
                .collect(),
        ),
        query_string: r
            .query_string
            .unwrap_or_default()
            .into_iter()
            .map(name_value)
            .collect(),
        mime_type,
        body,
        body_size: r.body_size,
        comment: r_comment,
        body_comment,
    };
    let response = match entry.response {
        Some(resp) => {
            let content = resp.content.unwrap_or(HarContent {
                size: None,
                mime_type: None,
                text: None,
                encoding: None,
                comment: None,
            });
            let text = match resp_binary {
                Some(b) => Some(TextSource::NotUtf8(b.raw, b.first_invalid)),
                None => match content.text {
                    Some(t) => t.into_text("response.content.text", source, bytes)?,
                    None => None,
                },
            };
            let content_comment = cow(content.comment);
            let resp_comment = cow(resp.comment);
            let body = build_body(
                BodyInput {
                    part: Part::ResponseBody,
                    text,
                    encoding: cow(content.encoding),
                    params: Vec::new(),
                    declared_size: content.size,
                    size_means_truncation: true,
                    comments: [content_comment.as_deref(), resp_comment.as_deref()],
                    has_post_data: true,
                },
                &mut notes,
            );
            Some(Response {
                status: resp.status.unwrap_or(0),
                status_text: cow(resp.status_text),
                http_version: cow(resp.http_version),
                headers: Headers(
                    resp.headers
                        .unwrap_or_default()
                        .into_iter()
                        .map(name_value)
                        .collect(),
                ),
                mime_type: cow(content.mime_type),
                body,
                content_size: content.size,
                body_size: resp.body_size,
                comment: resp_comment,
                body_comment: content_comment,
            })
        }
        None => {
            notes.push(Note {
                part: Part::Response,
                kind: NoteKind::NoResponse,
            });
            None
        }
    };
    Ok(Exchange {
        source: source.clone(),
        started_date_time: cow(entry.started_date_time),
        time_ms: entry.time,
        server_ip_address: cow(entry.server_ip_address),
        request,
        response,
        comment: cow(entry.comment),
        notes,
    })
}

/// Decodes a body text kept as a raw JSON string (so that a large body is copied once, into a
/// buffer of the right size, instead of through serde_json's scratch buffer).
fn body_text<'a>(
    raw: Option<&'a RawValue>,
    what: &str,
    source: &Position,
    bytes: &'a [u8],
) -> Result<Option<TextSource<'a>>, EntryError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let text = raw.get();
    if text == "null" {
        return Ok(None);
    }
    if let Some(decoded) = unescape_str(text) {
        return Ok(Some(TextSource::Str(decoded)));
    }
    // Not a string, or an escape serde_json would reject: let serde_json say what is wrong.
    let rel = (text.as_ptr() as usize).wrapping_sub(bytes.as_ptr() as usize);
    let rel = if rel <= bytes.len() { rel } else { 0 };
    let e = match serde_json::from_str::<String>(text) {
        Err(e) => e,
        Ok(_) => {
            return Err(shape_error(
                source,
                bytes,
                rel,
                &format!("cannot decode {what}"),
            ));
        }
    };
    let inner = offset_of(text.as_bytes(), e.line(), e.column());
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    Err(shape_error(
        source,
        bytes,
        rel + inner,
        &format!("{what}: {message}"),
    ))
}

fn shape_error(source: &Position, bytes: &[u8], rel: usize, message: &str) -> EntryError {
    let rel = rel.min(bytes.len());
    let line = 1 + memchr::memchr_iter(b'\n', &bytes[..rel]).count();
    let line_start = memchr::memrchr(b'\n', &bytes[..rel]).map_or(0, |i| i + 1);
    EntryError {
        position: source.clone(),
        kind: EntryErrorKind::Json {
            category: JsonErrorCategory::Shape,
            message: message.to_string(),
            byte_offset: source.byte_offset + rel as u64,
            line,
            column: rel - line_start + 1,
        },
    }
}

/// Decodes a JSON string literal (with its quotes, already UTF-8 validated by serde_json).
/// Borrows when there is no escape. `None` for anything else or for an escape that is not
/// valid JSON (including unpaired surrogates).
fn unescape_str(lit: &str) -> Option<Cow<'_, str>> {
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    let b = inner.as_bytes();
    let Some(first) = memchr::memchr(b'\\', b) else {
        return Some(Cow::Borrowed(inner));
    };
    let mut out = String::with_capacity(inner.len());
    out.push_str(&inner[..first]);
    let mut i = first;
    while i < b.len() {
        // b[i] == '\\'
        let e = *b.get(i + 1)?;
        i += 2;
        match e {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = hex4(b.get(i..i + 4)?)?;
                i += 4;
                let c = if (0xD800..0xDC00).contains(&hi) {
                    if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
                        return None;
                    }
                    let lo = hex4(b.get(i + 2..i + 6)?)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return None;
                    }
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                } else {
                    char::from_u32(hi)?
                };
                out.push(c);
            }
            _ => return None,
        }
        let next = next_backslash(b, i);
        out.push_str(inner.get(i..next)?);
        i = next;
    }
    Some(Cow::Owned(out))
}

fn name_value(nv: HarNameValue<'_>) -> NameValue<'_> {
    NameValue {
        name: nv.name,
        value: cow(nv.value).unwrap_or_default(),
    }
}

fn param(p: HarParam<'_>) -> Param<'_> {
    Param {
        name: p.name,
        value: cow(p.value),
        file_name: cow(p.file_name),
        content_type: cow(p.content_type),
    }
}

// ------------------------------------------------------------------------ locating bytes

#[derive(Clone)]
enum Frame {
    Object {
        key: Option<(usize, usize)>,
        expect_key: bool,
    },
    Array {
        index: usize,
    },
}

/// Finds the JSON string containing byte `target`: its path (`request.headers[2].value`,
/// keys as written) and the offset of its opening quote. Non-recursive; tolerant.
fn locate_string(bytes: &[u8], target: usize) -> Option<(String, usize)> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                let start = i;
                let mut j = i + 1;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' => j += 2,
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                let end = j.min(bytes.len());
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        expect_key: true,
                        ..
                    })
                );
                if target > start && target < end {
                    let mut path = path_of(bytes, &stack);
                    if is_key {
                        path.push_str(if path.is_empty() { "(key)" } else { ".(key)" });
                    }
                    return Some((path, start));
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    *key = Some((start + 1, end));
                    *expect_key = false;
                }
                i = end + 1;
                continue;
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {
                if i == target {
                    return Some((path_of(bytes, &stack), i));
                }
            }
        }
        i += 1;
    }
    None
}

fn path_of(bytes: &[u8], stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object {
                key: Some((s, e)), ..
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&String::from_utf8_lossy(&bytes[*s..*e]));
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// Decodes the JSON string starting at `s[0] == '"'` into raw bytes (invalid UTF-8 kept).
fn unescape_raw(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 1;
    while i < s.len() {
        let b = s[i];
        match b {
            b'"' => return Some(out),
            b'\\' => {
                let e = *s.get(i + 1)?;
                i += 2;
                match e {
                    b'"' => out.push(b'"'),
                    b'\\' => out.push(b'\\'),
                    b'/' => out.push(b'/'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'u' => {
                        let hi = hex4(s.get(i..i + 4)?)?;
                        i += 4;
                        let c = if (0xD800..0xDC00).contains(&hi)
                            && s.get(i) == Some(&b'\\')
                            && s.get(i + 1) == Some(&b'u')
                        {
                            let lo = hex4(s.get(i + 2..i + 6)?)?;
                            if (0xDC00..0xE000).contains(&lo) {
                                i += 6;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            } else {
                                None
                            }
                        } else {
                            char::from_u32(hi)
                        };
                        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    _ => return None,
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// Index of the next `\\` at or after `from` (or the end): an inline scan over a short
/// distance first, as escapes in JSON bodies are close together.
#[inline]
fn next_backslash(b: &[u8], from: usize) -> usize {
    let rest = &b[from.min(b.len())..];
    let head = rest.len().min(16);
    match rest[..head].iter().position(|&c| c == b'\\') {
        Some(j) => from + j,
        None => memchr::memchr(b'\\', &rest[head..]).map_or(b.len(), |j| from + head + j),
    }
}

fn hex4(h: &[u8]) -> Option<u32> {
    if h.len() != 4 || !h.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let s = std::str::from_utf8(h).ok()?;
    u32::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::Body;
    use std::sync::Arc;

    fn raw(bytes: &[u8]) -> RawEntry {
        RawEntry {
            source: Position::ndjson_line(Arc::from("t"), 1, 100),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn minimal_entry() {
        let r = raw(br#"{"request":{"method":"POST","url":"http://[::1]:8080/v1/p%20x/session/app-connection?limit=10","headers":[{"name":"A","value":"1"}],"queryString":[],"postData":{"mimeType":"application/json","text":"{\"user_name\":\"u\"}"}},"response":{"status":200,"content":{"size":2,"mimeType":"application/json","text":"{}"}}}"#);
        let x = parse_entry(&r).expect("parses");
        assert_eq!(x.request.method, "POST");
        assert_eq!(x.request.path(), Some("/v1/p%20x/session/app-connection"));
        assert_eq!(
            x.request.decoded_path_segments().expect("segments")[1],
            "p x"
        );
        assert_eq!(x.request.query(), Some("limit=10"));
        let url = x.request.parsed_url.as_ref().expect("url");
        assert_eq!(url.host_str(), Some("[::1]"));
        assert_eq!(url.port(), Some(8080));
        assert_eq!(x.request.body.as_str(), Some("{\"user_name\":\"u\"}"));
        let resp = x.response.as_ref().expect("response");
        assert_eq!(resp.status_code(), Some(200));
        assert_eq!(resp.body.as_str(), Some("{}"));
        assert!(x.notes.is_empty(), "{:?}", x.notes);
    }

    #[test]
    fn a_har_document_as_an_entry_gets_a_hint() {
        let e = parse_entry(&raw(br#"{"log":{"entries":[]}}"#)).expect_err("not an entry");
        assert!(e.to_string().contains("read the input as HAR"), "{e}");
        for other in [&br#"{"x":1}"#[..], b"{\n  \"response\": {}\n}"] {
            let e = parse_entry(&raw(other)).expect_err("not an entry");
            assert!(!e.to_string().contains("HAR document"), "{e}");
        }
    }

    #[test]
    fn json_errors_name_offsets() {
        let r = raw(b"{\"request\":\n {\"method\": 1}}");
        let e = parse_entry(&r).expect_err("shape error");
        match e.kind {
            EntryErrorKind::Json {
                category,
                line,
                byte_offset,
                ..
            } => {
                assert_eq!(category, JsonErrorCategory::Shape);
                assert_eq!(line, 2);
                assert!(byte_offset > 100);
            }
            other => panic!("{other:?}"),
        }
        let e = parse_entry(&raw(b"{\"request\": {")).expect_err("eof");
        assert!(matches!(
            e.kind,
            EntryErrorKind::Json {
                category: JsonErrorCategory::Eof,
                ..
            }
        ));
    }

    #[test]
    fn non_utf8_in_body_is_binary_elsewhere_error() {
        let mut b = br#"{"request":{"method":"GET","url":"http://h/x"},"response":{"status":200,"content":{"size":5,"text":"ab\"X\u00e9"}}}"#.to_vec();
        let at = b.iter().position(|&c| c == b'X').expect("X");
        b[at] = 0xff;
        let r = raw(&b);
        let x = parse_entry(&r).expect("binary body");
        let resp = x.response.expect("response");
        assert_eq!(resp.body.bytes(), Some(&b"ab\"\xff\xc3\xa9"[..]));
        assert!(resp.body.as_str().is_none());
        assert!(x.notes.iter().any(|n| n.kind
            == NoteKind::NotUtf8 {
                byte_offset: 100 + at as u64
            }));

        let mut b = br#"{"request":{"method":"GET","url":"http://h/X"}}"#.to_vec();
        let at = b.iter().position(|&c| c == b'X').expect("X");
        b[at] = 0xfe;
        let e = parse_entry(&raw(&b)).expect_err("error");
        assert_eq!(
            e.kind,
            EntryErrorKind::NotUtf8 {
                byte_offset: 100 + at as u64,
                path: "request.url".to_string()
            }
        );
    }

    #[test]
    fn deep_nesting_neither_crashes_nor_recurses() {
        // Deep nesting in an ignored member is skipped (serde_json skips iteratively).
        let mut b = br#"{"request":{"method":"GET","url":"http://h/"},"_initiator":"#.to_vec();
        b.extend(std::iter::repeat_n(b'[', 100_000));
        b.extend(std::iter::repeat_n(b']', 100_000));
        b.push(b'}');
        assert!(parse_entry(&raw(&b)).is_ok());
        // Deep nesting where a typed member is expected is an error.
        let mut b = br#"{"request":{"method":"GET","url":"http://h/","headers":"#.to_vec();
        b.extend(std::iter::repeat_n(b'[', 100_000));
        b.extend(std::iter::repeat_n(b']', 100_000));
        b.extend_from_slice(b"}}");
        assert!(parse_entry(&raw(&b)).is_err());
        // Unbalanced deep nesting: truncated JSON.
        let mut b = b"{\"a\":".to_vec();
        b.extend(std::iter::repeat_n(b'{', 100_000));
        assert!(parse_entry(&raw(&b)).is_err());
    }

    #[test]
    fn body_texts_are_unescaped_like_serde_json() {
        for lit in [
            r#""plain""#,
            r#""""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u4e2d\ud83d\ude00x""#,
            r#""{\"count\":1,\"items\":[]}""#,
        ] {
            let expected: String = serde_json::from_str(lit).expect("valid literal");
            assert_eq!(
                unescape_str(lit).as_deref(),
                Some(expected.as_str()),
                "{lit}"
            );
        }
        assert!(matches!(
            unescape_str(r#""abc""#),
            Some(Cow::Borrowed("abc"))
        ));
        for bad in [
            r#""\ud83d""#,
            r#""\ud83dx""#,
            r#""\u12""#,
            r#""\u+123""#,
            r#""\q""#,
            "5",
            "{}",
        ] {
            assert_eq!(unescape_str(bad), None, "{bad}");
        }
    }

    /// The entry as is, and padded past `LARGE_ENTRY` (body texts kept raw while parsing).
    fn small_and_large(b: &[u8]) -> [Vec<u8>; 2] {
        let mut large = b"{\"_pad\":\"".to_vec();
        large.extend(std::iter::repeat_n(b'x', LARGE_ENTRY));
        large.extend_from_slice(b"\",");
        large.extend_from_slice(&b[1..]);
        [b.to_vec(), large]
    }

    #[test]
    fn bad_body_texts_are_shape_errors_at_their_offset() {
        let b =
            br#"{"request":{"method":"GET","url":"http://h/"},"response":{"content":{"text":5}}}"#;
        for b in small_and_large(b) {
            let e = parse_entry(&raw(&b)).expect_err("number as text");
            let at = b.windows(6).position(|w| w == b"\"text\"").expect("text") + 7;
            match e.kind {
                EntryErrorKind::Json {
                    category,
                    byte_offset,
                    message,
                    ..
                } => {
                    assert_eq!(category, JsonErrorCategory::Shape);
                    assert!(
                        (100 + at as u64..=101 + at as u64).contains(&byte_offset),
                        "{message}"
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        let b = br#"{"request":{"method":"GET","url":"http://h/","postData":{"text":"\ud800"}}}"#;
        for b in small_and_large(b) {
            assert!(parse_entry(&raw(&b)).is_err());
        }
        // A raw control character inside the string is rejected like serde_json does.
        let b = b"{\"request\":{\"method\":\"GET\",\"url\":\"http://h/\",\"postData\":{\"text\":\"a\tb\"}}}";
        for b in small_and_large(b) {
            assert!(parse_entry(&raw(&b)).is_err());
        }
    }

    #[test]
    fn large_entries_decode_bodies_the_same() {
        let b = br#"{"request":{"method":"POST","url":"http://h/","postData":{"text":"{\"a\":\"\u00e9\"}"}},"response":{"status":200,"content":{"size":4,"text":"abcd"}}}"#;
        let [small, large] = small_and_large(b);
        let (small, large) = (raw(&small), raw(&large));
        let (x, y) = (
            parse_entry(&small).expect("small"),
            parse_entry(&large).expect("large"),
        );
        assert_eq!(x.request.body, y.request.body);
        assert_eq!(x.request.body.as_str(), Some("{\"a\":\"é\"}"));
        assert_eq!(
            x.response.as_ref().map(|r| &r.body),
            y.response.as_ref().map(|r| &r.body)
        );
        assert!(matches!(
            y.response.as_ref().map(|r| &r.body),
            Some(Body::Text {
                bytes: Cow::Borrowed(_),
                ..
            })
        ));
    }
}
