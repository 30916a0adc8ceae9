//! Individual bookings: booking (at the session price, with a bundle, by an admin for a student,
//! with the automatic TA choice), every refusal in the contract's order, who sees which
//! bookings, and the cancellation policy with its ledger entries, on both backends.

use chrono::{DateTime, Duration as Span, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, Member, berlin, rfc3339};
use crate::bundles::{bought, ledger, remaining};
use crate::helpers::{Reply, TestApp, apps};

/// The body of an individual booking of `course` at `at` for `minutes`.
pub fn session(course: &str, at: DateTime<Utc>, minutes: i64) -> Value {
    json!({"courseId": course, "startsAt": rfc3339(at), "durationMinutes": minutes})
}

/// The same body with more fields (`taId`, `bundlePurchaseId`, `studentId`).
pub fn with(mut body: Value, extra: &Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// `POST /bookings/individual` as `token`.
pub async fn book(app: &TestApp, token: &str, body: Value) -> Reply {
    app.post("/api/v1/bookings/individual", Some(token), body).await
}

/// Books, expecting 201; returns the booking.
pub async fn booked(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = book(app, token, body.clone()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?} booking {body}: {}", app.backend, reply.text);
    reply.json()
}

/// `POST /bookings/{id}/cancel` as `token`.
pub async fn cancel(app: &TestApp, token: &str, booking: &Value, body: Value) -> Reply {
    app.post(&format!("/api/v1/bookings/{}/cancel", booking["id"].as_str().unwrap()), Some(token), body).await
}

/// `GET /bookings{query}` as `token`, expecting 200.
async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let reply = app.get(&format!("/api/v1/bookings{query}"), Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text);
    reply.json()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|b| id(b).to_owned()).collect()
}

#[tokio::test]
async fn students_book_at_the_session_price_or_with_a_bundle_and_admins_book_for_them() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let (course, tara) = (id(&course).to_owned(), &tas[0]);
        let sam = academy.student("Sam").await;

        // At the session price, naming the TA; the start may carry any offset.
        let at = berlin(2, 10, 0);
        let local = at.with_timezone(&chrono_tz::Europe::Berlin).to_rfc3339();
        let body = json!({"courseId": course, "startsAt": local, "durationMinutes": 60, "taId": tara.id});
        let reply = book(&app, &sam.access, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        let b = reply.json();
        assert_eq!(reply.header("location"), Some(format!("/api/v1/bookings/{}", id(&b)).as_str()));
        assert_eq!(b["courseId"], course.as_str());
        assert_eq!(b["taId"], tara.id.as_str());
        assert_eq!(b["sessionType"], "individual");
        assert_eq!(b["status"], "booked");
        assert_eq!(b["startsAt"], rfc3339(at), "UTC in responses");
        assert_eq!(b["endsAt"], rfc3339(at + Span::minutes(60)));
        assert_eq!(b["durationMinutes"], 60);
        assert_eq!((b["capacity"].as_i64(), b["seatsTaken"].as_i64()), (Some(1), Some(1)));
        assert_eq!(b["pricePerStudentCents"], 4_000);
        assert_eq!(b["currency"], "EUR");
        assert_eq!(b["groupSessionTemplateId"], Value::Null);
        assert_eq!(b["cancelledAt"], Value::Null);
        assert_eq!(b["cancellationReason"], Value::Null);
        assert!(b["createdAt"].as_str().unwrap().ends_with('Z'));
        let seats = b["seats"].as_array().unwrap();
        assert_eq!(seats.len(), 1);
        assert_eq!(seats[0]["studentId"], sam.id.as_str());
        assert_eq!(seats[0]["bundlePurchaseId"], Value::Null);
        assert_eq!(seats[0]["priceCents"], 4_000);
        assert_eq!(seats[0]["refunded"], false);
        assert!(seats[0]["joinedAt"].is_string());
        app.email(&sam.email, "Booking confirmed", 0).await;
        app.email(&tara.email, "New booking", 0).await;

        // With a bundle: the seat is free and one credit is debited for this booking.
        let product = academy.bundle(&course, 5, 30, 18_000).await;
        let bundle = bought(&app, &sam, &product).await;
        let b = booked(
            &app,
            &sam.access,
            with(session(&course, berlin(2, 12, 0), 90), &json!({"bundlePurchaseId": bundle["id"]})),
        )
        .await;
        assert_eq!(b["taId"], tara.id.as_str(), "the only TA is chosen");
        assert_eq!(b["durationMinutes"], 90);
        assert_eq!(b["pricePerStudentCents"], 0);
        assert_eq!(b["seats"][0]["priceCents"], 0);
        assert_eq!(b["seats"][0]["bundlePurchaseId"], bundle["id"]);
        assert_eq!(remaining(&app, &sam.access, id(&bundle)).await, 4);
        let entries = app.get(&format!("/api/v1/bundle-purchases/{}/ledger", id(&bundle)), Some(&sam.access)).await;
        let entries = entries.json();
        assert_eq!(entries["data"][1]["kind"], "debit");
        assert_eq!(entries["data"][1]["delta"], -1);
        assert_eq!(entries["data"][1]["bookingId"], b["id"]);

        // An admin books for a student (and a student may name themself).
        let kim = academy.student("Kim").await;
        let body = with(session(&course, berlin(2, 15, 0), 30), &json!({"studentId": kim.id}));
        let b = booked(&app, &academy.admin.access, body).await;
        assert_eq!(b["seats"][0]["studentId"], kim.id.as_str());
        app.email(&kim.email, "Booking confirmed", 0).await;
        let body = with(session(&course, berlin(2, 16, 0), 30), &json!({"studentId": sam.id}));
        booked(&app, &sam.access, body).await;
    }
}

