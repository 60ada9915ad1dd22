//! `cargo xtask import page|explorer`: brings upstream descriptions of an operation into its
//! spec file.
//!
//! - [`import_page`] reads a reference page (text) and writes `spec/<operation>.toml`: every
//!   table, status code, example and identity-policy row of the page, with the prose
//!   constraints made explicit. Keys an earlier `import explorer` added are kept.
//! - [`import_explorer`] merges an API Explorer definition into that file: what only it states
//!   (marked by `from_explorer`), the provenance (`[source.explorer]`) and a
//!   `[[reconciliation]]` entry for every point where it and the page disagree.
//!
//! Both compute the new text in memory; the caller writes it, or (with `--check`) compares it
//! with the committed file and reports the differences.

pub mod explorer;
pub mod page;
pub mod reconcile;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::names::snake;
use crate::spec::{self, ExplorerSource, FormatDef, Operation, PageSource, Source, Spec};
use crate::spec_diff;
use crate::spec_write;

use page::prose::TIME_FORMAT;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {error}", file.display())]
    Page {
        file: PathBuf,
        error: page::PageError,
    },
    #[error("{}: {error}", file.display())]
    Explorer {
        file: PathBuf,
        error: explorer::ExplorerError,
    },
    #[error("{}: {message}", file.display())]
    Merge { file: PathBuf, message: String },
    #[error(transparent)]
    Spec(#[from] spec::SpecError),
    #[error("{}: {error}", file.display())]
    Io {
        file: PathBuf,
        error: std::io::Error,
    },
    /// What the command line must add (an operation name, a URL, a version).
    #[error("{0}")]
    Usage(String),
}

/// How `import page` finds the operation and the page's address, which the text lacks.
#[derive(Clone, Debug, Default)]
pub struct PageOptions {
    /// The operation id (`ListAppConnection`).
    pub operation: Option<String>,
    /// The page's address; its last segment also names the operation.
    pub url: Option<String>,
}

/// Provenance of an API Explorer definition.
#[derive(Clone, Debug, Default)]
pub struct ExplorerOptions {
    /// The crates.io crate that republishes the definition.
    pub crate_name: Option<String>,
    pub crate_version: Option<String>,
    /// The definition's file inside that crate (`src/ListAppConnection.json`).
    pub definition: Option<String>,
}

/// A spec file's text before and after an import.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub file: PathBuf,
    pub before: Option<String>,
    pub after: String,
    /// Things to tell the user: reconciliation entries to review, ...
    pub notes: Vec<String>,
}

impl Outcome {
    pub fn is_unchanged(&self) -> bool {
        self.before.as_deref() == Some(self.after.as_str())
    }

    pub fn write(&self) -> Result<(), ImportError> {
        if let Some(parent) = self.file.parent() {
            std::fs::create_dir_all(parent).map_err(|error| ImportError::Io {
                file: parent.to_owned(),
                error,
            })?;
        }
        std::fs::write(&self.file, &self.after).map_err(|error| ImportError::Io {
            file: self.file.clone(),
            error,
        })
    }

    /// What would change, for `--check`: the changes of meaning, then the lines.
    pub fn differences(&self) -> String {
        let mut out = String::new();
        let Some(before) = &self.before else {
            let _ = writeln!(out, "{} does not exist yet", self.file.display());
            return out;
        };
        if let (Ok(old), Ok(new)) = (
            spec::parse(&self.file, before),
            spec::parse(&self.file, &self.after),
        ) {
            let report = spec_diff::diff(&[old], &[new]);
            if !report.changes.is_empty() {
                out.push_str(&report.human());
            }
        }
        out.push_str(&line_diff(before, &self.after, 2, 80));
        out
    }
}

