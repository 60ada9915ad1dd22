//! `cargo xtask codegen`: spec/ -> the models crate, its JSON Schemas and the OpenAPI document.
//!
//! One function both writes and checks: in check mode nothing is written, and every file that
//! would change is named, with the command that brings it up to date.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{self, OperationModel};
use crate::rust::{self, RustOptions};
use crate::spec::{self, Spec};
use crate::{openapi, schema};

/// The command that regenerates everything; named by headers and by stale-file reports.
pub const COMMAND: &str = "cargo xtask codegen";

/// Where the models crate lives, relative to the workspace root.
pub const MODEL_CRATE: &str = "crates/model";

#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    #[error(transparent)]
    Spec(#[from] spec::SpecError),
    #[error(transparent)]
    Model(#[from] model::ModelError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A file the generator owns: where it goes (relative to the workspace root) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// What `write_or_check` found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Files whose committed text differs from the generated text (or that are missing).
    pub stale: Vec<PathBuf>,
    /// Generated-only directories' files that the spec no longer produces.
    pub orphaned: Vec<PathBuf>,
}

impl Outcome {
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.orphaned.is_empty()
    }

    /// The check-mode report: every stale file and the command to run.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for path in &self.stale {
            let _ = writeln!(out, "stale: {}", path.display());
        }
        for path in &self.orphaned {
            let _ = writeln!(out, "no longer generated: {}", path.display());
        }
        let _ = write!(
            out,
            "generated files are out of date with spec/; run `{COMMAND}`"
        );
        out
    }
}

/// Reads `spec/` under `root` and produces every generated file, in memory.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, CodegenError> {
    let specs = spec::load_dir(&root.join("spec"))?;
    generate_from(root, &specs)
}

pub fn generate_from(root: &Path, specs: &[Spec]) -> Result<Vec<GeneratedFile>, CodegenError> {
    let models = specs
        .iter()
        .map(model::build)
        .collect::<Result<Vec<_>, _>>()?;
    let options = RustOptions {
        runtime: syn::parse_quote!(crate::runtime),
    };
    let crate_dir = PathBuf::from(MODEL_CRATE);
    let mut files = Vec::new();
    let mut schema_files = Vec::new();
    for model in &models {
        let source = relative_source(root, &model.spec.file);
        files.push(GeneratedFile {
            path: crate_dir.join("src").join(format!("{}.rs", model.module)),
            contents: rust::module(model, &options, &source),
        });
        for file in schema::files(model) {
            schema_files.push((model.module.clone(), source.clone(), file));
        }
    }
    let sources: Vec<String> = models
        .iter()
        .map(|m| relative_source(root, &m.spec.file))
        .collect();
    let sources = sources.join(", ");

    for (_, source, file) in &schema_files {
        files.push(GeneratedFile {
            path: crate_dir
                .join("schemas")
                .join(format!("{}.json", file.name)),
            contents: json_text(&with_comment(&file.schema, &json_comment(source))),
        });
    }
    files.push(GeneratedFile {
        path: crate_dir.join("openapi.json"),
        contents: json_text(&openapi::document(&models, &json_comment(&sources))),
    });
    files.push(GeneratedFile {
        path: crate_dir.join("src/schemas.rs"),
        contents: rust::format_file(schemas_module(&models, &schema_files), &sources),
    });
    files.push(GeneratedFile {
        path: crate_dir.join("src/lib.rs"),
        contents: rust::format_file(lib_module(&models), &sources),
    });
    Ok(files)
}

/// Writes (or, with `check`, only compares) the generated files under `root`.
pub fn write_or_check(
    root: &Path,
    files: &[GeneratedFile],
    check: bool,
) -> Result<Outcome, CodegenError> {
    let mut outcome = Outcome::default();
    for file in files {
        let path = root.join(&file.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        outcome.stale.push(file.path.clone());
        if !check {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| CodegenError::Io {
                    path: parent.to_owned(),
                    source,
                })?;
            }
            std::fs::write(&path, &file.contents).map_err(|source| CodegenError::Io {
                path: path.clone(),
                source,
            })?;
        }
    }
    // `schemas/` and the top level of `src/` hold generated files only (the hand-written
    // runtime is a directory): anything else there is left over from an earlier spec.
    for (dir, extension) in [("schemas", "json"), ("src", "rs")] {
        let dir = PathBuf::from(MODEL_CRATE).join(dir);
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        let mut leftovers: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .map(|entry| dir.join(entry.file_name()))
            .filter(|path| path.extension().is_some_and(|e| e == extension))
            .filter(|path| !files.iter().any(|f| &f.path == path))
            .collect();
        leftovers.sort();
        for path in leftovers {
            if !check {
                std::fs::remove_file(root.join(&path)).map_err(|source| CodegenError::Io {
                    path: path.clone(),
                    source,
                })?;
            }
            outcome.orphaned.push(path);
        }
    }
    Ok(outcome)
}