#[tokio::test]
async fn the_free_ta_with_the_fewest_sessions_that_day_is_chosen() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
        let course = id(&course).to_owned();
        let (first, second) = if tas[0].id < tas[1].id { (&tas[0], &tas[1]) } else { (&tas[1], &tas[0]) };
        let mut students = Vec::new();
        for name in ["S1", "S2", "S3", "S4", "S5"] {
            students.push(academy.student(name).await);
        }
        let chosen = |b: Value| b["taId"].as_str().unwrap().to_owned();
        let at = |hour| session(&course, berlin(2, hour, 0), 60);
        // A tie goes to the smaller id; then the one with fewer sessions that day.
        assert_eq!(chosen(booked(&app, &students[0].access, at(10)).await), first.id);
        assert_eq!(chosen(booked(&app, &students[1].access, at(12)).await), second.id);
        assert_eq!(chosen(booked(&app, &students[2].access, at(14)).await), first.id);
        // Only the free one: the first is busy at 10:00.
        assert_eq!(chosen(booked(&app, &students[3].access, at(10)).await), second.id);
        // Both busy.
        book(&app, &students[4].access, at(10)).await.problem(409, "no_ta_available");
        // Sessions on another day do not count for this one.
        assert_eq!(chosen(booked(&app, &students[4].access, session(&course, berlin(3, 9, 0), 60)).await), first.id);
    }
}

