//! Filtering and paging of records, driven by the generated field metadata.
//!
//! A request body field narrows the result to records whose field of the same wire name matches:
//! case-insensitive substring for fields the spec marks as fuzzy, the OS family for enum fields
//! (`Windows` matches `Windows 10` and `Windows 11`), exact equality for the rest. An empty string
//! does not filter. Time fields named `X_start_time` / `X_end_time` bound the record field
//! `X_time`, both ends inclusive.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use workspaceapp_model::runtime::{DateTime, FieldInfo};
use workspaceapp_model::{AppConnectionInfo, ListAppConnectionRequestBody};

/// How a request field is compared with the record field of the same wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// Equal strings.
    Exact,
    /// Case-insensitive substring.
    Fuzzy,
    /// Equal, or the record value starts with the request value followed by a space
    /// (`Windows` matches `Windows 11`).
    Family,
}

/// One string condition of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Wire name of the field, the same in the request and in the record.
    pub field: String,
    /// Value asked for.
    pub value: String,
    /// How it is compared.
    pub kind: MatchKind,
    lowered: String,
}

/// A time bound: the record field `field` must be at or after (`lower`) / at or before the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeBound {
    /// Wire name of the record's time field.
    pub field: String,
    /// Lower (`true`, from a `*_start_time` field) or upper bound.
    pub lower: bool,
    /// The bound.
    pub at: OffsetDateTime,
}

/// The conditions of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// String conditions.
    pub terms: Vec<Term>,
    /// Time bounds.
    pub bounds: Vec<TimeBound>,
}

/// The request body could not be turned into a filter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

fn field_info<'a>(fields: &'a [FieldInfo], wire: &str) -> Option<&'a FieldInfo> {
    fields.iter().find(|f| f.name == wire)
}

/// Whether the spec metadata marks a field as fuzzy-matched.
fn is_fuzzy(info: &FieldInfo) -> bool {
    info.fuzzy
}

/// Whether the field holds a time.
fn is_time(info: &FieldInfo) -> bool {
    info.format
        .is_some_and(|f| f == workspaceapp_model::runtime::DATETIME_FORMAT)
}

/// Request body fields whose JSON Schema restricts them to an `enum` of values.
static ENUM_FIELDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let schema: Value =
        serde_json::from_str(workspaceapp_model::schemas::list_app_connection::REQUEST_BODY)
            .unwrap_or(Value::Null);
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .filter(|(_, p)| has_enum(&schema, p, 0))
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default()
});

/// Whether a schema node restricts values to an `enum`, following local `$ref`s and
/// `anyOf` / `oneOf` / `allOf` branches (a nullable enum is `anyOf: [{$ref}, {type: null}]`).
fn has_enum(root: &Value, node: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if node.get("enum").is_some_and(Value::is_array) {
        return true;
    }
    if let Some(target) = node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| root.pointer(pointer))
        && has_enum(root, target, depth + 1)
    {
        return true;
    }
    ["anyOf", "oneOf", "allOf"].iter().any(|key| {
        node.get(*key)
            .and_then(Value::as_array)
            .is_some_and(|branches| branches.iter().any(|b| has_enum(root, b, depth + 1)))
    })
}

/// Whether the field is a closed set of values (an `enum` in the request body's schema).
fn is_enum(info: &FieldInfo) -> bool {
    ENUM_FIELDS.iter().any(|name| name == info.name)
}

/// The record field bounded by a request time field: `brokering_start_time` -> (`brokering_time`,
/// lower), `brokering_end_time` -> (`brokering_time`, upper).
pub fn bounded_field(request_field: &str) -> Option<(String, bool)> {
    if let Some(stem) = request_field.strip_suffix("_start_time") {
        Some((format!("{stem}_time"), true))
    } else {
        request_field
            .strip_suffix("_end_time")
            .map(|stem| (format!("{stem}_time"), false))
    }
}

