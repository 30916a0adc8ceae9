//! What booking emails say about a session, captured when they are queued.

use crate::accounts::User;
use crate::booking::Booking;
use crate::catalog::Course;
use crate::notifications::SessionDetails;
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
    }
}
