//! Invariant checks of the readers on arbitrary input, shared by the fuzz runners
//! (`examples/fuzz_readers.rs` on stable, and the cargo-fuzz target in `fuzz/`).

use std::io::Cursor;

use crate::frame::{FrameErrorKind, Framer, FramerOptions, InputKind};
use crate::parse::parse_entry;
use crate::position::IndexKind;

/// What one [`check_readers`] call saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckStats {
    /// Entries framed (over all the reader configurations tried).
    pub entries: u64,
    /// Entries that parsed into an exchange.
    pub parsed: u64,
    /// Frame and parse errors reported.
    pub errors: u64,
}

/// Runs the framer (detected kind, forced HAR, forced NDJSON; tiny and normal buffers; a small
/// entry limit) and the parser on `data`, and checks the invariants the readers promise:
/// no panic, termination, entries within the size limit, positions increasing and pointing at
/// the entry's bytes in the (uncompressed) input, nothing after a fatal error.
///
/// Returns a description of the first broken invariant.
pub fn check_readers(data: &[u8]) -> Result<CheckStats, String> {
    let gzip = data.starts_with(&[0x1f, 0x8b]);
    let mut stats = CheckStats::default();
    let configs = [
        (None, 7usize, 1usize << 20),
        (Some(InputKind::Har), 3, 64),
        (Some(InputKind::Ndjson), 5, 64),
        (None, 64 << 10, 256),
    ];
    for (kind, buffer_size, max_entry_size) in configs {
        let opts = FramerOptions {
            kind,
            max_entry_size,
            buffer_size,
        };
        let framer = match Framer::from_reader("fuzz", Cursor::new(data.to_vec()), opts) {
            Ok(f) => f,
            Err(_) => {
                stats.errors += 1;
                continue;
            }
        };
        let detected = framer.kind();
        if let Some(k) = kind
            && k != detected
        {
            return Err(format!("forced kind {k} but framer uses {detected}"));
        }
        let mut last: Option<(u64, u64)> = None;
        let mut fatal_seen = false;
        let mut items = 0usize;
        for item in framer {
            items += 1;
            if items > data.len() * 2 + 16 {
                return Err("framer does not terminate".to_string());
            }
            if fatal_seen {
                return Err("item after a fatal error".to_string());
            }
            let (index, offset) = match &item {
                Ok(raw) => (raw.source.index, raw.source.byte_offset),
                Err(e) => (e.position.index, e.position.byte_offset),
            };
            match item {
                Ok(raw) => {
                    stats.entries += 1;
                    if raw.bytes.len() > max_entry_size {
                        return Err(format!(
                            "entry of {} bytes over the limit {max_entry_size}",
                            raw.bytes.len()
                        ));
                    }
                    let expected_kind = match detected {
                        InputKind::Har => IndexKind::HarEntry,
                        InputKind::Ndjson => IndexKind::NdjsonLine,
                    };
                    if raw.source.kind != expected_kind {
                        return Err(format!("position kind {:?} in {detected}", raw.source.kind));
                    }
                    if let Some((li, lo)) = last
                        && (index <= li || offset < lo)
                    {
                        return Err(format!(
                            "positions not increasing: {li}@{lo} then {index}@{offset}"
                        ));
                    }
                    last = Some((index, offset));
                    if !gzip {
                        let start = offset as usize;
                        let end = start.saturating_add(raw.bytes.len());
                        if data.get(start..end) != Some(&raw.bytes[..]) {
                            return Err(format!(
                                "entry at {} does not match the input bytes",
                                raw.source
                            ));
                        }
                    }
                    let other = crate::parse::parse_entry_with(&raw, true);
                    let parsed = parse_entry(&raw);
                    match (&parsed, &other) {
                        (Ok(a), Ok(b)) if a != b => {
                            return Err(format!("{}: body texts decoded differently", raw.source));
                        }
                        (Ok(_), Err(e)) | (Err(e), Ok(_)) => {
                            return Err(format!("{}: one way of parsing failed: {e}", raw.source));
                        }
                        _ => {}
                    }
                    match parsed {
                        Ok(x) => {
                            stats.parsed += 1;
                            // Exercise the rest of the model.
                            let _ = format!("{x:?}");
                            let _ = x.request.decoded_path_segments();
                            for n in &x.notes {
                                let _ = n.to_string();
                            }
                            let owned = x.clone().into_owned();
                            if owned != x {
                                return Err("into_owned changed the exchange".to_string());
                            }
                        }
                        Err(e) => {
                            stats.errors += 1;
                            let _ = e.to_string();
                        }
                    }
                }
                Err(e) => {
                    stats.errors += 1;
                    let _ = e.to_string();
                    fatal_seen = e.fatal;
                    if let FrameErrorKind::TooLarge { size, limit } = e.kind
                        && size <= limit
                    {
                        return Err(format!("too large error for {size} <= {limit}"));
                    }
                }
            }
        }
    }
    check_against_serde(data)?;
    Ok(stats)
}

