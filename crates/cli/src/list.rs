//! `workspaceapp list`: application usage records, one page or all of them.
//!
//! Filters are flags generated from the model: one `--FIELD-NAME` per field of the request body
//! (`--user-name`, `--brokering-start-time`, ...). Times accept `2022-10-31 08:07:39`,
//! `2025-04-24T16:00:00Z` and `2025-04-24T16:00:00+00:00` and are sent in the form chosen with
//! `--time-form`. Records go to stdout (table on a terminal, JSON otherwise); errors and the
//! progress bar go to stderr. Credentials come from flags or the environment and are never
//! printed.

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::{Arg, ArgMatches, Args, FromArgMatches, ValueEnum};
use futures::StreamExt;
use serde_json::Value;
use workspaceapp_client::model::runtime::{self, FieldInfo};
use workspaceapp_client::model::{
    AppConnectionInfo, Limit, ListAppConnectionQuery, ListAppConnectionRequestBody,
    ListAppConnectionResponse, Offset,
};
use workspaceapp_client::{
    Client, Credentials, Error as ClientError, Filter, PageOptions, RetryPolicy, TIME_FORM_NAMES,
    parse_time_form,
};

/// Exit status for invalid arguments or configuration (as clap uses for usage errors).
const EXIT_USAGE: u8 = 2;

/// Output formats of `workspaceapp list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns (the default when stdout is a terminal).
    Table,
    /// The response as one JSON document: `{count, items}` (the default otherwise).
    Json,
    /// One record per line as JSON.
    Ndjson,
    /// Comma-separated values with a header line (RFC 4180 quoting).
    Csv,
}

/// How requests authenticate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuthChoice {
    /// AK/SK signing when an AK and an SK are given, else the token.
    Auto,
    /// AK/SK request signing.
    Aksk,
    /// X-Auth-Token.
    Token,
    /// No credentials (local test servers).
    None,
}

/// A credential read from a flag or the environment: never printed.
#[derive(Clone)]
pub struct Hidden(String);

impl std::str::FromStr for Hidden {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Hidden(s.to_owned()))
    }
}

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Options of `workspaceapp list`.
#[derive(Args)]
pub struct ListArgs {
    /// Region whose endpoint to use, e.g. cn-north-4 or ap-southeast-1.
    #[arg(
        long,
        env = "HUAWEICLOUD_SDK_REGION",
        conflicts_with = "endpoint",
        help_heading = "Connection"
    )]
    region: Option<String>,
    /// Explicit endpoint URL, e.g. http://127.0.0.1:8080 (plain http for loopback only).
    #[arg(long, value_name = "URL", help_heading = "Connection")]
    endpoint: Option<String>,
    /// Project id.
    #[arg(long, env = "HUAWEICLOUD_SDK_PROJECT_ID", help_heading = "Connection")]
    project_id: Option<String>,
    /// Access key for AK/SK signing.
    #[arg(
        long,
        env = "HUAWEICLOUD_SDK_AK",
        hide_env_values = true,
        help_heading = "Connection"
    )]
    ak: Option<Hidden>,
    /// Secret key for AK/SK signing (prefer the environment: arguments are visible to other users).
    #[arg(
        long,
        env = "HUAWEICLOUD_SDK_SK",
        hide_env_values = true,
        help_heading = "Connection"
    )]
    sk: Option<Hidden>,
    /// IAM user token (prefer the environment: arguments are visible to other users).
    #[arg(
        long,
        env = "HUAWEICLOUD_SDK_TOKEN",
        hide_env_values = true,
        help_heading = "Connection"
    )]
    token: Option<Hidden>,
    /// Which credentials to use.
    #[arg(long, value_enum, default_value_t = AuthChoice::Auto, help_heading = "Connection")]
    auth: AuthChoice,
    /// Seconds allowed for one request, answer included.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60,
        help_heading = "Connection"
    )]
    timeout: u64,
    /// Seconds allowed to connect.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10,
        help_heading = "Connection"
    )]
    connect_timeout: u64,
    /// Retries of a request after a connection failure or a 429/500/502/503/504.
    #[arg(long, default_value_t = 3, help_heading = "Connection")]
    retries: u32,

    /// Records per page (1 to 100; the server's default is 10).
    #[arg(long, conflicts_with = "all", help_heading = "Paging")]
    limit: Option<Limit>,
    /// Records to skip (the server's default is 0).
    #[arg(long, conflicts_with = "all", help_heading = "Paging")]
    offset: Option<Offset>,
    /// Every matching record, 100 per request.
    #[arg(long, help_heading = "Paging")]
    all: bool,
    /// Pages requested at once with --all.
    #[arg(long, default_value = "1", requires = "all", help_heading = "Paging")]
    pages_in_flight: NonZeroUsize,

    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, short, value_enum, help_heading = "Output")]
    output: Option<OutputFormat>,
    /// Columns of table and csv output, by wire name, or `all` (default: table: the login time,
    /// user, application, server, client and failure code; csv: every documented field).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAME,...",
        help_heading = "Output"
    )]
    columns: Vec<String>,
    /// Progress bar on stderr with --all: auto (when stderr is a terminal), always or never.
    #[arg(long, value_enum, default_value_t = When::Auto, help_heading = "Output")]
    progress: When,

    /// Form in which filter times are sent: utc (2025-04-24T16:00:00Z), offset
    /// (2025-04-24T16:00:00+00:00) or plain (2022-10-31 08:07:39).
    #[arg(long, default_value = "utc", value_parser = time_form_names(), help_heading = "Filters (request body)")]
    time_form: String,
    #[command(flatten)]
    filters: BodyFilters,
}

