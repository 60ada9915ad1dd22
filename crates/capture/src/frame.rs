//! Framing: split an input stream into one raw byte buffer per exchange, without parsing
//! JSON into values.
//!
//! * HAR: a small hand-written, non-recursive byte scanner tracks strings, escapes and
//!   bracket depth to find `log` → `entries` (in any key order; other keys such as `pages`
//!   are skipped) and copies each element of the array.
//! * NDJSON: one HAR entry object per line; blank lines are skipped.
//!
//! Memory is bounded by the largest single entry (plus one read buffer); entries larger than
//! [`FramerOptions::max_entry_size`] are skipped and reported as [`FrameErrorKind::TooLarge`].

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::position::Position;

/// Default for [`FramerOptions::max_entry_size`]: 256 MiB.
pub const DEFAULT_MAX_ENTRY_SIZE: usize = 256 << 20;
/// Default for [`FramerOptions::buffer_size`]: 256 KiB.
pub const DEFAULT_BUFFER_SIZE: usize = 256 << 10;
/// How many bytes at most are looked at to tell HAR from NDJSON.
const DETECT_WINDOW: usize = 1 << 20;
/// Longest indentation remembered for resynchronising inside a pretty-printed HAR.
const MAX_INDENT: usize = 256;

/// The two input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// A HAR document: `{"log": {"entries": [ ... ]}}`.
    Har,
    /// Newline-delimited JSON: one HAR 1.2 entry object per line.
    Ndjson,
}

impl InputKind {
    /// `"har"` or `"ndjson"`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Har => "har",
            InputKind::Ndjson => "ndjson",
        }
    }
}

impl std::fmt::Display for InputKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for InputKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "har" => Ok(InputKind::Har),
            "ndjson" | "jsonl" | "json-lines" => Ok(InputKind::Ndjson),
            other => Err(format!(
                "unknown input kind `{other}` (expected har or ndjson)"
            )),
        }
    }
}

/// Options of a [`Framer`].
#[derive(Clone, Debug)]
pub struct FramerOptions {
    /// Force the input kind; `None` detects it from the first bytes.
    pub kind: Option<InputKind>,
    /// Entries (HAR elements or NDJSON lines) larger than this are skipped and reported.
    pub max_entry_size: usize,
    /// Size of the read buffer.
    pub buffer_size: usize,
}

impl Default for FramerOptions {
    fn default() -> Self {
        FramerOptions {
            kind: None,
            max_entry_size: DEFAULT_MAX_ENTRY_SIZE,
            buffer_size: DEFAULT_BUFFER_SIZE,
        }
    }
}

/// One exchange as raw bytes: a HAR entry object (a `log.entries` element, or one NDJSON line
/// without its line break).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEntry {
    /// Where the entry starts.
    pub source: Position,
    /// The entry's JSON text, exactly as in the input (not validated as JSON or UTF-8 yet).
    pub bytes: Vec<u8>,
}

/// An error found while framing, with the position it refers to.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{position}: {kind}")]
pub struct FrameError {
    /// Where: the entry concerned, or the document for document-level errors.
    pub position: Position,
    /// What.
    pub kind: FrameErrorKind,
    /// `true` when the framer stops after this error (nothing more is read from the input).
    pub fatal: bool,
}

/// The kinds of [`FrameError`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameErrorKind {
    /// Reading (or decompressing) the input failed.
    #[error("cannot read input: {message}")]
    Io {
        /// The I/O error kind.
        kind: io::ErrorKind,
        /// The error's text.
        message: String,
    },
    /// The entry is larger than [`FramerOptions::max_entry_size`]; it was skipped.
    #[error("entry of {size} bytes exceeds the limit of {limit} bytes; skipped")]
    TooLarge {
        /// Size of the entry in bytes.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The input (read as HAR) does not start with a JSON object.
    #[error("not a HAR document: expected a JSON object, found {found}")]
    NotAnObject {
        /// A short description of what was found.
        found: String,
    },
    /// The HAR object has no `log` member.
    #[error("not a HAR document: no `log` object")]
    MissingLog,
    /// `log` is not an object.
    #[error("not a HAR document: `log` is not an object")]
    LogNotObject,
    /// The `log` object has no `entries` member.
    #[error("HAR has no `log.entries` array")]
    MissingEntries,
    /// `log.entries` is not an array.
    #[error("HAR `log.entries` is not an array")]
    EntriesNotArray,
    /// The input ended in the middle of the document.
    #[error("input ends inside {context} (truncated file?)")]
    Truncated {
        /// What was being read.
        context: String,
    },
    /// Malformed JSON structure found by the scanner.
    #[error("malformed JSON at byte {offset}: {message}")]
    Syntax {
        /// Absolute byte offset of the problem.
        offset: u64,
        /// What is wrong, and how reading continues.
        message: String,
    },
    /// Non-whitespace data after the end of the HAR document.
    #[error("unexpected data after the end of the HAR document")]
    TrailingData,
}

impl FrameError {
    fn io(position: Position, e: &io::Error) -> Self {
        FrameError {
            position,
            kind: FrameErrorKind::Io {
                kind: e.kind(),
                message: e.to_string(),
            },
            fatal: true,
        }
    }
}