/// The project's time format, as the importer declares it where a page uses it.
pub fn time_format_definition() -> FormatDef {
    FormatDef {
        description: "A point in time as Huawei Cloud services read it. The page's prose gives \
                      the first form, its example sends the second, and the official Python SDK \
                      sends the third; all three are valid input. A time without an offset is UTC."
            .to_owned(),
        examples: vec![
            "2022-10-31 08:07:39".to_owned(),
            "2025-04-24T16:00:00Z".to_owned(),
            "2025-04-24T16:00:00+00:00".to_owned(),
        ],
    }
}

/// Every spec of the directory that reads, with its file; a file that does not read is kept
/// with its error, for the import that targets it.
fn existing_specs(dir: &Path) -> Vec<(PathBuf, Result<Spec, spec::SpecError>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let spec = spec::load_file(&file);
            (file, spec)
        })
        .collect()
}

/// The file of operation `name`: the existing spec that defines it, or `<snake>.toml`.
fn target(
    dir: &Path,
    specs: &[(PathBuf, Result<Spec, spec::SpecError>)],
    name: &str,
) -> Result<(PathBuf, Option<Spec>), ImportError> {
    for (file, spec) in specs {
        if let Ok(spec) = spec
            && spec.operation.name == name
        {
            return Ok((file.clone(), Some(spec.clone())));
        }
    }
    let file = dir.join(format!("{}.toml", snake(name)));
    if let Some((_, Err(error))) = specs.iter().find(|(f, _)| *f == file) {
        return Err(ImportError::Usage(format!(
            "the existing spec cannot be read, so its reviewed reconciliations cannot be kept: \
             {error}"
        )));
    }
    Ok((file, None))
}

/// `https://.../ListAppConnection.html` -> `ListAppConnection`.
pub fn operation_from_url(url: &str) -> Option<String> {
    let last = url
        .split(['?', '#'])
        .next()?
        .trim_end_matches('/')
        .rsplit('/')
        .next()?;
    let stem = last.strip_suffix(".html").unwrap_or(last);
    let valid = stem.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && stem.chars().all(|c| c.is_ascii_alphanumeric());
    valid.then(|| stem.to_owned())
}

/// Reads a reference page and produces its operation's spec file.
///
/// The operation is `--operation`, else the one whose existing spec has this page's URL
/// (`--url`), else the last segment of `--url`, else the one whose existing spec has the
/// page's title. The URL is `--url`, else the existing spec's.
pub fn import_page(
    page_file: &Path,
    spec_dir: &Path,
    options: &PageOptions,
) -> Result<Outcome, ImportError> {
    let text = std::fs::read_to_string(page_file).map_err(|error| ImportError::Io {
        file: page_file.to_owned(),
        error,
    })?;
    let page = page::parse(&text).map_err(|error| ImportError::Page {
        file: page_file.to_owned(),
        error,
    })?;
    let specs = existing_specs(spec_dir);
    let readable = || specs.iter().filter_map(|(_, s)| s.as_ref().ok());

    let name = match (&options.operation, &options.url) {
        (Some(name), _) => name.clone(),
        (None, Some(url)) => readable()
            .find(|s| s.source.page.as_ref().is_some_and(|p| &p.url == url))
            .map(|s| s.operation.name.clone())
            .or_else(|| operation_from_url(url))
            .ok_or_else(|| {
                ImportError::Usage(format!(
                    "cannot tell the operation from the URL {url}: pass --operation NAME"
                ))
            })?,
        (None, None) => {
            let matches: Vec<&Spec> = readable()
                .filter(|s| s.operation.title == page.title)
                .collect();
            match matches.as_slice() {
                [spec] => spec.operation.name.clone(),
                [] => {
                    return Err(ImportError::Usage(format!(
                        "the page (\"{}\") names no operation id and no spec in {} has its title: \
                         pass --operation NAME and --url URL",
                        page.title,
                        spec_dir.display()
                    )));
                }
                _ => {
                    return Err(ImportError::Usage(format!(
                        "several specs have the title \"{}\": pass --operation NAME",
                        page.title
                    )));
                }
            }
        }
    };
    if !name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        || !name.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(ImportError::Usage(format!(
            "operation `{name}` is not a PascalCase operation id"
        )));
    }
    let (file, existing) = target(spec_dir, &specs, &name)?;
    let url = options
        .url
        .clone()
        .or_else(|| {
            existing
                .as_ref()
                .and_then(|s| s.source.page.as_ref())
                .map(|p| p.url.clone())
        })
        .ok_or_else(|| {
            ImportError::Usage(
                "the page's text does not hold its address: pass --url URL".to_owned(),
            )
        })?;

    let mut spec = Spec {
        file: file.clone(),
        operation: Operation {
            name,
            title: page.title.clone(),
            function: page.function.clone(),
            method: page.method.clone(),
            uri: page.uri.clone(),
        },
        source: Source {
            page: Some(PageSource {
                url,
                updated_on: page.updated_on.clone(),
            }),
            explorer: None,
        },
        authorization: page.authorization.clone(),
        tables: page.tables.clone(),
        statuses: page.statuses.clone(),
        example: page.examples.clone(),
        formats: Default::default(),
        reconciliations: Vec::new(),
    };
    if let Some(existing) = &existing {
        keep_explorer_facts(&mut spec, existing);
    }
    declare_formats(&mut spec, existing.as_ref());

    let after = spec_write::to_toml(&spec);
    validate(&file, &after, &spec).map_err(|error| match locate(&page, &error) {
        Some(line) => ImportError::Page {
            file: page_file.to_owned(),
            error: page::PageError {
                line,
                message: format!("the spec it gives does not hold: {}", error.message_only()),
            },
        },
        None => error.into_import(),
    })?;
    let before = read_existing(&file)?;
    let mut notes = Vec::new();
    if existing.is_none() {
        notes.push(format!(
            "{} is new: run `cargo xtask import explorer` next if API Explorer describes the \
             operation",
            file.display()
        ));
    }
    Ok(Outcome {
        file,
        before,
        after,
        notes,
    })
}

