//! Running the checks over inputs: captures are framed and parsed by `workspaceapp-capture`,
//! checked on worker threads and reported in input order.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use workspaceapp_capture as capture;
use workspaceapp_capture::{
    AbsentReason, Body, Exchange, FrameError, Framer, FramerOptions, IndexKind, InputKind,
    Position, RawEntry,
};

use crate::check::{Engine, Outcome};
use crate::exchange::{BodyView, ExchangeView, Headers, RequestView, ResponseView};
use crate::finding::{Source, SourceKind};
use crate::report::{InputProblem, ReportOptions, Sink, Summary};

/// One input of a run.
#[derive(Debug, Clone)]
pub enum Input {
    /// A HAR or NDJSON capture (`-`: standard input; gzip detected).
    Capture(PathBuf),
    /// A lone request body.
    RequestBody(PathBuf),
    /// A lone response body and its status.
    ResponseBody {
        /// The file.
        path: PathBuf,
        /// The status it was answered with.
        status: u16,
    },
}

/// How to read and how hard to work.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads; 0: every core.
    pub threads: usize,
    /// Force HAR or NDJSON; `None`: detect.
    pub kind: Option<InputKind>,
    /// Entries larger than this are reported and skipped.
    pub max_entry_size: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            threads: 0,
            kind: None,
            max_entry_size: capture::DEFAULT_MAX_ENTRY_SIZE,
        }
    }
}

/// Told about progress on the reporting thread: bytes and exchanges done so far.
pub trait Progress {
    /// Called once per exchange.
    fn advance(&mut self, bytes: u64, exchanges: u64);
}

impl<F: FnMut(u64, u64)> Progress for F {
    fn advance(&mut self, bytes: u64, exchanges: u64) {
        self(bytes, exchanges)
    }
}

/// Checks every input and hands outcomes to `sink` in input order; returns the counts.
/// Only a failure to write the report is an error: unusable inputs are counted in the summary.
pub fn run(
    inputs: &[Input],
    engine: &Engine,
    options: &RunOptions,
    report: &ReportOptions,
    sink: &mut dyn Sink,
    progress: &mut dyn Progress,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    let mut write_error: Option<io::Error> = None;
    for input in inputs {
        match input {
            Input::Capture(path) => {
                run_capture(
                    path,
                    engine,
                    options,
                    report,
                    sink,
                    progress,
                    &mut summary,
                    &mut write_error,
                );
            }
            Input::RequestBody(path) | Input::ResponseBody { path, .. } => match read_body(path) {
                Ok(bytes) => {
                    let view = match input {
                        Input::ResponseBody { status, .. } => {
                            ExchangeView::response_body(*status, bytes)
                        }
                        _ => ExchangeView::request_body(bytes),
                    };
                    let source = Source::body(display_name(path));
                    let outcome = engine.check(&view, &source);
                    summary.add(&outcome, report);
                    if let Err(e) = sink.outcome(&outcome) {
                        write_error.get_or_insert(e);
                    }
                }
                Err(e) => summary.add_problem(InputProblem {
                    position: display_name(path),
                    reason: e.to_string(),
                }),
            },
        }
        if let Some(e) = write_error {
            return Err(e);
        }
    }
    Ok(summary)
}

