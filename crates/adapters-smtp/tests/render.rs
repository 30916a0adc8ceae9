//! Rendering: every kind of email has a subject, a text body and an HTML body that show its key
//! facts — links with the token, times in the organization's zone (across DST), prices with
//! their currency — and the HTML escapes what users typed.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;

use adapters_smtp::render::{RenderedEmail, format};
use common::{BASE_URL, TOKEN, berlin, one_of_each_kind, previous_slot, session, utc, winter_session};
use domain::notifications::{Audience, EmailKind, EmailPayload, PreviousSlot, RescheduleAudience};
use domain::shared::{Cents, Currency, Secret, TimeZoneId};

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
