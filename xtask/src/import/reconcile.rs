//! Merges an API Explorer definition into a spec read from the page, and names every point
//! where the two disagree as a [`Reconciliation`].
//!
//! Rules:
//! - What only API Explorer states and the row can hold (bounds, lengths, patterns, defaults,
//!   enumerations, formats, `required` of response fields) is added to the row, and the row's
//!   `from_explorer` names the key.
//! - What both state alike is left as the page has it.
//! - Where they differ, the page's value stays unless a reviewed reconciliation of that value
//!   says `follows = "explorer"`; either way the difference is a reconciliation entry.
//! - Differences the spec cannot express (a required body, `readOnly`, per-status error
//!   schemas, rules in explorer prose, ...) are reconciliation entries only.
//!
//! A re-import keeps the `follows` and `reason` of an entry whose id and statements are
//! unchanged: those two fields are the reviewer's.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::explorer::{Definition, Schema};
use super::page::prose::TIME_FORMAT;
use crate::spec::{
    ExampleResponse, Location, MatchMode, Reconciliation, Row, Spec, Table, TypeRef,
};
use crate::spec_write;

/// Keys whose disagreements a reviewer may settle either way (`follows = "page"` or
/// `"explorer"`).
const SETTLEABLE: &[&str] = &[
    "mandatory",
    "minimum",
    "maximum",
    "default",
    "enum",
    "match",
    "format",
    "min_length",
    "max_length",
    "pattern",
];

/// Formats of JSON Schema the spec knows without a `[formats]` entry.
const BUILTIN_FORMATS: &[&str] = &["date", "time", "email", "uri", "uuid", "ipv4", "ipv6"];

/// Words of API Explorer's (Chinese) descriptions that state a rule: must, only, at least, ...
const RULE_WORDS: &[&str] = &[
    "必须",
    "只支持",
    "仅支持",
    "不支持",
    "只能",
    "仅能",
    "不能",
    "不可",
    "至少",
    "最多",
    "不超过",
    "同时",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(pub String);

/// The merged spec and the entries that were not there before (to review).
pub struct Merged {
    pub spec: Spec,
    pub new_entries: Vec<String>,
}

/// Where a table's rows travel, as ids and subjects name it: `query`, `body`, `response.400`,
/// or an object's name.
pub fn table_where(table: &Table) -> String {
    match table.location {
        Location::Path => "path".into(),
        Location::Query => "query".into(),
        Location::Header => "header".into(),
        Location::Body => "body".into(),
        Location::Response => format!("response.{}", table.status.unwrap_or_default()),
        Location::Object => table.title.clone(),
    }
}

/// The id of a value disagreement on one row.
pub fn value_id(key: &str, table: &Table, parameter: &str) -> String {
    format!("{key}:{}.{parameter}", table_where(table))
}

/// A row key's value as JSON (`None` when the row does not have the key).
pub fn get_key(row: &Row, key: &str) -> Option<Value> {
    let c = &row.constraints;
    match key {
        "mandatory" => row.mandatory.map(Value::Bool),
        "minimum" => c.minimum.clone().map(Value::Number),
        "maximum" => c.maximum.clone().map(Value::Number),
        "default" => c.default.clone(),
        "enum" => c
            .enum_values
            .as_ref()
            .map(|v| Value::Array(v.iter().cloned().map(Value::String).collect())),
        "match" => c.match_mode.map(|m| {
            Value::String(
                match m {
                    MatchMode::Exact => "exact",
                    MatchMode::Fuzzy => "fuzzy",
                }
                .into(),
            )
        }),
        "format" => c.format.clone().map(Value::String),
        "min_length" => c.min_length.map(Value::from),
        "max_length" => c.max_length.map(Value::from),
        "pattern" => c.pattern.clone().map(Value::String),
        "required" => c.required.then_some(Value::Bool(true)),
        _ => None,
    }
}

/// Sets (or, with `None`, removes) a row key from its JSON value.
pub fn set_key(row: &mut Row, key: &str, value: Option<Value>) {
    let c = &mut row.constraints;
    match key {
        "mandatory" => row.mandatory = value.and_then(|v| v.as_bool()),
        "minimum" => c.minimum = value.and_then(|v| v.as_number().cloned()),
        "maximum" => c.maximum = value.and_then(|v| v.as_number().cloned()),
        "default" => c.default = value,
        "enum" => {
            c.enum_values = value.and_then(|v| {
                v.as_array().map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect()
                })
            })
        }
        "match" => {
            c.match_mode = value.and_then(|v| match v.as_str() {
                Some("fuzzy") => Some(MatchMode::Fuzzy),
                Some("exact") => Some(MatchMode::Exact),
                _ => None,
            })
        }
        "format" => c.format = value.and_then(|v| v.as_str().map(str::to_owned)),
        "min_length" => c.min_length = value.and_then(|v| v.as_u64()),
        "max_length" => c.max_length = value.and_then(|v| v.as_u64()),
        "pattern" => c.pattern = value.and_then(|v| v.as_str().map(str::to_owned)),
        "required" => c.required = value.and_then(|v| v.as_bool()).unwrap_or(false),
        _ => {}
    }
}

/// `maximum = 100`: how a value disagreement states each side; read back by [`parse_statement`].
pub fn statement(key: &str, value: &Value) -> String {
    format!("{key} = {}", spec_write::value(value))
}

/// The value of a statement written by [`statement`].
pub fn parse_statement(key: &str, text: &str) -> Option<Value> {
    let table: toml::Table = toml::from_str(text).ok()?;
    serde_json::to_value(table.get(key)?).ok()
}

