//! The ten kinds of break, each injected into generated traffic, each found by its rule.

mod common;

use common::*;
use workspaceapp_validator::synth::{Break, SynthFormat, SynthOptions, write_capture};
use workspaceapp_validator::{Severity, Verdict};

fn capture_with(kind: Break, format: SynthFormat) -> Vec<u8> {
    let options = SynthOptions {
        seed: 11,
        exchanges: 30,
        format,
        only: Some(kind),
        other_rate: 0.0,
        error_rate: 0.0,
        ..SynthOptions::default()
    };
    let mut out = Vec::new();
    let report = write_capture(&mut out, &options).unwrap();
    assert_eq!(report.injected.len(), 30);
    out
}

#[test]
fn each_of_the_ten_breaks_is_found_by_its_rule() {
    assert_eq!(Break::ALL.len(), 10);
    for (i, kind) in Break::ALL.iter().enumerate() {
        let format = if i % 2 == 0 {
            SynthFormat::Har
        } else {
            SynthFormat::Ndjson
        };
        let (outcomes, _) = run_bytes("breaks.capture", &capture_with(*kind, format), false);
        assert_eq!(outcomes.len(), 30);
        for outcome in &outcomes {
            assert_eq!(outcome.verdict, Verdict::Checked);
            let found = rules(outcome);
            assert!(
                found.contains(&kind.rule().id()),
                "{kind:?}: expected {} in {found:?} at {}",
                kind.rule().id(),
                outcome.source
            );
        }
    }
}

#[test]
fn an_undocumented_field_only_warns() {
    let (outcomes, summary) = run_bytes(
        "w.ndjson",
        &capture_with(Break::UndocumentedField, SynthFormat::Ndjson),
        false,
    );
    assert!(
        outcomes
            .iter()
            .all(|o| o.worst() == Some(Severity::Warning))
    );
    assert_eq!(summary.exit_code(&Default::default()), 0);
}

#[test]
fn an_accepted_out_of_range_limit_is_also_an_accepted_invalid_request() {
    let (outcomes, _) = run_bytes(
        "l.har",
        &capture_with(Break::LimitOutOfRange, SynthFormat::Har),
        false,
    );
    assert!(
        outcomes
            .iter()
            .all(|o| rules(o).contains(&"exchange.accepted-invalid"))
    );
}

#[test]
fn clean_generated_traffic_has_no_findings() {
    let options = SynthOptions {
        seed: 5,
        exchanges: 200,
        break_rate: 0.0,
        ..SynthOptions::default()
    };
    let mut out = Vec::new();
    write_capture(&mut out, &options).unwrap();
    let (outcomes, summary) = run_bytes("clean.ndjson", &out, false);
    for o in &outcomes {
        assert!(o.findings.is_empty(), "{}: {:?}", o.source, o.findings);
    }
    assert!(summary.matched > 150 && summary.unmatched > 0);
}
