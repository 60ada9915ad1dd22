//! The body model and the decisions taken to build it (base64, truncation, omitted text).

use std::borrow::Cow;
use std::fmt;

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::entry::{Note, NoteKind, Param, Part};

/// A request or response body as captured.
#[derive(Clone, PartialEq)]
pub enum Body<'a> {
    /// No body text in the capture. HAR writers omit the text for large or binary bodies,
    /// and requests without a body have no `postData`.
    Absent {
        /// Why.
        reason: AbsentReason,
    },
    /// The complete body: the text (UTF-8 bytes of the JSON string) or, for
    /// `encoding: "base64"`, the decoded bytes.
    Text {
        /// The body bytes (may be binary; see [`Body::as_str`]).
        bytes: Cow<'a, [u8]>,
        /// Whether the bytes were decoded from base64.
        base64: bool,
    },
    /// Only part of the body was captured (`content.size` larger than the text, or a
    /// writer's comment saying the body was truncated).
    Truncated {
        /// Why the body is taken as truncated.
        reason: String,
        /// The captured part (decoded like [`Body::Text`]).
        partial: Cow<'a, [u8]>,
    },
    /// Form fields (`postData.params`) instead of text.
    Params(Vec<Param<'a>>),
}

/// Why a [`Body`] is [`Body::Absent`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AbsentReason {
    /// The request has no `postData` (and no declared body size).
    NoPostData,
    /// The capture has no text for a body that exists (or may exist): not included by the writer.
    NotIncluded {
        /// The writer's comment (`postData.comment` / `content.comment`), if any.
        comment: Option<String>,
    },
    /// The body is empty (declared size 0) and no text was written.
    Empty,
}

impl fmt::Display for AbsentReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbsentReason::NoPostData => f.write_str("no postData"),
            AbsentReason::NotIncluded { comment: None } => {
                f.write_str("body not included in the capture")
            }
            AbsentReason::NotIncluded { comment: Some(c) } => {
                write!(f, "body not included in the capture ({c})")
            }
            AbsentReason::Empty => f.write_str("empty body"),
        }
    }
}

impl<'a> Body<'a> {
    /// The complete body bytes ([`Body::Text`] only).
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Body::Text { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// The complete body as UTF-8 text; `None` if absent, truncated, params, or binary.
    pub fn as_str(&self) -> Option<&str> {
        self.bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Whether this is [`Body::Absent`].
    pub fn is_absent(&self) -> bool {
        matches!(self, Body::Absent { .. })
    }

    /// `"absent"`, `"text"`, `"truncated"` or `"params"`.
    pub fn kind_str(&self) -> &'static str {
        match self {
            Body::Absent { .. } => "absent",
            Body::Text { .. } => "text",
            Body::Truncated { .. } => "truncated",
            Body::Params(_) => "params",
        }
    }

    /// A copy that owns its data.
    pub fn into_owned(self) -> Body<'static> {
        match self {
            Body::Absent { reason } => Body::Absent { reason },
            Body::Text { bytes, base64 } => Body::Text {
                bytes: Cow::Owned(bytes.into_owned()),
                base64,
            },
            Body::Truncated { reason, partial } => Body::Truncated {
                reason,
                partial: Cow::Owned(partial.into_owned()),
            },
            Body::Params(p) => Body::Params(p.into_iter().map(Param::into_owned).collect()),
        }
    }
}

impl fmt::Debug for Body<'_> {
    /// Prints the kind and sizes, never the content (bodies may hold secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Absent { reason } => write!(f, "Absent({reason})"),
            Body::Text { bytes, base64 } => {
                write!(
                    f,
                    "Text({} bytes{})",
                    bytes.len(),
                    if *base64 { ", base64" } else { "" }
                )
            }
            Body::Truncated { reason, partial } => {
                write!(f, "Truncated({} bytes; {reason})", partial.len())
            }
            Body::Params(p) => f.debug_tuple("Params").field(p).finish(),
        }
    }
}

/// The text of a body as found in the entry.
pub(crate) enum TextSource<'a> {
    /// A JSON string (already unescaped).
    Str(Cow<'a, str>),
    /// Raw bytes of a JSON string holding bytes that are not UTF-8 (first at the given offset).
    NotUtf8(Vec<u8>, u64),
}

