//! Emails about attendance: the refund a student gets when the TA did not come to a session,
//! and a TA's morning digest of the sessions that ended without full attendance. Builds the
//! template context: for the refund, that of every session email (see
//! [`sessions::session_only`](super::sessions::session_only)); for the digest, `sessions` (the
//! oldest waiting ones, each `when` in the organization's zone and `course`), `headline`
//! (`3 sessions`, every waiting one counted, for the subject and the opening line) and `more`
//! (how many of them the list leaves out, 0 when it shows them all).

use chrono::{DateTime, Utc};
use domain::notifications::SessionDetails;
use domain::shared::TimeZoneId;
use minijinja::{Value, context};

use super::format::{count, time_range};
use super::sessions::session_only;

/// Tells a student that the TA did not come to a session and that their payment or bundle
/// credit for it came back (the domain sends it only to the seats it refunded).
pub fn ta_no_show_refund(session: &SessionDetails) -> Value {
    session_only(session)
}

/// Lists for a TA the sessions waiting for attendance: `total` of them in all, of which
/// `sessions` are the oldest (start, end, course title).
pub fn attendance_digest(
    timezone: TimeZoneId,
    total: u32,
    sessions: &[(DateTime<Utc>, DateTime<Utc>, String)],
) -> Value {
    let listed: Vec<Value> = sessions
        .iter()
        .map(|(start, end, course)| context! { when => time_range(*start, *end, timezone), course => course.as_str() })
        .collect();
    // Counted from `total`, not from the list: the list stops at DIGEST_LISTED_SESSIONS.
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    context! {
        sessions => listed,
        headline => count(total, "session"),
        more => total.saturating_sub(sessions.len()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use domain::notifications::{DIGEST_LISTED_SESSIONS, EmailPayload, SessionDetails};
    use domain::shared::{BookingId, TimeZoneId};

    use crate::render::{RenderedEmail, render};

    fn utc(rfc3339: &str) -> DateTime<chrono::Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    fn rendered(payload: &EmailPayload) -> RenderedEmail {
        render("Ada Lovelace", payload, "https://app.engify.example").unwrap()
    }

    /// Algebra I with Grace Hopper, Wed 2 Dec 2026, 10:00–11:00 in Berlin (09:00 UTC).
    fn refund() -> EmailPayload {
        EmailPayload::TaNoShowRefund {
            session: SessionDetails {
                booking_id: BookingId::from_uuid(uuid::Uuid::nil()),
                course_title: "Algebra I".into(),
                ta_name: "Grace Hopper".into(),
                starts_at: utc("2026-12-02T09:00:00Z"),
                ends_at: utc("2026-12-02T10:00:00Z"),
                timezone: TimeZoneId::parse("Europe/Berlin").unwrap(),
                organization_name: "Northside Tutoring".into(),
                sequence: 0,
            },
        }
    }

    /// A digest in New York time counting `total` sessions and listing the first `listed` of:
    /// Algebra I on Tue 1 Dec 2026, 21:00–22:00 (02:00 UTC on the 2nd), then Geometry on
    /// Wed 2 Dec 2026, 09:30–10:45.
    fn digest(total: u32, listed: usize) -> EmailPayload {
        let sessions = [
            (utc("2026-12-02T02:00:00Z"), utc("2026-12-02T03:00:00Z"), "Algebra I".to_owned()),
            (utc("2026-12-02T14:30:00Z"), utc("2026-12-02T15:45:00Z"), "Geometry".to_owned()),
        ];
        EmailPayload::AttendanceDigest {
            organization_name: "Northside Tutoring".into(),
            timezone: TimeZoneId::parse("America/New_York").unwrap(),
            total,
            sessions: sessions.into_iter().take(listed).collect(),
        }
    }

    #[test]
    fn a_no_show_refund_tells_the_student_the_ta_did_not_come_and_the_payment_came_back() {
        let email = rendered(&refund());
        assert_eq!(email.subject, "Refunded, the TA did not come: Algebra I on Wed 2 Dec 2026");
        for body in [&email.text, &email.html] {
            for fact in [
                "The TA did not come to this session",
                "your payment or bundle credit for it has been refunded",
                "Grace Hopper",
                "Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)",
                "Northside Tutoring",
            ] {
                assert!(body.contains(fact), "{fact} in {body}");
            }
        }
    }

    #[test]
    fn a_digest_lists_every_session_in_the_organizations_zone_with_its_course() {
        let email = rendered(&digest(2, 2));
        assert_eq!(email.subject, "Attendance to record: 2 sessions");
        assert!(email.text.contains("You have 2 sessions that ended without full attendance."), "{}", email.text);
        assert!(email.text.contains("Please record their attendance in the app."), "{}", email.text);
        let lines = [
            "- Tue 1 Dec 2026, 21:00–22:00 (America/New_York): Algebra I\n",
            "- Wed 2 Dec 2026, 09:30–10:45 (America/New_York): Geometry\n",
        ];
        assert!(email.text.contains(&lines.concat()), "oldest first: {}", email.text);
        assert!(email.html.contains("<li>Tue 1 Dec 2026, 21:00–22:00 (America/New_York): Algebra I</li>"));
        assert!(email.html.contains("Please record their attendance in the app."), "{}", email.html);
        for body in [&email.text, &email.html] {
            assert!(!body.contains("more"), "all are listed: {body}");
        }
    }

    #[test]
    fn a_digest_says_how_many_more_wait_beyond_its_list() {
        let total = u32::try_from(DIGEST_LISTED_SESSIONS).unwrap() + 5;
        let email = rendered(&digest(total, 2));
        assert_eq!(email.subject, format!("Attendance to record: {total} sessions"));
        assert!(email.text.contains(&format!("You have {total} sessions that ended")), "{}", email.text);
        assert!(email.text.contains("Geometry\n…and 23 more.\n"), "{}", email.text);
        assert!(email.html.contains("<p>…and 23 more.</p>"), "{}", email.html);
    }

    #[test]
    fn a_digest_of_one_session_says_so_in_the_singular() {
        let email = rendered(&digest(1, 1));
        assert_eq!(email.subject, "Attendance to record: 1 session");
        assert!(email.text.contains("You have 1 session that ended"), "{}", email.text);
        assert!(!email.text.contains("Geometry") && !email.text.contains("more"), "{}", email.text);
    }

    #[test]
    fn a_digest_escapes_course_titles_in_html_only() {
        let evil = "<b>Algebra</b> & \"Co\"";
        let EmailPayload::AttendanceDigest { organization_name, timezone, total, mut sessions } = digest(2, 2) else {
            unreachable!("digest builds a digest")
        };
        sessions[0].2 = evil.to_owned();
        let email = rendered(&EmailPayload::AttendanceDigest { organization_name, timezone, total, sessions });
        assert!(email.text.contains(&format!("(America/New_York): {evil}\n")), "{}", email.text);
        assert!(email.html.contains("(America/New_York): &lt;b&gt;Algebra&lt;/b&gt; &amp; &quot;Co&quot;</li>"));
        assert!(!email.html.contains("<b>Algebra"), "{}", email.html);
    }
}