/// `spec/list_app_connection.toml`, with `/` on every platform.
fn relative_source(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn json_comment(source: &str) -> String {
    format!("@generated by `{COMMAND}` from {source}. Do not edit by hand.")
}

fn with_comment(schema: &serde_json::Value, comment: &str) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("$comment".into(), comment.into());
    if let serde_json::Value::Object(map) = schema {
        out.extend(map.clone());
    }
    serde_json::Value::Object(out)
}

/// Pretty JSON with a final newline; key order is the generator's, so output is stable.
pub fn json_text(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn schemas_module(
    models: &[OperationModel<'_>],
    files: &[(String, String, schema::SchemaFile)],
) -> TokenStream {
    let all = files.iter().map(|(_, _, file)| {
        let name = &file.name;
        let path = format!("../schemas/{name}.json");
        quote! { SchemaFile { name: #name, json: include_str!(#path) } }
    });
    let derived = files.iter().map(|(module, _, file)| {
        let name = &file.name;
        let module = format_ident!("{module}");
        let ty = format_ident!("{}", file.type_name);
        quote! { (#name, ::schemars::schema_for!(crate::#module::#ty)) }
    });
    let modules = models.iter().map(|model| {
        let module = format_ident!("{}", model.module);
        let op = &model.spec.operation.name;
        let mut consts = Vec::new();
        for (slot, suffix, ident) in [
            (&model.request.path, "path", "PATH"),
            (&model.request.query, "query", "QUERY"),
            (&model.request.headers, "headers", "HEADERS"),
            (&model.request.body, "request-body", "REQUEST_BODY"),
        ] {
            if slot.is_some() {
                let ident = format_ident!("{ident}");
                let path = format!("../schemas/{op}.{suffix}.json");
                let doc = format!(" The schema of the request's {suffix}.");
                consts.push(quote! { #[doc = #doc] pub const #ident: &str = include_str!(#path); });
            }
        }
        let arms = model.responses.iter().map(|response| {
            let code = response.code;
            let path = format!("../schemas/{op}.response.{code}.json");
            quote! { #code => ::core::option::Option::Some(include_str!(#path)), }
        });
        let doc = format!(" Schemas of `{op}`.");
        quote! {
            #[doc = #doc]
            pub mod #module {
                #(#consts)*

                /// The schema of the response body for a documented status.
                pub fn response(status: u16) -> ::core::option::Option<&'static str> {
                    match status {
                        #(#arms)*
                        _ => ::core::option::Option::None,
                    }
                }
            }
        }
    });
    quote! {
        //! JSON Schemas (draft 2020-12) of every request part, response and object type, and the
        //! OpenAPI 3.1 document, as committed under `schemas/` and `openapi.json`.

        /// One committed schema file.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct SchemaFile {
            /// `Operation.part` (`ListAppConnection.request-body`, `.response.200`) or an
            /// object's name.
            pub name: &'static str,
            /// The schema document.
            pub json: &'static str,
        }

        /// Every schema file, in the order the spec gives them.
        pub const ALL: &[SchemaFile] = &[#(#all),*];

        /// The OpenAPI 3.1 document of every operation.
        pub const OPENAPI: &str = include_str!("../openapi.json");

        /// What `schemars` derives from each file's type; the committed files must equal it.
        #[cfg(feature = "schemars")]
        pub fn derived() -> ::std::vec::Vec<(&'static str, ::schemars::Schema)> {
            ::std::vec![#(#derived),*]
        }

        /// The schema file of this name, if any.
        pub fn find(name: &str) -> ::core::option::Option<&'static SchemaFile> {
            ALL.iter().find(|file| file.name == name)
        }

        #(#modules)*
    }
}

fn lib_module(models: &[OperationModel<'_>]) -> TokenStream {
    let mut doc = String::from(
        "Request, response and error types of the API, generated from `spec/`.\n\n\
         Each operation has a module; its types are also re-exported here.\n",
    );
    for model in models {
        let op = &model.spec.operation;
        let _ = write!(
            doc,
            "\n- [`{}`]: `{} {}`: {}.",
            model.module, op.method, op.uri, op.title
        );
    }
    doc.push_str(
        "\n\n[`runtime`] holds the hand-written types the generated code builds on; [`schemas`] \
         the JSON Schemas and the OpenAPI document.",
    );
    let doc_attrs = doc.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #![doc = #line] }
    });
    let modules = models.iter().map(|model| {
        let module = format_ident!("{}", model.module);
        quote! {
            #[rustfmt::skip]
            pub mod #module;
            pub use #module::*;
        }
    });
    quote! {
        #(#doc_attrs)*
        #![forbid(unsafe_code)]
        #![deny(missing_docs)]

        pub mod runtime;
        // Generated modules keep prettyplease's layout: `cargo fmt` leaves them alone, so
        // `cargo xtask codegen --check` and the formatter never disagree.
        #[rustfmt::skip]
        pub mod schemas;

        #(#modules)*
    }
}
