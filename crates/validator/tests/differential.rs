//! Differential test: the validator's schema verdicts against an independent implementation,
//! the Python `jsonschema` package, over a seeded corpus of mutated bodies.
//!
//! Needs `WORKSPACEAPP_PYTHON`: an interpreter with `jsonschema` (tests/python/requirements.txt
//! at the workspace root; `cargo xtask test` sets it). Without it the test says why and returns.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::{Map, Value, json};
use workspaceapp_model::ListAppConnectionStatus;
use workspaceapp_validator::schemas::{CompiledSchema, Contract};
use workspaceapp_validator::synth::Rng;
use workspaceapp_validator::{Engine, ExchangeView, Options, Part, Source};

/// Values a mutation puts in place of another.
fn replacements() -> Vec<Value> {
    vec![
        json!(5),
        json!(1.5),
        json!(1.0),
        json!(-1),
        json!(0),
        json!(2_147_483_648_i64),
        json!(true),
        json!(null),
        json!([]),
        json!([1]),
        json!([{}]),
        json!({}),
        json!(""),
        json!("Windows"),
        json!("Mac"),
        json!("Linux"),
        json!("windows"),
        json!("2022-10-31 08:07:39"),
        json!("2022-10-31 08:07:39.5"),
        json!("2022-10-31 08:07:39.123456789"),
        json!("2025-04-24T16:00:00Z"),
        json!("2025-04-24T16:00:00.123Z"),
        json!("2025-04-24T16:00:00+00:00"),
        json!("2025-04-24T16:00:00-05:30"),
        json!("2025-04-24T16:00:00"),
        json!("2025-04-24 16:00:00Z"),
        json!("2024-02-29 23:59:59"),
        json!("2023-02-29 23:59:59"),
        json!("2022-13-01 00:00:00"),
        json!("2022-10-31 24:00:00"),
        json!("2022-10-31"),
        json!("08:07:39"),
        json!("yesterday"),
        json!(" 2022-10-31 08:07:39"),
    ]
}

/// Every documented field with a plausible value (from the schema: enums, formats, types).
fn full_object(schema: &Value, node: &Value) -> Value {
    let resolve = |n: &Value| -> Value {
        let mut n = n.clone();
        for _ in 0..3 {
            if let Some(r) = n
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                n = schema.pointer(r).cloned().unwrap_or(Value::Null);
            } else if let Some(Value::Array(b)) = n.get("anyOf") {
                n = b
                    .iter()
                    .find(|b| b.get("type") != Some(&json!("null")))
                    .cloned()
                    .unwrap_or(Value::Null);
            } else {
                break;
            }
        }
        n
    };
    let node = resolve(node);
    let mut out = Map::new();
    for (name, prop) in node
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let prop = resolve(prop);
        let types: Vec<&str> = match prop.get("type") {
            Some(Value::Array(t)) => t.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(t)) => vec![t.as_str()],
            _ => vec![],
        };
        let value = if let Some(Value::Array(options)) = prop.get("enum") {
            options[0].clone()
        } else if prop
            .get("format")
            .is_some_and(|f| f != "int32" && f != "int64")
        {
            json!("2022-10-31 08:07:39")
        } else if types.contains(&"integer") {
            json!(3)
        } else if types.contains(&"array") {
            Value::Array(vec![
                full_object(schema, prop.get("items").unwrap_or(&Value::Null)),
                full_object(schema, prop.get("items").unwrap_or(&Value::Null)),
            ])
        } else {
            json!("value")
        };
        out.insert(name.clone(), value);
    }
    Value::Object(out)
}

/// Pointers of every value inside `v` (objects and arrays walked).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{k}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        _ => {}
    }
}

fn set_at(v: &mut Value, pointer: &str, new: Value) {
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = new;
    }
}

fn remove_at(v: &mut Value, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    match v.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.shift_remove(last);
        }
        Some(Value::Array(a)) => {
            if let Ok(i) = last.parse::<usize>()
                && i < a.len()
            {
                a.remove(i);
            }
        }
        _ => {}
    }
}

