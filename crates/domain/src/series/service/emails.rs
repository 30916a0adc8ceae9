//! What series emails say: the course, the TA and the sessions concerned, captured when they
//! are queued.

use crate::accounts::User;
use crate::catalog::Course;
use crate::notifications::SeriesDetails;
use crate::series::SkippedOccurrence;
use crate::shared::{Interval, SeriesId};
use crate::tenancy::Organization;

/// The series as its emails describe it.
pub(crate) fn series_details(
    org: &Organization,
    course: &Course,
    ta: &User,
    series: SeriesId,
    sessions: &[Interval],
    skipped: &[SkippedOccurrence],
) -> SeriesDetails {
    SeriesDetails {
        series_id: series,
        course_title: course.title.to_string(),
        ta_name: ta.name.to_string(),
        organization_name: org.name.to_string(),
        timezone: org.timezone,
        sessions: sessions.iter().map(|i| (i.start(), i.end())).collect(),
        skipped: skipped.iter().map(|s| (s.starts_at, s.code.as_str().to_owned())).collect(),
    }
}
