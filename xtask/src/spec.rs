//! The spec: a machine-readable copy of one API reference page, table by table.
//!
//! Reading happens in two steps. TOML is first read loosely, so that every later error can name
//! the table and the row it is about; each table and row is then read strictly (unknown keys
//! fail) and checked against the rest of the file (types, `$ref`s to object tables, constraints).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One operation's spec file, as read and checked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spec {
    #[serde(skip)]
    pub file: PathBuf,
    pub operation: Operation,
    pub source: Source,
    pub authorization: Vec<Authorization>,
    #[serde(rename = "table")]
    pub tables: Vec<Table>,
    #[serde(rename = "status")]
    pub statuses: Vec<StatusCode>,
    pub example: Examples,
    pub formats: BTreeMap<String, FormatDef>,
    #[serde(rename = "reconciliation")]
    pub reconciliations: Vec<Reconciliation>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The operation id, in PascalCase as Huawei names it (`ListAppConnection`).
    pub name: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    pub method: String,
    pub uri: String,
}

/// Where the facts of the file came from.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<PageSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explorer: Option<ExplorerSource>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageSource {
    pub url: String,
    pub updated_on: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExplorerSource {
    /// The crates.io crate that republishes the definition.
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub version: String,
    /// The file of the definition inside that crate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
}

/// A row of the page's identity-policy table.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Authorization {
    pub action: String,
    pub access_level: String,
    pub resource_type: String,
    pub condition_key: String,
    pub alias: String,
    pub dependencies: String,
}

/// Where the rows of a table travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Path,
    Query,
    Header,
    Body,
    Response,
    /// A named object type, referenced from other tables' type cells.
    Object,
}

impl Location {
    pub fn is_request(self) -> bool {
        matches!(self, Self::Path | Self::Query | Self::Header | Self::Body)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    pub number: u32,
    /// The caption after "Table N"; for an object table, the object's name.
    pub title: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(rename = "row")]
    pub rows: Vec<Row>,
}

impl Table {
    /// How error messages name the table: "Table 4 (Request body parameters)".
    pub fn label(&self) -> String {
        format!("Table {} ({})", self.number, self.title)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub parameter: String,
    /// The page's Mandatory column; `None` where the table has no such column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mandatory: Option<bool>,
    /// The page's own type words, as written.
    #[serde(rename = "type")]
    pub type_word: String,
    #[serde(skip)]
    pub ty: TypeRef,
    pub description: String,
    #[serde(flatten)]
    pub constraints: Constraints,
    /// The keys of this row that API Explorer supplied (`cargo xtask import explorer`); every
    /// other key comes from the page.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub from_explorer: Vec<String>,
}

/// The keys a row's `from_explorer` may name.
pub const EXPLORER_KEYS: &[&str] = &[
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
    "required",
];

impl Row {
    /// A row is required on the wire when the page marks it mandatory, or when a constraint
    /// stated in prose says it is always present (`required = true`).
    pub fn is_required(&self) -> bool {
        self.mandatory.unwrap_or(false) || self.constraints.required
    }
}

/// Constraints stated in prose on the page (or learned from API Explorer), made explicit.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_mode: Option<MatchMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Always present in the body, although the table has no Mandatory column.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// A credential: never printed by `Debug`, masked in reports.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secret: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// How a filter field is compared with the records it selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    Exact,
    /// Case-insensitive substring.
    Fuzzy,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StatusCode {
    pub code: u16,
    pub description: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub request: Vec<ExampleRequest>,
    #[serde(default)]
    pub response: Vec<ExampleResponse>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    pub method: String,
    pub uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleResponse {
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `"explorer"` when API Explorer supplied the example rather than the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A named string format the spec's rows may use (`format = "..."`).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormatDef {
    pub description: String,
    /// Values every implementation of the format must accept.
    pub examples: Vec<String>,
}

/// A point where two upstream sources disagree, and what the project follows.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reconciliation {
    pub id: String,
    /// What the entry is about: "Table 4 brokering_start_time", "Status Codes", ...
    pub subject: String,
    pub page: String,
    pub explorer: String,
    pub follows: String,
    pub reason: String,
}

/// A type cell of a table, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TypeRef {
    #[default]
    String,
    /// 32-bit signed.
    Integer,
    /// 64-bit signed.
    Long,
    /// A JSON number that may have a fraction.
    Number,
    Boolean,
    /// An object table of this file, by name.
    Object(String),
    Array(Box<TypeRef>),
}