/// `auto`, `always` or `never`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum When {
    /// When the stream is a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

fn time_form_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(TIME_FORM_NAMES.iter().map(|(name, _)| *name))
}

impl fmt::Debug for ListArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListArgs")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("project_id", &self.project_id)
            .field("ak", &self.ak.as_ref().map(|_| "***"))
            .field("sk", &self.sk)
            .field("token", &self.token)
            .field("auth", &self.auth)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("all", &self.all)
            .field("pages_in_flight", &self.pages_in_flight)
            .field("output", &self.output)
            .field("columns", &self.columns)
            .field("time_form", &self.time_form)
            .field("filters", &self.filters)
            .finish_non_exhaustive()
    }
}

/// One flag per field of the generated request body, built from its `FIELDS` metadata.
#[derive(Clone, Debug, Default)]
pub struct BodyFilters {
    /// (wire name, text) of each filter given.
    values: Vec<(&'static str, String)>,
}

fn flag_name(field: &FieldInfo) -> String {
    field.name.replace('_', "-")
}

fn filter_help(field: &FieldInfo) -> String {
    let mut help = field
        .description
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if field.format == Some(runtime::DATETIME_FORMAT) {
        if let Some((before, _)) = help.split_once(" The format is") {
            help = before.to_owned();
        }
        help.push_str(
            " Any of 2022-10-31 08:07:39, 2025-04-24T16:00:00Z, 2025-04-24T16:00:00+00:00 (UTC unless an offset is given).",
        );
    }
    if field.fuzzy && !help.to_ascii_lowercase().contains("fuzzy") {
        help.push_str(" Fuzzy match.");
    }
    help
}

impl FromArgMatches for BodyFilters {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let values = ListAppConnectionRequestBody::FIELDS
            .iter()
            .filter_map(|f| {
                matches
                    .get_one::<String>(f.name)
                    .map(|v| (f.name, v.clone()))
            })
            .collect();
        Ok(Self { values })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for BodyFilters {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        cmd = cmd.next_help_heading("Filters (request body)");
        let schema: Option<Value> = serde_json::from_str(
            workspaceapp_client::model::schemas::list_app_connection::REQUEST_BODY,
        )
        .ok();
        for field in ListAppConnectionRequestBody::FIELDS {
            let value_name = if field.format == Some(runtime::DATETIME_FORMAT) {
                "TIME"
            } else {
                "TEXT"
            };
            let mut arg = Arg::new(field.name)
                .long(flag_name(field))
                .value_name(value_name)
                .help(filter_help(field))
                .num_args(1);
            if let Some(values) = schema.as_ref().and_then(|s| enum_values(s, field.name)) {
                arg = arg.value_parser(clap::builder::PossibleValuesParser::new(values));
            }
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// The documented values of an enumerated body field, read from the generated JSON Schema
/// (`properties.NAME`, directly or through `anyOf`/`$ref` into `$defs`).
fn enum_values(schema: &Value, name: &str) -> Option<Vec<String>> {
    fn values(schema: &Value, node: &Value, depth: usize) -> Option<Vec<String>> {
        if depth > 8 {
            return None;
        }
        if let Some(list) = node.get("enum").and_then(Value::as_array) {
            return Some(
                list.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            );
        }
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let target = reference
                .strip_prefix("#/")?
                .split('/')
                .try_fold(schema, |at, key| at.get(key))?;
            return values(schema, target, depth + 1);
        }
        ["anyOf", "oneOf", "allOf"]
            .iter()
            .filter_map(|k| node.get(*k).and_then(Value::as_array))
            .flatten()
            .find_map(|branch| values(schema, branch, depth + 1))
    }
    values(schema, schema.get("properties")?.get(name)?, 0).filter(|v| !v.is_empty())
}

/// Runs `workspaceapp list`.
pub fn run(args: ListArgs) -> ExitCode {
    match run_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("workspaceapp list: {e:#}");
            let usage = e.downcast_ref::<ClientError>().is_some_and(|c| {
                matches!(c, ClientError::Config(_) | ClientError::InvalidArgument(_))
            }) || e.downcast_ref::<UsageError>().is_some();
            ExitCode::from(if usage { EXIT_USAGE } else { 1 })
        }
    }
}

/// A mistake in the arguments, found after parsing.
#[derive(Debug)]
struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn body(args: &ListArgs) -> anyhow::Result<ListAppConnectionRequestBody> {
    let form = parse_time_form(&args.time_form)?;
    let mut filter = Filter::new().time_format(form);
    for (name, value) in &args.filters.values {
        let flag = ListAppConnectionRequestBody::FIELDS
            .iter()
            .find(|f| f.name == *name)
            .map(flag_name)
            .unwrap_or_default();
        filter = filter
            .set(name, value)
            .with_context(|| format!("invalid --{flag}"))
            .map_err(|e| usage(format!("{e:#}")))?;
    }
    Ok(filter.build())
}

fn client(args: &ListArgs) -> anyhow::Result<Client> {
    let mut builder = Client::builder();
    builder = match (&args.region, &args.endpoint) {
        (_, Some(endpoint)) => builder.endpoint(endpoint),
        (Some(region), None) => builder.region(region),
        (None, None) => {
            return Err(usage(
                "no endpoint: give --region (or HUAWEICLOUD_SDK_REGION) or --endpoint",
            ));
        }
    };
    let project_id = args.project_id.as_deref().ok_or_else(|| {
        usage("no project id: give --project-id or set HUAWEICLOUD_SDK_PROJECT_ID")
    })?;
    builder = builder.project_id(project_id);
    let aksk = match (&args.ak, &args.sk) {
        (Some(ak), Some(sk)) => Some(Credentials::new(ak.0.clone(), sk.0.clone())),
        _ => None,
    };
    builder = match args.auth {
        AuthChoice::Auto => match (aksk, &args.token) {
            (Some(credentials), _) => builder.aksk(credentials),
            (None, Some(token)) => builder.token(token.0.clone()),
            (None, None) => {
                let hint = match (&args.ak, &args.sk) {
                    (Some(_), None) => " (an AK was given without its SK)",
                    (None, Some(_)) => " (an SK was given without its AK)",
                    _ => "",
                };
                return Err(usage(format!(
                    "no credentials{hint}: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or HUAWEICLOUD_SDK_TOKEN (or use --ak/--sk, --token)"
                )));
            }
        },
        AuthChoice::Aksk => builder.aksk(aksk.ok_or_else(|| {
            usage("--auth aksk needs an AK and an SK (--ak/--sk or HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK)")
        })?),
        AuthChoice::Token => builder.token(
            args.token
                .as_ref()
                .ok_or_else(|| usage("--auth token needs --token or HUAWEICLOUD_SDK_TOKEN"))?
                .0
                .clone(),
        ),
        AuthChoice::None => builder.auth(workspaceapp_client::Auth::None),
    };
    if args.timeout == 0 || args.connect_timeout == 0 {
        return Err(usage("timeouts must be at least one second"));
    }
    builder = builder
        .timeout(Duration::from_secs(args.timeout))
        .connect_timeout(Duration::from_secs(args.connect_timeout))
        .retry(RetryPolicy::with_max_retries(args.retries))
        .user_agent(concat!("workspaceapp-cli/", env!("CARGO_PKG_VERSION")))
        .pages_in_flight(args.pages_in_flight);
    Ok(builder.build()?)
}

fn run_inner(args: &ListArgs) -> anyhow::Result<()> {
    let body = body(args)?;
    let client = client(args)?;
    let format = args.output.unwrap_or(if io::stdout().is_terminal() {
        OutputFormat::Table
    } else {
        OutputFormat::Json
    });
    let columns = columns(args, format)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    runtime.block_on(async {
        if args.all {
            list_all(args, &client, body, format, &columns, &mut out).await
        } else {
            let query = ListAppConnectionQuery {
                limit: args.limit,
                offset: args.offset,
            };
            let response = client.list(&query, &body).await?;
            let mut writer = Writer::new(format, columns, &mut out)?;
            for item in response.items.as_deref().unwrap_or_default() {
                writer.item(item)?;
            }
            writer.finish(response.count, &response)?;
            Ok(())
        }
    })?;
    out.flush()?;
    Ok(())
}

async fn list_all(
    args: &ListArgs,
    client: &Client,
    body: ListAppConnectionRequestBody,
    format: OutputFormat,
    columns: &Option<Vec<String>>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let show_progress = match args.progress {
        When::Auto => io::stderr().is_terminal(),
        When::Always => true,
        When::Never => false,
    };
    let progress = if show_progress {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} records [{elapsed_precise}] {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut writer = Writer::new(format, columns.clone(), out)?;
    let mut pages = std::pin::pin!(client.pages(body, PageOptions::new(args.pages_in_flight)));
    let mut count = None;
    let mut received = 0u64;
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                progress.abandon();
                return Err(anyhow!(e).context(format!("listing stopped after {received} records")));
            }
        };
        if let Some(c) = page.response.count {
            count = Some(c);
            progress.set_length(u64::try_from(c).unwrap_or(0));
        }
        for item in page.response.items.as_deref().unwrap_or_default() {
            writer.item(item)?;
            received += 1;
        }
        progress.set_position(received);
    }
    progress.finish_and_clear();
    let summary = ListAppConnectionResponse {
        count,
        ..Default::default()
    };
    writer.finish(count, &summary)?;
    Ok(())
}

