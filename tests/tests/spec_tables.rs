//! Walks the spec and the generated schemas together: every row of every table is in the
//! schema of its part, with its type, its mandatory flag and its description.

use serde_json::Value;
use workspaceapp_model::schemas;
use xtask::spec::{self, Location, Row, TypeRef};

fn schema_of(name: &str) -> Value {
    let file = schemas::find(name).unwrap_or_else(|| panic!("no schema `{name}`"));
    serde_json::from_str(file.json).unwrap()
}

/// Follows a `$ref` (directly or inside the nullable `anyOf`) to its definition.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let reference = schema["$ref"]
        .as_str()
        .or_else(|| schema["anyOf"][0]["$ref"].as_str());
    match reference.and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => &root["$defs"][name],
        None => schema,
    }
}

fn json_types(schema: &Value) -> Vec<String> {
    match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn check_type(root: &Value, ty: &TypeRef, schema: &Value, place: &str) {
    let schema = resolve(root, schema);
    let types = json_types(schema);
    let expected = match ty {
        TypeRef::String => "string",
        TypeRef::Integer | TypeRef::Long => "integer",
        TypeRef::Number => "number",
        TypeRef::Boolean => "boolean",
        TypeRef::Object(_) => "object",
        TypeRef::Array(inner) => {
            assert!(types.contains(&"array".to_owned()), "{place}: {schema}");
            check_type(root, inner, &schema["items"], place);
            return;
        }
    };
    assert!(
        types.contains(&expected.to_owned()),
        "{place}: expected {expected}, schema {schema}"
    );
    if let TypeRef::Integer = ty {
        assert_eq!(schema["format"], "int32", "{place}");
    }
}

fn check_row(root: &Value, object: &Value, row: &Row, place: &str) {
    let property = &object["properties"][&row.parameter];
    assert!(property.is_object(), "{place}: missing from the schema");
    assert_eq!(
        property["description"],
        row.description.as_str(),
        "{place}: description"
    );
    check_type(root, &row.ty, property, place);
    let required = object["required"]
        .as_array()
        .is_some_and(|r| r.iter().any(|n| n == row.parameter.as_str()));
    assert_eq!(
        required,
        row.is_required(),
        "{place}: mandatory/required flag"
    );
    let nullable = json_types(property).contains(&"null".to_owned())
        || property["anyOf"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s["type"] == "null"));
    assert_eq!(
        nullable,
        !row.is_required(),
        "{place}: optional rows accept null"
    );
    let c = &row.constraints;
    let target = resolve(root, property);
    if let Some(min) = &c.minimum {
        assert_eq!(
            target["minimum"],
            Value::Number(min.clone()),
            "{place}: minimum"
        );
    }
    if let Some(max) = &c.maximum {
        assert_eq!(
            target["maximum"],
            Value::Number(max.clone()),
            "{place}: maximum"
        );
    }
    if let Some(default) = &c.default {
        assert_eq!(&target["default"], default, "{place}: default");
    }
    if let Some(values) = &c.enum_values {
        assert_eq!(target["enum"], serde_json::json!(values), "{place}: enum");
    }
    if let Some(format) = &c.format {
        assert_eq!(property["format"], format.as_str(), "{place}: format");
    }
    if let Some(max) = c.max_length {
        assert_eq!(property["maxLength"], max, "{place}: maxLength");
    }
    if let Some(min) = c.min_length {
        assert_eq!(property["minLength"], min, "{place}: minLength");
    }
}

#[test]
fn every_row_of_every_table_is_in_its_schema() {
    let file = xtask::workspace_root().join("spec/list_app_connection.toml");
    let spec = spec::load_file(&file).unwrap_or_else(|e| panic!("{e}"));
    let op = &spec.operation.name;
    let mut rows_checked = 0;
    for table in &spec.tables {
        let name = match table.location {
            Location::Path => format!("{op}.path"),
            Location::Query => format!("{op}.query"),
            Location::Header => format!("{op}.headers"),
            Location::Body => format!("{op}.request-body"),
            Location::Response => format!("{op}.response.{}", table.status.unwrap()),
            Location::Object => table.title.clone(),
        };
        let root = schema_of(&name);
        assert_eq!(root["type"], "object", "{name}");
        let documented: Vec<&str> = table.rows.iter().map(|r| r.parameter.as_str()).collect();
        let in_schema: Vec<&str> = root["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            in_schema,
            documented,
            "{}: the schema has exactly the table's rows, in order",
            table.label()
        );
        for row in &table.rows {
            check_row(
                &root,
                &root,
                row,
                &format!("{}, row `{}`", table.label(), row.parameter),
            );
            rows_checked += 1;
        }
    }
    // 1 path + 2 query + 1 header + 20 body + 2 response + 29 AppConnectionInfo + 8 x 2 errors.
    assert_eq!(rows_checked, 71);
    assert_eq!(
        spec.tables
            .iter()
            .find(|t| t.title == "AppConnectionInfo")
            .unwrap()
            .rows
            .len(),
        29
    );
}

#[test]
fn every_documented_status_has_a_response_schema() {
    let file = xtask::workspace_root().join("spec/list_app_connection.toml");
    let spec = spec::load_file(&file).unwrap();
    let codes: Vec<u16> = spec.statuses.iter().map(|s| s.code).collect();
    assert_eq!(codes, [200, 400, 401, 403, 404, 405, 415, 500, 503]);
    for status in &spec.statuses {
        assert!(
            schemas::list_app_connection::response(status.code).is_some(),
            "{}",
            status.code
        );
        let variant = workspaceapp_model::ListAppConnectionStatus::from_code(status.code).unwrap();
        assert_eq!(variant.description(), status.description);
    }
    assert_eq!(schemas::list_app_connection::response(418), None);
}
