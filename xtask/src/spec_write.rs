//! The canonical text of a spec file.
//!
//! `cargo xtask import` writes every spec through this module, so that a spec is a function of
//! its sources: the same page and API Explorer definition always give the same bytes, and
//! `--check` can compare text. The layout follows the page: operation, sources, identity
//! policy, tables in page order, status codes, examples, formats, then reconciliations. Reading
//! the text back with [`crate::spec::parse`] gives the same [`Spec`].

use std::fmt::Write as _;

use serde_json::Value;

use crate::spec::{Constraints, MatchMode, Row, Spec};

/// Strings longer than this are folded over several lines (TOML line-ending backslashes).
const WIDTH: usize = 100;

/// The whole file.
pub fn to_toml(spec: &Spec) -> String {
    let mut out = String::new();
    let op = &spec.operation;
    let _ = writeln!(
        out,
        "# {}: the reference page's tables in page order, with what API Explorer adds.",
        op.name
    );
    out.push_str(
        "# Written by `cargo xtask import page` and `cargo xtask import explorer` (format: spec/README.md).\n\
         # Keys a row takes from API Explorer are listed in its `from_explorer`; everything else is the\n\
         # page's. Review [[reconciliation]] entries (follows, reason): re-imports keep them.\n\
         # Regenerate code after a change: cargo xtask codegen\n",
    );

    out.push_str("\n[operation]\n");
    key(&mut out, "name", &string(&op.name));
    key(&mut out, "title", &string(&op.title));
    if let Some(function) = &op.function {
        key(&mut out, "function", &string(function));
    }
    key(&mut out, "method", &string(&op.method));
    key(&mut out, "uri", &string(&op.uri));

    if let Some(page) = &spec.source.page {
        out.push_str("\n[source.page]\n");
        key(&mut out, "url", &string(&page.url));
        key(&mut out, "updated_on", &string(&page.updated_on));
    }
    if let Some(explorer) = &spec.source.explorer {
        out.push_str("\n[source.explorer]\n");
        key(&mut out, "crate", &string(&explorer.crate_name));
        key(&mut out, "version", &string(&explorer.version));
        if let Some(definition) = &explorer.definition {
            key(&mut out, "definition", &string(definition));
        }
    }

    for auth in &spec.authorization {
        out.push_str("\n[[authorization]]\n");
        key(&mut out, "action", &string(&auth.action));
        key(&mut out, "access_level", &string(&auth.access_level));
        key(&mut out, "resource_type", &string(&auth.resource_type));
        key(&mut out, "condition_key", &string(&auth.condition_key));
        key(&mut out, "alias", &string(&auth.alias));
        key(&mut out, "dependencies", &string(&auth.dependencies));
    }

    for table in &spec.tables {
        out.push_str("\n[[table]]\n");
        key(&mut out, "number", &table.number.to_string());
        key(&mut out, "title", &string(&table.title));
        let location = serde_json::to_value(table.location)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        key(&mut out, "location", &string(&location));
        if let Some(status) = table.status {
            key(&mut out, "status", &status.to_string());
        }
        for row in &table.rows {
            out.push_str("\n[[table.row]]\n");
            write_row(&mut out, row);
        }
    }

    for status in &spec.statuses {
        out.push_str("\n[[status]]\n");
        key(&mut out, "code", &status.code.to_string());
        key(&mut out, "description", &string(&status.description));
    }

    for request in &spec.example.request {
        out.push_str("\n[[example.request]]\n");
        key(&mut out, "method", &string(&request.method));
        key(&mut out, "uri", &string(&request.uri));
        if let Some(body) = &request.body {
            key(&mut out, "body", &block(body));
        }
    }
    for response in &spec.example.response {
        out.push_str("\n[[example.response]]\n");
        key(&mut out, "status", &response.status.to_string());
        if let Some(description) = &response.description {
            key(&mut out, "description", &string(description));
        }
        if let Some(source) = &response.source {
            key(&mut out, "source", &string(source));
        }
        if let Some(body) = &response.body {
            key(&mut out, "body", &block(body));
        }
    }

    for (name, format) in &spec.formats {
        let _ = writeln!(out, "\n[formats.{}]", bare_key(name));
        key(&mut out, "description", &string(&format.description));
        let examples: Vec<String> = format.examples.iter().map(|e| string(e)).collect();
        key(&mut out, "examples", &format!("[{}]", examples.join(", ")));
    }

    for rec in &spec.reconciliations {
        out.push_str("\n[[reconciliation]]\n");
        key(&mut out, "id", &string(&rec.id));
        key(&mut out, "subject", &string(&rec.subject));
        key(&mut out, "page", &string(&rec.page));
        key(&mut out, "explorer", &string(&rec.explorer));
        key(&mut out, "follows", &string(&rec.follows));
        key(&mut out, "reason", &string(&rec.reason));
    }
    out
}

fn write_row(out: &mut String, row: &Row) {
    key(out, "parameter", &string(&row.parameter));
    if let Some(mandatory) = row.mandatory {
        key(out, "mandatory", &mandatory.to_string());
    }
    key(out, "type", &string(&row.type_word));
    key(out, "description", &string(&row.description));
    for (name, value) in constraint_pairs(&row.constraints) {
        key(out, name, &value);
    }
    if !row.from_explorer.is_empty() {
        let keys: Vec<String> = row.from_explorer.iter().map(|k| string(k)).collect();
        key(out, "from_explorer", &format!("[{}]", keys.join(", ")));
    }
}