/// Reads a stream as a sequence of [`RawEntry`]s. See the [module docs](self).
///
/// ```
/// use workspaceapp_capture::{Framer, FramerOptions};
/// let har = br#"{"log": {"version": "1.2", "entries": [{"request": {}}, {"request": {}}]}}"#;
/// let framer = Framer::from_reader("inline.har", &har[..], FramerOptions::default()).unwrap();
/// let entries: Vec<_> = framer.collect::<Result<_, _>>().unwrap();
/// assert_eq!(entries.len(), 2);
/// assert_eq!(entries[1].bytes, br#"{"request": {}}"#);
/// ```
pub struct Framer {
    file: Arc<str>,
    kind: InputKind,
    gzip: bool,
    max_entry_size: usize,
    input: Input,
    state: State,
    /// Bracket stack of the scanner (heap, never the call stack).
    stack: Vec<u8>,
    /// Next HAR entry index / last NDJSON line number.
    counter: u64,
    /// HAR: indentation (whitespace after the last line break) before the element or key just reached.
    indent: Option<Vec<u8>>,
    /// HAR: indentation of the `"entries"` key line, when pretty-printed.
    entries_key_indent: Option<Vec<u8>>,
    found_log: bool,
    found_entries: bool,
}

impl std::fmt::Debug for Framer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Framer")
            .field("file", &self.file)
            .field("kind", &self.kind)
            .field("gzip", &self.gzip)
            .field("offset", &self.input.offset())
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    // HAR
    Start,
    RootKey { first: bool },
    RootAfterValue,
    LogKey { first: bool },
    LogAfterValue,
    Element { first: bool },
    AfterElement,
    Trailing,
    // NDJSON
    Lines,
    Done,
}

impl Framer {
    /// Opens a file (`-` is standard input). gzip is detected from the magic bytes.
    pub fn open(path: impl AsRef<Path>, options: FramerOptions) -> Result<Framer, FrameError> {
        let path = path.as_ref();
        if path.as_os_str() == "-" {
            return Framer::from_reader("<stdin>", io::stdin(), options);
        }
        let name: Arc<str> = Arc::from(path.display().to_string());
        let file = File::open(path)
            .map_err(|e| FrameError::io(Position::document(name.clone(), 0, 0), &e))?;
        Framer::from_reader(name, file, options)
    }

