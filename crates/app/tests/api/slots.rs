//! `GET /courses/{id}/slots`: the grid starts inside the TAs' hours (weekly, overrides, their own
//! time zone), the scheduling window, the one-TA filter, and every refused query. Pages and the
//! cost bound are in `slot_pages`.

use chrono::{DateTime, Datelike, Duration as Span, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::America::New_York;
use chrono_tz::Europe::Berlin;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, berlin, rfc3339};
use crate::helpers::{Reply, TestApp, apps};

/// The search, with `from` and `to` as instants, in pages of 100.
pub async fn search(
    app: &TestApp,
    token: &str,
    course: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    rest: &str,
) -> Reply {
    let path = format!("/api/v1/courses/{course}/slots?from={}&to={}&limit=100&{rest}", rfc3339(from), rfc3339(to));
    app.get(&path, Some(token)).await
}

/// The slots of a successful search that fits one page: start and TAs, checking each end
/// against `minutes`.
pub fn slots(reply: &Reply, minutes: i64) -> Vec<(DateTime<Utc>, Vec<String>)> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body.as_object().unwrap().len(), 2, "`data` and `nextCursor`: {body}");
    assert_eq!(body["nextCursor"], Value::Null, "one page: {body}");
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let start: DateTime<Utc> = s["startsAt"].as_str().unwrap().parse().unwrap();
            let end: DateTime<Utc> = s["endsAt"].as_str().unwrap().parse().unwrap();
            assert!(s["startsAt"].as_str().unwrap().ends_with('Z'), "{s}");
            assert_eq!(end - start, Span::minutes(minutes), "{s}");
            let tas = s["taIds"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
            (start, tas)
        })
        .collect()
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    ids.sort();
    ids
}

pub fn refused(reply: &Reply) -> Vec<String> {
    let body = reply.problem(400, "validation_failed");
    body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

/// Today's date in Berlin plus `days`.
fn berlin_date(days: i64) -> NaiveDate {
    Utc::now().with_timezone(&Berlin).date_naive() + Span::days(days)
}

fn new_york(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    New_York.with_ymd_and_hms(date.year(), date.month(), date.day(), hour, minute, 0).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn slots_are_grid_starts_inside_some_tas_hours() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let course = academy.course("ALG-1", "Algebra").await;
        let course = course["id"].as_str().unwrap().to_owned();
        let tara = academy.ta("Tara").await;
        let theo = academy.ta("Theo").await;
        for (ta, start, end) in [(&tara, "10:00", "12:00"), (&theo, "11:00", "13:00")] {
            academy.assign(&course, &ta.id).await;
            academy.open_every_day(&ta.id, start, end).await;
        }
        let student = academy.student("Sam").await;
        let (day, next_day) = (berlin(2, 0, 0), berlin(3, 0, 0));
        let (t, th) = (tara.id.as_str(), theo.id.as_str());

        let hour = search(&app, &student.access, &course, day, next_day, "durationMinutes=60").await;
        assert_eq!(
            slots(&hour, 60),
            vec![
                (berlin(2, 10, 0), sorted(&[t])),
                (berlin(2, 10, 30), sorted(&[t])),
                (berlin(2, 11, 0), sorted(&[t, th])),
                (berlin(2, 11, 30), sorted(&[th])),
                (berlin(2, 12, 0), sorted(&[th])),
            ],
            "{:?}",
            app.backend
        );
        let long = search(&app, &theo.access, &course, day, next_day, "durationMinutes=120").await;
        assert_eq!(slots(&long, 120), vec![(berlin(2, 10, 0), sorted(&[t])), (berlin(2, 11, 0), sorted(&[th]))]);
        let only_theo =
            search(&app, &student.access, &course, day, next_day, &format!("durationMinutes=60&taId={th}")).await;
        assert_eq!(
            slots(&only_theo, 60),
            vec![
                (berlin(2, 11, 0), sorted(&[th])),
                (berlin(2, 11, 30), sorted(&[th])),
                (berlin(2, 12, 0), sorted(&[th]))
            ]
        );

        // The window is [from, to) and may be written with any offset.
        let local = |at: DateTime<Utc>| at.with_timezone(&Berlin).to_rfc3339().replace('+', "%2B");
        let path = format!(
            "/api/v1/courses/{course}/slots?from={}&to={}&durationMinutes=60",
            local(berlin(2, 10, 30)),
            local(berlin(2, 11, 30))
        );
        let starts: Vec<DateTime<Utc>> =
            slots(&app.get(&path, Some(&student.access)).await, 60).into_iter().map(|s| s.0).collect();
        assert_eq!(starts, vec![berlin(2, 10, 30), berlin(2, 11, 0)]);

        // The organization's grid decides the candidate starts.
        academy.settings(json!({"slotStepMinutes": 60})).await;
        let hourly = search(&app, &student.access, &course, day, next_day, "durationMinutes=60").await;
        assert_eq!(
            slots(&hourly, 60),
            vec![
                (berlin(2, 10, 0), sorted(&[t])),
                (berlin(2, 11, 0), sorted(&[t, th])),
                (berlin(2, 12, 0), sorted(&[th]))
            ]
        );
        academy.settings(json!({"slotStepMinutes": 15})).await;
        let fine = slots(&search(&app, &student.access, &course, day, next_day, "durationMinutes=45").await, 45);
        assert_eq!(fine.first().map(|s| s.0), Some(berlin(2, 10, 0)));
        assert_eq!(fine.iter().find(|s| s.1.len() == 2).map(|s| s.0), Some(berlin(2, 11, 0)));
        assert_eq!(fine.last().map(|s| s.0), Some(berlin(2, 12, 15)));
        assert_eq!(fine.len(), 10, "10:00 to 12:15 every 15 minutes: {fine:?}");

        // A TA removed from the course is no longer offered.
        app.delete(&format!("/api/v1/courses/{course}/tas/{th}"), Some(&academy.admin.access)).await;
        let without = slots(&search(&app, &student.access, &course, day, next_day, "durationMinutes=60").await, 60);
        assert!(!without.is_empty() && without.iter().all(|s| s.1 == sorted(&[t])), "{without:?}");
    }
}

