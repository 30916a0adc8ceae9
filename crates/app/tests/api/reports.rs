//! The admin reports over HTTP on both backends: the sessions and TA reports as JSON and as CSV
//! (the same rows; RFC 4180 quoting read back with the `csv` crate; formulas neutralized; the
//! attachment's name), the filters, and who may read them.

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use test_support::Backend;

use crate::academy::{Academy, Member, berlin, rfc3339};
use crate::bookings::{booked, cancel, session, with};
use crate::bundles::bought;
use crate::helpers::{Reply, TestApp, apps};

const SESSION_COLUMNS: [&str; 12] = [
    "bookingId",
    "startsAt",
    "courseCode",
    "taName",
    "durationMinutes",
    "seats",
    "present",
    "absent",
    "excused",
    "taNoShow",
    "amountCents",
    "currency",
];
const TA_COLUMNS: [&str; 6] = ["taId", "taName", "sessions", "hours", "studentNoShows", "taNoShows"];

/// A name a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"http://x.test\")";
/// A name that needs quoting in CSV once a line break is added in the database (the API keeps
/// names on one line, imported data may not).
const QUOTED: &str = "Doe, \"JJ\"";
const QUOTED_STORED: &str = "Doe, \"JJ\"\nJunior";

/// A uuid as a SQL literal of the app's backend.
fn sql_id(app: &TestApp, id: &str) -> String {
    match app.backend {
        Backend::Postgres => format!("'{id}'"),
        Backend::Sqlite => format!("x'{}'", id.replace('-', "")),
    }
}

async fn sql(app: &TestApp, statement: &str) {
    let db = Database::connect(app.database_url()).await.unwrap();
    db.execute_unprepared(statement).await.unwrap();
    db.close().await.unwrap();
}

