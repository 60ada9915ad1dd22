//! What a check reports, and where it was found.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::rules::{Rule, Severity};

/// How an exchange was framed in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// An entry of a HAR file's `log.entries` (index from 0).
    Entry,
    /// A line of an NDJSON file (from 1).
    Line,
    /// A single body given on the command line.
    Body,
}

/// Where an exchange came from: file, entry index or NDJSON line, byte offset in the
/// (decompressed) input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// File name as given (`-` for standard input).
    #[serde(serialize_with = "serialize_arc_str")]
    pub file: Arc<str>,
    /// How `index` counts.
    pub kind: SourceKind,
    /// Entry index (from 0) or line number (from 1).
    pub index: u64,
    /// Byte offset of the entry in the input.
    pub byte_offset: u64,
}

fn serialize_arc_str<S: serde::Serializer>(s: &Arc<str>, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s)
}

impl Source {
    /// The source of a single body file.
    pub fn body(file: impl Into<Arc<str>>) -> Self {
        Self {
            file: file.into(),
            kind: SourceKind::Body,
            index: 0,
            byte_offset: 0,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SourceKind::Entry => write!(
                f,
                "{} entry {} (byte {})",
                self.file, self.index, self.byte_offset
            ),
            SourceKind::Line => write!(
                f,
                "{} line {} (byte {})",
                self.file, self.index, self.byte_offset
            ),
            SourceKind::Body => write!(f, "{}", self.file),
        }
    }
}

/// The part of the exchange a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Part {
    /// The capture entry as a whole.
    #[serde(rename = "entry")]
    Entry,
    /// Method and path.
    #[serde(rename = "request.path")]
    RequestPath,
    /// Query string; the pointer names the parameter.
    #[serde(rename = "request.query")]
    RequestQuery,
    /// Request headers; the pointer names the header.
    #[serde(rename = "request.headers")]
    RequestHeaders,
    /// Request body; the pointer is a JSON pointer.
    #[serde(rename = "request.body")]
    RequestBody,
    /// Status code.
    #[serde(rename = "response.status")]
    ResponseStatus,
    /// Response headers.
    #[serde(rename = "response.headers")]
    ResponseHeaders,
    /// Response body; the pointer is a JSON pointer.
    #[serde(rename = "response.body")]
    ResponseBody,
    /// Request and response together.
    #[serde(rename = "exchange")]
    Exchange,
}

impl Part {
    /// Name as written in reports, e.g. `response.body`.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Entry => "entry",
            Part::RequestPath => "request.path",
            Part::RequestQuery => "request.query",
            Part::RequestHeaders => "request.headers",
            Part::RequestBody => "request.body",
            Part::ResponseStatus => "response.status",
            Part::ResponseHeaders => "response.headers",
            Part::ResponseBody => "response.body",
            Part::Exchange => "exchange",
        }
    }
}

/// One finding. Every text in it is already masked: no secret reaches a finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The check.
    pub rule: Rule,
    /// Effective severity (after `--strict` and the 4xx downgrade).
    pub severity: Severity,
    /// Where the exchange came from.
    pub source: Source,
    /// The part of the exchange.
    pub part: Part,
    /// JSON pointer of the value inside `part` (`""` for the whole part).
    pub pointer: String,
    /// What the contract expects.
    pub expected: String,
    /// What the capture holds (masked, shortened).
    pub found: String,
    /// Why the severity differs from the rule's default, or other context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Finding {
    /// A finding at the rule's default severity.
    pub fn new(
        rule: Rule,
        source: &Source,
        part: Part,
        pointer: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: rule.default_severity(),
            source: source.clone(),
            part,
            pointer: pointer.into(),
            expected: expected.into(),
            found: found.into(),
            note: None,
        }
    }

    /// `part` and pointer together, e.g. `response.body /items/0/brokering_time`.
    pub fn location(&self) -> String {
        if self.pointer.is_empty() {
            self.part.as_str().to_string()
        } else {
            format!("{} {}", self.part.as_str(), self.pointer)
        }
    }

    /// One sentence: location, expected, found.
    pub fn message(&self) -> String {
        let mut m = format!(
            "{}: expected {}, found {}",
            self.location(),
            self.expected,
            self.found
        );
        if let Some(note) = &self.note {
            m.push_str(" (");
            m.push_str(note);
            m.push(')');
        }
        m
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