#[tokio::test]
async fn overrides_and_the_tas_own_time_zone_shape_the_slots() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let course = academy.course("ALG-1", "Algebra").await;
        let course = course["id"].as_str().unwrap().to_owned();
        let tara = academy.ta("Tara").await;
        academy.assign(&course, &tara.id).await;
        let d = berlin_date(3);
        let weekly: Vec<Value> = (1..=7).map(|w| json!({"weekday": w, "start": "04:00", "end": "05:00"})).collect();
        let hours = json!({"timezone": "America/New_York", "weekly": weekly, "overrides": [
            {"date": (d + Span::days(1)).format("%Y-%m-%d").to_string(), "intervals": []},
            {"date": (d + Span::days(2)).format("%Y-%m-%d").to_string(),
             "intervals": [{"start": "06:00", "end": "07:00"}]}
        ]});
        let reply = app.put(&format!("/api/v1/tas/{}/availability", tara.id), Some(&tara.access), Some(hours)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

        let from = berlin(3, 0, 0);
        let to = berlin(6, 0, 0);
        let found = slots(&search(&app, &tara.access, &course, from, to, "durationMinutes=30").await, 30);
        let two_days = d + Span::days(2);
        let expected = vec![
            (new_york(d, 4, 0), sorted(&[&tara.id])),
            (new_york(d, 4, 30), sorted(&[&tara.id])),
            (new_york(two_days, 6, 0), sorted(&[&tara.id])),
            (new_york(two_days, 6, 30), sorted(&[&tara.id])),
        ];
        assert_eq!(found, expected, "{:?}: New York hours, a day off, a day with other hours", app.backend);
        let too_long = slots(&search(&app, &tara.access, &course, from, to, "durationMinutes=90").await, 90);
        assert!(too_long.is_empty(), "no hour-long range holds 90 minutes: {too_long:?}");
    }
}

