//! Rendering: every kind of email has a subject, a text body and an HTML body that show its key
//! facts — links with the token, times in the organization's zone (across DST, a series' every
//! session included), prices with their currency — and the HTML escapes what users typed.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use adapters_smtp::render::{RenderedEmail, format, series};
use common::{BASE_URL, TOKEN, berlin, one_of_each_kind, previous_slot, series_details, session, utc, winter_session};
use domain::notifications::{Audience, EmailKind, EmailPayload, PreviousSlot, RescheduleAudience, SeriesDetails};
use domain::shared::{Cents, Currency, Secret, TimeZoneId};
use uuid::Uuid;

fn render(recipient_name: &str, payload: &EmailPayload, public_base_url: &str) -> RenderedEmail {
    adapters_smtp::render::render(recipient_name, payload, public_base_url).unwrap()
}

#[test]
fn every_kind_has_a_subject_a_greeting_and_a_sign_off() {
    let payloads = one_of_each_kind();
    let kinds: Vec<EmailKind> = payloads.iter().map(EmailPayload::kind).collect();
    assert_eq!(kinds, EmailKind::ALL.to_vec(), "one payload of each kind");
    for payload in &payloads {
        let email = render("Ada Lovelace", payload, BASE_URL);
        assert!(!email.subject.trim().is_empty(), "{:?}", payload.kind());
        assert!(!email.subject.contains('\n'));
        assert!(email.text.starts_with("Hello Ada Lovelace,\n\n"), "{}", email.text);
        assert!(email.text.contains("Best regards,"), "{}", email.text);
        assert!(email.text.lines().all(|l| l.len() < 998), "SMTP line limit");
        assert!(email.html.starts_with("<!DOCTYPE html>\n") && email.html.ends_with("</html>\n"), "{}", email.html);
        assert!(email.html.contains(&format!("<title>{}</title>", email.subject)), "{}", email.html);
        assert!(email.html.contains("<p>Hello Ada Lovelace,</p>") && email.html.contains("Best regards,"));
    }
}

#[test]
fn a_link_email_whose_token_was_erased_cannot_be_rendered() {
    for kind in [EmailKind::EmailVerification, EmailKind::PasswordReset, EmailKind::TaInvitation] {
        let erased = EmailPayload::LinkErased { kind };
        let error = adapters_smtp::render::render("Ada", &erased, BASE_URL).unwrap_err();
        assert!(error.to_string().contains(kind.as_str()), "{error}");
    }
}

#[test]
fn html_escapes_every_name_users_choose() {
    let evil = "<script>alert(1)</script> & \"Bob\"";
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;";
    let mut session = winter_session();
    session.course_title = evil.to_owned();
    session.ta_name = evil.to_owned();
    session.organization_name = evil.to_owned();
    let evil_series = SeriesDetails {
        course_title: evil.to_owned(),
        ta_name: evil.to_owned(),
        organization_name: evil.to_owned(),
        skipped: vec![(utc("2027-04-14T16:00:00Z"), evil.to_owned())],
        ..series_details()
    };
    let payloads = [
        EmailPayload::TaInvitation { organization_name: evil.into(), token: Secret::new(TOKEN) },
        EmailPayload::BookingConfirmation {
            session: session.clone(),
            audience: Audience::Ta,
            student_name: evil.into(),
        },
        EmailPayload::Cancellation { session: session.clone(), reason: Some(evil.into()), refunded: Some(true) },
        EmailPayload::BookingRescheduled {
            session,
            previous: previous_slot(),
            audience: RescheduleAudience::Student,
            reason: Some(evil.into()),
        },
        EmailPayload::SeriesConfirmation {
            series: evil_series.clone(),
            audience: Audience::Ta,
            student_name: evil.into(),
        },
        EmailPayload::SeriesCancellation { series: evil_series, reason: Some(evil.into()), refunded: Some(1) },
    ];
    for payload in &payloads {
        let email = render(evil, payload, BASE_URL);
        assert!(!email.html.contains("<script>"), "{}", email.html);
        assert!(email.html.contains(&format!("<p>Hello {escaped},</p>")), "{}", email.html);
        assert!(email.html.contains(&format!("<br>{escaped}</p>")), "signed by the organization: {}", email.html);
        assert!(email.text.contains(&format!("Hello {evil},")), "text is not escaped: {}", email.text);
        assert!(email.subject.contains(evil), "nor is the subject: {}", email.subject);
    }
    let cancellation = render("Ada", &payloads[2], BASE_URL).html;
    assert!(cancellation.contains(&format!("<strong>Reason:</strong> {escaped}</p>")), "{cancellation}");
    assert!(cancellation.contains(&format!("<td style=\"padding:4px 0;\">{escaped}</td>")), "{cancellation}");
    let rescheduled = render("Ada", &payloads[3], BASE_URL).html;
    assert!(rescheduled.contains(&format!("now taught by {escaped} (instead of Alan Turing)")), "{rescheduled}");
    assert!(rescheduled.contains(&format!("<strong>Reason:</strong> {escaped}</p>")), "{rescheduled}");
    let series = render("Grace", &payloads[4], BASE_URL).html;
    assert!(
        series.contains(&format!("<p>{escaped} booked a series with you: 3 sessions of {escaped}.</p>")),
        "{series}"
    );
    assert!(series.contains(&format!("<td style=\"padding:4px 0;\">{escaped}</td>")), "{series}");
    assert!(series.contains("18:00 (Europe/Paris): it could not be booked</li>"), "an unknown code: {series}");
    let series_cancelled = render("Ada", &payloads[5], BASE_URL).html;
    assert!(series_cancelled.contains(&format!("<strong>Reason:</strong> {escaped}</p>")), "{series_cancelled}");
}

