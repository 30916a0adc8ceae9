//! Scalars clients write as text in bodies and query strings: UUIDs and RFC 3339 instants,
//! refused as `validation_failed` naming the field (a format rule, not a JSON type error).

use chrono::{DateTime, Utc};
use domain::shared::InvalidValue;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Number;
use uuid::Uuid;

/// A UUID as an id of type `I`.
///
/// # Errors
/// When the text is not a UUID.
pub fn id<I: From<Uuid>>(raw: &str) -> Result<I, InvalidValue> {
    Uuid::parse_str(raw.trim()).map(I::from).map_err(|_| InvalidValue::new("must be a UUID"))
}

/// An RFC 3339 instant with any offset, as UTC.
///
/// # Errors
/// When the text is not an RFC 3339 date-time.
pub fn instant(raw: &str) -> Result<DateTime<Utc>, InvalidValue> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| InvalidValue::new("must be an RFC 3339 date-time, e.g. 2026-12-01T10:00:00Z"))
}

/// An integer as JSON Schema reads one: `60` and `60.0` alike (the document's `type: integer`
/// admits any number with a zero fractional part; serde's `i64` refuses `60.0`).
///
/// # Errors
/// When the value is not a number with an integral value in `i64`'s range.
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let number = Number::deserialize(deserializer)?;
    integral(&number).ok_or_else(|| D::Error::custom(format!("invalid value: number `{number}`, expected an integer")))
}

/// [`integer`] for an optional field (absent or `null` is `None`); use with `#[serde(default)]`.
///
/// # Errors
/// As [`integer`].
pub fn optional_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Option::<Number>::deserialize(deserializer)?
        .map(|number| {
            integral(&number)
                .ok_or_else(|| D::Error::custom(format!("invalid value: number `{number}`, expected an integer")))
        })
        .transpose()
}

#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss, reason = "range and fraction checked first")]
fn integral(number: &Number) -> Option<i64> {
    number.as_i64().or_else(|| {
        number.as_f64().filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64).map(|f| f as i64)
    })
}

#[cfg(test)]
mod tests {
    use domain::shared::CourseId;

    use super::*;

    #[test]
    fn ids_and_instants_parse_or_are_refused() {
        let uuid = Uuid::now_v7();
        assert_eq!(id::<CourseId>(&uuid.to_string()).unwrap(), CourseId::from(uuid));
        assert!(id::<CourseId>("nope").is_err());
        assert_eq!(instant("2026-12-01T11:00:00+01:00").unwrap().to_rfc3339(), "2026-12-01T10:00:00+00:00");
        assert!(instant("2026-12-01 10:00").is_err());
    }

    #[derive(Debug, serde::Deserialize)]
    struct Counts {
        #[serde(deserialize_with = "integer")]
        n: i64,
        #[serde(default, deserialize_with = "optional_integer")]
        m: Option<i64>,
    }

    #[test]
    fn integers_with_a_zero_fraction_are_integers() {
        let read = |json: &str| serde_json::from_str::<Counts>(json).map(|c| (c.n, c.m));
        assert_eq!(read(r#"{"n": 60}"#).unwrap(), (60, None));
        assert_eq!(read(r#"{"n": 60.0, "m": -3.0}"#).unwrap(), (60, Some(-3)));
        assert_eq!(read(r#"{"n": 1e2, "m": null}"#).unwrap(), (100, None));
        for bad in [r#"{"n": 60.5}"#, r#"{"n": "60"}"#, r#"{"n": 1e300}"#, r#"{"n": 9223372036854775808}"#] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
