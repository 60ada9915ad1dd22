//! The checks: one call per exchange, no shared mutable state, so exchanges can be checked on
//! any thread.

use std::collections::HashMap;

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;
use workspaceapp_model::{
    ListAppConnectionPath, ListAppConnectionQuery, ListAppConnectionStatus, METHOD, URI_TEMPLATE,
    runtime,
};

use crate::Error;
use crate::exchange::{BodyView, ExchangeView, Headers, RequestView, ResponseView, UrlParts};
use crate::finding::{Finding, Part, Source, pointer_token};
use crate::mask;
use crate::meta;
use crate::rules::{Rule, Severity};
use crate::schemas::{CompiledSchema, Contract};
use crate::tape::{Tape, TapeNode};
use jsonschema::json::Node as _;

/// Settings that change verdicts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Undocumented fields and query parameters are errors instead of warnings.
    pub strict: bool,
}

/// What became of one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The exchange is a ListAppConnection call and was checked.
    Checked,
    /// Another operation: counted and listed, not judged.
    Unmatched {
        /// Method as captured.
        method: String,
        /// Path without query (query strings may hold secrets).
        path: String,
    },
    /// The entry could not be read; its one finding says why.
    Unreadable,
}

/// The result of checking one exchange.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Where it came from.
    pub source: Source,
    /// Checked, unmatched or unreadable.
    pub verdict: Verdict,
    /// Short title, e.g. `POST /v1/…/session/app-connection -> 200`.
    pub title: String,
    /// Findings, in check order.
    pub findings: Vec<Finding>,
}

impl Outcome {
    /// The most serious finding's severity.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Why a body could not be judged, if one could not.
    pub fn skip_reasons(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| matches!(f.rule, Rule::RequestBodySkipped | Rule::ResponseBodySkipped))
    }
}

/// Checks exchanges against the contract. Cheap to share: `&Engine` is all a thread needs.
pub struct Engine {
    contract: &'static Contract,
    options: Options,
    query_names: Vec<String>,
    token_headers: Vec<String>,
}

/// Human wording of the project's time format.
const DATETIME_EXPECTED: &str =
    "a time such as 2022-10-31 08:07:39, 2025-04-24T16:00:00Z or 2025-04-24T16:00:00+00:00";

impl Engine {
    /// An engine with the shared compiled contract.
    pub fn new(options: Options) -> Result<Self, Error> {
        let contract = Contract::shared()?;
        Ok(Self {
            contract,
            options,
            query_names: contract.query.property_names(),
            token_headers: contract.headers.property_names(),
        })
    }

    /// The settings.
    pub fn options(&self) -> Options {
        self.options
    }

    /// An entry that could not be read as an exchange.
    pub fn unreadable(&self, source: &Source, reason: &str) -> Outcome {
        Outcome {
            source: source.clone(),
            verdict: Verdict::Unreadable,
            title: "unreadable entry".into(),
            findings: vec![Finding::new(
                Rule::InputUnreadable,
                source,
                Part::Entry,
                "",
                "an HTTP exchange (HAR 1.2 entry)",
                mask::shorten(reason, 200),
            )],
        }
    }

    /// Checks one exchange.
    pub fn check(&self, exchange: &ExchangeView<'_>, source: &Source) -> Outcome {
        let mut title = String::new();
        let mut state = ExchangeState::default();
        let mut findings = Vec::new();

        if let Some(request) = &exchange.request {
            if let (Some(method), Some(url)) = (&request.method, &request.url) {
                let parts = UrlParts::parse(url);
                let path = ListAppConnectionPath::from_uri_path(parts.path);
                let Some(path) = path.filter(|_| method.eq_ignore_ascii_case(METHOD)) else {
                    return Outcome {
                        source: source.clone(),
                        verdict: Verdict::Unmatched {
                            method: method.to_string(),
                            path: mask::shorten(parts.path, 120),
                        },
                        title: format!("{method} {}", mask::shorten(parts.path, 120)),
                        findings,
                    };
                };
                title = format!("{METHOD} {}", mask::shorten(parts.path, 120));
                self.check_path(&path, source, &mut findings);
                state.query = self.check_query(parts.query, source, &mut findings);
            } else {
                title = "request body".into();
            }
            self.check_request_headers(request, source, &mut findings);
            self.check_request_body(request, source, &mut findings);
        }

        if let Some(response) = &exchange.response {
            if title.is_empty() {
                title = format!("response {}", response.status);
            } else {
                title.push_str(&format!(" -> {}", response.status));
            }
            state.status = Some(response.status);
            self.check_response(response, source, &mut state, &mut findings);
        }

        self.cross_check(&state, source, &mut findings);
        self.adjust_severities(&state, source, &mut findings);
        Outcome {
            source: source.clone(),
            verdict: Verdict::Checked,
            title,
            findings,
        }
    }