#[test]
fn html_links_are_whole_and_times_readable() {
    let verify = render("Ada", &one_of_each_kind()[0], BASE_URL);
    let link = format!("{BASE_URL}/verify-email?token={TOKEN}");
    assert!(verify.html.contains(&format!("<a href=\"{link}\"")), "{}", verify.html);
    assert!(verify.html.contains("48 hours"));
    let reset = render("Ada", &one_of_each_kind()[1], BASE_URL).html;
    assert!(reset.contains(&format!("<a href=\"{BASE_URL}/reset-password?token={TOKEN}\"")), "{reset}");
    let booking = render("Ada", &one_of_each_kind()[4], BASE_URL).html;
    assert!(booking.contains(">Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)</td>"), "{booking}");
    let receipt = render("Ada", &one_of_each_kind()[3], BASE_URL).html;
    for fact in ["Ten sessions", "10 sessions", "120.00 EUR", "Tue 1 Jun 2027, 23:59 (Europe/Berlin)"] {
        assert!(receipt.contains(fact), "{fact} in {receipt}");
    }
    let odd_base = render("Ada", &one_of_each_kind()[0], "https://x.example/?a=1&b=\"2\"").html;
    assert!(odd_base.contains("href=\"https://x.example/?a=1&amp;b=&quot;2&quot;/verify-email"), "{odd_base}");
}

#[test]
fn the_html_of_every_kind_says_what_the_text_says() {
    let cancel = |refunded| EmailPayload::Cancellation { session: winter_session(), reason: None, refunded };
    let refunded = render("Ada", &cancel(Some(true)), BASE_URL).html;
    assert!(refunded.contains("has been refunded") && !refunded.contains("Reason"));
    assert!(render("Ada", &cancel(Some(false)), BASE_URL).html.contains("not returned"));
    let ta_copy = render("Grace", &cancel(None), BASE_URL).html;
    assert!(!ta_copy.contains("refund"), "{ta_copy}");
    let promotion = render("Ada", &one_of_each_kind()[6], BASE_URL).html;
    assert!(promotion.contains("it is now yours") && promotion.contains("leave the session"));
    let group = render("Ada", &one_of_each_kind()[5], BASE_URL).html;
    assert!(group.contains("You have a seat in this group session."));
    let ta_booking = EmailPayload::BookingConfirmation {
        session: winter_session(),
        audience: Audience::Ta,
        student_name: "Ada Lovelace".into(),
    };
    assert!(render("Grace", &ta_booking, BASE_URL).html.contains("<p>Ada Lovelace booked a session with you.</p>"));
}

