//! Reads a Huawei Cloud API reference page, saved as text, into the parts of a spec.
//!
//! The text layout is the one the documentation site produces when a page is copied as text:
//! one cell per line, cells separated by blank lines, section headings on their own lines,
//! tables introduced by `Table N Caption` and a header row (`Parameter`, `Mandatory`, `Type`,
//! `Description`). Sections may be missing or say `None`; table numbers follow what is present.
//!
//! What the prose of a description states is made explicit (see [`prose`]); everything the
//! reader cannot place is an error naming the line, and nothing is written.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::spec::{
    Authorization, ExampleRequest, ExampleResponse, Examples, Location, Row, StatusCode, Table,
    TypeRef,
};

/// A page that could not be read: the line (1-based) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PageError {
    pub line: usize,
    pub message: String,
}

/// What the page says, in the spec's terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// "2026-05-21 GMT+08:00", from the `Updated on` line.
    pub updated_on: String,
    pub title: String,
    pub function: Option<String>,
    pub authorization: Vec<Authorization>,
    pub method: String,
    pub uri: String,
    pub tables: Vec<Table>,
    pub statuses: Vec<StatusCode>,
    pub examples: Examples,
    /// Where each table and row starts: (table number, parameter or "") -> line.
    pub lines: BTreeMap<(u32, String), usize>,
}

impl Page {
    /// The line of a row (or, with an empty parameter, of a table caption).
    pub fn line_of(&self, table: u32, parameter: &str) -> Option<usize> {
        self.lines.get(&(table, parameter.to_owned())).copied()
    }
}

/// The page's section headings, each alone on its line.
const HEADINGS: &[&str] = &[
    "Function",
    "Constraints",
    "Debugging",
    "Authorization Information",
    "URI",
    "Request Parameters",
    "Response Parameters",
    "Example Requests",
    "Example Responses",
    "Status Codes",
    "Error Codes",
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

fn is_heading(line: &str) -> bool {
    HEADINGS.contains(&line.trim())
}

/// `Table 4 Request body parameters` -> (4, "Request body parameters").
fn caption(line: &str) -> Option<(u32, &str)> {
    let rest = line.trim().strip_prefix("Table ")?;
    let (number, title) = rest.split_once(' ')?;
    let number = number.parse().ok()?;
    let title = title.trim();
    (!title.is_empty()).then_some((number, title))
}

/// `Status code: 200` -> 200.
fn status_line(line: &str) -> Option<u16> {
    line.trim()
        .strip_prefix("Status code:")?
        .trim()
        .parse()
        .ok()
}

/// A line that ends a table or a description: a heading, a caption or a status line.
fn is_boundary(line: &str) -> bool {
    is_heading(line) || caption(line).is_some() || status_line(line).is_some()
}

fn is_parameter_name(text: &str) -> bool {
    let mut chars = text.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$' || c == '@');
    first_ok
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.[]:$@".contains(c))
        && !matches!(text, "None" | "Yes" | "No")
        && !is_heading(text)
}

/// A cell that is shaped like a type word, whether or not it is a known one.
fn is_type_shaped(text: &str) -> bool {
    if TypeRef::parse(text).is_some() || text.starts_with("Array of ") {
        return true;
    }
    let word = text
        .strip_suffix(" objects")
        .or_else(|| text.strip_suffix(" object"));
    match word {
        Some(name) => name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        None => {
            let mut chars = text.chars();
            chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && chars.all(|c| c.is_ascii_lowercase())
        }
    }
}

/// The page's lines, with helpers to move over blank lines.
struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            lines: text.lines().collect(),
        }
    }

    fn get(&self, index: usize) -> Option<&'a str> {
        self.lines.get(index).copied()
    }

    fn text(&self, index: usize) -> &'a str {
        self.lines.get(index).map(|l| l.trim()).unwrap_or_default()
    }

    /// The first non-blank line at or after `index`.
    fn next(&self, index: usize) -> Option<usize> {
        (index..self.lines.len()).find(|&i| !self.lines[i].trim().is_empty())
    }

    fn error(&self, index: usize, message: impl Into<String>) -> PageError {
        PageError {
            line: index.min(self.lines.len().saturating_sub(1)) + 1,
            message: message.into(),
        }
    }
}

