//! From a spec to the types that represent it: names, Rust types, directions.
//!
//! Both the Rust emitter and the schema emitter read this, so a type's name, its fields and
//! their constraints are decided once.

use std::collections::{BTreeMap, BTreeSet};

use crate::names::{pascal, snake};
use crate::spec::{Location, MatchMode, Row, Spec, Table, TypeRef};

/// Which way a type travels decides how strict it is: requests are checked as the page is
/// strict; responses are read leniently (unknown fields kept, unknown enum values kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

#[derive(Clone, Debug)]
pub enum RustType {
    String,
    Secret,
    DateTime,
    I32,
    I64,
    F64,
    Bool,
    /// A type generated in the same module.
    Named(String),
    Vec(Box<RustType>),
}

#[derive(Clone, Debug)]
pub struct Field {
    pub row: Row,
    pub ident: String,
    pub ty: RustType,
    /// Present on the wire in every valid value: not an `Option`.
    pub required: bool,
}

#[derive(Clone, Debug)]
pub struct Struct {
    pub name: String,
    pub doc: String,
    /// "Table 4 (Request body parameters)".
    pub source: String,
    pub direction: Direction,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    pub doc: String,
    pub direction: Direction,
    /// (variant, wire value) in the page's order.
    pub variants: Vec<(String, String)>,
}

/// A number with a range: a checked newtype, so an out-of-range value cannot be built.
#[derive(Clone, Debug)]
pub struct Ranged {
    pub name: String,
    pub doc: String,
    pub row: Row,
    pub base: RustType,
}

#[derive(Clone, Debug)]
pub enum Item {
    Struct(Struct),
    Enum(Enum),
    Ranged(Box<Ranged>),
}

impl Item {
    pub fn name(&self) -> &str {
        match self {
            Item::Struct(s) => &s.name,
            Item::Enum(e) => &e.name,
            Item::Ranged(r) => &r.name,
        }
    }
}

/// The request's parts, each a struct name when the page has that table.
#[derive(Clone, Debug, Default)]
pub struct RequestParts {
    pub path: Option<String>,
    pub query: Option<String>,
    pub headers: Option<String>,
    pub body: Option<String>,
    pub request: String,
}

#[derive(Clone, Debug)]
pub struct Response {
    pub code: u16,
    pub description: String,
    /// The body's type.
    pub body: String,
}

/// Everything generated for one operation.
#[derive(Clone, Debug)]
pub struct OperationModel<'s> {
    pub spec: &'s Spec,
    pub module: String,
    pub items: Vec<Item>,
    pub request: RequestParts,
    pub responses: Vec<Response>,
    pub status_enum: String,
}

impl OperationModel<'_> {
    pub fn item(&self, name: &str) -> Option<&Item> {
        self.items.iter().find(|item| item.name() == name)
    }
}

/// A name that two generated types would share, or a field the generator cannot represent.
#[derive(Debug, thiserror::Error)]
#[error("{place}: {message}")]
pub struct ModelError {
    pub place: String,
    pub message: String,
}