impl Filter {
    /// The filter of a request body.
    pub fn from_body(body: &ListAppConnectionRequestBody) -> Result<Filter, FilterError> {
        let value = serde_json::to_value(body)
            .map_err(|e| FilterError(format!("cannot read the request body: {e}")))?;
        let Value::Object(map) = value else {
            return Err(FilterError("the request body is not an object".into()));
        };
        let mut filter = Filter::default();
        for (name, value) in map {
            let text = match value {
                Value::Null => continue,
                Value::String(s) => s,
                other => other.to_string(),
            };
            if text.is_empty() {
                continue;
            }
            let info = field_info(ListAppConnectionRequestBody::FIELDS, &name);
            if info.is_some_and(is_time) {
                let Some((field, lower)) = bounded_field(&name) else {
                    return Err(FilterError(format!(
                        "{name}: no record field is bounded by this time"
                    )));
                };
                let at = DateTime::parse(&text)
                    .map_err(|e| FilterError(format!("{name}: {e}")))?
                    .to_offset_date_time();
                filter.bounds.push(TimeBound { field, lower, at });
                continue;
            }
            let kind = match info {
                Some(info) if is_fuzzy(info) => MatchKind::Fuzzy,
                Some(info) if is_enum(info) => MatchKind::Family,
                _ => MatchKind::Exact,
            };
            filter.terms.push(Term {
                lowered: text.to_lowercase(),
                field: name,
                value: text,
                kind,
            });
        }
        Ok(filter)
    }

    /// Whether a record (its JSON object and parsed times) passes every condition.
    pub fn matches(&self, record: &Map<String, Value>) -> bool {
        self.terms.iter().all(|term| {
            let Some(actual) = record.get(&term.field).and_then(Value::as_str) else {
                return false;
            };
            match term.kind {
                MatchKind::Exact => actual == term.value,
                MatchKind::Fuzzy => actual.to_lowercase().contains(&term.lowered),
                MatchKind::Family => {
                    actual == term.value
                        || actual
                            .strip_prefix(term.value.as_str())
                            .is_some_and(|rest| rest.starts_with(' '))
                }
            }
        }) && self.bounds.iter().all(|bound| {
            let Some(at) = record
                .get(&bound.field)
                .and_then(Value::as_str)
                .and_then(|s| DateTime::parse(s).ok())
                .map(|t| t.to_offset_date_time())
            else {
                return false;
            };
            if bound.lower {
                at >= bound.at
            } else {
                at <= bound.at
            }
        })
    }
}

/// The values of one record field across the data set, prepared once so that a query neither
/// allocates nor parses per record.
#[derive(Debug, Clone, Default)]
struct Column {
    /// The field's string values.
    text: Vec<Option<String>>,
    /// Lower-cased values, for fields the request matches fuzzily.
    lowered: Option<Vec<Option<String>>>,
    /// Parsed times, for fields the request bounds.
    times: Option<Vec<Option<OffsetDateTime>>>,
}

/// The records a server answers from, newest login first, with a column per filtered field.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    records: Vec<AppConnectionInfo>,
    columns: HashMap<String, Column>,
}

/// The wire name of the record time the answer is ordered by, newest first: the time the
/// request's time filters bound (`brokering_time`), as the page's example orders it.
pub fn order_field() -> Option<String> {
    ListAppConnectionRequestBody::FIELDS
        .iter()
        .filter(|info| is_time(info))
        .find_map(|info| bounded_field(info.name))
        .map(|(field, _)| field)
}

/// One condition of a filter, resolved against a data set's columns.
enum Check<'a> {
    Exact(&'a [Option<String>], &'a str),
    Fuzzy(&'a [Option<String>], &'a str),
    Family(&'a [Option<String>], &'a str),
    Bound(&'a [Option<OffsetDateTime>], &'a TimeBound),
    Never,
}

fn parse_time(value: Option<&Value>) -> Option<OffsetDateTime> {
    value
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse(s).ok())
        .map(|t| t.to_offset_date_time())
}

impl Check<'_> {
    fn passes(&self, row: usize) -> bool {
        match *self {
            Check::Exact(column, value) => column[row].as_deref() == Some(value),
            Check::Fuzzy(lowered, value) => lowered[row]
                .as_deref()
                .is_some_and(|actual| actual.contains(value)),
            Check::Family(column, value) => column[row].as_deref().is_some_and(|actual| {
                actual == value
                    || actual
                        .strip_prefix(value)
                        .is_some_and(|rest| rest.starts_with(' '))
            }),
            Check::Bound(times, bound) => times[row].is_some_and(|at| {
                if bound.lower {
                    at >= bound.at
                } else {
                    at <= bound.at
                }
            }),
            Check::Never => false,
        }
    }
}

