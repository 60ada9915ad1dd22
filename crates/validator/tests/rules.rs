//! A passing and a failing case for every rule, through real HAR files.

mod common;

use common::*;
use serde_json::json;
use workspaceapp_validator::{Severity, Verdict};

fn assert_has(outcome: &workspaceapp_validator::Outcome, rule: &str) {
    assert!(
        rules(outcome).contains(&rule),
        "expected {rule} in {:?}",
        rules(outcome)
    );
}

fn assert_lacks(outcome: &workspaceapp_validator::Outcome, rule: &str) {
    assert!(
        !rules(outcome).contains(&rule),
        "did not expect {rule} in {:?}",
        rules(outcome)
    );
}

#[test]
fn the_page_example_passes_every_rule() {
    let outcome = Ex::default().check();
    assert_eq!(outcome.verdict, Verdict::Checked);
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
}

#[test]
fn input_unreadable() {
    let good = serde_json::to_string(&Ex::default().entry()).unwrap();
    let text = format!("{good}\n{{\"request\": 5}}\n{good}\n");
    let (outcomes, summary) = run_bytes("x.ndjson", text.as_bytes(), false);
    assert_eq!(outcomes.len(), 3);
    assert_has(&outcomes[1], "input.unreadable");
    assert_eq!(outcomes[1].source.index, 2, "NDJSON line number");
    assert_lacks(&outcomes[0], "input.unreadable");
    assert_eq!(summary.matched, 2);
}

#[test]
fn request_project_id() {
    let bad = Ex {
        url: "https://h/v1/not-a-project/session/app-connection".into(),
        ..Ex::default()
    }
    .check();
    assert_has(&bad, "request.project-id");
    assert_lacks(&Ex::default().check(), "request.project-id");
}

#[test]
fn request_query_constraint() {
    for q in [
        "?limit=0",
        "?limit=101",
        "?limit=abc",
        "?limit=1.5",
        "?offset=-1",
        "?limit=",
        "?limit=5&limit=6",
    ] {
        assert_has(
            &Ex::default()
                .query(q)
                .respond(400, json!({"error_code": "WKS.0001"}))
                .check(),
            "request.query.constraint",
        );
    }
    for q in ["?limit=1", "?limit=100&offset=0", "?offset=2147483647", ""] {
        assert_lacks(
            &Ex::default().query(q).respond(200, page(2, 1)).check(),
            "request.query.constraint",
        );
    }
}

#[test]
fn request_query_unknown_warns_and_is_an_error_when_strict() {
    let ex = Ex::default().query("?limit=10&page=2");
    let outcome = ex.check();
    assert_eq!(
        severity_of(&outcome, "request.query.unknown"),
        Some(Severity::Warning)
    );
    assert_eq!(
        severity_of(&ex.check_with(true), "request.query.unknown"),
        Some(Severity::Error)
    );
    assert_lacks(&Ex::default().check(), "request.query.unknown");
}

#[test]
fn request_content_type() {
    assert_has(
        &Ex::default().header("Content-Type", "text/plain").check(),
        "request.content-type",
    );
    assert_has(
        &Ex::default().without_header("Content-Type").check(),
        "request.content-type",
    );
    assert_lacks(
        &Ex::default()
            .header("content-type", "application/json; charset=utf-8")
            .check(),
        "request.content-type",
    );
}

#[test]
fn request_auth() {
    let none = Ex::default().without_header("X-Auth-Token");
    assert_has(&none.check(), "request.auth");
    assert_has(
        &none.clone().header("Authorization", "Bearer abc").check(),
        "request.auth",
    );
    assert_has(
        &none
            .clone()
            .header(
                "Authorization",
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host",
            )
            .header("X-Sdk-Date", "20250424T160000Z")
            .check(),
        "request.auth",
    );
    let signed = none
        .header("Authorization", "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe")
        .header("X-Sdk-Date", "20250424T160000Z");
    assert_lacks(&signed.check(), "request.auth");
    assert_lacks(&Ex::default().check(), "request.auth");
}

#[test]
fn request_body_not_json() {
    let ex = Ex {
        request_body: Some("{not json".into()),
        ..Ex::default()
    };
    assert_has(&ex.check(), "request.body.not-json");
    assert_lacks(&Ex::default().check(), "request.body.not-json");
}

#[test]
fn request_body_type() {
    assert_has(
        &Ex::default().request_json(json!({"user_name": 5})).check(),
        "request.body.type",
    );
    assert_has(
        &Ex::default().request_json(json!([])).check(),
        "request.body.type",
    );
    assert_lacks(
        &Ex::default()
            .request_json(json!({"user_name": "user001", "app_name": null}))
            .check(),
        "request.body.type",
    );
}

#[test]
fn request_body_enum() {
    assert_has(
        &Ex::default()
            .request_json(json!({"client_type": "Linux"}))
            .check(),
        "request.body.enum",
    );
    assert_lacks(
        &Ex::default()
            .request_json(json!({"client_type": "Mac"}))
            .check(),
        "request.body.enum",
    );
    assert_lacks(
        &Ex::default()
            .request_json(json!({"client_type": "Windows"}))
            .check(),
        "request.body.enum",
    );
}

