//! Writes a seeded synthetic capture: `cargo run --example synth -- OUT [EXCHANGES] [har|ndjson] [SEED]`.

use std::fs::File;
use std::io::BufWriter;

use workspaceapp_validator::synth::{SynthFormat, SynthOptions, write_capture};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: synth OUT [EXCHANGES] [har|ndjson] [SEED]");
        std::process::exit(2);
    };
    let options = SynthOptions {
        exchanges: args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000),
        format: if args.get(2).map(String::as_str) == Some("har") {
            SynthFormat::Har
        } else {
            SynthFormat::Ndjson
        },
        seed: args.get(3).and_then(|n| n.parse().ok()).unwrap_or(42),
        ..SynthOptions::default()
    };
    let mut file = BufWriter::new(File::create(out)?);
    let report = write_capture(&mut file, &options)?;
    eprintln!(
        "{} exchanges, {} bytes, {} injected breaks",
        report.exchanges,
        report.bytes,
        report.injected.len()
    );
    Ok(())
}
