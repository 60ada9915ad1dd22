//! A builder for the request body's filters, with typed times.

use serde_json::Value;
use time::OffsetDateTime;
use workspaceapp_model::ListAppConnectionRequestBody;
use workspaceapp_model::runtime::{self, DateTime, FieldInfo, TimeForm};

use crate::error::Error;

/// Names of the time forms, as [`parse_time_form`] reads them and [`time_form_name`] writes them.
pub const TIME_FORM_NAMES: &[(&str, TimeForm)] = &[
    ("utc", TimeForm::Utc),
    ("offset", TimeForm::Offset),
    ("plain", TimeForm::Plain),
];

/// `utc` (`2025-04-24T16:00:00Z`), `offset` (`2025-04-24T16:00:00+00:00`) or `plain`
/// (`2022-10-31 08:07:39`).
///
/// # Errors
/// [`Error::InvalidArgument`] for any other name.
pub fn parse_time_form(name: &str) -> Result<TimeForm, Error> {
    TIME_FORM_NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "unknown time form {name:?}: use utc, offset or plain"
            ))
        })
}

/// The name of a time form (see [`parse_time_form`]).
pub fn time_form_name(form: TimeForm) -> &'static str {
    TIME_FORM_NAMES
        .iter()
        .find(|(_, f)| *f == form)
        .map_or("utc", |(n, _)| n)
}

/// Writes `t` in `form`: converted to UTC, to the second (fractions are dropped so that all
/// three forms name the same instant).
///
/// # Errors
/// [`Error::InvalidArgument`] for years the wire forms cannot hold (before year 0).
pub fn format_time(form: TimeForm, t: OffsetDateTime) -> Result<DateTime, Error> {
    let t = t.to_offset(time::UtcOffset::UTC);
    if !(0..=9999).contains(&t.year()) {
        return Err(Error::InvalidArgument(format!(
            "time {t} is outside the years 0000-9999"
        )));
    }
    let t = t.replace_nanosecond(0).unwrap_or(t);
    Ok(DateTime::from_offset_date_time_in(t, form))
}

/// Builds the request body (the filters) of `ListAppConnection`.
///
/// Typed setters cover the times; any field can be set through [`Filter::with`] (typed, on the
/// generated body) or [`Filter::set`] (by wire name and text, checked against the model).
///
/// ```
/// use time::macros::datetime;
/// use workspaceapp_client::{Filter, TimeForm};
/// use workspaceapp_client::model::ClientType;
///
/// let body = Filter::new()
///     .with(|b| b.user_name = Some("alice".into()))
///     .with(|b| b.client_type = Some(ClientType::Windows))
///     .brokering_between(datetime!(2025-04-24 00:00 UTC), datetime!(2025-04-25 00:00 UTC))?
///     .build();
/// assert_eq!(body.brokering_start_time.unwrap().as_str(), "2025-04-24T00:00:00Z");
///
/// let body = Filter::new()
///     .time_format(TimeForm::Plain)
///     .set("brokering_start_time", "2025-04-24T08:00:00+08:00")?
///     .build();
/// assert_eq!(body.brokering_start_time.unwrap().as_str(), "2025-04-24 00:00:00");
/// # Ok::<(), workspaceapp_client::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    body: ListAppConnectionRequestBody,
    time_format: TimeForm,
}

impl From<ListAppConnectionRequestBody> for Filter {
    fn from(body: ListAppConnectionRequestBody) -> Self {
        Self {
            body,
            time_format: TimeForm::default(),
        }
    }
}

impl From<Filter> for ListAppConnectionRequestBody {
    fn from(filter: Filter) -> Self {
        filter.body
    }
}

/// The body fields that carry times, from the model's metadata.
pub fn time_fields() -> impl Iterator<Item = &'static FieldInfo> {
    ListAppConnectionRequestBody::FIELDS
        .iter()
        .filter(|f| f.format == Some(runtime::DATETIME_FORMAT))
}

impl Filter {
    /// No filter: every record.
    pub fn new() -> Self {
        Self::default()
    }

    /// How the typed time setters and [`Filter::set`] write times (default RFC 3339 with `Z`).
    /// Times set before keep their form.
    pub fn time_format(mut self, format: TimeForm) -> Self {
        self.time_format = format;
        self
    }

    /// Changes the generated body directly.
    pub fn with(mut self, change: impl FnOnce(&mut ListAppConnectionRequestBody)) -> Self {
        change(&mut self.body);
        self
    }

    /// Only records whose application login is at or after `start`.
    ///
    /// # Errors
    /// As [`format_time`].
    pub fn brokering_start(mut self, start: OffsetDateTime) -> Result<Self, Error> {
        self.body.brokering_start_time = Some(format_time(self.time_format, start)?);
        Ok(self)
    }

    /// Only records whose application login is at or before `end`.
    ///
    /// # Errors
    /// As [`format_time`].
    pub fn brokering_end(mut self, end: OffsetDateTime) -> Result<Self, Error> {
        self.body.brokering_end_time = Some(format_time(self.time_format, end)?);
        Ok(self)
    }

    /// Both bounds of the login time.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `end` is before `start`, or as [`format_time`].
    pub fn brokering_between(
        self,
        start: OffsetDateTime,
        end: OffsetDateTime,
    ) -> Result<Self, Error> {
        if end < start {
            return Err(Error::InvalidArgument(format!(
                "end time {end} is before start time {start}"
            )));
        }
        self.brokering_start(start)?.brokering_end(end)
    }

