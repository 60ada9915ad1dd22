//! Report formats. Every sink takes outcomes in input order and keeps memory bounded: findings
//! are streamed (JSON, SARIF), spooled to a temporary file (JUnit) or kept up to
//! `--max-findings` per rule (human); the counts are always complete.

mod human;
mod json;
mod junit;
mod sarif;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

pub use human::Human;
pub use json::Json;
pub use junit::Junit;
pub use sarif::Sarif;

use crate::check::{Outcome, Verdict};
use crate::rules::{Rule, Severity};

/// Most distinct (method, path) pairs of unmatched traffic listed; the rest is counted.
const UNMATCHED_LISTED: usize = 50;
/// Most input errors kept for the report; the rest is counted.
const INPUT_ERRORS_LISTED: usize = 50;

/// Settings shared by every format.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    /// Findings at or above this severity fail the run; `None`: never.
    pub fail_on: Option<Severity>,
    /// Most findings listed per rule; `None`: all.
    pub max_findings: Option<usize>,
    /// ANSI colours (human format only).
    pub color: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            fail_on: Some(Severity::Error),
            max_findings: None,
            color: false,
        }
    }
}

impl ReportOptions {
    /// The severity from which an exchange counts as failed.
    pub fn failing(&self) -> Severity {
        self.fail_on.unwrap_or(Severity::Error)
    }
}

/// How one checked exchange came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExchangeStatus {
    /// No finding at or above the failing severity, every body judged.
    Passed,
    /// A finding at or above the failing severity.
    Failed,
    /// A body could not be judged (absent, truncated); never counted as passed.
    Skipped,
    /// Another operation.
    Unmatched,
    /// Could not be read.
    Unreadable,
}

/// The status of an outcome under `options`.
pub fn status_of(outcome: &Outcome, options: &ReportOptions) -> ExchangeStatus {
    match outcome.verdict {
        Verdict::Unmatched { .. } => ExchangeStatus::Unmatched,
        Verdict::Unreadable => ExchangeStatus::Unreadable,
        Verdict::Checked => {
            if outcome.worst().is_some_and(|s| s >= options.failing()) {
                ExchangeStatus::Failed
            } else if outcome.skip_reasons().next().is_some() {
                ExchangeStatus::Skipped
            } else {
                ExchangeStatus::Passed
            }
        }
    }
}

/// An input that could not be used at all (cannot be opened, not a capture, cut off).
#[derive(Debug, Clone, Serialize)]
pub struct InputProblem {
    /// File, entry and byte offset, as text.
    pub position: String,
    /// Why.
    pub reason: String,
}

/// Counts of a whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Exchanges read (every entry, matched or not).
    pub exchanges: u64,
    /// ListAppConnection exchanges checked.
    pub matched: u64,
    /// Of those: passed.
    pub passed: u64,
    /// Of those: failed.
    pub failed: u64,
    /// Of those: skipped (a body not judged).
    pub skipped: u64,
    /// Exchanges of other operations.
    pub unmatched: u64,
    /// Entries that could not be read.
    pub unreadable: u64,
    /// Findings by severity.
    pub errors: u64,
    /// Findings by severity.
    pub warnings: u64,
    /// Findings by severity.
    pub notes: u64,
    /// Findings by rule id.
    pub by_rule: BTreeMap<&'static str, u64>,
    /// Unmatched traffic by `METHOD path` (at most 50 distinct, then `other`).
    pub unmatched_by_path: BTreeMap<String, u64>,
    /// Inputs that could not be used (at most 50 listed).
    pub input_problems: Vec<InputProblem>,
    /// Input problems, all of them.
    pub input_problem_count: u64,
    /// Bytes of input read (decompressed).
    pub bytes: u64,
}