    fn check_path(
        &self,
        path: &ListAppConnectionPath,
        source: &Source,
        findings: &mut Vec<Finding>,
    ) {
        let id = path.project_id.as_str();
        let pointer = format!("/{}", meta::path_parameter());
        let expected = format!("project ID of 32 hexadecimal digits (template {URI_TEMPLATE})");
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            findings.push(Finding::new(
                Rule::RequestProjectId,
                source,
                Part::RequestPath,
                pointer,
                expected,
                format!("{:?}", mask::shorten(id, 60)),
            ));
            return;
        }
        // Whatever else the generated path schema says (e.g. a pattern).
        let object = Value::Object(
            [(
                meta::path_parameter().to_string(),
                Value::String(id.to_string()),
            )]
            .into_iter()
            .collect(),
        );
        if !self.contract.path.validator.is_valid(&object) {
            findings.push(Finding::new(
                Rule::RequestProjectId,
                source,
                Part::RequestPath,
                pointer,
                self.contract.path.describe_property(meta::path_parameter()),
                format!("{id:?}"),
            ));
        }
    }

    /// Checks every query parameter; returns the query made of the valid ones.
    fn check_query(
        &self,
        query: Option<&str>,
        source: &Source,
        findings: &mut Vec<Finding>,
    ) -> Option<ListAppConnectionQuery> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut valid: Vec<(&str, &str)> = Vec::new();
        for (name, value) in &pairs {
            let pointer = format!("/{}", pointer_token(name));
            if !self.query_names.iter().any(|k| k == name) {
                let shown = if mask::is_secret_name(name) {
                    mask::MASK.to_string()
                } else {
                    format!("{:?}", mask::shorten(value, 60))
                };
                findings.push(Finding::new(
                    Rule::RequestQueryUnknown,
                    source,
                    Part::RequestQuery,
                    pointer,
                    format!(
                        "only documented parameters ({})",
                        self.query_names.join(", ")
                    ),
                    format!("{} = {shown}", mask::shorten(name, 60)),
                ));
                continue;
            }
            let times = seen.entry(name.as_str()).or_default();
            *times += 1;
            if *times == 2 {
                findings.push(Finding::new(
                    Rule::RequestQueryConstraint,
                    source,
                    Part::RequestQuery,
                    pointer.clone(),
                    "the parameter at most once",
                    "given more than once",
                ));
            }
            let one = serde_urlencoded::to_string([(name, value)]).unwrap_or_default();
            match serde_urlencoded::from_str::<ListAppConnectionQuery>(&one) {
                Ok(_) => {
                    if *times == 1 {
                        valid.push((name, value));
                    }
                }
                Err(e) => findings.push(Finding::new(
                    Rule::RequestQueryConstraint,
                    source,
                    Part::RequestQuery,
                    pointer,
                    self.contract.query.describe_property(name),
                    format!("{:?} ({e})", mask::shorten(value, 60)),
                )),
            }
        }
        serde_urlencoded::to_string(&valid)
            .ok()
            .and_then(|q| serde_urlencoded::from_str(&q).ok())
    }

    fn check_request_headers(
        &self,
        request: &RequestView<'_>,
        source: &Source,
        findings: &mut Vec<Finding>,
    ) {
        let Some(headers) = &request.headers else {
            return;
        };
        // Content-Type: a body, or a header claiming one, must be JSON.
        // The header is what the server saw; the capture's mimeType stands in only when the
        // tool recorded no headers at all.
        let has_body = !matches!(request.body, BodyView::Absent(_));
        findings.extend(content_type_finding(
            headers,
            request.mime_type.as_deref(),
            has_body,
            (Rule::RequestContentType, Part::RequestHeaders),
            source,
        ));
        if let Some(f) = self.check_auth(headers, source) {
            findings.push(f);
        }
    }

    fn check_auth(&self, headers: &Headers<'_>, source: &Source) -> Option<Finding> {
        let token = self
            .token_headers
            .iter()
            .find_map(|name| headers.get(name).map(|v| (name, v)));
        if let Some((_, value)) = token
            && !value.trim().is_empty()
        {
            return None;
        }
        let expected = format!(
            "{} or an Authorization of the form SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…",
            self.token_headers.join(" / ")
        );
        let finding = |pointer: &str, found: String| {
            Some(Finding::new(
                Rule::RequestAuth,
                source,
                Part::RequestHeaders,
                pointer,
                expected.clone(),
                found,
            ))
        };
        let Some(authorization) = headers.get("authorization") else {
            return match token {
                Some((name, _)) => finding(&format!("/{name}"), "an empty token".into()),
                None => finding("", "neither header".into()),
            };
        };
        match parse_aksk(authorization) {
            Err(why) => finding(
                "/Authorization",
                format!(
                    "{} ({why})",
                    mask::header_value("Authorization", authorization)
                ),
            ),
            Ok(()) if headers.get("x-sdk-date").is_none() => Some(Finding::new(
                Rule::RequestAuth,
                source,
                Part::RequestHeaders,
                "/X-Sdk-Date",
                "X-Sdk-Date with the signing time (signed requests carry it)",
                "absent",
            )),
            Ok(()) => None,
        }
    }

    /// Checks the request body.
    fn check_request_body(
        &self,
        request: &RequestView<'_>,
        source: &Source,
        findings: &mut Vec<Finding>,
    ) {
        let bytes = match &request.body {
            BodyView::Bytes(b) => b,
            BodyView::Params(n) => {
                findings.push(Finding::new(
                    Rule::RequestBodyNotJson,
                    source,
                    Part::RequestBody,
                    "",
                    "a JSON object",
                    format!("{n} form parameters"),
                ));
                return;
            }
            other => {
                findings.push(skipped(
                    Rule::RequestBodySkipped,
                    source,
                    Part::RequestBody,
                    other,
                ));
                return;
            }
        };
        let value = match parse_body(bytes) {
            Ok(v) => v,
            Err(why) => {
                findings.push(Finding::new(
                    Rule::RequestBodyNotJson,
                    source,
                    Part::RequestBody,
                    "",
                    "a JSON object",
                    why,
                ));
                return;
            }
        };
        schema_findings(
            &self.contract.request_body,
            value.root(),
            Side::Request,
            source,
            findings,
        );
    }

    fn check_response(
        &self,
        response: &ResponseView<'_>,
        source: &Source,
        state: &mut ExchangeState,
        findings: &mut Vec<Finding>,
    ) {
        if response.status == 0 {
            findings.push(Finding::new(
                Rule::ResponseBodySkipped,
                source,
                Part::ResponseStatus,
                "",
                "a response",
                "none captured (status 0)",
            ));
            return;
        }
        let Some(status) = ListAppConnectionStatus::from_code(response.status) else {
            let documented: Vec<String> = ListAppConnectionStatus::ALL
                .iter()
                .map(|s| s.code().to_string())
                .collect();
            findings.push(Finding::new(
                Rule::ResponseStatus,
                source,
                Part::ResponseStatus,
                "",
                format!("one of {}", documented.join(", ")),
                response.status.to_string(),
            ));
            return;
        };
        if let Some(headers) = &response.headers {
            let has_body = matches!(&response.body, BodyView::Bytes(b) if !b.is_empty());
            findings.extend(content_type_finding(
                headers,
                response.mime_type.as_deref(),
                has_body,
                (Rule::ResponseContentType, Part::ResponseHeaders),
                source,
            ));
        }
        let bytes = match &response.body {
            BodyView::Bytes(b) => b,
            other => {
                findings.push(skipped(
                    Rule::ResponseBodySkipped,
                    source,
                    Part::ResponseBody,
                    other,
                ));
                return;
            }
        };
        let value = match parse_body(bytes) {
            Ok(v) => v,
            Err(why) => {
                let expected = format!("a JSON body ({})", status.description());
                findings.push(Finding::new(
                    Rule::ResponseBodyNotJson,
                    source,
                    Part::ResponseBody,
                    "",
                    expected,
                    why,
                ));
                return;
            }
        };
        let Some(schema) = self.contract.response(response.status) else {
            return;
        };
        let root = value.root();
        schema_findings(schema, root, Side::Response, source, findings);

        if status == ListAppConnectionStatus::Ok {
            // The page's totals, read by their generated wire names: the schema has already
            // judged their types, and a typed copy of every item would double the work.
            let count = root.get(meta::count_field()).and_then(|c| c.as_i64());
            let items = root.get(meta::items_field()).and_then(|i| i.array_len());
            if let Some(c) = count.filter(|c| *c < 0) {
                push_once(
                    findings,
                    Finding::new(
                        Rule::ResponseBodyRange,
                        source,
                        Part::ResponseBody,
                        format!("/{}", meta::count_field()),
                        ">= 0",
                        c.to_string(),
                    ),
                );
            }
            state.page = Some(Page { count, items });
        } else if root.as_object().is_some()
            && root
                .get(meta::error_code_field())
                .is_none_or(|code| code.null())
        {
            push_once(
                findings,
                Finding::new(
                    Rule::ResponseBodyErrorCode,
                    source,
                    Part::ResponseBody,
                    format!("/{}", meta::error_code_field()),
                    "an error code (the page: returned upon failure)",
                    "absent",
                ),
            );
        }
    }

    fn cross_check(&self, state: &ExchangeState, source: &Source, findings: &mut Vec<Finding>) {
        let (Some(query), Some(page)) = (&state.query, &state.page) else {
            return;
        };
        let limit_given = query.limit.is_some();
        let limit = i64::from(query.limit.unwrap_or_default().get());
        let offset = i64::from(query.offset.unwrap_or_default().get());
        let Some(items) = page.items else { return };
        let items = items as i64;
        if items > limit {
            let how = if limit_given {
                "the request's limit"
            } else {
                "the default limit"
            };
            findings.push(Finding::new(
                Rule::ExchangeItemsOverLimit,
                source,
                Part::Exchange,
                format!("/{}", meta::items_field()),
                format!(
                    "at most {limit} item{} ({how})",
                    if limit == 1 { "" } else { "s" }
                ),
                format!("{items} item{}", if items == 1 { "" } else { "s" }),
            ));
        }
        if let Some(count) = page.count
            && items > 0
            && count < offset + items
        {
            findings.push(Finding::new(
                Rule::ExchangeCountInconsistent,
                source,
                Part::Exchange,
                format!("/{}", meta::count_field()),
                format!(">= {} (offset {offset} + {items} items)", offset + items),
                count.to_string(),
            ));
        }
    }

    /// `--strict`, then: a contract-breaking request answered 2xx is a finding of its own; one
    /// answered 4xx has its request findings turned into notes.
    fn adjust_severities(
        &self,
        state: &ExchangeState,
        source: &Source,
        findings: &mut Vec<Finding>,
    ) {
        if self.options.strict {
            for f in findings
                .iter_mut()
                .filter(|f| f.rule.is_forward_compatibility())
            {
                f.severity = Severity::Error;
                f.note = Some("--strict".into());
            }
        }
        let Some(status) = state.status else { return };
        let mut broken: Vec<&'static str> = Vec::new();
        for f in findings
            .iter()
            .filter(|f| f.rule.is_about_request() && f.severity == Severity::Error)
        {
            if !broken.contains(&f.rule.id()) {
                broken.push(f.rule.id());
            }
        }
        if broken.is_empty() {
            return;
        }
        if (200..300).contains(&status) {
            findings.push(Finding::new(
                Rule::ExchangeAcceptedInvalid,
                source,
                Part::Exchange,
                "",
                format!(
                    "a 4xx answer to a request that breaks {}",
                    broken.join(", ")
                ),
                format!("status {status}"),
            ));
        } else if (400..500).contains(&status) {
            let note = format!("the server rejected the request with {status}");
            for f in findings.iter_mut().filter(|f| f.rule.is_about_request()) {
                f.severity = Severity::Note;
                f.note = Some(note.clone());
            }
            findings.push(Finding::new(
                Rule::ExchangeRejected,
                source,
                Part::Exchange,
                "",
                "request findings are not judged when the server rejected the request",
                format!("status {status} after {}", broken.join(", ")),
            ));
        }
    }
}

