//! Records loaded from JSON and NDJSON files.

mod common;

use std::io::Write;

use common::*;
use serde_json::{Value, json};
use workspaceapp_mock::{MockConfig, ServeError};

fn record(id: &str, user: &str, time: &str) -> Value {
    json!({
        "id": id,
        "user_name": user,
        "app_name": "Cloud storage-Notepad++",
        "brokering_time": time,
        "client_type": "Windows 10",
        "tenant_id": PROJECT,
        "vendor_extension": {"kept": true},
    })
}

fn sample() -> Vec<Value> {
    vec![
        record(
            "5af4a8c1047411ee9f75fa163e289e5a",
            "user001@example.com",
            "2023-06-06T14:02:00Z",
        ),
        record(
            "b5442cb1047211ee9f75fa163e289e5a",
            "user002@example.com",
            "2023-06-06 14:13:48",
        ),
        record(
            "c5442cb1047211ee9f75fa163e289e5a",
            "User003@example.com",
            "2023-06-07T00:00:00+08:00",
        ),
    ]
}

async fn serve_file(text: &str) -> (tempfile::TempDir, workspaceapp_mock::RunningServer) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("records.data");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let server = start(
        MockConfig::new()
            .project_id(PROJECT)
            .data_file(&file)
            .token(TOKEN),
    )
    .await;
    (dir, server)
}

async fn check(server: &workspaceapp_mock::RunningServer) {
    let a = list(server, "", &json!({})).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.count(), 3);
    let ids: Vec<&str> = a.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    // Newest first across time forms: 14:13:48Z, 14:02:00Z, then 2023-06-06T16:00:00Z... sorted.
    assert_eq!(
        ids,
        [
            "c5442cb1047211ee9f75fa163e289e5a",
            "b5442cb1047211ee9f75fa163e289e5a",
            "5af4a8c1047411ee9f75fa163e289e5a"
        ]
    );
    // Fields the spec does not name are kept, times keep their wire form.
    assert_eq!(
        a.json["items"][0]["vendor_extension"],
        json!({"kept": true})
    );
    assert_eq!(a.json["items"][1]["brokering_time"], "2023-06-06 14:13:48");
    let a = list(server, "", &json!({"user_name": "user00"})).await;
    assert_eq!(a.count(), 3);
    let a = list(
        server,
        "",
        &json!({"brokering_start_time": "2023-06-06T14:13:48Z"}),
    )
    .await;
    assert_eq!(a.count(), 2);
}

#[tokio::test]
async fn json_array_file() {
    let (_dir, server) = serve_file(&serde_json::to_string_pretty(&sample()).unwrap()).await;
    check(&server).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn saved_answer_file() {
    let text = json!({"count": 3, "items": sample()}).to_string();
    let (_dir, server) = serve_file(&text).await;
    check(&server).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn ndjson_file() {
    let mut text = String::from("\u{feff}");
    for r in sample() {
        text.push_str(&r.to_string());
        text.push_str("\n\n");
    }
    let (_dir, server) = serve_file(&text).await;
    check(&server).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn generated_records_round_trip_through_ndjson() {
    let records = workspaceapp_mock::generate(&workspaceapp_mock::SyntheticSpec {
        records: 40,
        ..Default::default()
    });
    let text = workspaceapp_mock::dataset::to_ndjson(&records).unwrap();
    assert_eq!(
        workspaceapp_mock::dataset::parse_records(&text).unwrap(),
        records
    );
}

#[tokio::test]
async fn bad_files_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let err = workspaceapp_mock::spawn(MockConfig::new().data_file(&missing))
        .await
        .unwrap_err();
    assert!(matches!(err, ServeError::Load(_)), "{err}");
    assert!(err.to_string().contains("missing.json"));

    let bad = dir.path().join("bad.ndjson");
    std::fs::write(&bad, "{\"id\": \"a\"}\n{\"id\": 5}\n").unwrap();
    let err = workspaceapp_mock::spawn(MockConfig::new().data_file(&bad))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("bad.ndjson:2"), "{err}");

    for text in ["42", "[1]", "{\"items\": 5}"] {
        std::fs::write(&bad, text).unwrap();
        assert!(
            workspaceapp_mock::spawn(MockConfig::new().data_file(&bad))
                .await
                .is_err(),
            "{text}"
        );
    }
}
