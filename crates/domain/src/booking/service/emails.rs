//! What booking emails say about a session, captured when they are queued, and the emails of a
//! session that moved (a reschedule, or a reassignment for a TA's time off).

use crate::accounts::User;
use crate::booking::Booking;
use crate::catalog::Course;
use crate::core::Core;
use crate::notifications::{EmailPayload, PreviousSlot, RescheduleAudience, SessionDetails};
use crate::shared::UserId;
use crate::store::{Repositories, StoreError};
use crate::tenancy::Organization;

/// The session as emails describe it (times shown in the organization's time zone).
pub(crate) fn session_details(org: &Organization, course: &Course, ta: &User, booking: &Booking) -> SessionDetails {
    SessionDetails {
        booking_id: booking.id,
        course_title: course.title.to_string(),
        ta_name: ta.name.to_string(),
        starts_at: booking.interval.start(),
        ends_at: booking.interval.end(),
        timezone: org.timezone,
        organization_name: org.name.to_string(),
        sequence: booking.sequence,
    }
}

/// A session that moved: as it was and as it is, and why.
pub(crate) struct MovedSession<'a> {
    pub org: &'a Organization,
    pub course: &'a Course,
    pub before: &'a Booking,
    pub after: &'a Booking,
    pub reason: Option<&'a str>,
}

/// Queues the reschedule email to every seated student and to the TA, and to the former TA
/// too when the session changed hands, in the transaction of the move.
pub(crate) async fn queue_moved(
    core: &Core,
    repos: &dyn Repositories,
    moved: &MovedSession<'_>,
) -> Result<(), StoreError> {
    let MovedSession { org, course, before, after, reason } = *moved;
    let mut people: Vec<UserId> = after.seats.iter().map(|s| s.student_id).collect();
    people.extend([after.ta_id, before.ta_id]);
    let users = repos.users().get_many(org.id, &people).await?;
    let name_of = |id: UserId| users.iter().find(|u| u.id == id).map(|u| u.name.to_string()).unwrap_or_default();
    let Some(ta) = users.iter().find(|u| u.id == after.ta_id) else { return Ok(()) };
    let session = session_details(org, course, ta, after);
    let previous = PreviousSlot {
        starts_at: before.interval.start(),
        ends_at: before.interval.end(),
        ta_name: name_of(before.ta_id),
    };
    let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    for user in &users {
        let audience = if user.id == after.ta_id {
            RescheduleAudience::Ta
        } else if user.id == before.ta_id {
            RescheduleAudience::FormerTa
        } else {
            RescheduleAudience::Student
        };
        let payload = EmailPayload::BookingRescheduled {
            session: session.clone(),
            previous: previous.clone(),
            audience,
            reason: reason.clone(),
        };
        core.outbox().queue(repos, org.id, &user.email, user.name.as_str(), payload).await?;
    }
    Ok(())
}
