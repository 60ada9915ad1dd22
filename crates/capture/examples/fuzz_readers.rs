//! Mutation fuzzing of the capture readers on stable Rust.
//!
//! Starts from the fixture captures (plain and gzip) and generated hostile inputs, applies
//! random mutations (bit flips, interesting bytes, truncations, splices, duplicated ranges,
//! deep nesting) and checks the readers' invariants on each input
//! (`workspaceapp_capture::fuzzing::check_readers`): no panic, termination, bounded entries,
//! consistent positions. Peak memory is checked at the end.
//!
//! ```text
//! cargo run --release -p workspaceapp-capture --example fuzz_readers -- --iterations 20000
//! cargo run --release -p workspaceapp-capture --example fuzz_readers -- --seconds 600 --seed 7
//! ```
//!
//! A failing input is written to `fuzz-failure-<seed>-<iteration>.bin` in the current
//! directory and the program exits with status 1.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use workspaceapp_capture::fuzzing::check_readers;

const FIXTURES: &[&[u8]] = &[
    include_bytes!("../tests/fixtures/chrome.har"),
    include_bytes!("../tests/fixtures/firefox.har"),
    include_bytes!("../tests/fixtures/mitmproxy.har"),
    include_bytes!("../tests/fixtures/charles.har"),
    include_bytes!("../tests/fixtures/fiddler.har"),
    include_bytes!("../tests/fixtures/httptoolkit.har"),
    include_bytes!("../tests/fixtures/gateway.ndjson"),
    include_bytes!("../tests/fixtures/no-entries.har"),
    include_bytes!("../tests/fixtures/broken-entry.har"),
];

/// Peak resident memory allowed at the end of a run.
const MAX_PEAK_RSS_MB: u64 = 512;
/// Inputs larger than this are cut back after mutation.
const MAX_INPUT: usize = 256 << 10;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = FIXTURES.iter().map(|f| f.to_vec()).collect();
    seeds.push(gzip(FIXTURES[0]));
    seeds.push(gzip(FIXTURES[6]));
    let mut deep = b"{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://[::1]/\"},\"_x\":".to_vec();
    deep.extend(std::iter::repeat_n(b'[', 20_000));
    deep.extend(std::iter::repeat_n(b']', 20_000));
    deep.extend_from_slice(b"}]}}");
    seeds.push(deep);
    seeds.push(b"{\"request\":{\"method\":\"POST\",\"url\":\"http://h/v1/p\",\"postData\":{\"text\":\"eyJhIjoxfQ==\",\"encoding\":\"base64\"}}}\n\xff\xfe\n{}".to_vec());
    seeds
}

const INTERESTING: &[u8] = b"{}[]\",:\\\n\r \x00\xff\xc3\x1f\x8bu0";

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => input.truncate(rng.below(len + 1)),
            3 if len > 0 => {
                // delete a range
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                input.drain(a..b);
            }
            4 if len > 0 => {
                // duplicate a range
                let a = rng.below(len);
                let b = (a + 1 + rng.below(512)).min(len);
                let chunk = input[a..b].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            5 => {
                // splice with another seed
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = (a + rng.below(4096)).min(other.len());
                    let at = rng.below(len + 1);
                    input.splice(at..at, other[a..b].iter().copied());
                }
            }
            6 => {
                // deep nesting run
                let n = 1 + rng.below(5000);
                let (o, c) = if rng.below(2) == 0 {
                    (b'[', b']')
                } else {
                    (b'{', b'}')
                };
                let at = rng.below(len + 1);
                let mut run = vec![o; n];
                if rng.below(2) == 0 {
                    run.extend(std::iter::repeat_n(c, n));
                }
                input.splice(at..at, run);
            }
            7 => {
                // insert an interesting byte
                let at = rng.below(len + 1);
                input.insert(at, INTERESTING[rng.below(INTERESTING.len())]);
            }
            _ => {
                // replace with a fresh seed (or its gzip form)
                *input = seeds[rng.below(seeds.len())].clone();
                if rng.below(8) == 0 {
                    *input = gzip(input);
                }
            }
        }
    }
    input.truncate(MAX_INPUT);
}

fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn main() -> ExitCode {
    let mut iterations: u64 = 20_000;
    let mut seconds: Option<u64> = None;
    let mut seed: u64 = 0x5eed_cafe;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Option<u64> {
            let v = args.next().and_then(|v| v.parse().ok());
            if v.is_none() {
                eprintln!("{name} needs a number");
            }
            v
        };
        match arg.as_str() {
            "--iterations" => match value("--iterations") {
                Some(v) => iterations = v,
                None => return ExitCode::from(2),
            },
            "--seconds" => match value("--seconds") {
                Some(v) => seconds = Some(v),
                None => return ExitCode::from(2),
            },
            "--seed" => match value("--seed") {
                Some(v) => seed = v,
                None => return ExitCode::from(2),
            },
            "-h" | "--help" => {
                println!("fuzz_readers [--iterations N] [--seconds S] [--seed X]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let seeds = seeds();
    // splitmix64 of the seed: distinct seeds give distinct, non-zero states.
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    let mut rng = Rng((z ^ (z >> 31)) | 1);
    let mut totals = (0u64, 0u64, 0u64);
    let started = Instant::now();
    let mut done = 0u64;
    // Seeds themselves first.
    for s in &seeds {
        if let Err(e) = check_readers(s) {
            eprintln!("seed input fails: {e}");
            return ExitCode::FAILURE;
        }
    }
    let mut input = seeds[0].clone();
    while deadline.map_or(done < iterations, |d| Instant::now() < d) {
        if rng.below(16) == 0 {
            input = seeds[rng.below(seeds.len())].clone();
        }
        mutate(&mut rng, &seeds, &mut input);
        match check_readers(&input) {
            Ok(s) => {
                totals.0 += s.entries;
                totals.1 += s.parsed;
                totals.2 += s.errors;
            }
            Err(e) => {
                let path = format!("fuzz-failure-{seed}-{done}.bin");
                let _ = std::fs::write(&path, &input);
                eprintln!("iteration {done}: {e}; input written to {path}");
                return ExitCode::FAILURE;
            }
        }
        done += 1;
    }
    let peak = peak_rss_mb();
    println!(
        "fuzz_readers: {done} inputs in {:.1}s (seed {seed}): {} entries framed, {} parsed, {} errors reported; peak RSS {} MB",
        started.elapsed().as_secs_f64(),
        totals.0,
        totals.1,
        totals.2,
        peak.map_or("?".to_string(), |p| p.to_string())
    );
    if let Some(p) = peak
        && p > MAX_PEAK_RSS_MB
    {
        eprintln!("peak RSS {p} MB over {MAX_PEAK_RSS_MB} MB");
        return ExitCode::FAILURE;
    }
    println!("{done} passed, 0 failed");
    ExitCode::SUCCESS
}