    /// Reads from any reader; `name` is used in positions. gzip is detected from the magic
    /// bytes; the input kind is detected unless forced in `options`.
    pub fn from_reader<R: Read + Send + 'static>(
        name: impl Into<Arc<str>>,
        reader: R,
        options: FramerOptions,
    ) -> Result<Framer, FrameError> {
        let file: Arc<str> = name.into();
        let doc = |offset| Position::document(file.clone(), 0, offset);
        let mut reader: Box<dyn Read + Send> = Box::new(reader);
        // gzip magic bytes.
        let head = read_up_to(&mut reader, 2).map_err(|e| FrameError::io(doc(0), &e))?;
        let gzip = head.len() == 2 && head[0] == 0x1f && head[1] == 0x8b;
        let chained: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(reader));
        let mut reader: Box<dyn Read + Send> = if gzip {
            Box::new(MultiGzDecoder::new(chained))
        } else {
            chained
        };
        let kind = match options.kind {
            Some(kind) => kind,
            None => {
                let mut prefix = Vec::new();
                let mut chunk = vec![0u8; 64 << 10];
                let kind = loop {
                    let n = loop {
                        match reader.read(&mut chunk) {
                            Ok(n) => break n,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                            Err(e) => return Err(FrameError::io(doc(prefix.len() as u64), &e)),
                        }
                    };
                    prefix.extend_from_slice(&chunk[..n]);
                    let eof = n == 0;
                    if let Some(kind) = detect(&prefix, eof) {
                        break kind;
                    }
                    if eof || prefix.len() >= DETECT_WINDOW {
                        break InputKind::Ndjson;
                    }
                };
                reader = Box::new(Cursor::new(prefix).chain(reader));
                kind
            }
        };
        let state = match kind {
            InputKind::Har => State::Start,
            InputKind::Ndjson => State::Lines,
        };
        Ok(Framer {
            file,
            kind,
            gzip,
            max_entry_size: options.max_entry_size.max(1),
            input: Input::new(reader, options.buffer_size.max(16)),
            state,
            stack: Vec::new(),
            counter: 0,
            indent: None,
            entries_key_indent: None,
            found_log: false,
            found_entries: false,
        })
    }

    /// The input kind (detected or forced).
    pub fn kind(&self) -> InputKind {
        self.kind
    }

    /// Whether the input was gzip-compressed.
    pub fn is_gzip(&self) -> bool {
        self.gzip
    }

    /// The input's name as used in positions.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// Uncompressed bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.input.offset()
    }

    fn doc_pos(&self, offset: u64) -> Position {
        Position::document(self.file.clone(), self.counter, offset)
    }

    fn fatal(
        &mut self,
        position: Position,
        kind: FrameErrorKind,
    ) -> Option<Result<RawEntry, FrameError>> {
        self.state = State::Done;
        Some(Err(FrameError {
            position,
            kind,
            fatal: true,
        }))
    }

    fn io_fatal(&mut self, e: io::Error) -> Option<Result<RawEntry, FrameError>> {
        self.state = State::Done;
        let pos = self.doc_pos(self.input.offset());
        Some(Err(FrameError::io(pos, &e)))
    }

    fn truncated(&mut self, context: &str) -> Option<Result<RawEntry, FrameError>> {
        let pos = self.doc_pos(self.input.offset());
        self.fatal(
            pos,
            FrameErrorKind::Truncated {
                context: context.to_string(),
            },
        )
    }

    fn syntax_fatal(
        &mut self,
        offset: u64,
        message: String,
    ) -> Option<Result<RawEntry, FrameError>> {
        let pos = self.doc_pos(offset);
        self.fatal(pos, FrameErrorKind::Syntax { offset, message })
    }

    // ---------------------------------------------------------------- NDJSON

    fn next_line(&mut self) -> Option<Result<RawEntry, FrameError>> {
        loop {
            match self.input.fill() {
                Ok(true) => {}
                Ok(false) => {
                    self.state = State::Done;
                    return None;
                }
                Err(e) => return self.io_fatal(e),
            }
            self.counter += 1;
            let line_no = self.counter;
            let start = self.input.offset();
            let limit = self.max_entry_size;
            // Fast path: the whole line is in the buffer.
            let avail = &self.input.buf[self.input.pos..self.input.end];
            let mut captured: Vec<u8>;
            let mut size: u64;
            let mut overflow = false;
            if let Some(nl) = memchr::memchr(b'\n', avail) {
                size = nl as u64;
                if nl > limit {
                    overflow = true;
                    captured = Vec::new();
                } else {
                    captured = avail[..nl].to_vec();
                }
                self.input.pos += nl + 1;
            } else {
                captured = Vec::new();
                size = 0;
                loop {
                    let avail = &self.input.buf[self.input.pos..self.input.end];
                    let (seg, found) = match memchr::memchr(b'\n', avail) {
                        Some(nl) => (&avail[..nl], true),
                        None => (avail, false),
                    };
                    size += seg.len() as u64;
                    if !overflow {
                        if captured.len() + seg.len() > limit {
                            overflow = true;
                            captured = Vec::new();
                        } else {
                            captured.extend_from_slice(seg);
                        }
                    }
                    self.input.pos += seg.len() + usize::from(found);
                    if found {
                        break;
                    }
                    match self.input.fill() {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(e) => return self.io_fatal(e),
                    }
                }
            }
            let position = Position::ndjson_line(self.file.clone(), line_no, start);
            if overflow {
                return Some(Err(FrameError {
                    position,
                    kind: FrameErrorKind::TooLarge {
                        size,
                        limit: limit as u64,
                    },
                    fatal: false,
                }));
            }
            if captured.last() == Some(&b'\r') {
                captured.pop();
            }
            let mut skip = 0;
            if line_no == 1 && captured.starts_with(b"\xEF\xBB\xBF") {
                skip = 3;
            }
            if captured[skip..].iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            if skip > 0 {
                captured.drain(..skip);
                return Some(Ok(RawEntry {
                    source: Position::ndjson_line(self.file.clone(), line_no, start + 3),
                    bytes: captured,
                }));
            }
            return Some(Ok(RawEntry {
                source: position,
                bytes: captured,
            }));
        }
    }

    // ---------------------------------------------------------------- HAR

    fn next_har(&mut self) -> Option<Result<RawEntry, FrameError>> {
        loop {
            match self.state {
                State::Done | State::Lines => return None,
                State::Start => {
                    // Optional UTF-8 byte order mark.
                    match self.input.peek() {
                        Ok(Some(0xEF)) => {
                            for expected in [0xEF, 0xBB, 0xBF] {
                                match self.input.peek() {
                                    Ok(Some(b)) if b == expected => self.input.pos += 1,
                                    Ok(_) => break,
                                    Err(e) => return self.io_fatal(e),
                                }
                            }
                        }
                        Ok(_) => {}
                        Err(e) => return self.io_fatal(e),
                    }
                    match self.skip_ws(false) {
                        Ok(Some(b'{')) => {
                            self.input.pos += 1;
                            self.state = State::RootKey { first: true };
                        }
                        Ok(Some(b)) => {
                            let pos = self.doc_pos(self.input.offset());
                            return self.fatal(
                                pos,
                                FrameErrorKind::NotAnObject {
                                    found: describe_byte(b),
                                },
                            );
                        }
                        Ok(None) => {
                            let pos = self.doc_pos(self.input.offset());
                            return self.fatal(
                                pos,
                                FrameErrorKind::NotAnObject {
                                    found: "an empty input".to_string(),
                                },
                            );
                        }
                        Err(e) => return self.io_fatal(e),
                    }
                }
                State::RootKey { first } => match self.skip_ws(false) {
                    Ok(Some(b'}')) if first => {
                        self.input.pos += 1;
                        if let Some(r) = self.root_closed() {
                            return Some(r);
                        }
                    }
                    Ok(Some(b'"')) => {
                        let key = match self.read_key() {
                            Ok(k) => k,
                            Err(e) => return self.scan_fatal(e, "the HAR object"),
                        };
                        if key == b"log" {
                            self.found_log = true;
                            match self.skip_ws(false) {
                                Ok(Some(b'{')) => {
                                    self.input.pos += 1;
                                    self.state = State::LogKey { first: true };
                                }
                                Ok(Some(_)) => {
                                    let pos = self.doc_pos(self.input.offset());
                                    return self.fatal(pos, FrameErrorKind::LogNotObject);
                                }
                                Ok(None) => return self.truncated("the HAR object"),
                                Err(e) => return self.io_fatal(e),
                            }
                        } else {
                            if let Err(e) = self.skip_value() {
                                return self.scan_fatal(e, "the HAR object");
                            }
                            self.state = State::RootAfterValue;
                        }
                    }
                    Ok(Some(b)) => {
                        let off = self.input.offset();
                        return self.syntax_fatal(
                            off,
                            format!(
                                "expected a key in the HAR object, found {}",
                                describe_byte(b)
                            ),
                        );
                    }
                    Ok(None) => return self.truncated("the HAR object"),
                    Err(e) => return self.io_fatal(e),
                },
                State::RootAfterValue => match self.skip_ws(false) {
                    Ok(Some(b',')) => {
                        self.input.pos += 1;
                        self.state = State::RootKey { first: false };
                    }
                    Ok(Some(b'}')) => {
                        self.input.pos += 1;
                        if let Some(r) = self.root_closed() {
                            return Some(r);
                        }
                    }
                    Ok(Some(b)) => {
                        let off = self.input.offset();
                        return self.syntax_fatal(
                            off,
                            format!(
                                "expected `,` or `}}` in the HAR object, found {}",
                                describe_byte(b)
                            ),
                        );
                    }
                    Ok(None) => return self.truncated("the HAR object"),
                    Err(e) => return self.io_fatal(e),
                },
                State::LogKey { first } => match self.skip_ws(true) {
                    Ok(Some(b'}')) if first => {
                        self.input.pos += 1;
                        if let Some(r) = self.log_closed() {
                            return Some(r);
                        }
                    }
                    Ok(Some(b'"')) => {
                        let key_indent = self.indent.take();
                        let key = match self.read_key() {
                            Ok(k) => k,
                            Err(e) => return self.scan_fatal(e, "the `log` object"),
                        };
                        if key == b"entries" {
                            self.found_entries = true;
                            self.entries_key_indent = key_indent;
                            match self.skip_ws(false) {
                                Ok(Some(b'[')) => {
                                    self.input.pos += 1;
                                    self.state = State::Element { first: true };
                                }
                                Ok(Some(_)) => {
                                    let pos = self.doc_pos(self.input.offset());
                                    return self.fatal(pos, FrameErrorKind::EntriesNotArray);
                                }
                                Ok(None) => return self.truncated("the `log` object"),
                                Err(e) => return self.io_fatal(e),
                            }
                        } else {
                            if let Err(e) = self.skip_value() {
                                return self.scan_fatal(e, "the `log` object");
                            }
                            self.state = State::LogAfterValue;
                        }
                    }
                    Ok(Some(b)) => {
                        let off = self.input.offset();
                        return self.syntax_fatal(
                            off,
                            format!(
                                "expected a key in the `log` object, found {}",
                                describe_byte(b)
                            ),
                        );
                    }
                    Ok(None) => return self.truncated("the `log` object"),
                    Err(e) => return self.io_fatal(e),
                },
                State::LogAfterValue => match self.skip_ws(false) {
                    Ok(Some(b',')) => {
                        self.input.pos += 1;
                        self.state = State::LogKey { first: false };
                    }
                    Ok(Some(b'}')) => {
                        self.input.pos += 1;
                        if let Some(r) = self.log_closed() {
                            return Some(r);
                        }
                    }
                    Ok(Some(b)) => {
                        let off = self.input.offset();
                        return self.syntax_fatal(
                            off,
                            format!(
                                "expected `,` or `}}` in the `log` object, found {}",
                                describe_byte(b)
                            ),
                        );
                    }
                    Ok(None) => return self.truncated("the `log` object"),
                    Err(e) => return self.io_fatal(e),
                },
                State::Element { first } => match self.skip_ws(true) {
                    Ok(Some(b']')) => {
                        // `first` or a trailing comma: both end the array.
                        let _ = first;
                        self.input.pos += 1;
                        self.state = State::LogAfterValue;
                    }
                    Ok(Some(_)) => return Some(self.element()),
                    Ok(None) => return self.truncated("`log.entries`"),
                    Err(e) => return self.io_fatal(e),
                },
                State::AfterElement => match self.skip_ws(false) {
                    Ok(Some(b',')) => {
                        self.input.pos += 1;
                        self.state = State::Element { first: false };
                    }
                    Ok(Some(b']')) => {
                        self.input.pos += 1;
                        self.state = State::LogAfterValue;
                    }
                    Ok(Some(b)) => {
                        let off = self.input.offset();
                        let message = format!(
                            "expected `,` or `]` after an entry, found {}",
                            describe_byte(b)
                        );
                        return Some(Err(self.resync_error(off, message)));
                    }
                    Ok(None) => return self.truncated("`log.entries`"),
                    Err(e) => return self.io_fatal(e),
                },
                State::Trailing => match self.skip_ws(false) {
                    Ok(None) => {
                        self.state = State::Done;
                        return None;
                    }
                    Ok(Some(_)) => {
                        let pos = self.doc_pos(self.input.offset());
                        return self.fatal(pos, FrameErrorKind::TrailingData);
                    }
                    Err(e) => return self.io_fatal(e),
                },
            }
        }
    }

    fn root_closed(&mut self) -> Option<Result<RawEntry, FrameError>> {
        let pos = self.doc_pos(self.input.offset());
        if !self.found_log {
            return self.fatal(pos, FrameErrorKind::MissingLog);
        }
        if !self.found_entries {
            return self.fatal(pos, FrameErrorKind::MissingEntries);
        }
        self.state = State::Trailing;
        None
    }

    fn log_closed(&mut self) -> Option<Result<RawEntry, FrameError>> {
        if !self.found_entries {
            let pos = self.doc_pos(self.input.offset());
            return self.fatal(pos, FrameErrorKind::MissingEntries);
        }
        self.state = State::RootAfterValue;
        None
    }

    fn scan_fatal(&mut self, e: ScanError, context: &str) -> Option<Result<RawEntry, FrameError>> {
        match e {
            ScanError::Io(e) => self.io_fatal(e),
            ScanError::Eof => self.truncated(context),
            ScanError::Syntax { offset, message } => self.syntax_fatal(offset, message),
        }
    }

    /// Frames one element of `log.entries`; the scanner is at its first byte.
    fn element(&mut self) -> Result<RawEntry, FrameError> {
        let index = self.counter;
        self.counter += 1;
        let start = self.input.offset();
        let position = Position::har_entry(self.file.clone(), index, start);
        self.input.start_capture(self.max_entry_size);
        let result = self.skip_value();
        let capture = self.input.finish_capture();
        match result {
            Ok(()) => {
                self.state = State::AfterElement;
                if capture.overflow {
                    Err(FrameError {
                        position,
                        kind: FrameErrorKind::TooLarge {
                            size: capture.size,
                            limit: self.max_entry_size as u64,
                        },
                        fatal: false,
                    })
                } else {
                    Ok(RawEntry {
                        source: position,
                        bytes: capture.bytes,
                    })
                }
            }
            Err(ScanError::Io(e)) => {
                self.state = State::Done;
                Err(FrameError::io(position, &e))
            }
            Err(ScanError::Eof) => {
                self.state = State::Done;
                Err(FrameError {
                    position,
                    kind: FrameErrorKind::Truncated {
                        context: format!("log.entries[{index}]"),
                    },
                    fatal: true,
                })
            }
            Err(ScanError::Syntax { offset, message }) => {
                let mut err = self.resync_error(offset, message);
                err.position = position;
                Err(err)
            }
        }
    }

    /// Reports a structural error inside `log.entries` and tries to continue at the next
    /// element of a pretty-printed HAR (a line holding only the element indentation and `{`),
    /// or at the line closing the array. Without line structure, reading stops.
    fn resync_error(&mut self, offset: u64, message: String) -> FrameError {
        let element_indent = self.indent.clone();
        let position = self.doc_pos(offset);
        let fail = |this: &mut Framer, why: &str| {
            this.state = State::Done;
            FrameError {
                position: position.clone(),
                kind: FrameErrorKind::Syntax {
                    offset,
                    message: format!("{message}; {why}"),
                },
                fatal: true,
            }
        };
        let Some(element_indent) = element_indent else {
            return fail(
                self,
                "cannot find the next entry in a HAR without line breaks: reading stops",
            );
        };
        let close_indent = self.entries_key_indent.clone();
        loop {
            // Find the next line break.
            loop {
                match self.input.fill() {
                    Ok(true) => {}
                    Ok(false) => {
                        return fail(self, "no further entry found before the end of the input");
                    }
                    Err(e) => {
                        self.state = State::Done;
                        return FrameError::io(position.clone(), &e);
                    }
                }
                let avail = &self.input.buf[self.input.pos..self.input.end];
                match memchr::memchr(b'\n', avail) {
                    Some(i) => {
                        self.input.pos += i + 1;
                        break;
                    }
                    None => self.input.pos = self.input.end,
                }
            }
            // Read the indentation of the new line.
            let mut indent = Vec::new();
            let next = loop {
                match self.input.peek() {
                    Ok(Some(b @ (b' ' | b'\t' | b'\r'))) if indent.len() < MAX_INDENT => {
                        indent.push(b);
                        self.input.pos += 1;
                    }
                    Ok(other) => break other,
                    Err(e) => {
                        self.state = State::Done;
                        return FrameError::io(position.clone(), &e);
                    }
                }
            };
            match next {
                Some(b'{') if indent == element_indent => {
                    self.indent = Some(indent);
                    self.state = State::Element { first: false };
                    let resumed = self.input.offset();
                    return FrameError {
                        position,
                        kind: FrameErrorKind::Syntax {
                            offset,
                            message: format!(
                                "{message}; skipped to the next entry at byte {resumed}"
                            ),
                        },
                        fatal: false,
                    };
                }
                Some(b']') if close_indent.as_deref() == Some(&indent[..]) => {
                    self.input.pos += 1;
                    self.state = State::LogAfterValue;
                    let resumed = self.input.offset();
                    return FrameError {
                        position,
                        kind: FrameErrorKind::Syntax {
                            offset,
                            message: format!(
                                "{message}; skipped to the end of `log.entries` at byte {resumed}"
                            ),
                        },
                        fatal: false,
                    };
                }
                _ => {}
            }
        }
    }

    /// Skips whitespace; returns the next byte without consuming it. With `track`, records in
    /// `self.indent` the whitespace after the last line break (when there was one).
    fn skip_ws(&mut self, track: bool) -> io::Result<Option<u8>> {
        if track {
            self.indent = None;
        }
        loop {
            if !self.input.fill()? {
                return Ok(None);
            }
            let b = self.input.buf[self.input.pos];
            match b {
                b'\n' => {
                    if track {
                        self.indent = Some(Vec::new());
                    }
                }
                b' ' | b'\t' | b'\r' => {
                    if track && let Some(ind) = self.indent.as_mut() {
                        if ind.len() < MAX_INDENT {
                            ind.push(b);
                        } else {
                            self.indent = None;
                        }
                    }
                }
                _ => return Ok(Some(b)),
            }
            self.input.pos += 1;
        }
    }

    /// Reads a key string (at `"`) and the following `:`. Returns the key's raw bytes
    /// (escapes not decoded; at most 64 bytes are kept, longer keys never match).
    fn read_key(&mut self) -> Result<Vec<u8>, ScanError> {
        let start = self.input.offset();
        self.input.pos += 1; // opening quote
        let mut key = Vec::new();
        let mut escaped = false;
        loop {
            if !self.input.fill()? {
                return Err(ScanError::Eof);
            }
            let b = self.input.buf[self.input.pos];
            self.input.pos += 1;
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                break;
            } else if b == b'\n' {
                return Err(ScanError::Syntax {
                    offset: self.input.offset() - 1,
                    message: "line break inside a key".to_string(),
                });
            }
            if key.len() <= 64 {
                key.push(b);
            }
        }
        match self.skip_ws(false)? {
            Some(b':') => {
                self.input.pos += 1;
                Ok(key)
            }
            Some(b) => Err(ScanError::Syntax {
                offset: self.input.offset(),
                message: format!(
                    "expected `:` after the key starting at byte {start}, found {}",
                    describe_byte(b)
                ),
            }),
            None => Err(ScanError::Eof),
        }
    }

    /// Skips (and, when capturing, copies) one JSON value starting at the current byte.
    /// Iterative: nesting depth only grows a heap stack, bounded by the entry size.
    fn skip_value(&mut self) -> Result<(), ScanError> {
        self.stack.clear();
        let first = match self.skip_ws(false)? {
            Some(b) => b,
            None => return Err(ScanError::Eof),
        };
        let mut in_string = false;
        let mut escape_pending = false;
        match first {
            b'{' | b'[' => {
                self.stack.push(first);
                self.input.pos += 1;
            }
            b'"' => {
                in_string = true;
                self.input.pos += 1;
            }
            b if is_scalar_byte(b) => {
                // number, true, false, null (validated later by the parser)
                loop {
                    match self.input.peek()? {
                        Some(b) if is_scalar_byte(b) => self.input.pos += 1,
                        _ => return Ok(()),
                    }
                }
            }
            b => {
                return Err(ScanError::Syntax {
                    offset: self.input.offset(),
                    message: format!("expected a JSON value, found {}", describe_byte(b)),
                });
            }
        }
        loop {
            if !self.input.fill()? {
                return Err(ScanError::Eof);
            }
            let input = &mut self.input;
            let avail = &input.buf[input.pos..input.end];
            if in_string {
                // Scan the string within the buffer, stepping over escapes without leaving
                // the loop (JSON bodies inside strings escape every quote).
                let mut i = 0;
                if escape_pending {
                    if avail[0] == b'\n' {
                        return Err(ScanError::Syntax {
                            offset: input.offset(),
                            message: "line break inside a string".to_string(),
                        });
                    }
                    escape_pending = false;
                    i = 1;
                }
                loop {
                    let Some(j) = find_string_special(&avail[i..]) else {
                        i = avail.len();
                        break;
                    };
                    let k = i + j;
                    match avail[k] {
                        b'"' => {
                            i = k + 1;
                            in_string = false;
                            break;
                        }
                        b'\\' => match avail.get(k + 1) {
                            Some(b'\n') => {
                                return Err(ScanError::Syntax {
                                    offset: input.offset() + k as u64 + 1,
                                    message: "line break inside a string".to_string(),
                                });
                            }
                            Some(_) => i = k + 2,
                            None => {
                                escape_pending = true;
                                i = k + 1;
                                break;
                            }
                        },
                        _ => {
                            return Err(ScanError::Syntax {
                                offset: input.offset() + k as u64,
                                message: "line break inside a string".to_string(),
                            });
                        }
                    }
                }
                input.pos += i;
                if !in_string && self.stack.is_empty() {
                    return Ok(());
                }
            } else {
                let mut i = 0;
                let mut done = false;
                while i < avail.len() {
                    let Some(j) = find_structural(&avail[i..]) else {
                        i = avail.len();
                        break;
                    };
                    let b = avail[i + j];
                    i += j + 1;
                    match b {
                        b'"' => {
                            in_string = true;
                            break;
                        }
                        b'{' | b'[' => self.stack.push(b),
                        b'}' | b']' => {
                            let open = if b == b'}' { b'{' } else { b'[' };
                            match self.stack.pop() {
                                Some(o) if o == open => {
                                    if self.stack.is_empty() {
                                        done = true;
                                        break;
                                    }
                                }
                                Some(o) => {
                                    return Err(ScanError::Syntax {
                                        offset: input.offset() + i as u64 - 1,
                                        message: format!(
                                            "`{}` closes a `{}`",
                                            b as char, o as char
                                        ),
                                    });
                                }
                                None => {
                                    return Err(ScanError::Syntax {
                                        offset: input.offset() + i as u64 - 1,
                                        message: format!("unmatched `{}`", b as char),
                                    });
                                }
                            }
                        }
                        _ => {}
                    }
                }
                input.pos += i;
                if done {
                    return Ok(());
                }
            }
        }
    }
}