/// Removes what a previous `import explorer` added: the keys rows list in `from_explorer`
/// (restoring the page's value where a reviewed entry had followed API Explorer's), the
/// examples API Explorer supplied, and the reconciliations (returned, to keep their reviews).
pub fn strip(spec: &mut Spec) -> Vec<Reconciliation> {
    let previous = std::mem::take(&mut spec.reconciliations);
    for table in &mut spec.tables {
        let where_ = table_where(table);
        for row in &mut table.rows {
            for key in std::mem::take(&mut row.from_explorer) {
                let id = format!("{key}:{where_}.{}", row.parameter);
                let page_value = previous
                    .iter()
                    .find(|r| r.id == id && r.follows == "explorer")
                    .and_then(|r| parse_statement(&key, &r.page));
                set_key(row, &key, page_value);
            }
        }
    }
    spec.example.response.retain(|e| e.source.is_none());
    previous
}

/// One disagreement, before entries with the same statements are grouped.
#[derive(Clone, Debug)]
struct Finding {
    kind: String,
    /// (table number, where, parameter) of each row it is about; empty for the operation.
    rows: Vec<(u32, String, String)>,
    /// For findings about the operation (no rows): what they are about.
    subject: String,
    page: String,
    explorer: String,
    follows: String,
    reason: String,
    /// Value disagreements stay one entry per row (their id is looked up by the merge).
    groupable: bool,
    /// The id, when fixed by the kind (value disagreements).
    id: Option<String>,
}

struct Merger<'a> {
    spec: Spec,
    def: &'a Definition,
    previous: &'a [Reconciliation],
    findings: Vec<Finding>,
    read_only: Vec<String>,
    not_read_only: Vec<String>,
    visited: BTreeSet<String>,
}

pub fn merge(
    spec: Spec,
    def: &Definition,
    previous: &[Reconciliation],
) -> Result<Merged, MergeError> {
    if def.operation_id != spec.operation.name {
        return Err(MergeError(format!(
            "the definition is of operation `{}`, the spec of `{}`",
            def.operation_id, spec.operation.name
        )));
    }
    let mut m = Merger {
        spec,
        def,
        previous,
        findings: Vec::new(),
        read_only: Vec::new(),
        not_read_only: Vec::new(),
        visited: BTreeSet::new(),
    };
    m.operation();
    m.parameters();
    m.body();
    m.responses();
    m.examples();
    m.read_only_finding();
    m.finish()
}

