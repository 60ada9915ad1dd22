//! The page's example request and response, as the spec keeps them, read into the models and
//! written back to the same JSON.

use serde_json::Value;
use workspaceapp_model::{
    ListAppConnectionQuery, ListAppConnectionRequestBody, ListAppConnectionResponse,
};
use xtask::spec;

fn committed_spec() -> spec::Spec {
    let file = xtask::workspace_root().join("spec/list_app_connection.toml");
    spec::load_file(&file).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_example_request_round_trips() {
    let spec = committed_spec();
    let example = &spec.example.request[0];
    let text = example
        .body
        .as_deref()
        .expect("the page shows a request body");
    let original: Value = serde_json::from_str(text).unwrap();
    let body: ListAppConnectionRequestBody = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&body).unwrap(), original);
    assert_eq!(
        body.brokering_start_time.as_ref().map(|t| t.as_str()),
        Some("2025-04-24T16:00:00Z")
    );

    let query_text = example
        .uri
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default();
    let query: ListAppConnectionQuery = serde_urlencoded::from_str(query_text).unwrap();
    assert_eq!(query.limit.map(|l| l.get()), Some(10));
    assert_eq!(query.offset.map(|o| o.get()), Some(0));
    assert_eq!(serde_urlencoded::to_string(&query).unwrap(), query_text);

    let path = example.uri.split('?').next().unwrap();
    let parsed = workspaceapp_model::ListAppConnectionPath::from_uri_path(path).unwrap();
    assert_eq!(parsed.project_id, "a4da8115c9d8464ead3a38309130523f");
    assert_eq!(parsed.to_uri_path(), path);
}

#[test]
fn the_example_response_round_trips() {
    let spec = committed_spec();
    let example = spec
        .example
        .response
        .iter()
        .find(|r| r.status == 200)
        .unwrap();
    let text = example.body.as_deref().unwrap();
    let original: Value = serde_json::from_str(text).unwrap();
    let response: ListAppConnectionResponse = serde_json::from_str(text).unwrap();
    assert_eq!(response.count, Some(2));
    let items = response.items.as_ref().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].wi_ip.as_deref(),
        Some("192.**.10.*00\\#192.**.10.23")
    );
    assert!(response.extra.is_empty() && items.iter().all(|i| i.extra.is_empty()));
    assert_eq!(serde_json::to_value(&response).unwrap(), original);
}

#[test]
fn the_three_time_forms_are_valid_request_input() {
    let spec = committed_spec();
    let format = &spec.formats["huaweicloud-datetime"];
    assert_eq!(format.examples.len(), 3);
    for time in &format.examples {
        let text =
            format!(r#"{{"brokering_start_time": "{time}", "brokering_end_time": "{time}"}}"#);
        let body: ListAppConnectionRequestBody =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{time}: {e}"));
        assert_eq!(
            body.brokering_start_time.unwrap().as_str(),
            time,
            "kept as sent"
        );
        assert!(workspaceapp_model::runtime::is_datetime(time));
    }
    let bad = serde_json::from_str::<ListAppConnectionRequestBody>(
        r#"{"brokering_start_time": "2025-04-24"}"#,
    );
    assert!(bad.is_err());
}

#[test]
fn limit_outside_its_range_cannot_be_built() {
    use workspaceapp_model::Limit;
    assert_eq!(Limit::default().get(), 10);
    assert!(Limit::new(0).is_err());
    assert!(Limit::new(101).is_err());
    assert!(Limit::new(100).is_ok() && Limit::new(1).is_ok());
    assert!(serde_urlencoded::from_str::<ListAppConnectionQuery>("limit=101").is_err());
    assert!(serde_urlencoded::from_str::<ListAppConnectionQuery>("limit=ten").is_err());
    assert!(serde_urlencoded::from_str::<ListAppConnectionQuery>("offset=-1").is_err());
}

#[test]
fn the_request_client_type_is_closed_and_the_response_one_free_text() {
    let bad = serde_json::from_str::<ListAppConnectionRequestBody>(r#"{"client_type": "Linux"}"#);
    assert!(bad.is_err());
    let ok: ListAppConnectionRequestBody =
        serde_json::from_str(r#"{"client_type": "Mac"}"#).unwrap();
    assert_eq!(ok.client_type, Some(workspaceapp_model::ClientType::Mac));
    let info: workspaceapp_model::AppConnectionInfo =
        serde_json::from_str(r#"{"client_type": "Windows 11", "user_name": null}"#).unwrap();
    assert_eq!(info.client_type.as_deref(), Some("Windows 11"));
    assert_eq!(info.user_name, None, "null reads as absent");
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let headers = workspaceapp_model::ListAppConnectionHeaders {
        x_auth_token: Some("MIIDsecret-token".into()),
    };
    let debug = format!("{headers:?}");
    assert!(!debug.contains("MIIDsecret"), "{debug}");
}
