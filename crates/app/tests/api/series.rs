//! Recurring series over HTTP on both backends: "every Tuesday and Thursday at 17:00 Paris time"
//! stays at 17:00 across the DST change, all or nothing names the failing occurrence while
//! partial books the rest, shape errors are 400 and rule errors 422, a bundle pays one credit
//! per session, and a cancellation from a date on refunds the later sessions with one email.

use chrono::{DateTime, Datelike, Duration as Span, NaiveDate, Offset, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Paris;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, Member, berlin, rfc3339};
use crate::bookings::{booked, session, with};
use crate::bundles::{bought, ledger, remaining};
use crate::helpers::{Reply, TestApp, apps};

/// The body of a series of `course` from `at` (60-minute sessions) on `rule`.
pub fn series(course: &str, at: DateTime<Utc>, rule: &str) -> Value {
    json!({"courseId": course, "startsAt": rfc3339(at), "durationMinutes": 60, "recurrence": rule})
}

/// `POST /booking-series` as `token`.
pub async fn book_series(app: &TestApp, token: &str, body: Value) -> Reply {
    app.post("/api/v1/booking-series", Some(token), body).await
}

fn starts(bookings: &Value) -> Vec<DateTime<Utc>> {
    bookings.as_array().unwrap().iter().map(|b| b["startsAt"].as_str().unwrap().parse().unwrap()).collect()
}

fn statuses(bookings: &Value) -> Vec<&str> {
    bookings.as_array().unwrap().iter().map(|b| b["status"].as_str().unwrap()).collect()
}

/// The student's bookings, as they list them.
async fn listed(app: &TestApp, member: &Member) -> Vec<Value> {
    let reply = app.get("/api/v1/bookings?limit=100", Some(&member.access)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["data"].as_array().unwrap().clone()
}

/// 17:00 Paris time on `date`.
fn paris_17(date: NaiveDate) -> DateTime<Utc> {
    Paris.with_ymd_and_hms(date.year(), date.month(), date.day(), 17, 0, 0).unwrap().with_timezone(&Utc)
}

/// The first date, at least `after` days from today, whose noon has another UTC offset than
/// the day before's in Paris: the next DST change.
fn next_dst_change(after: i64) -> NaiveDate {
    let offset = |d: NaiveDate| Paris.from_local_datetime(&d.and_hms_opt(12, 0, 0).unwrap()).unwrap().offset().fix();
    let mut day = Utc::now().with_timezone(&Paris).date_naive() + Span::days(after);
    while offset(day) == offset(day - Span::days(1)) {
        day += Span::days(1);
    }
    day
}

#[tokio::test]
async fn tuesdays_and_thursdays_at_17_paris_time_stay_at_17_across_the_dst_change() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let reply =
            app.patch("/api/v1/organization", Some(&academy.admin.access), json!({"timezone": "Europe/Paris"})).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        academy.settings(json!({"maxAdvanceDays": 400})).await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;

        // From the Tuesday two weeks before the next change until two weeks after it.
        let change = next_dst_change(16);
        let mut first = change - Span::days(14);
        while first.weekday() != Weekday::Tue {
            first += Span::days(1);
        }
        let until = (change + Span::days(14)).format("%Y%m%d");
        let rule = format!("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL={until}");
        let reply = book_series(&app, &sam.access, series(&course, paris_17(first), &rule)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{b:?}: {}", reply.text);
        let location = reply.header("location").unwrap().to_owned();
        let body = reply.json();
        assert_eq!(body["taId"], json!(tas[0].id), "{b:?}: the only TA");
        assert_eq!(body["skipped"], json!([]), "{b:?}");
        let times = starts(&body["bookings"]);
        let mut expected: Vec<DateTime<Utc>> = (0..28)
            .map(|d| first + Span::days(d))
            .filter(|d| matches!(d.weekday(), Weekday::Tue | Weekday::Thu))
            .filter(|d| *d <= change + Span::days(14))
            .map(paris_17)
            .collect();
        expected.truncate(52);
        assert_eq!(times, expected, "{b:?}");
        assert!(times.iter().all(|t| t.with_timezone(&Paris).hour() == 17), "{b:?}: {times:?}");
        let utc_hours: std::collections::BTreeSet<u32> = times.iter().map(Timelike::hour).collect();
        assert_eq!(utc_hours.len(), 2, "{b:?}: the series crosses the change, so two UTC hours: {utc_hours:?}");
        let id = body["id"].as_str().unwrap().to_owned();
        assert_eq!(location, format!("/api/v1/booking-series/{id}"));
        assert!(body["bookings"].as_array().unwrap().iter().all(|b| b["seriesId"] == json!(id)), "{b:?}");
        assert!(body["recurrence"].as_str().unwrap().contains("BYDAY=TU,TH"), "{b:?}: {}", body["recurrence"]);

        // Read back by its student, its TA and an admin; each booking names its series.
        for token in [&sam.access, &tas[0].access, &academy.admin.access] {
            let read = app.get(&location, Some(token)).await;
            assert_eq!(read.status, StatusCode::OK, "{b:?}: {}", read.text);
            assert_eq!(starts(&read.json()["bookings"]), times, "{b:?}");
        }
        assert_eq!(listed(&app, &sam).await.len(), times.len(), "{b:?}");
        let other = academy.student("Olga").await;
        app.get(&location, Some(&other.access)).await.problem(404, "not_found");

        // One email each listing every date, not one per session.
        let mail = app.email(&sam.email, "Booked:", 0).await;
        assert!(mail.contains(&format!("{} sessions of", times.len())), "{b:?}: {mail}");
        let listed_at_17 = mail.lines().filter(|l| l.starts_with("- ") && l.contains("17:00–18:00")).count();
        assert_eq!(listed_at_17, times.len(), "{b:?}: every date at 17:00 in the text part: {mail}");
        let to_ta = app.email(&tas[0].email, "Booked:", 0).await;
        assert!(to_ta.contains("Sam"), "{b:?}: {to_ta}");
        let trail = app.get("/api/v1/admin/audit-events?action=series.booked", Some(&academy.admin.access)).await;
        assert_eq!(trail.json()["data"].as_array().unwrap().len(), 1, "{b:?}: one event for the series");
    }
}

