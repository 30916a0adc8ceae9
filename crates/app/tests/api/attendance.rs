//! Attendance over HTTP on both backends: who may mark a session and when, what each mark does
//! to the seat's credit (a change reverses the previous settlement), a TA's no-show refunding
//! and emailing, the sessions a TA still has to mark, the credit statement's running balances,
//! bundle expiry by the worker, and the morning digest.

use std::time::Duration;

use chrono::{DateTime, Duration as Span, Timelike, Utc};
use chrono_tz::Europe::Berlin;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, Member, berlin};
use crate::bookings::{booked, cancel, session, with};
use crate::bundles::{bought, ledger, remaining};
use crate::helpers::{Reply, TestApp, apps};
use crate::past::{expire_bundle, move_back};
use crate::reset_requests::count;

/// `PUT /bookings/{id}/attendance` as `token`.
pub async fn mark(app: &TestApp, token: &str, booking: &Value, body: Value) -> Reply {
    app.put(&format!("/api/v1/bookings/{}/attendance", booking["id"].as_str().unwrap()), Some(token), Some(body)).await
}

/// One seat's mark.
pub fn seat(student: &Member, attendance: &str) -> Value {
    json!({"seats": [{"studentId": student.id, "attendance": attendance}]})
}

/// Marks, expecting 200; returns the booking.
pub async fn marked(app: &TestApp, token: &str, booking: &Value, body: Value) -> Value {
    let reply = mark(app, token, booking, body.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?} marking {body}: {}", app.backend, reply.text);
    reply.json()
}

/// A session of `course` with `ta` for `student` starting two seconds from now (15 minutes),
/// paid with `bundle` when given; returns it once it has started.
pub async fn started_session(
    app: &TestApp,
    course: &str,
    ta: &Member,
    student: &Member,
    bundle: Option<&Value>,
) -> Value {
    let starts = DateTime::from_timestamp(Utc::now().timestamp() + 2, 0).unwrap();
    let mut extra = json!({"taId": ta.id});
    if let Some(bundle) = bundle {
        extra["bundlePurchaseId"] = bundle["id"].clone();
    }
    let booking = booked(app, &student.access, with(session(course, starts, 15), &extra)).await;
    let wait = (starts - Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(100);
    tokio::time::sleep(wait).await;
    booking
}

/// An academy that books from now: a course with a 4 000-cent session price and a 5-session
/// bundle product, TA Tara assigned and open all day, student Sam.
pub struct Marking<'a> {
    pub academy: Academy<'a>,
    pub course: String,
    pub product: Value,
    pub tara: Member,
    pub sam: Member,
}

impl<'a> Marking<'a> {
    pub async fn new(app: &'a TestApp, slug: &str) -> Self {
        let academy = Academy::new(app, slug).await;
        academy.settings(json!({"minNoticeMinutes": 0})).await;
        let course = academy.course("MATH-101", "Algebra").await["id"].as_str().unwrap().to_owned();
        academy.session_price(&course, 4_000).await;
        let product = academy.bundle(&course, 5, 30, 20_000).await;
        let tara = academy.ta("Tara").await;
        academy.assign(&course, &tara.id).await;
        academy.open_every_day(&tara.id, "00:00", "24:00").await;
        let sam = academy.student("Sam").await;
        Self { academy, course, product, tara, sam }
    }
}

/// The kinds and deltas of the bundle's ledger from the `skip`-th entry on.
async fn ledger_after(app: &TestApp, token: &str, bundle: &Value, skip: usize) -> Vec<(String, i64)> {
    ledger(app, token, bundle["id"].as_str().unwrap()).await.into_iter().skip(skip).collect()
}

fn pair(kind: &str, delta: i64) -> (String, i64) {
    (kind.to_owned(), delta)
}