#[derive(Default)]
struct ExchangeState {
    query: Option<ListAppConnectionQuery>,
    status: Option<u16>,
    page: Option<Page>,
}

struct Page {
    count: Option<i64>,
    items: Option<usize>,
}

#[derive(Clone, Copy)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn part(self) -> Part {
        match self {
            Side::Request => Part::RequestBody,
            Side::Response => Part::ResponseBody,
        }
    }
}

fn push_once(findings: &mut Vec<Finding>, f: Finding) {
    if !findings
        .iter()
        .any(|g| g.rule == f.rule && g.pointer == f.pointer)
    {
        findings.push(f);
    }
}

fn skipped(rule: Rule, source: &Source, part: Part, body: &BodyView<'_>) -> Finding {
    let found = match body {
        BodyView::Absent(why) => format!("no body captured ({})", mask::shorten(why, 120)),
        BodyView::Truncated(why) => format!("truncated body ({})", mask::shorten(why, 120)),
        BodyView::Undecodable(why) => format!("undecodable body ({})", mask::shorten(why, 120)),
        BodyView::Params(_) | BodyView::Bytes(_) => "body".to_string(),
    };
    Finding::new(rule, source, part, "", "the whole body, to judge it", found)
}

/// Parses a body into a [`Tape`]; the error says why not, with its position.
pub(crate) fn parse_body(bytes: &[u8]) -> Result<Tape<'_>, String> {
    Tape::parse_slice(bytes).map_err(|e| match std::str::from_utf8(bytes) {
        Err(bad) => format!(
            "{} bytes, not UTF-8 text (invalid byte at offset {})",
            bytes.len(),
            bad.valid_up_to()
        ),
        Ok(text) if text.trim().is_empty() => "an empty body".to_string(),
        Ok(_) => format!("{} bytes, not JSON: {e}", bytes.len()),
    })
}

