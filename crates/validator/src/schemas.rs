//! The generated JSON Schemas, compiled once and shared by every thread.
//!
//! Each schema is compiled as published, with one change: every object schema that lists its
//! `properties` gets `additionalProperties: false`, so a field the page does not document shows
//! up as an `additionalProperties` error, which the checks report as a (forward-compatibility)
//! warning rather than a break.

use std::sync::OnceLock;

use jsonschema::{Draft, Validator};
use serde_json::{Map, Value};
use workspaceapp_model::{
    ListAppConnectionStatus, runtime, schemas::list_app_connection as schema,
};

use crate::Error;
use crate::tape::TapeJson;

/// One compiled schema and the (adjusted) document it came from.
pub struct CompiledSchema {
    /// Name for messages, e.g. `ListAppConnection.response.200`.
    pub name: String,
    /// The validator, formats asserted, the project's time format registered, no retrieval.
    pub validator: Validator,
    /// The same schema over [`crate::tape`] documents (what bodies are checked with).
    pub tape: Validator<TapeJson>,
    /// The document, with `additionalProperties: false` added.
    pub document: Value,
}

impl CompiledSchema {
    /// Compiles `json` (the text of a generated schema).
    pub fn compile(name: impl Into<String>, json: &str) -> Result<Self, Error> {
        let name = name.into();
        let mut document: Value = serde_json::from_str(json).map_err(|e| Error::Schema {
            name: name.clone(),
            reason: e.to_string(),
        })?;
        close_objects(&mut document);
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .with_format(runtime::DATETIME_FORMAT, runtime::is_datetime)
            .offline()
            .build(&document)
            .map_err(|e| Error::Schema {
                name: name.clone(),
                reason: e.to_string(),
            })?;
        let schema_error = |e: jsonschema::ValidationError<'_>| Error::Schema {
            name: name.clone(),
            reason: e.to_string(),
        };
        let tape = jsonschema::options_for::<TapeJson>()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .with_format(runtime::DATETIME_FORMAT, runtime::is_datetime)
            .offline()
            .build(&document)
            .map_err(schema_error)?;
        Ok(Self {
            name,
            validator,
            tape,
            document,
        })
    }

    /// Names of the top-level `properties`, in schema order.
    pub fn property_names(&self) -> Vec<String> {
        self.document
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The schema of a top-level property.
    pub fn property(&self, name: &str) -> Option<&Value> {
        self.document.get("properties")?.get(name)
    }

    /// What a top-level property expects, in words (type, range, choices, format).
    pub fn describe_property(&self, name: &str) -> String {
        self.property(name).map_or_else(
            || "a documented value".into(),
            |p| describe(&self.document, p, 0),
        )
    }
}