#[test]
fn request_body_format_accepts_the_three_time_forms() {
    for t in [
        "yesterday",
        "2022-10-31",
        "2022-10-31T08:07:39",
        "2022-13-31 08:07:39",
        "31/10/2022 08:07:39",
    ] {
        assert_has(
            &Ex::default()
                .request_json(json!({"brokering_start_time": t}))
                .check(),
            "request.body.format",
        );
    }
    for t in [
        "2022-10-31 08:07:39",
        "2025-04-24T16:00:00Z",
        "2025-04-24T16:00:00+00:00",
        "2025-04-24T16:00:00.123+08:00",
    ] {
        assert_lacks(
            &Ex::default()
                .request_json(json!({"brokering_end_time": t}))
                .check(),
            "request.body.format",
        );
    }
}

#[test]
fn request_body_undocumented_warns_and_is_an_error_when_strict() {
    let ex = Ex::default().request_json(json!({"user_name": "a", "session_type": "APP"}));
    assert_eq!(
        severity_of(&ex.check(), "request.body.undocumented"),
        Some(Severity::Warning)
    );
    assert_eq!(
        severity_of(&ex.check_with(true), "request.body.undocumented"),
        Some(Severity::Error)
    );
    assert_lacks(&Ex::default().check(), "request.body.undocumented");
}

#[test]
fn request_body_skipped_when_not_captured() {
    let outcome = Ex {
        request_body: None,
        ..Ex::default()
    }
    .check();
    assert_eq!(
        severity_of(&outcome, "request.body.skipped"),
        Some(Severity::Note)
    );
    assert_lacks(&Ex::default().check(), "request.body.skipped");
}

#[test]
fn response_status() {
    assert_has(
        &Ex::default()
            .respond(418, json!({"error_code": "X"}))
            .check(),
        "response.status",
    );
    assert_has(
        &Ex::default().respond(201, page(2, 2)).check(),
        "response.status",
    );
    for status in [400, 401, 403, 404, 405, 415, 500, 503] {
        assert_lacks(
            &Ex::default()
                .respond(status, json!({"error_code": "WKS.0001", "error_msg": "x"}))
                .check(),
            "response.status",
        );
    }
}

#[test]
fn response_content_type() {
    assert_has(
        &Ex::default().response_type("text/plain").check(),
        "response.content-type",
    );
    assert_lacks(
        &Ex::default()
            .response_type("application/problem+json")
            .check(),
        "response.content-type",
    );
}

#[test]
fn response_body_not_json() {
    let ex = Ex {
        response_body: Some("<html>oops</html>".into()),
        ..Ex::default()
    };
    assert_has(&ex.check(), "response.body.not-json");
    let empty = Ex {
        response_body: Some(String::new()),
        ..Ex::default()
    };
    assert_has(&empty.check(), "response.body.not-json");
    assert_lacks(&Ex::default().check(), "response.body.not-json");
}

#[test]
fn response_body_type() {
    assert_has(
        &Ex::default()
            .respond(200, json!({"count": "2", "items": []}))
            .check(),
        "response.body.type",
    );
    assert_has(
        &Ex::default()
            .respond(200, json!({"count": 2, "items": [{"id": 5}]}))
            .check(),
        "response.body.type",
    );
    assert_has(
        &Ex::default().respond(400, json!({"error_code": 5})).check(),
        "response.body.type",
    );
    assert_lacks(
        &Ex::default()
            .respond(200, json!({"count": 0, "items": []}))
            .check(),
        "response.body.type",
    );
}

#[test]
fn response_body_range() {
    assert_has(
        &Ex::default()
            .respond(200, json!({"count": -1, "items": []}))
            .check(),
        "response.body.range",
    );
    assert_lacks(
        &Ex::default().respond(200, json!({"count": 0})).check(),
        "response.body.range",
    );
}

#[test]
fn response_body_error_code() {
    for body in [
        json!({"error_msg": "x"}),
        json!({}),
        json!({"error_code": null, "error_msg": "x"}),
    ] {
        assert_has(
            &Ex::default().respond(500, body).check(),
            "response.body.error-code",
        );
    }
    assert_lacks(
        &Ex::default()
            .respond(500, json!({"error_code": "WKS.0500", "error_msg": "x"}))
            .check(),
        "response.body.error-code",
    );
}

#[test]
fn response_body_undocumented_warns_and_is_an_error_when_strict() {
    let mut body = page(1, 1);
    body["items"][0]["session_type"] = json!("APP");
    body["next_marker"] = json!("abc");
    let ex = Ex::default().respond(200, body);
    let outcome = ex.check();
    let pointers: Vec<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.rule.id() == "response.body.undocumented")
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(pointers.len(), 2, "{pointers:?}");
    assert!(pointers.contains(&"/items/0/session_type") && pointers.contains(&"/next_marker"));
    assert_eq!(outcome.worst(), Some(Severity::Warning));
    assert_eq!(
        severity_of(&ex.check_with(true), "response.body.undocumented"),
        Some(Severity::Error)
    );
    assert_lacks(&Ex::default().check(), "response.body.undocumented");
}

