//! `POST /bookings/{id}/reschedule` on both backends: a student moves a lesson within the
//! booking's policy and not outside it, keeping id, seats and ledger; admins and TAs move
//! sessions too (only admins name a TA); every refusal has its code and changes nothing; the
//! people involved are emailed, the move is audited, and an `Idempotency-Key` replays it.

use chrono::{DateTime, Duration as Span, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, berlin, rfc3339};
use crate::bookings::{booked, cancel, session, with};
use crate::helpers::{Reply, TestApp, apps};

pub async fn reschedule(app: &TestApp, token: &str, booking: &Value, body: Value) -> Reply {
    app.post(&format!("/api/v1/bookings/{}/reschedule", booking["id"].as_str().unwrap()), Some(token), body).await
}

fn to(at: DateTime<Utc>) -> Value {
    json!({"startsAt": rfc3339(at)})
}

fn starts(b: &Value) -> DateTime<Utc> {
    b["startsAt"].as_str().unwrap().parse().unwrap()
}

async fn get(app: &TestApp, token: &str, booking: &Value) -> Value {
    let reply = app.get(&format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap()), Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()
}

#[tokio::test]
async fn a_student_moves_a_lesson_within_the_policy_and_not_outside_it() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let policy = json!({"policy": {"rescheduleWindowHours": 36, "maxReschedules": 1}});
        let reply = app.patch(&format!("/api/v1/courses/{course}"), Some(&academy.admin.access), policy).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        let sam = academy.student("Sam").await;
        let product = academy.bundle(&course, 5, 90, 15_000).await;
        let bundle = app.post("/api/v1/bundle-purchases", Some(&sam.access), json!({"productId": product["id"]})).await;
        let bundle = bundle.json();
        let ledger_path = format!("/api/v1/bundle-purchases/{}/ledger", bundle["id"].as_str().unwrap());
        let paid = json!({"taId": tas[0].id, "bundlePurchaseId": bundle["id"]});
        let lesson = booked(&app, &sam.access, with(session(&course, berlin(3, 10, 0), 60), &paid)).await;
        let ledger = app.get(&ledger_path, Some(&sam.access)).await.json();

        let moved = reschedule(
            &app,
            &sam.access,
            &lesson,
            json!({"startsAt": rfc3339(berlin(3, 14, 0)),
            "reason": "exam moved"}),
        )
        .await;
        assert_eq!(moved.status, StatusCode::OK, "{b:?}: {}", moved.text);
        let moved = moved.json();
        assert_eq!((&moved["id"], &moved["taId"], &moved["seats"]), (&lesson["id"], &lesson["taId"], &lesson["seats"]));
        assert_eq!((starts(&moved), moved["durationMinutes"].as_i64()), (berlin(3, 14, 0), Some(60)), "{b:?}");
        assert_eq!((moved["sequence"].as_u64(), moved["rescheduleCount"].as_u64()), (Some(1), Some(1)));
        assert_eq!(app.get(&ledger_path, Some(&sam.access)).await.json(), ledger, "{b:?}: no debit, no refund");
        let mail = app.email(&sam.email, "Moved", 0).await;
        assert!(mail.contains("exam moved"), "{b:?}: {mail}");
        app.email(&tas[0].email, "Moved", 0).await;

        // One student reschedule allowed: the second is refused and changes nothing.
        reschedule(&app, &sam.access, &lesson, to(berlin(3, 16, 0))).await.problem(409, "reschedule_limit_reached");
        assert_eq!(get(&app, &sam.access, &lesson).await, moved, "{b:?}");
        // An admin's move does not use the student's allowance; only an admin names a TA.
        let by_admin = reschedule(
            &app,
            &academy.admin.access,
            &lesson,
            json!({"startsAt": rfc3339(berlin(3, 16, 0)),
                "taId": tas[1].id, "durationMinutes": 90}),
        )
        .await;
        assert_eq!(by_admin.status, StatusCode::OK, "{b:?}: {}", by_admin.text);
        let by_admin = by_admin.json();
        assert_eq!(
            (by_admin["taId"].as_str(), by_admin["durationMinutes"].as_i64()),
            (Some(tas[1].id.as_str()), Some(90))
        );
        assert_eq!((by_admin["sequence"].as_u64(), by_admin["rescheduleCount"].as_u64()), (Some(2), Some(1)));
        assert!(app.email(&tas[0].email, "Handed over", 0).await.contains("no longer teach"), "{b:?}");
        app.email(&tas[1].email, "Moved", 0).await;
        let named = json!({"startsAt": rfc3339(berlin(3, 18, 0)), "taId": tas[0].id});
        reschedule(&app, &tas[1].access, &lesson, named.clone()).await.problem(403, "forbidden");
        reschedule(&app, &sam.access, &lesson, named).await.problem(403, "forbidden");

        // Inside the 36-hour window a student can no longer move it; an admin still can.
        let soon =
            booked(&app, &sam.access, with(session(&course, berlin(1, 12, 0), 60), &json!({"taId": tas[0].id}))).await;
        reschedule(&app, &sam.access, &soon, to(berlin(1, 15, 0))).await.problem(422, "reschedule_window_passed");
        let reply = reschedule(&app, &academy.admin.access, &soon, to(berlin(1, 15, 0))).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);

        let events =
            app.get("/api/v1/admin/audit-events?action=booking.rescheduled", Some(&academy.admin.access)).await;
        assert_eq!(events.json()["data"].as_array().unwrap().len(), 3, "{b:?}: {}", events.text);
    }
}