#[tokio::test]
async fn bookings_are_refused_with_their_codes_in_the_contract_order() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let (course, tara) = (id(&course).to_owned(), tas[0].clone());
        // Course B: Theo only, no per-session price.
        let course_b = id(&academy.course("PHYS-1", "Physics").await).to_owned();
        let theo = academy.ta("Theo").await;
        academy.assign(&course_b, &theo.id).await;
        academy.open_every_day(&theo.id, "08:00", "20:00").await;
        let sam = academy.student("Sam").await;
        let kim = academy.student("Kim").await;
        let admin = academy.admin.access.clone();
        let at = |days, hour, minute| session(&course, berlin(days, hour, minute), 60);
        let tomorrow = at(2, 10, 0);

        // 401, 400 (shapes, with every refused field), 403.
        app.post("/api/v1/bookings/individual", None, tomorrow.clone()).await.problem(401, "unauthenticated");
        for minutes in [0, 50, 255, 300, -15] {
            let body = session(&course, berlin(2, 10, 0), minutes);
            let problem = book(&app, &sam.access, body).await.problem(400, "validation_failed");
            assert_eq!(problem["errors"][0]["field"], "durationMinutes", "{minutes}: {problem}");
        }
        let bad = json!({"courseId": "nope", "startsAt": "tomorrow at ten", "durationMinutes": 7, "taId": "x",
                         "bundlePurchaseId": "y", "studentId": "z"});
        let problem = book(&app, &sam.access, bad).await.problem(400, "validation_failed");
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["courseId", "startsAt", "durationMinutes", "taId", "bundlePurchaseId", "studentId"]);
        let problem = book(&app, &sam.access, with(tomorrow.clone(), &json!({"priceCents": 0}))).await;
        assert_eq!(problem.problem(400, "validation_failed")["errors"][0]["field"], "priceCents");
        let problem = book(&app, &sam.access, json!({"courseId": course, "durationMinutes": 60})).await;
        assert_eq!(problem.problem(400, "validation_failed")["errors"][0]["field"], "startsAt");
        let problem = book(&app, &admin, tomorrow.clone()).await.problem(400, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "studentId", "an admin names the student");
        book(&app, &tara.access, tomorrow.clone()).await.problem(403, "forbidden");
        book(&app, &sam.access, with(tomorrow.clone(), &json!({"studentId": kim.id}))).await.problem(403, "forbidden");

        // 404: whatever the request names must exist for the caller.
        let unknown = uuid::Uuid::now_v7().to_string();
        book(&app, &sam.access, session(&unknown, berlin(2, 10, 0), 60)).await.problem(404, "not_found");
        let other = Academy::new(&app, "other").await;
        let (their_course, their_tas) = other.course_with_tas("BIO-1", &["Olga"]).await;
        book(&app, &sam.access, session(id(&their_course), berlin(2, 10, 0), 60)).await.problem(404, "not_found");
        for ta in [unknown.as_str(), kim.id.as_str(), their_tas[0].id.as_str()] {
            book(&app, &sam.access, with(tomorrow.clone(), &json!({"taId": ta}))).await.problem(404, "not_found");
        }
        for student in [unknown.as_str(), tara.id.as_str(), academy.admin().id.as_str()] {
            book(&app, &admin, with(tomorrow.clone(), &json!({"studentId": student}))).await.problem(404, "not_found");
        }
        book(&app, &sam.access, with(tomorrow.clone(), &json!({"bundlePurchaseId": unknown})))
            .await
            .problem(404, "not_found");
        let kims_bundle = bought(&app, &kim, &academy.bundle(&course, 5, 30, 100).await).await;
        book(&app, &sam.access, with(tomorrow.clone(), &json!({"bundlePurchaseId": kims_bundle["id"]})))
            .await
            .problem(404, "not_found");
        let inactive = id(&academy.course("OLD-1", "Retired").await).to_owned();
        academy.assign(&inactive, &tara.id).await;
        let patch = app.patch(&format!("/api/v1/courses/{inactive}"), Some(&admin), json!({"active": false})).await;
        assert_eq!(patch.status, StatusCode::OK, "{}", patch.text);
        book(&app, &sam.access, session(&inactive, berlin(2, 10, 0), 60)).await.problem(404, "not_found");
        // 404 wins over the business rules.
        book(&app, &sam.access, with(at(400, 3, 0), &json!({"taId": unknown}))).await.problem(404, "not_found");

        // Rule 2: notice and horizon (before the TA rules).
        let soon = Utc::now() + Span::minutes(30);
        book(&app, &sam.access, session(&course, soon, 60)).await.problem(422, "booking_too_soon");
        book(&app, &sam.access, session(&course, Utc::now() - Span::hours(3), 60))
            .await
            .problem(422, "booking_too_soon");
        let far = with(at(100, 3, 0), &json!({"taId": theo.id}));
        book(&app, &sam.access, far).await.problem(422, "booking_too_far_ahead");
        // Rule 3, then rule 4.
        let unassigned = with(at(2, 3, 0), &json!({"taId": theo.id}));
        book(&app, &sam.access, unassigned).await.problem(422, "ta_not_assigned_to_course");
        let early = with(at(2, 7, 0), &json!({"taId": tara.id}));
        book(&app, &sam.access, early).await.problem(422, "outside_ta_availability");
        let overrun = with(at(2, 19, 30), &json!({"taId": tara.id}));
        book(&app, &sam.access, overrun).await.problem(422, "outside_ta_availability");
        book(&app, &sam.access, at(2, 7, 0)).await.problem(409, "no_ta_available");

        // Rule 5 and student overlap.
        booked(&app, &sam.access, with(at(2, 10, 0), &json!({"taId": tara.id}))).await;
        book(&app, &kim.access, with(at(2, 10, 30), &json!({"taId": tara.id}))).await.problem(409, "ta_unavailable");
        book(&app, &kim.access, at(2, 10, 30)).await.problem(409, "no_ta_available");
        let overlap = with(session(&course_b, berlin(2, 10, 30), 60), &json!({"taId": theo.id}));
        book(&app, &sam.access, overlap).await.problem(409, "student_unavailable");

        // Payment: the per-session price, then the bundle's course, validity and credit.
        let unpriced = with(session(&course_b, berlin(2, 14, 0), 60), &json!({"taId": theo.id}));
        book(&app, &sam.access, unpriced).await.problem(422, "no_session_price");
        let physics = bought(&app, &sam, &academy.bundle(&course_b, 5, 30, 100).await).await;
        let mismatch = with(at(2, 14, 0), &json!({"bundlePurchaseId": physics["id"]}));
        book(&app, &sam.access, mismatch).await.problem(422, "bundle_course_mismatch");
        let one_day = bought(&app, &sam, &academy.bundle(&course, 5, 1, 100).await).await;
        let after = with(at(3, 14, 0), &json!({"bundlePurchaseId": one_day["id"]}));
        book(&app, &sam.access, after).await.problem(422, "bundle_expired");
        let single = bought(&app, &sam, &academy.bundle(&course, 1, 30, 100).await).await;
        booked(&app, &sam.access, with(at(2, 15, 0), &json!({"bundlePurchaseId": single["id"]}))).await;
        let again = with(at(2, 17, 0), &json!({"bundlePurchaseId": single["id"]}));
        book(&app, &sam.access, again).await.problem(409, "bundle_exhausted");
        assert_eq!(remaining(&app, &sam.access, id(&single)).await, 0);
        assert_eq!(remaining(&app, &sam.access, id(&one_day)).await, 5, "refused bookings spend nothing");

        // The buffer keeps TAs free around their sessions; back-to-back is fine without it.
        booked(&app, &kim.access, with(at(2, 11, 0), &json!({"taId": tara.id}))).await;
        academy.settings(json!({"bufferMinutes": 15})).await;
        let close = with(at(2, 12, 0), &json!({"taId": tara.id}));
        book(&app, &sam.access, close).await.problem(409, "ta_unavailable");
        booked(&app, &sam.access, with(at(2, 12, 15), &json!({"taId": tara.id}))).await;
    }
}

