//! Fast, streaming, bounded-memory readers of captured HTTP exchanges.
//!
//! Nothing here is specific to one API: the crate knows HTTP and HAR 1.2, not the fields
//! of any operation.
//!
//! Two stages, so that the cheap one can feed the expensive one on several threads:
//!
//! 1. **Framing** ([`Framer`], one thread): reads any [`std::io::Read`] (a file, `-` for
//!    standard input, gzip detected by its magic bytes) and yields one [`RawEntry`] per
//!    exchange: the entry's JSON bytes and its [`Position`] (file, HAR entry index or NDJSON
//!    line, byte offset in the uncompressed stream). No JSON values are built: a small
//!    non-recursive byte scanner finds `log.entries` (in any key order) and splits its
//!    elements. Memory is bounded by the largest entry; entries over
//!    [`FramerOptions::max_entry_size`] are reported and skipped.
//! 2. **Parsing** ([`parse_entry`], any thread): a typed, borrowed view ([`Exchange`]) of the
//!    HAR entry subset that validation needs: method, URL (parsed with the `url` crate),
//!    headers (a list; case-insensitive lookup), query string, and the two bodies as
//!    [`Body`] values (absent, text, truncated, or form params; base64 decoded). Every
//!    decision taken on the way (decoding, truncation, repairs) is recorded as a [`Note`].
//!
//! [`for_each_parallel`] combines both with worker threads, preserving input order.
//!
//! Errors carry positions and never panic: [`FrameError`] (I/O, structure of the document,
//! oversized entries, truncation) and [`EntryError`] (invalid JSON, not a HAR entry, bytes
//! that are not UTF-8). After an error the reader continues where it can: at the next line
//! of NDJSON, at the next element of a pretty-printed HAR.
//!
//! ```
//! use workspaceapp_capture::{Body, Framer, FramerOptions, parse_entry};
//!
//! let har = br#"{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": [
//!   {"request": {"method": "POST", "url": "https://h.example/v1/p/items?limit=10",
//!                "headers": [{"name": "Content-Type", "value": "application/json"}],
//!                "postData": {"mimeType": "application/json", "text": "{\"a\":1}"}},
//!    "response": {"status": 200, "content": {"size": 2, "mimeType": "application/json",
//!                 "text": "e30=", "encoding": "base64"}}}
//! ]}}"#;
//! for raw in Framer::from_reader("inline.har", &har[..], FramerOptions::default()).unwrap() {
//!     let raw = raw.unwrap();
//!     let x = parse_entry(&raw).unwrap();
//!     assert_eq!(x.request.path(), Some("/v1/p/items"));
//!     assert_eq!(x.request.headers.get("content-type"), Some("application/json"));
//!     assert_eq!(x.request.body.as_str(), Some("{\"a\":1}"));
//!     let response = x.response.as_ref().unwrap();
//!     assert!(matches!(response.body, Body::Text { base64: true, .. }));
//!     assert_eq!(response.body.as_str(), Some("{}"));
//! }
//! ```
//!
//! # Input formats
//!
//! The kind is detected from the first bytes ([`InputKind`]; it can be forced with
//! [`FramerOptions::kind`]): a JSON object with a top-level `log` key, or one spanning several
//! lines, is read as HAR; anything else as NDJSON.
//!
//! ## HAR
//!
//! A HAR 1.2 document as written by browsers (Chrome, Firefox) and proxies (mitmproxy,
//! Charles, Fiddler, HTTP Toolkit): `{"log": {..., "entries": [entry, ...], ...}}`. Only
//! `log.entries` is read; `pages`, `creator` and any other member are skipped without being
//! parsed. A document without `log.entries` is an error ([`FrameErrorKind::MissingEntries`]).
//!
//! ## NDJSON
//!
//! Newline-delimited JSON as written by gateways and log shippers: **one HAR 1.2 entry
//! object per line**, UTF-8, lines separated by `\n` (a `\r` before it is ignored), blank
//! lines skipped, an optional UTF-8 byte order mark at the start. Positions count lines
//! from 1. A line that is not a valid entry is reported ([`EntryError`]) and the next line
//! is read. The file may be gzip-compressed.
//!
//! The accepted subset of the entry is described by the JSON Schema (draft 2020-12) in
//! [`NDJSON_ENTRY_SCHEMA`] (file `ndjson-entry.schema.json` in this crate). In short:
//!
//! ```json
//! {"startedDateTime": "2025-04-24T16:00:00.000Z", "time": 12.5, "serverIPAddress": "192.0.2.10",
//!  "request": {"method": "POST", "url": "https://host/v1/p/session/app-connection?limit=10",
//!              "httpVersion": "HTTP/1.1",
//!              "headers": [{"name": "Content-Type", "value": "application/json"}],
//!              "queryString": [{"name": "limit", "value": "10"}],
//!              "postData": {"mimeType": "application/json", "text": "{...}"},
//!              "bodySize": 42},
//!  "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
//!               "headers": [{"name": "Content-Type", "value": "application/json"}],
//!               "content": {"size": 17, "mimeType": "application/json", "text": "{...}"},
//!               "bodySize": 17}}
//! ```
//!
//! Only `request.method` and `request.url` are required. Bodies follow HAR: `text` holds the
//! body as a JSON string; `"encoding": "base64"` marks base64 text (binary bodies);
//! `postData.params` holds form fields; a missing `text` means the body was not captured;
//! `content.size` larger than the decoded text, or a `comment` mentioning truncation, means
//! the body was truncated. Unknown members (`_resourceType`, `timings`, `cache`, ...) are
//! ignored.
//!
//! # Memory and speed
//!
//! The framer copies each entry once into its own buffer and never holds more than one entry
//! (plus a read buffer of [`FramerOptions::buffer_size`]). Parsing borrows from that buffer:
//! strings without escapes are not copied. [`for_each_parallel`] bounds the bytes in flight
//! ([`PipelineOptions::max_in_flight_bytes`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod body;
pub mod entry;
pub mod frame;
pub mod fuzzing;
pub mod parse;
pub mod pipeline;
pub mod position;

pub use body::{AbsentReason, Body, decode_base64, looks_like_base64_json};
pub use entry::{
    Exchange, Headers, NameValue, Note, NoteKind, Param, Part, Request, Response, is_sensitive_name,
};
pub use frame::{
    DEFAULT_BUFFER_SIZE, DEFAULT_MAX_ENTRY_SIZE, FrameError, FrameErrorKind, Framer, FramerOptions,
    InputKind, RawEntry,
};
pub use parse::{EntryError, EntryErrorKind, JsonErrorCategory, parse_entry};
pub use pipeline::{PipelineOptions, for_each_parallel, for_each_parallel_with};
pub use position::{IndexKind, Position};

/// The JSON Schema (draft 2020-12) of one NDJSON line: the HAR 1.2 entry subset accepted.
pub const NDJSON_ENTRY_SCHEMA: &str = include_str!("../ndjson-entry.schema.json");

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}

    #[test]
    fn types_cross_threads() {
        send::<super::Framer>();
        send_sync::<super::RawEntry>();
        send_sync::<super::Exchange<'static>>();
        send_sync::<super::FrameError>();
        send_sync::<super::EntryError>();
    }
}
