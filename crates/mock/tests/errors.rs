//! Every documented error status, with its body and X-Request-Id, over real HTTP.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::json;
use workspaceapp_mock::error::codes;
use workspaceapp_model::ListAppConnectionStatus;

#[tokio::test]
async fn bad_requests_are_400() {
    let server = start(config()).await;
    let empty = json!({});
    for query in [
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "limit=",
        "offset=-1",
        "offset=x",
        "offset=2147483648",
        "limit=10&limit=20",
    ] {
        let a = list(&server, query, &empty).await;
        a.assert_error(400, codes::BAD_REQUEST);
        assert!(
            a.error_msg().contains("query"),
            "{query}: {}",
            a.error_msg()
        );
    }
    // Edges that are allowed.
    for query in [
        "limit=1",
        "limit=100",
        "offset=0",
        "offset=2147483647",
        "other=1",
    ] {
        assert_eq!(list(&server, query, &empty).await.status, 200, "{query}");
    }

    let cases: [(&str, &str); 10] = [
        ("{", "JSON"),
        ("{\"user_name\": \"a\",}", "JSON"),
        ("[1, 2]", "object"),
        ("\"text\"", "object"),
        ("{\"user_name\": 5}", "user_name"),
        ("{\"app_name\": [\"x\"]}", "app_name"),
        (
            "{\"brokering_start_time\": \"yesterday\"}",
            "brokering_start_time",
        ),
        (
            "{\"brokering_end_time\": \"2025-13-01 00:00:00\"}",
            "brokering_end_time",
        ),
        ("{\"client_type\": \"Linux\"}", "client_type"),
        ("{\"client_type\": \"windows\"}", "client_type"),
    ];
    for (body, needle) in cases {
        let a = send(
            &server,
            PROJECT,
            "",
            body.to_owned(),
            &[("X-Auth-Token", TOKEN)],
        )
        .await;
        a.assert_error(400, codes::BAD_REQUEST);
        assert!(a.error_msg().contains(needle), "{body}: {}", a.error_msg());
    }
    // An empty body is an empty filter; null fields are absent.
    let a = send(
        &server,
        PROJECT,
        "",
        String::new(),
        &[("X-Auth-Token", TOKEN)],
    )
    .await;
    assert_eq!((a.status, a.count()), (200, 300));
    let a = list(&server, "", &json!({"user_name": null})).await;
    assert_eq!((a.status, a.count()), (200, 300));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn missing_or_unknown_credentials_are_401() {
    let server = start(config()).await;
    let a = send(&server, PROJECT, "", "{}".into(), &[]).await;
    a.assert_error(401, codes::UNAUTHORIZED);
    let a = send(
        &server,
        PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", "nope")],
    )
    .await;
    a.assert_error(401, codes::UNAUTHORIZED);
    assert!(!a.error_msg().contains("nope"));
    let a = send(&server, PROJECT, "", "{}".into(), &[("X-Auth-Token", "")]).await;
    a.assert_error(401, codes::UNAUTHORIZED);
    let a = send(
        &server,
        PROJECT,
        "",
        "{}".into(),
        &[("Authorization", "Bearer abc")],
    )
    .await;
    a.assert_error(401, codes::UNAUTHORIZED);
    server.shutdown().await.unwrap();

    // Without configured tokens any token is accepted.
    let open = start(
        workspaceapp_mock::MockConfig::new()
            .project_id(PROJECT)
            .synthetic(5, 1),
    )
    .await;
    let a = send(
        &open,
        PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", "anything")],
    )
    .await;
    assert_eq!(a.status, 200);
    let a = send(&open, PROJECT, "", "{}".into(), &[]).await;
    a.assert_error(401, codes::UNAUTHORIZED);
    open.shutdown().await.unwrap();
}

#[tokio::test]
async fn other_projects_are_403() {
    let server = start(
        config()
            .token_for("wide", workspaceapp_mock::Projects::Any)
            .token_for(
                "narrow",
                workspaceapp_mock::Projects::Only(vec![OTHER_PROJECT.to_owned()]),
            ),
    )
    .await;
    let a = send(
        &server,
        OTHER_PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", TOKEN)],
    )
    .await;
    a.assert_error(403, codes::FORBIDDEN);
    assert!(a.error_msg().contains(OTHER_PROJECT));
    let a = send(
        &server,
        OTHER_PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", "wide")],
    )
    .await;
    assert_eq!(a.status, 200);
    let a = send(
        &server,
        OTHER_PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", "narrow")],
    )
    .await;
    assert_eq!(a.status, 200);
    let a = send(
        &server,
        PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", "narrow")],
    )
    .await;
    a.assert_error(403, codes::FORBIDDEN);
    server.shutdown().await.unwrap();

    // Several default projects.
    let server = start(config().allow_project(OTHER_PROJECT)).await;
    let a = send(
        &server,
        OTHER_PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", TOKEN)],
    )
    .await;
    assert_eq!(a.status, 200);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_paths_are_404_and_other_methods_405() {
    let server = start(config()).await;
    let client = client();
    for path in [
        "/",
        "/v1",
        "/v1/p/session/app-connections",
        "/v1/p/session/app-connection/extra",
        "/v2/p/session/app-connection",
        "/v1//session/app-connection",
    ] {
        let a = answer(
            client
                .post(format!("{}{path}", server.url()))
                .header("X-Auth-Token", TOKEN)
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        a.assert_error(404, codes::NOT_FOUND);
    }
    let url = format!("{}{}", server.url(), path(PROJECT));
    for method in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let a = answer(
            client
                .request(
                    reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                    &url,
                )
                .header("X-Auth-Token", TOKEN)
                .send()
                .await
                .unwrap(),
        )
        .await;
        a.assert_error(405, codes::METHOD_NOT_ALLOWED);
        assert_eq!(a.headers["allow"], "POST");
    }
    let head = client.head(&url).send().await.unwrap();
    assert_eq!(head.status().as_u16(), 405);
    assert!(head.headers().contains_key("x-request-id"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn non_json_bodies_are_415() {
    let server = start(config()).await;
    let url = format!("{}{}", server.url(), path(PROJECT));
    let client = client();
    for content_type in [
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let a = answer(
            client
                .post(&url)
                .header("X-Auth-Token", TOKEN)
                .header("Content-Type", content_type)
                .body("{}")
                .send()
                .await
                .unwrap(),
        )
        .await;
        a.assert_error(415, codes::UNSUPPORTED_MEDIA_TYPE);
    }
    // No Content-Type with a body is 415; without a body it is an empty filter.
    let a = answer(
        client
            .post(&url)
            .header("X-Auth-Token", TOKEN)
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    a.assert_error(415, codes::UNSUPPORTED_MEDIA_TYPE);
    let a = answer(
        client
            .post(&url)
            .header("X-Auth-Token", TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, 200);
    for content_type in [
        "application/json;charset=UTF-8",
        "Application/JSON",
        "application/merge-patch+json",
    ] {
        let a = answer(
            client
                .post(&url)
                .header("X-Auth-Token", TOKEN)
                .header("Content-Type", content_type)
                .body("{}")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(a.status, 200, "{content_type}");
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn faults_on_demand_with_a_header() {
    let server = start(config()).await;
    let a = send(
        &server,
        PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", TOKEN), ("X-Mock-Fault", "503")],
    )
    .await;
    a.assert_error(503, codes::SERVICE_UNAVAILABLE);
    let a = send(
        &server,
        PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", TOKEN), ("X-Mock-Fault", "500")],
    )
    .await;
    a.assert_error(500, codes::INTERNAL_SERVER_ERROR);
    // Any documented error status can be asked for.
    for status in ListAppConnectionStatus::ALL
        .iter()
        .filter(|s| s.code() != 200)
    {
        let code = status.code().to_string();
        let a = send(
            &server,
            PROJECT,
            "",
            "{}".into(),
            &[("X-Mock-Fault", code.as_str())],
        )
        .await;
        a.assert_error(status.code(), workspaceapp_mock::error::code_for(*status));
    }
    let a = send(
        &server,
        PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", TOKEN), ("X-Mock-Fault", "418")],
    )
    .await;
    a.assert_error(400, codes::BAD_REQUEST);
    server.shutdown().await.unwrap();

    let server = start(config().fault_header(false)).await;
    let a = send(
        &server,
        PROJECT,
        "",
        "{}".into(),
        &[("X-Auth-Token", TOKEN), ("X-Mock-Fault", "503")],
    )
    .await;
    assert_eq!(a.status, 200);
    server.shutdown().await.unwrap();
}

async fn fault_pattern(rate: f64, seed: u64, status: ListAppConnectionStatus) -> Vec<u16> {
    let server = start(
        config()
            .fault_rate(rate)
            .fault_seed(seed)
            .fault_status(status),
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let a = list(&server, "", &json!({})).await;
        if a.status != 200 {
            a.assert_error(status.code(), workspaceapp_mock::error::code_for(status));
        }
        statuses.push(a.status);
    }
    server.shutdown().await.unwrap();
    statuses
}

#[tokio::test]
async fn faults_at_a_seeded_rate() {
    let first = fault_pattern(0.3, 5, ListAppConnectionStatus::ServiceUnavailable).await;
    let failed = first.iter().filter(|s| **s == 503).count();
    assert!((3..=25).contains(&failed), "{failed} of 40 failed");
    assert_eq!(first.iter().filter(|s| **s == 200).count(), 40 - failed);
    // The same seed fails the same requests.
    assert_eq!(
        first,
        fault_pattern(0.3, 5, ListAppConnectionStatus::ServiceUnavailable).await
    );
    let all = fault_pattern(1.0, 0, ListAppConnectionStatus::InternalServerError).await;
    assert!(all.iter().all(|s| *s == 500));
    let none = fault_pattern(0.0, 0, ListAppConnectionStatus::InternalServerError).await;
    assert!(none.iter().all(|s| *s == 200));
}

#[tokio::test]
async fn bad_settings_are_refused() {
    for config in [
        config().fault_rate(1.5),
        config().fault_rate(-0.1),
        config().fault_status(ListAppConnectionStatus::Ok),
    ] {
        let err = workspaceapp_mock::spawn(config).await.unwrap_err();
        assert!(
            matches!(err, workspaceapp_mock::ServeError::Config(_)),
            "{err}"
        );
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_400() {
    let server = start(config().body_limit(1024)).await;
    let big = json!({"user_name": "x".repeat(2000)}).to_string();
    let a = send(&server, PROJECT, "", big, &[("X-Auth-Token", TOKEN)]).await;
    a.assert_error(400, codes::BAD_REQUEST);
    assert!(a.error_msg().contains("1024 bytes"), "{}", a.error_msg());
    let fits = json!({"user_name": "x".repeat(900)}).to_string();
    let a = send(&server, PROJECT, "", fits, &[("X-Auth-Token", TOKEN)]).await;
    assert_eq!((a.status, a.count()), (200, 0));
    server.shutdown().await.unwrap();

    // The default limit is 1 MiB.
    let server = start(config()).await;
    let big = json!({"user_name": "x".repeat(1024 * 1024)}).to_string();
    let a = send(&server, PROJECT, "", big, &[("X-Auth-Token", TOKEN)]).await;
    a.assert_error(400, codes::BAD_REQUEST);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn every_answer_has_a_fresh_request_id() {
    let server = start(config()).await;
    let mut ids = HashSet::new();
    for i in 0..20 {
        let headers: &[(&str, &str)] = if i % 2 == 0 {
            &[("X-Auth-Token", TOKEN)]
        } else {
            &[]
        };
        let a = send(&server, PROJECT, "", "{}".into(), headers).await;
        let id = a.request_id();
        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(ids.insert(id));
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let server = start(config()).await;
    let url = format!("{}{}", server.url(), path(PROJECT));
    assert_eq!(server.addr().ip().to_string(), "127.0.0.1");
    assert_ne!(server.addr().port(), 0);
    server.shutdown().await.unwrap();
    assert!(client().post(&url).json(&json!({})).send().await.is_err());
}