impl Iterator for Framer {
    type Item = Result<RawEntry, FrameError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.state {
            State::Done => None,
            State::Lines => self.next_line(),
            _ => self.next_har(),
        }
    }
}

impl std::iter::FusedIterator for Framer {}

// -------------------------------------------------------------------- scanning helpers

enum ScanError {
    Io(io::Error),
    Eof,
    Syntax { offset: u64, message: String },
}

impl From<io::Error> for ScanError {
    fn from(e: io::Error) -> Self {
        ScanError::Io(e)
    }
}

/// Position of the first `"`, `\\` or line break: eight bytes at a time over a short distance
/// (most strings in a HAR, and the runs between escapes in JSON bodies, are short), then memchr.
#[inline]
fn find_string_special(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Lowest set bit marks the first zero byte (higher bits may be spurious; unused).
    #[inline]
    fn zero_bytes(v: u64) -> u64 {
        v.wrapping_sub(LO) & !v & HI
    }
    let head = s.len().min(64);
    let mut i = 0;
    while i + 8 <= head {
        let Ok(chunk) = <[u8; 8]>::try_from(&s[i..i + 8]) else {
            break;
        };
        let v = u64::from_le_bytes(chunk);
        let m = zero_bytes(v ^ (LO * u64::from(b'"')))
            | zero_bytes(v ^ (LO * u64::from(b'\\')))
            | zero_bytes(v ^ (LO * u64::from(b'\n')));
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while i < head {
        if matches!(s[i], b'"' | b'\\' | b'\n') {
            return Some(i);
        }
        i += 1;
    }
    memchr::memchr3(b'"', b'\\', b'\n', &s[head..]).map(|j| j + head)
}

/// Position of the first `"`, `{`, `}`, `[` or `]`, eight bytes at a time.
#[inline]
fn find_structural(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    #[inline]
    fn zero_bytes(v: u64) -> u64 {
        v.wrapping_sub(LO) & !v & HI
    }
    let mut i = 0;
    while i + 8 <= s.len() {
        let Ok(chunk) = <[u8; 8]>::try_from(&s[i..i + 8]) else {
            break;
        };
        let v = u64::from_le_bytes(chunk);
        // `[` and `]` differ from `{` and `}` only in bit 0x20.
        let folded = v | (LO * 0x20);
        let m = zero_bytes(v ^ (LO * u64::from(b'"')))
            | zero_bytes(folded ^ (LO * u64::from(b'{')))
            | zero_bytes(folded ^ (LO * u64::from(b'}')));
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..]
        .iter()
        .position(|b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'))
        .map(|j| i + j)
}

fn is_scalar_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

fn read_up_to(reader: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut out = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        match reader.read(&mut out[filled..]) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    out.truncate(filled);
    Ok(out)
}

/// Decides HAR vs NDJSON from a prefix of the (uncompressed) input. `None`: undecided yet.
///
/// HAR when the first object has a top-level `log` key, or spans several lines; NDJSON when
/// the first value is not an object, when a top-level key of a HAR entry comes first, or when
/// the first object ends on its line.
pub(crate) fn detect(prefix: &[u8], eof: bool) -> Option<InputKind> {
    let mut i = 0;
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if prefix.starts_with(BOM) {
        i = 3;
    } else if !eof && BOM.starts_with(prefix) {
        return None;
    }
    while i < prefix.len() && prefix[i].is_ascii_whitespace() {
        i += 1;
    }
    if i >= prefix.len() {
        return if eof { Some(InputKind::Ndjson) } else { None };
    }
    if prefix[i] != b'{' {
        return Some(InputKind::Ndjson);
    }
    i += 1;
    let mut depth = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut key_start: Option<usize> = None;
    let mut expect_key = true;
    while i < prefix.len() {
        let b = prefix[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if let Some(start) = key_start.take() {
                    let key = &prefix[start..i];
                    if key == b"log" {
                        return Some(InputKind::Har);
                    }
                    if ENTRY_KEYS.contains(&key) {
                        return Some(InputKind::Ndjson);
                    }
                }
            } else if b == b'\n' {
                return Some(InputKind::Har);
            }
        } else {
            match b {
                b'"' => {
                    in_string = true;
                    if depth == 1 && expect_key {
                        key_start = Some(i + 1);
                        expect_key = false;
                    }
                }
                b'\n' => return Some(InputKind::Har),
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(InputKind::Ndjson);
                    }
                }
                b',' if depth == 1 => expect_key = true,
                _ => {}
            }
        }
        i += 1;
    }
    if eof { Some(InputKind::Ndjson) } else { None }
}