#[test]
fn token_emails_link_to_their_page_with_the_token() {
    let link = |payload: &EmailPayload| render("Ada", payload, BASE_URL).text;
    let verify = link(&one_of_each_kind()[0]);
    assert!(verify.contains(&format!("\n{BASE_URL}/verify-email?token={TOKEN}\n")), "{verify}");
    assert!(verify.contains("48 hours"));
    let reset = link(&one_of_each_kind()[1]);
    assert!(reset.contains(&format!("\n{BASE_URL}/reset-password?token={TOKEN}\n")), "{reset}");
    assert!(reset.contains("1 hour"));
    let invitation = render("Grace", &one_of_each_kind()[2], &format!("{BASE_URL}/"));
    assert!(invitation.text.contains(&format!("\n{BASE_URL}/reset-password?token={TOKEN}\n")), "trailing / dropped");
    assert!(invitation.text.contains("7 days") && invitation.subject.contains("Northside Tutoring"));
}

#[test]
fn tokens_outside_base64url_are_percent_encoded() {
    let link = format::token_link("http://127.0.0.1:8080", "/verify-email", "a+b/c=d e&f");
    assert_eq!(link, "http://127.0.0.1:8080/verify-email?token=a%2Bb%2Fc%3Dd%20e%26f");
}

#[test]
fn session_times_are_shown_in_the_organizations_zone() {
    let email = render("Ada", &one_of_each_kind()[4], BASE_URL);
    assert!(email.text.contains("Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)"), "{}", email.text);
    assert!(email.text.contains("Algebra I") && email.text.contains("Grace Hopper"));
    assert_eq!(email.subject, "Booking confirmed: Algebra I on Wed 2 Dec 2026");
}

#[test]
fn the_same_wall_clock_time_on_both_sides_of_a_dst_switch() {
    // Berlin leaves summer time on Sun 25 Oct 2026 at 03:00 CEST (01:00Z).
    let summer = session("2026-10-24T08:00:00Z", "2026-10-24T09:00:00Z");
    let winter = session("2026-10-26T09:00:00Z", "2026-10-26T10:00:00Z");
    let text = |s| render("Ada", &EmailPayload::GroupJoinConfirmation { session: s }, BASE_URL).text;
    assert!(text(summer).contains("Sat 24 Oct 2026, 10:00–11:00 (Europe/Berlin)"));
    assert!(text(winter).contains("Mon 26 Oct 2026, 10:00–11:00 (Europe/Berlin)"));
    // A session across the switch names both offsets rather than showing 02:30–02:30.
    let night = text(session("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"));
    assert!(night.contains("Sun 25 Oct 2026, 02:30 CEST–02:30 CET (Europe/Berlin)"), "{night}");
}

#[test]
fn times_follow_each_organizations_own_zone() {
    let mut s = winter_session();
    s.timezone = TimeZoneId::parse("America/New_York").unwrap();
    assert_eq!(
        format::time_range(s.starts_at, s.ends_at, s.timezone),
        "Wed 2 Dec 2026, 04:00–05:00 (America/New_York)"
    );
    let overnight = format::time_range(utc("2026-12-02T22:30:00Z"), utc("2026-12-02T23:30:00Z"), berlin());
    assert_eq!(overnight, "Wed 2 Dec 2026, 23:30 – Thu 3 Dec 2026, 00:30 (Europe/Berlin)");
}

#[test]
fn the_receipt_shows_sessions_price_and_validity() {
    let email = render("Ada", &one_of_each_kind()[3], BASE_URL);
    assert_eq!(email.subject, "Your receipt: Ten sessions");
    for fact in ["Ten sessions", "Algebra I", "10 sessions", "120.00 EUR", "Tue 1 Jun 2027, 23:59 (Europe/Berlin)"] {
        assert!(email.text.contains(fact), "{fact} in {}", email.text);
    }
}

#[test]
fn prices_have_two_decimals_and_the_currency_code() {
    let price = |cents, code| format::price(Cents::new(cents).unwrap(), Currency::parse(code).unwrap());
    assert_eq!(price(12_000, "EUR"), "120.00 EUR");
    assert_eq!(price(5, "USD"), "0.05 USD");
    assert_eq!(price(0, "EUR"), "0.00 EUR");
    assert_eq!(price(100_000_000, "GBP"), "1000000.00 GBP");
}

#[test]
fn the_ta_copy_of_a_booking_names_the_student() {
    let payload = EmailPayload::BookingConfirmation {
        session: winter_session(),
        audience: Audience::Ta,
        student_name: "Ada Lovelace".into(),
    };
    let email = render("Grace", &payload, BASE_URL);
    assert_eq!(email.subject, "New booking: Algebra I on Wed 2 Dec 2026 with Ada Lovelace");
    assert!(email.text.contains("Ada Lovelace booked a session with you."));
}

