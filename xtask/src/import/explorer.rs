//! Reads an API Explorer definition: the Swagger 2.0 document Huawei Cloud's API Explorer
//! serves for one operation (as republished in the `huawei-cloud-api-definitions-*` crates).
//!
//! Only what the spec can compare or hold is read: parameters with their schema keywords, the
//! body and response schemas with `$ref` and `allOf` resolved, descriptions, examples.

use serde_json::{Map, Number, Value};

use crate::spec::Location;

/// A definition that could not be read: where in the document (a JSON pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct ExplorerError {
    pub pointer: String,
    pub message: String,
}

fn error(pointer: impl Into<String>, message: impl Into<String>) -> ExplorerError {
    ExplorerError {
        pointer: pointer.into(),
        message: message.into(),
    }
}

/// One operation as API Explorer defines it.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub operation_id: String,
    /// `product_short` ("WorkspaceApp"): the suffix of the crate that republishes it.
    pub product: Option<String>,
    pub method: String,
    pub uri: String,
    /// Path, query and header parameters, in the document's order.
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    /// `x-request-examples-url-1` and `x-request-examples-1`.
    pub request_example: Option<(String, Value)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub schema: Schema,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub name: String,
    pub required: bool,
    pub schema: Schema,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub code: u16,
    pub description: String,
    pub schema: Option<Schema>,
    /// `examples."application/json"`.
    pub example: Option<Value>,
}

/// A schema with its references resolved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// The definition this schema was reached through (`AppConnectionInfo`).
    pub reference: Option<String>,
    pub ty: Option<String>,
    pub format: Option<String>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub default: Option<Value>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub enum_values: Option<Vec<Value>>,
    pub read_only: bool,
    pub description: Option<String>,
    pub example: Option<Value>,
    pub items: Option<Box<Schema>>,
    /// Object properties, in the document's order.
    pub properties: Vec<(String, Schema)>,
    pub required: Vec<String>,
}

impl Schema {
    pub fn property(&self, name: &str) -> Option<&Schema> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s)
    }

    /// The object this schema describes, looking through arrays.
    pub fn object(&self) -> Option<&Schema> {
        match &self.items {
            Some(items) => items.object(),
            None => (!self.properties.is_empty() || self.ty.as_deref() == Some("object"))
                .then_some(self),
        }
    }
}

pub fn parse(text: &str) -> Result<Definition, ExplorerError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| error("", format!("not JSON: {e}")))?;
    let definitions = doc
        .get("definitions")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| error("/paths", "the document has no `paths` object"))?;
    let mut found = Vec::new();
    for (uri, item) in paths {
        if let Some(item) = item.as_object() {
            for (method, op) in item {
                if op.is_object() {
                    found.push((uri.clone(), method.clone(), op));
                }
            }
        }
    }
    let [(uri, method, op)] = found.as_slice() else {
        return Err(error(
            "/paths",
            format!(
                "expected the definition of exactly one operation, found {}",
                found.len()
            ),
        ));
    };
    let pointer = format!("/paths/{}/{method}", escape_pointer(uri));
    let operation_id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| error(&pointer, "the operation has no `operationId`"))?
        .to_owned();
    let resolver = Resolver {
        definitions: &definitions,
        expanding: std::cell::RefCell::new(Vec::new()),
    };

    let mut parameters = Vec::new();
    let mut body = None;
    let list = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (index, parameter) in list.iter().enumerate() {
        let here = format!("{pointer}/parameters/{index}");
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| error(&here, "a parameter without `name`"))?
            .to_owned();
        let required = parameter
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let location = match parameter.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            Some("body") => {
                let schema = parameter
                    .get("schema")
                    .ok_or_else(|| error(&here, "the body parameter has no `schema`"))?;
                body = Some(Body {
                    name,
                    required,
                    schema: resolver.resolve(schema, &format!("{here}/schema"), 0)?,
                });
                continue;
            }
            other => {
                return Err(error(
                    &here,
                    format!("parameter `{name}` is in {other:?}, which the spec has no table for"),
                ));
            }
        };
        parameters.push(Parameter {
            name,
            location,
            required,
            schema: resolver.resolve(parameter, &here, 0)?,
        });
    }

    let mut responses = Vec::new();
    if let Some(list) = op.get("responses").and_then(Value::as_object) {
        for (code, response) in list {
            let here = format!("{pointer}/responses/{code}");
            let Ok(code) = code.parse::<u16>() else {
                // `default` and the like describe no documented status.
                continue;
            };
            let schema = match response.get("schema") {
                Some(schema) => Some(resolver.resolve(schema, &format!("{here}/schema"), 0)?),
                None => None,
            };
            responses.push(Response {
                code,
                description: response
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                schema,
                example: response
                    .get("examples")
                    .and_then(|e| e.get("application/json"))
                    .cloned(),
            });
        }
    }
    responses.sort_by_key(|r| r.code);

    let request_example = match (
        op.get("x-request-examples-url-1").and_then(Value::as_str),
        op.get("x-request-examples-1"),
    ) {
        (Some(url), body) => Some((url.to_owned(), body.cloned().unwrap_or(Value::Null))),
        _ => None,
    };

    Ok(Definition {
        operation_id,
        product: doc
            .get("product_short")
            .and_then(Value::as_str)
            .map(str::to_owned),
        method: method.to_ascii_uppercase(),
        uri: uri.clone(),
        parameters,
        body,
        responses,
        request_example,
    })
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