#[tokio::test]
async fn the_ta_keeps_the_session_if_free_else_one_is_chosen_or_it_is_refused() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let [sam, kim] = [academy.student("Sam").await, academy.student("Kim").await];
        let tara = json!({"taId": tas[0].id});
        let lesson = booked(&app, &sam.access, with(session(&course, berlin(3, 10, 0), 60), &tara)).await;
        let busy = booked(&app, &kim.access, with(session(&course, berlin(3, 14, 0), 60), &tara)).await;

        // Over its own time: the session itself is never in the way.
        let reply = reschedule(&app, &tas[0].access, &lesson, to(berlin(3, 10, 30))).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        // Tara is busy at 14:00: Tara moving her own session is refused; Sam gets Theo.
        reschedule(&app, &tas[0].access, &lesson, to(berlin(3, 14, 30))).await.problem(409, "ta_unavailable");
        let reply = reschedule(&app, &sam.access, &lesson, to(berlin(3, 14, 30))).await;
        assert_eq!(reply.json()["taId"].as_str(), Some(tas[1].id.as_str()), "{b:?}: {}", reply.text);
        // Kim's session moves freely; Sam's lesson cannot land on Sam's other lesson.
        let reply = reschedule(&app, &academy.admin.access, &busy, to(berlin(3, 15, 30))).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        booked(&app, &sam.access, with(session(&course, berlin(3, 17, 0), 60), &tara)).await;
        reschedule(&app, &sam.access, &lesson, to(berlin(3, 17, 0))).await.problem(409, "student_unavailable");
        // Outside every TA's hours, too far ahead, a length off the grid, bad fields.
        reschedule(&app, &sam.access, &lesson, to(berlin(3, 21, 0))).await.problem(409, "no_ta_available");
        reschedule(&app, &tas[1].access, &lesson, to(berlin(3, 21, 0))).await.problem(422, "outside_ta_availability");
        reschedule(&app, &sam.access, &lesson, to(berlin(400, 10, 0))).await.problem(422, "booking_too_far_ahead");
        let soon = Utc::now() + Span::minutes(20);
        reschedule(&app, &academy.admin.access, &lesson, to(soon)).await.problem(422, "booking_too_soon");
        let una = academy.ta("Una").await;
        let named = json!({"startsAt": rfc3339(berlin(3, 16, 0)), "taId": una.id});
        reschedule(&app, &academy.admin.access, &lesson, named).await.problem(422, "ta_not_assigned_to_course");
        // A seat paid by a bundle must be inside the bundle's validity at the new time.
        let short = academy.bundle(&course, 2, 2, 5_000).await;
        let bundle = app.post("/api/v1/bundle-purchases", Some(&kim.access), json!({"productId": short["id"]})).await;
        let paid = json!({"taId": tas[0].id, "bundlePurchaseId": bundle.json()["id"]});
        let bundled = booked(&app, &kim.access, with(session(&course, berlin(1, 10, 0), 60), &paid)).await;
        reschedule(&app, &academy.admin.access, &bundled, to(berlin(4, 10, 0))).await.problem(422, "bundle_expired");
        let bad = reschedule(
            &app,
            &sam.access,
            &lesson,
            json!({"startsAt": "tomorrow", "durationMinutes": 17,
            "taId": "x"}),
        )
        .await;
        let fields: Vec<_> = bad.problem(400, "validation_failed")["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(fields, ["startsAt", "durationMinutes", "taId"], "{b:?}");
        let before = get(&app, &sam.access, &lesson).await;
        assert_eq!(starts(&before), berlin(3, 14, 30), "{b:?}: refusals changed nothing");

        // Another tenant's, a cancelled one, and one that has started.
        let other = Academy::new(&app, "globex").await;
        reschedule(&app, &other.admin.access, &lesson, to(berlin(3, 16, 0))).await.problem(404, "not_found");
        assert_eq!(cancel(&app, &sam.access, &lesson, json!({})).await.status, StatusCode::OK);
        reschedule(&app, &academy.admin.access, &lesson, to(berlin(3, 16, 0))).await.problem(409, "already_cancelled");
        academy.settings(json!({"minNoticeMinutes": 0})).await;
        academy.open_every_day(&tas[0].id, "00:00", "24:00").await;
        let at = DateTime::from_timestamp(Utc::now().timestamp() + 3, 0).unwrap();
        let now_lesson = booked(&app, &sam.access, with(session(&course, at, 15), &tara)).await;
        let wait = (at - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(200);
        tokio::time::sleep(wait).await;
        reschedule(&app, &academy.admin.access, &now_lesson, to(at + Span::hours(3)))
            .await
            .problem(422, "booking_in_past");
    }
}

