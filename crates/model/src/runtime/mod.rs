//! Hand-written support for the generated code: the types the spec's rows map to when a plain
//! Rust type would lose something (a secret's privacy, a time's wire form), the constraint
//! error, field metadata and URI templates.

mod datetime;
mod secret;
mod template;

pub use datetime::{DATETIME_FORMAT, DateTime, TimeForm, is_datetime};
pub use secret::Secret;
pub use template::{fill_template, match_template, path_param};

/// A `JsonSchema` impl's schema from the generator's JSON text.
///
/// The text is written by `cargo xtask codegen` and checked by the schema tests, so a parse
/// failure is a generator bug, not bad input.
#[cfg(feature = "schemars")]
pub fn schema_from_json(json: &str) -> schemars::Schema {
    match serde_json::from_str(json) {
        Ok(schema) => schema,
        Err(error) => panic!("generated schema is not JSON ({error}): {json}"),
    }
}

/// One row of a table, as the spec gives it; every generated struct lists its rows in `FIELDS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldInfo {
    /// The name on the wire.
    pub name: &'static str,
    /// The Rust field holding it.
    pub rust_name: &'static str,
    /// The page's type words (`String`, `Array of AppConnectionInfo objects`).
    pub type_word: &'static str,
    /// The page's Mandatory column.
    pub mandatory: bool,
    /// Always present in a response body, as the page's prose says.
    pub required: bool,
    /// A filter matched as a case-insensitive substring.
    pub fuzzy: bool,
    /// The named string format, if any.
    pub format: Option<&'static str>,
    /// A credential, masked wherever it could be shown.
    pub secret: bool,
    /// The page's description.
    pub description: &'static str,
}

/// A value the page does not allow where it is strict.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// A number outside the page's range.
    #[error("`{field}` must be within {min}..={max}, got {value}")]
    OutOfRange {
        /// The wire name of the parameter.
        field: &'static str,
        /// The value given.
        value: String,
        /// The smallest valid value.
        min: String,
        /// The largest valid value.
        max: String,
    },
    /// Text where a number belongs.
    #[error("`{field}` must be a number, got {value:?}")]
    NotANumber {
        /// The wire name of the parameter.
        field: &'static str,
        /// The text given.
        value: String,
    },
    /// A value the page's enumeration does not list.
    #[error("{value:?} is not a valid {type_name}; expected one of {expected}")]
    NotInEnum {
        /// The generated enumeration.
        type_name: &'static str,
        /// The value given.
        value: String,
        /// The listed values, comma-separated.
        expected: String,
    },
    /// Text that is not a time in an accepted form.
    #[error(
        "{value:?} is not a time in an accepted form \
         (`2022-10-31 08:07:39`, `2025-04-24T16:00:00Z` or `2025-04-24T16:00:00+00:00`)"
    )]
    NotATime {
        /// The text given.
        value: String,
    },
}

impl ConstraintError {
    /// `field` was `value`, outside `min..=max`.
    pub fn out_of_range(
        field: &'static str,
        value: impl std::fmt::Display,
        min: impl std::fmt::Display,
        max: impl std::fmt::Display,
    ) -> Self {
        Self::OutOfRange {
            field,
            value: value.to_string(),
            min: min.to_string(),
            max: max.to_string(),
        }
    }

    /// `field` was `value`, which does not parse as a number.
    pub fn not_a_number(field: &'static str, value: &str) -> Self {
        Self::NotANumber {
            field,
            value: value.to_owned(),
        }
    }

    /// `value` is none of `expected`.
    pub fn not_in_enum(type_name: &'static str, value: &str, expected: &[&str]) -> Self {
        Self::NotInEnum {
            type_name,
            value: value.to_owned(),
            expected: expected.join(", "),
        }
    }
}