#[tokio::test]
async fn all_or_nothing_names_the_failing_occurrence_and_partial_books_the_rest() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let (sam, olga) = (academy.student("Sam").await, academy.student("Olga").await);
        // Olga already has Tara at the third occurrence.
        let taken = berlin(16, 10, 0);
        booked(&app, &olga.access, with(session(&course, taken, 60), &json!({"taId": tas[0].id}))).await;

        let body = with(series(&course, berlin(2, 10, 0), "FREQ=WEEKLY;COUNT=4"), &json!({"taId": tas[0].id}));
        let refused = book_series(&app, &sam.access, body.clone()).await.problem(409, "ta_unavailable");
        let detail = refused["detail"].as_str().unwrap();
        assert!(detail.contains(&taken.to_rfc3339()), "{b:?}: the failing occurrence is named: {detail}");
        assert!(listed(&app, &sam).await.is_empty(), "{b:?}: nothing booked");

        let partial = book_series(&app, &sam.access, with(body, &json!({"allowPartial": true}))).await;
        assert_eq!(partial.status, StatusCode::CREATED, "{b:?}: {}", partial.text);
        let partial = partial.json();
        let week = |n: i64| berlin(2 + 7 * n, 10, 0);
        assert_eq!(starts(&partial["bookings"]), vec![week(0), week(1), week(3)], "{b:?}");
        assert_eq!(partial["skipped"], json!([{"startsAt": rfc3339(taken), "code": "ta_unavailable"}]), "{b:?}");
        assert_eq!(listed(&app, &sam).await.len(), 3, "{b:?}");
        let mail = app.email(&sam.email, "Booked:", 0).await;
        assert!(mail.contains("Not booked") && mail.contains("another session at that time"), "{b:?}: {mail}");

        // Partial with nothing bookable is refused like all or nothing: the only TA is taken
        // at both times, so the automatic choice finds none.
        let again = with(series(&course, berlin(2, 10, 0), "FREQ=WEEKLY;COUNT=2"), &json!({"allowPartial": true}));
        book_series(&app, &sam.access, again).await.problem(409, "no_ta_available");
    }
}

#[tokio::test]
async fn a_malformed_rule_is_a_validation_error_and_an_impossible_one_invalid_recurrence() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;
        let at = berlin(2, 10, 0);
        for rule in [
            "FREQ=MONTHLY;COUNT=3",
            "FREQ=WEEKLY;COUNT=53",
            "FREQ=WEEKLY;COUNT=1",
            "FREQ=WEEKLY;INTERVAL=5;COUNT=3",
            "FREQ=DAILY;BYDAY=MO;COUNT=3",
            "FREQ=WEEKLY;COUNT=3;UNTIL=20300101",
            "FREQ=WEEKLY",
            "FREQ=WEEKLY;BYMONTH=1;COUNT=3",
            "nonsense",
        ] {
            let problem =
                book_series(&app, &sam.access, series(&course, at, rule)).await.problem(400, "validation_failed");
            let fields: Vec<&str> =
                problem["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
            assert_eq!(fields, vec!["recurrence"], "{b:?}: {rule}: {problem}");
        }
        // Well formed, but more than 52 occurrences, or beyond the 90-day horizon.
        let until = (at + Span::days(60)).format("%Y%m%dT%H%M%SZ");
        let daily = format!("FREQ=DAILY;UNTIL={until}");
        let problem =
            book_series(&app, &sam.access, series(&course, at, &daily)).await.problem(422, "invalid_recurrence");
        assert!(problem["detail"].as_str().unwrap().contains("more than 52"), "{b:?}: {problem}");
        let far = "FREQ=WEEKLY;COUNT=20";
        let problem = book_series(&app, &sam.access, series(&course, at, far)).await.problem(422, "invalid_recurrence");
        assert!(problem["detail"].as_str().unwrap().contains("maxAdvanceDays"), "{b:?}: {problem}");
        assert!(listed(&app, &sam).await.is_empty(), "{b:?}");
    }
}