#[test]
fn waitlist_promotions_say_the_seat_is_theirs() {
    let email = render("Ada", &one_of_each_kind()[6], BASE_URL);
    assert!(email.subject.starts_with("A seat opened up: Algebra I"));
    assert!(email.text.contains("it is now yours") && email.text.contains("10:00–11:00"));
}

#[test]
fn cancellations_give_the_reason_and_the_students_refund() {
    let cancel = |reason: Option<&str>, refunded| EmailPayload::Cancellation {
        session: winter_session(),
        reason: reason.map(str::to_owned),
        refunded,
    };
    let refunded = render("Ada", &cancel(Some("TA is ill"), Some(true)), BASE_URL);
    assert_eq!(refunded.subject, "Cancelled: Algebra I on Wed 2 Dec 2026");
    assert!(refunded.text.contains("Reason: TA is ill") && refunded.text.contains("has been refunded"));
    let forfeited = render("Ada", &cancel(None, Some(false)), BASE_URL).text;
    assert!(!forfeited.contains("Reason") && forfeited.contains("not returned"), "{forfeited}");
    let ta_copy = render("Grace", &cancel(Some("  "), None), BASE_URL).text;
    assert!(!ta_copy.contains("Reason") && !ta_copy.contains("refund"), "{ta_copy}");
    assert!(ta_copy.contains("Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)"));
}

/// [`winter_session`] (Wed 2 Dec 2026, 10:00–11:00, Grace Hopper), moved from
/// [`previous_slot`] (Sat 24 Oct 2026, 14:00–15:30, Alan Turing).
fn rescheduled(audience: RescheduleAudience, reason: Option<&str>) -> EmailPayload {
    EmailPayload::BookingRescheduled {
        session: winter_session(),
        previous: previous_slot(),
        audience,
        reason: reason.map(str::to_owned),
    }
}

const PREVIOUS_TIME: &str = "Sat 24 Oct 2026, 14:00–15:30 (Europe/Berlin)";
const NEW_TIME: &str = "Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)";

#[test]
fn reschedules_tell_students_and_the_ta_the_previous_and_the_new_time_and_ta() {
    for (audience, name) in [(RescheduleAudience::Student, "Ada"), (RescheduleAudience::Ta, "Grace")] {
        let email = render(name, &rescheduled(audience, Some("  Room flooded ")), BASE_URL);
        assert_eq!(email.subject, "Moved: Algebra I on Wed 2 Dec 2026", "{audience:?}");
        let moved = format!("This session has moved. It was on {PREVIOUS_TIME} and is now on {NEW_TIME}.");
        let ta = "is now taught by Grace Hopper (instead of Alan Turing).";
        for body in [&email.text, &email.html] {
            for fact in [moved.as_str(), ta, "Algebra I", "Room flooded"] {
                assert!(body.contains(fact), "{audience:?}: {fact} in {body}");
            }
            assert!(!body.contains("no longer teach"), "{audience:?}: {body}");
        }
        assert!(email.text.contains("When:    Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)\n"), "{}", email.text);
        assert!(email.text.contains("\nReason: Room flooded\n"), "trimmed: {}", email.text);
        assert!(email.html.contains("<strong>Reason:</strong> Room flooded</p>"), "{}", email.html);
        let handed = email.text.contains("It has been handed to you: it is now taught by Grace Hopper");
        assert_eq!(handed, audience == RescheduleAudience::Ta, "{}", email.text);
    }
}

#[test]
fn the_former_ta_is_told_the_session_was_handed_over_and_they_no_longer_teach_it() {
    let email = render("Alan", &rescheduled(RescheduleAudience::FormerTa, Some("TA swap")), BASE_URL);
    assert_eq!(email.subject, "Handed over: Algebra I on Sat 24 Oct 2026");
    let handed = format!(
        "This session has been handed to another TA, Grace Hopper: you no longer teach it. \
         You were to teach it on {PREVIOUS_TIME}."
    );
    for body in [&email.text, &email.html] {
        for fact in [handed.as_str(), NEW_TIME, "Algebra I", "TA swap"] {
            assert!(body.contains(fact), "{fact} in {body}");
        }
        assert!(!body.contains("This session has moved") && !body.contains("instead of"), "{body}");
    }
}

