//! Emits one OpenAPI 3.1 document for every operation of the spec directory.

use serde_json::{Map, Value, json};

use crate::model::{Item, OperationModel, Struct};
use crate::schema::{self, OPENAPI_REFS};

pub fn document(models: &[OperationModel<'_>], comment: &str) -> Value {
    let mut paths = Map::new();
    let mut components = Map::new();
    for model in models {
        components.extend(schema::components(model));
        let op = operation(model);
        let method = model.spec.operation.method.to_ascii_lowercase();
        let entry = paths
            .entry(model.spec.operation.uri.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(entry) = entry {
            entry.insert(method, op);
        }
    }
    let titles: Vec<&str> = models
        .iter()
        .map(|m| m.spec.operation.title.as_str())
        .collect();
    json!({
        "x-generated": comment,
        "openapi": "3.1.0",
        "info": {
            "title": titles.join("; "),
            "version": version(models),
        },
        "paths": paths,
        "components": { "schemas": components },
    })
}

/// The page's "Updated on" dates stand for the version of what is described.
fn version(models: &[OperationModel<'_>]) -> String {
    let mut dates: Vec<&str> = models
        .iter()
        .filter_map(|m| m.spec.source.page.as_ref())
        .map(|page| {
            page.updated_on
                .split_whitespace()
                .next()
                .unwrap_or_default()
        })
        .collect();
    dates.sort_unstable();
    dates
        .last()
        .map(|d| (*d).to_owned())
        .unwrap_or_else(|| "0".to_owned())
}

fn operation(model: &OperationModel<'_>) -> Value {
    let spec = model.spec;
    let mut op = Map::new();
    op.insert("operationId".into(), spec.operation.name.clone().into());
    op.insert("summary".into(), spec.operation.title.clone().into());
    if let Some(function) = &spec.operation.function {
        op.insert("description".into(), function.clone().into());
    }

    let mut parameters = Vec::new();
    for (slot, location) in [
        (&model.request.path, "path"),
        (&model.request.query, "query"),
        (&model.request.headers, "header"),
    ] {
        let Some(Item::Struct(s)) = slot.as_deref().and_then(|name| model.item(name)) else {
            continue;
        };
        parameters.extend(parameter_list(model, s, location));
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }

    if let Some(body) = &model.request.body {
        let required = matches!(model.item(body), Some(Item::Struct(s)) if s.fields.iter().any(|f| f.required));
        let mut media = Map::new();
        media.insert(
            "schema".into(),
            json!({"$ref": format!("{}{body}", OPENAPI_REFS.0)}),
        );
        if let Some(example) = spec
            .example
            .request
            .iter()
            .find_map(|r| parse_example(r.body.as_deref()))
        {
            media.insert("example".into(), example);
        }
        op.insert(
            "requestBody".into(),
            json!({"required": required, "content": {"application/json": media}}),
        );
    }

    let mut responses = Map::new();
    for response in &model.responses {
        let mut media = Map::new();
        media.insert(
            "schema".into(),
            json!({"$ref": format!("{}{}", OPENAPI_REFS.0, response.body)}),
        );
        if let Some(example) = spec
            .example
            .response
            .iter()
            .filter(|r| r.status == response.code)
            .find_map(|r| parse_example(r.body.as_deref()))
        {
            media.insert("example".into(), example);
        }
        responses.insert(
            response.code.to_string(),
            json!({
                "description": response.description,
                "content": {"application/json": media},
            }),
        );
    }
    op.insert("responses".into(), Value::Object(responses));
    Value::Object(op)
}

fn parameter_list(model: &OperationModel<'_>, s: &Struct, location: &str) -> Vec<Value> {
    let properties = match schema::components(model).remove(&s.name) {
        Some(Value::Object(mut schema)) => match schema.remove("properties") {
            Some(Value::Object(properties)) => properties,
            _ => Map::new(),
        },
        _ => Map::new(),
    };
    s.fields
        .iter()
        .map(|field| {
            let mut schema = properties
                .get(&field.row.parameter)
                .cloned()
                .unwrap_or(Value::Null);
            let description = match &mut schema {
                Value::Object(schema) => schema.remove("description"),
                _ => None,
            };
            // A parameter is absent or has a value; `null` is a body concept.
            if let Value::Object(map) = &mut schema {
                strip_null(map);
            }
            let mut parameter = Map::new();
            parameter.insert("name".into(), field.row.parameter.clone().into());
            parameter.insert("in".into(), location.into());
            parameter.insert(
                "required".into(),
                (location == "path" || field.required).into(),
            );
            if let Some(description) = description {
                parameter.insert("description".into(), description);
            }
            parameter.insert("schema".into(), schema);
            Value::Object(parameter)
        })
        .collect()
}

fn strip_null(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = schema.get("type") {
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        if rest.len() == 1 {
            schema.insert("type".into(), rest[0].clone());
        }
    }
    if let Some(Value::Array(any)) = schema.get("anyOf") {
        let rest: Vec<Value> = any
            .iter()
            .filter(|s| **s != json!({"type": "null"}))
            .cloned()
            .collect();
        if rest.len() == 1
            && let Value::Object(only) = &rest[0]
        {
            schema.remove("anyOf");
            schema.extend(only.clone());
        }
    }
}

fn parse_example(body: Option<&str>) -> Option<Value> {
    serde_json::from_str(body?).ok()
}