/// The audit events of `action`, as admin.
async fn audited(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let reply = app.get(&format!("/api/v1/admin/audit-events?action={action}&limit=100"), Some(admin)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn each_mark_settles_the_seat_and_a_change_reverses_the_previous_settlement() {
    for app in apps().await {
        let b = app.backend;
        let m = Marking::new(&app, "acme").await;
        let admin = m.academy.admin.access.clone();
        let olga = m.academy.ta("Olga").await;
        let bundle = bought(&app, &m.sam, &m.product).await;
        let ahead = with(
            session(&m.course, berlin(2, 10, 0), 60),
            &json!({"taId": m.tara.id, "bundlePurchaseId": bundle["id"]}),
        );
        let ahead = booked(&app, &m.sam.access, ahead).await;
        mark(&app, &m.tara.access, &ahead, seat(&m.sam, "present")).await.problem(422, "booking_not_started");
        mark(&app, &admin, &ahead, seat(&m.sam, "present")).await.problem(422, "booking_not_started");

        let now = started_session(&app, &m.course, &m.tara, &m.sam, Some(&bundle)).await;
        mark(&app, &m.sam.access, &now, seat(&m.sam, "present")).await.problem(403, "forbidden");
        mark(&app, &olga.access, &now, seat(&m.sam, "present")).await.problem(404, "not_found");
        let stranger = m.academy.student("Stranger").await;
        let problem = mark(&app, &m.tara.access, &now, seat(&stranger, "present")).await;
        assert_eq!(problem.problem(400, "validation_failed")["errors"][0]["field"], "seats[0].studentId", "{b:?}");
        let problem = mark(&app, &m.tara.access, &now, seat(&m.sam, "late")).await;
        assert_eq!(problem.problem(400, "validation_failed")["errors"][0]["field"], "seats[0].attendance", "{b:?}");
        let twice = json!({"seats": [{"studentId": m.sam.id, "attendance": "present"}, {"studentId": m.sam.id, "attendance": "absent"}]});
        let problem = mark(&app, &m.tara.access, &now, twice).await;
        assert_eq!(problem.problem(400, "validation_failed")["errors"][0]["field"], "seats[1].studentId", "{b:?}");
        assert_eq!(
            remaining(&app, &m.sam.access, bundle["id"].as_str().unwrap()).await,
            3,
            "{b:?}: refusals change nothing"
        );

        let done = marked(&app, &m.tara.access, &now, seat(&m.sam, "present")).await;
        assert_eq!(done["status"], "completed", "{b:?}");
        assert_eq!(done["seats"][0]["attendance"], "present", "{b:?}");
        assert!(done["completedAt"].is_string(), "{b:?}");
        assert_eq!(ledger_after(&app, &m.sam.access, &bundle, 3).await, vec![pair("attended", 0)], "{b:?}");

        let excused = marked(&app, &admin, &now, seat(&m.sam, "excused")).await;
        assert_eq!(excused["seats"][0]["refunded"], true, "{b:?}");
        assert_eq!(
            ledger_after(&app, &m.sam.access, &bundle, 4).await,
            vec![pair("reversal", 0), pair("refund", 1)],
            "{b:?}: the attended settlement reversed, then the refund"
        );
        assert_eq!(remaining(&app, &m.sam.access, bundle["id"].as_str().unwrap()).await, 4, "{b:?}");

        let absent = marked(&app, &m.tara.access, &now, seat(&m.sam, "absent")).await;
        assert_eq!(absent["seats"][0]["refunded"], false, "{b:?}");
        assert_eq!(
            ledger_after(&app, &m.sam.access, &bundle, 6).await,
            vec![pair("reversal", -1), pair("forfeit", 0)],
            "{b:?}: a no-show under the default policy forfeits, after the refund is taken back"
        );
        assert_eq!(remaining(&app, &m.sam.access, bundle["id"].as_str().unwrap()).await, 3, "{b:?}");
        let same = marked(&app, &m.tara.access, &now, seat(&m.sam, "absent")).await;
        assert_eq!(same["status"], "completed", "{b:?}");
        assert_eq!(
            ledger_after(&app, &m.sam.access, &bundle, 8).await,
            vec![],
            "{b:?}: the same mark again writes nothing"
        );

        let marks = audited(&app, &admin, "attendance.recorded").await;
        assert_eq!(marks.len(), 3, "{b:?}: one event per change of mark");
        assert_eq!(audited(&app, &admin, "ledger.reversal").await.len(), 2, "{b:?}");

        let listed = app.get("/api/v1/bookings?status=completed", Some(&admin)).await.json();
        let ids: Vec<&str> = listed["data"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![now["id"].as_str().unwrap()], "{b:?}: the completed filter");
        let booked_now = app.get("/api/v1/bookings?status=booked", Some(&admin)).await.json();
        assert_eq!(booked_now["data"].as_array().unwrap().len(), 1, "{b:?}: the completed one is no longer booked");
    }
}

#[tokio::test]
async fn the_credit_statement_shows_every_bundle_with_balances_that_match_the_ledger() {
    for app in apps().await {
        let b = app.backend;
        let m = Marking::new(&app, "acme").await;
        let admin = m.academy.admin.access.clone();
        let first = bought(&app, &m.sam, &m.product).await;
        let now = started_session(&app, &m.course, &m.tara, &m.sam, Some(&first)).await;
        marked(&app, &m.tara.access, &now, seat(&m.sam, "excused")).await;
        marked(&app, &m.tara.access, &now, seat(&m.sam, "present")).await;
        let path = format!("/api/v1/students/{}/credit-statement", m.sam.id);
        let statement = app.get(&path, Some(&m.sam.access)).await;
        assert_eq!(statement.status, StatusCode::OK, "{}", statement.text);
        let statement = statement.json();
        let bundles = statement["bundles"].as_array().unwrap();
        assert_eq!(bundles.len(), 1, "{b:?}");
        let entries = bundles[0]["entries"].as_array().unwrap();
        let kinds: Vec<&str> = entries.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["purchase", "debit", "refund", "reversal", "attended"], "{b:?}");
        let balances: Vec<i64> = entries.iter().map(|e| e["balance"].as_i64().unwrap()).collect();
        assert_eq!(balances, [5, 4, 5, 4, 4], "{b:?}");
        assert_eq!(bundles[0]["bundlePurchase"]["remainingSessions"], 4, "{b:?}: the last balance is what is left");
        assert_eq!(entries[1]["bookingId"], now["id"], "{b:?}");
        assert!(entries[0]["at"].is_string(), "{b:?}");

        assert_eq!(app.get(&path, Some(&admin)).await.json(), statement, "{b:?}: admins see the same");
        app.get(&path, Some(&m.tara.access)).await.problem(403, "forbidden");
        let other = m.academy.student("Other").await;
        app.get(&path, Some(&other.access)).await.problem(404, "not_found");
        app.get(&format!("/api/v1/students/{}/credit-statement", m.tara.id), Some(&admin))
            .await
            .problem(404, "not_found");
        app.get(&path, None).await.problem(401, "unauthenticated");
        let empty = app.get(&format!("/api/v1/students/{}/credit-statement", other.id), Some(&other.access)).await;
        assert_eq!(empty.json(), json!({"bundles": []}), "{b:?}");
    }
}

#[tokio::test]
async fn a_ta_no_show_refunds_every_seat_and_tells_the_students() {
    for app in apps().await {
        let b = app.backend;
        let m = Marking::new(&app, "acme").await;
        let admin = m.academy.admin.access.clone();
        let per_session = started_session(&app, &m.course, &m.tara, &m.sam, None).await;
        let no_show = marked(&app, &m.tara.access, &per_session, json!({"taNoShow": true})).await;
        assert_eq!(
            (no_show["status"].as_str(), no_show["taNoShow"].as_bool()),
            (Some("completed"), Some(true)),
            "{b:?}"
        );
        assert_eq!(no_show["seats"][0]["refunded"], true, "{b:?}");
        assert_eq!(no_show["seats"][0]["attendance"], Value::Null, "{b:?}: nobody had to be marked");
        let email = app.email(&m.sam.email, "the TA did not come", 0).await;
        assert!(email.contains("Algebra"), "{b:?}: {email}");

        let back = marked(&app, &admin, &per_session, json!({"taNoShow": false})).await;
        assert_eq!(
            (back["status"].as_str(), back["seats"][0]["refunded"].as_bool()),
            (Some("booked"), Some(false)),
            "{b:?}"
        );
        let present = marked(&app, &admin, &per_session, seat(&m.sam, "present")).await;
        assert_eq!(present["status"], "completed", "{b:?}");

        let kim = m.academy.student("Kim").await;
        let tom = m.academy.ta("Tom").await;
        m.academy.assign(&m.course, &tom.id).await;
        m.academy.open_every_day(&tom.id, "00:00", "24:00").await;
        let bundle = bought(&app, &kim, &m.product).await;
        let paid = started_session(&app, &m.course, &tom, &kim, Some(&bundle)).await;
        marked(&app, &tom.access, &paid, seat(&kim, "absent")).await;
        marked(&app, &tom.access, &paid, json!({"taNoShow": true})).await;
        assert_eq!(
            ledger_after(&app, &kim.access, &bundle, 2).await,
            vec![pair("forfeit", 0), pair("reversal", 0), pair("refund", 1)],
            "{b:?}: the TA's no-show refunds a seat already marked absent"
        );
        assert_eq!(remaining(&app, &kim.access, bundle["id"].as_str().unwrap()).await, 5, "{b:?}");
        app.email(&kim.email, "the TA did not come", 0).await;
    }
}

#[tokio::test]
async fn a_ta_marks_until_48_hours_after_the_end_and_sees_what_is_left_to_mark() {
    for app in apps().await {
        let b = app.backend;
        let m = Marking::new(&app, "acme").await;
        let admin = m.academy.admin.access.clone();
        let body = |hour| with(session(&m.course, berlin(1, hour, 0), 60), &json!({"taId": m.tara.id}));
        let old = booked(&app, &m.sam.access, body(9)).await;
        let recent = booked(&app, &m.sam.access, body(11)).await;
        let ahead = booked(&app, &m.sam.access, body(13)).await;
        move_back(&app, &old, Span::days(5)).await;
        move_back(&app, &recent, Span::days(2)).await;

        let unmarked = app.get("/api/v1/tas/me/unmarked-sessions", Some(&m.tara.access)).await;
        assert_eq!(unmarked.status, StatusCode::OK, "{}", unmarked.text);
        let ids: Vec<Value> = unmarked.json()["data"].as_array().unwrap().iter().map(|x| x["id"].clone()).collect();
        assert_eq!(ids, vec![old["id"].clone(), recent["id"].clone()], "{b:?}: ended sessions, oldest first");
        app.get("/api/v1/tas/me/unmarked-sessions", Some(&m.sam.access)).await.problem(403, "forbidden");
        app.get("/api/v1/tas/me/unmarked-sessions", Some(&admin)).await.problem(403, "forbidden");
        let page = app.get("/api/v1/tas/me/unmarked-sessions?limit=1", Some(&m.tara.access)).await.json();
        let cursor = page["nextCursor"].as_str().unwrap().to_owned();
        let next =
            app.get(&format!("/api/v1/tas/me/unmarked-sessions?limit=1&cursor={cursor}"), Some(&m.tara.access)).await;
        assert_eq!(next.json()["data"][0]["id"], recent["id"], "{b:?}: the cursor pages on");

        mark(&app, &m.tara.access, &old, seat(&m.sam, "present")).await.problem(422, "attendance_locked");
        marked(&app, &admin, &old, seat(&m.sam, "present")).await;
        marked(&app, &m.tara.access, &recent, seat(&m.sam, "present")).await;
        let left = app.get("/api/v1/tas/me/unmarked-sessions", Some(&m.tara.access)).await.json();
        assert_eq!(left["data"], json!([]), "{b:?}: nothing left to mark");

        cancel(&app, &admin, &ahead, json!({})).await;
        mark(&app, &admin, &ahead, seat(&m.sam, "present")).await.problem(409, "already_cancelled");
    }
}

#[tokio::test]
async fn the_worker_expires_bundles_past_their_validity_once() {
    for app in apps().await {
        let b = app.backend;
        let m = Marking::new(&app, "acme").await;
        let admin = m.academy.admin.access.clone();
        let bundle = bought(&app, &m.sam, &m.product).await;
        let id = bundle["id"].as_str().unwrap().to_owned();
        booked(&app, &m.sam.access, with(session(&m.course, berlin(1, 10, 0), 60), &json!({"bundlePurchaseId": id})))
            .await;
        // On PostgreSQL three workers race for it.
        let extra = if b == test_support::Backend::Postgres {
            vec![app.another(|_| {}).await, app.another(|_| {}).await]
        } else {
            vec![]
        };
        expire_bundle(&app, &bundle, Span::seconds(1)).await;
        let mut left = remaining(&app, &m.sam.access, &id).await;
        for _ in 0..100 {
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            left = remaining(&app, &m.sam.access, &id).await;
        }
        assert_eq!(left, 0, "{b:?}: expired within seconds");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            ledger_after(&app, &m.sam.access, &bundle, 1).await,
            vec![pair("debit", -1), pair("expire", -4)],
            "{b:?}: one expire entry, for the credits left"
        );
        let events = audited(&app, &admin, "ledger.expire").await;
        assert_eq!(events.len(), 1, "{b:?}: {} workers, one expiry", 1 + extra.len());
        assert_eq!(events[0]["targetId"], bundle["id"], "{b:?}");
        drop(extra);
    }
}