/// Merges an API Explorer definition into the spec of its operation (which must exist).
pub fn import_explorer(
    definition_file: &Path,
    spec_dir: &Path,
    options: &ExplorerOptions,
) -> Result<Outcome, ImportError> {
    let text = std::fs::read_to_string(definition_file).map_err(|error| ImportError::Io {
        file: definition_file.to_owned(),
        error,
    })?;
    let def = explorer::parse(&text).map_err(|error| ImportError::Explorer {
        file: definition_file.to_owned(),
        error,
    })?;
    let specs = existing_specs(spec_dir);
    let (file, existing) = target(spec_dir, &specs, &def.operation_id)?;
    let Some(existing) = existing else {
        return Err(ImportError::Usage(format!(
            "no spec of operation `{}` in {}: run `cargo xtask import page` first",
            def.operation_id,
            spec_dir.display()
        )));
    };

    let previous_source = existing.source.explorer.clone();
    let mut spec = existing;
    let previous = reconcile::strip(&mut spec);
    let merged = reconcile::merge(spec, &def, &previous).map_err(|e| ImportError::Merge {
        file: file.clone(),
        message: e.0,
    })?;
    let mut spec = merged.spec;

    let crate_name = options
        .crate_name
        .clone()
        .or_else(|| previous_source.as_ref().map(|s| s.crate_name.clone()))
        .or_else(|| {
            def.product
                .as_ref()
                .map(|p| format!("huawei-cloud-api-definitions-{p}"))
        })
        .ok_or_else(|| {
            ImportError::Usage(
                "the definition names no product: pass --crate NAME (the crate that publishes it)"
                    .to_owned(),
            )
        })?;
    let version = options
        .crate_version
        .clone()
        .or_else(|| previous_source.as_ref().map(|s| s.version.clone()))
        .ok_or_else(|| {
            ImportError::Usage(format!(
                "pass --crate-version VERSION (the version of {crate_name} the definition comes from)"
            ))
        })?;
    let definition = options
        .definition
        .clone()
        .or_else(|| previous_source.as_ref().and_then(|s| s.definition.clone()))
        .unwrap_or_else(|| format!("src/{}.json", def.operation_id));
    spec.source.explorer = Some(ExplorerSource {
        crate_name,
        version,
        definition: Some(definition),
    });
    declare_formats(&mut spec, None);

    let after = spec_write::to_toml(&spec);
    validate(&file, &after, &spec).map_err(ValidationError::into_import)?;
    let before = read_existing(&file)?;
    let notes = merged
        .new_entries
        .iter()
        .map(|id| format!("new reconciliation to review: {id}"))
        .collect();
    Ok(Outcome {
        file,
        before,
        after,
        notes,
    })
}

