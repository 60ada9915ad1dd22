//! `--format sarif`: SARIF 2.1.0. Rule id = check id; results streamed.

use std::io::{self, Write};

use serde_json::json;

use super::{PerRuleLimit, ReportOptions, Sink, Summary};
use crate::check::Outcome;
use crate::finding::SourceKind;
use crate::rules::{Rule, Severity};

/// SARIF report.
pub struct Sarif<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    limit: PerRuleLimit,
    first: bool,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

impl<'w> Sarif<'w> {
    /// Starts the log: tool, driver and the rule catalogue.
    pub fn new(mut out: Box<dyn Write + 'w>, options: ReportOptions) -> io::Result<Self> {
        let rules: Vec<_> = Rule::ALL
            .iter()
            .map(|r| {
                json!({
                    "id": r.id(),
                    "shortDescription": {"text": r.title()},
                    "defaultConfiguration": {"level": level(r.default_severity())},
                })
            })
            .collect();
        let driver = json!({
            "name": "workspaceapp validate",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        });
        write!(
            out,
            "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{driver}}},\"results\":["
        )?;
        Ok(Self {
            out,
            options,
            limit: PerRuleLimit::default(),
            first: true,
        })
    }
}

impl Sink for Sarif<'_> {
    fn outcome(&mut self, outcome: &Outcome) -> io::Result<()> {
        for f in &outcome.findings {
            if !self.limit.admit(f.rule, self.options.max_findings) {
                continue;
            }
            let rule_index = Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
            let entry = match f.source.kind {
                SourceKind::Entry => format!("log.entries[{}]", f.source.index),
                SourceKind::Line => format!("line {}", f.source.index),
                SourceKind::Body => "body".to_string(),
            };
            let logical = format!("{entry}/{}{}", f.part.as_str(), f.pointer);
            let result = json!({
                "ruleId": f.rule.id(),
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": {"text": f.message()},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(&f.source.file)},
                        "region": {"byteOffset": f.source.byte_offset},
                    },
                    "logicalLocations": [{"fullyQualifiedName": logical, "kind": "member"}],
                }],
                "properties": {
                    "exchange": outcome.title,
                    "entry": f.source.index,
                    "part": f.part.as_str(),
                    "pointer": f.pointer,
                    "expected": f.expected,
                    "found": f.found,
                },
            });
            self.out
                .write_all(if self.first { b"\n" } else { b",\n" })?;
            self.first = false;
            serde_json::to_writer(&mut self.out, &result)?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let invocation = json!([{
            "executionSuccessful": summary.input_problem_count == 0,
            "exitCode": summary.exit_code(&self.options),
        }]);
        let properties = json!({"summary": summary});
        write!(
            self.out,
            "\n],\"invocations\":{invocation},\"properties\":{properties}}}]}}\n"
        )?;
        self.out.flush()
    }
}

/// A relative URI reference for a file name as given (`-` and `<stdin>` become `stdin`).
fn artifact_uri(file: &str) -> String {
    if file == "-" || file == "<stdin>" {
        return "stdin".into();
    }
    let mut out = String::new();
    for b in file.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
