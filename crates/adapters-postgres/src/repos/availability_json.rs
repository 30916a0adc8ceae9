//! A TA's weekly hours and date overrides as JSON, in the shape of the HTTP API
//! (`[{"weekday":1,"start":"09:00","end":"17:00"}]`,
//! `[{"date":"2026-12-24","intervals":[{"start":"10:00","end":"12:00"}]}]`), so that an operator
//! reading the table sees what clients send. Reading goes back through `Availability::parse`:
//! a stored value the domain would refuse is reported, never half-read.

use domain::availability::{Availability, RawAvailability, RawOverride, RawRange, RawWeeklyHours, TimeRange};
use domain::shared::UserId;
use serde_json::{Map, Value, json};

fn range(r: &TimeRange) -> Value {
    json!({ "start": r.start().to_string(), "end": r.end().to_string() })
}

/// `weekly` as a JSON array, ISO weekdays (Monday = 1).
pub(super) fn weekly(a: &Availability) -> Value {
    let entries = a.weekly().iter().map(|w| {
        json!({
            "weekday": w.weekday.number_from_monday(),
            "start": w.range.start().to_string(),
            "end": w.range.end().to_string(),
        })
    });
    Value::Array(entries.collect())
}

/// `overrides` as a JSON array; a day off has empty `intervals`.
pub(super) fn overrides(a: &Availability) -> Value {
    let entries = a.overrides().iter().map(|o| {
        json!({
            "date": o.date.format("%Y-%m-%d").to_string(),
            "intervals": o.ranges.iter().map(range).collect::<Vec<_>>(),
        })
    });
    Value::Array(entries.collect())
}

/// The availability stored as `timezone`, `weekly` and `overrides`.
///
/// # Errors
/// A description of what is malformed.
pub(super) fn parse(ta: UserId, timezone: &str, weekly: &Value, overrides: &Value) -> Result<Availability, String> {
    let raw = RawAvailability {
        timezone: timezone.to_owned(),
        weekly: array(weekly, "weekly")?.iter().map(raw_weekly).collect::<Result<_, _>>()?,
        overrides: array(overrides, "overrides")?.iter().map(raw_override).collect::<Result<_, _>>()?,
    };
    Availability::parse(ta, &raw).map_err(|e| e.to_string())
}

fn raw_weekly(v: &Value) -> Result<RawWeeklyHours, String> {
    let o = object(v, "a weekly entry")?;
    let weekday = o.get("weekday").and_then(Value::as_i64).ok_or("a weekly entry without an integer weekday")?;
    Ok(RawWeeklyHours { weekday, start: text(o, "start")?, end: text(o, "end")? })
}

fn raw_override(v: &Value) -> Result<RawOverride, String> {
    let o = object(v, "an override")?;
    let intervals = o.get("intervals").ok_or("an override without intervals")?;
    let intervals = array(intervals, "intervals")?
        .iter()
        .map(|r| {
            let r = object(r, "an interval")?;
            Ok(RawRange { start: text(r, "start")?, end: text(r, "end")? })
        })
        .collect::<Result<_, String>>()?;
    Ok(RawOverride { date: text(o, "date")?, intervals })
}

fn array<'a>(v: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array().ok_or_else(|| format!("{what} is not an array"))
}

fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object().ok_or_else(|| format!("{what} is not an object"))
}

fn text(o: &Map<String, Value>, key: &str) -> Result<String, String> {
    o.get(key).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| format!("`{key}` is not a string"))
}