fn columns(args: &ListArgs, format: OutputFormat) -> anyhow::Result<Option<Vec<String>>> {
    if args.columns.is_empty() {
        return Ok(None);
    }
    if args.columns.len() == 1 && args.columns[0] == "all" {
        return Ok(Some(all_fields()));
    }
    if !matches!(format, OutputFormat::Table | OutputFormat::Csv) {
        bail!(usage("--columns applies to table and csv output only"));
    }
    let known: Vec<&str> = AppConnectionInfo::FIELDS.iter().map(|f| f.name).collect();
    for c in &args.columns {
        if !known.contains(&c.as_str()) {
            bail!(usage(format!(
                "unknown column {c:?}; known columns: {}",
                known.join(", ")
            )));
        }
    }
    Ok(Some(args.columns.clone()))
}

/// Columns of the table when --columns is not given (those the model has and some record
/// fills); `--columns all` shows every field.
const TABLE_COLUMNS: &[&str] = &[
    "brokering_time",
    "end_time",
    "user_name",
    "app_name",
    "machine_name",
    "client_type",
    "client_ip",
    "failed_code",
];

/// Writes records as they come (ndjson, csv) or at the end (json, table).
struct Writer<'a, W: Write> {
    format: OutputFormat,
    columns: Option<Vec<String>>,
    out: &'a mut W,
    kept: Vec<serde_json::Map<String, Value>>,
    header_written: bool,
}