#[tokio::test]
async fn each_role_sees_its_own_bookings_filtered_and_paged() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
        let course = id(&course).to_owned();
        let (tara, theo) = (&tas[0], &tas[1]);
        let sam = academy.student("Sam").await;
        let kim = academy.student("Kim").await;
        let admin = academy.admin.access.clone();
        let on = |days, hour, ta: &Member| with(session(&course, berlin(days, hour, 0), 60), &json!({"taId": ta.id}));
        let sam_tara = booked(&app, &sam.access, on(2, 10, tara)).await;
        let kim_theo = booked(&app, &kim.access, on(2, 10, theo)).await;
        let sam_theo = booked(&app, &sam.access, on(3, 9, theo)).await;
        let kim_tara = booked(&app, &kim.access, on(1, 15, tara)).await;
        assert_eq!(cancel(&app, &admin, &kim_theo, json!({})).await.status, StatusCode::OK);
        let mut by_start = vec![&kim_tara, &sam_tara, &kim_theo, &sam_theo];
        by_start.sort_by_key(|b| (b["startsAt"].as_str().unwrap().to_owned(), id(b).to_owned()));
        let expected = |list: &[&Value]| list.iter().map(|b| id(b).to_owned()).collect::<Vec<_>>();
        // Admins see all, by start then id; students their seats; TAs their sessions.
        assert_eq!(ids(&list(&app, &admin, "").await), expected(&by_start));
        assert_eq!(ids(&list(&app, &sam.access, "").await), expected(&[&sam_tara, &sam_theo]));
        assert_eq!(ids(&list(&app, &kim.access, "").await), expected(&[&kim_tara, &kim_theo]));
        assert_eq!(ids(&list(&app, &tara.access, "").await), expected(&[&kim_tara, &sam_tara]));
        assert_eq!(ids(&list(&app, &theo.access, "").await), expected(&[&kim_theo, &sam_theo]));
        for page in [list(&app, &sam.access, "").await, list(&app, &kim.access, "").await] {
            for b in page["data"].as_array().unwrap() {
                let seats = b["seats"].as_array().unwrap();
                assert_eq!(seats.len(), 1, "{b}");
            }
        }
        let students_of = |page: &Value| -> Vec<String> {
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["seats"][0]["studentId"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(students_of(&list(&app, &sam.access, "").await), [sam.id.clone(), sam.id.clone()]);
        assert_eq!(students_of(&list(&app, &tara.access, "").await), [kim.id.clone(), sam.id.clone()]);
        // Filters naming someone else are replaced by the caller's own id.
        let path = format!("?taId={}", tara.id);
        assert_eq!(ids(&list(&app, &theo.access, &path).await), expected(&[&kim_theo, &sam_theo]));
        let path = format!("?studentId={}", kim.id);
        assert_eq!(ids(&list(&app, &sam.access, &path).await), expected(&[&sam_tara, &sam_theo]));
        // Another organization sees none of them.
        let other = Academy::new(&app, "other").await;
        assert!(ids(&list(&app, &other.admin.access, "").await).is_empty());

        // Filters.
        let cancelled = list(&app, &admin, "?status=cancelled").await;
        assert_eq!(ids(&cancelled), expected(&[&kim_theo]));
        assert_eq!(cancelled["data"][0]["status"], "cancelled");
        let active: Vec<&Value> = by_start.iter().copied().filter(|b| id(b) != id(&kim_theo)).collect();
        assert_eq!(ids(&list(&app, &admin, "?status=booked").await), expected(&active));
        let path = format!("?taId={}", tara.id);
        assert_eq!(ids(&list(&app, &admin, &path).await), expected(&[&kim_tara, &sam_tara]));
        let path = format!("?studentId={}&taId={}", sam.id, theo.id);
        assert_eq!(ids(&list(&app, &admin, &path).await), expected(&[&sam_theo]));
        let path = format!("?courseId={course}&sessionType=individual");
        assert_eq!(ids(&list(&app, &admin, &path).await), expected(&by_start));
        let path = format!("?courseId={}", uuid::Uuid::now_v7());
        assert!(ids(&list(&app, &admin, &path).await).is_empty());
        assert!(ids(&list(&app, &admin, "?sessionType=group").await).is_empty());
        let day_two = format!(
            "?from={}&to={}",
            rfc3339(berlin(2, 10, 0)).replace('Z', "%2B00:00"),
            rfc3339(berlin(3, 9, 0)).replace('Z', "%2B00:00")
        );
        let mut day: Vec<&Value> = vec![&sam_tara, &kim_theo];
        day.sort_by_key(|b| id(b).to_owned());
        assert_eq!(ids(&list(&app, &admin, &day_two).await), expected(&day), "from inclusive, to exclusive");

        // Pages follow the cursor, in the list's order.
        let mut walked = Vec::new();
        let mut path = "/api/v1/bookings?limit=1".to_owned();
        loop {
            let page = app.get(&path, Some(&admin)).await.json();
            assert!(page["data"].as_array().unwrap().len() <= 1);
            walked.extend(ids(&page));
            match page["nextCursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/bookings?limit=1&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(walked, expected(&by_start));

        // Refused parameters are named.
        for (query, field) in [
            ("?status=done", "status"),
            ("?sessionType=pair", "sessionType"),
            ("?from=yesterday", "from"),
            ("?to=2026-13-01T00:00:00Z", "to"),
            ("?courseId=x", "courseId"),
            ("?taId=x", "taId"),
            ("?studentId=x", "studentId"),
            ("?limit=101", "limit"),
            ("?cursor=x", "cursor"),
        ] {
            let reply = app.get(&format!("/api/v1/bookings{query}"), Some(&admin)).await;
            assert_eq!(reply.problem(400, "validation_failed")["errors"][0]["field"], field, "{query}");
        }
        app.get("/api/v1/bookings?limit=many", Some(&admin)).await.problem(400, "malformed_request");
        app.get("/api/v1/bookings", None).await.problem(401, "unauthenticated");

        // One booking: admins, its TA, its student; nobody else.
        let path = format!("/api/v1/bookings/{}", id(&sam_tara));
        for token in [&admin, &tara.access, &sam.access] {
            let reply = app.get(&path, Some(token)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            assert_eq!(reply.json()["seats"][0]["studentId"], sam.id.as_str());
        }
        assert_eq!(app.get(&path, Some(&admin)).await.json(), sam_tara, "reads agree with the create");
        for token in [&kim.access, &theo.access, &other.admin.access] {
            app.get(&path, Some(token)).await.problem(404, "not_found");
        }
        app.get(&format!("/api/v1/bookings/{}", uuid::Uuid::now_v7()), Some(&admin)).await.problem(404, "not_found");
        app.get("/api/v1/bookings/not-a-uuid", Some(&admin)).await.problem(404, "not_found");
    }
}

#[tokio::test]
async fn cancellations_refund_or_forfeit_by_the_policy() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
        let course = id(&course).to_owned();
        let (tara, theo) = (&tas[0], &tas[1]);
        let sam = academy.student("Sam").await;
        let kim = academy.student("Kim").await;
        let admin = academy.admin.access.clone();
        let bundle = bought(&app, &sam, &academy.bundle(&course, 10, 60, 100).await).await;
        let bundle_id = id(&bundle).to_owned();
        let paid = |days, hour| {
            with(session(&course, berlin(days, hour, 0), 60), &json!({"taId": tara.id, "bundlePurchaseId": bundle_id}))
        };

        // A student cancelling early (the default window is 24 h; this is ≥ 48 h ahead): refund.
        let early = booked(&app, &sam.access, paid(3, 10)).await;
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 9);
        let reply = cancel(&app, &sam.access, &early, json!({"reason": "  Sick  "})).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}: {}", app.backend, reply.text);
        let b = reply.json();
        assert_eq!(b["id"], early["id"]);
        assert_eq!(b["status"], "cancelled");
        assert_eq!(b["cancellationReason"], "Sick");
        assert!(b["cancelledAt"].as_str().unwrap().ends_with('Z'));
        assert_eq!(b["seats"][0]["refunded"], true);
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 10);
        assert_eq!(
            app.get(&format!("/api/v1/bookings/{}", id(&early)), Some(&admin)).await.json()["status"],
            "cancelled"
        );
        let cancelled = app.email(&sam.email, "Cancelled", 0).await;
        assert!(cancelled.contains("Sick"), "{cancelled}");
        app.email(&tara.email, "Cancelled", 0).await;
        cancel(&app, &sam.access, &early, json!({})).await.problem(409, "already_cancelled");
        cancel(&app, &admin, &early, json!({})).await.problem(409, "already_cancelled");
        let ledger_entries =
            app.get(&format!("/api/v1/bundle-purchases/{bundle_id}/ledger"), Some(&admin)).await.json();
        assert_eq!(ledger_entries["data"][1]["bookingId"], early["id"]);
        assert_eq!(ledger_entries["data"][2]["bookingId"], early["id"]);

        // Inside the window (72 h): a student forfeits; the TA or an admin always refunds.
        academy.settings(json!({"cancellationWindowHours": 72})).await;
        let late = booked(&app, &sam.access, paid(1, 10)).await;
        let b = cancel(&app, &sam.access, &late, json!({})).await.json();
        assert_eq!((b["status"].as_str(), b["seats"][0]["refunded"].as_bool()), (Some("cancelled"), Some(false)));
        assert_eq!(b["cancellationReason"], Value::Null);
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 9, "the credit stays spent");
        let by_ta = booked(&app, &sam.access, paid(1, 12)).await;
        let b = cancel(&app, &tara.access, &by_ta, json!({"reason": "TA ill"})).await.json();
        assert_eq!(b["seats"][0]["refunded"], true, "{b}");
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 9);
        let by_admin = booked(&app, &sam.access, paid(1, 14)).await;
        let b = cancel(&app, &admin, &by_admin, json!({})).await.json();
        assert_eq!(b["seats"][0]["refunded"], true, "{b}");
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 9);
        let kinds: Vec<(String, i64)> =
            [("purchase", 10), ("debit", -1), ("refund", 1), ("debit", -1), ("forfeit", 0), ("debit", -1)]
                .into_iter()
                .chain([("refund", 1), ("debit", -1), ("refund", 1)])
                .map(|(k, d)| (k.to_owned(), d))
                .collect();
        let entries = ledger(&app, &sam.access, &bundle_id).await;
        assert_eq!(entries, kinds);
        assert_eq!(entries.iter().map(|(_, d)| d).sum::<i64>(), 9, "the ledger adds up to the balance");

        // Seats paid per session are marked refunded under the same rule.
        let per_session = |hour| with(session(&course, berlin(1, hour, 0), 60), &json!({"taId": theo.id}));
        let late_paid = booked(&app, &kim.access, per_session(10)).await;
        let b = cancel(&app, &kim.access, &late_paid, json!({})).await.json();
        assert_eq!(
            (b["seats"][0]["priceCents"].as_i64(), b["seats"][0]["refunded"].as_bool()),
            (Some(4_000), Some(false))
        );
        academy.settings(json!({"cancellationWindowHours": 0})).await;
        let early_paid = booked(&app, &kim.access, per_session(12)).await;
        let b = cancel(&app, &kim.access, &early_paid, json!({})).await.json();
        assert_eq!(b["seats"][0]["refunded"], true, "{b}");

        // Who may cancel: nobody who cannot see it; refused reasons and bodies.
        let target = booked(&app, &sam.access, paid(2, 16)).await;
        let other = Academy::new(&app, "other").await;
        for token in [&kim.access, &theo.access, &other.admin.access] {
            cancel(&app, token, &target, json!({})).await.problem(404, "not_found");
        }
        cancel(&app, &admin, &json!({"id": uuid::Uuid::now_v7()}), json!({})).await.problem(404, "not_found");
        let long = "x".repeat(501);
        let problem = cancel(&app, &sam.access, &target, json!({"reason": long})).await;
        assert_eq!(problem.problem(400, "validation_failed")["errors"][0]["field"], "reason");
        let problem = cancel(&app, &sam.access, &target, json!({"why": "x"})).await;
        assert_eq!(problem.problem(400, "validation_failed")["errors"][0]["field"], "why");
        let path = format!("/api/v1/bookings/{}/cancel", id(&target));
        app.post(&path, None, json!({})).await.problem(401, "unauthenticated");
        let status = app.get(&format!("/api/v1/bookings/{}", id(&target)), Some(&admin)).await.json()["status"].clone();
        assert_eq!(status, "booked", "refused cancellations change nothing");
        assert_eq!(remaining(&app, &sam.access, &bundle_id).await, 8);
    }
}

#[tokio::test]
async fn sessions_that_have_started_cannot_be_cancelled() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        academy.settings(json!({"minNoticeMinutes": 0})).await;
        let course = id(&academy.course("MATH-101", "Algebra").await).to_owned();
        academy.session_price(&course, 4_000).await;
        let tara = academy.ta("Tara").await;
        academy.assign(&course, &tara.id).await;
        academy.open_every_day(&tara.id, "00:00", "24:00").await;
        let sam = academy.student("Sam").await;

        let starts = DateTime::from_timestamp(Utc::now().timestamp() + 3, 0).unwrap();
        let b = booked(&app, &sam.access, session(&course, starts, 15)).await;
        let wait = (starts - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(200);
        tokio::time::sleep(wait).await;
        for token in [&sam.access, &tara.access, &academy.admin.access] {
            cancel(&app, token, &b, json!({})).await.problem(422, "booking_in_past");
        }
        // A booking in the past is too soon even without notice.
        book(&app, &sam.access, session(&course, starts, 15)).await.problem(422, "booking_too_soon");
    }
}
