//! Models the generator writes for the fixture specs under `fixtures/specs/`, compiled here so
//! that every kind of row the generator supports is proven to build, serialise and derive the
//! schema it emits.

#![allow(clippy::all)]

/// `fixtures/specs/create_widget.toml`.
pub mod create_widget {
    include!(concat!(env!("OUT_DIR"), "/create_widget.rs"));
}

/// `fixtures/specs/show_quota.toml`.
pub mod show_quota {
    include!(concat!(env!("OUT_DIR"), "/show_quota.rs"));
}