fn read_existing(file: &Path) -> Result<Option<String>, ImportError> {
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(ImportError::Io {
            file: file.to_owned(),
            error,
        }),
    }
}

/// Keys that an earlier `import explorer` added stay, unless the page now states the key
/// itself (then the page's value is the spec's, and the next `import explorer` compares).
fn keep_explorer_facts(spec: &mut Spec, existing: &Spec) {
    for table in &mut spec.tables {
        let where_ = reconcile::table_where(table);
        let Some(old_table) = existing
            .tables
            .iter()
            .find(|t| reconcile::table_where(t) == where_)
        else {
            continue;
        };
        for row in &mut table.rows {
            let Some(old) = old_table.rows.iter().find(|r| r.parameter == row.parameter) else {
                continue;
            };
            for key in &old.from_explorer {
                let id = format!("{key}:{where_}.{}", row.parameter);
                let followed = existing
                    .reconciliations
                    .iter()
                    .any(|r| r.id == id && r.follows == "explorer");
                let stated = reconcile::get_key(row, key).is_some();
                if stated && !followed {
                    continue;
                }
                reconcile::set_key(row, key, reconcile::get_key(old, key));
                row.from_explorer.push(key.clone());
            }
        }
    }
    for example in &existing.example.response {
        if example.source.is_some()
            && !spec
                .example
                .response
                .iter()
                .any(|e| e.status == example.status)
            && spec.statuses.iter().any(|s| s.code == example.status)
        {
            spec.example.response.push(example.clone());
        }
    }
    spec.source.explorer = existing.source.explorer.clone();
    spec.reconciliations = existing.reconciliations.clone();
}

/// Declares the formats the rows use: an existing definition is kept, the project's time
/// format is declared as the project defines it; formats nothing uses are dropped.
fn declare_formats(spec: &mut Spec, existing: Option<&Spec>) {
    let used: Vec<String> = spec
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .filter_map(|r| r.constraints.format.clone())
        .collect();
    let mut formats = std::collections::BTreeMap::new();
    for name in used {
        let known = existing
            .and_then(|s| s.formats.get(&name))
            .or_else(|| spec.formats.get(&name))
            .cloned();
        match known {
            Some(def) => {
                formats.insert(name, def);
            }
            None if name == TIME_FORMAT => {
                formats.insert(name, time_format_definition());
            }
            None => {}
        }
    }
    spec.formats = formats;
}

/// The written text must read back as the spec it was written from.
fn validate(file: &Path, text: &str, spec: &Spec) -> Result<(), ValidationError> {
    let read = spec::parse(file, text).map_err(ValidationError::Spec)?;
    if read != *spec {
        return Err(ValidationError::RoundTrip(file.to_owned()));
    }
    Ok(())
}

enum ValidationError {
    Spec(spec::SpecError),
    RoundTrip(PathBuf),
}

impl ValidationError {
    fn message_only(&self) -> String {
        match self {
            Self::Spec(e) if e.place.is_empty() => e.message.clone(),
            Self::Spec(e) => format!("{}: {}", e.place, e.message),
            Self::RoundTrip(_) => "the written text reads back differently".into(),
        }
    }

    fn into_import(self) -> ImportError {
        match self {
            Self::Spec(e) => ImportError::Spec(e),
            Self::RoundTrip(file) => ImportError::Merge {
                file,
                message: "the written spec reads back differently (a defect of the writer)".into(),
            },
        }
    }
}