fn record_object(item: &AppConnectionInfo) -> anyhow::Result<serde_json::Map<String, Value>> {
    match serde_json::to_value(item)? {
        Value::Object(map) => Ok(map),
        _ => bail!("a record did not serialise as a JSON object"),
    }
}

fn cell(map: &serde_json::Map<String, Value>, column: &str) -> String {
    match map.get(column) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn all_fields() -> Vec<String> {
    AppConnectionInfo::FIELDS
        .iter()
        .map(|f| f.name.to_owned())
        .collect()
}

impl<'a, W: Write> Writer<'a, W> {
    fn new(
        format: OutputFormat,
        columns: Option<Vec<String>>,
        out: &'a mut W,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            format,
            columns,
            out,
            kept: Vec::new(),
            header_written: false,
        })
    }

    fn item(&mut self, item: &AppConnectionInfo) -> anyhow::Result<()> {
        match self.format {
            OutputFormat::Ndjson => {
                serde_json::to_writer(&mut *self.out, item)?;
                self.out.write_all(b"\n")?;
            }
            OutputFormat::Csv => {
                let columns = self.columns.clone().unwrap_or_else(all_fields);
                if !self.header_written {
                    let header: Vec<String> = columns.iter().map(|c| csv_field(c)).collect();
                    writeln!(self.out, "{}", header.join(","))?;
                    self.header_written = true;
                }
                let map = record_object(item)?;
                let row: Vec<String> = columns.iter().map(|c| csv_field(&cell(&map, c))).collect();
                writeln!(self.out, "{}", row.join(","))?;
            }
            OutputFormat::Json | OutputFormat::Table => self.kept.push(record_object(item)?),
        }
        Ok(())
    }

    fn finish(
        mut self,
        count: Option<i32>,
        response: &ListAppConnectionResponse,
    ) -> anyhow::Result<()> {
        match self.format {
            OutputFormat::Ndjson => {}
            OutputFormat::Csv => {
                if !self.header_written {
                    let columns = self.columns.clone().unwrap_or_else(all_fields);
                    let header: Vec<String> = columns.iter().map(|c| csv_field(c)).collect();
                    writeln!(self.out, "{}", header.join(","))?;
                }
            }
            OutputFormat::Json => {
                // The response as received (count, items, anything else), items as collected.
                let mut doc = match serde_json::to_value(response)? {
                    Value::Object(map) => map,
                    _ => serde_json::Map::new(),
                };
                doc.insert(
                    "items".to_owned(),
                    Value::Array(
                        std::mem::take(&mut self.kept)
                            .into_iter()
                            .map(Value::Object)
                            .collect(),
                    ),
                );
                serde_json::to_writer_pretty(&mut *self.out, &Value::Object(doc))?;
                self.out.write_all(b"\n")?;
            }
            OutputFormat::Table => self.table(count)?,
        }
        self.out.flush()?;
        Ok(())
    }

    fn table(&mut self, count: Option<i32>) -> anyhow::Result<()> {
        const MAX_CELL: usize = 40;
        let columns: Vec<String> = match &self.columns {
            Some(c) => c.clone(),
            None => {
                let with_value: Vec<String> = all_fields()
                    .into_iter()
                    .filter(|c| self.kept.iter().any(|m| !cell(m, c).is_empty()))
                    .collect();
                let preferred: Vec<String> = TABLE_COLUMNS
                    .iter()
                    .filter(|c| with_value.iter().any(|w| w == *c))
                    .map(|c| (*c).to_owned())
                    .collect();
                if preferred.is_empty() {
                    with_value
                } else {
                    preferred
                }
            }
        };
        let shorten = |s: String| {
            let s = s.replace(['\n', '\r', '\t'], " ");
            if s.chars().count() > MAX_CELL {
                let mut t: String = s.chars().take(MAX_CELL - 1).collect();
                t.push('…');
                t
            } else {
                s
            }
        };
        let rows: Vec<Vec<String>> = self
            .kept
            .iter()
            .map(|m| columns.iter().map(|c| shorten(cell(m, c))).collect())
            .collect();
        let widths: Vec<usize> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([c.chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_owned()
        };
        if !columns.is_empty() {
            writeln!(self.out, "{}", line(&columns))?;
        }
        for row in &rows {
            writeln!(self.out, "{}", line(row))?;
        }
        let total = count.map_or_else(|| "?".to_owned(), |c| c.to_string());
        writeln!(self.out, "({} shown of {total})", rows.len())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        args: ListArgs,
    }

    #[test]
    fn one_flag_per_body_field() {
        let cmd = <Cli as clap::CommandFactory>::command();
        for field in ListAppConnectionRequestBody::FIELDS {
            let long = flag_name(field);
            assert!(
                cmd.get_arguments()
                    .any(|a| a.get_long() == Some(long.as_str())),
                "--{long}"
            );
        }
    }

    #[test]
    fn filters_become_the_body() {
        let cli = Cli::try_parse_from([
            "list",
            "--user-name",
            "alice",
            "--client-type",
            "Mac",
            "--brokering-start-time",
            "2022-10-31 08:07:39",
            "--brokering-end-time",
            "2022-10-31T10:00:00+02:00",
        ])
        .unwrap();
        let json = serde_json::to_value(body(&cli.args).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "user_name": "alice",
                "client_type": "Mac",
                "brokering_start_time": "2022-10-31T08:07:39Z",
                "brokering_end_time": "2022-10-31T08:00:00Z"
            })
        );
        let cli = Cli::try_parse_from([
            "list",
            "--time-form",
            "plain",
            "--brokering-start-time",
            "2022-10-31T08:07:39Z",
        ])
        .unwrap();
        assert_eq!(
            body(&cli.args)
                .unwrap()
                .brokering_start_time
                .unwrap()
                .as_str(),
            "2022-10-31 08:07:39"
        );
    }

    #[test]
    fn bad_values_are_named() {
        let err = Cli::try_parse_from(["list", "--client-type", "Linux"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--client-type") && err.contains("Windows"),
            "{err}"
        );
        let cli = Cli::try_parse_from(["list", "--brokering-end-time", "tomorrow"]).unwrap();
        let err = format!("{:#}", body(&cli.args).unwrap_err());
        assert!(err.contains("--brokering-end-time"), "{err}");
        assert!(Cli::try_parse_from(["list", "--limit", "101"]).is_err());
        assert!(Cli::try_parse_from(["list", "--limit", "0"]).is_err());
        assert!(Cli::try_parse_from(["list", "--offset", "-1"]).is_err());
        assert!(Cli::try_parse_from(["list", "--all", "--limit", "5"]).is_err());
    }

    #[test]
    fn debug_hides_credentials() {
        let cli = Cli::try_parse_from([
            "list",
            "--ak",
            "AKVALUE123456",
            "--sk",
            "SKVALUE",
            "--token",
            "TOKVALUE",
        ])
        .unwrap();
        let shown = format!("{cli:?}");
        assert!(
            !shown.contains("AKVALUE") && !shown.contains("SKVALUE") && !shown.contains("TOKVALUE"),
            "{shown}"
        );
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
