//! An order-preserving parallel pipeline: framing on one thread, work on N threads, results
//! handed to a sink on the calling thread in input order, with bounded memory.

use std::any::Any;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Condvar, Mutex};

use crossbeam_channel::bounded;

use crate::frame::{FrameError, RawEntry};

/// Options of [`for_each_parallel_with`].
///
/// With `threads == 1` everything runs on the calling thread.
#[derive(Clone, Debug)]
pub struct PipelineOptions {
    /// Worker threads running the work function; 0 means the available parallelism.
    pub threads: usize,
    /// At most this many bytes of raw entries are in flight (framed but not yet handed to
    /// the sink). A single larger entry is still let through alone.
    pub max_in_flight_bytes: usize,
    /// At most this many entries are in flight; 0 means 16 per worker.
    pub max_in_flight_entries: usize,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            threads: 0,
            max_in_flight_bytes: 64 << 20,
            max_in_flight_entries: 0,
        }
    }
}

/// Runs `f` on every framed entry on `threads` worker threads (0: available parallelism) and
/// hands each result to `sink` on the calling thread, in input order. Frame errors are passed
/// through to the sink in their place. Memory stays bounded (see [`PipelineOptions`]).
///
/// A panic in `f` or `sink` stops the pipeline and is propagated to the caller.
///
/// ```
/// use workspaceapp_capture::{Framer, FramerOptions, for_each_parallel, parse_entry};
/// let ndjson = b"{\"request\":{\"method\":\"GET\",\"url\":\"http://h/a\"}}\n{\"request\":{\"method\":\"POST\",\"url\":\"http://h/b\"}}\n";
/// let framer = Framer::from_reader("x.ndjson", &ndjson[..], FramerOptions::default()).unwrap();
/// let mut methods = Vec::new();
/// for_each_parallel(framer, 2, |raw| parse_entry(raw).map(|x| x.request.method.into_owned()), |r| {
///     methods.push(r.unwrap().unwrap());
/// });
/// assert_eq!(methods, ["GET", "POST"]);
/// ```
pub fn for_each_parallel<I, R, F, S>(frames: I, threads: usize, f: F, sink: S)
where
    I: IntoIterator<Item = Result<RawEntry, FrameError>>,
    I::IntoIter: Send,
    R: Send,
    F: Fn(&RawEntry) -> R + Sync,
    S: FnMut(Result<R, FrameError>),
{
    for_each_parallel_with(
        frames,
        &PipelineOptions {
            threads,
            ..PipelineOptions::default()
        },
        f,
        sink,
    )
}