#[tokio::test]
async fn a_student_leaves_a_group_session_rather_than_moving_it_and_a_key_replays_a_move() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;
        let template = app
            .post(
                "/api/v1/group-session-templates",
                Some(&academy.admin.access),
                json!({"courseId": course, "taId": tas[0].id, "title": "Exam prep", "capacity": 4,
                       "durationMinutes": 60, "pricePerStudentCents": 1_500}),
            )
            .await
            .json();
        let group = app
            .post(
                "/api/v1/group-sessions",
                Some(&academy.admin.access),
                json!({"templateId": template["id"], "startsAt": rfc3339(berlin(4, 14, 0))}),
            )
            .await
            .json();
        let joined = app
            .post(
                &format!("/api/v1/group-sessions/{}/join", group["id"].as_str().unwrap()),
                Some(&sam.access),
                json!({}),
            )
            .await;
        assert_eq!(joined.status, StatusCode::OK, "{b:?}: {}", joined.text);
        reschedule(&app, &sam.access, &group, to(berlin(4, 16, 0))).await.problem(403, "forbidden");
        let reply = reschedule(&app, &tas[0].access, &group, to(berlin(4, 16, 0))).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        assert_eq!(reply.json()["seats"].as_array().unwrap().len(), 1, "{b:?}: the seat moves with it");
        app.email(&sam.email, "Moved", 0).await;

        let lesson = booked(&app, &sam.access, session(&course, berlin(5, 10, 0), 60)).await;
        let path = format!("/api/v1/bookings/{}/reschedule", lesson["id"].as_str().unwrap());
        let first = app.post_keyed(&path, Some(&sam.access), to(berlin(5, 12, 0)), "move-1").await;
        assert_eq!(first.status, StatusCode::OK, "{b:?}: {}", first.text);
        let again = app.post_keyed(&path, Some(&sam.access), to(berlin(5, 12, 0)), "move-1").await;
        assert_eq!((again.status, again.header("idempotent-replayed")), (StatusCode::OK, Some("true")));
        assert_eq!(again.json(), first.json(), "{b:?}");
        assert_eq!(get(&app, &sam.access, &lesson).await["sequence"], 1, "{b:?}: moved once");
    }
}