impl Summary {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &Outcome, options: &ReportOptions) {
        self.exchanges += 1;
        match status_of(outcome, options) {
            ExchangeStatus::Passed => self.passed += 1,
            ExchangeStatus::Failed => self.failed += 1,
            ExchangeStatus::Skipped => self.skipped += 1,
            ExchangeStatus::Unmatched => self.unmatched += 1,
            ExchangeStatus::Unreadable => self.unreadable += 1,
        }
        if matches!(outcome.verdict, Verdict::Checked) {
            self.matched += 1;
        }
        if let Verdict::Unmatched { method, path } = &outcome.verdict {
            let key = format!("{method} {path}");
            if self.unmatched_by_path.len() < UNMATCHED_LISTED
                || self.unmatched_by_path.contains_key(&key)
            {
                *self.unmatched_by_path.entry(key).or_default() += 1;
            } else {
                *self
                    .unmatched_by_path
                    .entry("(other paths)".into())
                    .or_default() += 1;
            }
        }
        for f in &outcome.findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
            *self.by_rule.entry(f.rule.id()).or_default() += 1;
        }
    }

    /// Counts an unusable input.
    pub fn add_problem(&mut self, problem: InputProblem) {
        self.input_problem_count += 1;
        if self.input_problems.len() < INPUT_ERRORS_LISTED {
            self.input_problems.push(problem);
        }
    }

    /// Findings at or above `severity`.
    pub fn at_or_above(&self, severity: Severity) -> u64 {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Note => self.errors + self.warnings + self.notes,
        }
    }

    /// The process exit code: 2 unusable input, 3 no matching traffic, 1 findings at or above
    /// `fail_on`, 0 clean.
    pub fn exit_code(&self, options: &ReportOptions) -> u8 {
        if self.input_problem_count > 0
            || (self.matched == 0 && self.unreadable > 0 && self.unmatched == 0)
        {
            2
        } else if self.matched == 0 {
            3
        } else if options.fail_on.is_some_and(|s| self.at_or_above(s) > 0) {
            1
        } else {
            0
        }
    }

    /// Why the exit code is not 0, in one sentence; `None` when it is 0.
    pub fn exit_reason(&self, options: &ReportOptions) -> Option<String> {
        match self.exit_code(options) {
            2 if self.input_problem_count > 0 => Some(format!(
                "{} input{} could not be used (first: {}: {})",
                self.input_problem_count,
                if self.input_problem_count == 1 {
                    ""
                } else {
                    "s"
                },
                self.input_problems
                    .first()
                    .map_or("", |p| p.position.as_str()),
                self.input_problems
                    .first()
                    .map_or("", |p| p.reason.as_str()),
            )),
            2 => Some(format!(
                "none of the {} entries could be read as an HTTP exchange",
                self.unreadable
            )),
            3 => Some(format!(
                "no ListAppConnection exchange (POST /v1/{{project_id}}/session/app-connection) among {} exchanges read",
                self.exchanges
            )),
            1 => {
                let s = options.failing();
                Some(format!(
                    "{} finding{} at or above {s} (--fail-on {s})",
                    self.at_or_above(s),
                    if self.at_or_above(s) == 1 { "" } else { "s" }
                ))
            }
            _ => None,
        }
    }

    /// `12 exchanges: 9 checked (6 passed, 2 failed, 1 skipped), 3 unmatched, 0 unreadable; …`.
    pub fn one_line(&self) -> String {
        format!(
            "{}: {} checked ({} passed, {} failed, {} skipped), {} unmatched, {} unreadable; findings: {}, {}, {}",
            plural(self.exchanges, "exchange"),
            self.matched,
            self.passed,
            self.failed,
            self.skipped,
            self.unmatched,
            self.unreadable,
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.notes, "note"),
        )
    }
}

/// `1 error`, `2 errors`.
pub(crate) fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Receives the outcomes of a run, in input order.
pub trait Sink {
    /// One exchange.
    fn outcome(&mut self, outcome: &Outcome) -> io::Result<()>;
    /// End of the run: write what is left.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped by rule, for people.
    Human,
    /// Versioned JSON document.
    Json,
    /// JUnit XML, a testcase per exchange.
    Junit,
    /// SARIF 2.1.0.
    Sarif,
}

/// A sink of `format` writing to `out`.
pub fn sink<'w>(
    format: Format,
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
) -> io::Result<Box<dyn Sink + 'w>> {
    Ok(match format {
        Format::Human => Box::new(Human::new(out, options)),
        Format::Json => Box::new(Json::new(out, options)?),
        Format::Junit => Box::new(Junit::new(out, options)?),
        Format::Sarif => Box::new(Sarif::new(out, options)?),
    })
}

/// Keeps at most `max` findings per rule (the counts live in [`Summary`]).
#[derive(Debug, Default)]
pub(crate) struct PerRuleLimit {
    seen: BTreeMap<Rule, usize>,
}

impl PerRuleLimit {
    /// Whether one more finding of `rule` is to be listed.
    pub(crate) fn admit(&mut self, rule: Rule, max: Option<usize>) -> bool {
        let n = self.seen.entry(rule).or_default();
        *n += 1;
        max.is_none_or(|m| *n <= m)
    }
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot hold.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