impl TypeRef {
    /// Reads the page's type words: `String`, `Integer`, `Long`, `Number`, `Float`, `Double`,
    /// `Boolean`, `X object`, `Array of String`, `Array of X objects`.
    pub fn parse(word: &str) -> Option<Self> {
        let word = word.trim();
        if let Some(inner) = word.strip_prefix("Array of ") {
            let inner = inner.trim();
            let element = match inner.strip_suffix(" objects") {
                Some(name) => Self::object(name)?,
                None => Self::scalar(inner)?,
            };
            return Some(Self::Array(Box::new(element)));
        }
        if let Some(name) = word.strip_suffix(" object") {
            return Self::object(name);
        }
        Self::scalar(word)
    }

    fn scalar(word: &str) -> Option<Self> {
        Some(match word {
            "String" => Self::String,
            "Integer" => Self::Integer,
            "Long" => Self::Long,
            "Number" | "Float" | "Double" => Self::Number,
            "Boolean" => Self::Boolean,
            _ => return None,
        })
    }

    fn object(name: &str) -> Option<Self> {
        let name = name.trim();
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        valid.then(|| Self::Object(name.to_owned()))
    }

    /// The object this type refers to, looking through arrays.
    pub fn object_name(&self) -> Option<&str> {
        match self {
            Self::Object(name) => Some(name),
            Self::Array(inner) => inner.object_name(),
            _ => None,
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Self::Integer | Self::Long | Self::Number)
    }
}

/// A spec that could not be read, with where and what.
#[derive(Debug, thiserror::Error)]
pub struct SpecError {
    pub file: PathBuf,
    /// "Table 4 (Request body parameters), row `client_type`", or the top-level key.
    pub place: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.file.display(),
                self.place,
                self.message
            )
        }
    }
}

/// The file as TOML shapes it, before the tables are read strictly.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    operation: Operation,
    #[serde(default)]
    source: Source,
    #[serde(default)]
    authorization: Vec<Authorization>,
    #[serde(default)]
    table: Vec<toml::Table>,
    #[serde(default)]
    status: Vec<StatusCode>,
    #[serde(default)]
    example: Examples,
    #[serde(default)]
    formats: BTreeMap<String, FormatDef>,
    #[serde(default)]
    reconciliation: Vec<Reconciliation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    number: u32,
    title: String,
    location: Location,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    row: Vec<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    parameter: String,
    #[serde(default)]
    mandatory: Option<bool>,
    #[serde(rename = "type")]
    type_word: String,
    description: String,
    #[serde(flatten)]
    constraints: Constraints,
    #[serde(default)]
    from_explorer: Vec<String>,
}

