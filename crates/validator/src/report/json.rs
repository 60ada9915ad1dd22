//! `--format json`: one versioned document, findings streamed as they come, one per line.
//!
//! ```text
//! {"format":"workspaceapp-validate","version":1,
//!  "findings":[
//!   {"rule":"response.body.type","severity":"error","source":{…},"part":"response.body","pointer":"/count",…},
//!   …],
//!  "summary":{…}}
//! ```

use std::io::{self, Write};

use serde::Serialize;

use super::{PerRuleLimit, ReportOptions, Sink, Summary, status_of};
use crate::check::Outcome;
use crate::finding::Finding;

/// Version of the JSON report layout; raised on any incompatible change.
pub const JSON_REPORT_VERSION: u32 = 1;

/// JSON report.
pub struct Json<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    limit: PerRuleLimit,
    first: bool,
}

#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    title: &'static str,
    message: String,
    exchange: &'a str,
    exchange_status: super::ExchangeStatus,
}

impl<'w> Json<'w> {
    /// Starts the document.
    pub fn new(mut out: Box<dyn Write + 'w>, options: ReportOptions) -> io::Result<Self> {
        write!(
            out,
            "{{\"format\":\"workspaceapp-validate\",\"version\":{JSON_REPORT_VERSION},\"findings\":["
        )?;
        Ok(Self {
            out,
            options,
            limit: PerRuleLimit::default(),
            first: true,
        })
    }
}

impl Sink for Json<'_> {
    fn outcome(&mut self, outcome: &Outcome) -> io::Result<()> {
        let status = status_of(outcome, &self.options);
        for f in &outcome.findings {
            if !self.limit.admit(f.rule, self.options.max_findings) {
                continue;
            }
            let line = Line {
                finding: f,
                title: f.rule.title(),
                message: f.message(),
                exchange: &outcome.title,
                exchange_status: status,
            };
            self.out
                .write_all(if self.first { b"\n" } else { b",\n" })?;
            self.first = false;
            serde_json::to_writer(&mut self.out, &line)?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        #[derive(Serialize)]
        struct Tail<'a> {
            summary: &'a Summary,
            exit_code: u8,
            #[serde(skip_serializing_if = "Option::is_none")]
            exit_reason: Option<String>,
        }
        let tail = Tail {
            summary,
            exit_code: summary.exit_code(&self.options),
            exit_reason: summary.exit_reason(&self.options),
        };
        self.out.write_all(b"\n],\n")?;
        let text = serde_json::to_string(&tail)?;
        // `tail` is an object; splice its members into the document.
        self.out.write_all(&text.as_bytes()[1..])?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