impl Merger<'_> {
    fn op_finding(
        &mut self,
        kind: &str,
        subject: &str,
        page: String,
        explorer: String,
        reason: &str,
    ) {
        // `kind:target` names the entry after what it is about.
        let (kind, id) = match kind.split_once(':') {
            Some((short, _)) => (short, Some(kind.to_owned())),
            None => (kind, None),
        };
        self.findings.push(Finding {
            kind: kind.into(),
            rows: Vec::new(),
            subject: subject.into(),
            page,
            explorer,
            follows: "page".into(),
            reason: reason.into(),
            groupable: false,
            id,
        });
    }

    fn row_finding(
        &mut self,
        kind: &str,
        t: usize,
        parameter: &str,
        (page, explorer): (String, String),
        follows: &str,
        reason: String,
    ) {
        let table = &self.spec.tables[t];
        self.findings.push(Finding {
            kind: kind.into(),
            rows: vec![(table.number, table_where(table), parameter.to_owned())],
            subject: String::new(),
            page,
            explorer,
            follows: follows.into(),
            reason,
            groupable: true,
            id: None,
        });
    }

    fn operation(&mut self) {
        let op = &self.spec.operation;
        if self.def.method != op.method {
            let (page, explorer) = (op.method.clone(), self.def.method.clone());
            self.op_finding("method", "URI", page, explorer, "The page is followed.");
        }
        let op = &self.spec.operation;
        if self.def.uri != op.uri {
            let (page, explorer) = (op.uri.clone(), self.def.uri.clone());
            self.op_finding("uri", "URI", page, explorer, "The page is followed.");
        }
    }

    fn table_index(&self, location: Location) -> Option<usize> {
        self.spec.tables.iter().position(|t| t.location == location)
    }

    fn parameters(&mut self) {
        for location in [Location::Path, Location::Query, Location::Header] {
            let same = |a: &str, b: &str| {
                if location == Location::Header {
                    a.eq_ignore_ascii_case(b)
                } else {
                    a == b
                }
            };
            let params: Vec<_> = self
                .def
                .parameters
                .iter()
                .filter(|p| p.location == location)
                .collect();
            let t = self.table_index(location);
            if let Some(t) = t {
                for r in 0..self.spec.tables[t].rows.len() {
                    let name = self.spec.tables[t].rows[r].parameter.clone();
                    match params.iter().find(|p| same(&p.name, &name)) {
                        Some(p) => self.row(t, r, &p.schema, p.required, false),
                        None => self.row_finding(
                            "only-on-page",
                            t,
                            &name,
                            ("documented".into(), "no such parameter".into()),
                            "page",
                            "The page documents it and API Explorer does not; the spec follows \
                             the page."
                                .into(),
                        ),
                    }
                }
            }
            for p in params {
                let known = t.is_some_and(|t| {
                    self.spec.tables[t]
                        .rows
                        .iter()
                        .any(|r| same(&r.parameter, &p.name))
                });
                if !known {
                    let subject = match t {
                        Some(t) => format!("{} {}", self.spec.tables[t].label(), p.name),
                        None => format!("{location:?} parameter {}", p.name),
                    };
                    let where_ = format!("{location:?}").to_ascii_lowercase();
                    self.op_finding(
                        &format!("only-in-explorer:{where_}.{}", p.name),
                        &subject,
                        "not documented".into(),
                        describe_schema(&p.schema),
                        "Not on the page: the spec holds what the page documents. Confirm it \
                         upstream before relying on it.",
                    );
                }
            }
        }
    }

    fn body(&mut self) {
        let t = self.table_index(Location::Body);
        match (t, &self.def.body) {
            (Some(t), Some(body)) => {
                let any_mandatory = self.spec.tables[t]
                    .rows
                    .iter()
                    .any(|r| r.mandatory == Some(true));
                if body.required && !any_mandatory {
                    let label = self.spec.tables[t].label();
                    self.op_finding(
                        "body-required",
                        &format!("{label}: the body itself"),
                        "no row is mandatory (every field is optional)".into(),
                        format!(
                            "body parameter `{}` has `required: true`{}",
                            body.name,
                            if body.schema.required.is_empty() {
                                ", its schema requires no property"
                            } else {
                                ""
                            }
                        ),
                        "Every body field is optional, so `{}` satisfies both: the models always \
                         serialise a body (`{}` at least), and the reference server reads a \
                         request without a body as `{}`.",
                    );
                }
                let schema = body.schema.clone();
                self.object(t, &schema, false);
            }
            (Some(t), None) => {
                let label = self.spec.tables[t].label();
                self.op_finding(
                    "only-on-page:body",
                    &label,
                    "a request body table".into(),
                    "no body parameter".into(),
                    "The page documents a body; the spec follows the page.",
                );
            }
            (None, Some(body)) => {
                self.op_finding(
                    "only-in-explorer:body",
                    "Request body",
                    "no request body table".into(),
                    format!(
                        "body parameter `{}`: {}",
                        body.name,
                        describe_schema(&body.schema)
                    ),
                    "Not on the page: the spec holds what the page documents.",
                );
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self) {
        let page_codes: Vec<u16> = self.spec.statuses.iter().map(|s| s.code).collect();
        let explorer_codes: Vec<u16> = self.def.responses.iter().map(|r| r.code).collect();
        if page_codes != explorer_codes {
            self.op_finding(
                "status-codes",
                "Status Codes",
                codes(&page_codes),
                codes(&explorer_codes),
                "The page's Status Codes table is followed.",
            );
        }
        let tables: Vec<usize> = (0..self.spec.tables.len())
            .filter(|&t| self.spec.tables[t].location == Location::Response)
            .collect();
        for &t in &tables {
            let status = self.spec.tables[t].status.unwrap_or_default();
            let Some(response) = self.def.responses.iter().find(|r| r.code == status) else {
                continue;
            };
            match &response.schema {
                Some(schema) => {
                    let schema = schema.clone();
                    self.object(t, &schema, true);
                }
                None => {
                    let label = self.spec.tables[t].label();
                    self.op_finding(
                        &format!("only-on-page:response.{status}"),
                        &label,
                        "a response body table".into(),
                        format!("status {status} has no schema"),
                        "The page documents a body; the spec follows the page.",
                    );
                }
            }
        }

        // Error bodies: one shape on the page, one definition per status in API Explorer.
        let errors: Vec<usize> = tables
            .iter()
            .copied()
            .filter(|&t| self.spec.tables[t].status.is_some_and(|s| s >= 400))
            .collect();
        let shared = errors.len() > 1
            && errors
                .iter()
                .all(|&t| self.spec.tables[t].rows == self.spec.tables[errors[0]].rows);
        let references: Vec<(u16, String)> = errors
            .iter()
            .filter_map(|&t| {
                let status = self.spec.tables[t].status?;
                let schema = self
                    .def
                    .responses
                    .iter()
                    .find(|r| r.code == status)?
                    .schema
                    .as_ref()?;
                Some((status, schema.reference.clone()?))
            })
            .collect();
        let distinct: BTreeSet<&String> = references.iter().map(|(_, r)| r).collect();
        if shared && distinct.len() > 1 {
            let numbers: Vec<u32> = errors.iter().map(|&t| self.spec.tables[t].number).collect();
            let statuses: Vec<u16> = errors
                .iter()
                .filter_map(|&t| self.spec.tables[t].status)
                .collect();
            let rows: Vec<String> = self.spec.tables[errors[0]]
                .rows
                .iter()
                .map(|r| format!("`{}`", r.parameter))
                .collect();
            let shapes: BTreeSet<Vec<(String, Option<String>)>> = references
                .iter()
                .filter_map(|(status, _)| {
                    let schema = self
                        .def
                        .responses
                        .iter()
                        .find(|r| r.code == *status)?
                        .schema
                        .as_ref()?;
                    Some(
                        schema
                            .properties
                            .iter()
                            .map(|(n, s)| (n.clone(), s.ty.clone()))
                            .collect(),
                    )
                })
                .collect();
            let named: Vec<String> = references
                .iter()
                .map(|(status, name)| format!("{status} {name}"))
                .collect();
            let same = if shapes.len() == 1 {
                "the same properties; only their examples differ"
            } else {
                "their properties differ"
            };
            self.op_finding(
                "error-schemas",
                &format!("{} (error responses)", tables_label(&numbers)),
                format!(
                    "one table shape ({}) for statuses {}",
                    rows.join(", "),
                    codes(&statuses)
                ),
                format!("a definition per status: {}; {same}", named.join(", ")),
                "The page's rows are the same under every error status, so the models share one \
                 error type. API Explorer's example error codes are kept as example responses \
                 (`source = \"explorer\"`) where the page has none.",
            );
        }
    }

    /// Compares the rows of table `t` with the properties of `schema`.
    fn object(&mut self, t: usize, schema: &Schema, response: bool) {
        let names: Vec<String> = self.spec.tables[t]
            .rows
            .iter()
            .map(|r| r.parameter.clone())
            .collect();
        for (r, name) in names.iter().enumerate() {
            match schema.property(name) {
                Some(property) => {
                    let required = schema.required.contains(name);
                    let property = property.clone();
                    self.row(t, r, &property, required, response);
                }
                None => self.row_finding(
                    "only-on-page",
                    t,
                    name,
                    (
                        "documented".into(),
                        format!(
                            "no such property{}",
                            schema
                                .reference
                                .as_ref()
                                .map(|r| format!(" in {r}"))
                                .unwrap_or_default()
                        ),
                    ),
                    "page",
                    "The page documents it and API Explorer does not; the spec follows the page."
                        .into(),
                ),
            }
        }
        for (name, property) in &schema.properties {
            if !names.contains(name) {
                let label = self.spec.tables[t].label();
                let where_ = table_where(&self.spec.tables[t]);
                self.op_finding(
                    &format!("only-in-explorer:{where_}.{name}"),
                    &format!("{label} {name}"),
                    "not documented".into(),
                    describe_schema(property),
                    "Not on the page: the spec holds what the page documents. Confirm it upstream \
                     before relying on it.",
                );
            }
        }
    }

    fn previous_follows(&self, id: &str, page: &str, explorer: &str) -> Option<&str> {
        self.previous
            .iter()
            .find(|r| r.id == id && r.page == page && r.explorer == explorer)
            .map(|r| r.follows.as_str())
    }

    /// Merges what API Explorer says of one property into row `r` of table `t`.
    fn row(&mut self, t: usize, r: usize, p: &Schema, required: bool, response: bool) {
        let table = self.spec.tables[t].clone();
        let row = table.rows[r].clone();
        let name = row.parameter.clone();
        if response {
            let label = format!("Table {} {}", table.number, name);
            if p.read_only {
                self.read_only.push(label);
            } else {
                self.not_read_only.push(label);
            }
        }
        if !compatible(&row.ty, p) {
            self.row_finding(
                "type",
                t,
                &name,
                (
                    format!("type = {}", spec_write::string(&row.type_word)),
                    describe_schema(p),
                ),
                "page",
                "The page's type is kept; API Explorer's keywords for the field are not merged."
                    .into(),
            );
            return;
        }
        // Nested objects: follow the reference into the object's own table.
        if let (Some(object), Some(inner)) = (row.ty.object_name(), p.object())
            && let Some(ot) = self
                .spec
                .tables
                .iter()
                .position(|x| x.location == Location::Object && x.title == object)
            && self.visited.insert(object.to_owned())
        {
            let inner = inner.clone();
            self.object(ot, &inner, response);
        }

        // Mandatory (requests) and required (responses).
        if table.location.is_request() || row.mandatory.is_some() {
            if let Some(mandatory) = row.mandatory
                && mandatory != required
            {
                self.settle(
                    t,
                    r,
                    "mandatory",
                    &Value::Bool(mandatory),
                    &Value::Bool(required),
                );
            }
        } else if row.constraints.required && !required {
            self.row_finding(
                "required",
                t,
                &name,
                (
                    format!(
                        "required = true: the description says `{}`",
                        row.description
                    ),
                    format!(
                        "not listed in `required`{}",
                        p.description
                            .as_ref()
                            .map(|d| format!("; description `{d}`"))
                            .unwrap_or_default()
                    ),
                ),
                "page",
                "Both describe the field as returned on failure; the spec reads that as always \
                 present, so the schemas require it. The models still read a body without it \
                 (responses are read leniently)."
                    .into(),
            );
        } else if !row.constraints.required && required {
            self.add(t, r, "required", Value::Bool(true));
        }

        let is_string = row.ty == TypeRef::String;
        let enumerated = row.constraints.enum_values.is_some();
        let mut implied = Vec::new();

        // Bounds, lengths, pattern, default.
        let pairs: [(&str, Option<Value>); 6] = [
            ("minimum", p.minimum.clone().map(Value::Number)),
            ("maximum", p.maximum.clone().map(Value::Number)),
            ("default", p.default.clone()),
            ("min_length", p.min_length.map(Value::from)),
            ("max_length", p.max_length.map(Value::from)),
            ("pattern", p.pattern.clone().map(Value::String)),
        ];
        for (key, explorer) in pairs {
            let page = get_key(&row, key);
            let applies = match key {
                "minimum" | "maximum" => row.ty.is_numeric(),
                "default" => explorer.as_ref().is_some_and(|v| fits(&row.ty, v)),
                _ => is_string && !enumerated,
            };
            match (page, explorer) {
                (None, Some(explorer)) if applies => self.add(t, r, key, explorer),
                (None, Some(explorer)) => {
                    if is_string && enumerated && key != "default" {
                        implied.push(format!(
                            "{} {}",
                            schema_word(key),
                            spec_write::value(&explorer)
                        ));
                    } else {
                        self.row_finding(
                            "not-applicable",
                            t,
                            &name,
                            (
                                format!("type = {}", spec_write::string(&row.type_word)),
                                format!("{} {}", schema_word(key), spec_write::value(&explorer)),
                            ),
                            "page",
                            "The row cannot hold this keyword (its type does not allow it); not \
                             copied."
                                .into(),
                        );
                    }
                }
                (Some(page), Some(explorer)) if !same_value(&page, &explorer) => {
                    if applies {
                        self.settle(t, r, key, &page, &explorer);
                    } else {
                        self.row_finding(
                            "not-applicable",
                            t,
                            &name,
                            (
                                statement(key, &page),
                                format!("{} {}", schema_word(key), spec_write::value(&explorer)),
                            ),
                            "page",
                            "API Explorer's value does not fit the row's type; the page's is \
                             kept."
                                .into(),
                        );
                    }
                }
                (Some(page), None) if key != "default" || !response => {
                    self.row_finding(
                        "not-in-explorer",
                        t,
                        &name,
                        (statement(key, &page), format!("no {}", schema_word(key))),
                        "page",
                        "API Explorer's schema does not state it; the page does, so the spec \
                         keeps it."
                            .into(),
                    );
                }
                _ => {}
            }
        }

        // Enumerations.
        let explorer_enum: Option<Vec<String>> = p.enum_values.as_ref().map(|values| {
            values
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        });
        match (&row.constraints.enum_values, explorer_enum) {
            (None, Some(values)) if is_string => {
                self.add(t, r, "enum", Value::from(values));
            }
            (Some(page), Some(values)) => {
                let a: BTreeSet<&String> = page.iter().collect();
                let b: BTreeSet<&String> = values.iter().collect();
                if a != b {
                    self.settle(
                        t,
                        r,
                        "enum",
                        &Value::from(page.clone()),
                        &Value::from(values),
                    );
                }
            }
            (Some(page), None) => {
                let listed = listed_values(p.description.as_deref().unwrap_or_default());
                let mut explorer = String::from("no `enum`");
                if !implied.is_empty() {
                    explorer.push_str(&format!("; {}", implied.join(", ")));
                }
                if !listed.is_empty() {
                    explorer.push_str(&format!("; the description lists {}", backticked(&listed)));
                }
                let example = p.example.as_ref().and_then(Value::as_str);
                let foreign_example = example.filter(|e| !page.iter().any(|v| v == e));
                if let Some(example) = foreign_example {
                    explorer.push_str(&format!("; example `{example}`"));
                }
                let same_list = {
                    let a: BTreeSet<&String> = page.iter().collect();
                    let b: BTreeSet<&String> = listed.iter().collect();
                    !listed.is_empty() && a == b
                };
                let mut reason = String::from("The enumeration is the page's");
                if same_list {
                    reason.push_str(
                        "; API Explorer's description lists the same values, only its schema \
                         leaves the string open",
                    );
                }
                reason.push('.');
                if !implied.is_empty() {
                    reason.push_str(" Length bounds are implied by the values and not copied.");
                }
                if foreign_example.is_some() {
                    reason.push_str(" API Explorer's example is not one of the values.");
                }
                self.row_finding(
                    "enum",
                    t,
                    &name,
                    (statement("enum", &Value::from(page.clone())), explorer),
                    "page",
                    reason,
                );
            }
            _ => {}
        }

        // Formats.
        if let Some(format) = p.format.as_deref()
            && p.ty.as_deref() == Some("string")
        {
            self.format(t, r, format, p, response);
        }

        // Matching, as the description states it.
        let description = p.description.clone().unwrap_or_default();
        if table.location.is_request() && description.contains("模糊") {
            match row.constraints.match_mode {
                None => self.add(t, r, "match", Value::String("fuzzy".into())),
                Some(MatchMode::Exact) => self.settle(
                    t,
                    r,
                    "match",
                    &Value::String("exact".into()),
                    &Value::String("fuzzy".into()),
                ),
                Some(MatchMode::Fuzzy) => {}
            }
        }

        // Rules stated only in API Explorer's prose.
        let clauses = clauses(&description);
        let rest: Vec<&String> = clauses
            .iter()
            .enumerate()
            .filter(|(i, c)| (*i > 0 || is_rule(c)) && !is_mapped(c))
            .map(|(_, c)| c)
            .collect();
        if rest.iter().any(|c| is_rule(c)) {
            let quoted: Vec<String> = rest.iter().map(|c| format!("`{c}`")).collect();
            self.row_finding(
                "explorer-rule",
                t,
                &name,
                (
                    "not stated".into(),
                    format!("the description says {}", quoted.join("; ")),
                ),
                "page",
                "API Explorer's description states a rule the page does not; the spec has no key \
                 for it, so it is recorded here and not enforced."
                    .into(),
            );
        }
    }

    fn format(&mut self, t: usize, r: usize, format: &str, p: &Schema, response: bool) {
        let row = self.spec.tables[t].rows[r].clone();
        let page_format = row.constraints.format.clone();
        let name = row.parameter.clone();
        if format == "date-time" {
            let mut explorer = String::from("format `date-time` (RFC 3339)");
            let description = p.description.clone().unwrap_or_default();
            if let Some(clause) = clauses(&description)
                .into_iter()
                .find(|c| c.contains("格式"))
            {
                explorer.push_str(&format!("; description `{clause}`"));
            }
            match page_format.as_deref() {
                Some(TIME_FORMAT) => {
                    // The page's forms (prose and examples) against RFC 3339: no disagreement
                    // when every form the page shows is one.
                    let mut page_forms = self.example_forms(t, &name);
                    if let Some(value) = prose_time_value(&row.description) {
                        page_forms.push(time_form(&value));
                    }
                    if !page_forms.is_empty()
                        && page_forms.iter().all(|f| f.starts_with("RFC 3339"))
                    {
                        return;
                    }
                    if let Some(example) = p.example.as_ref().and_then(Value::as_str) {
                        explorer.push_str(&format!("; example {}", time_form(example)));
                    }
                    let mut page = match format_sentence(&row.description) {
                        Some(sentence) => format!("prose `{sentence}`"),
                        None => "a time".to_owned(),
                    };
                    let forms = self.example_forms(t, &name);
                    if !forms.is_empty() {
                        page.push_str(&format!("; the example request sends {}", forms.join(", ")));
                    }
                    self.row_finding(
                        "time-format",
                        t,
                        &name,
                        (page, explorer),
                        "project",
                        "Format `huaweicloud-datetime` ([formats]) accepts every form in use: the \
                         page's prose form (read as UTC), RFC 3339 with `Z` as API Explorer and \
                         the examples write it, and with an offset such as `+00:00` as the \
                         official SDK sends it."
                            .into(),
                    );
                }
                None => {
                    self.add(t, r, "format", Value::String(TIME_FORMAT.into()));
                    let mut reason = String::from(
                        "API Explorer types the field as a time and the page does not say \
                         otherwise; the project's time format is used rather than strict RFC \
                         3339, as for the request's times.",
                    );
                    if response {
                        reason.push_str(
                            " The models keep the field a string (responses are read \
                             leniently); the schemas check the format.",
                        );
                    }
                    self.row_finding(
                        "time-format",
                        t,
                        &name,
                        ("no format stated".into(), explorer),
                        "project",
                        reason,
                    );
                }
                Some(other) => {
                    let other = other.to_owned();
                    self.settle(
                        t,
                        r,
                        "format",
                        &Value::String(other),
                        &Value::String(format.into()),
                    );
                }
            }
            return;
        }
        if !BUILTIN_FORMATS.contains(&format) {
            self.row_finding(
                "not-applicable",
                t,
                &name,
                ("no format".into(), format!("format `{format}`")),
                "page",
                "Not a format the spec knows; not copied.".into(),
            );
            return;
        }
        match page_format {
            None => self.add(t, r, "format", Value::String(format.into())),
            Some(page) if page != format => self.settle(
                t,
                r,
                "format",
                &Value::String(page),
                &Value::String(format.into()),
            ),
            Some(_) => {}
        }
    }

    /// The forms of a body row's values in the page's example requests.
    fn example_forms(&self, t: usize, name: &str) -> Vec<String> {
        if self.spec.tables[t].location != Location::Body {
            return Vec::new();
        }
        let mut forms = Vec::new();
        for example in &self.spec.example.request {
            let value = example
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<Value>(b).ok());
            if let Some(Value::String(s)) = value.as_ref().and_then(|v| v.get(name)) {
                let form = time_form(s);
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        forms
    }

    /// Adds an explorer-only key to a row.
    fn add(&mut self, t: usize, r: usize, key: &str, value: Value) {
        let row = &mut self.spec.tables[t].rows[r];
        set_key(row, key, Some(value));
        if !row.from_explorer.iter().any(|k| k == key) {
            row.from_explorer.push(key.to_owned());
        }
        // Keep the keys in the canonical order of the file.
        row.from_explorer.sort_by_key(|k| {
            crate::spec::EXPLORER_KEYS
                .iter()
                .position(|x| x == k)
                .unwrap_or(usize::MAX)
        });
    }

    /// A value both sources state differently: an entry, and the value the entry follows.
    fn settle(&mut self, t: usize, r: usize, key: &str, page: &Value, explorer: &Value) {
        let table = &self.spec.tables[t];
        let name = table.rows[r].parameter.clone();
        let id = value_id(key, table, &name);
        let page_text = statement(key, page);
        let explorer_text = statement(key, explorer);
        let follows = self
            .previous_follows(&id, &page_text, &explorer_text)
            .unwrap_or("page")
            .to_owned();
        if follows == "explorer" {
            self.add(t, r, key, explorer.clone());
        }
        let table = &self.spec.tables[t];
        self.findings.push(Finding {
            kind: key.into(),
            rows: vec![(table.number, table_where(table), name)],
            subject: String::new(),
            page: page_text,
            explorer: explorer_text,
            follows,
            reason: "The page is the published reference and its value is kept; a reviewer may \
                     set follows = \"explorer\" to take API Explorer's."
                .into(),
            groupable: false,
            id: Some(id),
        });
    }

    fn examples(&mut self) {
        // Request example.
        if let Some((url, body)) = &self.def.request_example
            && let Some(page) = self.spec.example.request.first()
        {
            let page_line = format!("{} {}", page.method, page.uri);
            let page_body = page
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<Value>(b).ok())
                .unwrap_or(Value::Null);
            if page_line != *url || !same_modulo_translation(&page_body, body) {
                self.op_finding(
                    "example-request",
                    "Example Requests",
                    page_line,
                    url.clone(),
                    "The page's example is kept.",
                );
            }
        }
        // Response examples.
        let mut added = Vec::new();
        for response in &self.def.responses {
            let page = self
                .spec
                .example
                .response
                .iter()
                .find(|e| e.status == response.code);
            match page {
                Some(page) => {
                    let Some(explorer) = &response.example else {
                        continue;
                    };
                    let page_body = page
                        .body
                        .as_deref()
                        .and_then(|b| serde_json::from_str::<Value>(b).ok())
                        .unwrap_or(Value::Null);
                    if !same_modulo_translation(&page_body, explorer) {
                        self.op_finding(
                            "example-response",
                            &format!("Example Responses, status {}", response.code),
                            "the page's example body".into(),
                            "a different example body".into(),
                            "The page's example is kept.",
                        );
                    }
                }
                None => {
                    let body = response
                        .example
                        .clone()
                        .or_else(|| response.schema.as_ref().and_then(example_from_properties));
                    if let Some(body) = body {
                        added.push(ExampleResponse {
                            status: response.code,
                            description: None,
                            body: Some(serde_json::to_string_pretty(&body).unwrap_or_default()),
                            source: Some("explorer".into()),
                        });
                    }
                }
            }
        }
        self.spec.example.response.extend(added);
    }

    fn read_only_finding(&mut self) {
        if self.read_only.is_empty() {
            return;
        }
        let total = self.read_only.len() + self.not_read_only.len();
        let mut explorer = if self.not_read_only.is_empty() {
            format!("`readOnly: true` on all {total} response fields")
        } else {
            format!(
                "`readOnly: true` on {} of {total} response fields; not on {}",
                self.read_only.len(),
                self.not_read_only.join(", ")
            )
        };
        if explorer.len() > 400 {
            explorer.truncate(
                explorer
                    .char_indices()
                    .take(400)
                    .last()
                    .map(|(i, _)| i)
                    .unwrap_or(0),
            );
            explorer.push_str(" ...");
        }
        self.op_finding(
            "read-only",
            "Response tables",
            "no read-only marker (the fields are in response tables)".into(),
            explorer,
            "Response fields are sent by the server only, which their tables already say; the \
             spec has no key for readOnly.",
        );
    }

    fn finish(self) -> Result<Merged, MergeError> {
        let Merger {
            mut spec,
            findings,
            previous,
            ..
        } = self;

        // Group findings with the same statements.
        let mut groups: Vec<Finding> = Vec::new();
        for finding in findings {
            if finding.groupable
                && let Some(group) = groups.iter_mut().find(|g| {
                    g.groupable
                        && g.kind == finding.kind
                        && g.page == finding.page
                        && g.explorer == finding.explorer
                        && g.follows == finding.follows
                        && g.reason == finding.reason
                })
            {
                group.rows.extend(finding.rows);
                continue;
            }
            groups.push(finding);
        }

        let mut entries: Vec<Reconciliation> = Vec::new();
        let mut new_entries = Vec::new();
        let mut ids = BTreeMap::<String, usize>::new();
        for group in groups {
            let mut id = group.id.clone().unwrap_or_else(|| group_id(&group));
            let count = ids.entry(id.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                id = format!("{id}#{count}");
            }
            let subject = if group.rows.is_empty() {
                group.subject.clone()
            } else {
                rows_subject(&group.rows)
            };
            let mut entry = Reconciliation {
                id,
                subject,
                page: group.page.clone(),
                explorer: group.explorer.clone(),
                follows: group.follows.clone(),
                reason: group.reason.clone(),
            };
            let settleable = group.id.is_some() && SETTLEABLE.contains(&group.kind.as_str());
            match previous
                .iter()
                .find(|r| r.id == entry.id && r.page == entry.page && r.explorer == entry.explorer)
            {
                Some(old) => {
                    let allowed = if settleable {
                        old.follows == "page" || old.follows == "explorer"
                    } else {
                        old.follows == entry.follows
                    };
                    if !allowed {
                        return Err(MergeError(format!(
                            "reconciliation `{}`: follows = \"{}\" cannot be applied here; the \
                             importer follows \"{}\"{}",
                            entry.id,
                            old.follows,
                            entry.follows,
                            if settleable {
                                " or \"explorer\""
                            } else {
                                " for this kind of difference"
                            }
                        )));
                    }
                    entry.follows = old.follows.clone();
                    entry.reason = old.reason.clone();
                }
                None => new_entries.push(entry.id.clone()),
            }
            entries.push(entry);
        }
        spec.reconciliations = entries;
        Ok(Merged { spec, new_entries })
    }
}

fn group_id(group: &Finding) -> String {
    if group.rows.is_empty() {
        return group.kind.clone();
    }
    let wheres: BTreeSet<&String> = group.rows.iter().map(|(_, w, _)| w).collect();
    let params: Vec<&String> = {
        let mut seen = Vec::new();
        for (_, _, p) in &group.rows {
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
        seen
    };
    let target = if wheres.len() == 1 {
        let where_ = wheres.iter().next().map(|w| w.as_str()).unwrap_or_default();
        let names: Vec<&str> = params.iter().map(|p| p.as_str()).collect();
        format!("{where_}.{}", names.join("+"))
    } else if params.len() == 1 {
        params[0].clone()
    } else {
        group
            .rows
            .iter()
            .map(|(_, w, p)| format!("{w}.{p}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!("{}:{target}", group.kind)
}

/// "Table 4 brokering_start_time, brokering_end_time", "Tables 7-14 error_code".
fn rows_subject(rows: &[(u32, String, String)]) -> String {
    let mut by_table: Vec<(u32, Vec<&str>)> = Vec::new();
    for (number, _, param) in rows {
        match by_table.iter_mut().find(|(n, _)| n == number) {
            Some((_, params)) => params.push(param),
            None => by_table.push((*number, vec![param])),
        }
    }
    let mut by_params: Vec<(Vec<&str>, Vec<u32>)> = Vec::new();
    for (number, params) in by_table {
        match by_params.iter_mut().find(|(p, _)| *p == params) {
            Some((_, numbers)) => numbers.push(number),
            None => by_params.push((params, vec![number])),
        }
    }
    by_params
        .iter()
        .map(|(params, numbers)| format!("{} {}", tables_label(numbers), params.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// "Table 4", "Tables 7-14", "Tables 5, 9".
fn tables_label(numbers: &[u32]) -> String {
    if numbers.len() == 1 {
        return format!("Table {}", numbers[0]);
    }
    let contiguous = numbers.windows(2).all(|w| w[1] == w[0] + 1);
    if contiguous {
        format!("Tables {}-{}", numbers[0], numbers[numbers.len() - 1])
    } else {
        let list: Vec<String> = numbers.iter().map(u32::to_string).collect();
        format!("Tables {}", list.join(", "))
    }
}

fn codes(codes: &[u16]) -> String {
    codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn backticked(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The JSON Schema keyword a spec key corresponds to, for statements about API Explorer.
fn schema_word(key: &str) -> &str {
    match key {
        "min_length" => "minLength",
        "max_length" => "maxLength",
        other => other,
    }
}

/// A one-line account of an explorer schema, for entries.
fn describe_schema(s: &Schema) -> String {
    let mut parts = Vec::new();
    if let Some(ty) = &s.ty {
        parts.push(format!("type {ty}"));
    }
    if let Some(format) = &s.format {
        parts.push(format!("format {format}"));
    }
    if let Some(reference) = &s.reference {
        parts.push(format!("definition {reference}"));
    }
    if let Some(items) = &s.items {
        parts.push(format!("items: {}", describe_schema(items)));
    }
    if let Some(d) = &s.description {
        parts.push(format!("description `{}`", d.replace('\n', " ")));
    }
    if parts.is_empty() {
        "a schema without keywords".into()
    } else {
        parts.join(", ")
    }
}

fn compatible(ty: &TypeRef, p: &Schema) -> bool {
    let Some(kind) = p.ty.as_deref() else {
        return true;
    };
    let format = p.format.as_deref();
    match ty {
        TypeRef::String => kind == "string",
        TypeRef::Integer => kind == "integer" && matches!(format, None | Some("int32")),
        TypeRef::Long => kind == "integer" && matches!(format, None | Some("int64")),
        TypeRef::Number => kind == "number",
        TypeRef::Boolean => kind == "boolean",
        TypeRef::Object(_) => kind == "object",
        TypeRef::Array(inner) => {
            kind == "array"
                && p.items
                    .as_deref()
                    .is_none_or(|items| compatible(inner, items))
        }
    }
}

fn fits(ty: &TypeRef, v: &Value) -> bool {
    match ty {
        TypeRef::String => v.is_string(),
        TypeRef::Boolean => v.is_boolean(),
        TypeRef::Integer | TypeRef::Long => v.is_i64(),
        TypeRef::Number => v.is_number(),
        _ => false,
    }
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        _ => a == b,
    }
}

/// Whether two example bodies agree, a string with Chinese text on API Explorer's side
/// standing for the page's translation of it.
fn same_modulo_translation(page: &Value, explorer: &Value) -> bool {
    match (page, explorer) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| same_modulo_translation(v, w)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(v, w)| same_modulo_translation(v, w))
        }
        (Value::String(a), Value::String(b)) => a == b || has_cjk(b),
        _ => same_value(page, explorer),
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3000}'..='\u{303f}').contains(&c))
}

/// An example body built from every property's `example`, when each has one.
fn example_from_properties(schema: &Schema) -> Option<Value> {
    if schema.properties.is_empty() {
        return None;
    }
    let mut body = serde_json::Map::new();
    for (name, property) in &schema.properties {
        body.insert(name.clone(), property.example.clone()?);
    }
    Some(Value::Object(body))
}

/// The clauses of an explorer description (split at Chinese and ASCII punctuation).
fn clauses(description: &str) -> Vec<String> {
    let chars: Vec<char> = description.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        // A colon between digits belongs to a time (08:07:39), not to the sentence.
        let time_colon = c == ':'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let splits = matches!(c, ',' | '，' | '。' | ';' | '；' | '\n' | ':' | '：') && !time_colon;
        if splits {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

/// A clause whose fact the merge reads elsewhere: format, fuzzy matching, default, range,
/// listed values.
fn is_mapped(clause: &str) -> bool {
    clause.contains("格式")
        || clause.contains("模糊")
        || clause.contains("默认")
        || clause.contains("取值范围")
        || clause.starts_with('-')
        || (clause.contains('[') && clause.contains(']'))
}

fn is_rule(clause: &str) -> bool {
    RULE_WORDS.iter().any(|w| clause.contains(w))
}

/// `- Windows` lines of a description.
fn listed_values(description: &str) -> Vec<String> {
    description
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The sentence of a page description that states a format.
fn format_sentence(description: &str) -> Option<String> {
    description
        .split_inclusive(". ")
        .map(str::trim)
        .find(|s| s.to_ascii_lowercase().contains("format"))
        .map(str::to_owned)
}

/// The time a page description gives as its format ("The format is 2022-10-31 08:07:39.").
fn prose_time_value(description: &str) -> Option<String> {
    let lower = description.to_ascii_lowercase();
    let start = ["format is ", "format: ", "in the format of "]
        .iter()
        .find_map(|m| lower.find(m).map(|i| i + m.len()))?;
    let rest = description
        .get(start..)?
        .trim_start()
        .trim_start_matches(['`', '"']);
    let spaced = rest.get(10..11) == Some(" ");
    let value: String = if spaced {
        rest.chars().take(19).collect()
    } else {
        rest.split_whitespace().next()?.to_owned()
    };
    Some(value.trim_end_matches(['.', ',', ';', '`', '"']).to_owned())
}

/// How a time value is written: "RFC 3339 with `Z` (`2025-04-24T16:00:00Z`)" and the like.
fn time_form(value: &str) -> String {
    let has_t = value.get(10..11) == Some("T") || value.get(10..11) == Some("t");
    let fraction = value.get(19..20) == Some(".");
    if !has_t && value.get(10..11) == Some(" ") {
        "`YYYY-MM-DD hh:mm:ss` without offset".to_owned()
    } else if has_t && (value.ends_with('Z') || value.ends_with('z')) {
        if fraction {
            "RFC 3339 with fraction and `Z`".to_owned()
        } else {
            "RFC 3339 with `Z`".to_owned()
        }
    } else if let Some(offset) = value.get(value.len().saturating_sub(6)..).filter(|_| has_t) {
        format!("RFC 3339 with offset `{offset}`")
    } else {
        format!("`{value}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_read_back() {
        for (key, value) in [
            ("maximum", Value::from(100)),
            ("enum", Value::from(vec!["a", "b"])),
            ("pattern", Value::from("^[a-z\"]+$")),
            ("mandatory", Value::Bool(false)),
        ] {
            assert_eq!(parse_statement(key, &statement(key, &value)), Some(value));
        }
    }

    #[test]
    fn clauses_keep_times_whole() {
        assert_eq!(
            clauses("登录应用开始时间,格式 2022-10-31T08:07:39Z,必须同时存在。"),
            [
                "登录应用开始时间",
                "格式 2022-10-31T08:07:39Z",
                "必须同时存在"
            ]
        );
        assert_eq!(
            clauses("客户端操作系统类型:\n- Windows\n- Mac"),
            ["客户端操作系统类型", "- Windows", "- Mac"]
        );
    }

    #[test]
    fn prose_times_are_found() {
        assert_eq!(
            prose_time_value("Start time. The format is 2022-10-31 08:07:39.").as_deref(),
            Some("2022-10-31 08:07:39")
        );
        assert_eq!(
            prose_time_value("Creation time. The format is 2025-01-01T00:00:00Z.").as_deref(),
            Some("2025-01-01T00:00:00Z")
        );
    }

    #[test]
    fn time_forms_are_named() {
        assert_eq!(time_form("2025-04-24T16:00:00Z"), "RFC 3339 with `Z`");
        assert_eq!(
            time_form("2022-10-31 08:07:39"),
            "`YYYY-MM-DD hh:mm:ss` without offset"
        );
        assert_eq!(
            time_form("2025-04-24T16:00:00+00:00"),
            "RFC 3339 with offset `+00:00`"
        );
    }

    #[test]
    fn subjects_collapse_tables() {
        let rows: Vec<(u32, String, String)> = (7..=9)
            .map(|n| (n, format!("response.{n}"), "error_code".to_owned()))
            .collect();
        assert_eq!(rows_subject(&rows), "Tables 7-9 error_code");
    }
}
