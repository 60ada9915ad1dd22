//! `workspaceapp serve`: runs the reference server until Ctrl-C (or SIGTERM).
//!
//! Prints `listening on http://HOST:PORT` on stdout once it accepts connections; everything
//! else (settings, access log) goes to stderr. Secrets are never printed.

use std::fmt;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use clap::Args;
use workspaceapp_mock::dataset::{DEFAULT_RECORDS, DEFAULT_SEED, DEFAULT_SPAN_DAYS, DEFAULT_UNTIL};
use workspaceapp_mock::{
    DEFAULT_BODY_LIMIT, DEFAULT_PORT, DEFAULT_PROJECT_ID, MockConfig, SyntheticSpec,
};
use workspaceapp_model::ListAppConnectionStatus;
use workspaceapp_model::runtime::DateTime;

/// Options of `workspaceapp serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Number of synthetic records (ignored with --data).
    #[arg(long, default_value_t = DEFAULT_RECORDS)]
    records: usize,
    /// Seed of the synthetic data set: the same seed gives the same records.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Newest login time of the synthetic records (any of the API's time forms).
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Days the synthetic login times are spread over.
    #[arg(long, default_value_t = DEFAULT_SPAN_DAYS)]
    span_days: u32,
    /// Serve the records of this file instead: a JSON array, an object with `items`, or NDJSON.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Project the credentials may use (repeat for more); also the tenant id of synthetic records.
    #[arg(long = "project-id", value_name = "ID", default_value = DEFAULT_PROJECT_ID)]
    project_ids: Vec<String>,
    /// Allow every project id.
    #[arg(long, conflicts_with = "project_ids")]
    any_project: bool,
    /// Access key whose AK/SK signatures are accepted.
    #[arg(
        long,
        env = "HUAWEICLOUD_SDK_AK",
        hide_env_values = true,
        requires = "sk"
    )]
    ak: Option<String>,
    /// Secret key of --ak (prefer the environment variable: arguments are visible to other users).
    #[arg(
        long,
        env = "HUAWEICLOUD_SDK_SK",
        hide_env_values = true,
        requires = "ak"
    )]
    sk: Option<String>,
    /// The only X-Auth-Token accepted (without it, any non-empty token is accepted).
    #[arg(long, env = "WORKSPACEAPP_MOCK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Share of requests (0 to 1) answered with --fault-status.
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Status of injected faults (a documented error status, e.g. 500 or 503).
    #[arg(long, default_value_t = 503)]
    fault_status: u16,
    /// Seed of the fault generator.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Ignore the X-Mock-Fault request header.
    #[arg(long)]
    no_fault_header: bool,
    /// Largest accepted request body in bytes (larger: 400).
    #[arg(long, default_value_t = DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Largest accepted distance between a signature's X-Sdk-Date and the clock, in seconds.
    #[arg(long, default_value_t = 900)]
    max_clock_skew: u32,
    /// Do not log requests to stderr.
    #[arg(long, short)]
    quiet: bool,
}

impl fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("ServeArgs")
            .field("records", &self.records)
            .field("seed", &self.seed)
            .field("until", &self.until)
            .field("span_days", &self.span_days)
            .field("data", &self.data)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("project_ids", &self.project_ids)
            .field("any_project", &self.any_project)
            .field("ak", &hidden(&self.ak))
            .field("sk", &hidden(&self.sk))
            .field("token", &hidden(&self.token))
            .field("fault_rate", &self.fault_rate)
            .field("fault_status", &self.fault_status)
            .field("fault_seed", &self.fault_seed)
            .field("no_fault_header", &self.no_fault_header)
            .field("body_limit", &self.body_limit)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("quiet", &self.quiet)
            .finish()
    }
}

impl ServeArgs {
    fn config(&self) -> anyhow::Result<MockConfig> {
        let fault_status = ListAppConnectionStatus::from_code(self.fault_status)
            .filter(|s| *s != ListAppConnectionStatus::Ok)
            .ok_or_else(|| {
                anyhow!(
                    "--fault-status {} is not a documented error status",
                    self.fault_status
                )
            })?;
        if !(0.0..=1.0).contains(&self.fault_rate) {
            bail!("--fault-rate must be between 0 and 1");
        }
        let until = match &self.until {
            Some(text) => DateTime::parse(text)
                .map_err(|e| anyhow!("--until: {e}"))?
                .to_offset_date_time(),
            None => DEFAULT_UNTIL,
        };
        let first_project = self
            .project_ids
            .first()
            .cloned()
            .unwrap_or_else(|| DEFAULT_PROJECT_ID.to_owned());
        let mut config = MockConfig::new()
            .addr(SocketAddr::new(self.host, self.port))
            .fault_rate(self.fault_rate)
            .fault_status(fault_status)
            .fault_seed(self.fault_seed)
            .fault_header(!self.no_fault_header)
            .body_limit(self.body_limit)
            .max_clock_skew(time::Duration::seconds(i64::from(self.max_clock_skew)))
            .access_log(!self.quiet)
            .synthetic_spec(SyntheticSpec {
                records: self.records,
                seed: self.seed,
                project_id: first_project,
                until,
                span_days: self.span_days,
            });
        config.project_ids = if self.any_project {
            Vec::new()
        } else {
            self.project_ids.clone()
        };
        if let Some(path) = &self.data {
            config = config.data_file(path);
        }
        if let (Some(ak), Some(sk)) = (&self.ak, &self.sk) {
            config = config.access_key(ak, sk);
        }
        if let Some(token) = &self.token {
            config = config.token(token);
        }
        Ok(config)
    }

    fn describe(&self) -> String {
        let source = match &self.data {
            Some(path) => format!("records from {}", path.display()),
            None => format!("{} synthetic records (seed {})", self.records, self.seed),
        };
        let projects = if self.any_project {
            "any project".to_owned()
        } else {
            format!("project {}", self.project_ids.join(", "))
        };
        let token = if self.token.is_some() {
            "one configured token"
        } else {
            "any X-Auth-Token"
        };
        let keys = match &self.ak {
            Some(_) => "AK/SK signatures of one configured key",
            None => "no AK/SK key",
        };
        format!("serving {source} for {projects}; accepting {token} and {keys}")
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> ExitCode {
    match run_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("workspaceapp serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &ServeArgs) -> anyhow::Result<()> {
    let config = args.config()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let server = workspaceapp_mock::spawn(config).await?;
        eprintln!("{}", args.describe());
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on {}", server.url())?;
        stdout.flush()?;
        shutdown_signal().await;
        eprintln!("shutting down");
        server.shutdown().await.context("server error")?;
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
