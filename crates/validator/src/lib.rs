//! Validates captured traffic of the Workspace App API `ListAppConnection`
//! (`POST /v1/{project_id}/session/app-connection`) against its contract: the generated
//! models and JSON Schemas of `workspaceapp-model`.
//!
//! * [`check::Engine`] judges one exchange ([`exchange::ExchangeView`]) and returns its
//!   [`check::Outcome`]: findings, each with a stable [`rules::Rule`] id, a severity, a source
//!   position and the JSON pointer of the value.
//! * [`run`] reads captures (HAR, NDJSON, gzip, stdin) through `workspaceapp-capture`, checks
//!   exchanges on all cores in input order and hands outcomes to a [`report::Sink`].
//! * [`report`] writes human, JSON, JUnit and SARIF reports; [`mask`] keeps secrets out of them.
//! * [`synth`] writes seeded, realistic captures with known violations (benchmarks, tests).

pub mod check;
pub mod exchange;
pub mod finding;
pub mod mask;
mod meta;
pub mod report;
pub mod rules;
pub mod run;
pub mod schemas;
pub mod synth;
pub mod tape;

pub use check::{Engine, Options, Outcome, Verdict};
pub use exchange::{BodyView, ExchangeView, Headers, RequestView, ResponseView};
pub use finding::{Finding, Part, Source, SourceKind};
pub use rules::{Rule, Severity};

/// Errors that stop validation as a whole (a bad entry is a finding, not an error).
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A generated schema does not compile.
    #[error("schema {name} does not compile: {reason}")]
    Schema {
        /// Schema name.
        name: String,
        /// Why.
        reason: String,
    },
    /// An input cannot be used at all (cannot be opened, is not a capture).
    #[error("{position}: {reason}")]
    Input {
        /// File and byte offset.
        position: String,
        /// Why.
        reason: String,
    },
    /// Writing the report failed.
    #[error("cannot write the report: {0}")]
    Output(String),
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Output(e.to_string())
    }
}
