//! Client configuration: endpoint, project, authentication, timeouts, retries.

use std::fmt;
use std::num::NonZeroUsize;
use std::time::Duration;

use workspaceapp_aksk::{Algorithm, Credentials};
use workspaceapp_model::runtime::Secret;

use crate::error::ConfigError;
use crate::retry::RetryPolicy;

/// Regions served at `https://appstream.{region}.myhuaweicloud.com`.
pub const APPSTREAM_REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-north-9",
    "cn-east-3",
    "cn-south-1",
    "cn-southwest-2",
];

/// Regions served at `https://workspace.{region}.myhuaweicloud.com`.
pub const WORKSPACE_REGIONS: &[&str] = &[
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "af-north-1",
    "la-north-2",
    "la-south-2",
    "sa-brazil-1",
    "me-east-1",
    "tr-west-1",
    "cn-east-5",
    "cn-north-11",
];

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, from sending to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The `User-Agent` sent unless another is configured.
pub const DEFAULT_USER_AGENT: &str = concat!("workspaceapp-client/", env!("CARGO_PKG_VERSION"));

/// The endpoint of a region, e.g. `https://appstream.cn-north-4.myhuaweicloud.com`.
///
/// # Errors
/// [`ConfigError::UnknownRegion`] for a region not in [`APPSTREAM_REGIONS`] or
/// [`WORKSPACE_REGIONS`].
pub fn region_endpoint(region: &str) -> Result<String, ConfigError> {
    if APPSTREAM_REGIONS.contains(&region) {
        Ok(format!("https://appstream.{region}.myhuaweicloud.com"))
    } else if WORKSPACE_REGIONS.contains(&region) {
        Ok(format!("https://workspace.{region}.myhuaweicloud.com"))
    } else {
        Err(ConfigError::UnknownRegion(
            region.chars().take(64).collect(),
        ))
    }
}

/// How requests authenticate.
#[derive(Clone)]
pub enum Auth {
    /// An IAM user token, sent as the operation's token header.
    Token(Secret),
    /// AK/SK request signing.
    AkSk {
        /// The key pair.
        credentials: Credentials,
        /// `SDK-HMAC-SHA256` (the SDK default) or the derived-key `V11-HMAC-SHA256`.
        algorithm: Algorithm,
    },
    /// No authentication (for local test servers).
    None,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Token(_) => f.write_str("Token(***)"),
            Auth::AkSk {
                credentials,
                algorithm,
            } => f
                .debug_struct("AkSk")
                .field("credentials", credentials)
                .field("algorithm", &algorithm.name())
                .finish(),
            Auth::None => f.write_str("None"),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum EndpointChoice {
    Region(String),
    Url(String),
}

/// Builds a [`crate::Client`]. Start with [`crate::Client::builder`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    pub(crate) endpoint: Option<EndpointChoice>,
    pub(crate) project_id: Option<String>,
    pub(crate) auth: Option<Auth>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) pages_in_flight: NonZeroUsize,
    pub(crate) proxy_from_env: Option<bool>,
    pub(crate) allow_http: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            endpoint: None,
            project_id: None,
            auth: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            pages_in_flight: NonZeroUsize::MIN,
            proxy_from_env: None,
            allow_http: false,
        }
    }
}

impl ClientBuilder {
    /// Uses the documented endpoint of `region` (checked when building).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.endpoint = Some(EndpointChoice::Region(region.into()));
        self
    }

    /// Uses an explicit endpoint URL such as `https://appstream.cn-north-4.myhuaweicloud.com`
    /// or `http://127.0.0.1:8080`. A path prefix is kept. Plain `http` is accepted for loopback
    /// hosts only, unless [`ClientBuilder::allow_http`] is set.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(EndpointChoice::Url(url.into()));
        self
    }

    /// The project id, filled into the request path (and signed as `X-Project-Id` with AK/SK).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Authenticates with an IAM user token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Token(Secret::from(token.into())));
        self
    }

    /// Authenticates by signing each request with an access key / secret key pair
    /// (`SDK-HMAC-SHA256`).
    pub fn aksk(mut self, credentials: Credentials) -> Self {
        self.auth = Some(Auth::AkSk {
            credentials,
            algorithm: Algorithm::SdkHmacSha256,
        });
        self
    }

    /// Sets the authentication explicitly (including [`Auth::None`]).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending the request to reading the whole answer
    /// (default 60 s). Retries each get this time again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Default number of pages [`crate::Client::list_all`] requests at once (default 1:
    /// one page after the other).
    pub fn pages_in_flight(mut self, pages: NonZeroUsize) -> Self {
        self.pages_in_flight = pages;
        self
    }

    /// Whether to honour `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (and the system proxy
    /// settings). Default: yes, except for loopback endpoints, which are always reached directly
    /// unless this is set to `true`.
    pub fn proxy_from_env(mut self, enabled: bool) -> Self {
        self.proxy_from_env = Some(enabled);
        self
    }

    /// Accepts a plain `http://` endpoint on a non-loopback host (tokens then travel in clear).
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming what is missing or invalid.
    pub fn build(self) -> Result<crate::Client, crate::Error> {
        crate::client::Client::from_builder(self)
    }
}
