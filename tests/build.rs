//! Generates the fixture specs' models into OUT_DIR, so that `cargo test` compiles what the
//! generator writes for features the real page does not use.

use std::path::Path;

use xtask::model;
use xtask::rust::{self, RustOptions};
use xtask::spec;

fn main() {
    let fixtures = Path::new("fixtures/specs");
    println!("cargo::rerun-if-changed={}", fixtures.display());
    println!("cargo::rerun-if-changed=../xtask/src");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let options = RustOptions::with_runtime("::workspaceapp_model::runtime").expect("a valid path");
    let mut names: Vec<_> = std::fs::read_dir(fixtures)
        .expect("fixtures/specs exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    names.sort();
    for path in names {
        let spec = spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let model = model::build(&spec).unwrap_or_else(|e| panic!("{e}"));
        let text = rust::module(&model, &options, &path.display().to_string());
        // `include!` cannot take a module's inner doc comments; the snapshot tests keep them.
        let body: String = text
            .lines()
            .filter(|line| !line.starts_with("//!"))
            .map(|line| format!("{line}\n"))
            .collect();
        let file = Path::new(&out).join(format!("{}.rs", model.module));
        std::fs::write(&file, body).expect("OUT_DIR is writable");
    }
}