/// Adds `additionalProperties: false` to every object schema that has `properties` and says
/// nothing else about other properties (or allows them with `true`).
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") {
                let open = match map.get("additionalProperties") {
                    None | Some(Value::Bool(true)) => !map.contains_key("unevaluatedProperties"),
                    Some(_) => false,
                };
                if open {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
            }
            for (key, value) in map.iter_mut() {
                match key.as_str() {
                    // Maps from names to schemas: a property may be called `enum` or `default`.
                    "properties" | "patternProperties" | "$defs" | "definitions"
                    | "dependentSchemas" => {
                        if let Value::Object(named) = value {
                            named.values_mut().for_each(close_objects);
                        }
                    }
                    // Data, not schemas.
                    "enum" | "const" | "default" | "examples" | "example" => {}
                    _ => close_objects(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// Every schema of the operation.
pub struct Contract {
    /// `ListAppConnection.path`.
    pub path: CompiledSchema,
    /// `ListAppConnection.query`.
    pub query: CompiledSchema,
    /// `ListAppConnection.headers`.
    pub headers: CompiledSchema,
    /// `ListAppConnection.request-body`.
    pub request_body: CompiledSchema,
    /// One per documented status.
    pub responses: Vec<(u16, CompiledSchema)>,
}

impl Contract {
    /// Compiles every schema of the operation.
    pub fn compile() -> Result<Self, Error> {
        let mut responses = Vec::new();
        for status in ListAppConnectionStatus::ALL {
            let code = status.code();
            let json = schema::response(code).ok_or_else(|| Error::Schema {
                name: format!("response {code}"),
                reason: "no schema generated".into(),
            })?;
            responses.push((
                code,
                CompiledSchema::compile(format!("ListAppConnection.response.{code}"), json)?,
            ));
        }
        Ok(Self {
            path: CompiledSchema::compile("ListAppConnection.path", schema::PATH)?,
            query: CompiledSchema::compile("ListAppConnection.query", schema::QUERY)?,
            headers: CompiledSchema::compile("ListAppConnection.headers", schema::HEADERS)?,
            request_body: CompiledSchema::compile(
                "ListAppConnection.request-body",
                schema::REQUEST_BODY,
            )?,
            responses,
        })
    }

    /// The contract compiled once per process.
    pub fn shared() -> Result<&'static Contract, Error> {
        static SHARED: OnceLock<Result<Contract, Error>> = OnceLock::new();
        SHARED
            .get_or_init(Contract::compile)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The response schema of a documented status.
    pub fn response(&self, status: u16) -> Option<&CompiledSchema> {
        self.responses
            .iter()
            .find(|(code, _)| *code == status)
            .map(|(_, s)| s)
    }
}

/// Follows a local `$ref` (`#/$defs/X`).
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => doc.pointer(pointer).unwrap_or(node),
        None => node,
    }
}

/// Describes a schema for "expected …" texts: type, range, choices, format.
fn describe(doc: &Value, schema: &Value, depth: usize) -> String {
    let schema = resolve(doc, schema);
    let Some(map) = schema.as_object() else {
        return "any value".into();
    };
    if let Some(Value::Array(branches)) = map.get("anyOf").or_else(|| map.get("oneOf"))
        && depth < 4
    {
        let parts: Vec<String> = branches
            .iter()
            .map(|b| resolve(doc, b))
            .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
            .map(|b| describe(doc, b, depth + 1))
            .collect();
        return parts.join(" or ");
    }
    let mut parts = Vec::new();
    match map.get("type") {
        Some(Value::String(s)) => parts.push(s.clone()),
        Some(Value::Array(types)) => {
            let names: Vec<&str> = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            parts.push(names.join(" or "));
        }
        _ => {}
    }
    push_range(map, &mut parts);
    if let Some(Value::Array(options)) = map.get("enum") {
        parts.push(format!("one of {}", Value::Array(options.clone())));
    }
    if let Some(Value::String(f)) = map.get("format") {
        parts.push(format!("format {f}"));
    }
    if parts.is_empty() {
        "any value".into()
    } else {
        parts.join(", ")
    }
}

fn push_range(map: &Map<String, Value>, parts: &mut Vec<String>) {
    match (map.get("minimum"), map.get("maximum")) {
        (Some(min), Some(max)) => parts.push(format!("{min}..={max}")),
        (Some(min), None) => parts.push(format!(">= {min}")),
        (None, Some(max)) => parts.push(format!("<= {max}")),
        (None, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_compiles() {
        let contract = Contract::compile().expect("generated schemas compile");
        assert_eq!(contract.responses.len(), ListAppConnectionStatus::ALL.len());
    }

    #[test]
    fn closing_objects_leaves_data_alone() {
        let mut s = serde_json::json!({
            "type": "object",
            "properties": {"a": {"type": "object", "properties": {}}},
            "default": {"properties": 1},
            "$defs": {"X": {"properties": {}, "additionalProperties": {"type": "string"}}}
        });
        close_objects(&mut s);
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["properties"]["a"]["additionalProperties"], false);
        assert!(s["default"].get("additionalProperties").is_none());
        assert_eq!(s["$defs"]["X"]["additionalProperties"]["type"], "string");
    }
}