/// Seeded mutations of `seed`: every value replaced by every replacement, fields removed,
/// unknown fields added, and random combinations.
fn mutations(seed: &Value, rng: &mut Rng, out: &mut Vec<Value>) {
    out.push(seed.clone());
    let mut ptrs = Vec::new();
    pointers(seed, String::new(), &mut ptrs);
    let reps = replacements();
    for p in &ptrs {
        for r in &reps {
            let mut m = seed.clone();
            set_at(&mut m, p, r.clone());
            out.push(m);
        }
        let mut m = seed.clone();
        remove_at(&mut m, p);
        out.push(m);
        if let Some(Value::Object(_)) = seed.pointer(p) {
            let mut m = seed.clone();
            if let Some(Value::Object(o)) = m.pointer_mut(p) {
                o.insert("session_type".into(), json!("APP"));
            }
            out.push(m);
        }
    }
    for r in [json!([]), json!("x"), json!(null), json!(1)] {
        out.push(r);
    }
    let mut with_unknown = seed.clone();
    if let Value::Object(o) = &mut with_unknown {
        o.insert("next_marker".into(), json!("m"));
    }
    out.push(with_unknown);
    for _ in 0..200 {
        let mut m = seed.clone();
        for _ in 0..rng.range(1, 3) {
            if ptrs.is_empty() {
                break;
            }
            let p = &ptrs[rng.range(0, ptrs.len() as u64 - 1) as usize];
            let r = reps[rng.range(0, reps.len() as u64 - 1) as usize].clone();
            set_at(&mut m, p, r);
        }
        out.push(m);
    }
}

/// Instance paths jsonschema-rs reports (top-level errors, as Python's `iter_errors`).
fn rust_pointers(schema: &CompiledSchema, body: &Value) -> BTreeSet<String> {
    schema
        .validator
        .iter_errors(body)
        .map(|e| e.instance_path().as_str().to_string())
        .collect()
}

#[test]
fn schema_verdicts_match_python_jsonschema() {
    let Some(python) = std::env::var_os("WORKSPACEAPP_PYTHON") else {
        println!(
            "skipped: WORKSPACEAPP_PYTHON is not set (an interpreter with the `jsonschema` package; `cargo xtask test` sets it)"
        );
        return;
    };
    let contract = Contract::compile().unwrap();
    let engine = Engine::new(Options::default()).unwrap();
    let mut rng = Rng::new(2024);

    // (schema name, status or None for the request, body)
    let mut cases: Vec<(String, Option<u16>, Value)> = Vec::new();
    let mut schemas = Map::new();
    let request_seed = full_object(
        &contract.request_body.document,
        &contract.request_body.document,
    );
    let mut bodies = Vec::new();
    mutations(&request_seed, &mut rng, &mut bodies);
    mutations(
        &json!({"brokering_start_time": "2025-04-24T16:00:00Z"}),
        &mut rng,
        &mut bodies,
    );
    schemas.insert(
        contract.request_body.name.clone(),
        contract.request_body.document.clone(),
    );
    cases.extend(
        bodies
            .into_iter()
            .map(|b| (contract.request_body.name.clone(), None, b)),
    );
    for status in ListAppConnectionStatus::ALL {
        let schema = contract.response(status.code()).unwrap();
        schemas.insert(schema.name.clone(), schema.document.clone());
        let seed = full_object(&schema.document, &schema.document);
        let mut bodies = Vec::new();
        mutations(&seed, &mut rng, &mut bodies);
        cases.extend(
            bodies
                .into_iter()
                .map(|b| (schema.name.clone(), Some(status.code()), b)),
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let corpus_path = dir.path().join("corpus.json");
    let corpus = json!({
        "schemas": schemas,
        "cases": cases.iter().map(|(name, _, body)| json!({"schema": name, "body": body})).collect::<Vec<_>>(),
    });
    std::fs::write(&corpus_path, serde_json::to_vec(&corpus).unwrap()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/differential.py");
    let out = Command::new(python)
        .arg(script)
        .arg(&corpus_path)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).expect("python verdicts");
    assert_eq!(verdicts.len(), cases.len());

    let mut disagreements = Vec::new();
    let mut invalid = 0;
    for ((name, status, body), python) in cases.iter().zip(&verdicts) {
        let python: BTreeSet<String> = python.iter().cloned().collect();
        let schema = if status.is_none() {
            &contract.request_body
        } else {
            contract.response(status.unwrap()).unwrap()
        };
        let rust = rust_pointers(schema, body);
        // The engine's verdict: any finding about the body.
        let bytes = serde_json::to_vec(body).unwrap();
        let view = match status {
            None => ExchangeView::request_body(bytes),
            Some(code) => ExchangeView::response_body(*code, bytes),
        };
        let outcome = engine.check(&view, &Source::body("corpus"));
        let engine_invalid = outcome
            .findings
            .iter()
            .any(|f| matches!(f.part, Part::RequestBody | Part::ResponseBody));
        invalid += usize::from(!python.is_empty());
        if rust != python || engine_invalid == python.is_empty() {
            disagreements.push(format!("{name}: {body}\n  python {python:?}\n  rust {rust:?}\n  engine invalid: {engine_invalid}"));
        }
    }
    println!(
        "{} cases ({invalid} invalid), {} disagreements",
        cases.len(),
        disagreements.len()
    );
    assert!(
        invalid > cases.len() / 4 && invalid < cases.len(),
        "the corpus holds both verdicts"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