struct Resolver<'d> {
    definitions: &'d Map<String, Value>,
    /// The definitions being expanded: a reference back to one of them is left unexpanded.
    expanding: std::cell::RefCell<Vec<String>>,
}

impl Resolver<'_> {
    fn resolve(&self, node: &Value, pointer: &str, depth: usize) -> Result<Schema, ExplorerError> {
        if depth > 32 {
            return Err(error(pointer, "references nest too deep (a cycle?)"));
        }
        let Some(map) = node.as_object() else {
            return Err(error(pointer, "a schema is not an object"));
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let name = reference
                .strip_prefix("#/definitions/")
                .ok_or_else(|| error(pointer, format!("`$ref` {reference} is not local")))?;
            let target = self
                .definitions
                .get(name)
                .ok_or_else(|| error(pointer, format!("`$ref` {reference} names no definition")))?;
            if self.expanding.borrow().iter().any(|n| n == name) {
                // A recursive type: the reference stands for itself.
                return Ok(Schema {
                    reference: Some(name.to_owned()),
                    ty: Some("object".into()),
                    ..Schema::default()
                });
            }
            self.expanding.borrow_mut().push(name.to_owned());
            let expanded = self.resolve(target, &format!("/definitions/{name}"), depth + 1);
            self.expanding.borrow_mut().pop();
            let mut schema = expanded?;
            schema.reference = Some(name.to_owned());
            // Keywords next to a `$ref` describe this use of it.
            let local = self.resolve(
                &Value::Object(
                    map.iter()
                        .filter(|(k, _)| *k != "$ref")
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                pointer,
                depth + 1,
            )?;
            overlay(&mut schema, local);
            return Ok(schema);
        }
        let mut schema = Schema {
            ty: str_of(map, "type"),
            format: str_of(map, "format"),
            minimum: map.get("minimum").and_then(number_of),
            maximum: map.get("maximum").and_then(number_of),
            default: map.get("default").cloned(),
            min_length: map.get("minLength").and_then(Value::as_u64),
            max_length: map.get("maxLength").and_then(Value::as_u64),
            pattern: str_of(map, "pattern"),
            enum_values: map.get("enum").and_then(Value::as_array).cloned(),
            read_only: map
                .get("readOnly")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            description: str_of(map, "description"),
            example: map.get("example").or_else(|| map.get("x-example")).cloned(),
            required: map
                .get("required")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            ..Schema::default()
        };
        if let Some(items) = map.get("items") {
            schema.items = Some(Box::new(self.resolve(
                items,
                &format!("{pointer}/items"),
                depth + 1,
            )?));
        }
        if let Some(properties) = map.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let here = format!("{pointer}/properties/{}", escape_pointer(name));
                schema
                    .properties
                    .push((name.clone(), self.resolve(property, &here, depth + 1)?));
            }
        }
        if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
            for (index, part) in parts.iter().enumerate() {
                let part = self.resolve(part, &format!("{pointer}/allOf/{index}"), depth + 1)?;
                for (name, property) in part.properties {
                    if !schema.properties.iter().any(|(n, _)| *n == name) {
                        schema.properties.push((name, property));
                    }
                }
                for name in part.required {
                    if !schema.required.contains(&name) {
                        schema.required.push(name);
                    }
                }
                if schema.ty.is_none() {
                    schema.ty = part.ty;
                }
            }
            if schema.ty.is_none() {
                schema.ty = Some("object".into());
            }
        }
        if schema.ty.is_none() && !schema.properties.is_empty() {
            schema.ty = Some("object".into());
        }
        Ok(schema)
    }
}

/// Keywords set on `local` replace those of `schema`.
fn overlay(schema: &mut Schema, local: Schema) {
    macro_rules! take {
        ($($field:ident),*) => {$(
            if local.$field.is_some() {
                schema.$field = local.$field;
            }
        )*};
    }
    take!(
        ty,
        format,
        minimum,
        maximum,
        default,
        min_length,
        max_length,
        pattern,
        enum_values,
        description,
        example
    );
    schema.read_only |= local.read_only;
}

fn str_of(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn number_of(value: &Value) -> Option<Number> {
    match value {
        Value::Number(n) => Some(n.clone()),
        // Some definitions quote their bounds.
        Value::String(s) => s
            .parse::<i64>()
            .ok()
            .map(Number::from)
            .or_else(|| s.parse::<f64>().ok().and_then(Number::from_f64)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recursive_definitions_end() {
        let text = r##"{
            "definitions": {
                "Node": {"properties": {
                    "left": {"$ref": "#/definitions/Node"},
                    "right": {"$ref": "#/definitions/Node"},
                    "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}
                }}
            },
            "paths": {"/v1/nodes": {"get": {
                "operationId": "ListNodes",
                "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Node"}}}
            }}}
        }"##;
        let def = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let schema = def.responses[0]
            .schema
            .as_ref()
            .unwrap_or_else(|| panic!("no schema"));
        assert_eq!(schema.reference.as_deref(), Some("Node"));
        let left = schema.property("left").unwrap_or_else(|| panic!("no left"));
        assert_eq!(left.reference.as_deref(), Some("Node"));
        assert!(left.properties.is_empty());
    }

    #[test]
    fn documents_without_one_operation_are_refused() {
        let error = parse(r#"{"paths": {}}"#)
            .map(|d| d.operation_id)
            .unwrap_err();
        assert!(error.message.contains("exactly one operation"), "{error}");
        assert!(parse("not json").is_err());
    }
}
