//! `cargo xtask <command>`: the project's automation.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use xtask::codegen;

mod upgrade;

mod cmd_test;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the models crate, its JSON Schemas and the OpenAPI document from spec/.
    Codegen {
        /// Write nothing; fail and name every file that is out of date.
        #[arg(long)]
        check: bool,
    },
    /// Run every test of the project (the README's test command; CI runs it).
    Test {
        /// Skip creating the Python venv; tests that need it say so and return.
        #[arg(long)]
        no_python: bool,
        /// Arguments passed on to `cargo test`.
        #[arg(last = true)]
        cargo_args: Vec<String>,
    },
    /// Bring an upstream description of an operation into spec/ (used on upgrades).
    Import {
        #[command(subcommand)]
        source: upgrade::Import,
    },
    /// List what changed between two versions of the spec and whether it is breaking.
    SpecDiff(upgrade::SpecDiff),
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let root = xtask::workspace_root();
    match cli.command {
        Command::Codegen { check } => {
            let files = codegen::generate(&root).context("cannot generate from spec/")?;
            let outcome = codegen::write_or_check(&root, &files, check)?;
            if check {
                if !outcome.is_fresh() {
                    eprintln!("{}", outcome.report());
                    return Ok(ExitCode::FAILURE);
                }
                eprintln!("{} generated files are up to date", files.len());
            } else if outcome.is_fresh() {
                eprintln!("{} generated files were already up to date", files.len());
            } else {
                for path in &outcome.stale {
                    eprintln!("wrote {}", path.display());
                }
                for path in &outcome.orphaned {
                    eprintln!("removed {}", path.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Test {
            no_python,
            cargo_args,
        } => {
            cmd_test::run(
                &root,
                &cmd_test::Options {
                    no_python,
                    cargo_args,
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { source } => upgrade::import(source, &root),
        Command::SpecDiff(args) => upgrade::spec_diff(args, &root),
    }
}