/// A TA invited by the admin under `name`, assigned to `course` and open every day.
async fn invited_ta(academy: &Academy<'_>, course: &str, name: &str, email: &str) -> String {
    let admin = &academy.admin.access;
    let reply = academy.app.post("/api/v1/tas", Some(admin), json!({"email": email, "name": name})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let id = reply.json()["id"].as_str().unwrap().to_owned();
    academy.assign(course, &id).await;
    academy.open_every_day(&id, "08:00", "20:00").await;
    id
}

async fn report(app: &TestApp, token: Option<&str>, path: &str, accept: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = accept.map(|a| vec![("accept", a)]).unwrap_or_default();
    app.request_with(Method::GET, path, token, None, &headers).await
}

fn window(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    format!("from={}&to={}", rfc3339(from), rfc3339(to))
}

/// The records of a CSV body, the header first.
fn records(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// A JSON value as the CSV writes it.
fn cell(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

/// The world of these tests: an academy whose three TAs taught three sessions in the window
/// (one of a cancelled pair), with marks set in the database.
struct Taught {
    tara: Member,
    sam: Member,
    formula_ta: String,
    quoted_ta: String,
    course: String,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    /// Tara's (per session, Sam absent), the formula TA's (a bundle credit, TA no-show) and the
    /// quoted TA's (per session) sessions, by start.
    bookings: Vec<Value>,
}

async fn taught(app: &TestApp) -> (Academy<'_>, Taught) {
    let academy = Academy::new(app, "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let tara = tas[0].clone();
    let formula_ta = invited_ta(&academy, &course, FORMULA, "formula@acme.test").await;
    let quoted_ta = invited_ta(&academy, &course, QUOTED, "jj@acme.test").await;
    let (sam, sue) = (academy.student("Sam").await, academy.student("Sue").await);
    // 10 000 cents for 3 credits: a credit is worth 3 333.
    let product = academy.bundle(&course, 3, 60, 10_000).await;
    let bundle = bought(app, &sue, &product).await;

    let per_session =
        booked(app, &sam.access, with(session(&course, berlin(2, 10, 0), 60), &json!({"taId": tara.id}))).await;
    let by_credit =
        with(session(&course, berlin(2, 12, 0), 90), &json!({"taId": formula_ta, "bundlePurchaseId": bundle["id"]}));
    let by_credit = booked(app, &sue.access, by_credit).await;
    let short =
        booked(app, &sam.access, with(session(&course, berlin(3, 10, 0), 30), &json!({"taId": quoted_ta}))).await;
    let dropped =
        booked(app, &sue.access, with(session(&course, berlin(3, 14, 0), 60), &json!({"taId": quoted_ta}))).await;
    assert_eq!(cancel(app, &academy.admin.access, &dropped, json!({})).await.status, StatusCode::OK);

    let id = |b: &Value| sql_id(app, b["id"].as_str().unwrap());
    let (booking, student) = (id(&per_session), sql_id(app, &sam.id));
    sql(
        app,
        &format!(
            "UPDATE booking_seats SET attendance = 'absent' WHERE booking_id = {booking} AND student_id = {student}"
        ),
    )
    .await;
    sql(app, &format!("UPDATE bookings SET ta_no_show = TRUE WHERE id = {}", id(&by_credit))).await;
    let name = QUOTED_STORED.replace('\'', "''");
    sql(app, &format!("UPDATE users SET name = '{name}' WHERE id = {}", sql_id(app, &quoted_ta))).await;

    let world = Taught {
        tara,
        sam,
        formula_ta,
        quoted_ta,
        course,
        from: berlin(1, 0, 0),
        to: berlin(5, 0, 0),
        bookings: vec![per_session, by_credit, short],
    };
    (academy, world)
}

#[tokio::test]
async fn the_sessions_report_lists_each_session_once_as_json_and_as_csv() {
    for app in apps().await {
        let b = app.backend;
        let (academy, t) = taught(&app).await;
        let admin = Some(academy.admin.access.as_str());
        let path = format!("/api/v1/reports/sessions?{}", window(t.from, t.to));

        let reply = report(&app, admin, &path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let rows = reply.json()["data"].as_array().unwrap().clone();
        let expected = [
            (&t.bookings[0], "Tara", 60, 0, 1, false, 4_000),
            (&t.bookings[1], FORMULA, 90, 0, 0, true, 3_333),
            (&t.bookings[2], QUOTED_STORED, 30, 0, 0, false, 4_000),
        ];
        assert_eq!(rows.len(), expected.len(), "{b:?}: the cancelled session is left out: {rows:?}");
        for (row, (booking, ta, minutes, present, absent, ta_no_show, amount)) in rows.iter().zip(expected) {
            let want = json!({"bookingId": booking["id"], "startsAt": booking["startsAt"], "courseCode": "MATH-101",
                "taName": ta, "durationMinutes": minutes, "seats": 1, "present": present, "absent": absent,
                "excused": 0, "taNoShow": ta_no_show, "amountCents": amount, "currency": "EUR"});
            assert_eq!(row, &want, "{b:?}");
        }

        let csv = report(&app, admin, &path, Some("text/csv")).await;
        assert_eq!(csv.status, StatusCode::OK, "{b:?}: {}", csv.text);
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        let name = format!("sessions-{}-{}.csv", t.from.format("%Y-%m-%d"), t.to.format("%Y-%m-%d"));
        assert_eq!(csv.header("content-disposition"), Some(format!("attachment; filename=\"{name}\"").as_str()));
        assert!(csv.text.ends_with("\r\n") && !csv.text.starts_with('\u{feff}'), "CRLF, no byte-order mark");
        assert!(csv.text.contains("\"Doe, \"\"JJ\"\"\nJunior\""), "{b:?}: RFC 4180 quoting: {}", csv.text);
        let records = records(&csv.text);
        assert_eq!(records[0], SESSION_COLUMNS, "{b:?}: the JSON field names");
        assert_eq!(records.len(), rows.len() + 1);
        for (record, row) in records[1..].iter().zip(&rows) {
            let mut want: Vec<String> = SESSION_COLUMNS.iter().map(|c| cell(&row[c])).collect();
            if want[3] == FORMULA {
                want[3] = format!("'{FORMULA}");
            }
            assert_eq!(record, &want, "{b:?}");
        }
        assert_eq!(records[2][3], format!("'{FORMULA}"), "a formula is text");
        assert_eq!(records[3][3], QUOTED_STORED, "quotes, comma and line break read back");
    }
}

#[tokio::test]
async fn the_sessions_report_filters_by_window_course_and_ta() {
    for app in apps().await {
        let b = app.backend;
        let (academy, t) = taught(&app).await;
        let admin = Some(academy.admin.access.as_str());
        let ids = |reply: &Reply| -> Vec<String> {
            assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
            reply.json()["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["bookingId"].as_str().unwrap().to_owned())
                .collect()
        };
        let booking = |n: usize| t.bookings[n]["id"].as_str().unwrap().to_owned();
        let sessions = |query: String| format!("/api/v1/reports/sessions?{query}");

        // Half-open on the start: a window ending at the second session's start leaves it out.
        let first_only = report(&app, admin, &sessions(window(t.from, berlin(2, 12, 0))), None).await;
        assert_eq!(ids(&first_only), vec![booking(0)]);
        let of_ta = sessions(format!("{}&taId={}", window(t.from, t.to), t.formula_ta));
        assert_eq!(ids(&report(&app, admin, &of_ta, None).await), vec![booking(1)]);
        let of_course = sessions(format!("{}&courseId={}", window(t.from, t.to), t.course));
        assert_eq!(ids(&report(&app, admin, &of_course, None).await).len(), 3);
        let of_other = sessions(format!("{}&courseId={}", window(t.from, t.to), uuid::Uuid::now_v7()));
        assert!(ids(&report(&app, admin, &of_other, None).await).is_empty());
        // Another academy's admin sees none of it.
        let theirs = app.sign_up("theirs").await;
        assert!(ids(&report(&app, Some(&theirs.access), &sessions(window(t.from, t.to)), None).await).is_empty());
    }
}

#[tokio::test]
async fn the_ta_report_sums_each_tas_sessions_by_name_as_json_and_as_csv() {
    for app in apps().await {
        let b = app.backend;
        let (academy, t) = taught(&app).await;
        let admin = Some(academy.admin.access.as_str());
        let path = format!("/api/v1/reports/tas?{}", window(t.from, t.to));

        let reply = report(&app, admin, &path, Some("application/json")).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        // By name in byte order: `=`, then `D`, then `T`.
        let want = json!({"data": [
            {"taId": t.formula_ta, "taName": FORMULA, "sessions": 1, "hours": 1.5, "studentNoShows": 0, "taNoShows": 1},
            {"taId": t.quoted_ta, "taName": QUOTED_STORED, "sessions": 1, "hours": 0.5, "studentNoShows": 0, "taNoShows": 0},
            {"taId": t.tara.id, "taName": "Tara", "sessions": 1, "hours": 1.0, "studentNoShows": 1, "taNoShows": 0},
        ]});
        assert_eq!(reply.json(), want, "{b:?}");

        let csv = report(&app, admin, &path, Some("text/csv, application/json;q=0.5")).await;
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"), "{b:?}: {}", csv.text);
        let name = format!("tas-{}-{}.csv", t.from.format("%Y-%m-%d"), t.to.format("%Y-%m-%d"));
        assert_eq!(csv.header("content-disposition"), Some(format!("attachment; filename=\"{name}\"").as_str()));
        let formula = format!("'{FORMULA}");
        let want: Vec<Vec<&str>> = vec![
            TA_COLUMNS.to_vec(),
            vec![&t.formula_ta, &formula, "1", "1.50", "0", "1"],
            vec![&t.quoted_ta, QUOTED_STORED, "1", "0.50", "0", "0"],
            vec![&t.tara.id, "Tara", "1", "1.00", "1", "0"],
        ];
        assert_eq!(records(&csv.text), want, "{b:?}");

        let of_tara = format!("/api/v1/reports/tas?{}&taId={}", window(t.from, t.to), t.tara.id);
        let rows = report(&app, admin, &of_tara, None).await.json()["data"].as_array().unwrap().clone();
        assert_eq!(rows.iter().map(|r| r["taName"].clone()).collect::<Vec<_>>(), vec![json!("Tara")]);
    }
}

#[tokio::test]
async fn only_admins_read_reports_and_bad_windows_are_named() {
    for app in apps().await {
        let b = app.backend;
        let (academy, t) = taught(&app).await;
        let query = window(t.from, t.to);
        for report_path in ["/api/v1/reports/sessions", "/api/v1/reports/tas"] {
            let path = format!("{report_path}?{query}");
            for (who, token) in [("ta", &t.tara.access), ("student", &t.sam.access)] {
                for accept in [None, Some("text/csv")] {
                    let reply = report(&app, Some(token), &path, accept).await;
                    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{b:?}: {who} {path}: {}", reply.text);
                    reply.problem(403, "forbidden");
                }
            }
            report(&app, None, &path, None).await.problem(401, "unauthenticated");

            let admin = Some(academy.admin.access.as_str());
            let refused = |reply: Reply| -> Vec<String> {
                let body = reply.problem(400, "validation_failed");
                body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
            };
            let backwards = format!("{report_path}?{}", window(t.to, t.from));
            assert_eq!(refused(report(&app, admin, &backwards, Some("text/csv")).await), ["to"], "{b:?}");
            let empty = format!("{report_path}?{}", window(t.from, t.from));
            assert_eq!(refused(report(&app, admin, &empty, None).await), ["to"]);
            let too_long = format!("{report_path}?{}", window(t.from, t.from + chrono::Duration::days(367)));
            assert_eq!(refused(report(&app, admin, &too_long, None).await), ["to"]);
            let bad = format!("{report_path}?to={}&courseId=nope&taId=", rfc3339(t.to));
            assert_eq!(refused(report(&app, admin, &bad, None).await), ["from", "courseId"]);
        }
    }
}