#[tokio::test]
async fn the_scheduling_window_and_the_course_state_bound_the_slots() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("ALG-1", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let admin = academy.admin();
        academy.settings(json!({"minNoticeMinutes": 2880, "maxAdvanceDays": 3})).await;
        let now = Utc::now();

        let found = slots(
            &search(&app, &admin.access, &course, berlin(0, 0, 0), berlin(6, 0, 0), "durationMinutes=60").await,
            60,
        );
        assert!(!found.is_empty(), "{:?}", app.backend);
        for (start, ta_ids) in &found {
            assert!(*start >= now + Span::days(2) && *start <= now + Span::days(3) + Span::minutes(1), "{start}");
            let local = start.with_timezone(&Berlin);
            assert!(local.minute() % 30 == 0 && (8..=19).contains(&local.hour()), "{local}");
            assert_eq!(ta_ids, &vec![tas[0].id.clone()]);
        }

        let path = format!("/api/v1/courses/{course}");
        app.patch(&path, Some(&admin.access), json!({"active": false})).await;
        let closed = search(&app, &admin.access, &course, berlin(0, 0, 0), berlin(6, 0, 0), "durationMinutes=60").await;
        assert_eq!(closed.json(), json!({"data": [], "nextCursor": null}), "an inactive course has no slots");
        let closed_ta = format!("durationMinutes=60&taId={}", tas[0].id);
        assert_eq!(
            search(&app, &admin.access, &course, berlin(0, 0, 0), berlin(6, 0, 0), &closed_ta).await.json()["data"],
            json!([])
        );

        let empty = academy.course("EMPTY-1", "No TAs").await;
        let none = search(
            &app,
            &admin.access,
            empty["id"].as_str().unwrap(),
            berlin(0, 0, 0),
            berlin(6, 0, 0),
            "durationMinutes=60",
        );
        assert_eq!(none.await.json(), json!({"data": [], "nextCursor": null}), "a course without TAs has no slots");
    }
}

#[tokio::test]
async fn bad_searches_are_refused_with_their_codes() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("ALG-1", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let token = academy.student("Sam").await.access;
        let base = format!("/api/v1/courses/{course}/slots");
        let from = berlin(1, 0, 0);

        let month = search(&app, &token, &course, from, from + Span::days(31), "durationMinutes=60").await;
        assert_eq!(month.status, StatusCode::OK, "31 days is the longest window: {}", month.text);
        let over = search(&app, &token, &course, from, from + Span::days(31) + Span::minutes(1), "durationMinutes=60");
        assert_eq!(refused(&over.await), vec!["to"], "{:?}", app.backend);
        assert_eq!(refused(&search(&app, &token, &course, from, from, "durationMinutes=60").await), vec!["to"]);
        for duration in ["50", "0", "255", "-15", "abc", ""] {
            let reply =
                search(&app, &token, &course, from, from + Span::days(1), &format!("durationMinutes={duration}")).await;
            assert_eq!(refused(&reply), vec!["durationMinutes"], "{duration}");
        }
        let t = rfc3339(from);
        for (query, fields) in [
            (String::new(), vec!["from", "to", "durationMinutes"]),
            (format!("to={t}&durationMinutes=60"), vec!["from"]),
            (format!("from=tomorrow&to={t}&durationMinutes=60"), vec!["from"]),
            (format!("from={t}&to=2031-13-01T00:00:00Z&durationMinutes=60"), vec!["to"]),
            (format!("from={t}&to={t}&durationMinutes=50&taId=nobody"), vec!["to", "durationMinutes", "taId"]),
        ] {
            let mut got = refused(&app.get(&format!("{base}?{query}"), Some(&token)).await);
            got.sort();
            let mut want: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
            want.sort();
            assert_eq!(got, want, "{query}");
        }

        let day = |ta: &str| format!("durationMinutes=60&taId={ta}");
        let to = from + Span::days(1);
        let other = Academy::new(&app, "other").await;
        let (foreign_course, foreign_tas) = other.course_with_tas("ALG-1", &["Olga"]).await;
        let foreign_course = foreign_course["id"].as_str().unwrap();
        let student_id = app.get("/api/v1/me", Some(&token)).await.json()["id"].as_str().unwrap().to_owned();
        search(&app, &token, foreign_course, from, to, "durationMinutes=60").await.problem(404, "not_found");
        search(&app, &token, &uuid::Uuid::now_v7().to_string(), from, to, "durationMinutes=60")
            .await
            .problem(404, "not_found");
        search(&app, &token, &course, from, to, &day(&foreign_tas[0].id)).await.problem(404, "not_found");
        search(&app, &token, &course, from, to, &day(&student_id)).await.problem(404, "not_found");
        search(&app, &token, &course, from, to, &day(&uuid::Uuid::now_v7().to_string()))
            .await
            .problem(404, "not_found");
        // The query's shape is checked before anything is looked up.
        assert_eq!(
            refused(&search(&app, &token, foreign_course, from, to, "durationMinutes=7").await),
            vec!["durationMinutes"]
        );

        let unassigned = academy.ta("Uma").await;
        search(&app, &token, &course, from, to, &day(&unassigned.id)).await.problem(422, "ta_not_assigned_to_course");
        let mine = slots(&search(&app, &token, &course, from, to, &day(&tas[0].id)).await, 60);
        assert!(!mine.is_empty());
        app.get(&format!("{base}?durationMinutes=60"), None).await.problem(401, "unauthenticated");
    }
}
