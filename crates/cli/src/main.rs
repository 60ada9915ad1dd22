//! `workspaceapp`: one command for the whole toolkit. Each subcommand lives in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod demo;
mod list;
mod serve;
mod validate;

#[derive(Debug, Parser)]
#[command(
    name = "workspaceapp",
    version,
    about = "Huawei Cloud Workspace App: application usage records"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the toolkit end to end, offline: serve seeded records, list them, capture, validate.
    Demo(demo::DemoArgs),
    /// List application usage records: one page, or all of them with --all.
    List(list::ListArgs),
    /// Run the reference server (seeded synthetic or file-loaded records) until Ctrl-C.
    Serve(serve::ServeArgs),
    /// Validate captured traffic (HAR, NDJSON, single bodies) against the API contract.
    Validate(validate::ValidateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::List(args) => list::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Validate(args) => validate::run(args),
    }
}
