//! `workspaceapp validate`: checks captured traffic (HAR, NDJSON, single bodies) against the
//! ListAppConnection contract. Results on stdout; progress and the reason for a non-zero exit
//! on stderr.

use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use workspaceapp_validator::report::{self, Format, ReportOptions};
use workspaceapp_validator::run::{self, Input, RunOptions};
use workspaceapp_validator::{Engine, Options, Rule, Severity};

/// Exit code for unusable arguments or input.
const EXIT_USAGE: u8 = 2;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Junit,
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Har,
    Ndjson,
}

/// Validate captured ListAppConnection traffic against the API contract.
///
/// Exit status: 0 clean, 1 findings at or above --fail-on, 2 unusable arguments or input,
/// 3 no ListAppConnection exchange in the input.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// HAR files or NDJSON logs (one HAR entry per line); `-` reads standard input; gzip is detected.
    #[arg(value_name = "CAPTURE")]
    captures: Vec<PathBuf>,
    /// Validate a lone request body (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    request_body: Option<PathBuf>,
    /// Validate a lone response body (`-`: standard input); needs --status.
    #[arg(long, value_name = "FILE", requires = "status")]
    response_body: Option<PathBuf>,
    /// Status code the lone response body came with.
    #[arg(long, value_name = "N", requires = "response_body", value_parser = clap::value_parser!(u16).range(100..=599))]
    status: Option<u16>,
    /// Report format.
    #[arg(long, value_enum, default_value = "human")]
    format: FormatArg,
    /// Fail (exit 1) on findings at or above this severity.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Undocumented fields and query parameters are errors, not warnings.
    #[arg(long)]
    strict: bool,
    /// List at most N findings per rule (default: 20 for human, all for the other formats).
    #[arg(long, value_name = "N")]
    max_findings: Option<usize>,
    /// Colour in the human report.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// Read captures as this kind instead of detecting it.
    #[arg(long, value_enum, value_name = "KIND")]
    input_kind: Option<KindArg>,
    /// Worker threads (0: every core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Print the rules (id, default severity, what each checks) and exit.
    #[arg(long)]
    list_rules: bool,
}

/// Runs the subcommand.
pub fn run(args: ValidateArgs) -> ExitCode {
    match validate(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("workspaceapp validate: error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn validate(args: ValidateArgs) -> anyhow::Result<u8> {
    if args.list_rules {
        for rule in Rule::ALL {
            println!(
                "{:<30} {:<8} {}",
                rule.id(),
                rule.default_severity().as_str(),
                rule.title()
            );
        }
        return Ok(0);
    }
    let mut inputs: Vec<Input> = args.captures.iter().cloned().map(Input::Capture).collect();
    if let Some(path) = &args.request_body {
        inputs.push(Input::RequestBody(path.clone()));
    }
    if let (Some(path), Some(status)) = (&args.response_body, args.status) {
        inputs.push(Input::ResponseBody {
            path: path.clone(),
            status,
        });
    }
    if inputs.is_empty() {
        anyhow::bail!(
            "nothing to validate: give capture files (or `-`), --request-body FILE or --response-body FILE --status N"
        );
    }
    let stdin_uses = inputs
        .iter()
        .filter(|i| matches!(i, Input::Capture(p) | Input::RequestBody(p) | Input::ResponseBody { path: p, .. } if p.as_os_str() == "-"))
        .count();
    if stdin_uses > 1 {
        anyhow::bail!("standard input (`-`) can be read only once");
    }

    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Junit => Format::Junit,
        FormatArg::Sarif => Format::Sarif,
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    let report_options = ReportOptions {
        fail_on: match args.fail_on {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        },
        max_findings: args.max_findings,
        color: color && format == Format::Human,
    };
    let run_options = RunOptions {
        threads: args.threads,
        kind: args.input_kind.map(|k| match k {
            KindArg::Har => workspaceapp_capture::InputKind::Har,
            KindArg::Ndjson => workspaceapp_capture::InputKind::Ndjson,
        }),
        ..RunOptions::default()
    };

    let engine = Engine::new(Options {
        strict: args.strict,
    })?;
    let stdout = io::stdout();
    let out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut sink = report::sink(format, Box::new(out), report_options)?;
    let mut progress = Bar::new(&inputs, args.quiet);
    let summary = run::run(
        &inputs,
        &engine,
        &run_options,
        &report_options,
        sink.as_mut(),
        &mut progress,
    )
    .map_err(|e| anyhow::anyhow!("cannot write the report: {e}"))?;
    progress.finish();
    sink.finish(&summary)
        .map_err(|e| anyhow::anyhow!("cannot write the report: {e}"))?;
    drop(sink);

    if format != Format::Human {
        eprintln!("workspaceapp validate: {}", summary.one_line());
    }
    let code = summary.exit_code(&report_options);
    if let Some(reason) = summary.exit_reason(&report_options) {
        eprintln!("workspaceapp validate: exit {code}: {reason}");
    }
    Ok(code)
}

/// A progress bar on stderr, drawn only on a terminal and only once the run has lasted a second.
struct Bar {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
}

impl Bar {
    fn new(inputs: &[Input], quiet: bool) -> Self {
        let enabled = !quiet && io::stderr().is_terminal();
        let bar = enabled.then(|| {
            let total = total_size(inputs);
            let bar = match total {
                Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden()),
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
            };
            let template = if total.is_some() {
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {msg})"
            } else {
                "{spinner} [{elapsed_precise}] {bytes} ({bytes_per_sec}, {msg})"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar
        });
        Self {
            bar,
            started: Instant::now(),
            shown: false,
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl run::Progress for Bar {
    fn advance(&mut self, bytes: u64, exchanges: u64) {
        let Some(bar) = &self.bar else { return };
        if !self.shown && self.started.elapsed() > Duration::from_secs(1) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        if exchanges.is_multiple_of(64) || self.shown {
            bar.set_position(bytes);
            bar.set_message(format!("{exchanges} exchanges"));
        }
    }
}

/// Total bytes to read, when known: plain (not gzip) files only.
fn total_size(inputs: &[Input]) -> Option<u64> {
    let mut total = 0;
    for input in inputs {
        let Input::Capture(path) = input else {
            continue;
        };
        if path.as_os_str() == "-" {
            return None;
        }
        let mut magic = [0u8; 2];
        let mut file = std::fs::File::open(path).ok()?;
        if file.read(&mut magic).ok()? == 2 && magic == [0x1f, 0x8b] {
            return None;
        }
        total += file.metadata().ok()?.len();
    }
    Some(total)
}