#[test]
fn a_reschedule_by_the_same_ta_names_no_other_ta() {
    let payload = EmailPayload::BookingRescheduled {
        session: winter_session(),
        previous: PreviousSlot { ta_name: "Grace Hopper".into(), ..previous_slot() },
        audience: RescheduleAudience::Student,
        reason: None,
    };
    let email = render("Ada", &payload, BASE_URL);
    for body in [&email.text, &email.html] {
        assert!(body.contains(&format!("It was on {PREVIOUS_TIME} and is now on {NEW_TIME}.")), "{body}");
        assert!(!body.contains("instead of") && !body.contains("Alan Turing"), "{body}");
    }
}

#[test]
fn a_reschedule_to_another_ta_at_the_same_time_says_the_time_is_unchanged() {
    let s = winter_session();
    let previous = PreviousSlot { starts_at: s.starts_at, ends_at: s.ends_at, ..previous_slot() };
    let payload =
        EmailPayload::BookingRescheduled { session: s, previous, audience: RescheduleAudience::Ta, reason: None };
    let email = render("Grace", &payload, BASE_URL);
    for body in [&email.text, &email.html] {
        assert!(body.contains(&format!("This session has moved. Its time is unchanged: {NEW_TIME}.")), "{body}");
        assert!(body.contains("now taught by Grace Hopper (instead of Alan Turing)") && !body.contains("It was on"));
    }
}

#[test]
fn every_reschedule_copy_renders_and_hides_a_blank_reason() {
    let audiences = [RescheduleAudience::Student, RescheduleAudience::Ta, RescheduleAudience::FormerTa];
    for audience in audiences {
        for reason in [None, Some(""), Some(" \t ")] {
            let email = render("Ada Lovelace", &rescheduled(audience, reason), BASE_URL);
            assert!(email.text.starts_with("Hello Ada Lovelace,\n\n"), "{}", email.text);
            assert!(email.text.ends_with("\n\nBest regards,\nNorthside Tutoring\n"), "{}", email.text);
            assert!(!email.text.contains("\n\n\n"), "one blank line between paragraphs: {}", email.text);
            assert!(email.html.contains(&format!("<title>{}</title>", email.subject)), "{}", email.html);
            assert!(email.text.contains(PREVIOUS_TIME) && email.html.contains(PREVIOUS_TIME), "{audience:?}");
            assert!(!email.text.contains("Reason") && !email.html.contains("Reason"), "{audience:?} {reason:?}");
        }
    }
}

/// The lines of [`series_details`]'s sessions: the same local hour before and after Paris
/// moves to summer time (Sun 28 Mar 2027), although the UTC hour changes.
const SERIES_SESSIONS: [&str; 3] = [
    "Wed 24 Mar 2027, 18:00–19:00 (Europe/Paris)",
    "Wed 31 Mar 2027, 18:00–19:00 (Europe/Paris)",
    "Wed 7 Apr 2027, 18:00–19:00 (Europe/Paris)",
];

fn series_confirmation(audience: Audience, skipped: Vec<(&str, &str)>) -> EmailPayload {
    let skipped = skipped.into_iter().map(|(at, code)| (utc(at), code.to_owned())).collect();
    EmailPayload::SeriesConfirmation {
        series: SeriesDetails { skipped, ..series_details() },
        audience,
        student_name: "Ada Lovelace".into(),
    }
}

fn series_cancellation(reason: Option<&str>, refunded: Option<u32>) -> EmailPayload {
    EmailPayload::SeriesCancellation {
        series: SeriesDetails { skipped: Vec::new(), ..series_details() },
        reason: reason.map(str::to_owned),
        refunded,
    }
}

