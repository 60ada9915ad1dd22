//! The committed schema files are what `schemars` derives from the generated types, and what
//! the runtime exposes is exactly what is committed.

use serde_json::Value;
use workspaceapp_model::schemas;

/// The files carry a `$comment` header naming the command that writes them; schemars does not.
fn without_comment(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.remove("$comment");
    }
    value
}

#[test]
fn committed_schemas_equal_what_schemars_derives() {
    let derived = schemas::derived();
    assert_eq!(derived.len(), schemas::ALL.len());
    for (name, schema) in derived {
        let file = schemas::find(name).unwrap_or_else(|| panic!("no committed schema `{name}`"));
        let committed: Value = serde_json::from_str(file.json).expect("committed schema is JSON");
        let derived = serde_json::to_value(&schema).expect("schemars output is JSON");
        assert_eq!(
            without_comment(committed),
            derived,
            "schema `{name}` differs from what schemars derives"
        );
    }
}

#[test]
fn every_schema_is_draft_2020_12() {
    for file in schemas::ALL {
        let schema: Value = serde_json::from_str(file.json).unwrap();
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{}",
            file.name
        );
    }
}
