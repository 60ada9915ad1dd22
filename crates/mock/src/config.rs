//! Server settings and their builder.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use workspaceapp_aksk::Credentials;
use workspaceapp_model::runtime::Secret;
use workspaceapp_model::{AppConnectionInfo, ListAppConnectionStatus};

use crate::auth::{AuthConfig, KeyGrant, Projects, TokenGrant};
use crate::dataset::{DEFAULT_PROJECT_ID, SyntheticSpec};

/// Default request body limit: 1 MiB. Larger bodies get a 400.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Default port of the command line server.
pub const DEFAULT_PORT: u16 = 8080;

/// Request header that injects a documented error status into one request (`X-Mock-Fault: 503`).
pub const FAULT_HEADER: &str = "X-Mock-Fault";

/// Where the records come from.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordSource {
    /// A seeded synthetic data set.
    Synthetic(SyntheticSpec),
    /// These records.
    Records(Vec<AppConnectionInfo>),
    /// A JSON (array or `{items: [...]}`) or NDJSON file.
    File(PathBuf),
}

/// Injected server errors, so that client retries can be tested.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Share of requests (0.0 to 1.0) answered with `status`.
    pub rate: f64,
    /// Status of the injected errors (a documented error status; default 503).
    pub status: ListAppConnectionStatus,
    /// Seed of the generator that picks the failing requests.
    pub seed: u64,
    /// Whether the [`FAULT_HEADER`] request header is honoured.
    pub header: bool,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            rate: 0.0,
            status: ListAppConnectionStatus::ServiceUnavailable,
            seed: 0,
            header: true,
        }
    }
}

/// Everything a server needs. Build one with [`MockConfig::new`] and the builder methods.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Where the records come from (default: the synthetic data set of [`SyntheticSpec::default`]).
    pub records: RecordSource,
    /// Projects that credentials without their own list may use; empty: any project.
    pub project_ids: Vec<String>,
    /// Tokens and keys.
    pub auth: AuthConfig,
    /// Injected errors.
    pub fault: FaultConfig,
    /// Largest accepted request body in bytes.
    pub body_limit: usize,
    /// Address to bind (default `127.0.0.1:0`).
    pub addr: SocketAddr,
    /// Write one line per request (method, path, status, request id; never credentials) to stderr.
    pub access_log: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            records: RecordSource::Synthetic(SyntheticSpec::default()),
            project_ids: vec![DEFAULT_PROJECT_ID.to_owned()],
            auth: AuthConfig::default(),
            fault: FaultConfig::default(),
            body_limit: DEFAULT_BODY_LIMIT,
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            access_log: false,
        }
    }
}

impl MockConfig {
    /// The defaults: 1000 synthetic records of project [`DEFAULT_PROJECT_ID`], any token
    /// accepted, no keys, no faults, 127.0.0.1 on a free port.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `project_id` only (also the tenant id of synthetic records).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        let project_id = project_id.into();
        if let RecordSource::Synthetic(spec) = &mut self.records {
            spec.project_id = project_id.clone();
        }
        self.project_ids = vec![project_id];
        self
    }

    /// Also allows `project_id` for credentials without their own project list.
    pub fn allow_project(mut self, project_id: impl Into<String>) -> Self {
        self.project_ids.push(project_id.into());
        self
    }

    /// Allows any project for credentials without their own project list.
    pub fn any_project(mut self) -> Self {
        self.project_ids.clear();
        self
    }

    /// Serves a synthetic data set of `records` records made with `seed`.
    pub fn synthetic(mut self, records: usize, seed: u64) -> Self {
        let project_id = self
            .project_ids
            .first()
            .cloned()
            .unwrap_or_else(|| DEFAULT_PROJECT_ID.to_owned());
        let base = match self.records {
            RecordSource::Synthetic(spec) => spec,
            _ => SyntheticSpec {
                project_id,
                ..SyntheticSpec::default()
            },
        };
        self.records = RecordSource::Synthetic(SyntheticSpec {
            records,
            seed,
            ..base
        });
        self
    }

    /// Serves a synthetic data set made from `spec`.
    pub fn synthetic_spec(mut self, spec: SyntheticSpec) -> Self {
        self.records = RecordSource::Synthetic(spec);
        self
    }

    /// Serves these records.
    pub fn records(mut self, records: Vec<AppConnectionInfo>) -> Self {
        self.records = RecordSource::Records(records);
        self
    }

    /// Serves the records of a JSON or NDJSON file (read when the server is built).
    pub fn data_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.records = RecordSource::File(path.into());
        self
    }

    /// Accepts this token (for the default projects). Once a token is configured, other tokens
    /// get a 401.
    pub fn token(self, token: impl Into<String>) -> Self {
        self.token_for(token, Projects::Default)
    }

    /// Accepts this token for these projects.
    pub fn token_for(mut self, token: impl Into<String>, projects: Projects) -> Self {
        self.auth.tokens.push(TokenGrant {
            token: Secret::from(token.into()),
            projects,
        });
        self
    }

    /// Accepts AK/SK signatures made with this pair (for the default projects).
    pub fn access_key(self, ak: impl Into<String>, sk: impl Into<String>) -> Self {
        self.access_key_for(ak, sk, Projects::Default)
    }

    /// Accepts AK/SK signatures made with this pair for these projects.
    pub fn access_key_for(
        mut self,
        ak: impl Into<String>,
        sk: impl Into<String>,
        projects: Projects,
    ) -> Self {
        self.auth.keys.push(KeyGrant {
            credentials: Credentials::new(ak, sk),
            projects,
        });
        self
    }

    /// Largest accepted distance between a signature's `X-Sdk-Date` and the server clock.
    pub fn max_clock_skew(mut self, skew: time::Duration) -> Self {
        self.auth.max_clock_skew = skew;
        self
    }

    /// Answers a share `rate` (0.0 to 1.0) of requests with the fault status.
    pub fn fault_rate(mut self, rate: f64) -> Self {
        self.fault.rate = rate;
        self
    }

    /// The status of injected faults.
    pub fn fault_status(mut self, status: ListAppConnectionStatus) -> Self {
        self.fault.status = status;
        self
    }

    /// Seed of the fault generator.
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.fault.seed = seed;
        self
    }

    /// Whether the `X-Mock-Fault` request header is honoured (default yes).
    pub fn fault_header(mut self, enabled: bool) -> Self {
        self.fault.header = enabled;
        self
    }

    /// Largest accepted request body.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Address to bind.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Logs each request to stderr.
    pub fn access_log(mut self, enabled: bool) -> Self {
        self.access_log = enabled;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_credentials() {
        let config = MockConfig::new()
            .token("token-value-123")
            .access_key("ACCESSKEY0000000TEST", "secret-key-value-456");
        let shown = format!("{config:?} {config:#?}");
        assert!(!shown.contains("token-value-123"), "{shown}");
        assert!(!shown.contains("secret-key-value-456"), "{shown}");
        assert!(!shown.contains("ACCESSKEY0000000TEST"), "{shown}");
    }
}