/// Parses a body as JSON; the error says why not, with its position.
#[cfg(test)]
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "{} bytes, not UTF-8 text (invalid byte at offset {})",
            bytes.len(),
            e.valid_up_to()
        )
    })?;
    if text.trim().is_empty() {
        return Err("an empty body".into());
    }
    serde_json::from_str(text).map_err(|e| format!("{} bytes, not JSON: {e}", bytes.len()))
}

fn is_json_media_type(value: &str) -> bool {
    let media = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// Checks the shape of an AK/SK `Authorization`: `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
fn parse_aksk(value: &str) -> Result<(), String> {
    let Some(params) = value.strip_prefix("SDK-HMAC-SHA256 ") else {
        return Err("not an SDK-HMAC-SHA256 signature".into());
    };
    let mut access = false;
    let mut signed = false;
    let mut signature = false;
    for part in params.split(',') {
        let Some((key, val)) = part.trim().split_once('=') else {
            continue;
        };
        let present = !val.trim().is_empty();
        match key.trim() {
            "Access" => access = present,
            "SignedHeaders" => signed = present,
            "Signature" => signature = present && val.trim().bytes().all(|b| b.is_ascii_hexdigit()),
            _ => {}
        }
    }
    let missing: Vec<&str> = [
        ("Access", access),
        ("SignedHeaders", signed),
        ("Signature (hex)", signature),
    ]
    .iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| *n)
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("missing {}", missing.join(", ")))
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Turns schema errors into findings.
fn schema_findings(
    schema: &CompiledSchema,
    value: TapeNode<'_>,
    side: Side,
    source: &Source,
    findings: &mut Vec<Finding>,
) {
    if schema.tape.is_valid(value) {
        return;
    }
    for error in schema.tape.iter_errors(value) {
        error_findings(&error, schema, side, source, findings);
    }
}