#[tokio::test]
async fn a_ta_with_sessions_to_mark_gets_one_digest_a_morning() {
    for app in apps().await {
        let b = app.backend;
        let m = Marking::new(&app, "acme").await;
        let old =
            booked(&app, &m.sam.access, with(session(&m.course, berlin(1, 9, 0), 60), &json!({"taId": m.tara.id})))
                .await;
        move_back(&app, &old, Span::days(3)).await;
        let extra = if b == test_support::Backend::Postgres {
            vec![app.another(|_| {}).await, app.another(|_| {}).await]
        } else {
            vec![]
        };
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        let queued = "SELECT count(*) FROM outbox_messages WHERE kind = 'attendance_digest'";
        let days = "SELECT count(*) FROM attendance_digests";
        if Utc::now().with_timezone(&Berlin).hour() >= 7 {
            let instances = 1 + extra.len();
            assert_eq!(count(&app, queued).await, 1, "{b:?}: one digest however many workers run ({instances})");
            assert_eq!(count(&app, days).await, 1, "{b:?}");
            let to_tara = format!("{queued} AND recipient = '{}'", m.tara.email);
            assert_eq!(count(&app, &to_tara).await, 1, "{b:?}: to the TA");
            // Any instance's worker may send it, each into its own outbox directory: the text is
            // read where one instance runs.
            if extra.is_empty() {
                let digest = app.email(&m.tara.email, "Attendance to record: 1 session", 0).await;
                assert!(digest.contains("Algebra"), "{b:?}: {digest}");
            }
        } else {
            assert_eq!(count(&app, queued).await, 0, "{b:?}: no digest before 07:00 in the organization's zone");
        }
        drop(extra);
    }
}