#[tokio::test]
async fn a_bundle_pays_one_credit_per_session_and_must_have_them_all() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;
        let bundle = bought(&app, &sam, &academy.bundle(&course, 3, 60, 9_000).await).await;
        let bundle_id = bundle["id"].as_str().unwrap().to_owned();
        let paid = json!({"bundlePurchaseId": bundle_id});
        let body = with(series(&course, berlin(2, 10, 0), "FREQ=WEEKLY;COUNT=4"), &paid);

        let problem = book_series(&app, &sam.access, body.clone()).await.problem(409, "bundle_exhausted");
        assert!(problem["detail"].as_str().unwrap().contains(&berlin(23, 10, 0).to_rfc3339()), "{b:?}: {problem}");
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 3, "{b:?}");

        let partial = book_series(&app, &sam.access, with(body, &json!({"allowPartial": true}))).await;
        assert_eq!(partial.status, StatusCode::CREATED, "{b:?}: {}", partial.text);
        let partial = partial.json();
        assert_eq!(partial["bookings"].as_array().unwrap().len(), 3, "{b:?}");
        assert_eq!(partial["skipped"][0]["code"], "bundle_exhausted", "{b:?}");
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 0, "{b:?}");
        let entries = ledger(&app, &sam.access, &bundle_id).await;
        let expected: Vec<(String, i64)> =
            [("purchase", 3), ("debit", -1), ("debit", -1), ("debit", -1)].map(|(k, d)| (k.to_owned(), d)).to_vec();
        assert_eq!(entries, expected, "{b:?}");

        // A bundle ending before the last session: bundle_expired at that session.
        let short = bought(&app, &sam, &academy.bundle(&course, 5, 10, 9_000).await).await;
        let body =
            with(series(&course, berlin(3, 12, 0), "FREQ=WEEKLY;COUNT=3"), &json!({"bundlePurchaseId": short["id"]}));
        let problem = book_series(&app, &sam.access, body).await.problem(422, "bundle_expired");
        assert!(problem["detail"].as_str().unwrap().contains(&berlin(17, 12, 0).to_rfc3339()), "{b:?}: {problem}");
    }
}

#[tokio::test]
async fn cancelling_from_a_date_refunds_the_later_sessions_with_one_email() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;
        let bundle = bought(&app, &sam, &academy.bundle(&course, 5, 60, 9_000).await).await;
        let bundle_id = bundle["id"].as_str().unwrap().to_owned();
        let body =
            with(series(&course, berlin(2, 10, 0), "FREQ=WEEKLY;COUNT=4"), &json!({"bundlePurchaseId": bundle_id}));
        let reply = book_series(&app, &sam.access, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{b:?}: {}", reply.text);
        let id = reply.json()["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/booking-series/{id}/cancel");
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 1);

        // Someone else's series, a bad date: refused, nothing changes.
        let olga = academy.student("Olga").await;
        app.post(&path, Some(&olga.access), json!({})).await.problem(404, "not_found");
        app.post(&path, Some(&sam.access), json!({"from": "next week"})).await.problem(400, "validation_failed");

        let from = rfc3339(berlin(15, 0, 0));
        let reply = app.post(&path, Some(&sam.access), json!({"from": from, "reason": "exams"})).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        let series = reply.json();
        assert_eq!(statuses(&series["bookings"]), vec!["booked", "booked", "cancelled", "cancelled"], "{b:?}");
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 3, "{b:?}: both refunded");
        let kinds: Vec<String> = ledger(&app, &sam.access, &bundle_id).await.into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, ["purchase", "debit", "debit", "debit", "debit", "refund", "refund"], "{b:?}");
        let mail = app.email(&sam.email, "Cancelled:", 0).await;
        assert!(mail.contains("exams") && mail.contains("2 sessions"), "{b:?}: {mail}");
        app.email(&tas[0].email, "Cancelled:", 0).await;

        // The TA cancels the rest (from now on): refunded, as staff cancellations are.
        let reply = app.post(&path, Some(&tas[0].access), json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        assert_eq!(statuses(&reply.json()["bookings"]), vec!["cancelled"; 4], "{b:?}");
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 5, "{b:?}");
    }
}