/// Reads the whole page.
pub fn parse(text: &str) -> Result<Page, PageError> {
    let lines = Lines::new(text);
    let Some(first) = lines.next(0) else {
        return Err(PageError {
            line: 1,
            message: "the page is empty".into(),
        });
    };
    let updated_on = lines
        .text(first)
        .strip_prefix("Updated on")
        .map(|rest| rest.trim().to_owned())
        .filter(|rest| !rest.is_empty())
        .ok_or_else(|| {
            lines.error(
                first,
                format!(
                    "expected `Updated on <date>`, the line a reference page starts with, found `{}`",
                    lines.text(first)
                ),
            )
        })?;
    let title_at = lines
        .next(first + 1)
        .ok_or_else(|| lines.error(first, "the page ends before its title"))?;
    let title = lines.text(title_at).to_owned();
    if is_boundary(&title) {
        return Err(lines.error(
            title_at,
            format!("expected the page title after `Updated on`, found the heading `{title}`"),
        ));
    }

    let mut reader = Reader {
        lines,
        page: Page {
            updated_on,
            title,
            function: None,
            authorization: Vec::new(),
            method: String::new(),
            uri: String::new(),
            tables: Vec::new(),
            statuses: Vec::new(),
            examples: Examples::default(),
            lines: BTreeMap::new(),
        },
        status: None,
        status_lines: BTreeMap::new(),
        uri_line: None,
        status_table_line: None,
    };
    reader.read(title_at + 1)?;
    reader.finish()
}

struct Reader<'a> {
    lines: Lines<'a>,
    page: Page,
    /// The `Status code:` the next response table belongs to.
    status: Option<u16>,
    status_lines: BTreeMap<u16, usize>,
    uri_line: Option<usize>,
    status_table_line: Option<usize>,
}