/// The constraint keys a row has, in the canonical order, as TOML values.
pub fn constraint_pairs(c: &Constraints) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let Some(min) = &c.minimum {
        pairs.push(("minimum", min.to_string()));
    }
    if let Some(max) = &c.maximum {
        pairs.push(("maximum", max.to_string()));
    }
    if let Some(default) = &c.default {
        pairs.push(("default", value(default)));
    }
    if let Some(values) = &c.enum_values {
        let values: Vec<String> = values.iter().map(|v| string(v)).collect();
        pairs.push(("enum", format!("[{}]", values.join(", "))));
    }
    if let Some(mode) = c.match_mode {
        let word = match mode {
            MatchMode::Exact => "exact",
            MatchMode::Fuzzy => "fuzzy",
        };
        pairs.push(("match", string(word)));
    }
    if let Some(format) = &c.format {
        pairs.push(("format", string(format)));
    }
    if let Some(min) = c.min_length {
        pairs.push(("min_length", min.to_string()));
    }
    if let Some(max) = c.max_length {
        pairs.push(("max_length", max.to_string()));
    }
    if let Some(pattern) = &c.pattern {
        pairs.push(("pattern", string(pattern)));
    }
    if c.required {
        pairs.push(("required", "true".to_owned()));
    }
    if c.secret {
        pairs.push(("secret", "true".to_owned()));
    }
    pairs
}

fn key(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "{name} = {value}");
}

/// A scalar JSON value as a TOML value (the spec's defaults are scalars).
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s) => string(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(value).collect();
            format!("[{}]", items.join(", "))
        }
        // Not produced by the importer; JSON text keeps the information.
        Value::Null | Value::Object(_) => string(&v.to_string()),
    }
}

fn bare_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { name.to_owned() } else { string(name) }
}

/// A TOML string: one line when it is short and has no line break, otherwise a multi-line
/// basic string whose long lines are folded at spaces.
pub fn string(s: &str) -> String {
    if !s.contains('\n') && s.chars().count() <= WIDTH {
        // Quotes read better in a literal string, which has no escapes.
        let literal =
            s.contains('"') && !s.contains('\'') && s.chars().all(|c| c == '\t' || !c.is_control());
        if literal {
            return format!("'{s}'");
        }
        return format!("\"{}\"", escape(s, false));
    }
    let mut out = String::from("\"\"\"\n");
    let lines: Vec<&str> = s.split('\n').collect();
    for (index, line) in lines.iter().enumerate() {
        let escaped = escape(line, true);
        out.push_str(&fold(&escaped));
        if index + 1 < lines.len() {
            out.push('\n');
        }
    }
    out.push_str("\"\"\"");
    out
}

/// A long value such as a JSON example body: a multi-line literal string when it can be one.
fn block(s: &str) -> String {
    let literal_safe = !s.contains("'''")
        && !s.ends_with('\'')
        && s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control());
    if literal_safe && s.contains('\n') {
        format!("'''\n{s}'''")
    } else {
        string(s)
    }
}

fn escape(s: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' if !multiline => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Breaks an escaped line at spaces so that no part is much longer than [`WIDTH`]; each break
/// is a line-ending backslash, which TOML removes together with the line break.
fn fold(line: &str) -> String {
    if line.chars().count() <= WIDTH {
        return line.to_owned();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut start = 0;
    while chars.len() - start > WIDTH {
        // The last space before WIDTH that is followed by a visible character; the space stays
        // on this line (TOML trims only the whitespace after the backslash).
        let end = start + WIDTH;
        let mut cut = None;
        for i in (start + 1..end).rev() {
            if chars[i] == ' ' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
                cut = Some(i + 1);
                break;
            }
        }
        let Some(cut) = cut else { break };
        out.extend(&chars[start..cut]);
        out.push_str("\\\n");
        start = cut;
    }
    out.extend(&chars[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) {
        let text = format!("v = {}\n", string(s));
        let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(table["v"].as_str(), Some(s), "{text}");
    }

    #[test]
    fn strings_read_back_unchanged() {
        round_trip("plain");
        round_trip("with \"quotes\" and \\ backslash");
        round_trip("two\n\nparagraphs");
        round_trip("ends with a quote\"");
        round_trip("enum = [\"Windows\", \"Mac\"]");
        round_trip("both ' and \"");
        round_trip(&"word ".repeat(60));
        round_trip(&format!("{}\n{}", "long line ".repeat(30), "x".repeat(150)));
        round_trip("  leading spaces and a tab\t");
        round_trip(
            "格式 2022-10-31T08:07:39Z,参数中brokering_start_time与brokering_end_time必须同时存在或都不存在,都不存在时导出近一个月的数据。",
        );
        round_trip(&format!("{} \\\\ {}", "a ".repeat(49), "b ".repeat(60)));
    }

    #[test]
    fn blocks_read_back_unchanged() {
        for s in [
            "{\n  \"a\" : \"b\\\\#c\"\n}",
            "{\n}\n",
            "x'''y\nz",
            "ends'\nwith quote'",
        ] {
            let text = format!("v = {}\n", block(s));
            let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(table["v"].as_str(), Some(s));
        }
    }
}
