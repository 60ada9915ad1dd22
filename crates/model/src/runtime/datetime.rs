use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::ConstraintError;

/// The JSON Schema format name of a time in any of the forms [`DateTime`] accepts.
pub const DATETIME_FORMAT: &str = "huaweicloud-datetime";

/// Whether `value` is a time in an accepted form: the checker behind [`DATETIME_FORMAT`].
pub fn is_datetime(value: &str) -> bool {
    parse(value).is_some()
}

/// The wire forms of a time that Huawei Cloud services read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TimeForm {
    /// `2025-04-24T16:00:00Z`: RFC 3339 in UTC, as the page's example sends it.
    #[default]
    Utc,
    /// `2025-04-24T16:00:00+00:00`: RFC 3339 with a numeric offset, as the Python SDK sends it.
    Offset,
    /// `2022-10-31 08:07:39`: the page's prose form, in UTC.
    Plain,
}

/// A time as it travels: the exact text received (or chosen), and the instant it names.
///
/// Reading accepts all three forms of [`TimeForm`] (fractions of a second too); a value
/// without an offset is UTC. The text is kept as is, so a value read and written again is
/// unchanged on the wire.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    wire: String,
    at: OffsetDateTime,
}

impl DateTime {
    /// Reads a time in any accepted form.
    pub fn parse(value: &str) -> Result<Self, ConstraintError> {
        let at = parse(value).ok_or_else(|| ConstraintError::NotATime {
            value: value.to_owned(),
        })?;
        Ok(Self {
            wire: value.to_owned(),
            at,
        })
    }

    /// Writes an instant in the default form, RFC 3339 in UTC (`...Z`).
    pub fn from_offset_date_time(at: OffsetDateTime) -> Self {
        Self::from_offset_date_time_in(at, TimeForm::Utc)
    }

    /// Writes an instant in the chosen form, converted to UTC first.
    pub fn from_offset_date_time_in(at: OffsetDateTime, form: TimeForm) -> Self {
        let at = at.to_offset(UtcOffset::UTC);
        let plain = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
        let offset = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
        let wire = match form {
            TimeForm::Utc => at.format(&Rfc3339),
            TimeForm::Offset => at.format(offset),
            TimeForm::Plain => at.format(plain),
        }
        // Every in-range instant formats; the fallback is unreachable for values of `time`.
        .unwrap_or_else(|_| at.unix_timestamp().to_string());
        Self { wire, at }
    }

    /// The text as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.wire
    }

    /// The instant.
    pub fn to_offset_date_time(&self) -> OffsetDateTime {
        self.at
    }
}

fn parse(value: &str) -> Option<OffsetDateTime> {
    if value.contains('T') {
        // RFC 3339 demands an offset (`Z` or `+hh:mm`), which rules out a bare `...T08:07:39`.
        return OffsetDateTime::parse(value, &Rfc3339).ok();
    }
    let plain = format_description!(
        version = 2,
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    PrimitiveDateTime::parse(value, plain)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({:?})", self.wire)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.wire)
    }
}

impl std::str::FromStr for DateTime {
    type Err = ConstraintError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl From<OffsetDateTime> for DateTime {
    fn from(at: OffsetDateTime) -> Self {
        Self::from_offset_date_time(at)
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.wire)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for DateTime {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DateTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": DATETIME_FORMAT })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_three_forms_name_the_same_instant() {
        let forms = [
            "2025-04-24 16:00:00",
            "2025-04-24T16:00:00Z",
            "2025-04-24T16:00:00+00:00",
        ];
        for form in forms {
            let parsed = DateTime::parse(form).unwrap();
            assert_eq!(
                parsed.to_offset_date_time(),
                datetime!(2025-04-24 16:00:00 UTC),
                "{form}"
            );
            assert_eq!(parsed.as_str(), form, "the wire text is kept");
        }
    }

    #[test]
    fn offsets_and_fractions_are_read() {
        let t = DateTime::parse("2025-04-25T00:00:00.5+08:00").unwrap();
        assert_eq!(
            t.to_offset_date_time(),
            datetime!(2025-04-24 16:00:00.5 UTC)
        );
        assert!(is_datetime("2022-10-31 08:07:39.123"));
    }

    #[test]
    fn what_is_no_time_is_refused() {
        for value in [
            "",
            "yesterday",
            "2025-04-24",
            "2025-04-24T16:00:00",
            "2025-13-01T00:00:00Z",
            "2025-04-24 16:00:00Z",
            "2025-02-30 00:00:00",
            " 2025-04-24T16:00:00Z",
        ] {
            assert!(DateTime::parse(value).is_err(), "{value:?}");
        }
    }

    #[test]
    fn each_form_is_written_as_chosen() {
        let at = datetime!(2025-04-25 00:00:00 +08:00);
        assert_eq!(
            DateTime::from_offset_date_time(at).as_str(),
            "2025-04-24T16:00:00Z"
        );
        let offset = DateTime::from_offset_date_time_in(at, TimeForm::Offset);
        assert_eq!(offset.as_str(), "2025-04-24T16:00:00+00:00");
        let plain = DateTime::from_offset_date_time_in(at, TimeForm::Plain);
        assert_eq!(plain.as_str(), "2025-04-24 16:00:00");
    }

    #[test]
    fn serde_keeps_the_wire_text() {
        let t: DateTime = serde_json::from_str("\"2025-04-24T16:00:00+00:00\"").unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2025-04-24T16:00:00+00:00\""
        );
        assert!(serde_json::from_str::<DateTime>("\"soon\"").is_err());
    }
}