impl Reader<'_> {
    fn read(&mut self, start: usize) -> Result<(), PageError> {
        let mut i = start;
        while let Some(at) = self.lines.next(i) {
            let line = self.lines.text(at);
            if let Some((number, title)) = caption(line) {
                i = self.table(at, number, title)?;
                continue;
            }
            if let Some(code) = status_line(line) {
                self.status = Some(code);
                self.status_lines.insert(code, at);
                i = at + 1;
                continue;
            }
            i = match line {
                "Function" => {
                    let (text, end) = self.prose(at + 1);
                    self.page.function = (!text.is_empty()).then_some(text);
                    end
                }
                "Authorization Information" => self.authorization(at)?,
                "URI" => self.uri(at)?,
                "Request Parameters" | "Response Parameters" => {
                    self.status = None;
                    self.skip_none(at + 1)
                }
                "Example Requests" => self.example_requests(at + 1)?,
                "Example Responses" => self.example_responses(at + 1)?,
                "Status Codes" => self.status_codes(at)?,
                // Debugging, Constraints, Error Codes and any prose the tables do not hold.
                _ => at + 1,
            };
        }
        Ok(())
    }

    fn finish(self) -> Result<Page, PageError> {
        let lines = self.lines;
        let page = self.page;
        if page.method.is_empty() {
            return Err(PageError {
                line: lines.lines.len().max(1),
                message: "the page has no `URI` section (`METHOD /path`)".into(),
            });
        }
        let Some(status_table_line) = self.status_table_line else {
            return Err(PageError {
                line: lines.lines.len().max(1),
                message: "the page has no `Status Codes` table".into(),
            });
        };
        for status in &page.statuses {
            if !page.tables.iter().any(|t| t.status == Some(status.code)) {
                let line = self
                    .status_lines
                    .get(&status.code)
                    .copied()
                    .unwrap_or(status_table_line);
                return Err(lines.error(
                    line,
                    format!(
                        "status {} has no response body table; the spec needs one table per \
                         documented status",
                        status.code
                    ),
                ));
            }
        }
        for table in &page.tables {
            if let Some(code) = table.status
                && !page.statuses.iter().any(|s| s.code == code)
            {
                let line = page.line_of(table.number, "").unwrap_or(1) - 1;
                return Err(lines.error(
                    line,
                    format!(
                        "Table {} is the response of status {code}, which the Status Codes table \
                         does not list",
                        table.number
                    ),
                ));
            }
        }
        if let Some(uri_line) = self.uri_line {
            let placeholders = crate::spec::uri_placeholders(&page.uri);
            let path_rows: Vec<&Row> = page
                .tables
                .iter()
                .filter(|t| t.location == Location::Path)
                .flat_map(|t| &t.rows)
                .collect();
            for name in &placeholders {
                if !path_rows.iter().any(|row| &row.parameter == name) {
                    return Err(lines.error(
                        uri_line,
                        format!("the URI's `{{{name}}}` has no row in a Path Parameters table"),
                    ));
                }
            }
        }
        Ok(page)
    }

    /// Paragraphs up to the next heading, caption or status line: lines of a block joined by
    /// a line break, blocks by a blank line.
    fn prose(&self, start: usize) -> (String, usize) {
        let mut blocks: Vec<Vec<&str>> = Vec::new();
        let mut i = start;
        let mut fresh = true;
        while let Some(line) = self.lines.get(i) {
            let text = line.trim();
            if text.is_empty() {
                fresh = true;
            } else if is_boundary(text) {
                break;
            } else {
                if fresh || blocks.is_empty() {
                    blocks.push(Vec::new());
                }
                if let Some(block) = blocks.last_mut() {
                    block.push(text);
                }
                fresh = false;
            }
            i += 1;
        }
        let text = blocks
            .iter()
            .map(|b| b.join("\n"))
            .collect::<Vec<_>>()
            .join("\n\n");
        (text, i)
    }

    /// After `Request Parameters` and the like: a `None` line says the section is empty.
    fn skip_none(&self, start: usize) -> usize {
        match self.lines.next(start) {
            Some(at) if self.lines.text(at) == "None" => at + 1,
            _ => start,
        }
    }

    fn uri(&mut self, heading: usize) -> Result<usize, PageError> {
        let at = self
            .lines
            .next(heading + 1)
            .ok_or_else(|| self.lines.error(heading, "the URI section is empty"))?;
        let line = self.lines.text(at);
        let parsed = line
            .split_once(' ')
            .filter(|(method, uri)| METHODS.contains(method) && uri.trim().starts_with('/'));
        let Some((method, uri)) = parsed else {
            return Err(self.lines.error(
                at,
                format!("expected `METHOD /path` under URI, found `{line}`"),
            ));
        };
        self.page.method = method.to_owned();
        // A query string written into the URI line is the query table's business.
        self.page.uri = uri.trim().split('?').next().unwrap_or_default().to_owned();
        self.uri_line = Some(at);
        Ok(at + 1)
    }

    /// The identity-policy table: six header cells, then rows of six cells.
    fn authorization(&mut self, heading: usize) -> Result<usize, PageError> {
        const HEADER: [&str; 6] = [
            "Action",
            "Access Level",
            "Resource Type",
            "Condition Key",
            "Alias",
            "Dependencies",
        ];
        let mut i = heading + 1;
        let mut header_at = None;
        while let Some(at) = self.lines.next(i) {
            let text = self.lines.text(at);
            if is_boundary(text) {
                return Ok(at);
            }
            if text == "Action" {
                header_at = Some(at);
                break;
            }
            i = at + 1;
        }
        let Some(header_at) = header_at else {
            return Ok(self.lines.lines.len());
        };
        let mut at = header_at;
        for expected in HEADER {
            let Some(found) = self.lines.next(at) else {
                return Err(self.lines.error(at, "the identity-policy table ends early"));
            };
            if !self.lines.text(found).starts_with(expected) {
                return Err(self.lines.error(
                    found,
                    format!(
                        "expected the identity-policy column `{expected}`, found `{}`",
                        self.lines.text(found)
                    ),
                ));
            }
            at = found + 1;
        }
        let mut cells = Vec::new();
        let mut end = at;
        while let Some(found) = self.lines.next(end) {
            let text = self.lines.text(found);
            if is_boundary(text) {
                end = found;
                break;
            }
            cells.push(text.to_owned());
            end = found + 1;
        }
        if cells.is_empty() || cells.len() % HEADER.len() != 0 {
            return Err(self.lines.error(
                header_at,
                format!(
                    "the identity-policy table has {} cells, not rows of {} (merged cells are not \
                     supported)",
                    cells.len(),
                    HEADER.len()
                ),
            ));
        }
        for row in cells.chunks(HEADER.len()) {
            self.page.authorization.push(Authorization {
                action: row[0].clone(),
                access_level: row[1].clone(),
                resource_type: row[2].clone(),
                condition_key: row[3].clone(),
                alias: row[4].clone(),
                dependencies: row[5].clone(),
            });
        }
        Ok(end)
    }

    fn table(&mut self, at: usize, number: u32, title: &str) -> Result<usize, PageError> {
        let expected = self.page.tables.len() as u32 + 1;
        if number != expected {
            return Err(self.lines.error(
                at,
                format!(
                    "found Table {number} where Table {expected} should be (a table is missing or \
                     the numbering is broken)"
                ),
            ));
        }
        let (location, status) = match title.to_ascii_lowercase().as_str() {
            "path parameters" => (Location::Path, None),
            "query parameters" => (Location::Query, None),
            "request header parameters" => (Location::Header, None),
            "request body parameters" => (Location::Body, None),
            "response body parameters" => {
                let Some(status) = self.status else {
                    return Err(self.lines.error(
                        at,
                        format!(
                            "Table {number} is a response body table but no `Status code: NNN` \
                             line comes before it"
                        ),
                    ));
                };
                (Location::Response, Some(status))
            }
            "response header parameters" => {
                return Err(self.lines.error(
                    at,
                    format!(
                        "Table {number} lists response headers, which the spec format has no \
                         place for"
                    ),
                ));
            }
            _ if TypeRef::parse(&format!("{title} object"))
                .is_some_and(|t| t == TypeRef::Object(title.to_owned())) =>
            {
                (Location::Object, None)
            }
            _ => {
                return Err(self.lines.error(
                    at,
                    format!(
                        "Table {number} `{title}` is neither a known table (Path Parameters, Query \
                         Parameters, Request header parameters, Request body parameters, Response \
                         body parameters) nor an object name"
                    ),
                ));
            }
        };

        // The header row.
        let mut columns = Vec::new();
        let mut i = at + 1;
        for expected in ["Parameter", "Mandatory", "Type", "Description"] {
            let Some(found) = self.lines.next(i) else {
                return Err(self
                    .lines
                    .error(i, format!("Table {number} ends in its header")));
            };
            let text = self.lines.text(found);
            if text == expected {
                columns.push(expected);
                i = found + 1;
            } else if expected == "Mandatory" {
                continue;
            } else {
                return Err(self.lines.error(
                    found,
                    format!(
                        "expected the column header `{expected}` of Table {number}, found `{text}`"
                    ),
                ));
            }
        }
        let mandatory_column = columns.contains(&"Mandatory");

        let mut table = Table {
            number,
            title: title.to_owned(),
            location,
            status,
            rows: Vec::new(),
        };
        self.page.lines.insert((number, String::new()), at + 1);
        let mut next = self.lines.next(i);
        while let Some(start) = next {
            if is_boundary(self.lines.text(start)) {
                break;
            }
            let (row, end) = self.row(&table, start, mandatory_column)?;
            if table.rows.iter().any(|r| r.parameter == row.parameter) {
                return Err(self.lines.error(
                    start,
                    format!("Table {number} has a second row `{}`", row.parameter),
                ));
            }
            self.page
                .lines
                .insert((number, row.parameter.clone()), start + 1);
            table.rows.push(row);
            next = self.lines.next(end);
        }
        if table.rows.is_empty() {
            return Err(self.lines.error(at, format!("Table {number} has no rows")));
        }
        self.page.tables.push(table);
        Ok(next.unwrap_or(self.lines.lines.len()))
    }

    /// Whether a row of the table starts at `at`.
    fn row_starts(&self, at: usize, mandatory_column: bool) -> bool {
        if !is_parameter_name(self.lines.text(at)) {
            return false;
        }
        let Some(second) = self.lines.next(at + 1) else {
            return false;
        };
        let second = self.lines.text(second);
        if mandatory_column {
            matches!(second, "Yes" | "No")
        } else {
            is_type_shaped(second)
        }
    }

    fn row(
        &self,
        table: &Table,
        start: usize,
        mandatory_column: bool,
    ) -> Result<(Row, usize), PageError> {
        let number = table.number;
        let parameter = self.lines.text(start);
        if !is_parameter_name(parameter) {
            return Err(self.lines.error(
                start,
                format!(
                    "expected a row of Table {number} to start here, but `{parameter}` is not a \
                     parameter name"
                ),
            ));
        }
        let mut at = start;
        let mut cell = |what: &str| -> Result<(usize, &str), PageError> {
            match self.lines.next(at + 1) {
                Some(found) if !is_boundary(self.lines.text(found)) => {
                    at = found;
                    Ok((found, self.lines.text(found)))
                }
                found => Err(self.lines.error(
                    found.unwrap_or(at + 1),
                    format!("row `{parameter}` of Table {number} ends before its {what} cell"),
                )),
            }
        };
        let mandatory = if mandatory_column {
            let (line, text) = cell("Mandatory")?;
            Some(match text {
                "Yes" => true,
                "No" => false,
                other => {
                    return Err(self.lines.error(
                        line,
                        format!(
                            "the Mandatory cell of `{parameter}` (Table {number}) is `{other}`, \
                             expected Yes or No"
                        ),
                    ));
                }
            })
        } else {
            None
        };
        let (type_line, type_word) = cell("Type")?;
        let Some(ty) = TypeRef::parse(type_word) else {
            return Err(self.lines.error(
                type_line,
                format!(
                    "the Type cell of `{parameter}` (Table {number}) is `{type_word}`, not a type \
                     word (String, Integer, Long, Number, Float, Double, Boolean, `X object`, \
                     `Array of T`, `Array of X objects`)"
                ),
            ));
        };

        // The description: every line up to the next row or boundary.
        let mut units: Vec<(usize, &str)> = Vec::new();
        let mut gaps: Vec<bool> = Vec::new();
        let mut i = type_line + 1;
        let mut blank = true;
        while let Some(line) = self.lines.get(i) {
            let text = line.trim();
            if text.is_empty() {
                blank = true;
                i += 1;
                continue;
            }
            if is_boundary(text) || self.row_starts(i, mandatory_column) {
                break;
            }
            units.push((i, text));
            gaps.push(blank);
            blank = false;
            i += 1;
        }
        if units.is_empty() {
            return Err(self.lines.error(
                type_line + 1,
                format!("row `{parameter}` of Table {number} has no description"),
            ));
        }
        let described = prose::describe(&units, &gaps, &ty, table.location, table.status);
        let mut constraints = described.constraints;
        let credential = (table.location == Location::Header && prose::is_secret_header(parameter))
            || (table.location.is_request() && prose::is_secret_field(parameter));
        if ty == TypeRef::String && credential {
            constraints.secret = true;
        }
        let row = Row {
            parameter: parameter.to_owned(),
            mandatory,
            type_word: type_word.to_owned(),
            ty,
            description: described.description,
            constraints,
            from_explorer: Vec::new(),
        };
        Ok((row, i))
    }

    fn status_codes(&mut self, heading: usize) -> Result<usize, PageError> {
        self.status_table_line = Some(heading);
        let mut i = heading + 1;
        for expected in ["Status Code", "Description"] {
            let Some(found) = self.lines.next(i) else {
                return Err(self
                    .lines
                    .error(i, "the Status Codes table ends in its header"));
            };
            if self.lines.text(found) != expected {
                return Err(self.lines.error(
                    found,
                    format!(
                        "expected the column header `{expected}` of the Status Codes table, found `{}`",
                        self.lines.text(found)
                    ),
                ));
            }
            i = found + 1;
        }
        let mut next = self.lines.next(i);
        while let Some(at) = next {
            let text = self.lines.text(at);
            if is_heading(text) {
                break;
            }
            let code: u16 = match text.parse() {
                Ok(code) if (100..=599).contains(&code) && text.len() == 3 => code,
                _ => {
                    return Err(self.lines.error(
                        at,
                        format!("expected a status code (three digits) in the Status Codes table, found `{text}`"),
                    ));
                }
            };
            if self.page.statuses.iter().any(|s| s.code == code) {
                return Err(self
                    .lines
                    .error(at, format!("status {code} is listed twice")));
            }
            let mut paragraphs = Vec::new();
            let mut j = at + 1;
            let mut end = None;
            while let Some(found) = self.lines.next(j) {
                let text = self.lines.text(found);
                let is_code = text.len() == 3 && text.chars().all(|c| c.is_ascii_digit());
                if is_heading(text) || is_code {
                    end = Some(found);
                    break;
                }
                paragraphs.push(text);
                j = found + 1;
            }
            if paragraphs.is_empty() {
                return Err(self
                    .lines
                    .error(at, format!("status {code} has no description")));
            }
            self.page.statuses.push(StatusCode {
                code,
                description: paragraphs.join("\n\n"),
            });
            next = end;
        }
        if self.page.statuses.is_empty() {
            return Err(self
                .lines
                .error(heading, "the Status Codes table has no rows"));
        }
        Ok(next.unwrap_or(self.lines.lines.len()))
    }

    /// A JSON example starting at `start`: the lines up to the bracket that closes the first.
    fn json_block(&self, start: usize) -> Result<(String, usize), PageError> {
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        for i in start..self.lines.lines.len() {
            for c in self.lines.lines[i].chars() {
                if in_string {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    '"' => in_string = true,
                    '{' | '[' => depth += 1,
                    '}' | ']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            if depth == 0 {
                let text = self.lines.lines[start..=i].join("\n");
                if let Err(e) = serde_json::from_str::<Value>(&text) {
                    return Err(self
                        .lines
                        .error(start, format!("the example body is not JSON: {e}")));
                }
                return Ok((text, i + 1));
            }
        }
        Err(self
            .lines
            .error(start, "the example body's brackets never close"))
    }

    fn example_requests(&mut self, start: usize) -> Result<usize, PageError> {
        let mut i = start;
        while let Some(at) = self.lines.next(i) {
            let text = self.lines.text(at);
            if is_heading(text) {
                return Ok(at);
            }
            if text.starts_with('{') || text.starts_with('[') {
                let (body, end) = self.json_block(at)?;
                let Some(request) = self.page.examples.request.last_mut() else {
                    return Err(self
                        .lines
                        .error(at, "an example body comes before any `METHOD /path` line"));
                };
                if request.body.is_some() {
                    return Err(self
                        .lines
                        .error(at, "a second body for one example request"));
                }
                request.body = Some(body);
                i = end;
                continue;
            }
            if let Some((method, uri)) = text.split_once(' ')
                && METHODS.contains(&method)
                && (uri.starts_with('/') || uri.starts_with("http"))
            {
                self.page.examples.request.push(ExampleRequest {
                    method: method.to_owned(),
                    uri: uri.trim().to_owned(),
                    body: None,
                });
            }
            // Other lines ("None", a sentence naming the example) carry nothing the spec keeps.
            i = at + 1;
        }
        Ok(self.lines.lines.len())
    }

    fn example_responses(&mut self, start: usize) -> Result<usize, PageError> {
        let mut i = start;
        let mut current: Option<(ExampleResponse, Vec<&str>)> = None;
        let finish = |current: Option<(ExampleResponse, Vec<&str>)>, page: &mut Page| {
            if let Some((mut example, paragraphs)) = current {
                if !paragraphs.is_empty() {
                    example.description = Some(paragraphs.join("\n\n"));
                }
                page.examples.response.push(example);
            }
        };
        while let Some(at) = self.lines.next(i) {
            let text = self.lines.text(at);
            if is_heading(text) {
                finish(current, &mut self.page);
                return Ok(at);
            }
            if let Some(code) = status_line(text) {
                finish(current.take(), &mut self.page);
                current = Some((
                    ExampleResponse {
                        status: code,
                        description: None,
                        body: None,
                        source: None,
                    },
                    Vec::new(),
                ));
                i = at + 1;
                continue;
            }
            let Some((example, paragraphs)) = current.as_mut() else {
                if text == "None" {
                    i = at + 1;
                    continue;
                }
                return Err(self.lines.error(
                    at,
                    format!(
                        "expected `Status code: NNN` before an example response, found `{text}`"
                    ),
                ));
            };
            if text.starts_with('{') || text.starts_with('[') {
                let (body, end) = self.json_block(at)?;
                if example.body.is_some() {
                    return Err(self.lines.error(
                        at,
                        format!("a second body for the example of status {}", example.status),
                    ));
                }
                example.body = Some(body);
                i = end;
                continue;
            }
            paragraphs.push(text);
            i = at + 1;
        }
        finish(current, &mut self.page);
        Ok(self.lines.lines.len())
    }
}