/// The types a branch of `anyOf` / `oneOf` rejected the value for, if it rejected it for its type.
fn branch_types(branch: &[ValidationError<'_>], at: &str) -> Option<Vec<String>> {
    let mut types = Vec::new();
    for e in branch.iter().filter(|e| e.instance_path().as_str() == at) {
        if let ValidationErrorKind::Type { kind } = e.kind() {
            match kind {
                TypeKind::Single(t) => types.push(t.to_string()),
                TypeKind::Multiple(set) => types.extend(set.iter().map(|t| t.to_string())),
            }
        }
    }
    if types.is_empty() { None } else { Some(types) }
}

/// One schema error as findings. Inside `anyOf` / `oneOf` the branch that accepts the value's
/// type is the one the value meant to match (so `"Linux"` for an optional enum is an enum
/// error, not "matches no branch"); when every branch rejects the type, it is a type error.
fn error_findings(
    error: &ValidationError<'_>,
    schema: &CompiledSchema,
    side: Side,
    source: &Source,
    findings: &mut Vec<Finding>,
) {
    let part = side.part();
    let pointer = error.instance_path().as_str().to_string();
    let instance = error.instance();
    let found = || {
        format!(
            "{} {}",
            type_name(instance),
            mask::json_value(&pointer, instance)
        )
    };
    let (rule, expected, found, pointer) = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            if let Some(branch) = context.iter().find(|b| branch_types(b, &pointer).is_none()) {
                for e in branch {
                    error_findings(e, schema, side, source, findings);
                }
                return;
            }
            let mut types: Vec<String> = context
                .iter()
                .filter_map(|b| branch_types(b, &pointer))
                .flatten()
                .collect();
            types.sort();
            types.dedup();
            (
                pick(side, Rule::RequestBodyType, Rule::ResponseBodyType),
                format!("one of types {}", types.join(", ")),
                found(),
                pointer.clone(),
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let rule = pick(
                side,
                Rule::RequestBodyUndocumented,
                Rule::ResponseBodyUndocumented,
            );
            for name in unexpected {
                let at = format!("{pointer}/{}", pointer_token(name));
                let field = instance.get(name).map_or_else(
                    || "?".into(),
                    |v| format!("{} {}", type_name(v), mask::json_value(&at, v)),
                );
                findings.push(Finding::new(
                    rule,
                    source,
                    part,
                    at,
                    format!("only fields documented in {}", schema.name),
                    field,
                ));
            }
            return;
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => format!("type {t}"),
                TypeKind::Multiple(set) => format!(
                    "one of types {}",
                    set.iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            (
                pick(side, Rule::RequestBodyType, Rule::ResponseBodyType),
                expected,
                found(),
                pointer.clone(),
            )
        }
        ValidationErrorKind::Enum { options } => (
            pick(side, Rule::RequestBodyEnum, Rule::ResponseBodySchema),
            format!("one of {options}"),
            found(),
            pointer.clone(),
        ),
        ValidationErrorKind::Format { format } => {
            let expected = if format == runtime::DATETIME_FORMAT {
                DATETIME_EXPECTED.to_string()
            } else {
                format!("format {format}")
            };
            (
                pick(side, Rule::RequestBodyFormat, Rule::ResponseBodyFormat),
                expected,
                found(),
                pointer.clone(),
            )
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let at = format!("{pointer}/{}", pointer_token(name));
            let rule = match side {
                Side::Response if pointer.is_empty() && name == meta::error_code_field() => {
                    Rule::ResponseBodyErrorCode
                }
                _ => pick(side, Rule::RequestBodySchema, Rule::ResponseBodySchema),
            };
            (rule, format!("property {name}"), "absent".to_string(), at)
        }
        ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. } => (
            pick(side, Rule::RequestBodySchema, Rule::ResponseBodyRange),
            error.masked().to_string(),
            found(),
            pointer.clone(),
        ),
        _ => (
            pick(side, Rule::RequestBodySchema, Rule::ResponseBodySchema),
            error.masked().to_string(),
            found(),
            pointer.clone(),
        ),
    };
    push_once(
        findings,
        Finding::new(rule, source, part, pointer, expected, found),
    );
}