/// Everything from the HAR needed to build a body.
pub(crate) struct BodyInput<'a, 'c> {
    pub part: Part,
    pub text: Option<TextSource<'a>>,
    pub encoding: Option<Cow<'a, str>>,
    pub params: Vec<Param<'a>>,
    /// `content.size` (responses) or `bodySize` (requests).
    pub declared_size: Option<i64>,
    /// For responses, `content.size` greater than the text means truncation; for requests
    /// (`bodySize`, which may count encoded bytes) it only adds a note.
    pub size_means_truncation: bool,
    /// Comments that may say the body was truncated or omitted.
    pub comments: [Option<&'c str>; 2],
    /// Requests only: `postData` is present.
    pub has_post_data: bool,
}

fn mentions_truncation(c: &str) -> bool {
    c.to_ascii_lowercase().contains("truncat")
}

/// Builds a body and records every decision as a note.
pub(crate) fn build_body<'a>(input: BodyInput<'a, '_>, notes: &mut Vec<Note>) -> Body<'a> {
    let part = input.part;
    let comment = input
        .comments
        .iter()
        .flatten()
        .next()
        .map(|c| c.to_string());
    let truncation_comment = input
        .comments
        .iter()
        .flatten()
        .find(|c| mentions_truncation(c))
        .map(|c| c.to_string());
    let text = match input.text {
        // Empty text with a non-zero declared size: the writer left the body out.
        Some(TextSource::Str(t)) if t.is_empty() && input.declared_size.unwrap_or(0) > 0 => None,
        other => other,
    };
    let text = match text {
        Some(t) => t,
        None => {
            if !input.params.is_empty() {
                return Body::Params(input.params);
            }
            if part == Part::RequestBody
                && !input.has_post_data
                && input.declared_size.unwrap_or(0) <= 0
            {
                return Body::Absent {
                    reason: AbsentReason::NoPostData,
                };
            }
            if input.declared_size == Some(0) && comment.is_none() {
                return Body::Absent {
                    reason: AbsentReason::Empty,
                };
            }
            return Body::Absent {
                reason: AbsentReason::NotIncluded { comment },
            };
        }
    };
    if !input.params.is_empty() {
        notes.push(Note {
            part,
            kind: NoteKind::TextAndParams,
        });
    }
    let mut encoded_len = None;
    let (bytes, base64) = match text {
        TextSource::Str(t) => {
            encoded_len = Some(t.len());
            decode_text(t, input.encoding.as_deref(), part, notes)
        }
        TextSource::NotUtf8(raw, byte_offset) => {
            notes.push(Note {
                part,
                kind: NoteKind::NotUtf8 { byte_offset },
            });
            (Cow::Owned(raw), false)
        }
    };
    if let Some(reason) = truncation_comment {
        return Body::Truncated {
            reason,
            partial: bytes,
        };
    }
    if let Some(declared) = input.declared_size
        && declared >= 0
        && declared as u64 != bytes.len() as u64
    {
        // Some writers give the size of the base64 text rather than of the body.
        let size_of_base64_text = base64 && encoded_len == Some(declared as usize);
        if input.size_means_truncation
            && declared as u64 > bytes.len() as u64
            && !size_of_base64_text
        {
            return Body::Truncated {
                reason: format!(
                    "content.size is {declared} but the text holds {} bytes",
                    bytes.len()
                ),
                partial: bytes,
            };
        }
        // bodySize counts bytes on the wire (maybe compressed); content.size smaller than the
        // text happens when a writer re-encodes text (for example to UTF-8).
        notes.push(Note {
            part,
            kind: NoteKind::SizeMismatch {
                declared,
                actual: bytes.len(),
            },
        });
    }
    Body::Text { bytes, base64 }
}

fn into_bytes(t: Cow<'_, str>) -> Cow<'_, [u8]> {
    match t {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Decodes base64 leniently: padding optional, line breaks and spaces ignored, standard or
/// URL-safe alphabet.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let compact: Cow<'_, str> = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        Cow::Owned(text.chars().filter(|c| !c.is_ascii_whitespace()).collect())
    } else {
        Cow::Borrowed(text)
    };
    match STANDARD_LENIENT.decode(compact.as_bytes()) {
        Ok(v) => Ok(v),
        Err(e) => URL_SAFE_LENIENT.decode(compact.as_bytes()).map_err(|_| e),
    }
}

fn decode_text<'a>(
    text: Cow<'a, str>,
    encoding: Option<&str>,
    part: Part,
    notes: &mut Vec<Note>,
) -> (Cow<'a, [u8]>, bool) {
    let label = encoding.map(str::trim).unwrap_or("");
    if label.is_empty() {
        if looks_like_base64_json(&text) {
            notes.push(Note {
                part,
                kind: NoteKind::UnlabelledBase64,
            });
        }
        return (into_bytes(text), false);
    }
    if label.eq_ignore_ascii_case("base64") {
        return match decode_base64(&text) {
            Ok(decoded) => {
                notes.push(Note {
                    part,
                    kind: NoteKind::Base64Decoded {
                        decoded_len: decoded.len(),
                    },
                });
                (Cow::Owned(decoded), true)
            }
            Err(e) => {
                notes.push(Note {
                    part,
                    kind: NoteKind::Base64Invalid {
                        error: e.to_string(),
                    },
                });
                (into_bytes(text), false)
            }
        };
    }
    notes.push(Note {
        part,
        kind: NoteKind::UnknownEncoding {
            encoding: label.to_string(),
        },
    });
    (into_bytes(text), false)
}

/// Whether `text` is (clearly) base64 of a JSON object or array: only base64 characters,
/// at least 8 of them, and decoding to UTF-8 text starting with `{` or `[`.
pub fn looks_like_base64_json(text: &str) -> bool {
    let t = text.trim();
    if t.len() < 8 {
        return false;
    }
    // Cheap check first: the first 8 characters decode to 6 bytes.
    let head = match STANDARD_LENIENT.decode(&t.as_bytes()[..8]) {
        Ok(h) => h,
        Err(_) => return false,
    };
    if !matches!(
        head.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    ) {
        return false;
    }
    match decode_base64(t) {
        Ok(all) => std::str::from_utf8(&all).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Option<TextSource<'_>> {
        Some(TextSource::Str(Cow::Borrowed(t)))
    }

    fn input<'a>(part: Part, t: Option<TextSource<'a>>) -> BodyInput<'a, 'static> {
        BodyInput {
            part,
            text: t,
            encoding: None,
            params: Vec::new(),
            declared_size: None,
            size_means_truncation: part == Part::ResponseBody,
            comments: [None, None],
            has_post_data: true,
        }
    }

