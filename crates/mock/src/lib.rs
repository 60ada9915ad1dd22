//! Reference server for Huawei Cloud Workspace App `ListAppConnection`
//! (`POST /v1/{project_id}/session/app-connection`), for tests, demos and offline development.
//!
//! It answers from a seeded synthetic data set or from records read from a JSON / NDJSON file,
//! applies the documented body filters (fuzzy where the spec says so), the brokering time
//! bounds, newest-first order and `offset`/`limit` paging, and answers the documented errors
//! with `{error_code, error_msg}` bodies. Every answer carries a fresh `X-Request-Id`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), workspaceapp_mock::ServeError> {
//! let server = workspaceapp_mock::spawn(
//!     workspaceapp_mock::MockConfig::new()
//!         .project_id("0123456789abcdef0123456789abcdef")
//!         .synthetic(500, 7)
//!         .access_key("AK", "SK"),
//! )
//! .await?;
//! println!("listening on {}", server.url());
//! server.shutdown().await.ok();
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auth;
pub mod config;
pub mod dataset;
pub mod error;
pub mod query;
mod server;

pub use auth::{AuthConfig, KeyGrant, Principal, Projects, TokenGrant};
pub use config::{
    DEFAULT_BODY_LIMIT, DEFAULT_PORT, FAULT_HEADER, FaultConfig, MockConfig, RecordSource,
};
pub use dataset::{DEFAULT_PROJECT_ID, LoadError, SyntheticSpec, generate, load_file};
pub use error::ApiError;
pub use query::{Dataset, Filter};
pub use server::{
    MockState, REQUEST_ID_HEADER, RunningServer, ServeError, ShutdownHandle, fresh_request_id,
    router, spawn, spawn_on,
};
