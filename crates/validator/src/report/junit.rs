//! `--format junit`: a testcase per exchange. Testcases are spooled to an unnamed temporary
//! file so the suite's counts can come first without holding the run in memory.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

use super::{ExchangeStatus, PerRuleLimit, ReportOptions, Sink, Summary, status_of, xml_escape};
use crate::check::Outcome;

/// JUnit XML report.
pub struct Junit<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    limit: PerRuleLimit,
    spool: BufWriter<File>,
}

impl<'w> Junit<'w> {
    /// A report to `out`; the spool lives in the system's temporary directory.
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> io::Result<Self> {
        Ok(Self {
            out,
            options,
            limit: PerRuleLimit::default(),
            spool: BufWriter::new(tempfile::tempfile()?),
        })
    }
}

impl Sink for Junit<'_> {
    fn outcome(&mut self, outcome: &Outcome) -> io::Result<()> {
        let name = xml_escape(&format!("{}: {}", outcome.source, outcome.title));
        let class = xml_escape(&outcome.source.file);
        let status = status_of(outcome, &self.options);
        write!(
            self.spool,
            "    <testcase classname=\"{class}\" name=\"{name}\" time=\"0\">"
        )?;
        let failing = self.options.failing();
        let mut details = String::new();
        let mut first = None;
        for f in &outcome.findings {
            if !self.limit.admit(f.rule, self.options.max_findings) {
                continue;
            }
            if status == ExchangeStatus::Failed && f.severity >= failing && first.is_none() {
                first = Some(f);
            }
            details.push_str(&format!(
                "{} [{}] {}\n",
                f.severity,
                f.rule.id(),
                f.message()
            ));
        }
        match status {
            ExchangeStatus::Failed | ExchangeStatus::Unreadable => {
                let tag = if status == ExchangeStatus::Failed {
                    "failure"
                } else {
                    "error"
                };
                let head = first.or(outcome.findings.first());
                let (kind, message) =
                    head.map_or(("", String::new()), |f| (f.rule.id(), f.message()));
                write!(
                    self.spool,
                    "\n      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n    ",
                    xml_escape(kind),
                    xml_escape(&message),
                    xml_escape(&details)
                )?;
            }
            ExchangeStatus::Skipped => {
                let why: Vec<String> = outcome
                    .skip_reasons()
                    .map(|f| format!("{}: {}", f.part.as_str(), f.found))
                    .collect();
                write!(
                    self.spool,
                    "\n      <skipped message=\"{}\"/>",
                    xml_escape(&why.join("; "))
                )?;
                if !details.is_empty() {
                    write!(
                        self.spool,
                        "\n      <system-out>{}</system-out>",
                        xml_escape(&details)
                    )?;
                }
                self.spool.write_all(b"\n    ")?;
            }
            ExchangeStatus::Unmatched => {
                self.spool.write_all(
                    b"\n      <skipped message=\"not a ListAppConnection exchange\"/>\n    ",
                )?;
            }
            ExchangeStatus::Passed => {
                if !details.is_empty() {
                    write!(
                        self.spool,
                        "\n      <system-out>{}</system-out>\n    ",
                        xml_escape(&details)
                    )?;
                }
            }
        }
        self.spool.write_all(b"</testcase>\n")
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let tests = summary.exchanges;
        let failures = summary.failed;
        let errors = summary.unreadable;
        let skipped = summary.skipped + summary.unmatched;
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.out,
            "<testsuites name=\"workspaceapp validate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">"
        )?;
        writeln!(
            self.out,
            "  <testsuite name=\"ListAppConnection\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">"
        )?;
        self.spool.flush()?;
        let file = self.spool.get_mut();
        file.rewind()?;
        io::copy(file, &mut self.out)?;
        if summary.input_problem_count > 0 {
            let problems: Vec<String> = summary
                .input_problems
                .iter()
                .map(|p| format!("{}: {}", p.position, p.reason))
                .collect();
            writeln!(
                self.out,
                "    <system-err>{}</system-err>",
                xml_escape(&problems.join("\n"))
            )?;
        }
        writeln!(self.out, "  </testsuite>\n</testsuites>")?;
        self.out.flush()
    }
}
