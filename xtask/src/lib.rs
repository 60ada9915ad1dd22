//! The project's automation, as a library so tests can drive it.
//!
//! Data flows one way: [`spec`] reads `spec/*.toml`; [`model`] decides the types; [`rust`],
//! [`schema`] and [`openapi`] emit them; [`codegen`] writes or checks the files.

pub mod codegen;
pub mod import;
pub mod model;
pub mod names;
pub mod openapi;
pub mod rust;
pub mod schema;
pub mod spec;
pub mod spec_diff;
pub mod spec_write;

use std::path::{Path, PathBuf};

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
