//! Fixture models, generated at build time, live here.