#[test]
fn a_series_confirmation_lists_every_session_at_its_local_time_across_a_dst_switch() {
    let email = render("Ada Lovelace", &series_confirmation(Audience::Student, Vec::new()), BASE_URL);
    assert_eq!(email.subject, "Booked: 3 sessions of Algebra I");
    let listed = SERIES_SESSIONS.map(|when| format!("- {when}\n")).concat();
    assert!(email.text.contains(&format!("\nSessions:\n{listed}\n")), "{}", email.text);
    let items = SERIES_SESSIONS.map(|when| format!("<li>{when}</li>\n")).concat();
    assert!(email.html.contains(&format!("<ul>\n{items}</ul>")), "{}", email.html);
    for body in [&email.text, &email.html] {
        for fact in ["Your series is booked: 3 sessions of Algebra I.", "Grace Hopper", &Uuid::nil().to_string()] {
            assert!(body.contains(fact), "{fact} in {body}");
        }
        assert!(!body.contains("Not booked") && !body.contains("booked a series with you"), "{body}");
    }
    assert!(email.text.starts_with("Hello Ada Lovelace,\n\nYour series is booked"), "{}", email.text);
    assert!(email.html.contains("<p>Hello Ada Lovelace,</p>\n<p>Your series is booked"), "{}", email.html);
}

#[test]
fn the_ta_copy_of_a_series_confirmation_names_the_student() {
    let email = render("Grace Hopper", &series_confirmation(Audience::Ta, Vec::new()), BASE_URL);
    assert_eq!(email.subject, "Booked: 3 sessions of Algebra I with Ada Lovelace");
    for body in [&email.text, &email.html] {
        assert!(body.contains("Ada Lovelace booked a series with you: 3 sessions of Algebra I."), "{body}");
        assert!(!body.contains("Your series"), "{body}");
        for when in SERIES_SESSIONS {
            assert!(body.contains(when), "{when} in {body}");
        }
    }
    assert!(email.text.starts_with("Hello Grace Hopper,\n\n"), "{}", email.text);
}

#[test]
fn skipped_occurrences_are_listed_with_a_readable_reason_for_each_reader() {
    let codes = [
        "ta_unavailable",
        "student_unavailable",
        "outside_ta_availability",
        "booking_too_soon",
        "booking_too_far_ahead",
        "bundle_expired",
        "bundle_exhausted",
    ];
    let fallback = "it could not be booked";
    for audience in [Audience::Student, Audience::Ta] {
        let reasons = codes.map(|code| series::skip_reason(code, audience));
        for (code, reason) in codes.iter().zip(reasons) {
            assert!(reason != fallback && !reason.contains('_'), "{code} {audience:?}: {reason}");
        }
        let mut distinct = reasons.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), codes.len(), "one reason per code: {reasons:?}");
        assert_eq!(series::skip_reason("some_future_code", audience), fallback);
    }
    let student = |code| series::skip_reason(code, Audience::Student);
    let ta = |code| series::skip_reason(code, Audience::Ta);
    assert_eq!(student("ta_unavailable"), "the TA already has another session at that time");
    assert_eq!(ta("ta_unavailable"), "you already have another session at that time");
    assert_eq!(student("student_unavailable"), "you already have another session at that time");
    assert_eq!(ta("student_unavailable"), "the student already has another session at that time");
    assert_eq!(student("outside_ta_availability"), "outside the TA's available hours");
    assert_eq!(ta("outside_ta_availability"), "outside your available hours");

    let skipped = vec![("2027-04-14T16:00:00Z", "ta_unavailable"), ("2027-04-21T16:00:00Z", "mystery")];
    let email = render("Ada", &series_confirmation(Audience::Student, skipped.clone()), BASE_URL);
    let lines = "\nNot booked:\n\
        - Wed 14 Apr 2027, 18:00 (Europe/Paris): the TA already has another session at that time\n\
        - Wed 21 Apr 2027, 18:00 (Europe/Paris): it could not be booked\n\n";
    assert!(email.text.contains(lines), "{}", email.text);
    assert!(email.text.ends_with("\n\nBest regards,\nNorthside Tutoring\n"), "{}", email.text);
    assert!(!email.text.contains("\n\n\n"), "one blank line between paragraphs: {}", email.text);
    let item = "<li>Wed 14 Apr 2027, 18:00 (Europe/Paris): the TA already has another session at that time</li>";
    assert!(email.html.contains(&format!("<p><strong>Not booked:</strong></p>\n<ul>\n{item}")), "{}", email.html);
    let ta_copy = render("Grace", &series_confirmation(Audience::Ta, skipped), BASE_URL);
    for body in [&ta_copy.text, &ta_copy.html] {
        assert!(body.contains("Wed 14 Apr 2027, 18:00 (Europe/Paris): you already have another session"), "{body}");
    }
}

