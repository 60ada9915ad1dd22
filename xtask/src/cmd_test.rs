//! `cargo xtask test`: every test of the project, with the Python tools some tests compare
//! against (the official SDK, OpenAPI and JSON Schema validators) in a venv under target/.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// The file listing what the venv holds.
const REQUIREMENTS: &str = "tests/python/requirements.txt";

pub struct Options {
    /// Run the Rust tests only; tests that need Python say so and skip themselves.
    pub no_python: bool,
    /// Extra arguments for `cargo test`.
    pub cargo_args: Vec<String>,
}

pub fn run(root: &Path, options: &Options) -> anyhow::Result<()> {
    let mut test = Command::new(cargo());
    test.current_dir(root)
        .args(["test", "--workspace"])
        .args(&options.cargo_args);
    if !options.no_python {
        let python = ensure_venv(root)?;
        test.env("WORKSPACEAPP_PYTHON", &python);
    }
    status(&mut test, "cargo test --workspace")
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Creates `target/venv` and installs the requirements when they changed since the last run.
fn ensure_venv(root: &Path) -> anyhow::Result<PathBuf> {
    let requirements = root.join(REQUIREMENTS);
    let wanted = std::fs::read_to_string(&requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    let venv = root.join("target/venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("requirements.installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && python.exists() {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("creating {}", venv.display());
        status(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv target/venv",
        )?;
    }
    eprintln!("installing {REQUIREMENTS} into {}", venv.display());
    status(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
        "pip install -r tests/python/requirements.txt",
    )?;
    std::fs::write(&stamp, wanted).with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(python)
}

fn status(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}