    #[test]
    fn base64_labelled_unlabelled_and_invalid() {
        let mut notes = Vec::new();
        let mut i = input(Part::ResponseBody, text("eyJjb3VudCI6MH0="));
        i.encoding = Some("base64".into());
        let b = build_body(i, &mut notes);
        assert_eq!(b.as_str(), Some("{\"count\":0}"));
        assert!(matches!(
            notes[0].kind,
            NoteKind::Base64Decoded { decoded_len: 11 }
        ));

        let mut notes = Vec::new();
        let mut i = input(Part::ResponseBody, text("{\"count\":0}"));
        i.encoding = Some("base64".into());
        let b = build_body(i, &mut notes);
        assert_eq!(b.as_str(), Some("{\"count\":0}"));
        assert!(matches!(notes[0].kind, NoteKind::Base64Invalid { .. }));

        let mut notes = Vec::new();
        let b = build_body(
            input(Part::ResponseBody, text("eyJjb3VudCI6MH0=")),
            &mut notes,
        );
        assert_eq!(b.as_str(), Some("eyJjb3VudCI6MH0="));
        assert_eq!(notes[0].kind, NoteKind::UnlabelledBase64);

        let mut notes = Vec::new();
        let b = build_body(input(Part::ResponseBody, text("plain words")), &mut notes);
        assert_eq!(b.as_str(), Some("plain words"));
        assert!(notes.is_empty());
    }

    #[test]
    fn size_of_the_base64_text_is_not_truncation() {
        let mut notes = Vec::new();
        let mut i = input(Part::ResponseBody, text("eyJjb3VudCI6MH0="));
        i.encoding = Some("base64".into());
        i.declared_size = Some(16);
        let b = build_body(i, &mut notes);
        assert_eq!(b.as_str(), Some("{\"count\":0}"));
        assert!(notes.iter().any(|n| n.kind
            == NoteKind::SizeMismatch {
                declared: 16,
                actual: 11
            }));
        let mut i = input(Part::ResponseBody, text("eyJjb3VudCI6MH0="));
        i.encoding = Some("base64".into());
        i.declared_size = Some(40);
        assert!(matches!(build_body(i, &mut notes), Body::Truncated { .. }));
    }

    #[test]
    fn truncation_and_absence() {
        let mut notes = Vec::new();
        let mut i = input(Part::ResponseBody, text("{\"a\":"));
        i.declared_size = Some(100);
        assert!(matches!(build_body(i, &mut notes), Body::Truncated { .. }));

        let mut i = input(Part::ResponseBody, text("{}"));
        i.comments = [Some("Body truncated at 2 bytes"), None];
        assert!(matches!(build_body(i, &mut notes), Body::Truncated { .. }));

        let mut i = input(Part::ResponseBody, None);
        i.declared_size = Some(5000);
        assert_eq!(
            build_body(i, &mut notes),
            Body::Absent {
                reason: AbsentReason::NotIncluded { comment: None }
            }
        );
        let mut i = input(Part::ResponseBody, None);
        i.declared_size = Some(0);
        assert_eq!(
            build_body(i, &mut notes),
            Body::Absent {
                reason: AbsentReason::Empty
            }
        );
        let mut i = input(Part::RequestBody, None);
        i.has_post_data = false;
        assert_eq!(
            build_body(i, &mut notes),
            Body::Absent {
                reason: AbsentReason::NoPostData
            }
        );
        let mut i = input(Part::RequestBody, text("{}"));
        i.declared_size = Some(10);
        assert!(matches!(build_body(i, &mut notes), Body::Text { .. }));
        assert!(matches!(
            notes.last().map(|n| &n.kind),
            Some(NoteKind::SizeMismatch { .. })
        ));
    }
}