#[tokio::test]
async fn taking_back_a_refund_needs_the_credit_the_student_may_have_spent_since() {
    for app in apps().await {
        let b = app.backend;
        let m = Marking::new(&app, "acme").await;
        let two = m.academy.bundle(&m.course, 2, 30, 8_000).await;
        let bundle = bought(&app, &m.sam, &two).await;
        let id = bundle["id"].as_str().unwrap().to_owned();
        let lesson = started_session(&app, &m.course, &m.tara, &m.sam, Some(&bundle)).await;
        marked(&app, &m.tara.access, &lesson, seat(&m.sam, "excused")).await;
        for hour in [10, 12] {
            let body = with(session(&m.course, berlin(1, hour, 0), 60), &json!({"bundlePurchaseId": id}));
            booked(&app, &m.sam.access, body).await;
        }
        assert_eq!(remaining(&app, &m.sam.access, &id).await, 0, "{b:?}: the refunded credit is spent again");
        let before = ledger(&app, &m.sam.access, &id).await;
        let refused = mark(&app, &m.tara.access, &lesson, seat(&m.sam, "present")).await;
        assert!(refused.problem(409, "bundle_exhausted")["detail"].is_string(), "{b:?}");
        assert_eq!(ledger(&app, &m.sam.access, &id).await, before, "{b:?}: nothing written");
        let path = format!("/api/v1/bookings/{}", lesson["id"].as_str().unwrap());
        let still = app.get(&path, Some(&m.tara.access)).await.json();
        assert_eq!(still["seats"][0]["attendance"], "excused", "{b:?}: the mark stays");
    }
}