/// Constraints stated in prose, made explicit.
pub mod prose {
    use serde_json::{Number, Value};

    use crate::spec::{Constraints, Location, MatchMode, TypeRef};

    /// The project's time format: what `runtime::DateTime` accepts.
    pub const TIME_FORMAT: &str = "huaweicloud-datetime";

    /// Headers that carry credentials.
    const SECRET_HEADERS: &[&str] = &[
        "x-auth-token",
        "x-subject-token",
        "x-security-token",
        "authorization",
        "proxy-authorization",
        "cookie",
    ];

    pub struct Described {
        pub description: String,
        pub constraints: Constraints,
    }

    /// A description's lines (`units`, with whether a blank line came before each) become the
    /// description text and the constraints its prose states.
    pub fn describe(
        units: &[(usize, &str)],
        gaps: &[bool],
        ty: &TypeRef,
        location: Location,
        status: Option<u16>,
    ) -> Described {
        let texts: Vec<&str> = units.iter().map(|(_, t)| *t).collect();
        let bullets: Vec<usize> = (0..texts.len())
            .filter(|&i| bullet(texts[i]).is_some())
            .collect();
        let mut keep: Vec<bool> = vec![true; texts.len()];
        let mut constraints = Constraints::default();

        // A bullet list of values is an enumeration (of strings: the spec has no other kind).
        if *ty == TypeRef::String && !bullets.is_empty() {
            let values: Vec<Option<(String, bool)>> = bullets
                .iter()
                .map(|&i| enum_value(bullet(texts[i]).unwrap_or_default()))
                .collect();
            if values.iter().all(Option::is_some) {
                let values: Vec<(String, bool)> = values.into_iter().flatten().collect();
                let bare = values.iter().all(|(_, bare)| *bare);
                let mut list: Vec<String> = Vec::new();
                for (value, _) in values {
                    if !list.contains(&value) {
                        list.push(value);
                    }
                }
                constraints.enum_values = Some(list);
                if bare {
                    // Bare values are carried by `enum`; so is a lead-in such as "Options:".
                    for &i in &bullets {
                        keep[i] = false;
                    }
                    if let Some(&first) = bullets.first()
                        && first > 0
                        && is_lead_in(texts[first - 1])
                    {
                        keep[first - 1] = false;
                    }
                }
            }
        }

        let mut description = String::new();
        let mut first = true;
        for (i, text) in texts.iter().enumerate() {
            if !keep[i] {
                continue;
            }
            if !first {
                description.push_str(if gaps[i] { "\n\n" } else { "\n" });
            }
            description.push_str(text);
            first = false;
        }

        let all = texts.join(" ");
        let lower = all.to_ascii_lowercase();
        match ty {
            TypeRef::Integer | TypeRef::Long | TypeRef::Number => {
                let (min, max) = numeric_range(&lower, ty);
                constraints.minimum = min;
                constraints.maximum = max;
            }
            TypeRef::String => {
                let (min, max) = length_range(&lower);
                constraints.min_length = min;
                constraints.max_length = max;
                if constraints.enum_values.is_none() {
                    constraints.format = time_format(&all);
                }
            }
            _ => {}
        }
        constraints.default = default_value(&all, ty);
        if location.is_request() {
            constraints.match_mode = match_mode(&lower);
        }
        if location == Location::Response
            && status.is_some_and(|s| s >= 400)
            && returned_on_failure(&lower)
        {
            constraints.required = true;
        }
        Described {
            description,
            constraints,
        }
    }

