//! Scalars clients write as text in bodies and query strings: UUIDs and RFC 3339 instants,
//! refused as `validation_failed` naming the field (a format rule, not a JSON type error).

use chrono::{DateTime, Utc};
use domain::shared::InvalidValue;
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
}
