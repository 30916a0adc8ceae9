//! Emails about a recurring series, one email for all its sessions: the confirmation of a
//! series booked (student and TA copies) and the cancellation of its remaining sessions. Each
//! shows the course, the TA and every session's time in the organization's zone, one line per
//! session (each converted on its own date, so a weekly 18:00 stays 18:00 across a DST switch).
//! Builds the template context: `series` (`course`, `ta`, `id`, `sessions`: one `when` per
//! session), `headline` (`10 sessions of Algebra I`, for subjects) and per kind
//! `audience`/`student`/`skipped` (each `when` and a readable `reason`), or `reason`/`refund`
//! (`refunded`, `cancelled`, `outcome`).

use domain::notifications::{Audience, SeriesDetails};
use minijinja::{Value, context};

use super::format::{count, instant, time_range};

/// The context both emails of a series have.
pub fn series_only(series: &SeriesDetails) -> Value {
    let zone = series.timezone;
    let sessions: Vec<String> = series.sessions.iter().map(|&(start, end)| time_range(start, end, zone)).collect();
    context! {
        series => context! {
            course => series.course_title.as_str(),
            ta => series.ta_name.as_str(),
            id => series.series_id.to_string(),
            sessions => sessions,
        },
        headline => format!("{} of {}", count(series.sessions.len(), "session"), series.course_title),
    }
}

/// Confirms a series, to the student who booked it (`audience` = `student`) or to the TA who
/// teaches it (`ta`, naming the `student`); `skipped` lists the occurrences not booked, each
/// with its start (`when`) and why (`reason`, worded for the reader).
pub fn series_confirmation(series: &SeriesDetails, audience: Audience, student_name: &str) -> Value {
    let zone = series.timezone;
    let skipped: Vec<Value> = series
        .skipped
        .iter()
        .map(|(at, code)| context! { when => instant(*at, zone), reason => skip_reason(code, audience) })
        .collect();
    let audience = match audience {
        Audience::Student => "student",
        Audience::Ta => "ta",
    };
    context! { audience => audience, student => student_name, skipped => skipped, ..series_only(series) }
}

/// Tells the student or the TA that the remaining sessions of a series were cancelled, with the
/// `reason` if one was given (trimmed; none when blank) and, for the student, how many of the
/// cancelled sessions' payments or bundle credits came back: `refund` is `refunded` of
/// `cancelled`, with `outcome` `all`, `some` or `none` (no `refund` for the TA).
pub fn series_cancellation(series: &SeriesDetails, reason: Option<&str>, refunded: Option<u32>) -> Value {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let cancelled = series.sessions.len();
    let refund = refunded.map(|refunded| {
        let outcome = if usize::try_from(refunded).is_ok_and(|n| n >= cancelled) {
            "all"
        } else if refunded == 0 {
            "none"
        } else {
            "some"
        };
        context! { refunded => refunded, cancelled => cancelled, outcome => outcome }
    });
    context! { reason => reason, refund => refund, ..series_only(series) }
}

/// Why an occurrence was not booked, from its error code, said to the student or to the TA.
pub fn skip_reason(code: &str, audience: Audience) -> &'static str {
    let to_ta = audience == Audience::Ta;
    match code {
        "ta_unavailable" if to_ta => "you already have another session at that time",
        "ta_unavailable" => "the TA already has another session at that time",
        "student_unavailable" if to_ta => "the student already has another session at that time",
        "student_unavailable" => "you already have another session at that time",
        "outside_ta_availability" if to_ta => "outside your available hours",
        "outside_ta_availability" => "outside the TA's available hours",
        "booking_too_soon" => "too soon to book: it starts within the minimum notice",
        "booking_too_far_ahead" => "too far ahead to book yet",
        "booking_in_past" => "already in the past",
        "bundle_expired" => "the bundle paying for the series has expired by then",
        "bundle_exhausted" => "the bundle paying for the series has no session left for it",
        _ => "it could not be booked",
    }
}
