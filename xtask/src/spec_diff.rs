//! `cargo xtask spec-diff OLD NEW`: what changed between two versions of the spec, operation by
//! operation, and whether each change is breaking.
//!
//! Two audiences are judged separately:
//! - **clients** of the models crate: code built on the generated types. A change is breaking
//!   when such code may stop compiling (a field, variant or type changes) or values it could
//!   build are refused (tighter bounds of a checked number). The generated structs are built
//!   with `..Default::default()`, so a new optional field is not breaking.
//! - **validation** of traffic recorded under the old spec: breaking when a request or response
//!   that was valid may now be reported invalid (a tighter constraint, a new required field, a
//!   removed status).
//!
//! Tables are matched by what they hold (path, query, header, body, the response of a status,
//! an object's name), not by number, so renumbering is not a change.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde::Serialize;
use serde_json::Value;

use crate::import::reconcile::{get_key, table_where};
use crate::spec::{self, Location, Row, Spec, Table, TypeRef};

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Spec(#[from] spec::SpecError),
    #[error("{0}")]
    Input(String),
}

/// Whether a change is breaking for one audience, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub breaking: bool,
    pub why: String,
}

fn breaking(why: impl Into<String>) -> Verdict {
    Verdict {
        breaking: true,
        why: why.into(),
    }
}

fn compatible(why: impl Into<String>) -> Verdict {
    Verdict {
        breaking: false,
        why: why.into(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub operation: String,
    /// `field-added`, `constraint-changed`, `enum-value-removed`, ...
    pub kind: String,
    /// "Table 4 (Request body parameters) `client_type`", "Status Codes", ...
    pub place: String,
    pub detail: String,
    pub clients: Verdict,
    pub validation: Verdict,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    pub fn breaking_for_clients(&self) -> usize {
        self.changes.iter().filter(|c| c.clients.breaking).count()
    }

    pub fn breaking_for_validation(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.validation.breaking)
            .count()
    }

    pub fn is_breaking(&self) -> bool {
        self.breaking_for_clients() + self.breaking_for_validation() > 0
    }

    /// The report for people: operation by operation, one change per entry.
    pub fn human(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("no changes\n");
            return out;
        }
        let mut operation = None;
        for change in &self.changes {
            if operation != Some(&change.operation) {
                let _ = writeln!(out, "{}", change.operation);
                operation = Some(&change.operation);
            }
            let _ = writeln!(out, "  {} {}: {}", change.kind, change.place, change.detail);
            for (audience, verdict) in [
                ("clients", &change.clients),
                ("validation", &change.validation),
            ] {
                let word = if verdict.breaking {
                    "BREAKING"
                } else {
                    "compatible"
                };
                let _ = writeln!(out, "      {audience}: {word} ({})", verdict.why);
            }
        }
        let _ = writeln!(
            out,
            "{} changes; breaking for clients: {}; breaking for validation: {}",
            self.changes.len(),
            self.breaking_for_clients(),
            self.breaking_for_validation()
        );
        out
    }

    pub fn json(&self) -> Value {
        serde_json::json!({
            "changes": self.changes,
            "summary": {
                "changes": self.changes.len(),
                "breaking_for_clients": self.breaking_for_clients(),
                "breaking_for_validation": self.breaking_for_validation(),
            }
        })
    }
}

/// Reads one side of the comparison: a spec file, a spec directory, or `REV:path` of git
/// (a file or a directory at that revision).
pub fn load(arg: &str) -> Result<Vec<Spec>, DiffError> {
    let path = Path::new(arg);
    if path.is_dir() {
        return Ok(spec::load_dir(path)?);
    }
    if path.is_file() {
        return Ok(vec![spec::load_file(path)?]);
    }
    let Some((rev, file)) = arg.split_once(':') else {
        return Err(DiffError::Input(format!(
            "{arg}: no such file or directory (a git revision is written REV:path)"
        )));
    };
    load_git(rev, file)
}

