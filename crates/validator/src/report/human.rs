//! The default report: findings grouped by rule, most serious first, with counts.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{PerRuleLimit, ReportOptions, Sink, Summary};
use crate::check::Outcome;
use crate::finding::Finding;
use crate::rules::{Rule, Severity};

/// Default of `--max-findings` for this format.
pub const DEFAULT_MAX_FINDINGS: usize = 20;

/// Human-readable report. Colour only when asked (the caller decides: a terminal, no `NO_COLOR`).
pub struct Human<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    limit: PerRuleLimit,
    kept: BTreeMap<Rule, Vec<Finding>>,
    worst: BTreeMap<Rule, Severity>,
}

impl<'w> Human<'w> {
    /// A report to `out`.
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> Self {
        Self {
            out,
            options,
            limit: PerRuleLimit::default(),
            kept: BTreeMap::new(),
            worst: BTreeMap::new(),
        }
    }

    fn max(&self) -> usize {
        self.options.max_findings.unwrap_or(DEFAULT_MAX_FINDINGS)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.options.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity_label(&self, s: Severity) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Note => "1;36",
        };
        self.paint(code, s.as_str())
    }
}

impl Sink for Human<'_> {
    fn outcome(&mut self, outcome: &Outcome) -> io::Result<()> {
        let max = Some(self.max());
        for f in &outcome.findings {
            let worst = self.worst.entry(f.rule).or_insert(f.severity);
            *worst = (*worst).max(f.severity);
            if self.limit.admit(f.rule, max) {
                self.kept.entry(f.rule).or_default().push(f.clone());
            }
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let mut rules: Vec<(Rule, Severity)> = self.worst.iter().map(|(r, s)| (*r, *s)).collect();
        rules.sort_by_key(|(rule, severity)| (std::cmp::Reverse(*severity), *rule));
        let max = self.max();
        let mut text = String::new();
        for (rule, severity) in rules {
            let total = summary.by_rule.get(rule.id()).copied().unwrap_or(0);
            text.push_str(&format!(
                "{}[{}]: {} ({} finding{})\n",
                self.severity_label(severity),
                self.paint("1", rule.id()),
                rule.title(),
                total,
                if total == 1 { "" } else { "s" }
            ));
            for f in self.kept.get(&rule).map(Vec::as_slice).unwrap_or_default() {
                let sev = if f.severity == severity {
                    String::new()
                } else {
                    format!(" [{}]", f.severity)
                };
                text.push_str(&format!(
                    "  {} {}: {}{sev}\n",
                    self.paint("2", "-->"),
                    f.source,
                    self.paint("1", &f.location())
                ));
                text.push_str(&format!("      expected: {}\n", f.expected));
                text.push_str(&format!("      found:    {}\n", f.found));
                if let Some(note) = &f.note {
                    text.push_str(&format!("      note:     {note}\n"));
                }
            }
            let shown = self.kept.get(&rule).map_or(0, Vec::len) as u64;
            if total > shown {
                text.push_str(&format!(
                    "  … {} more not shown (--max-findings {max})\n",
                    total - shown
                ));
            }
            text.push('\n');
        }
        if summary.unmatched > 0 {
            text.push_str(&format!(
                "{} exchange{} of other operations (not judged):\n",
                summary.unmatched,
                if summary.unmatched == 1 { "" } else { "s" }
            ));
            for (what, n) in &summary.unmatched_by_path {
                text.push_str(&format!("  {n:>6} × {what}\n"));
            }
            text.push('\n');
        }
        if summary.input_problem_count > 0 {
            text.push_str(&format!(
                "{}:\n",
                self.paint("1;31", "inputs that could not be used")
            ));
            for p in &summary.input_problems {
                text.push_str(&format!("  {}: {}\n", p.position, p.reason));
            }
            if summary.input_problem_count > summary.input_problems.len() as u64 {
                text.push_str(&format!(
                    "  … {} more\n",
                    summary.input_problem_count - summary.input_problems.len() as u64
                ));
            }
            text.push('\n');
        }
        let verdict = match summary.exit_code(&self.options) {
            0 => self.paint("1;32", "ok"),
            _ => self.paint("1;31", "FAILED"),
        };
        text.push_str(&format!("{verdict}: {}\n", summary.one_line()));
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }
}
