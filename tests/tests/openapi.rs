//! The OpenAPI document and every schema load in validators the project did not write.

use std::process::Command;

use workspaceapp_model::schemas;

/// The venv interpreter `cargo xtask test` provides; `None` (with the reason printed) when the
/// tests run without it.
fn python() -> Option<String> {
    let python = std::env::var("WORKSPACEAPP_PYTHON").ok();
    if python.is_none() {
        eprintln!("skipped: WORKSPACEAPP_PYTHON is not set; `cargo xtask test` sets it");
    }
    python
}

#[test]
fn the_openapi_document_passes_openapi_spec_validator() {
    let Some(python) = python() else { return };
    let document = xtask::workspace_root().join("crates/model/openapi.json");
    let script = r#"
import json, sys
from openapi_spec_validator import validate
from openapi_spec_validator.versions import consts
spec = json.load(open(sys.argv[1]))
validate(spec)
assert spec["openapi"].startswith("3.1"), spec["openapi"]
print("valid OpenAPI", spec["openapi"], len(spec["paths"]), "paths")
"#;
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&document)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "openapi-spec-validator refused {}:\n{}{}",
        document.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema_for_python_jsonschema() {
    let Some(python) = python() else { return };
    let dir = xtask::workspace_root().join("crates/model/schemas");
    let script = r#"
import json, pathlib, sys
from jsonschema import Draft202012Validator
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    Draft202012Validator.check_schema(json.loads(path.read_text()))
"#;
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_schema_compiles_in_the_jsonschema_crate() {
    for file in schemas::ALL {
        let schema: serde_json::Value = serde_json::from_str(file.json).unwrap();
        assert!(
            jsonschema::meta::is_valid(&schema),
            "{} is not a valid schema",
            file.name
        );
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{}: {e}", file.name));
    }
    let openapi: serde_json::Value = serde_json::from_str(schemas::OPENAPI).unwrap();
    assert_eq!(openapi["openapi"], "3.1.0");
}
