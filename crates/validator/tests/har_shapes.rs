//! Captures in the shapes real tools write them.

mod common;

use std::io::Write;

use common::*;
use workspaceapp_validator::Verdict;
use workspaceapp_validator::run::Input;

#[test]
fn chrome_base64_mislabelled_missing_text_ipv6_and_other_apis() {
    let (outcomes, summary) = run_inputs(&[Input::Capture(data("chrome.har"))], false);
    assert_eq!(outcomes.len(), 5);
    assert!(
        outcomes[0].findings.is_empty(),
        "base64 body decoded: {:?}",
        rules(&outcomes[0])
    );
    assert!(
        outcomes[1].findings.is_empty(),
        "mislabelled base64 read as text: {:?}",
        rules(&outcomes[1])
    );
    assert_eq!(
        rules(&outcomes[2]),
        ["response.body.skipped"],
        "no text: skipped, not passed"
    );
    assert!(matches!(outcomes[3].verdict, Verdict::Unmatched { .. }));
    assert!(
        outcomes[4].findings.is_empty(),
        "bracketed IPv6 host: {:?}",
        rules(&outcomes[4])
    );
    assert_eq!(
        (summary.passed, summary.skipped, summary.unmatched),
        (3, 1, 1)
    );
}

#[test]
fn firefox_params_truncation_and_cookies() {
    let (outcomes, _) = run_inputs(&[Input::Capture(data("firefox.har"))], false);
    assert_eq!(outcomes.len(), 3);
    let first = rules(&outcomes[0]);
    assert!(
        first.contains(&"request.body.not-json") && first.contains(&"request.content-type"),
        "{first:?}"
    );
    assert_eq!(rules(&outcomes[1]), ["response.body.skipped"]);
    assert!(outcomes[1].findings[0].found.contains("truncated"));
    assert!(outcomes[2].findings.is_empty(), "{:?}", rules(&outcomes[2]));
}

#[test]
fn gateway_ndjson_with_a_cut_line_and_signed_requests() {
    let (outcomes, summary) = run_inputs(&[Input::Capture(data("gateway.ndjson"))], false);
    assert_eq!(outcomes.len(), 4);
    assert!(outcomes[0].findings.is_empty(), "{:?}", rules(&outcomes[0]));
    assert!(
        outcomes[1].findings.is_empty(),
        "a documented 401: {:?}",
        rules(&outcomes[1])
    );
    assert_eq!(rules(&outcomes[2]), ["input.unreadable"]);
    assert_eq!(outcomes[2].source.index, 3, "line number");
    assert!(outcomes[2].source.byte_offset > 0);
    assert!(outcomes[3].findings.is_empty());
    assert_eq!((summary.matched, summary.unreadable), (3, 1));
}

#[test]
fn gzip_is_detected_by_its_magic_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(data("sample.har")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&plain).unwrap();
    // No .gz suffix: the content decides.
    let path = write_temp(&dir, "capture.bin", &gz.finish().unwrap());
    let (zipped, _) = run_inputs(&[Input::Capture(path)], false);
    let (unzipped, _) = run_inputs(&[Input::Capture(data("sample.har"))], false);
    assert_eq!(zipped.len(), unzipped.len());
    for (a, b) in zipped.iter().zip(&unzipped) {
        assert_eq!(rules(a), rules(b));
    }
}

#[test]
fn lone_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let request = write_temp(
        &dir,
        "req.json",
        br#"{"client_type": "Linux", "brokering_start_time": "2022-10-31 08:07:39"}"#,
    );
    let response = write_temp(&dir, "resp.json", br#"{"error_msg": "x"}"#);
    let (outcomes, summary) = run_inputs(
        &[
            Input::RequestBody(request),
            Input::ResponseBody {
                path: response,
                status: 400,
            },
        ],
        false,
    );
    assert_eq!(rules(&outcomes[0]), ["request.body.enum"]);
    assert_eq!(rules(&outcomes[1]), ["response.body.error-code"]);
    assert_eq!(summary.matched, 2);
}