#[allow(clippy::too_many_arguments)]
fn run_capture(
    path: &Path,
    engine: &Engine,
    options: &RunOptions,
    report: &ReportOptions,
    sink: &mut dyn Sink,
    progress: &mut dyn Progress,
    summary: &mut Summary,
    write_error: &mut Option<io::Error>,
) {
    let framer_options = FramerOptions {
        kind: options.kind,
        max_entry_size: options.max_entry_size,
        ..FramerOptions::default()
    };
    let framer = match Framer::open(path, framer_options) {
        Ok(f) => f,
        Err(e) => {
            summary.add_problem(InputProblem {
                position: e.position.to_string(),
                reason: e.kind.to_string(),
            });
            return;
        }
    };
    let mut done_bytes = summary.bytes;
    let mut done = summary.exchanges;
    pipeline(framer, engine, options.threads, |item| {
        let outcome = match item {
            Ok((outcome, bytes)) => {
                done_bytes += bytes;
                outcome
            }
            Err(e) if e.fatal => {
                summary.add_problem(InputProblem {
                    position: e.position.to_string(),
                    reason: e.kind.to_string(),
                });
                return;
            }
            Err(e) => engine.unreadable(&source_of(&e.position), &e.kind.to_string()),
        };
        summary.add(&outcome, report);
        done += 1;
        progress.advance(done_bytes, done);
        if write_error.is_none()
            && let Err(e) = sink.outcome(&outcome)
        {
            *write_error = Some(e);
        }
    });
    summary.bytes = done_bytes;
}

/// Most entries framed into one batch; batching keeps the threads from handing over (and waking
/// each other) once per exchange.
const BATCH_ENTRIES: usize = 256;
/// Most bytes of entries in one batch (a larger entry travels alone).
const BATCH_BYTES: usize = 1 << 20;
/// Batches in flight per worker thread (framed, checked or waiting for their turn).
const BATCHES_PER_WORKER: usize = 4;
/// Most bytes of framed entries not yet checked; a larger entry goes alone.
const BYTES_IN_FLIGHT: usize = 16 << 20;

/// A byte budget shared by the framer (acquires) and the workers (release).
struct Budget {
    used: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Budget {
    fn acquire(&self, n: usize) {
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while *used > 0 && *used + n > BYTES_IN_FLIGHT {
            used = self
                .freed
                .wait(used)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *used += n;
    }

    fn release(&self, n: usize) {
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *used = used.saturating_sub(n);
        self.freed.notify_all();
    }
}

type Checked = Result<(Outcome, u64), FrameError>;

/// Frames on one thread, parses and checks on `threads` workers (0: every core), and hands
/// results to `emit` on the calling thread in input order. Memory holds at most
/// `BYTES_IN_FLIGHT` of framed entries (or one larger entry alone), and the outcomes of at most
/// `BATCHES_PER_WORKER * threads` batches.
fn pipeline(framer: Framer, engine: &Engine, threads: usize, mut emit: impl FnMut(Checked)) {
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        threads
    };
    let in_flight = BATCHES_PER_WORKER * threads;
    let (work_tx, work_rx) =
        crossbeam_channel::bounded::<(u64, usize, Vec<Result<RawEntry, FrameError>>)>(in_flight);
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<(u64, Vec<Checked>)>();
    // Tokens bound the batches in flight: the framer takes one per batch, the caller returns it
    // once the batch has been emitted in order.
    let (token_tx, token_rx) = crossbeam_channel::bounded::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    let budget = Budget {
        used: std::sync::Mutex::new(0),
        freed: std::sync::Condvar::new(),
    };
    let budget = &budget;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut seq = 0u64;
            let mut batch = Vec::new();
            let mut bytes = 0usize;
            let send = |batch: Vec<_>, bytes: usize, seq: &mut u64| -> bool {
                if token_rx.recv().is_err() {
                    return false;
                }
                budget.acquire(bytes);
                let ok = work_tx.send((*seq, bytes, batch)).is_ok();
                *seq += 1;
                ok
            };
            for item in framer {
                bytes += item.as_ref().map_or(0, |raw| raw.bytes.len());
                batch.push(item);
                if (batch.len() >= BATCH_ENTRIES || bytes >= BATCH_BYTES)
                    && !send(std::mem::take(&mut batch), bytes, &mut seq)
                {
                    return;
                }
                if batch.is_empty() {
                    bytes = 0;
                }
            }
            if !batch.is_empty() {
                send(batch, bytes, &mut seq);
            }
        });
        for _ in 0..threads {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                for (seq, bytes, batch) in work_rx.iter() {
                    let checked: Vec<Checked> = batch
                        .into_iter()
                        .map(|item| {
                            item.map(|raw| {
                                let outcome =
                                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                        check_raw(engine, &raw)
                                    }))
                                    .unwrap_or_else(|_| {
                                        engine.unreadable(
                                            &source_of(&raw.source),
                                            "internal error while checking this entry",
                                        )
                                    });
                                (outcome, raw.bytes.len() as u64)
                            })
                        })
                        .collect();
                    budget.release(bytes);
                    if done_tx.send((seq, checked)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        drop(work_rx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0u64;
        for (seq, checked) in done_rx.iter() {
            waiting.insert(seq, checked);
            while let Some(checked) = waiting.remove(&next) {
                checked.into_iter().for_each(&mut emit);
                next += 1;
                let _ = token_tx.send(());
            }
        }
    });
}

