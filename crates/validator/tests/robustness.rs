//! Broken inputs: each gives a finding or an input problem with its position, never a panic,
//! and the rest of the input is still validated.

mod common;

use common::*;
use serde_json::json;
use workspaceapp_validator::run::Input;

fn good_line() -> String {
    serde_json::to_string(&Ex::default().entry()).unwrap()
}

#[test]
fn a_har_cut_short_keeps_what_came_before() {
    let text = har(&[
        Ex::default().entry(),
        Ex::default().entry(),
        Ex::default().entry(),
    ]);
    let cut = &text[..text.len() * 3 / 4];
    let (outcomes, summary) = run_bytes("cut.har", cut, false);
    assert!(outcomes.len() >= 2, "entries before the cut are checked");
    assert!(outcomes.iter().take(2).all(|o| o.findings.is_empty()));
    assert_eq!(summary.input_problem_count, 1);
    let problem = &summary.input_problems[0];
    assert!(
        problem.position.contains("cut.har") && problem.position.contains("byte"),
        "{problem:?}"
    );
    assert_eq!(summary.exit_code(&Default::default()), 2);
}

#[test]
fn a_har_without_entries_is_an_unusable_input() {
    let (outcomes, summary) = run_bytes(
        "empty.har",
        br#"{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}}}"#,
        false,
    );
    assert!(outcomes.is_empty());
    assert_eq!(summary.input_problem_count, 1);
    assert!(
        summary.input_problems[0].reason.contains("entries"),
        "{:?}",
        summary.input_problems
    );
    assert_eq!(summary.exit_code(&Default::default()), 2);
}

#[test]
fn invalid_json_and_bytes_that_are_not_utf8_in_one_ndjson() {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(good_line().as_bytes());
    bytes.extend_from_slice(b"\n{\"request\": {\"method\": \"POST\", \"url\": \"\xff\xfe\"}}\n");
    bytes.extend_from_slice(b"{\"request\": {\"method\": \"POST\",, }\n");
    bytes.extend_from_slice(good_line().as_bytes());
    bytes.push(b'\n');
    let (outcomes, summary) = run_bytes("bad.ndjson", &bytes, false);
    assert_eq!(outcomes.len(), 4);
    for bad in &outcomes[1..3] {
        assert_eq!(rules(bad), ["input.unreadable"]);
        assert!(bad.source.byte_offset > 0);
    }
    assert!(outcomes[0].findings.is_empty() && outcomes[3].findings.is_empty());
    assert_eq!(summary.exit_code(&Default::default()), 1);
}

#[test]
fn a_body_that_is_not_utf8_is_not_json() {
    // A JSON string cannot hold raw non-UTF-8 bytes legally; tools write them anyway.
    let mut line = serde_json::to_string(
        &Ex {
            response_body: Some("BODY".into()),
            ..Ex::default()
        }
        .entry(),
    )
    .unwrap()
    .into_bytes();
    let at = line.windows(4).position(|w| w == b"BODY").unwrap();
    line.splice(at..at + 4, b"\xff\xfe{}".iter().copied());
    let (outcomes, _) = run_bytes("binary.ndjson", &line, false);
    let found = rules(&outcomes[0]);
    assert!(
        found.contains(&"response.body.not-json") || found.contains(&"input.unreadable"),
        "{found:?}"
    );
}

#[test]
fn nesting_100_000_deep_is_a_finding_not_a_crash() {
    let deep = "[".repeat(100_000);
    // In a body.
    let in_body = Ex {
        response_body: Some(deep.clone()),
        ..Ex::default()
    };
    let in_request = Ex {
        request_body: Some(format!("{{\"a\":{deep}")),
        ..Ex::default()
    };
    // As the entry itself.
    let mut bytes = format!(
        "{}\n{}\n{deep}\n{}\n",
        serde_json::to_string(&in_body.entry()).unwrap(),
        serde_json::to_string(&in_request.entry()).unwrap(),
        good_line()
    )
    .into_bytes();
    bytes.extend_from_slice(b"\n");
    let (outcomes, _) = run_bytes("deep.ndjson", &bytes, false);
    assert_eq!(outcomes.len(), 4);
    assert!(rules(&outcomes[0]).contains(&"response.body.not-json"));
    assert!(
        outcomes[0]
            .findings
            .iter()
            .any(|f| f.found.contains("recursion limit"))
    );
    assert!(rules(&outcomes[1]).contains(&"request.body.not-json"));
    assert_eq!(rules(&outcomes[2]), ["input.unreadable"]);
    assert!(outcomes[3].findings.is_empty());
}

#[test]
fn a_100_mb_body_is_checked() {
    let big = "x".repeat(100 << 20);
    let body = json!({"count": 1, "items": [{"id": big, "session_type": 1}]}).to_string();
    drop(big);
    let entry = Ex {
        response_body: Some(body),
        ..Ex::default()
    }
    .entry();
    let text = format!(
        "{}\n{}\n",
        serde_json::to_string(&entry).unwrap(),
        good_line()
    );
    drop(entry);
    let (outcomes, _) = run_bytes("big.ndjson", text.as_bytes(), false);
    assert_eq!(outcomes.len(), 2);
    assert_eq!(rules(&outcomes[0]), ["response.body.undocumented"]);
    assert!(outcomes[1].findings.is_empty());
}

#[test]
fn unreadable_files_and_missing_files_are_input_problems() {
    let (outcomes, summary) = run_inputs(
        &[
            Input::Capture("/nonexistent/capture.har".into()),
            Input::Capture(data("sample.har")),
        ],
        false,
    );
    assert_eq!(outcomes.len(), 10, "the other input is still validated");
    assert_eq!(summary.input_problem_count, 1);
    assert!(
        summary.input_problems[0]
            .position
            .contains("/nonexistent/capture.har")
    );
}

#[test]
fn outcomes_come_in_input_order_from_every_worker() {
    use workspaceapp_validator::synth::{SynthOptions, write_capture};
    let mut bytes = Vec::new();
    write_capture(
        &mut bytes,
        &SynthOptions {
            seed: 3,
            exchanges: 1500,
            ..SynthOptions::default()
        },
    )
    .unwrap();
    let (outcomes, summary) = run_bytes("order.ndjson", &bytes, false);
    assert_eq!(outcomes.len(), 1500);
    assert!(
        outcomes
            .windows(2)
            .all(|w| w[0].source.index + 1 == w[1].source.index)
    );
    assert!(
        outcomes
            .windows(2)
            .all(|w| w[0].source.byte_offset < w[1].source.byte_offset)
    );
    assert_eq!(summary.exchanges, 1500);
}