/// The page line of a spec error's place ("Table 4 (...), row `limit`").
fn locate(page: &page::Page, error: &ValidationError) -> Option<usize> {
    let ValidationError::Spec(error) = error else {
        return None;
    };
    let place = &error.place;
    let number: u32 = place
        .strip_prefix("Table ")?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let row = place
        .split("row `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_default();
    page.line_of(number, row)
        .or_else(|| page.line_of(number, ""))
}

/// A unified-style diff of two texts: changed lines with `context` lines around them, at most
/// `limit` lines of output.
pub fn line_diff(old: &str, new: &str, context: usize, limit: usize) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = diff_ops(&a, &b);
    let mut out = String::new();
    let mut printed = 0;
    let changed: Vec<usize> = (0..ops.len())
        .filter(|&i| !matches!(ops[i], Op::Same(..)))
        .collect();
    if changed.is_empty() {
        return out;
    }
    let mut shown = vec![false; ops.len()];
    for &i in &changed {
        let end = (i + context + 1).min(ops.len());
        shown[i.saturating_sub(context)..end].fill(true);
    }
    let mut last = None;
    for (i, op) in ops.iter().enumerate() {
        if !shown[i] {
            continue;
        }
        if last.is_none_or(|l: usize| l + 1 != i) {
            let line = match op {
                Op::Same(x) | Op::Delete(x) => x + 1,
                Op::Insert(y) => *y + 1,
            };
            let _ = writeln!(out, "@@ line {line} @@");
        }
        last = Some(i);
        if printed >= limit {
            let _ = writeln!(out, "... (more differences)");
            break;
        }
        let _ = match op {
            Op::Same(x) => writeln!(out, "  {}", a[*x]),
            Op::Delete(x) => writeln!(out, "- {}", a[*x]),
            Op::Insert(y) => writeln!(out, "+ {}", b[*y]),
        };
        printed += 1;
    }
    out
}

enum Op {
    Same(usize),
    Delete(usize),
    Insert(usize),
}

fn diff_ops(a: &[&str], b: &[&str]) -> Vec<Op> {
    // Common prefix and suffix first; the quadratic table is for the middle only.
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<Op> = (0..prefix).map(Op::Same).collect();
    let (n, m) = (am.len(), bm.len());
    if n.saturating_mul(m) > 16_000_000 {
        ops.extend((0..n).map(|i| Op::Delete(prefix + i)));
        ops.extend((0..m).map(|j| Op::Insert(prefix + j)));
    } else {
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        let at = |i: usize, j: usize| i * (m + 1) + j;
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[at(i, j)] = if am[i] == bm[j] {
                    lcs[at(i + 1, j + 1)] + 1
                } else {
                    lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                ops.push(Op::Same(prefix + i));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)]) {
                ops.push(Op::Delete(prefix + i));
                i += 1;
            } else {
                ops.push(Op::Insert(prefix + j));
                j += 1;
            }
        }
    }
    let a_start = a.len() - suffix;
    ops.extend((0..suffix).map(|k| Op::Same(a_start + k)));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_come_from_urls() {
        assert_eq!(
            operation_from_url(
                "https://support.huaweicloud.com/intl/en-us/api-workspace/ListAppConnection.html"
            )
            .as_deref(),
            Some("ListAppConnection")
        );
        assert_eq!(
            operation_from_url("https://example.com/topic_300.html"),
            None
        );
    }

    #[test]
    fn line_diff_names_changed_lines() {
        let diff = line_diff("a\nb\nc\nd\n", "a\nb\nX\nd\n", 1, 50);
        assert!(diff.contains("- c"), "{diff}");
        assert!(diff.contains("+ X"), "{diff}");
        assert!(diff.contains("@@ line 2 @@"), "{diff}");
        assert_eq!(line_diff("same\n", "same\n", 2, 50), "");
    }
}