#[test]
fn response_body_skipped_when_absent_or_truncated() {
    let mut absent = Ex {
        response_body: None,
        ..Ex::default()
    }
    .entry();
    absent["response"]["content"]["size"] = json!(812);
    let (outcomes, _) = run_bytes("a.har", &har(&[absent]), false);
    assert_has(&outcomes[0], "response.body.skipped");
    let mut truncated = Ex::default().entry();
    truncated["response"]["content"]["size"] = json!(100_000);
    let (outcomes, summary) = run_bytes("t.har", &har(&[truncated]), false);
    assert_has(&outcomes[0], "response.body.skipped");
    assert_eq!(
        (summary.skipped, summary.passed),
        (1, 0),
        "skipped, never passed"
    );
    assert_lacks(&Ex::default().check(), "response.body.skipped");
}

#[test]
fn exchange_items_over_limit() {
    assert_has(
        &Ex::default()
            .query("?limit=1")
            .respond(200, page(5, 2))
            .check(),
        "exchange.items-over-limit",
    );
    assert_has(
        &Ex::default().query("").respond(200, page(50, 11)).check(),
        "exchange.items-over-limit",
    );
    assert_lacks(
        &Ex::default().query("").respond(200, page(50, 10)).check(),
        "exchange.items-over-limit",
    );
    assert_lacks(
        &Ex::default()
            .query("?limit=100")
            .respond(200, page(150, 100))
            .check(),
        "exchange.items-over-limit",
    );
}

#[test]
fn exchange_count_inconsistent() {
    assert_has(
        &Ex::default()
            .query("?limit=10&offset=20")
            .respond(200, page(21, 2))
            .check(),
        "exchange.count-inconsistent",
    );
    assert_lacks(
        &Ex::default()
            .query("?limit=10&offset=20")
            .respond(200, page(22, 2))
            .check(),
        "exchange.count-inconsistent",
    );
    assert_lacks(
        &Ex::default()
            .query("?limit=10&offset=20")
            .respond(200, page(3, 0))
            .check(),
        "exchange.count-inconsistent",
    );
}

#[test]
fn exchange_accepted_invalid() {
    let accepted = Ex::default()
        .query("?limit=500")
        .respond(200, page(2, 2))
        .check();
    assert_has(&accepted, "exchange.accepted-invalid");
    assert_eq!(
        severity_of(&accepted, "request.query.constraint"),
        Some(Severity::Error)
    );
    let rejected = Ex::default()
        .query("?limit=500")
        .respond(400, json!({"error_code": "WKS.0001"}))
        .check();
    assert_lacks(&rejected, "exchange.accepted-invalid");
}

#[test]
fn exchange_rejected_downgrades_request_findings() {
    let rejected = Ex::default()
        .request_json(json!({"client_type": "Linux"}))
        .respond(400, json!({"error_code": "WKS.0001"}))
        .check();
    assert_has(&rejected, "exchange.rejected");
    assert_eq!(
        severity_of(&rejected, "request.body.enum"),
        Some(Severity::Note)
    );
    assert!(
        rejected
            .findings
            .iter()
            .find(|f| f.rule.id() == "request.body.enum")
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("400")
    );
    assert_eq!(rejected.worst(), Some(Severity::Note));
    assert_lacks(
        &Ex::default()
            .respond(400, json!({"error_code": "WKS.0001"}))
            .check(),
        "exchange.rejected",
    );
}

#[test]
fn other_operations_are_listed_not_judged() {
    let other = Ex {
        method: "GET".into(),
        url: format!("https://h/v1/{PROJECT}/app-groups?token=abc"),
        ..Ex::default()
    };
    let wrong_method = Ex {
        method: "GET".into(),
        ..Ex::default()
    };
    let (outcomes, summary) = run_bytes(
        "m.har",
        &har(&[other.entry(), wrong_method.entry(), Ex::default().entry()]),
        false,
    );
    assert!(
        matches!(&outcomes[0].verdict, Verdict::Unmatched { path, .. } if !path.contains("token"))
    );
    assert!(matches!(&outcomes[1].verdict, Verdict::Unmatched { .. }));
    assert!(outcomes[0].findings.is_empty());
    assert_eq!((summary.unmatched, summary.matched), (2, 1));
    assert_eq!(summary.exit_code(&Default::default()), 0);
}

#[test]
fn no_matching_traffic_exits_3() {
    let other = Ex {
        method: "GET".into(),
        url: "https://h/v3/auth/tokens".into(),
        ..Ex::default()
    };
    let (_, summary) = run_bytes("m.har", &har(&[other.entry()]), false);
    assert_eq!(summary.exit_code(&Default::default()), 3);
    assert!(
        summary
            .exit_reason(&Default::default())
            .unwrap()
            .contains("no ListAppConnection")
    );
}
