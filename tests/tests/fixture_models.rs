//! What the generated code of the fixture specs does: keywords, mandatory fields, ranges,
//! enumerations open and closed, nested objects, lenient responses; and that each schema the
//! generator emits is the one schemars derives from the generated type.

use serde_json::{Value, json};
use workspaceapp_tests::create_widget::*;
use workspaceapp_tests::show_quota::*;
use xtask::{model, schema, spec};

#[test]
fn a_keyword_field_keeps_its_wire_name() {
    let body: CreateWidgetRequestBody =
        serde_json::from_value(json!({"name": "w1", "type": "large"})).unwrap();
    assert_eq!(body.type_, Type::Large);
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"name": "w1", "type": "large"})
    );
}

#[test]
fn mandatory_body_fields_must_be_present() {
    let missing = serde_json::from_value::<CreateWidgetRequestBody>(json!({"type": "small"}));
    assert!(missing.unwrap_err().to_string().contains("name"));
}

#[test]
fn a_request_enumeration_refuses_other_values() {
    let body =
        serde_json::from_value::<CreateWidgetRequestBody>(json!({"name": "w", "type": "huge"}));
    assert!(body.is_err());
    assert_eq!("x-large".parse::<Type>().unwrap(), Type::XLarge);
    assert!("huge".parse::<Type>().is_err());
}

#[test]
fn a_range_cannot_be_built_outside_its_bounds() {
    assert_eq!(Replicas::default().get(), 1);
    assert_eq!(Replicas::new(64).unwrap().get(), 64);
    for bad in [0, 65, -1, i64::MAX] {
        assert!(Replicas::new(bad).is_err(), "{bad}");
    }
    let body = serde_json::from_value::<CreateWidgetRequestBody>(
        json!({"name": "w", "type": "small", "replicas": 65}),
    );
    assert!(body.is_err());
    assert!(Weight::new(0.4).is_err());
    assert_eq!(Weight::new(2.5).unwrap().get(), 2.5);
}

#[test]
fn nested_objects_travel_whole() {
    let value = json!({"name": "w", "type": "small", "layout": {"pinned": true, "origin": {"x": 1, "y": -2}}});
    let body: CreateWidgetRequestBody = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(body.layout.as_ref().unwrap().origin.as_ref().unwrap().y, -2);
    assert_eq!(serde_json::to_value(&body).unwrap(), value);
}

#[test]
fn a_response_keeps_unknown_fields_and_enum_values() {
    let value = json!({
        "widget": {"id": "w-1", "state": "deleting", "ready": true, "future": {"a": 1}},
        "trace": "abc"
    });
    let response: CreateWidgetResponse = serde_json::from_value(value.clone()).unwrap();
    let widget = response.widget.as_ref().unwrap();
    assert_eq!(widget.state, Some(State::Unknown("deleting".into())));
    assert_eq!(widget.extra["future"], json!({"a": 1}));
    assert_eq!(response.extra["trace"], "abc");
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        value,
        "nothing is lost"
    );
}

#[test]
fn null_where_a_string_is_promised_reads_as_absent() {
    let response: CreateWidgetResponse400 =
        serde_json::from_value(json!({"error_code": null, "error_msg": null})).unwrap();
    assert_eq!(response.error_code, None);
    assert_eq!(response.error_msg, None);
}

#[test]
fn error_tables_that_differ_get_their_own_types() {
    let conflict: CreateWidgetResponse409 =
        serde_json::from_value(json!({"error_code": "E1", "existing_id": "w-0"})).unwrap();
    assert_eq!(conflict.existing_id.as_deref(), Some("w-0"));
    assert_eq!(
        CreateWidgetStatus::from_code(409),
        Some(CreateWidgetStatus::Conflict)
    );
    assert_eq!(
        CreateWidgetStatus::Conflict.description(),
        "A widget of this name exists."
    );
}

#[test]
fn a_path_with_two_parameters_goes_both_ways() {
    let path = CreateWidgetPath {
        project_id: "p 1".into(),
        zone: "z/1".into(),
    };
    let uri = path.to_uri_path();
    assert_eq!(uri, "/v2/p%201/widgets/z%2F1");
    assert_eq!(CreateWidgetPath::from_uri_path(&uri), Some(path));
    assert_eq!(CreateWidgetPath::from_uri_path("/v2/p/other/z"), None);
}

#[test]
fn long_and_boolean_responses_read() {
    let quota: ShowQuotaResponse =
        serde_json::from_value(json!({"limit": 9_007_199_254_740_993_i64, "unlimited": false}))
            .unwrap();
    assert_eq!(quota.limit, Some(9_007_199_254_740_993));
    assert_eq!(quota.unlimited, Some(false));
}

/// The generator's schemas for the fixtures equal what schemars derives from the fixture types.
#[test]
fn fixture_schemas_equal_what_schemars_derives() {
    use schemars::schema_for;
    let derived: Vec<(&str, schemars::Schema)> = vec![
        ("CreateWidget.path", schema_for!(CreateWidgetPath)),
        ("CreateWidget.query", schema_for!(CreateWidgetQuery)),
        (
            "CreateWidget.request-body",
            schema_for!(CreateWidgetRequestBody),
        ),
        (
            "CreateWidget.response.201",
            schema_for!(CreateWidgetResponse),
        ),
        (
            "CreateWidget.response.400",
            schema_for!(CreateWidgetResponse400),
        ),
        (
            "CreateWidget.response.409",
            schema_for!(CreateWidgetResponse409),
        ),
        ("Layout", schema_for!(Layout)),
        ("Point", schema_for!(Point)),
        ("Widget", schema_for!(Widget)),
        ("Usage", schema_for!(Usage)),
        ("ShowQuota.path", schema_for!(ShowQuotaPath)),
        ("ShowQuota.response.200", schema_for!(ShowQuotaResponse)),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs");
    let mut emitted = Vec::new();
    for file in ["create_widget.toml", "show_quota.toml"] {
        let spec = spec::load_file(&dir.join(file)).unwrap();
        let model = model::build(&spec).unwrap();
        emitted.extend(schema::files(&model));
    }
    assert_eq!(
        emitted.len(),
        derived.len(),
        "every schema file is compared"
    );
    for (name, schema) in derived {
        let file = emitted
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        let derived: Value = serde_json::to_value(&schema).unwrap();
        assert_eq!(file.schema, derived, "{name}");
    }
}
