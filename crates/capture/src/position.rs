//! Where an exchange (or an error) was found in the input.

use std::fmt;
use std::sync::Arc;

/// What [`Position::index`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndexKind {
    /// `index` is the 0-based index of the element in the HAR's `log.entries` array.
    HarEntry,
    /// `index` is the 1-based line number in an NDJSON stream.
    NdjsonLine,
    /// The position refers to the document as a whole (for example a HAR without
    /// `log.entries`); `index` is the number of entries framed before it.
    Document,
}

/// Where an exchange was found: file name, entry index or line number, and the byte offset
/// of the entry in the uncompressed stream.
///
/// Cloning is cheap (the file name is shared).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Position {
    /// The name of the input as given by the caller (a path, or `-` / `<stdin>` for standard input).
    pub file: Arc<str>,
    /// HAR: 0-based index in `log.entries`; NDJSON: 1-based line number. See [`Position::kind`].
    pub index: u64,
    /// Byte offset of the first byte of the entry in the uncompressed stream (0-based).
    pub byte_offset: u64,
    /// What `index` counts.
    pub kind: IndexKind,
}

impl Position {
    /// A position of a HAR entry.
    pub fn har_entry(file: Arc<str>, index: u64, byte_offset: u64) -> Self {
        Position {
            file,
            index,
            byte_offset,
            kind: IndexKind::HarEntry,
        }
    }

    /// A position of an NDJSON line (1-based `line`).
    pub fn ndjson_line(file: Arc<str>, line: u64, byte_offset: u64) -> Self {
        Position {
            file,
            index: line,
            byte_offset,
            kind: IndexKind::NdjsonLine,
        }
    }

    /// A position in the document as a whole.
    pub fn document(file: Arc<str>, entries_before: u64, byte_offset: u64) -> Self {
        Position {
            file,
            index: entries_before,
            byte_offset,
            kind: IndexKind::Document,
        }
    }

    /// The same entry, at another absolute byte offset (used to point inside an entry).
    pub fn at_offset(&self, byte_offset: u64) -> Self {
        Position {
            byte_offset,
            ..self.clone()
        }
    }
}

impl fmt::Display for Position {
    /// `capture.har: log.entries[3] (byte 1234)`, `traffic.ndjson:7 (byte 220)`, `capture.har (byte 99)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            IndexKind::HarEntry => write!(
                f,
                "{}: log.entries[{}] (byte {})",
                self.file, self.index, self.byte_offset
            ),
            IndexKind::NdjsonLine => {
                write!(
                    f,
                    "{}:{} (byte {})",
                    self.file, self.index, self.byte_offset
                )
            }
            IndexKind::Document => write!(f, "{} (byte {})", self.file, self.byte_offset),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        let f: Arc<str> = Arc::from("a.har");
        assert_eq!(
            Position::har_entry(f.clone(), 3, 10).to_string(),
            "a.har: log.entries[3] (byte 10)"
        );
        assert_eq!(
            Position::ndjson_line(f.clone(), 7, 220).to_string(),
            "a.har:7 (byte 220)"
        );
        assert_eq!(Position::document(f, 0, 5).to_string(), "a.har (byte 5)");
    }
}