/// [`for_each_parallel`] with explicit options.
pub fn for_each_parallel_with<I, R, F, S>(frames: I, options: &PipelineOptions, f: F, mut sink: S)
where
    I: IntoIterator<Item = Result<RawEntry, FrameError>>,
    I::IntoIter: Send,
    R: Send,
    F: Fn(&RawEntry) -> R + Sync,
    S: FnMut(Result<R, FrameError>),
{
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    };
    if threads == 1 {
        // One worker: no threads at all (same order, same results, no hand-over costs).
        for item in frames {
            sink(item.map(|raw| f(&raw)));
        }
        return;
    }
    let max_entries = if options.max_in_flight_entries == 0 {
        16 * threads
    } else {
        options.max_in_flight_entries
    };
    let budget = Budget::new(options.max_in_flight_bytes.max(1), max_entries);
    let frames = frames.into_iter();
    let (work_tx, work_rx) = bounded::<(u64, usize, Result<RawEntry, FrameError>)>(2 * threads);
    let (res_tx, res_rx) = bounded::<(u64, usize, Outcome<R>)>(2 * threads);
    let f = &f;
    let budget = &budget;

    std::thread::scope(|scope| {
        // Framing.
        scope.spawn(move || {
            for (seq, item) in (0u64..).zip(frames) {
                let size = item.as_ref().map_or(0, |raw| raw.bytes.len());
                if !budget.acquire(size) {
                    break;
                }
                if work_tx.send((seq, size, item)).is_err() {
                    break;
                }
            }
        });
        // Work.
        for _ in 0..threads {
            let work_rx = work_rx.clone();
            let res_tx = res_tx.clone();
            scope.spawn(move || {
                for (seq, size, item) in work_rx {
                    let outcome = match item {
                        Ok(raw) => match panic::catch_unwind(AssertUnwindSafe(|| f(&raw))) {
                            Ok(r) => Outcome::Done(Ok(r)),
                            Err(payload) => Outcome::Panicked(payload),
                        },
                        Err(e) => Outcome::Done(Err(e)),
                    };
                    if res_tx.send((seq, size, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(work_rx);
        drop(res_tx);

        // Sink, in order.
        let res_rx = res_rx;
        let guard = CloseOnDrop(budget);
        let mut pending: BTreeMap<u64, (usize, Outcome<R>)> = BTreeMap::new();
        let mut next = 0u64;
        while let Ok((seq, size, outcome)) = res_rx.recv() {
            pending.insert(seq, (size, outcome));
            while let Some((size, outcome)) = pending.remove(&next) {
                next += 1;
                match outcome {
                    Outcome::Done(r) => sink(r),
                    Outcome::Panicked(payload) => {
                        drop(res_rx);
                        drop(guard);
                        panic::resume_unwind(payload);
                    }
                }
                budget.release(size);
            }
        }
        drop(guard);
    });
}

enum Outcome<R> {
    Done(Result<R, FrameError>),
    Panicked(Box<dyn Any + Send>),
}

/// Counts bytes and entries in flight; the framer waits while the limits are reached.
struct Budget {
    state: Mutex<BudgetState>,
    cv: Condvar,
    max_bytes: usize,
    max_entries: usize,
}

struct BudgetState {
    bytes: usize,
    entries: usize,
    closed: bool,
}

impl Budget {
    fn new(max_bytes: usize, max_entries: usize) -> Self {
        Budget {
            state: Mutex::new(BudgetState {
                bytes: 0,
                entries: 0,
                closed: false,
            }),
            cv: Condvar::new(),
            max_bytes,
            max_entries,
        }
    }

    /// Waits for room for an entry of `size` bytes; `false` when the pipeline is closed.
    fn acquire(&self, size: usize) -> bool {
        let mut st = match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        while !st.closed
            && st.entries > 0
            && (st.entries >= self.max_entries || st.bytes.saturating_add(size) > self.max_bytes)
        {
            st = match self.cv.wait(st) {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
        }
        if st.closed {
            return false;
        }
        st.entries += 1;
        st.bytes = st.bytes.saturating_add(size);
        true
    }

    fn release(&self, size: usize) {
        let mut st = match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        st.entries = st.entries.saturating_sub(1);
        st.bytes = st.bytes.saturating_sub(size);
        self.cv.notify_all();
    }

    fn close(&self) {
        let mut st = match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        st.closed = true;
        self.cv.notify_all();
    }
}

/// Closes the budget when the sink stops (normally or by a panic), so the framer ends.
struct CloseOnDrop<'b>(&'b Budget);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::position::Position;
    use std::sync::Arc;

    fn items(n: u64) -> Vec<Result<RawEntry, FrameError>> {
        (0..n)
            .map(|i| {
                Ok(RawEntry {
                    source: Position::ndjson_line(Arc::from("t"), i + 1, i),
                    bytes: vec![b'x'; (i % 7) as usize * 100],
                })
            })
            .collect()
    }

    #[test]
    fn preserves_order() {
        let mut out = Vec::new();
        for_each_parallel_with(
            items(500),
            &PipelineOptions {
                threads: 3,
                max_in_flight_bytes: 1000,
                max_in_flight_entries: 5,
            },
            |raw| {
                if raw.source.index % 3 == 0 {
                    std::thread::yield_now();
                }
                raw.source.index
            },
            |r| out.push(r.expect("ok")),
        );
        assert_eq!(out, (1..=500).collect::<Vec<_>>());
    }

    #[test]
    fn one_thread_runs_inline() {
        let caller = std::thread::current().id();
        let mut out = Vec::new();
        for_each_parallel(
            items(20),
            1,
            |raw| (raw.source.index, std::thread::current().id()),
            |r| out.push(r.expect("ok")),
        );
        assert_eq!(out.len(), 20);
        assert!(out.iter().all(|(_, id)| *id == caller));
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn worker_panic_propagates() {
        let r = panic::catch_unwind(|| {
            for_each_parallel(
                items(100),
                2,
                |raw| {
                    if raw.source.index == 50 {
                        panic!("boom");
                    }
                },
                |_| {},
            )
        });
        assert!(r.is_err());
    }
}
