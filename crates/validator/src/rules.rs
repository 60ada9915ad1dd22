//! The catalogue of checks. Each rule has a stable id (used in every output format, in SARIF as
//! `ruleId`), a default severity and a one-line title.

use std::fmt;

use serde::Serialize;

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information: skipped bodies, downgraded findings of rejected requests.
    Note,
    /// Suspicious but allowed by the page (undocumented fields, unknown query parameters).
    Warning,
    /// A break of the documented contract.
    Error,
}

impl Severity {
    /// Lower-case name, as written in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $sev:ident, $title:literal; )*) => {
        /// One check of the validator.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in catalogue order (the order of SARIF's `rules` array).
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable id, e.g. `response.body.type`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// Severity before `--strict` and before the 4xx downgrade.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$sev,)* }
            }

            /// One line saying what the rule checks.
            pub fn title(self) -> &'static str {
                match self { $(Rule::$variant => $title,)* }
            }
        }
    };
}

rules! {
    /// A capture entry (HAR entry, NDJSON line) that cannot be read as an HTTP exchange.
    InputUnreadable = "input.unreadable", Error, "The capture entry cannot be read as an HTTP exchange";
    /// `project_id` in the path is not a project id.
    RequestProjectId = "request.project-id", Error, "project_id in the path has the shape of a project ID (32 hex digits)";
    /// A documented query parameter breaks its type or range.
    RequestQueryConstraint = "request.query.constraint", Error, "Query parameters have the documented type and range";
    /// A query parameter the page does not document.
    RequestQueryUnknown = "request.query.unknown", Warning, "Query parameters are documented ones";
    /// The request body is not declared as JSON.
    RequestContentType = "request.content-type", Error, "The request Content-Type is JSON";
    /// Neither a token nor an AK/SK signature.
    RequestAuth = "request.auth", Error, "The request carries X-Auth-Token or an SDK-HMAC-SHA256 Authorization signature";
    /// The request body is not JSON text.
    RequestBodyNotJson = "request.body.not-json", Error, "The request body is JSON";
    /// A request body value has the wrong JSON type.
    RequestBodyType = "request.body.type", Error, "Request body values have the documented types";
    /// A request body value outside its enumeration.
    RequestBodyEnum = "request.body.enum", Error, "Request body values are among the documented choices";
    /// A request body value that breaks its format (times).
    RequestBodyFormat = "request.body.format", Error, "Request body values have the documented format";
    /// Any other request body schema violation.
    RequestBodySchema = "request.body.schema", Error, "The request body matches its schema";
    /// A field of the request body the page does not document.
    RequestBodyUndocumented = "request.body.undocumented", Warning, "Request body fields are documented ones";
    /// The request body could not be judged (absent, truncated, undecodable).
    RequestBodySkipped = "request.body.skipped", Note, "The request body was captured whole";
    /// The status code is not one the page documents.
    ResponseStatus = "response.status", Error, "The response status is a documented one";
    /// The response body is not declared as JSON.
    ResponseContentType = "response.content-type", Error, "The response Content-Type is JSON";
    /// The response body is not JSON text.
    ResponseBodyNotJson = "response.body.not-json", Error, "The response body is JSON";
    /// A response body value has the wrong JSON type.
    ResponseBodyType = "response.body.type", Error, "Response body values have the documented types";
    /// A response body value that breaks its format (times).
    ResponseBodyFormat = "response.body.format", Error, "Response body values have the documented format";
    /// A response number out of its range.
    ResponseBodyRange = "response.body.range", Error, "Response numbers are in their documented range";
    /// An error body without its error code.
    ResponseBodyErrorCode = "response.body.error-code", Error, "An error response carries error_code";
    /// Any other response body schema violation.
    ResponseBodySchema = "response.body.schema", Error, "The response body matches the schema of its status";
    /// A field of the response body the page does not document.
    ResponseBodyUndocumented = "response.body.undocumented", Warning, "Response body fields are documented ones";
    /// The response (or its body) could not be judged (absent, truncated, undecodable).
    ResponseBodySkipped = "response.body.skipped", Note, "The response body was captured whole";
    /// More items than the request's limit allowed.
    ExchangeItemsOverLimit = "exchange.items-over-limit", Error, "A page holds at most `limit` items (default 10)";
    /// The total is smaller than the records the page already shows.
    ExchangeCountInconsistent = "exchange.count-inconsistent", Error, "count is at least offset + number of items";
    /// The server accepted a request that breaks the contract.
    ExchangeAcceptedInvalid = "exchange.accepted-invalid", Error, "A request that breaks the contract is not answered with 2xx";
    /// The server rejected the request; its request findings are notes.
    ExchangeRejected = "exchange.rejected", Note, "A request the server rejected with 4xx is not judged further";
}

impl Rule {
    /// Finds a rule by its id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// Rules whose findings `--strict` turns into errors.
    pub fn is_forward_compatibility(self) -> bool {
        matches!(
            self,
            Rule::RequestQueryUnknown
                | Rule::RequestBodyUndocumented
                | Rule::ResponseBodyUndocumented
        )
    }

    /// Findings about the request itself (downgraded when the server answered 4xx).
    pub fn is_about_request(self) -> bool {
        self.id().starts_with("request.") && self != Rule::RequestBodySkipped
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut ids: Vec<_> = Rule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        }
    }
}
