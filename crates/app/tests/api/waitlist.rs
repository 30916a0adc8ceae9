//! The waitlist of a full group session over HTTP: first in, first out promotion when a seat
//! frees (with the promotion email), `full` ⇄ `open`, leaving the waitlist, and every refusal.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::academy::{Member, berlin};
use crate::bookings::{booked, cancel, session as individual};
use crate::group_fixture::{Groups, action, fields, ids_of, join, leave, listed, ok, seat_ids, wait};
use crate::helpers::{TestApp, apps};

/// Joins the waitlist, expecting 201 at `position`.
async fn waiting(app: &TestApp, session: &Value, student: &Member, position: u64) -> Value {
    let reply = wait(app, session, student).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
    let place = reply.json();
    assert_eq!(place["position"], position, "{} waits at {position}: {place}", student.email);
    place
}

/// `DELETE /group-sessions/{id}/waitlist`.
async fn unwait(app: &TestApp, session: &Value, student: &Member) -> crate::helpers::Reply {
    app.delete(&action(session, "waitlist"), Some(&student.access)).await
}

/// Whether the outbox holds a message to `to` whose text contains `subject` (no waiting).
fn has_email(app: &TestApp, to: &str, subject: &str) -> bool {
    std::fs::read_dir(app.data_dir.join("outbox"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .any(|text| text.contains(to) && text.contains(subject))
}

/// `(status, seatsTaken)` of a session response.
fn state(session: &Value) -> (String, u64) {
    (session["status"].as_str().unwrap().to_owned(), session["seatsTaken"].as_u64().unwrap())
}

#[tokio::test]
async fn a_freed_seat_goes_to_the_first_waitlisted_student_who_is_told_by_email() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let admin = groups.admin();
        let template = groups.template(&groups.tara, "Pair practice", 2).await;
        let session = groups.session(&template, berlin(2, 10, 0)).await;
        let [s1, s2] = <[_; 2]>::try_from(groups.students("Seated", 2).await).unwrap();
        let [w1, w2, w3, w4] = <[_; 4]>::try_from(groups.students("Waiting", 4).await).unwrap();
        ok(&join(&app, &session, &s1).await);
        assert_eq!(state(&ok(&join(&app, &session, &s2).await)), ("full".into(), 2));

        let reply = wait(&app, &session, &w1).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        let place = reply.json();
        let id = session["id"].as_str().unwrap();
        assert_eq!(reply.header("location"), Some(format!("/api/v1/group-sessions/{id}/waitlist").as_str()));
        assert_eq!(place["bookingId"], id);
        assert_eq!(place["studentId"], w1.id.as_str());
        assert_eq!(place["position"], 1);
        assert!(place["createdAt"].as_str().unwrap().ends_with('Z'), "{place}");
        waiting(&app, &session, &w2, 2).await;
        waiting(&app, &session, &w3, 3).await;
        wait(&app, &session, &w1).await.problem(409, "already_waitlisted");
        wait(&app, &session, &s1).await.problem(409, "already_joined");
        join(&app, &session, &w1).await.problem(409, "session_full");

        // s1 leaves: w1, first in, takes the seat in the same request; the session stays full.
        let left = ok(&leave(&app, &session, &s1).await);
        assert_eq!(state(&left), ("full".into(), 2), "{left}");
        assert_eq!(left["seats"], json!([]), "the leaver sees no one's seat");
        let seen = listed(&app, &session, &admin).await;
        assert_eq!(seat_ids(&seen), ids_of(&[&s2, &w1]), "{seen}");
        let promoted = seen["seats"].as_array().unwrap().iter().find(|s| s["studentId"] == w1.id.as_str()).unwrap();
        assert_eq!(promoted["priceCents"], 1500, "paid as named on the waitlist: {promoted}");
        assert_eq!(seat_ids(&listed(&app, &session, &w1).await), ids_of(&[&w1]));
        let email = app.email(&w1.email, "A seat opened up", 0).await;
        assert!(email.contains(id), "{email}");
        assert!(!has_email(&app, &w2.email, "A seat opened up"), "only the promoted student is told");
        wait(&app, &session, &w1).await.problem(409, "already_joined");
        unwait(&app, &session, &w1).await.problem(404, "not_found");

        // w2 gives up waiting; the next free seat skips over them to w3.
        let gone = unwait(&app, &session, &w2).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
        unwait(&app, &session, &w2).await.problem(404, "not_found");
        waiting(&app, &session, &w4, 2).await;
        assert_eq!(state(&ok(&leave(&app, &session, &s2).await)), ("full".into(), 2));
        assert_eq!(seat_ids(&listed(&app, &session, &groups.tara).await), ids_of(&[&w1, &w3]));
        app.email(&w3.email, "A seat opened up", 0).await;
        assert_eq!(state(&ok(&leave(&app, &session, &w3).await)), ("full".into(), 2));
        assert_eq!(seat_ids(&listed(&app, &session, &admin).await), ids_of(&[&w1, &w4]));

        // Nobody is waiting any more: the seat stays free and the session opens.
        let opened = ok(&leave(&app, &session, &w1).await);
        assert_eq!(state(&opened), ("open".into(), 1), "{opened}");
        assert_eq!(seat_ids(&listed(&app, &session, &admin).await), ids_of(&[&w4]));
        wait(&app, &session, &w2).await.problem(422, "not_waitlistable");
        assert_eq!(state(&ok(&join(&app, &session, &w2).await)), ("full".into(), 2));
        assert!(!has_email(&app, &w2.email, "A seat opened up"));
    }
}