/// Reads every `*.toml` file of a spec directory, sorted by file name.
pub fn load_dir(dir: &Path) -> Result<Vec<Spec>, SpecError> {
    let error = |message: String| SpecError {
        file: dir.to_owned(),
        place: String::new(),
        message,
    };
    let entries =
        std::fs::read_dir(dir).map_err(|e| error(format!("cannot read the directory: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| error(format!("cannot read the directory: {e}")))?
            .path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(error("no spec files (*.toml) found".to_owned()));
    }
    let specs = files
        .iter()
        .map(|file| load_file(file))
        .collect::<Result<Vec<_>, _>>()?;
    let mut names = BTreeSet::new();
    for spec in &specs {
        if !names.insert(spec.operation.name.clone()) {
            return Err(SpecError {
                file: spec.file.clone(),
                place: "[operation]".to_owned(),
                message: format!(
                    "operation `{}` is also defined by another file",
                    spec.operation.name
                ),
            });
        }
    }
    Ok(specs)
}

pub fn load_file(file: &Path) -> Result<Spec, SpecError> {
    let text = std::fs::read_to_string(file).map_err(|e| SpecError {
        file: file.to_owned(),
        place: String::new(),
        message: format!("cannot read the file: {e}"),
    })?;
    parse(file, &text)
}

/// Reads and checks one spec file's text; `file` only names it in errors.
pub fn parse(file: &Path, text: &str) -> Result<Spec, SpecError> {
    let at = |place: &str, message: String| SpecError {
        file: file.to_owned(),
        place: place.to_owned(),
        message,
    };
    let raw: RawSpec = toml::from_str(text).map_err(|e| at("", toml_message(&e, text)))?;
    let mut tables = Vec::with_capacity(raw.table.len());
    for (index, value) in raw.table.into_iter().enumerate() {
        let place = match value.get("number").and_then(toml::Value::as_integer) {
            Some(number) => format!("Table {number}"),
            None => format!("[[table]] #{}", index + 1),
        };
        let table = RawTable::deserialize(value).map_err(|e| at(&place, e.message().to_owned()))?;
        let mut rows = Vec::with_capacity(table.row.len());
        for (row_index, row) in table.row.into_iter().enumerate() {
            let row_place = match row.get("parameter").and_then(toml::Value::as_str) {
                Some(name) => format!("{place} ({}), row `{name}`", table.title),
                None => format!("{place} ({}), row #{}", table.title, row_index + 1),
            };
            let row =
                RawRow::deserialize(row).map_err(|e| at(&row_place, e.message().to_owned()))?;
            let ty = TypeRef::parse(&row.type_word).ok_or_else(|| {
                at(
                    &row_place,
                    format!(
                        "unknown type word `{}` (known: String, Integer, Long, Number, Float, Double, \
                         Boolean, `X object`, `Array of T`, `Array of X objects`)",
                        row.type_word
                    ),
                )
            })?;
            rows.push(Row {
                parameter: row.parameter,
                mandatory: row.mandatory,
                type_word: row.type_word,
                ty,
                description: row.description,
                constraints: row.constraints,
                from_explorer: row.from_explorer,
            });
        }
        tables.push(Table {
            number: table.number,
            title: table.title,
            location: table.location,
            status: table.status,
            rows,
        });
    }
    let spec = Spec {
        file: file.to_owned(),
        operation: raw.operation,
        source: raw.source,
        authorization: raw.authorization,
        tables,
        statuses: raw.status,
        example: raw.example,
        formats: raw.formats,
        reconciliations: raw.reconciliation,
    };
    check(&spec)?;
    Ok(spec)
}

/// toml's own messages carry a line and column; keep them, they point at the problem.
fn toml_message(error: &toml::de::Error, text: &str) -> String {
    let message = error.message().trim().to_owned();
    match error.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// Formats the rows may name without declaring them: JSON Schema's own.
const BUILTIN_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "email",
    "uri",
    "uuid",
    "ipv4",
    "ipv6",
];

/// Methods of HTTP an operation may use.
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

fn check(spec: &Spec) -> Result<(), SpecError> {
    let at = |place: String, message: String| SpecError {
        file: spec.file.clone(),
        place,
        message,
    };
    let operation = &spec.operation;
    if !is_pascal_identifier(&operation.name) {
        return Err(at(
            "[operation]".into(),
            format!("name `{}` is not a PascalCase identifier", operation.name),
        ));
    }
    if !METHODS.contains(&operation.method.as_str()) {
        return Err(at(
            "[operation]".into(),
            format!(
                "method `{}` is not one of {}",
                operation.method,
                METHODS.join(", ")
            ),
        ));
    }
    if !operation.uri.starts_with('/') {
        return Err(at(
            "[operation]".into(),
            format!("uri `{}` does not start with `/`", operation.uri),
        ));
    }

    // Tables are numbered 1..=n in page order; a gap is a table that was left out.
    let mut objects = BTreeMap::new();
    for (index, table) in spec.tables.iter().enumerate() {
        let expected = index as u32 + 1;
        if table.number != expected {
            return Err(at(
                table.label(),
                format!(
                    "tables are numbered in page order: expected Table {expected} here, found Table {} \
                     (is Table {expected} missing?)",
                    table.number
                ),
            ));
        }
        match (table.location, table.status) {
            (Location::Response, None) => {
                return Err(at(table.label(), "a response table needs `status`".into()));
            }
            (Location::Response, Some(_)) => {}
            (_, Some(_)) => {
                return Err(at(
                    table.label(),
                    "`status` belongs to response tables only".into(),
                ));
            }
            _ => {}
        }
        if table.location == Location::Object {
            if TypeRef::object(&table.title).is_none() {
                return Err(at(
                    table.label(),
                    "an object table's title is the object's name and must be an identifier".into(),
                ));
            }
            if objects.insert(table.title.as_str(), table).is_some() {
                return Err(at(
                    table.label(),
                    format!("object `{}` is defined twice", table.title),
                ));
            }
        } else if let Some(other) = spec.tables[..index].iter().find(|other| {
            other.location == table.location
                && other.status == table.status
                && other.location != Location::Object
        }) {
            return Err(at(
                table.label(),
                format!("duplicates {} (same location and status)", other.label()),
            ));
        }
    }

    for table in &spec.tables {
        let mut names = BTreeSet::new();
        for row in &table.rows {
            let place = format!("{}, row `{}`", table.label(), row.parameter);
            if !names.insert(row.parameter.as_str()) {
                return Err(at(
                    place,
                    "duplicate field: this parameter appears twice".into(),
                ));
            }
            if let Some(name) = row.ty.object_name()
                && !objects.contains_key(name)
            {
                return Err(at(
                    place,
                    format!(
                        "type `{}` refers to object `{name}`, which has no table",
                        row.type_word
                    ),
                ));
            }
            check_constraints(spec, table, row).map_err(|message| at(place.clone(), message))?;
        }
    }

    // Every placeholder of the URI has its row in the path table, and the other way round.
    let placeholders = uri_placeholders(&operation.uri);
    let path_rows: Vec<&Row> = spec
        .tables
        .iter()
        .filter(|t| t.location == Location::Path)
        .flat_map(|t| &t.rows)
        .collect();
    for name in &placeholders {
        if !path_rows.iter().any(|row| &row.parameter == name) {
            return Err(at(
                "[operation]".into(),
                format!("uri placeholder `{{{name}}}` has no row in a path table (missing table?)"),
            ));
        }
    }
    for row in &path_rows {
        if !placeholders.contains(&row.parameter) {
            return Err(at(
                format!("path table, row `{}`", row.parameter),
                format!("the uri `{}` has no placeholder for it", operation.uri),
            ));
        }
    }

    // Each documented status has its response table, and each response table its status.
    let mut codes = BTreeSet::new();
    for status in &spec.statuses {
        if !(100..=599).contains(&status.code) || !codes.insert(status.code) {
            return Err(at(
                format!("[[status]] {}", status.code),
                "status codes are 100..=599 and listed once".into(),
            ));
        }
        if !spec.tables.iter().any(|t| t.status == Some(status.code)) {
            return Err(at(
                format!("[[status]] {}", status.code),
                format!(
                    "status {} has no response table (missing table?)",
                    status.code
                ),
            ));
        }
    }
    if codes.is_empty() {
        return Err(at(
            "[[status]]".into(),
            "the Status Codes table is missing".into(),
        ));
    }
    for table in &spec.tables {
        if let Some(code) = table.status
            && !codes.contains(&code)
        {
            return Err(at(
                table.label(),
                format!("status {code} is not in the Status Codes table"),
            ));
        }
    }

    let bodies = spec
        .example
        .request
        .iter()
        .map(|r| (format!("[[example.request]] {}", r.uri), &r.body))
        .chain(
            spec.example
                .response
                .iter()
                .map(|r| (format!("[[example.response]] {}", r.status), &r.body)),
        );
    for (place, body) in bodies {
        if let Some(body) = body
            && let Err(error) = serde_json::from_str::<serde_json::Value>(body)
        {
            return Err(at(place, format!("the example body is not JSON: {error}")));
        }
    }

    for example in &spec.example.response {
        if let Some(source) = &example.source
            && source != "explorer"
        {
            return Err(at(
                format!("[[example.response]] {}", example.status),
                format!("source `{source}` is not `explorer` (page examples name no source)"),
            ));
        }
    }

    for (name, format) in &spec.formats {
        if format.examples.is_empty() {
            return Err(at(
                format!("[formats.{name}]"),
                "a format needs at least one example".into(),
            ));
        }
    }
    Ok(())
}

fn check_provenance(row: &Row) -> Result<(), String> {
    let c = &row.constraints;
    for key in &row.from_explorer {
        let present = match key.as_str() {
            "mandatory" => row.mandatory.is_some(),
            "minimum" => c.minimum.is_some(),
            "maximum" => c.maximum.is_some(),
            "default" => c.default.is_some(),
            "enum" => c.enum_values.is_some(),
            "match" => c.match_mode.is_some(),
            "format" => c.format.is_some(),
            "min_length" => c.min_length.is_some(),
            "max_length" => c.max_length.is_some(),
            "pattern" => c.pattern.is_some(),
            "required" => c.required,
            other => {
                return Err(format!(
                    "from_explorer names `{other}`, which is not one of {}",
                    EXPLORER_KEYS.join(", ")
                ));
            }
        };
        if !present {
            return Err(format!(
                "from_explorer names `{key}`, but the row has no `{key}`"
            ));
        }
    }
    let unique: BTreeSet<_> = row.from_explorer.iter().collect();
    if unique.len() != row.from_explorer.len() {
        return Err("from_explorer lists a key twice".into());
    }
    Ok(())
}

fn check_constraints(spec: &Spec, table: &Table, row: &Row) -> Result<(), String> {
    check_provenance(row)?;
    let c = &row.constraints;
    let ty = &row.ty;
    if (c.minimum.is_some() || c.maximum.is_some()) && !ty.is_numeric() {
        return Err(format!(
            "minimum/maximum need a numeric type, not `{}`",
            row.type_word
        ));
    }
    if *ty == TypeRef::Integer || *ty == TypeRef::Long {
        for (key, bound) in [("minimum", &c.minimum), ("maximum", &c.maximum)] {
            if let Some(bound) = bound
                && bound.as_i64().is_none()
            {
                return Err(format!("{key} {bound} is not an integer"));
            }
        }
        let (low, high) = integer_limits(ty);
        for bound in [&c.minimum, &c.maximum].into_iter().flatten() {
            let value = bound.as_i64().unwrap_or_default();
            if value < low || value > high {
                return Err(format!(
                    "bound {value} does not fit type `{}`",
                    row.type_word
                ));
            }
        }
    }
    if let (Some(min), Some(max)) = (&c.minimum, &c.maximum)
        && min.as_f64() > max.as_f64()
    {
        return Err(format!("minimum {min} is greater than maximum {max}"));
    }
    let is_string = *ty == TypeRef::String;
    if (c.min_length.is_some() || c.max_length.is_some() || c.pattern.is_some()) && !is_string {
        return Err("min_length/max_length/pattern need type `String`".into());
    }
    if let (Some(min), Some(max)) = (c.min_length, c.max_length)
        && min > max
    {
        return Err(format!("min_length {min} is greater than max_length {max}"));
    }
    if let Some(values) = &c.enum_values {
        if !is_string {
            return Err("enum needs type `String`".into());
        }
        let unique: BTreeSet<_> = values.iter().collect();
        if values.is_empty() || unique.len() != values.len() {
            return Err("enum values must be non-empty and distinct".into());
        }
    }
    if let Some(format) = &c.format {
        if !is_string {
            return Err("format needs type `String`".into());
        }
        if !spec.formats.contains_key(format) && !BUILTIN_FORMATS.contains(&format.as_str()) {
            return Err(format!(
                "format `{format}` is neither declared under [formats] nor one of {}",
                BUILTIN_FORMATS.join(", ")
            ));
        }
    }
    if c.match_mode.is_some() && !table.location.is_request() {
        return Err("match describes request filters only".into());
    }
    if c.required && table.location.is_request() {
        return Err("`required` is for response rows; request rows say `mandatory`".into());
    }
    if let Some(default) = &c.default {
        let fits = match ty {
            TypeRef::String => default.is_string(),
            TypeRef::Boolean => default.is_boolean(),
            TypeRef::Integer | TypeRef::Long => default.is_i64(),
            TypeRef::Number => default.is_number(),
            _ => false,
        };
        if !fits {
            return Err(format!(
                "default {default} does not fit type `{}`",
                row.type_word
            ));
        }
        if let Some(value) = default.as_f64() {
            let below = c
                .minimum
                .as_ref()
                .is_some_and(|min| value < min.as_f64().unwrap_or(f64::MIN));
            let above = c
                .maximum
                .as_ref()
                .is_some_and(|max| value > max.as_f64().unwrap_or(f64::MAX));
            if below || above {
                return Err(format!("default {default} is outside minimum/maximum"));
            }
        }
    }
    Ok(())
}

/// The range of values of an integer type word.
pub fn integer_limits(ty: &TypeRef) -> (i64, i64) {
    match ty {
        TypeRef::Integer => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    }
}

/// `{name}` placeholders of a URI template, in order.
pub fn uri_placeholders(uri: &str) -> Vec<String> {
    uri.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

fn is_pascal_identifier(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

impl Spec {
    /// The tables holding the given request location (path, query, header, body).
    pub fn rows_at(&self, location: Location) -> Option<&Table> {
        self.tables.iter().find(|t| t.location == location)
    }

    pub fn object(&self, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.location == Location::Object && t.title == name)
    }

    pub fn response_tables(&self) -> impl Iterator<Item = &Table> {
        self.tables
            .iter()
            .filter(|t| t.location == Location::Response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_words_of_the_page_are_read() {
        assert_eq!(TypeRef::parse("String"), Some(TypeRef::String));
        assert_eq!(
            TypeRef::parse("Array of AppConnectionInfo objects"),
            Some(TypeRef::Array(Box::new(TypeRef::Object(
                "AppConnectionInfo".into()
            ))))
        );
        assert_eq!(
            TypeRef::parse("Array of String"),
            Some(TypeRef::Array(Box::new(TypeRef::String)))
        );
        assert_eq!(
            TypeRef::parse("Quota object"),
            Some(TypeRef::Object("Quota".into()))
        );
        assert_eq!(TypeRef::parse("Strin"), None);
        assert_eq!(TypeRef::parse("Array of"), None);
    }
}
