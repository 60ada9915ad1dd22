//! Emits JSON Schema (draft 2020-12) from the operation model.
//!
//! The output is the schema `schemars` derives from the generated types (the models crate
//! proves it in a test), so there is one description of the data and two ways to read it.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::model::{Direction, Enum, Field, Item, OperationModel, Ranged, RustType, Struct};
use crate::spec::Location;

pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The format `runtime::DateTime` carries in its own schema.
pub const DATETIME_FORMAT: &str = "huaweicloud-datetime";

/// Where `$ref`s point: `#/$defs/` in a schema file, `#/components/schemas/` in OpenAPI.
#[derive(Clone, Copy)]
pub struct Refs(pub &'static str);

pub const SCHEMA_REFS: Refs = Refs("#/$defs/");
pub const OPENAPI_REFS: Refs = Refs("#/components/schemas/");

/// One schema file: its name (`ListAppConnection.request-body`) and its document.
pub struct SchemaFile {
    pub name: String,
    /// The generated type the schema describes.
    pub type_name: String,
    pub schema: Value,
}

/// Every schema file of an operation: one per request part, one per response status, one per
/// object type.
pub fn files(model: &OperationModel<'_>) -> Vec<SchemaFile> {
    let op = &model.spec.operation.name;
    let mut files = Vec::new();
    let parts = &model.request;
    for (slot, suffix) in [
        (&parts.path, "path"),
        (&parts.query, "query"),
        (&parts.headers, "headers"),
        (&parts.body, "request-body"),
    ] {
        if let Some(name) = slot {
            files.push(SchemaFile {
                name: format!("{op}.{suffix}"),
                type_name: name.clone(),
                schema: root_schema(model, name),
            });
        }
    }
    for response in &model.responses {
        files.push(SchemaFile {
            name: format!("{op}.response.{}", response.code),
            type_name: response.body.clone(),
            schema: root_schema(model, &response.body),
        });
    }
    for table in model
        .spec
        .tables
        .iter()
        .filter(|t| t.location == Location::Object)
    {
        files.push(SchemaFile {
            name: table.title.clone(),
            type_name: table.title.clone(),
            schema: root_schema(model, &table.title),
        });
    }
    files
}

/// A self-contained schema of one generated struct, its referenced types under `$defs`.
pub fn root_schema(model: &OperationModel<'_>, name: &str) -> Value {
    let mut defs = Map::new();
    let mut schema = Map::new();
    schema.insert("$schema".into(), DRAFT.into());
    schema.insert("title".into(), name.into());
    if let Some(item) = model.item(name)
        && let Value::Object(body) =
            item_schema(model, item, SCHEMA_REFS, &mut defs, &mut BTreeSet::new())
    {
        schema.extend(body);
    }
    if !defs.is_empty() {
        schema.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(schema)
}

/// Every generated type's schema, for OpenAPI's `components.schemas`.
pub fn components(model: &OperationModel<'_>) -> Map<String, Value> {
    let mut all = Map::new();
    for item in &model.items {
        let mut ignored = Map::new();
        let schema = item_schema(
            model,
            item,
            OPENAPI_REFS,
            &mut ignored,
            &mut BTreeSet::new(),
        );
        all.insert(item.name().to_owned(), schema);
    }
    all
}

fn item_schema(
    model: &OperationModel<'_>,
    item: &Item,
    refs: Refs,
    defs: &mut Map<String, Value>,
    visiting: &mut BTreeSet<String>,
) -> Value {
    match item {
        Item::Struct(s) => struct_schema(model, s, refs, defs, visiting),
        Item::Enum(e) => enum_schema(e),
        Item::Ranged(r) => ranged_schema(r),
    }
}

fn struct_schema(
    model: &OperationModel<'_>,
    s: &Struct,
    refs: Refs,
    defs: &mut Map<String, Value>,
    visiting: &mut BTreeSet<String>,
) -> Value {
    visiting.insert(s.name.clone());
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in &s.fields {
        properties.insert(
            field.row.parameter.clone(),
            field_schema(model, field, refs, defs, visiting),
        );
        if field.required || field.row.constraints.required {
            required.push(Value::from(field.row.parameter.clone()));
        }
    }
    let mut schema = Map::new();
    schema.insert("description".into(), s.doc.clone().into());
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    if s.direction == Direction::Response {
        // Unknown fields are kept (forward compatibility); the validator reports them.
        schema.insert("additionalProperties".into(), true.into());
    }
    visiting.remove(&s.name);
    Value::Object(schema)
}

fn field_schema(
    model: &OperationModel<'_>,
    field: &Field,
    refs: Refs,
    defs: &mut Map<String, Value>,
    visiting: &mut BTreeSet<String>,
) -> Value {
    let c = &field.row.constraints;
    let base = type_schema(model, &field.ty, refs, defs, visiting);
    let nullable = !field.required && !c.required;
    let mut schema = Map::new();
    schema.insert("description".into(), field.row.description.clone().into());
    match base {
        Value::Object(mut base) if base.contains_key("$ref") => {
            if nullable {
                schema.insert(
                    "anyOf".into(),
                    json!([Value::Object(std::mem::take(&mut base)), {"type": "null"}]),
                );
            } else {
                schema.extend(base);
            }
        }
        Value::Object(mut base) => {
            if nullable && let Some(Value::String(ty)) = base.get("type").cloned() {
                base.insert("type".into(), json!([ty, "null"]));
            }
            schema.extend(base);
        }
        other => return other,
    }
    if let Some(format) = &c.format {
        schema.insert("format".into(), format.clone().into());
    }
    if let Some(min) = c.min_length {
        schema.insert("minLength".into(), min.into());
    }
    if let Some(max) = c.max_length {
        schema.insert("maxLength".into(), max.into());
    }
    if let Some(pattern) = &c.pattern {
        schema.insert("pattern".into(), pattern.clone().into());
    }
    if !matches!(field.ty, RustType::Named(_)) {
        if let Some(min) = &c.minimum {
            schema.insert("minimum".into(), Value::Number(min.clone()));
        }
        if let Some(max) = &c.maximum {
            schema.insert("maximum".into(), Value::Number(max.clone()));
        }
    }
    Value::Object(schema)
}

fn type_schema(
    model: &OperationModel<'_>,
    ty: &RustType,
    refs: Refs,
    defs: &mut Map<String, Value>,
    visiting: &mut BTreeSet<String>,
) -> Value {
    match ty {
        RustType::String | RustType::Secret => json!({"type": "string"}),
        RustType::DateTime => json!({"type": "string", "format": DATETIME_FORMAT}),
        RustType::I32 => json!({"type": "integer", "format": "int32"}),
        RustType::I64 => json!({"type": "integer", "format": "int64"}),
        RustType::F64 => json!({"type": "number", "format": "double"}),
        RustType::Bool => json!({"type": "boolean"}),
        RustType::Vec(inner) => {
            json!({"type": "array", "items": type_schema(model, inner, refs, defs, visiting)})
        }
        RustType::Named(name) => {
            if !defs.contains_key(name)
                && !visiting.contains(name)
                && let Some(item) = model.item(name)
            {
                // Reserve the slot first so that a type referring to itself ends.
                defs.insert(name.clone(), Value::Null);
                let schema = item_schema(model, item, refs, defs, visiting);
                defs.insert(name.clone(), schema);
            }
            json!({"$ref": format!("{}{name}", refs.0)})
        }
    }
}

pub fn enum_schema(e: &Enum) -> Value {
    json!({
        "description": e.doc,
        "type": "string",
        "enum": e.variants.iter().map(|(_, wire)| wire.as_str()).collect::<Vec<_>>(),
    })
}

pub fn ranged_schema(r: &Ranged) -> Value {
    let c = &r.row.constraints;
    let (ty, format) = match r.base {
        RustType::I32 => ("integer", "int32"),
        RustType::I64 => ("integer", "int64"),
        _ => ("number", "double"),
    };
    let mut schema = Map::new();
    schema.insert("description".into(), r.row.description.clone().into());
    schema.insert("type".into(), ty.into());
    schema.insert("format".into(), format.into());
    if let Some(min) = &c.minimum {
        schema.insert("minimum".into(), Value::Number(min.clone()));
    }
    if let Some(max) = &c.maximum {
        schema.insert("maximum".into(), Value::Number(max.clone()));
    }
    if let Some(default) = &c.default {
        schema.insert("default".into(), default.clone());
    }
    Value::Object(schema)
}