pub fn build(spec: &Spec) -> Result<OperationModel<'_>, ModelError> {
    let op = &spec.operation.name;
    let mut builder = Builder {
        spec,
        items: Vec::new(),
        directions: object_directions(spec)?,
    };

    let mut request = RequestParts {
        request: format!("{op}Request"),
        ..RequestParts::default()
    };
    for (location, suffix) in [
        (Location::Path, "Path"),
        (Location::Query, "Query"),
        (Location::Header, "Headers"),
        (Location::Body, "RequestBody"),
    ] {
        if let Some(table) = spec.tables.iter().find(|t| t.location == location) {
            let name = format!("{op}{suffix}");
            builder.add_struct(&name, table, Direction::Request)?;
            let slot = match location {
                Location::Path => &mut request.path,
                Location::Query => &mut request.query,
                Location::Header => &mut request.headers,
                _ => &mut request.body,
            };
            *slot = Some(name);
        }
    }

    // Error bodies that are the same table under several statuses become one type.
    let tables: Vec<&Table> = spec.response_tables().collect();
    let (success, errors): (Vec<&Table>, Vec<&Table>) = tables
        .iter()
        .partition(|t| t.status.is_some_and(|code| (200..300).contains(&code)));
    let shared_error = errors.len() > 1 && errors.iter().all(|t| t.rows == errors[0].rows);
    let mut responses = Vec::new();
    for table in &tables {
        let code = table.status.unwrap_or_default();
        let name = if success.len() == 1 && success[0].number == table.number {
            format!("{op}Response")
        } else if shared_error && errors.iter().any(|t| t.number == table.number) {
            format!("{op}ErrorBody")
        } else {
            format!("{op}Response{code}")
        };
        if builder.items.iter().all(|item| item.name() != name) {
            builder.add_struct(&name, table, Direction::Response)?;
        }
        let description = spec
            .statuses
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.description.clone())
            .unwrap_or_default();
        responses.push(Response {
            code,
            description,
            body: name,
        });
    }

    for table in spec
        .tables
        .iter()
        .filter(|t| t.location == Location::Object)
    {
        let direction = builder.directions.get(table.title.as_str()).copied();
        // An object no table refers to is still generated, read as a response would be.
        builder.add_struct(
            &table.title,
            table,
            direction.unwrap_or(Direction::Response),
        )?;
    }

    let mut seen = BTreeSet::new();
    for item in &builder.items {
        if !seen.insert(item.name().to_owned()) {
            return Err(ModelError {
                place: spec.file.display().to_string(),
                message: format!("two generated types would both be named `{}`", item.name()),
            });
        }
    }

    Ok(OperationModel {
        spec,
        module: snake(op),
        items: builder.items,
        request,
        responses,
        status_enum: format!("{op}Status"),
    })
}

/// Objects reached from request tables are requests; from response tables, responses.
fn object_directions(spec: &Spec) -> Result<BTreeMap<&str, Direction>, ModelError> {
    let mut directions: BTreeMap<&str, Direction> = BTreeMap::new();
    let mut stack: Vec<(&str, Direction, &Table)> = Vec::new();
    for table in spec
        .tables
        .iter()
        .filter(|t| t.location != Location::Object)
    {
        let direction = if table.location.is_request() {
            Direction::Request
        } else {
            Direction::Response
        };
        for row in &table.rows {
            if let Some(name) = row.ty.object_name() {
                stack.push((name, direction, table));
            }
        }
    }
    while let Some((name, direction, from)) = stack.pop() {
        match directions.get(name) {
            Some(existing) if *existing == direction => continue,
            Some(_) => {
                return Err(ModelError {
                    place: format!("{}: {}", spec.file.display(), from.label()),
                    message: format!(
                        "object `{name}` is used by both requests and responses; give each its own table"
                    ),
                });
            }
            None => {}
        }
        directions.insert(name, direction);
        if let Some(table) = spec.object(name) {
            for row in &table.rows {
                if let Some(inner) = row.ty.object_name() {
                    stack.push((inner, direction, table));
                }
            }
        }
    }
    Ok(directions)
}

struct Builder<'s> {
    spec: &'s Spec,
    items: Vec<Item>,
    directions: BTreeMap<&'s str, Direction>,
}

