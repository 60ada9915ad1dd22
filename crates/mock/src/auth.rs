//! Who may call: `X-Auth-Token` tokens and AK/SK signatures, each allowed for some projects.

use std::collections::HashMap;
use std::fmt;

use axum::http::request::Parts;
use workspaceapp_aksk::{Credentials, HttpRequestView, VerifyOptions};
use workspaceapp_model::runtime::Secret;

use crate::error::ApiError;

/// Name of the token header: the secret row of the page's request header table.
pub const TOKEN_HEADER: &str = token_header();

const fn token_header() -> &'static str {
    let fields = workspaceapp_model::ListAppConnectionHeaders::FIELDS;
    let mut i = 0;
    while i < fields.len() {
        if fields[i].secret {
            return fields[i].name;
        }
        i += 1;
    }
    panic!("the spec's request header table has no secret (token) row")
}

/// The projects a credential may use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Projects {
    /// The server's default projects ([`crate::MockConfig::project_ids`]).
    #[default]
    Default,
    /// Any project.
    Any,
    /// These projects only.
    Only(Vec<String>),
}

impl Projects {
    fn allows(&self, defaults: &[String], project: &str) -> bool {
        match self {
            Projects::Default => defaults.is_empty() || defaults.iter().any(|p| p == project),
            Projects::Any => true,
            Projects::Only(list) => list.iter().any(|p| p == project),
        }
    }
}

/// A token the server accepts in `X-Auth-Token`.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenGrant {
    /// The token.
    pub token: Secret,
    /// Where it may be used.
    pub projects: Projects,
}

impl fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenGrant")
            .field("token", &"***")
            .field("projects", &self.projects)
            .finish()
    }
}

/// An AK/SK pair whose signatures the server accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyGrant {
    /// The key pair (its `Debug` masks both).
    pub credentials: Credentials,
    /// Where it may be used.
    pub projects: Projects,
}

/// The authentication settings of a server.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Accepted tokens. When empty, any non-empty token is accepted for the default projects.
    pub tokens: Vec<TokenGrant>,
    /// Accepted AK/SK pairs.
    pub keys: Vec<KeyGrant>,
    /// Largest accepted distance between `X-Sdk-Date` and the server clock.
    pub max_clock_skew: time::Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            tokens: Vec::new(),
            keys: Vec::new(),
            max_clock_skew: workspaceapp_aksk::DEFAULT_MAX_SKEW,
        }
    }
}

/// How a request authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// With an `X-Auth-Token`.
    Token,
    /// With an AK/SK signature; the access key.
    AccessKey(String),
}

/// Checks requests against an [`AuthConfig`].
#[derive(Debug, Clone)]
pub(crate) struct Authenticator {
    tokens: Vec<TokenGrant>,
    keys: Vec<Credentials>,
    key_projects: HashMap<String, Projects>,
    options: VerifyOptions,
    default_projects: Vec<String>,
}

impl Authenticator {
    pub(crate) fn new(config: &AuthConfig, default_projects: Vec<String>) -> Self {
        Authenticator {
            tokens: config.tokens.clone(),
            keys: config.keys.iter().map(|k| k.credentials.clone()).collect(),
            key_projects: config
                .keys
                .iter()
                .map(|k| (k.credentials.access_key().to_owned(), k.projects.clone()))
                .collect(),
            options: VerifyOptions {
                // The SDKs send `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` for non-JSON bodies, and
                // the gateway accepts it; such a request then gets the 415 it deserves.
                allow_unsigned_payload: true,
                ..VerifyOptions::default().max_skew(config.max_clock_skew)
            },
            default_projects,
        }
    }

    /// 401 when the request carries no valid credential, 403 when the credential may not use
    /// `project`. A token wins over a signature when both are sent.
    pub(crate) fn authenticate(
        &self,
        parts: &Parts,
        body: &[u8],
        project: &str,
    ) -> Result<Principal, ApiError> {
        let token = parts
            .headers
            .get(TOKEN_HEADER)
            .map(|v| v.to_str().unwrap_or_default())
            .filter(|v| !v.is_empty());
        let (principal, projects) = if let Some(token) = token {
            let projects = if self.tokens.is_empty() {
                Projects::Default
            } else {
                self.tokens
                    .iter()
                    .find(|g| constant_time_eq(g.token.expose().as_bytes(), token.as_bytes()))
                    .map(|g| g.projects.clone())
                    .ok_or_else(|| ApiError::unauthorized("The X-Auth-Token is not valid."))?
            };
            (Principal::Token, projects)
        } else if parts
            .headers
            .contains_key(workspaceapp_aksk::HEADER_AUTHORIZATION)
        {
            let view = HttpRequestView::new(parts, body);
            let verified = workspaceapp_aksk::verify(&self.keys, &view.view(), &self.options)
                .map_err(|e| {
                    ApiError::unauthorized(format!("AK/SK authentication failed: {e}."))
                })?;
            let ak = verified.access_key().to_owned();
            let projects = self.key_projects.get(&ak).cloned().unwrap_or_default();
            (Principal::AccessKey(ak), projects)
        } else {
            return Err(ApiError::unauthorized(format!(
                "Authentication required: send an {TOKEN_HEADER} header or sign the request with AK/SK."
            )));
        };
        if !projects.allows(&self.default_projects, project) {
            return Err(ApiError::forbidden(format!(
                "The credential is not allowed to access project {project}."
            )));
        }
        Ok(principal)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