    pub fn is_secret_header(name: &str) -> bool {
        SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str())
    }

    /// A request field that holds a password or a secret key.
    pub fn is_secret_field(name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        name.ends_with("password")
            || name.ends_with("passwd")
            || matches!(
                name.as_str(),
                "secret_key" | "secret_access_key" | "private_key"
            )
    }

    fn bullet(text: &str) -> Option<&str> {
        let rest = text
            .strip_prefix('•')
            .or_else(|| text.strip_prefix("- "))
            .or_else(|| text.strip_prefix('◦'))?;
        Some(rest.trim())
    }

    /// `Windows` -> (Windows, bare); `ACTIVE: in use` -> (ACTIVE, explained); a sentence: None.
    fn enum_value(text: &str) -> Option<(String, bool)> {
        let token = |t: &str| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_alphanumeric() || "_-.+/".contains(c))
        };
        if token(text) {
            return Some((text.to_owned(), true));
        }
        let (value, _) = text.split_once(':')?;
        let value = value.trim();
        token(value).then(|| (value.to_owned(), false))
    }

    fn is_lead_in(text: &str) -> bool {
        let lower = text.to_ascii_lowercase();
        lower.ends_with(':')
            && (lower.contains("value") || lower.contains("option") || lower.contains("enum"))
    }

    /// The integer or decimal at the start of `text`, and what follows it.
    fn number(text: &str) -> Option<(Number, &str)> {
        let text = text.trim_start();
        let mut end = 0;
        for (i, c) in text.char_indices() {
            let sign = i == 0 && (c == '-' || c == '+');
            let digit = c.is_ascii_digit()
                || (c == '.' && text[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
                || (c == ','
                    && text
                        .get(i + 1..i + 4)
                        .is_some_and(|d| d.chars().all(|d| d.is_ascii_digit())));
            if sign || digit {
                end = i + c.len_utf8();
            } else {
                break;
            }
        }
        let raw: String = text[..end]
            .chars()
            .filter(|c| *c != ',' && *c != '+')
            .collect();
        if !raw.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let number = if raw.contains('.') {
            Number::from_f64(raw.parse().ok()?)?
        } else {
            Number::from(raw.parse::<i64>().ok()?)
        };
        Some((number, &text[end..]))
    }

    /// `A to B`, `A-B`, `A and B` at the start of `text`.
    fn pair(text: &str) -> Option<(Number, Number, &str)> {
        let (low, rest) = number(text)?;
        let rest = rest.trim_start();
        let rest = ["to ", "- ", "-", "~", "and "]
            .iter()
            .find_map(|sep| rest.strip_prefix(sep))?;
        let (high, rest) = number(rest)?;
        Some((low, high, rest))
    }

    fn after<'t>(text: &'t str, marker: &str) -> impl Iterator<Item = &'t str> {
        text.match_indices(marker)
            .map(move |(i, m)| &text[i + m.len()..])
    }

    fn numeric_range(lower: &str, ty: &TypeRef) -> (Option<Number>, Option<Number>) {
        let fits = |n: &Number| *ty == TypeRef::Number || n.is_i64();
        for marker in [
            "ranges from ",
            "range from ",
            "range is from ",
            "range is ",
            "range: ",
            "value range ",
            "between ",
            "from ",
        ] {
            for rest in after(lower, marker) {
                let rest = rest.trim_start_matches('[');
                if let Some((low, high, rest)) = pair(rest)
                    && !rest.trim_start().starts_with("character")
                    && fits(&low)
                    && fits(&high)
                {
                    return (Some(low), Some(high));
                }
            }
        }
        let bound = |markers: &[&str]| {
            markers.iter().find_map(|marker| {
                after(lower, marker).find_map(|rest| number(rest).map(|(n, _)| n).filter(fits))
            })
        };
        let min = bound(&[
            "minimum value is ",
            "minimum value: ",
            "minimum: ",
            "cannot be less than ",
            "must be at least ",
        ]);
        let max = bound(&[
            "maximum value is ",
            "maximum value: ",
            "maximum: ",
            "cannot be greater than ",
            "cannot exceed ",
            "must be at most ",
        ]);
        (min, max)
    }

    fn length_range(lower: &str) -> (Option<u64>, Option<u64>) {
        let as_u64 = |n: &Number| n.as_u64();
        // "1 to 64 characters", "1-64 characters"
        for (index, _) in lower.match_indices("character") {
            let before = &lower[..index];
            let words: Vec<&str> = before.split_whitespace().rev().take(4).collect();
            // words: ["64", "to", "1", ...] or ["1-64", ...]
            if let Some(last) = words.first() {
                if let Some((a, b)) = last.split_once('-')
                    && let (Ok(a), Ok(b)) = (a.parse::<u64>(), b.parse::<u64>())
                {
                    return (Some(a), Some(b));
                }
                if words.len() >= 3
                    && words[1] == "to"
                    && let (Ok(b), Ok(a)) = (words[0].parse::<u64>(), words[2].parse::<u64>())
                {
                    return (Some(a), Some(b));
                }
                if let Ok(n) = last.parse::<u64>() {
                    let lead = words[1..]
                        .iter()
                        .rev()
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" ");
                    if ["at least", "minimum of", "min."]
                        .iter()
                        .any(|m| lead.ends_with(m))
                    {
                        return (Some(n), None);
                    }
                    if [
                        "maximum of",
                        "max.",
                        "up to",
                        "at most",
                        "no more than",
                        "exceed",
                        "exceeds",
                    ]
                    .iter()
                    .any(|m| lead.ends_with(m))
                    {
                        return (None, Some(n));
                    }
                }
            }
        }
        let bound = |markers: &[&str]| {
            markers.iter().find_map(|marker| {
                after(lower, marker).find_map(|rest| number(rest).and_then(|(n, _)| as_u64(&n)))
            })
        };
        (
            bound(&["minimum length is ", "minimum length: "]),
            bound(&["maximum length is ", "maximum length: "]),
        )
    }

    fn default_value(text: &str, ty: &TypeRef) -> Option<Value> {
        let lower = text.to_ascii_lowercase();
        let marker = [
            "the default value is ",
            "default value: ",
            "defaults to ",
            "default: ",
            "default value is ",
        ]
        .iter()
        .find_map(|m| lower.find(m).map(|i| i + m.len()))?;
        let raw = text[marker..].split_whitespace().next()?;
        let raw = raw
            .trim_end_matches(['.', ',', ';', ')'])
            .trim_matches(['"', '\'', '`']);
        match ty {
            TypeRef::Integer | TypeRef::Long => raw.parse::<i64>().ok().map(Value::from),
            TypeRef::Number => raw
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number),
            TypeRef::Boolean => match raw.to_ascii_lowercase().as_str() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            TypeRef::String => (!raw.is_empty()).then(|| Value::String(raw.to_owned())),
            _ => None,
        }
    }

    fn match_mode(lower: &str) -> Option<MatchMode> {
        if lower.contains("fuzzy") {
            let negated = [
                "fuzzy match is not",
                "fuzzy query is not",
                "fuzzy search is not",
            ]
            .iter()
            .any(|m| lower.contains(m))
                || lower.contains("does not support fuzzy");
            return Some(if negated {
                MatchMode::Exact
            } else {
                MatchMode::Fuzzy
            });
        }
        (lower.contains("exact match") || lower.contains("exact query")).then_some(MatchMode::Exact)
    }

    fn returned_on_failure(lower: &str) -> bool {
        [
            "returned upon failure",
            "returned on failure",
            "returned when the request fails",
            "returned if the request fails",
        ]
        .iter()
        .any(|m| lower.contains(m))
    }

    /// "The format is 2022-10-31 08:07:39", "Format: yyyy-MM-ddTHH:mm:ssZ": a time;
    /// "The format is 2022-10-31": a date.
    fn time_format(text: &str) -> Option<String> {
        let lower = text.to_ascii_lowercase();
        for marker in ["format is ", "format: ", "in the format of ", "format of "] {
            for (index, _) in lower.match_indices(marker) {
                let rest = &text[index + marker.len()..];
                let value: String = rest
                    .trim_start()
                    .trim_start_matches(['`', '"'])
                    .chars()
                    .take(32)
                    .collect();
                let value = value.to_ascii_lowercase();
                let date = looks_like_date(&value);
                let time = value.get(10..).is_some_and(|t| {
                    let t = t.trim_start_matches([' ', 't']);
                    looks_like_clock(t)
                });
                if date && time {
                    return Some(TIME_FORMAT.to_owned());
                }
                if date {
                    return Some("date".to_owned());
                }
            }
        }
        None
    }

    fn looks_like_date(value: &str) -> bool {
        let v: Vec<char> = value.chars().take(10).collect();
        if v.len() < 10 || v[4] != '-' || v[7] != '-' {
            return false;
        }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| v[i].is_ascii_digit());
        let pattern: String = v.iter().collect();
        digits || pattern == "yyyy-mm-dd"
    }

    fn looks_like_clock(value: &str) -> bool {
        let v: Vec<char> = value.chars().take(5).collect();
        v.len() == 5
            && v[2] == ':'
            && ([0, 1, 3, 4].iter().all(|&i| v[i].is_ascii_digit())
                || v.iter().collect::<String>() == "hh:mm")
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn ranges_and_defaults_are_read() {
            let (min, max) = numeric_range(
                "the number of records for each query ranges from 1 to 100. the default value is 10.",
                &TypeRef::Integer,
            );
            assert_eq!((min, max), (Some(1.into()), Some(100.into())));
            assert_eq!(
                default_value("Query offset. The default value is 0.", &TypeRef::Integer),
                Some(Value::from(0))
            );
            assert_eq!(
                length_range("the value contains 1 to 64 characters."),
                (Some(1), Some(64))
            );
            assert_eq!(
                length_range("a maximum of 255 characters are allowed."),
                (None, Some(255))
            );
            assert_eq!(length_range("1-32 characters"), (Some(1), Some(32)));
        }

        #[test]
        fn time_formats_are_recognised() {
            assert_eq!(
                time_format("Start time. The format is 2022-10-31 08:07:39.").as_deref(),
                Some(TIME_FORMAT)
            );
            assert_eq!(
                time_format("Format: yyyy-MM-ddTHH:mm:ssZ").as_deref(),
                Some(TIME_FORMAT)
            );
            assert_eq!(
                time_format("The format is 2022-10-31.").as_deref(),
                Some("date")
            );
            assert_eq!(time_format("The format is JSON."), None);
        }
    }
}