fn pick(side: Side, request: Rule, response: Rule) -> Rule {
    match side {
        Side::Request => request,
        Side::Response => response,
    }
}

/// A body, or a header claiming one, must be JSON. The header is what the peer saw; the
/// capture's `mimeType` stands in only when the tool recorded no headers at all.
fn content_type_finding(
    headers: &Headers<'_>,
    mime_type: Option<&str>,
    has_body: bool,
    (rule, part): (Rule, Part),
    source: &Source,
) -> Option<Finding> {
    let recorded = if headers.0.is_empty() {
        mime_type
    } else {
        None
    };
    let declared = headers
        .get("content-type")
        .or(recorded)
        .filter(|v| !v.is_empty());
    let found = match declared {
        Some(v) if !is_json_media_type(v) => format!("{:?}", mask::shorten(v, 80)),
        None if has_body => "no Content-Type".to_owned(),
        _ => return None,
    };
    Some(Finding::new(
        rule,
        source,
        part,
        "/Content-Type",
        "application/json",
        found,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Findings of `value` against a schema written for the test (keywords the generated
    /// schemas do not use today, so that the catch-all rules are pinned down too).
    fn findings(schema: serde_json::Value, value: serde_json::Value, side: Side) -> Vec<Finding> {
        let compiled = CompiledSchema::compile("test", &schema.to_string()).expect("compiles");
        let mut out = Vec::new();
        let text = value.to_string();
        let tape = Tape::parse(&text).unwrap();
        schema_findings(&compiled, tape.root(), side, &Source::body("t"), &mut out);
        out
    }

    #[test]
    fn other_keywords_fall_to_the_schema_rules() {
        let schema =
            json!({"type": "object", "properties": {"a": {"type": "string", "maxLength": 2}}});
        let bad = findings(schema.clone(), json!({"a": "abc"}), Side::Request);
        assert_eq!(
            bad.iter().map(|f| f.rule).collect::<Vec<_>>(),
            [Rule::RequestBodySchema]
        );
        assert_eq!(bad[0].pointer, "/a");
        assert!(findings(schema.clone(), json!({"a": "ab"}), Side::Request).is_empty());
        let bad = findings(schema.clone(), json!({"a": "abc"}), Side::Response);
        assert_eq!(
            bad.iter().map(|f| f.rule).collect::<Vec<_>>(),
            [Rule::ResponseBodySchema]
        );
        assert!(findings(schema, json!({"a": "ab"}), Side::Response).is_empty());
    }

    #[test]
    fn response_times_are_checked_when_the_schema_gives_a_format() {
        let schema = json!({"type": "object", "properties": {"t": {"type": ["string", "null"], "format": runtime::DATETIME_FORMAT}}});
        let bad = findings(schema.clone(), json!({"t": "yesterday"}), Side::Response);
        assert_eq!(
            bad.iter().map(|f| f.rule).collect::<Vec<_>>(),
            [Rule::ResponseBodyFormat]
        );
        assert!(
            findings(
                schema.clone(),
                json!({"t": "2022-10-31 08:07:39"}),
                Side::Response
            )
            .is_empty()
        );
        assert!(findings(schema, json!({"t": null}), Side::Response).is_empty());
    }

    #[test]
    fn a_type_outside_every_branch_is_a_type_error() {
        let schema = json!({"type": "object", "properties": {"c": {"anyOf": [{"type": "string", "enum": ["A"]}, {"type": "null"}]}}});
        let bad = findings(schema.clone(), json!({"c": 5}), Side::Request);
        assert_eq!(
            bad.iter().map(|f| f.rule).collect::<Vec<_>>(),
            [Rule::RequestBodyType]
        );
        assert!(bad[0].expected.contains("null") && bad[0].expected.contains("string"));
        let bad = findings(schema, json!({"c": "B"}), Side::Request);
        assert_eq!(
            bad.iter().map(|f| f.rule).collect::<Vec<_>>(),
            [Rule::RequestBodyEnum]
        );
    }

    #[test]
    fn aksk_authorization_shapes() {
        assert!(parse_aksk("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=0a1b").is_ok());
        assert!(parse_aksk("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=zz").is_err());
        assert!(parse_aksk("SDK-HMAC-SHA256 Access=A, Signature=0a").is_err());
        assert!(parse_aksk("Bearer x").is_err());
    }

    #[test]
    fn bodies_that_are_not_json_say_where() {
        assert!(
            parse_json(b"{\"a\":")
                .unwrap_err()
                .contains("line 1 column 5")
        );
        assert!(parse_json(b"\xff\xfe").unwrap_err().contains("not UTF-8"));
        assert!(parse_json(b"  ").unwrap_err().contains("empty"));
        let deep = "[".repeat(100_000);
        assert!(
            parse_json(deep.as_bytes())
                .unwrap_err()
                .contains("recursion limit")
        );
    }
}