impl Dataset {
    /// Prepares records: orders them newest first by [`order_field`] (records without a
    /// readable time go last, in their given order) and builds a column for every field a
    /// request can filter on.
    pub fn new(records: Vec<AppConnectionInfo>) -> Self {
        let order = order_field().unwrap_or_default();
        let mut rows: Vec<(
            Option<OffsetDateTime>,
            AppConnectionInfo,
            Map<String, Value>,
        )> = records
            .into_iter()
            .map(|record| {
                let json = match serde_json::to_value(&record) {
                    Ok(Value::Object(map)) => map,
                    _ => Map::new(),
                };
                (parse_time(json.get(&order)), record, json)
            })
            .collect();
        // Newest first; `None` sorts below every time, so it lands last. The sort is stable.
        rows.sort_by_key(|row| std::cmp::Reverse(row.0));

        let mut columns: HashMap<String, Column> = HashMap::new();
        for info in ListAppConnectionRequestBody::FIELDS {
            if is_time(info) {
                if let Some((field, _)) = bounded_field(info.name) {
                    let column = columns.entry(field.clone()).or_default();
                    column.times = Some(rows.iter().map(|r| parse_time(r.2.get(&field))).collect());
                }
                continue;
            }
            let text: Vec<Option<String>> = rows
                .iter()
                .map(|r| {
                    r.2.get(info.name)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect();
            let lowered = is_fuzzy(info).then(|| {
                text.iter()
                    .map(|v| v.as_deref().map(str::to_lowercase))
                    .collect()
            });
            let column = columns.entry(info.name.to_owned()).or_default();
            column.text = text;
            column.lowered = lowered;
        }
        Dataset {
            records: rows.into_iter().map(|r| r.1).collect(),
            columns,
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// All records, in answer order.
    pub fn records(&self) -> impl Iterator<Item = &AppConnectionInfo> {
        self.records.iter()
    }

    fn plan<'a>(&'a self, filter: &'a Filter) -> Vec<Check<'a>> {
        let terms = filter.terms.iter().map(|term| {
            let Some(column) = self.columns.get(&term.field) else {
                return Check::Never;
            };
            if column.text.len() != self.records.len() {
                return Check::Never;
            }
            match term.kind {
                MatchKind::Exact => Check::Exact(&column.text, &term.value),
                MatchKind::Fuzzy => match &column.lowered {
                    Some(lowered) => Check::Fuzzy(lowered, &term.lowered),
                    None => Check::Never,
                },
                MatchKind::Family => Check::Family(&column.text, &term.value),
            }
        });
        let bounds = filter.bounds.iter().map(|bound| {
            match self
                .columns
                .get(&bound.field)
                .and_then(|c| c.times.as_ref())
            {
                Some(times) => Check::Bound(times, bound),
                None => Check::Never,
            }
        });
        terms.chain(bounds).collect()
    }

    /// The matching records: their total number and the page `offset..offset+limit`.
    pub fn query(
        &self,
        filter: &Filter,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<AppConnectionInfo>) {
        let checks = self.plan(filter);
        if checks.is_empty() {
            let page = self
                .records
                .iter()
                .skip(offset)
                .take(limit)
                .cloned()
                .collect();
            return (self.records.len(), page);
        }
        let mut count = 0usize;
        let mut page = Vec::new();
        for (row, record) in self.records.iter().enumerate() {
            if checks.iter().all(|check| check.passes(row)) {
                if count >= offset && page.len() < limit {
                    page.push(record.clone());
                }
                count += 1;
            }
        }
        (count, page)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn answers_are_ordered_by_the_time_the_filters_bound() {
        assert_eq!(order_field().as_deref(), Some("brokering_time"));
    }

    use super::*;
    use workspaceapp_model::ClientType;

    fn record(user: &str, app: &str, client_type: &str, time: &str) -> AppConnectionInfo {
        AppConnectionInfo {
            user_name: Some(user.into()),
            app_name: Some(app.into()),
            client_type: Some(client_type.into()),
            brokering_time: Some(time.into()),
            failed_code: Some(String::new()),
            ..Default::default()
        }
    }

    fn sample() -> Dataset {
        Dataset::new(vec![
            record(
                "Li.Na@x",
                "Office-Word",
                "Windows 10",
                "2025-05-01T08:00:00Z",
            ),
            record("Wang.Wei@x", "Office-Excel", "Mac", "2025-05-03T08:00:00Z"),
            record(
                "li.wei@x",
                "Design-Visio",
                "Windows 11",
                "2025-05-02T08:00:00Z",
            ),
            record("Nobody@x", "Design-Visio", "Windows 11", "not a time"),
        ])
    }

    #[test]
    fn newest_first_and_unreadable_times_last() {
        let d = sample();
        let times: Vec<_> = d
            .records()
            .map(|r| r.brokering_time.clone().unwrap_or_default())
            .collect();
        assert_eq!(
            times,
            [
                "2025-05-03T08:00:00Z",
                "2025-05-02T08:00:00Z",
                "2025-05-01T08:00:00Z",
                "not a time"
            ]
        );
    }

    #[test]
    fn fuzzy_exact_and_family() {
        let d = sample();
        let body = ListAppConnectionRequestBody {
            user_name: Some("LI.".into()),
            ..Default::default()
        };
        assert_eq!(d.query(&Filter::from_body(&body).unwrap(), 0, 10).0, 2);

        let body = ListAppConnectionRequestBody {
            client_type: Some(ClientType::Windows),
            ..Default::default()
        };
        assert_eq!(d.query(&Filter::from_body(&body).unwrap(), 0, 10).0, 3);

        let body = ListAppConnectionRequestBody {
            failed_code: Some(String::new()),
            machine_name: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(d.query(&Filter::from_body(&body).unwrap(), 0, 10).0, 4);
    }

    #[test]
    fn time_bounds_are_inclusive() {
        let d = sample();
        let body = ListAppConnectionRequestBody {
            brokering_start_time: Some(DateTime::parse("2025-05-01 08:00:00").unwrap()),
            brokering_end_time: Some(DateTime::parse("2025-05-02T08:00:00+00:00").unwrap()),
            ..Default::default()
        };
        let (count, page) = d.query(&Filter::from_body(&body).unwrap(), 0, 10);
        assert_eq!(count, 2);
        assert_eq!(page[0].user_name.as_deref(), Some("li.wei@x"));
    }

    #[test]
    fn paging_counts_all_matches() {
        let d = sample();
        let (count, page) = d.query(&Filter::default(), 1, 2);
        assert_eq!(count, 4);
        assert_eq!(page.len(), 2);
        let (count, page) = d.query(&Filter::default(), 10, 2);
        assert_eq!((count, page.len()), (4, 0));
    }

    #[test]
    fn the_schema_marks_client_type_as_an_enum() {
        let info = field_info(ListAppConnectionRequestBody::FIELDS, "client_type").unwrap();
        assert!(is_enum(info));
        let info = field_info(ListAppConnectionRequestBody::FIELDS, "user_name").unwrap();
        assert!(!is_enum(info) && is_fuzzy(info));
    }

    #[test]
    fn columns_agree_with_the_record_predicate() {
        let records = crate::dataset::generate(&crate::dataset::SyntheticSpec {
            records: 400,
            ..Default::default()
        });
        let dataset = Dataset::new(records.clone());
        let bodies = [
            serde_json::json!({}),
            serde_json::json!({"user_name": records[3].user_name.as_deref().unwrap()[..3].to_uppercase()}),
            serde_json::json!({"app_name": "office-", "client_type": "Windows"}),
            serde_json::json!({"client_type": "Mac", "failed_code": "500"}),
            serde_json::json!({"app_group_name": "Design", "brokering_end_time": "2025-05-10 00:00:00"}),
            serde_json::json!({"brokering_start_time": "2025-05-01T00:00:00+08:00"}),
            serde_json::json!({"machine_name": records[7].machine_name, "tenant_id": records[7].tenant_id}),
        ];
        let mut nonempty = 0;
        for body in bodies {
            let parsed: ListAppConnectionRequestBody =
                serde_json::from_value(body.clone()).unwrap();
            let filter = Filter::from_body(&parsed).unwrap();
            let expected: Vec<&AppConnectionInfo> = dataset
                .records()
                .filter(|r| match serde_json::to_value(r).unwrap() {
                    Value::Object(map) => filter.matches(&map),
                    _ => false,
                })
                .collect();
            let (count, page) = dataset.query(&filter, 0, usize::MAX);
            assert_eq!(count, expected.len(), "{body}");
            assert_eq!(page.iter().collect::<Vec<_>>(), expected, "{body}");
            nonempty += usize::from(count > 0);
        }
        assert!(nonempty >= 6, "{nonempty}");
    }

    #[test]
    fn every_time_field_of_the_request_bounds_a_record_field() {
        for info in ListAppConnectionRequestBody::FIELDS
            .iter()
            .filter(|f| is_time(f))
        {
            let (field, _) = bounded_field(info.name).unwrap();
            assert!(
                AppConnectionInfo::FIELDS.iter().any(|f| f.name == field),
                "{field}"
            );
        }
    }
}
