//! Async client for Huawei Cloud Workspace App `ListAppConnection`
//! (`POST /v1/{project_id}/session/app-connection?limit=&offset=`), built on the generated types
//! of [`workspaceapp_model`] (re-exported as [`model`]).
//!
//! * Endpoint from a region ([`region_endpoint`]) or an explicit URL; token or AK/SK
//!   authentication ([`workspaceapp_aksk`]); connect and total timeouts; bounded retries with
//!   exponential backoff and jitter on connection failures and 429/500/502/503/504 ([`RetryPolicy`]);
//!   proxies from the environment.
//! * [`Client::list`] for one page, [`Client::list_all`] for a stream of every record
//!   ([`Client::pages`] documents how paging proceeds).
//! * [`Filter`] builds the request body with typed times, written in the chosen [`TimeForm`].
//! * One error type, [`Error`]. Tokens, secret keys and signatures never appear in `Debug`
//!   output or errors.
//!
//! # All records of one day
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use workspaceapp_client::{Client, Credentials, Filter};
//!
//! # async fn run() -> Result<(), workspaceapp_client::Error> {
//! let client = Client::builder()
//!     .region("cn-north-4")
//!     .project_id("0123456789abcdef0123456789abcdef")
//!     .aksk(Credentials::new("MY-AK", "MY-SK"))
//!     .build()?;
//! let body = Filter::new().day(time::macros::date!(2025 - 04 - 24))?.build();
//! let records: Vec<_> = client.list_all(body).try_collect().await?;
//! println!("{} records", records.len());
//! # Ok(())
//! # }
//! ```
//!
//! # One page
//!
//! ```no_run
//! use workspaceapp_client::{Client, Filter};
//! use workspaceapp_client::model::{Limit, ListAppConnectionQuery, Offset};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .endpoint("http://127.0.0.1:8080")
//!     .project_id("0123456789abcdef0123456789abcdef")
//!     .token(std::env::var("HUAWEICLOUD_SDK_TOKEN")?)
//!     .build()?;
//! // A limit outside 1..=100 cannot be built: Limit::new(500) is an error.
//! let query = ListAppConnectionQuery { limit: Some(Limit::new(20)?), offset: Some(Offset::new(0)?) };
//! let body = Filter::new().with(|b| b.user_name = Some("alice".into())).build();
//! let page = client.list(&query, &body).await?;
//! println!("{} of {:?}", page.items.unwrap_or_default().len(), page.count);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod config;
mod error;
mod filter;
mod paging;
mod retry;

pub use client::{Client, REQUEST_ID_HEADER};
pub use config::{
    APPSTREAM_REGIONS, Auth, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, WORKSPACE_REGIONS, region_endpoint,
};
pub use error::{ConfigError, Error, MAX_KEPT_BODY};
pub use filter::{
    Filter, TIME_FORM_NAMES, format_time, parse_time_form, time_fields, time_form_name,
};
pub use paging::{Page, PageOptions};
pub use retry::{RETRY_STATUSES, RetryPolicy};
pub use workspaceapp_aksk::{Algorithm, Credentials};
/// The generated request and response types.
pub use workspaceapp_model as model;
pub use workspaceapp_model::runtime::TimeForm;