    /// Records of one UTC day: from `day` 00:00:00 to the next day 00:00:00.
    ///
    /// # Errors
    /// As [`Filter::brokering_between`].
    pub fn day(self, day: time::Date) -> Result<Self, Error> {
        let start = day.midnight().assume_utc();
        let end = start + time::Duration::DAY;
        self.brokering_between(start, end)
    }

    /// Sets one body field by its wire name from text, checked by the model: times in any of
    /// the three accepted forms (rewritten in the chosen [`TimeForm`]), enumerations only with
    /// a documented value. An empty `value` clears the field.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the field for an unknown field or a rejected value.
    pub fn set(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let field = ListAppConnectionRequestBody::FIELDS
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = ListAppConnectionRequestBody::FIELDS
                    .iter()
                    .map(|f| f.name)
                    .collect();
                Error::InvalidArgument(format!(
                    "unknown filter {name:?}; known filters: {}",
                    known.join(", ")
                ))
            })?;
        let mut object = match serde_json::to_value(&self.body) {
            Ok(Value::Object(map)) => map,
            Ok(_) | Err(_) => {
                return Err(Error::InvalidArgument(
                    "the request body is not a JSON object".into(),
                ));
            }
        };
        if value.is_empty() {
            object.remove(field.name);
        } else {
            let json = if field.format == Some(runtime::DATETIME_FORMAT) {
                let parsed = DateTime::parse(value.trim()).map_err(|e| {
                    Error::InvalidArgument(format!(
                        "{name}: {e} (use 2022-10-31 08:07:39, 2025-04-24T16:00:00Z or 2025-04-24T16:00:00+00:00)"
                    ))
                })?;
                Value::String(
                    format_time(self.time_format, parsed.to_offset_date_time())?
                        .as_str()
                        .to_owned(),
                )
            } else {
                text_to_json(field, value)?
            };
            object.insert(field.name.to_owned(), json);
        }
        self.body = serde_json::from_value(Value::Object(object))
            .map_err(|e| Error::InvalidArgument(format!("{name}: {e}")))?;
        Ok(self)
    }

    /// The body built so far.
    pub fn body(&self) -> &ListAppConnectionRequestBody {
        &self.body
    }

    /// The finished body.
    pub fn build(self) -> ListAppConnectionRequestBody {
        self.body
    }
}

fn text_to_json(field: &FieldInfo, value: &str) -> Result<Value, Error> {
    let bad =
        |what: &str| Error::InvalidArgument(format!("{}: {value:?} is not {what}", field.name));
    Ok(match field.type_word {
        "Integer" | "Long" => {
            Value::from(value.trim().parse::<i64>().map_err(|_| bad("an integer"))?)
        }
        "Number" | "Float" | "Double" => {
            Value::from(value.trim().parse::<f64>().map_err(|_| bad("a number"))?)
        }
        "Boolean" => Value::from(
            value
                .trim()
                .parse::<bool>()
                .map_err(|_| bad("true or false"))?,
        ),
        _ => Value::String(value.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn three_forms() {
        let t = datetime!(2022-10-31 16:07:39.5 +08:00);
        let got: Vec<String> = TIME_FORM_NAMES
            .iter()
            .map(|(_, f)| format_time(*f, t).unwrap().as_str().to_owned())
            .collect();
        assert_eq!(
            got,
            [
                "2022-10-31T08:07:39Z",
                "2022-10-31T08:07:39+00:00",
                "2022-10-31 08:07:39"
            ]
        );
        for (name, form) in TIME_FORM_NAMES {
            assert_eq!(parse_time_form(name).unwrap(), *form);
            assert_eq!(time_form_name(*form), *name);
        }
        assert!(parse_time_form("iso").is_err());
        assert!(format_time(TimeForm::Utc, datetime!(-0001-01-01 00:00 UTC)).is_err());
    }

    #[test]
    fn day_is_a_utc_day() {
        let body = Filter::new().day(date!(2025 - 04 - 24)).unwrap().build();
        assert_eq!(
            body.brokering_start_time.unwrap().as_str(),
            "2025-04-24T00:00:00Z"
        );
        assert_eq!(
            body.brokering_end_time.unwrap().as_str(),
            "2025-04-25T00:00:00Z"
        );
    }

    #[test]
    fn set_checks_against_the_model() {
        let f = Filter::new()
            .set("user_name", "alice")
            .unwrap()
            .set("client_type", "Mac")
            .unwrap()
            .set("brokering_end_time", "2022-10-31 08:07:39")
            .unwrap();
        let json = serde_json::to_value(f.body()).unwrap();
        assert_eq!(json["user_name"], "alice");
        assert_eq!(json["client_type"], "Mac");
        assert_eq!(json["brokering_end_time"], "2022-10-31T08:07:39Z");
        let err = f
            .clone()
            .set("client_type", "Linux")
            .unwrap_err()
            .to_string();
        assert!(err.contains("client_type"), "{err}");
        let err = f
            .clone()
            .set("brokering_start_time", "yesterday")
            .unwrap_err()
            .to_string();
        assert!(err.contains("brokering_start_time"), "{err}");
        let err = f.clone().set("no_such_field", "x").unwrap_err().to_string();
        assert!(err.contains("known filters"), "{err}");
        let cleared = f.set("user_name", "").unwrap();
        assert_eq!(cleared.body().user_name, None);
    }

    #[test]
    fn end_before_start_is_refused() {
        assert!(
            Filter::new()
                .brokering_between(
                    datetime!(2025-04-25 00:00 UTC),
                    datetime!(2025-04-24 00:00 UTC)
                )
                .is_err()
        );
    }

    #[test]
    fn the_model_has_two_time_fields() {
        assert_eq!(time_fields().count(), 2);
    }
}
