//! The upgrade commands: `cargo xtask import page|explorer` and `cargo xtask spec-diff`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use xtask::import::{self, ExplorerOptions, Outcome, PageOptions};
use xtask::spec_diff;

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Read an API reference page (saved as text) into spec/<operation>.toml.
    ///
    /// The operation is --operation, else the one whose spec has the page's URL (--url) or,
    /// failing that, the URL's last segment, else the one whose spec has the page's title.
    Page {
        /// The page's text.
        file: PathBuf,
        /// The operation id (PascalCase), which the page's text does not hold.
        #[arg(long)]
        operation: Option<String>,
        /// The page's address (kept under [source.page]); defaults to the existing spec's.
        #[arg(long)]
        url: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Merge an API Explorer definition (Swagger 2.0 JSON) into its operation's spec.
    Explorer {
        /// The definition file.
        file: PathBuf,
        /// The crates.io crate that publishes the definition (default: the existing spec's,
        /// else `huawei-cloud-api-definitions-<product_short>`).
        #[arg(long = "crate")]
        crate_name: Option<String>,
        /// That crate's version (default: the existing spec's).
        #[arg(long)]
        crate_version: Option<String>,
        /// The definition's path inside the crate (default: the existing spec's, else
        /// `src/<operationId>.json`).
        #[arg(long)]
        definition: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, Args)]
pub struct Common {
    /// The spec directory (default: spec/ of the workspace).
    #[arg(long)]
    spec_dir: Option<PathBuf>,
    /// Write nothing; fail and name the differences when the spec would change.
    #[arg(long)]
    check: bool,
}

pub fn import(command: Import, root: &Path) -> anyhow::Result<ExitCode> {
    let (outcome, check, what) = match command {
        Import::Page {
            file,
            operation,
            url,
            common,
        } => {
            let dir = common.spec_dir.unwrap_or_else(|| root.join("spec"));
            let options = PageOptions { operation, url };
            let outcome = import::import_page(&file, &dir, &options)?;
            (
                outcome,
                common.check,
                format!("cargo xtask import page {}", file.display()),
            )
        }
        Import::Explorer {
            file,
            crate_name,
            crate_version,
            definition,
            common,
        } => {
            let dir = common.spec_dir.unwrap_or_else(|| root.join("spec"));
            let options = ExplorerOptions {
                crate_name,
                crate_version,
                definition,
            };
            let outcome = import::import_explorer(&file, &dir, &options)?;
            (
                outcome,
                common.check,
                format!("cargo xtask import explorer {}", file.display()),
            )
        }
    };
    finish(&outcome, check, &what)
}

fn finish(outcome: &Outcome, check: bool, command: &str) -> anyhow::Result<ExitCode> {
    let file = outcome.file.display();
    if check {
        if outcome.is_unchanged() {
            eprintln!("{file} is what the import gives");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{file} differs from what the import gives:");
        eprint!("{}", outcome.differences());
        eprintln!("run `{command}` (without --check), review the result and commit it");
        return Ok(ExitCode::FAILURE);
    }
    if outcome.is_unchanged() {
        eprintln!("{file} was already up to date");
    } else {
        outcome.write()?;
        eprintln!("wrote {file}");
    }
    for note in &outcome.notes {
        eprintln!("note: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct SpecDiff {
    /// OLD and NEW: spec files, spec directories, or git `REV:path` (e.g.
    /// `HEAD~3:spec/list_app_connection.toml`).
    #[arg(num_args = 0..=2)]
    specs: Vec<String>,
    /// Compare spec/ at REV1 with spec/ at REV2 (default: the working tree).
    #[arg(long, num_args = 1..=2, value_names = ["REV1", "REV2"], conflicts_with = "specs")]
    git: Option<Vec<String>>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Exit with status 1 when a change is breaking for clients or for validation.
    #[arg(long)]
    fail_on_breaking: bool,
}

pub fn spec_diff(args: SpecDiff, root: &Path) -> anyhow::Result<ExitCode> {
    let (old, new) = match (&args.git, args.specs.as_slice()) {
        (Some(revs), _) => {
            spec_diff::load_revisions(root, &revs[0], revs.get(1).map(String::as_str))?
        }
        (None, [old, new]) => (spec_diff::load(old)?, spec_diff::load(new)?),
        (None, _) => anyhow::bail!("give OLD and NEW, or --git REV1 [REV2]"),
    };
    let report = spec_diff::diff(&old, &new);
    match args.format {
        Format::Human => print!("{}", report.human()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report.json())?),
    }
    if args.fail_on_breaking && report.is_breaking() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