/// Top-level keys of a HAR entry: seeing one first means the input is a stream of entries.
const ENTRY_KEYS: &[&[u8]] = &[
    b"request",
    b"response",
    b"startedDateTime",
    b"time",
    b"timings",
    b"cache",
    b"pageref",
    b"serverIPAddress",
    b"connection",
];

// -------------------------------------------------------------------- buffered input

struct Capture {
    bytes: Vec<u8>,
    /// Start of the not yet copied part in the current buffer.
    from: usize,
    size: u64,
    limit: usize,
    overflow: bool,
}

struct FinishedCapture {
    bytes: Vec<u8>,
    size: u64,
    overflow: bool,
}

impl Capture {
    fn push(&mut self, seg: &[u8]) {
        self.size += seg.len() as u64;
        if self.overflow {
            return;
        }
        if self.bytes.len() + seg.len() > self.limit {
            self.overflow = true;
            self.bytes = Vec::new();
        } else {
            self.bytes.extend_from_slice(seg);
        }
    }
}

/// A read buffer that can copy the bytes it passes over into an entry buffer.
struct Input {
    reader: Box<dyn Read + Send>,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    capture: Option<Capture>,
}

impl Input {
    fn new(reader: Box<dyn Read + Send>, size: usize) -> Self {
        Input {
            reader,
            buf: vec![0; size],
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            capture: None,
        }
    }

    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Makes at least one byte available unless at the end; `Ok(false)` at the end.
    #[inline]
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        self.refill()
    }

    #[cold]
    fn refill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if let Some(cap) = self.capture.as_mut() {
            cap.push(&self.buf[cap.from..self.end]);
            cap.from = 0;
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    #[inline]
    fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.fill()? {
            Ok(Some(self.buf[self.pos]))
        } else {
            Ok(None)
        }
    }

    fn start_capture(&mut self, limit: usize) {
        self.capture = Some(Capture {
            bytes: Vec::new(),
            from: self.pos,
            size: 0,
            limit,
            overflow: false,
        });
    }

    fn finish_capture(&mut self) -> FinishedCapture {
        match self.capture.take() {
            Some(mut cap) => {
                let from = cap.from.min(self.pos);
                cap.push(&self.buf[from..self.pos]);
                FinishedCapture {
                    bytes: cap.bytes,
                    size: cap.size,
                    overflow: cap.overflow,
                }
            }
            None => FinishedCapture {
                bytes: Vec::new(),
                size: 0,
                overflow: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(input: &[u8], opts: FramerOptions) -> (InputKind, Vec<Result<RawEntry, FrameError>>) {
        let f = Framer::from_reader("t", Cursor::new(input.to_vec()), opts).expect("framer");
        let kind = f.kind();
        (kind, f.collect())
    }

    fn small_buffers() -> FramerOptions {
        FramerOptions {
            buffer_size: 16,
            ..FramerOptions::default()
        }
    }

    #[test]
    fn string_special_bytes_are_found_like_a_plain_scan() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        const BYTES: [u8; 8] = [b'"', b'\\', b'\n', 0x80, 0xff, 0x00, b'!', b']'];
        for len in 0..200usize {
            for _ in 0..20 {
                let mut v = Vec::with_capacity(len);
                for _ in 0..len {
                    let r = next();
                    v.push(if r % 23 == 0 {
                        BYTES[(r >> 8) as usize % 8]
                    } else {
                        b'a' + (r >> 16) as u8 % 26
                    });
                }
                let expected = v.iter().position(|b| matches!(b, b'"' | b'\\' | b'\n'));
                assert_eq!(find_string_special(&v), expected, "{v:?}");
            }
        }
    }

    #[test]
    fn structural_bytes_are_found_like_a_plain_scan() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        const BYTES: [u8; 10] = [b'"', b'{', b'}', b'[', b']', b';', b'=', 0xfb, 0xdb, b'\\'];
        for len in 0..200usize {
            for _ in 0..20 {
                let mut v = Vec::with_capacity(len);
                for _ in 0..len {
                    let r = next();
                    v.push(if r % 19 == 0 {
                        BYTES[(r >> 8) as usize % 10]
                    } else {
                        (r >> 16) as u8
                    });
                }
                let expected = v
                    .iter()
                    .position(|b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'));
                assert_eq!(find_structural(&v), expected, "{v:?}");
            }
        }
    }

    #[test]
    fn detects_kinds() {
        assert_eq!(detect(b"{\"log\":{}}", true), Some(InputKind::Har));
        assert_eq!(detect(b"{\n  \"log\"", false), Some(InputKind::Har));
        assert_eq!(
            detect(b"{\"request\":{}}\n", false),
            Some(InputKind::Ndjson)
        );
        assert_eq!(detect(b"{\"_x\":1}\n{", false), Some(InputKind::Ndjson));
        assert_eq!(detect(b"{\"_x\":\"a", false), None);
        assert_eq!(detect(b"   ", true), Some(InputKind::Ndjson));
        assert_eq!(detect(b"\xEF\xBB\xBF{\"log\"", false), Some(InputKind::Har));
        assert_eq!(detect(b"\xEF\xBB", false), None);
        assert_eq!(detect(b"", false), None);
    }

    #[test]
    fn har_any_key_order_and_small_buffers() {
        let har = br#"{"x":[1,{"log":2}],"log":{"pages":[{"id":"p"}],"entries":[ {"a":"]}\"x"} , [1] ,"s",7,{"b":{}}],"comment":"c"},"y":null}"#;
        for opts in [FramerOptions::default(), small_buffers()] {
            let (kind, items) = frame(har, opts);
            assert_eq!(kind, InputKind::Har);
            let items: Vec<_> = items.into_iter().map(|r| r.expect("entry")).collect();
            let bodies: Vec<&[u8]> = items.iter().map(|e| &e.bytes[..]).collect();
            assert_eq!(
                bodies,
                vec![
                    &br#"{"a":"]}\"x"}"#[..],
                    b"[1]",
                    b"\"s\"",
                    b"7",
                    br#"{"b":{}}"#
                ]
            );
            assert_eq!(items[0].source.index, 0);
            assert_eq!(items[4].source.index, 4);
            let off = items[1].source.byte_offset as usize;
            assert_eq!(&har[off..off + 3], b"[1]");
        }
    }

    #[test]
    fn har_missing_entries_and_log() {
        let (_, items) = frame(br#"{"log":{"version":"1.2"}}"#, FramerOptions::default());
        assert_eq!(items.len(), 1);
        let e = items[0].as_ref().expect_err("error");
        assert_eq!(e.kind, FrameErrorKind::MissingEntries);
        assert!(e.fatal);
        let (_, items) = frame(
            br#"{"x":1}"#,
            FramerOptions {
                kind: Some(InputKind::Har),
                ..FramerOptions::default()
            },
        );
        assert_eq!(
            items[0].as_ref().expect_err("error").kind,
            FrameErrorKind::MissingLog
        );
    }

    #[test]
    fn ndjson_lines() {
        let input = b"\xEF\xBB\xBF{\"a\":1}\r\n\n   \n{\"b\":2}\nnot json\n{\"c\":3}";
        for opts in [FramerOptions::default(), small_buffers()] {
            let (kind, items) = frame(input, opts);
            assert_eq!(kind, InputKind::Ndjson);
            let items: Vec<_> = items.into_iter().map(|r| r.expect("line")).collect();
            let lines: Vec<(u64, &[u8])> = items
                .iter()
                .map(|e| (e.source.index, &e.bytes[..]))
                .collect();
            assert_eq!(
                lines,
                vec![
                    (1, &b"{\"a\":1}"[..]),
                    (4, b"{\"b\":2}"),
                    (5, b"not json"),
                    (6, b"{\"c\":3}")
                ]
            );
            assert_eq!(items[1].source.byte_offset, 17);
        }
    }

    #[test]
    fn too_large_entries_are_skipped() {
        let opts = FramerOptions {
            max_entry_size: 10,
            buffer_size: 4,
            ..FramerOptions::default()
        };
        let (_, items) = frame(
            b"{\"a\":1}\n{\"b\":\"0123456789\"}\n{\"c\":3}\n",
            opts.clone(),
        );
        assert!(items[0].is_ok());
        assert!(matches!(
            items[1].as_ref().expect_err("too large").kind,
            FrameErrorKind::TooLarge {
                size: 18,
                limit: 10
            }
        ));
        assert!(items[2].is_ok());
        let (_, items) = frame(
            br#"{"log":{"entries":[{"a":1},{"b":"0123456789"},{"c":3}]}}"#,
            opts,
        );
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok() && items[2].is_ok());
        assert!(matches!(
            items[1].as_ref().expect_err("too large").kind,
            FrameErrorKind::TooLarge { size: 18, .. }
        ));
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let depth = 100_000;
        let mut har = b"{\"log\":{\"pages\":".to_vec();
        har.extend(std::iter::repeat_n(b'[', depth));
        har.extend(std::iter::repeat_n(b']', depth));
        har.extend_from_slice(b",\"entries\":[");
        har.extend(std::iter::repeat_n(b'[', depth));
        har.extend(std::iter::repeat_n(b']', depth));
        har.extend_from_slice(b"]}}");
        let (_, items) = frame(&har, FramerOptions::default());
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().expect("entry").bytes.len(), 2 * depth);
    }
}