/// Differential check: when the whole input is valid JSON with one `log` and one `entries`
/// key, the framed HAR entries are exactly the elements of `log.entries`.
fn check_against_serde(data: &[u8]) -> Result<(), String> {
    let count = |needle: &[u8]| data.windows(needle.len()).filter(|w| *w == needle).count();
    if count(b"\"log\"") != 1 || count(b"\"entries\"") != 1 {
        return Ok(());
    }
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return Ok(());
    };
    let Some(expected) = doc
        .get("log")
        .and_then(|l| l.get("entries"))
        .and_then(|e| e.as_array())
    else {
        return Ok(());
    };
    let opts = FramerOptions {
        kind: Some(InputKind::Har),
        buffer_size: 5,
        ..FramerOptions::default()
    };
    let framer = Framer::from_reader("fuzz", Cursor::new(data.to_vec()), opts)
        .map_err(|e| format!("valid HAR not opened: {e}"))?;
    let mut got = Vec::new();
    for item in framer {
        let raw = item.map_err(|e| format!("valid HAR gave an error: {e}"))?;
        let value = serde_json::from_slice::<serde_json::Value>(&raw.bytes)
            .map_err(|e| format!("framed entry {} is not valid JSON: {e}", raw.source))?;
        got.push(value);
    }
    if &got != expected {
        return Err(format!(
            "framed {} entries differing from the {} elements of log.entries",
            got.len(),
            expected.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_hold_the_invariants() {
        for (name, bytes) in [
            (
                "chrome",
                &include_bytes!("../tests/fixtures/chrome.har")[..],
            ),
            ("firefox", include_bytes!("../tests/fixtures/firefox.har")),
            (
                "mitmproxy",
                include_bytes!("../tests/fixtures/mitmproxy.har"),
            ),
            ("charles", include_bytes!("../tests/fixtures/charles.har")),
            ("fiddler", include_bytes!("../tests/fixtures/fiddler.har")),
            (
                "httptoolkit",
                include_bytes!("../tests/fixtures/httptoolkit.har"),
            ),
            (
                "gateway",
                include_bytes!("../tests/fixtures/gateway.ndjson"),
            ),
            (
                "broken-entry",
                include_bytes!("../tests/fixtures/broken-entry.har"),
            ),
        ] {
            let stats = check_readers(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(stats.parsed > 0, "{name}");
        }
    }

    #[test]
    fn small_inputs_hold_the_invariants() {
        for input in [
            &b""[..],
            b"{",
            b"[",
            b"\"",
            b"{\"log\":{\"entries\":[{}]}}",
            b"{\"log\":{\"entries\":[1,2,{\"request\":{\"method\":\"GET\",\"url\":\"x\"}}]}}",
            b"{}\n{\n}\n\n\xff\n",
            b"\x1f\x8b\x08\x00garbage",
            b"{\"log\":{\"entries\":[{\"a\":\"\\\"}\"}]}} trailing",
        ] {
            check_readers(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        }
    }
}