impl Builder<'_> {
    fn add_struct(
        &mut self,
        name: &str,
        table: &Table,
        direction: Direction,
    ) -> Result<(), ModelError> {
        let mut fields = Vec::with_capacity(table.rows.len());
        let mut idents = BTreeSet::new();
        for row in &table.rows {
            let ident = snake(&row.parameter);
            if !idents.insert(ident.clone()) {
                return Err(ModelError {
                    place: format!(
                        "{}: {}, row `{}`",
                        self.spec.file.display(),
                        table.label(),
                        row.parameter
                    ),
                    message: format!(
                        "two parameters of this table map to the Rust field `{ident}`"
                    ),
                });
            }
            let ty = self.field_type(name, row, &row.ty, direction)?;
            // Responses are read leniently: a field the page promises may still be missing or
            // null in real traffic, so only request fields become non-optional.
            let required = direction == Direction::Request && row.mandatory == Some(true);
            fields.push(Field {
                row: row.clone(),
                ident,
                ty,
                required,
            });
        }
        let doc = match table.location {
            Location::Object => format!(
                "`{}`, {} of the API reference.",
                table.title,
                format_args!("Table {}", table.number)
            ),
            _ => format!("{} of `{}`.", table.label(), self.spec.operation.name),
        };
        self.items.push(Item::Struct(Struct {
            name: name.to_owned(),
            doc,
            source: table.label(),
            direction,
            fields,
        }));
        Ok(())
    }

    fn field_type(
        &mut self,
        owner: &str,
        row: &Row,
        ty: &TypeRef,
        direction: Direction,
    ) -> Result<RustType, ModelError> {
        let c = &row.constraints;
        Ok(match ty {
            TypeRef::Array(inner) => {
                RustType::Vec(Box::new(self.field_type(owner, row, inner, direction)?))
            }
            TypeRef::Object(name) => RustType::Named(name.clone()),
            TypeRef::Boolean => RustType::Bool,
            TypeRef::String if c.secret => RustType::Secret,
            TypeRef::String if c.enum_values.is_some() => {
                let name = self.fresh_name(owner, &row.parameter);
                let variants = enum_variants(c.enum_values.as_deref().unwrap_or_default());
                self.items.push(Item::Enum(Enum {
                    name: name.clone(),
                    doc: row.description.clone(),
                    direction,
                    variants,
                }));
                RustType::Named(name)
            }
            // A time is parsed where the page is strict (requests); responses keep the string.
            TypeRef::String
                if direction == Direction::Request
                    && c.format.as_deref().is_some_and(is_time_format) =>
            {
                RustType::DateTime
            }
            TypeRef::String => RustType::String,
            TypeRef::Integer | TypeRef::Long | TypeRef::Number => {
                let base = match ty {
                    TypeRef::Integer => RustType::I32,
                    TypeRef::Long => RustType::I64,
                    _ => RustType::F64,
                };
                let ranged = c.minimum.is_some() || c.maximum.is_some();
                if ranged && direction == Direction::Request {
                    let name = self.fresh_name(owner, &row.parameter);
                    self.items.push(Item::Ranged(Box::new(Ranged {
                        name: name.clone(),
                        doc: row.description.clone(),
                        row: row.clone(),
                        base,
                    })));
                    RustType::Named(name)
                } else {
                    base
                }
            }
        })
    }

    /// `client_type` -> `ClientType`, or `OwnerClientType` when that name is taken.
    fn fresh_name(&self, owner: &str, parameter: &str) -> String {
        let short = pascal(parameter);
        let taken = |name: &str| {
            self.items.iter().any(|item| item.name() == name)
                || self.spec.object(name).is_some()
                || name.starts_with(&self.spec.operation.name)
        };
        if !taken(&short) {
            short
        } else {
            format!("{owner}{short}")
        }
    }
}

/// Formats whose values are points in time.
pub fn is_time_format(format: &str) -> bool {
    format == "date-time" || format.ends_with("-datetime")
}

fn enum_variants(values: &[String]) -> Vec<(String, String)> {
    // `Unknown` is the open enumerations' catch-all.
    let mut used = BTreeSet::from(["Unknown".to_owned()]);
    values
        .iter()
        .map(|value| {
            let mut variant = pascal(value);
            while !used.insert(variant.clone()) {
                variant.push('_');
            }
            (variant, value.clone())
        })
        .collect()
}

impl Field {
    pub fn fuzzy(&self) -> bool {
        self.row.constraints.match_mode == Some(MatchMode::Fuzzy)
    }
}
