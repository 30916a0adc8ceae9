//! Policy terms as columns: the nullable terms of an organization or a course (unset: the
//! level above), and a booking's copy of its effective policy.

use domain::booking::{BookingPolicy, LateOutcome, PolicyTerms};

/// A term's hours or count as a column value.
fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// The nullable columns of some terms: cancellation window, reschedule window, reschedules,
/// late cancellation, no-show.
pub(super) type TermColumns = (Option<i32>, Option<i32>, Option<i32>, Option<String>, Option<String>);

/// The columns of `terms`.
pub(super) fn term_columns(terms: &PolicyTerms) -> TermColumns {
    (
        terms.cancellation_window_hours.map(int),
        terms.reschedule_window_hours.map(int),
        terms.max_reschedules.map(int),
        terms.late_cancellation.map(|o| o.as_str().to_owned()),
        terms.no_show.map(|o| o.as_str().to_owned()),
    )
}

/// The terms stored in `columns`, or why a value is not one the domain accepts.
pub(super) fn terms_from(columns: TermColumns) -> Result<PolicyTerms, String> {
    let (cancel, reschedule, max, late, no_show) = columns;
    let count = |v: Option<i32>| v.map(u32::try_from).transpose().map_err(|e| e.to_string());
    let outcome = |v: Option<String>| v.as_deref().map(LateOutcome::parse).transpose().map_err(|e| e.to_string());
    Ok(PolicyTerms {
        cancellation_window_hours: count(cancel)?,
        reschedule_window_hours: count(reschedule)?,
        max_reschedules: count(max)?,
        late_cancellation: outcome(late)?,
        no_show: outcome(no_show)?,
    })
}

/// A booking's policy columns, in the order of [`policy_from`].
pub(super) fn policy_columns(p: &BookingPolicy) -> (i32, i32, i32, String, String) {
    (
        int(p.cancellation_window_hours),
        int(p.reschedule_window_hours),
        int(p.max_reschedules),
        p.late_cancellation.as_str().to_owned(),
        p.no_show.as_str().to_owned(),
    )
}

/// A booking's policy from its columns, or why a value is not one the domain accepts.
pub(super) fn policy_from(
    cancel: i32,
    reschedule: i32,
    max: i32,
    late: &str,
    no_show: &str,
) -> Result<BookingPolicy, String> {
    let count = |v: i32| u32::try_from(v).map_err(|e| e.to_string());
    Ok(BookingPolicy {
        cancellation_window_hours: count(cancel)?,
        reschedule_window_hours: count(reschedule)?,
        max_reschedules: count(max)?,
        late_cancellation: LateOutcome::parse(late).map_err(|e| e.to_string())?,
        no_show: LateOutcome::parse(no_show).map_err(|e| e.to_string())?,
    })
}