/// The spec files of `path` (a file or a directory) at git revision `rev`.
pub fn load_git(rev: &str, path: &str) -> Result<Vec<Spec>, DiffError> {
    let object = format!("{rev}:{path}");
    let kind = git(&["cat-file", "-t", &object])?;
    match kind.trim() {
        "blob" => {
            let text = git(&["show", &object])?;
            Ok(vec![spec::parse(Path::new(&object), &text)?])
        }
        "tree" => {
            let listing = git(&["ls-tree", "--full-tree", "--name-only", &object])?;
            let mut specs = Vec::new();
            for name in listing.lines().filter(|n| n.ends_with(".toml")) {
                let file = format!("{}/{name}", path.trim_end_matches('/'));
                let object = format!("{rev}:{file}");
                let text = git(&["show", &object])?;
                specs.push(spec::parse(Path::new(&object), &text)?);
            }
            if specs.is_empty() {
                return Err(DiffError::Input(format!(
                    "{object}: no spec files (*.toml)"
                )));
            }
            Ok(specs)
        }
        other => Err(DiffError::Input(format!(
            "{object} is a git {other}, not a spec file or directory"
        ))),
    }
}

fn git(args: &[&str]) -> Result<String, DiffError> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| DiffError::Input(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        return Err(DiffError::Input(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| DiffError::Input(format!("git {}: output is not UTF-8", args.join(" "))))
}

/// `--git REV1 [REV2]`: spec/ at REV1 against spec/ at REV2, or against the working tree.
pub fn load_revisions(
    root: &Path,
    old: &str,
    new: Option<&str>,
) -> Result<(Vec<Spec>, Vec<Spec>), DiffError> {
    let old = load_git(old, "spec")?;
    let new = match new {
        Some(rev) => load_git(rev, "spec")?,
        None => spec::load_dir(&root.join("spec"))?,
    };
    Ok((old, new))
}

/// Every change from `old` to `new`.
pub fn diff(old: &[Spec], new: &[Spec]) -> Report {
    let mut report = Report::default();
    let names: BTreeSet<&str> = old
        .iter()
        .chain(new)
        .map(|s| s.operation.name.as_str())
        .collect();
    for name in names {
        let a = old.iter().find(|s| s.operation.name == name);
        let b = new.iter().find(|s| s.operation.name == name);
        let mut d = Differ {
            operation: name.to_owned(),
            changes: Vec::new(),
        };
        match (a, b) {
            (Some(a), Some(b)) => d.operation(a, b),
            (Some(_), None) => d.push(
                "operation-removed",
                "[operation]",
                "the operation is gone".into(),
                breaking("its module and types leave the models crate"),
                breaking("its recorded traffic is no longer documented"),
            ),
            (None, Some(_)) => d.push(
                "operation-added",
                "[operation]",
                "a new operation".into(),
                compatible("a new module"),
                compatible("nothing recorded before uses it"),
            ),
            (None, None) => {}
        }
        report.changes.extend(d.changes);
    }
    report
}

struct Differ {
    operation: String,
    changes: Vec<Change>,
}

fn info() -> (Verdict, Verdict) {
    (
        compatible("documentation only"),
        compatible("documentation only"),
    )
}

impl Differ {
    fn push(
        &mut self,
        kind: &str,
        place: &str,
        detail: String,
        clients: Verdict,
        validation: Verdict,
    ) {
        self.changes.push(Change {
            operation: self.operation.clone(),
            kind: kind.into(),
            place: place.into(),
            detail,
            clients,
            validation,
        });
    }

    fn operation(&mut self, a: &Spec, b: &Spec) {
        let (oa, ob) = (&a.operation, &b.operation);
        if oa.method != ob.method {
            self.push(
                "method-changed",
                "[operation]",
                format!("{} -> {}", oa.method, ob.method),
                breaking("METHOD changes"),
                breaking("recorded requests use the old method"),
            );
        }
        if oa.uri != ob.uri {
            self.push(
                "uri-changed",
                "[operation]",
                format!("{} -> {}", oa.uri, ob.uri),
                breaking("URI_TEMPLATE and the path type change"),
                breaking("recorded requests use the old path"),
            );
        }
        if oa.title != ob.title || oa.function != ob.function {
            let (c, v) = info();
            self.push(
                "title-changed",
                "[operation]",
                format!("{} -> {}", oa.title, ob.title),
                c,
                v,
            );
        }
        if a.source != b.source {
            let (c, v) = info();
            self.push("source-changed", "[source]", describe_source(a, b), c, v);
        }
        if a.authorization != b.authorization {
            let actions = |s: &Spec| {
                s.authorization
                    .iter()
                    .map(|x| x.action.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            self.push(
                "authorization-changed",
                "[[authorization]]",
                format!("{} -> {}", actions(a), actions(b)),
                compatible("IAM_ACTION may hold another value; no type changes"),
                compatible("the identity policy is not part of the traffic"),
            );
        }

        let directions_a = directions(a);
        let directions_b = directions(b);
        let keys: Vec<String> = {
            let mut keys: Vec<String> = Vec::new();
            for t in a.tables.iter().chain(&b.tables) {
                let key = table_where(t);
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            keys
        };
        for key in keys {
            let ta = a.tables.iter().find(|t| table_where(t) == key);
            let tb = b.tables.iter().find(|t| table_where(t) == key);
            let request = match (ta, tb) {
                (_, Some(t)) => is_request(t, &directions_b),
                (Some(t), None) => is_request(t, &directions_a),
                (None, None) => continue,
            };
            // A whole response table comes and goes with its status, an object table with the
            // field that refers to it: those changes say it once.
            let whole = ta.is_none() || tb.is_none();
            let kind = tb.or(ta).map(|t| t.location);
            if whole && matches!(kind, Some(Location::Response | Location::Object)) {
                continue;
            }
            let label = tb.or(ta).map(Table::label).unwrap_or_default();
            let empty = Vec::new();
            let rows_a = ta.map(|t| &t.rows).unwrap_or(&empty);
            let rows_b = tb.map(|t| &t.rows).unwrap_or(&empty);
            let location = tb.or(ta).map(|t| t.location).unwrap_or(Location::Object);
            for row in rows_a {
                match rows_b.iter().find(|r| r.parameter == row.parameter) {
                    Some(other) => self.row(&label, request, row, other),
                    None => self.removed(&label, location, request, row),
                }
            }
            for row in rows_b {
                if !rows_a.iter().any(|r| r.parameter == row.parameter) {
                    self.added(&label, location, request, row);
                }
            }
        }

        let codes_a: BTreeMap<u16, &str> = a
            .statuses
            .iter()
            .map(|s| (s.code, s.description.as_str()))
            .collect();
        let codes_b: BTreeMap<u16, &str> = b
            .statuses
            .iter()
            .map(|s| (s.code, s.description.as_str()))
            .collect();
        for (code, description) in &codes_a {
            match codes_b.get(code) {
                None => self.push(
                    "status-removed",
                    "Status Codes",
                    format!("status {code} is no longer documented"),
                    breaking("a variant of the status enum and its body type go"),
                    breaking(format!(
                        "recorded responses with status {code} become undocumented"
                    )),
                ),
                Some(other) if other != description => {
                    let (c, v) = info();
                    self.push(
                        "status-description-changed",
                        "Status Codes",
                        format!("{code}: \"{description}\" -> \"{other}\""),
                        c,
                        v,
                    );
                }
                Some(_) => {}
            }
        }
        for code in codes_b.keys() {
            if !codes_a.contains_key(code) {
                self.push(
                    "status-added",
                    "Status Codes",
                    format!("status {code} is documented"),
                    breaking(
                        "a new variant of the status enum (exhaustive matches stop compiling)",
                    ),
                    compatible("recorded responses all have documented statuses still"),
                );
            }
        }

        if a.example != b.example {
            let (c, v) = info();
            self.push(
                "examples-changed",
                "[example]",
                "example requests or responses changed".into(),
                c,
                v,
            );
        }
        if a.formats != b.formats {
            let names_a: BTreeSet<&String> = a.formats.keys().collect();
            let names_b: BTreeSet<&String> = b.formats.keys().collect();
            let shrunk = a.formats.iter().any(|(name, f)| {
                b.formats
                    .get(name)
                    .is_some_and(|g| f.examples.iter().any(|e| !g.examples.contains(e)))
            });
            let validation = if shrunk {
                breaking("a format lost an example form that recorded traffic may use")
            } else {
                compatible("no accepted form was dropped")
            };
            self.push(
                "formats-changed",
                "[formats]",
                format!(
                    "{:?} -> {:?}",
                    names_a.into_iter().collect::<Vec<_>>(),
                    names_b.into_iter().collect::<Vec<_>>()
                ),
                compatible("the runtime types implement the formats"),
                validation,
            );
        }
        let ids = |s: &Spec| -> BTreeMap<String, spec::Reconciliation> {
            s.reconciliations
                .iter()
                .map(|r| (r.id.clone(), r.clone()))
                .collect()
        };
        let (ra, rb) = (ids(a), ids(b));
        for (id, rec) in &ra {
            match rb.get(id) {
                None => {
                    let (c, v) = info();
                    self.push(
                        "reconciliation-removed",
                        "[[reconciliation]]",
                        id.clone(),
                        c,
                        v,
                    );
                }
                Some(other) if other != rec => {
                    let (c, v) = info();
                    self.push(
                        "reconciliation-changed",
                        "[[reconciliation]]",
                        id.clone(),
                        c,
                        v,
                    );
                }
                Some(_) => {}
            }
        }
        for id in rb.keys() {
            if !ra.contains_key(id) {
                let (c, v) = info();
                self.push(
                    "reconciliation-added",
                    "[[reconciliation]]",
                    id.clone(),
                    c,
                    v,
                );
            }
        }
    }

    fn added(&mut self, label: &str, location: Location, request: bool, row: &Row) {
        let place = format!("{label} `{}`", row.parameter);
        let (clients, validation) = if location == Location::Path {
            (
                breaking("the path type gains a field"),
                breaking("recorded paths lack the new segment"),
            )
        } else if request && row.mandatory == Some(true) {
            (
                breaking(
                    "a new required field: struct literals need it and the struct may lose Default",
                ),
                breaking("recorded requests lack it"),
            )
        } else if request {
            (
                compatible("a new optional field (build structs with ..Default::default())"),
                compatible("optional"),
            )
        } else if row.constraints.required {
            (
                compatible("response fields stay optional in the models"),
                breaking("recorded responses may lack it"),
            )
        } else {
            (
                compatible("a new optional response field"),
                compatible("optional"),
            )
        };
        self.push(
            "field-added",
            &place,
            format!("type {}{}", row.type_word, mandatory_note(row)),
            clients,
            validation,
        );
    }

    fn removed(&mut self, label: &str, location: Location, request: bool, row: &Row) {
        let place = format!("{label} `{}`", row.parameter);
        let validation = if location == Location::Path {
            breaking("recorded paths carry a segment the template no longer has")
        } else if request {
            compatible(
                "recorded requests that send it carry an undocumented field, which is reported, not rejected",
            )
        } else {
            compatible("responses that carry it keep it as an undocumented field")
        };
        self.push(
            "field-removed",
            &place,
            format!("type {}{}", row.type_word, mandatory_note(row)),
            breaking("the field leaves the generated struct"),
            validation,
        );
    }

    fn row(&mut self, label: &str, request: bool, a: &Row, b: &Row) {
        let place = format!("{label} `{}`", a.parameter);
        if a.ty != b.ty || a.type_word != b.type_word {
            let widening = matches!(
                (&a.ty, &b.ty),
                (TypeRef::Integer, TypeRef::Long)
                    | (TypeRef::Integer | TypeRef::Long, TypeRef::Number)
            );
            let same_shape = a.ty == b.ty;
            self.push(
                "type-changed",
                &place,
                format!("{} -> {}", a.type_word, b.type_word),
                if same_shape {
                    compatible("the same Rust type (only the word changed)")
                } else {
                    breaking("the field's Rust type changes")
                },
                if widening || same_shape {
                    compatible("every old value is still of the type")
                } else {
                    breaking("old values may not be of the new type")
                },
            );
            // Constraints of another type are not comparable.
            if !same_shape {
                return;
            }
        }
        if a.mandatory != b.mandatory {
            let now = b.mandatory == Some(true);
            self.push(
                "mandatory-changed",
                &place,
                format!("mandatory {} -> {}", flag(a.mandatory), flag(b.mandatory)),
                if request {
                    breaking("Option<T> and T trade places")
                } else {
                    compatible("response fields stay optional in the models")
                },
                if now {
                    breaking("recorded requests may lack it")
                } else {
                    compatible("a requirement is dropped")
                },
            );
        }
        if a.constraints.required != b.constraints.required {
            let now = b.constraints.required;
            self.push(
                "required-changed",
                &place,
                format!("required {} -> {}", a.constraints.required, now),
                compatible("response fields stay optional in the models"),
                if now {
                    breaking("recorded responses may lack it")
                } else {
                    compatible("a requirement is dropped")
                },
            );
        }
        if a.constraints.secret != b.constraints.secret {
            self.push(
                "secret-changed",
                &place,
                format!(
                    "secret {} -> {}",
                    a.constraints.secret, b.constraints.secret
                ),
                breaking("String and Secret trade places"),
                compatible("masking only"),
            );
        }
        if a.description != b.description {
            let (c, v) = info();
            self.push(
                "description-changed",
                &place,
                "the description changed".into(),
                c,
                v,
            );
        }
        if a.from_explorer != b.from_explorer {
            let (c, v) = info();
            self.push(
                "provenance-changed",
                &place,
                format!(
                    "from_explorer {:?} -> {:?}",
                    a.from_explorer, b.from_explorer
                ),
                c,
                v,
            );
        }
        let numeric_request = request && a.ty.is_numeric();
        for (key, tighter_when_higher) in [
            ("minimum", true),
            ("maximum", false),
            ("min_length", true),
            ("max_length", false),
        ] {
            let (x, y) = (get_key(a, key), get_key(b, key));
            if x == y {
                continue;
            }
            // A missing bound is the widest one the type allows, so that writing the type's
            // own limit down (`maximum = 2147483647` on an Integer, `min_length = 0`) is no
            // tightening.
            let effective = |row: &Row, v: &Option<Value>| -> f64 {
                if let Some(v) = v.as_ref().and_then(Value::as_f64) {
                    return v;
                }
                let (low, high) = match row.ty {
                    TypeRef::Integer | TypeRef::Long => {
                        let (low, high) = spec::integer_limits(&row.ty);
                        (low as f64, high as f64)
                    }
                    _ => (f64::NEG_INFINITY, f64::INFINITY),
                };
                match key {
                    "minimum" => low,
                    "maximum" => high,
                    "min_length" => 0.0,
                    _ => f64::INFINITY,
                }
            };
            let (xf, yf) = (effective(a, &x), effective(b, &y));
            let tighter = if tighter_when_higher {
                yf > xf
            } else {
                yf < xf
            };
            let kind = match (&x, &y) {
                (None, _) => "constraint-added",
                (_, None) => "constraint-removed",
                _ => "constraint-changed",
            };
            let bounds = matches!(key, "minimum" | "maximum");
            let clients = if numeric_request
                && bounds
                && (x.is_none() != y.is_none())
                && other_bound(a, key).is_none()
                && other_bound(b, key).is_none()
            {
                breaking("the field becomes (or stops being) a checked newtype")
            } else if numeric_request && bounds && tighter {
                breaking("values that could be built before are refused now")
            } else {
                compatible("enforced by the schemas only, or looser")
            };
            self.push(
                kind,
                &place,
                format!("{key} {} -> {}", shown(&x), shown(&y)),
                clients,
                if tighter {
                    breaking("recorded values may fall outside")
                } else {
                    compatible("looser")
                },
            );
        }
        for key in ["pattern", "format"] {
            let (x, y) = (get_key(a, key), get_key(b, key));
            if x == y {
                continue;
            }
            let kind = match (&x, &y) {
                (None, _) => "constraint-added",
                (_, None) => "constraint-removed",
                _ => "constraint-changed",
            };
            let time = |v: &Option<Value>| {
                v.as_ref()
                    .and_then(Value::as_str)
                    .is_some_and(crate::model::is_time_format)
            };
            let clients = if key == "format" && request && time(&x) != time(&y) {
                breaking("String and DateTime trade places")
            } else {
                compatible("enforced by the schemas only")
            };
            self.push(
                kind,
                &place,
                format!("{key} {} -> {}", shown(&x), shown(&y)),
                clients,
                if y.is_some() {
                    breaking("recorded values may not match")
                } else {
                    compatible("looser")
                },
            );
        }
        match (&a.constraints.enum_values, &b.constraints.enum_values) {
            (None, Some(values)) => self.push(
                "constraint-added",
                &place,
                format!("enum {}", values.join(", ")),
                breaking("String becomes an enumeration"),
                breaking("recorded values may not be among the values"),
            ),
            (Some(values), None) => self.push(
                "constraint-removed",
                &place,
                format!("enum {} dropped", values.join(", ")),
                breaking("the enumeration becomes a String"),
                compatible("any string is accepted"),
            ),
            (Some(x), Some(y)) => {
                for value in x.iter().filter(|v| !y.contains(v)) {
                    self.push(
                        "enum-value-removed",
                        &place,
                        format!("`{value}`"),
                        breaking("a variant leaves the enumeration"),
                        if request {
                            breaking("recorded requests may send it")
                        } else {
                            compatible("responses keep unknown values")
                        },
                    );
                }
                for value in y.iter().filter(|v| !x.contains(v)) {
                    self.push(
                        "enum-value-added",
                        &place,
                        format!("`{value}`"),
                        breaking("a new variant (exhaustive matches stop compiling)"),
                        compatible("one more accepted value"),
                    );
                }
            }
            (None, None) => {}
        }
        if a.constraints.default != b.constraints.default {
            self.push(
                "default-changed",
                &place,
                format!(
                    "default {} -> {}",
                    shown(&a.constraints.default),
                    shown(&b.constraints.default)
                ),
                compatible("Default gives another value; no type changes"),
                compatible("defaults apply to absent values only"),
            );
        }
        if a.constraints.match_mode != b.constraints.match_mode {
            self.push(
                "match-changed",
                &place,
                format!(
                    "match {} -> {}",
                    shown(&get_key(a, "match")),
                    shown(&get_key(b, "match"))
                ),
                compatible("metadata only (FieldInfo.fuzzy)"),
                compatible("how servers select records, not what is valid"),
            );
        }
    }
}

fn other_bound(row: &Row, key: &str) -> Option<Value> {
    let other = if key == "minimum" {
        "maximum"
    } else {
        "minimum"
    };
    get_key(row, other)
}

fn shown(v: &Option<Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(Value::String(s)) => format!("\"{s}\""),
        Some(v) => v.to_string(),
    }
}

fn flag(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "(no column)",
    }
}

fn mandatory_note(row: &Row) -> &'static str {
    match (row.mandatory, row.constraints.required) {
        (Some(true), _) => ", mandatory",
        (_, true) => ", required",
        _ => "",
    }
}

fn describe_source(a: &Spec, b: &Spec) -> String {
    let page = |s: &Spec| {
        s.source
            .page
            .as_ref()
            .map(|p| p.updated_on.clone())
            .unwrap_or_else(|| "-".into())
    };
    let explorer = |s: &Spec| {
        s.source
            .explorer
            .as_ref()
            .map(|e| format!("{} {}", e.crate_name, e.version))
            .unwrap_or_else(|| "-".into())
    };
    let mut parts = Vec::new();
    if a.source.page != b.source.page {
        let url = |s: &Spec| {
            s.source
                .page
                .as_ref()
                .map(|p| p.url.clone())
                .unwrap_or_default()
        };
        if url(a) != url(b) {
            parts.push(format!("page {} -> {}", url(a), url(b)));
        }
        if page(a) != page(b) {
            parts.push(format!("page updated on {} -> {}", page(a), page(b)));
        }
    }
    if a.source.explorer != b.source.explorer {
        parts.push(format!("API Explorer {} -> {}", explorer(a), explorer(b)));
    }
    parts.join("; ")
}

/// Object tables reached from request tables are request objects.
fn directions(spec: &Spec) -> BTreeSet<String> {
    let mut request = BTreeSet::new();
    let mut stack: Vec<String> = spec
        .tables
        .iter()
        .filter(|t| t.location.is_request())
        .flat_map(|t| &t.rows)
        .filter_map(|r| r.ty.object_name().map(str::to_owned))
        .collect();
    while let Some(name) = stack.pop() {
        if request.insert(name.clone())
            && let Some(table) = spec.object(&name)
        {
            stack.extend(
                table
                    .rows
                    .iter()
                    .filter_map(|r| r.ty.object_name().map(str::to_owned)),
            );
        }
    }
    request
}

fn is_request(table: &Table, request_objects: &BTreeSet<String>) -> bool {
    match table.location {
        Location::Object => request_objects.contains(&table.title),
        location => location.is_request(),
    }
}