/// Parses and checks one framed entry.
pub fn check_raw(engine: &Engine, raw: &RawEntry) -> Outcome {
    match capture::parse_entry(raw) {
        Ok(exchange) => engine.check(&view_of(&exchange), &source_of(&exchange.source)),
        Err(e) => engine.unreadable(&source_of(&e.position), &e.kind.to_string()),
    }
}

/// The validator's source position of a capture position.
pub fn source_of(position: &Position) -> Source {
    Source {
        file: position.file.clone(),
        kind: match position.kind {
            IndexKind::HarEntry | IndexKind::Document => SourceKind::Entry,
            IndexKind::NdjsonLine => SourceKind::Line,
        },
        index: position.index,
        byte_offset: position.byte_offset,
    }
}

fn headers_of<'a>(headers: &'a capture::Headers<'_>) -> Headers<'a> {
    Headers(
        headers
            .iter()
            .map(|h| {
                (
                    Cow::Borrowed(h.name.as_ref()),
                    Cow::Borrowed(h.value.as_ref()),
                )
            })
            .collect(),
    )
}

fn body_of<'a>(body: &'a Body<'_>) -> BodyView<'a> {
    match body {
        Body::Text { bytes, .. } => BodyView::Bytes(Cow::Borrowed(bytes.as_ref())),
        Body::Absent {
            reason: AbsentReason::Empty,
        } => BodyView::Bytes(Cow::Borrowed(&[])),
        Body::Absent { reason } => BodyView::Absent(Cow::Owned(reason.to_string())),
        Body::Truncated { reason, .. } => BodyView::Truncated(Cow::Borrowed(reason.as_str())),
        Body::Params(params) => BodyView::Params(params.len()),
    }
}

/// The validator's view of a parsed capture entry (borrowed: no body is copied).
pub fn view_of<'a>(exchange: &'a Exchange<'_>) -> ExchangeView<'a> {
    let request = &exchange.request;
    let response = exchange.response.as_ref().map(|r| ResponseView {
        status: r.status_code().unwrap_or(0),
        headers: Some(headers_of(&r.headers)),
        mime_type: r.mime_type.as_deref().map(Cow::Borrowed),
        body: body_of(&r.body),
    });
    ExchangeView {
        request: Some(RequestView {
            method: Some(Cow::Borrowed(request.method.as_ref())),
            url: Some(Cow::Borrowed(request.url.as_ref())),
            headers: Some(headers_of(&request.headers)),
            mime_type: request.mime_type.as_deref().map(Cow::Borrowed),
            body: body_of(&request.body),
        }),
        // An entry without a response is judged as "no response captured".
        response: Some(response.unwrap_or(ResponseView {
            status: 0,
            headers: None,
            mime_type: None,
            body: BodyView::Absent(Cow::Borrowed("no response recorded")),
        })),
    }
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

/// Reads a lone body (`-`: standard input), gunzipping it when it starts with gzip's magic bytes.
fn read_body(path: &Path) -> io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    if path.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut raw)?;
    } else {
        File::open(path)?.read_to_end(&mut raw)?;
    }
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out)?;
        return Ok(out);
    }
    Ok(raw)
}