#[test]
fn a_series_of_one_session_says_session() {
    let payload = EmailPayload::SeriesConfirmation {
        series: SeriesDetails { sessions: series_details().sessions[..1].to_vec(), ..series_details() },
        audience: Audience::Student,
        student_name: "Ada".into(),
    };
    assert_eq!(render("Ada", &payload, BASE_URL).subject, "Booked: 1 session of Algebra I");
}

#[test]
fn a_series_cancellation_lists_the_sessions_and_gives_the_reason_and_the_students_refunds() {
    let email = render("Ada", &series_cancellation(Some("  Course withdrawn "), Some(2)), BASE_URL);
    assert_eq!(email.subject, "Cancelled: 3 sessions of Algebra I");
    let refunds = "2 of 3 refunded: the other sessions were cancelled too late for a refund";
    for body in [&email.text, &email.html] {
        let cancelled = "The remaining sessions of this series have been cancelled: 3 sessions of Algebra I.";
        for fact in [cancelled, "Grace Hopper", refunds] {
            assert!(body.contains(fact), "{fact} in {body}");
        }
        for when in SERIES_SESSIONS {
            assert!(body.contains(when), "{when} in {body}");
        }
        assert!(!body.contains("Not booked"), "{body}");
    }
    assert!(email.text.contains("\nReason: Course withdrawn\n"), "trimmed: {}", email.text);
    assert!(email.html.contains("<strong>Reason:</strong> Course withdrawn</p>"), "{}", email.html);

    let all = render("Ada", &series_cancellation(None, Some(3)), BASE_URL);
    let none = render("Ada", &series_cancellation(None, Some(0)), BASE_URL);
    for body in [&all.text, &all.html] {
        assert!(
            body.contains("3 of 3 refunded: your payments or bundle credits for these sessions have been returned.")
        );
    }
    for body in [&none.text, &none.html] {
        assert!(body.contains("0 of 3 refunded: the cancellation came too late for a refund"), "{body}");
    }
}

#[test]
fn the_ta_copy_of_a_series_cancellation_says_nothing_of_refunds() {
    let email = render("Grace", &series_cancellation(Some("Course withdrawn"), None), BASE_URL);
    assert_eq!(email.subject, "Cancelled: 3 sessions of Algebra I");
    for body in [&email.text, &email.html] {
        assert!(!body.contains("refund") && !body.contains("of 3"), "{body}");
        assert!(body.contains("Course withdrawn") && body.contains(SERIES_SESSIONS[2]), "{body}");
    }
}

#[test]
fn every_series_copy_renders_and_hides_a_blank_reason() {
    for refunded in [None, Some(0), Some(1), Some(3)] {
        for reason in [None, Some(""), Some(" \t ")] {
            let email = render("Ada Lovelace", &series_cancellation(reason, refunded), BASE_URL);
            assert!(email.text.starts_with("Hello Ada Lovelace,\n\n"), "{}", email.text);
            assert!(email.text.ends_with("\n\nBest regards,\nNorthside Tutoring\n"), "{}", email.text);
            assert!(!email.text.contains("\n\n\n"), "one blank line between paragraphs: {}", email.text);
            assert!(email.html.contains(&format!("<title>{}</title>", email.subject)), "{}", email.html);
            assert!(!email.text.contains("Reason") && !email.html.contains("Reason"), "{refunded:?} {reason:?}");
        }
    }
    for audience in [Audience::Student, Audience::Ta] {
        let email = render("Ada Lovelace", &series_confirmation(audience, Vec::new()), BASE_URL);
        assert!(email.text.ends_with("\n\nBest regards,\nNorthside Tutoring\n"), "{}", email.text);
        assert!(!email.text.contains("\n\n\n"), "one blank line between paragraphs: {}", email.text);
    }
}

#[test]
fn lifetimes_read_naturally() {
    use chrono::TimeDelta;
    assert_eq!(format::lifetime(TimeDelta::hours(1)), "1 hour");
    assert_eq!(format::lifetime(TimeDelta::hours(48)), "48 hours");
    assert_eq!(format::lifetime(TimeDelta::days(7)), "7 days");
    assert_eq!(format::lifetime(TimeDelta::minutes(30)), "30 minutes");
}

#[test]
fn an_empty_name_still_greets() {
    assert_eq!(format::greeting("  "), "Hello,");
}