#[tokio::test]
async fn waitlisted_students_who_became_busy_are_passed_over_and_removed() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let tara = groups.template(&groups.tara, "Pair practice", 2).await;
        let session = groups.session(&tara, berlin(2, 10, 0)).await;
        let theo = groups.template(&groups.theo, "Elsewhere", 5).await;
        let elsewhere = groups.session(&theo, berlin(2, 10, 30)).await;
        let [s1, s2, w1, w2] = <[_; 4]>::try_from(groups.students("Student", 4).await).unwrap();
        ok(&join(&app, &session, &s1).await);
        ok(&join(&app, &session, &s2).await);
        waiting(&app, &session, &w1, 1).await;
        waiting(&app, &session, &w2, 2).await;
        // w1 takes an overlapping seat elsewhere while waiting.
        ok(&join(&app, &elsewhere, &w1).await);

        assert_eq!(state(&ok(&leave(&app, &session, &s1).await)), ("full".into(), 2));
        assert_eq!(seat_ids(&listed(&app, &session, &groups.admin()).await), ids_of(&[&s2, &w2]));
        unwait(&app, &session, &w1).await.problem(404, "not_found");
        app.email(&w2.email, "A seat opened up", 0).await;
        assert!(!has_email(&app, &w1.email, "A seat opened up"));
        assert_eq!(seat_ids(&listed(&app, &elsewhere, &groups.theo).await), ids_of(&[&w1]), "w1 keeps their seat");
    }
}

#[tokio::test]
async fn the_waitlist_refuses_roles_strangers_individual_and_cancelled_sessions() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let other = Groups::new(&app, "other").await;
        let admin = groups.admin();
        let template = groups.template(&groups.tara, "Pair practice", 2).await;
        let session = groups.session(&template, berlin(2, 10, 0)).await;
        let [s1, s2, sam] = <[_; 3]>::try_from(groups.students("Student", 3).await).unwrap();
        ok(&join(&app, &session, &s1).await);
        ok(&join(&app, &session, &s2).await);

        for member in [&admin, &groups.tara] {
            wait(&app, &session, member).await.problem(403, "forbidden");
            unwait(&app, &session, member).await.problem(403, "forbidden");
        }
        let stranger = other.academy.student("Stan").await;
        wait(&app, &session, &stranger).await.problem(404, "not_found");
        unwait(&app, &session, &stranger).await.problem(404, "not_found");
        let unknown = json!({"id": Uuid::now_v7()});
        wait(&app, &unknown, &sam).await.problem(404, "not_found");
        unwait(&app, &unknown, &sam).await.problem(404, "not_found");
        unwait(&app, &session, &sam).await.problem(404, "not_found");
        let path = action(&session, "waitlist");
        let bad = app.post(&path, Some(&sam.access), json!({"bundlePurchaseId": 7})).await;
        bad.problem(400, "malformed_request");
        let bad = app.post(&path, Some(&sam.access), json!({"bundlePurchaseId": "seven", "extra": true})).await;
        let problem = bad.problem(400, "validation_failed");
        assert_eq!(fields(&problem), vec!["extra"], "unknown fields are refused first: {problem}");
        let bad = app.post(&path, Some(&sam.access), json!({"bundlePurchaseId": "seven"})).await;
        assert_eq!(fields(&bad.problem(400, "validation_failed")), vec!["bundlePurchaseId"]);
        app.post(&path, Some(&sam.access), json!({"bundlePurchaseId": Uuid::now_v7()})).await.problem(404, "not_found");

        // An individual booking is not a group session; another student's stays hidden.
        let own = booked(&app, &sam.access, individual(&groups.course_id, berlin(3, 10, 0), 60)).await;
        join(&app, &own, &sam).await.problem(422, "not_a_group_session");
        wait(&app, &own, &sam).await.problem(422, "not_a_group_session");
        leave(&app, &own, &sam).await.problem(422, "not_a_group_session");
        join(&app, &own, &s1).await.problem(404, "not_found");
        wait(&app, &own, &s1).await.problem(404, "not_found");

        // A cancelled session takes no seats and no waitlist entries.
        waiting(&app, &session, &sam, 1).await;
        let cancelled = cancel(&app, &admin.access, &session, json!({"reason": "TA ill"})).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
        assert_eq!(cancelled.json()["status"], "cancelled");
        wait(&app, &session, &s1).await.problem(409, "already_cancelled");
        join(&app, &session, &sam).await.problem(409, "already_cancelled");
        leave(&app, &session, &s1).await.problem(409, "already_cancelled");
        assert_eq!(listed(&app, &session, &s1).await["status"], "cancelled");
    }
}
