//! Group sessions over HTTP: templates, scheduling from a template, the session list, and
//! students taking and giving up seats, with each caller seeing only the seats it may see.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::academy::{berlin, rfc3339};
use crate::group_fixture::{Groups, fields, ids_of, join, leave, listed, ok, seat_ids};
use crate::helpers::apps;

#[tokio::test]
async fn admins_create_templates_and_members_list_them_by_title() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let admin = groups.admin();
        let reply = groups
            .try_template(json!({"courseId": groups.course_id, "taId": groups.tara.id, "title": "Zeta review",
                                 "capacity": 12, "durationMinutes": 90, "pricePerStudentCents": 1500}))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        let zeta = reply.json();
        assert_eq!(
            reply.header("location"),
            Some(format!("/api/v1/group-session-templates/{}", zeta["id"].as_str().unwrap()).as_str())
        );
        assert_eq!(zeta["courseId"], groups.course_id.as_str());
        assert_eq!(zeta["taId"], groups.tara.id.as_str());
        assert_eq!(zeta["title"], "Zeta review");
        assert_eq!(zeta["capacity"], 12);
        assert_eq!(zeta["durationMinutes"], 90);
        assert_eq!(zeta["pricePerStudentCents"], 1500);
        assert_eq!(zeta["currency"], "EUR");
        assert_eq!(zeta["active"], true);
        assert!(zeta["createdAt"].as_str().unwrap().ends_with('Z'), "{zeta}");
        let alpha = groups.template(&groups.theo, "Alpha drills", 4).await;
        let other_course = groups.academy.course("GRP-2", "Other course").await;

        let student = groups.academy.student("Sam").await;
        let listed = ok(&app.get("/api/v1/group-session-templates", Some(&student.access)).await);
        let titles: Vec<&str> =
            listed["data"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
        assert_eq!(titles, vec!["Alpha drills", "Zeta review"], "ordered by title: {listed}");
        assert_eq!(listed["nextCursor"], json!(null));
        let first = ok(&app.get("/api/v1/group-session-templates?limit=1", Some(&groups.tara.access)).await);
        assert_eq!(first["data"][0]["id"], alpha["id"]);
        let cursor = first["nextCursor"].as_str().unwrap();
        let second = ok(&app
            .get(&format!("/api/v1/group-session-templates?limit=1&cursor={cursor}"), Some(&admin.access))
            .await);
        assert_eq!(second["data"][0]["id"], zeta["id"]);
        assert_eq!(second["nextCursor"], json!(null));
        let path = format!("/api/v1/group-session-templates?courseId={}", groups.course_id);
        assert_eq!(ok(&app.get(&path, Some(&admin.access)).await)["data"].as_array().unwrap().len(), 2);
        let path = format!("/api/v1/group-session-templates?courseId={}", other_course["id"].as_str().unwrap());
        assert_eq!(ok(&app.get(&path, Some(&admin.access)).await)["data"], json!([]));
        let bad = app.get("/api/v1/group-session-templates?courseId=maths&limit=0", Some(&admin.access)).await;
        assert_eq!(fields(&bad.problem(400, "validation_failed")), vec!["courseId", "limit"]);
        let bad = app.get("/api/v1/group-session-templates?limit=0", Some(&admin.access)).await;
        assert_eq!(fields(&bad.problem(400, "validation_failed")), vec!["limit"]);
        app.get("/api/v1/group-session-templates?limit=many", Some(&admin.access))
            .await
            .problem(400, "malformed_request");
        app.get("/api/v1/group-session-templates", None).await.problem(401, "unauthenticated");

        let other = Groups::new(&app, "other").await;
        let theirs = ok(&app.get("/api/v1/group-session-templates", Some(&other.admin().access)).await);
        assert_eq!(theirs["data"], json!([]), "another organization sees none of them");
    }
}

#[tokio::test]
async fn creating_a_template_refuses_bad_fields_roles_strangers_and_unassigned_tas() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let other = Groups::new(&app, "other").await;
        let student = groups.academy.student("Sam").await;
        let valid = |course: &str, ta: &str| {
            json!({"courseId": course, "taId": ta, "title": "Exam prep", "capacity": 10, "durationMinutes": 60,
                   "pricePerStudentCents": 1500})
        };

        let bad = groups
            .try_template(json!({"courseId": "maths", "taId": groups.tara.id, "title": " ", "capacity": 1,
                                 "durationMinutes": 50, "pricePerStudentCents": -1}))
            .await;
        let problem = bad.problem(400, "validation_failed");
        assert_eq!(
            fields(&problem),
            vec!["courseId", "title", "capacity", "durationMinutes", "pricePerStudentCents"],
            "{problem}"
        );
        let too_big = groups
            .try_template(json!({"courseId": groups.course_id, "taId": groups.tara.id,
            "title": "Big", "capacity": 101, "durationMinutes": 255, "pricePerStudentCents": 0}))
            .await;
        assert_eq!(fields(&too_big.problem(400, "validation_failed")), vec!["capacity", "durationMinutes"]);
        let mut unknown = valid(&groups.course_id, &groups.tara.id);
        unknown["currency"] = json!("USD");
        assert_eq!(fields(&groups.try_template(unknown).await.problem(400, "validation_failed")), vec!["currency"]);
        let mut mistyped = valid(&groups.course_id, &groups.tara.id);
        mistyped["capacity"] = json!("ten");
        groups.try_template(mistyped).await.problem(400, "malformed_request");

        for member in [&student, &groups.tara] {
            app.post(
                "/api/v1/group-session-templates",
                Some(&member.access),
                valid(&groups.course_id, &groups.tara.id),
            )
            .await
            .problem(403, "forbidden");
        }
        groups.try_template(valid(&other.course_id, &groups.tara.id)).await.problem(404, "not_found");
        groups.try_template(valid(&groups.course_id, &other.tara.id)).await.problem(404, "not_found");
        groups.try_template(valid(&groups.course_id, &student.id)).await.problem(404, "not_found");
        groups.try_template(valid(&Uuid::now_v7().to_string(), &groups.tara.id)).await.problem(404, "not_found");
        let tom = groups.academy.ta("Tom").await;
        groups.try_template(valid(&groups.course_id, &tom.id)).await.problem(422, "ta_not_assigned_to_course");
        let listed = ok(&app.get("/api/v1/group-session-templates", Some(&groups.admin().access)).await);
        assert_eq!(listed["data"], json!([]), "nothing refused was created: {listed}");
    }
}

#[tokio::test]
async fn admins_and_the_templates_ta_schedule_sessions_under_the_booking_rules() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let other = Groups::new(&app, "other").await;
        let admin = groups.admin();
        let student = groups.academy.student("Sam").await;
        let template = groups.template(&groups.tara, "Exam prep", 8).await;

        let at = berlin(2, 10, 0);
        let reply = groups.try_schedule(&admin.access, &template, at).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        let session = reply.json();
        let id = session["id"].as_str().unwrap();
        assert_eq!(reply.header("location"), Some(format!("/api/v1/bookings/{id}").as_str()));
        assert_eq!(session["courseId"], groups.course_id.as_str());
        assert_eq!(session["taId"], groups.tara.id.as_str());
        assert_eq!(session["sessionType"], "group");
        assert_eq!(session["status"], "open");
        assert_eq!(session["startsAt"], rfc3339(at));
        assert_eq!(session["endsAt"], rfc3339(at + Duration::minutes(60)));
        assert_eq!(session["durationMinutes"], 60);
        assert_eq!(session["capacity"], 8);
        assert_eq!(session["seatsTaken"], 0);
        assert_eq!(session["pricePerStudentCents"], 1500);
        assert_eq!(session["currency"], "EUR");
        assert_eq!(session["groupSessionTemplateId"], template["id"]);
        assert_eq!(session["seats"], json!([]));
        assert_eq!(session["cancelledAt"], json!(null));

        let by_ta = groups.try_schedule(&groups.tara.access, &template, berlin(2, 14, 0)).await;
        assert_eq!(by_ta.status, StatusCode::CREATED, "the template's TA schedules: {}", by_ta.text);
        groups.try_schedule(&groups.theo.access, &template, berlin(2, 16, 0)).await.problem(403, "forbidden");
        groups.try_schedule(&student.access, &template, berlin(2, 16, 0)).await.problem(403, "forbidden");

        // Over the TA's other session, from this template or another of hers.
        groups.try_schedule(&admin.access, &template, berlin(2, 10, 30)).await.problem(409, "ta_unavailable");
        let second = groups.template(&groups.tara, "Homework club", 5).await;
        let overlap = groups.try_schedule(&groups.tara.access, &second, berlin(2, 14, 45)).await;
        overlap.problem(409, "ta_unavailable");
        let back_to_back = groups.try_schedule(&admin.access, &second, berlin(2, 11, 0)).await;
        assert_eq!(back_to_back.status, StatusCode::CREATED, "half-open intervals: {}", back_to_back.text);

        let soon = Utc::now() + Duration::minutes(10);
        groups.try_schedule(&admin.access, &template, soon).await.problem(422, "booking_too_soon");
        groups.try_schedule(&admin.access, &template, berlin(120, 10, 0)).await.problem(422, "booking_too_far_ahead");
        let late = groups.try_schedule(&admin.access, &template, berlin(3, 19, 30)).await;
        late.problem(422, "outside_ta_availability");

        let theirs = other.template(&other.tara, "Theirs", 4).await;
        groups.try_schedule(&admin.access, &theirs, berlin(4, 10, 0)).await.problem(404, "not_found");
        groups
            .try_schedule(&admin.access, &json!({"id": Uuid::now_v7()}), berlin(4, 10, 0))
            .await
            .problem(404, "not_found");
        let bad = app
            .post("/api/v1/group-sessions", Some(&admin.access), json!({"templateId": "prep", "startsAt": "tomorrow"}))
            .await;
        assert_eq!(fields(&bad.problem(400, "validation_failed")), vec!["templateId", "startsAt"]);
        let missing =
            app.post("/api/v1/group-sessions", Some(&admin.access), json!({"templateId": template["id"]})).await;
        assert_eq!(fields(&missing.problem(400, "validation_failed")), vec!["startsAt"]);

        let at = berlin(5, 10, 0);
        let offset = at.with_timezone(&chrono::FixedOffset::east_opt(5 * 3600).unwrap()).to_rfc3339();
        let reply = app
            .post(
                "/api/v1/group-sessions",
                Some(&admin.access),
                json!({"templateId": second["id"], "startsAt": offset}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        assert_eq!(reply.json()["startsAt"], rfc3339(at), "any offset in, UTC out");
    }
}

#[tokio::test]
async fn members_list_group_sessions_by_start_with_filters_and_pages() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let admin = groups.admin();
        let student = groups.academy.student("Sam").await;
        let tara = groups.template(&groups.tara, "Tara's", 4).await;
        let theo = groups.template(&groups.theo, "Theo's", 4).await;
        let late = groups.session(&tara, berlin(3, 10, 0)).await;
        let early = groups.session(&tara, berlin(2, 10, 0)).await;
        let same_time = groups.session(&theo, berlin(2, 10, 0)).await;

        let all = ok(&app.get("/api/v1/group-sessions", Some(&student.access)).await);
        let ids: Vec<&str> = all["data"].as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap()).collect();
        let mut first_two = [early["id"].as_str().unwrap(), same_time["id"].as_str().unwrap()];
        first_two.sort_unstable();
        assert_eq!(ids, vec![first_two[0], first_two[1], late["id"].as_str().unwrap()], "by start, then id: {all}");
        assert_eq!(all["nextCursor"], json!(null));

        let page = ok(&app.get("/api/v1/group-sessions?limit=2", Some(&groups.theo.access)).await);
        assert_eq!(page["data"].as_array().unwrap().len(), 2);
        let cursor = page["nextCursor"].as_str().unwrap();
        let rest = ok(&app.get(&format!("/api/v1/group-sessions?limit=2&cursor={cursor}"), Some(&admin.access)).await);
        assert_eq!(rest["data"][0]["id"], late["id"]);
        assert_eq!(rest["nextCursor"], json!(null));

        let from = rfc3339(berlin(2, 12, 0)).replace('+', "%2B");
        let later = ok(&app.get(&format!("/api/v1/group-sessions?from={from}"), Some(&admin.access)).await);
        assert_eq!(later["data"].as_array().unwrap().len(), 1);
        let to = rfc3339(berlin(3, 10, 0));
        let before = ok(&app.get(&format!("/api/v1/group-sessions?to={to}"), Some(&admin.access)).await);
        assert_eq!(before["data"].as_array().unwrap().len(), 2, "`to` is exclusive: {before}");
        let offset = berlin(2, 10, 0).with_timezone(&chrono::FixedOffset::east_opt(3600 * 3).unwrap());
        let from = offset.to_rfc3339().replace('+', "%2B");
        let at_or_after = ok(&app.get(&format!("/api/v1/group-sessions?from={from}"), Some(&admin.access)).await);
        assert_eq!(at_or_after["data"].as_array().unwrap().len(), 3, "any offset, `from` inclusive");
        let course = format!("/api/v1/group-sessions?courseId={}", groups.course_id);
        assert_eq!(ok(&app.get(&course, Some(&admin.access)).await)["data"].as_array().unwrap().len(), 3);
        let other_course = groups.academy.course("GRP-2", "Other").await;
        let course = format!("/api/v1/group-sessions?courseId={}", other_course["id"].as_str().unwrap());
        assert_eq!(ok(&app.get(&course, Some(&admin.access)).await)["data"], json!([]));

        let bad = app.get("/api/v1/group-sessions?from=yesterday&to=2026-13-01&courseId=x", Some(&admin.access)).await;
        let problem = bad.problem(400, "validation_failed");
        assert_eq!(fields(&problem), vec!["courseId", "from", "to"], "{problem}");
        let bad = app.get("/api/v1/group-sessions?cursor=nope", Some(&admin.access)).await;
        assert_eq!(fields(&bad.problem(400, "validation_failed")), vec!["cursor"]);
        app.get("/api/v1/group-sessions", None).await.problem(401, "unauthenticated");

        let other = Groups::new(&app, "other").await;
        assert_eq!(ok(&app.get("/api/v1/group-sessions", Some(&other.admin().access)).await)["data"], json!([]));
    }
}

#[tokio::test]
async fn students_take_and_give_up_seats_and_see_only_their_own() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let admin = groups.admin();
        let template = groups.template(&groups.tara, "Pair practice", 2).await;
        let session = groups.session(&template, berlin(2, 10, 0)).await;
        let [s1, s2, s3] = <[_; 3]>::try_from(groups.students("Student", 3).await).unwrap();

        let first = ok(&join(&app, &session, &s1).await);
        assert_eq!(first["status"], "open", "{:?}: {first}", app.backend);
        assert_eq!(first["seatsTaken"], 1);
        assert_eq!(seat_ids(&first), ids_of(&[&s1]));
        let seat = &first["seats"][0];
        assert_eq!(seat["priceCents"], 1500, "paid at the template's price: {seat}");
        assert_eq!(seat["bundlePurchaseId"], json!(null));
        assert_eq!(seat["refunded"], false);
        assert!(seat["joinedAt"].as_str().unwrap().ends_with('Z'));
        join(&app, &session, &s1).await.problem(409, "already_joined");
        let email = app.email(&s1.email, "Seat confirmed", 0).await;
        assert!(email.contains(session["id"].as_str().unwrap()), "{email}");

        let second = ok(&join(&app, &session, &s2).await);
        assert_eq!(second["status"], "full");
        assert_eq!(second["seatsTaken"], 2);
        assert_eq!(seat_ids(&second), ids_of(&[&s2]), "a student never sees another student's seat: {second}");
        join(&app, &session, &s3).await.problem(409, "session_full");

        // Who sees which seats, in the list.
        assert_eq!(seat_ids(&listed(&app, &session, &s1).await), ids_of(&[&s1]));
        assert_eq!(seat_ids(&listed(&app, &session, &s2).await), ids_of(&[&s2]));
        let unseated = listed(&app, &session, &s3).await;
        assert_eq!(unseated["seats"], json!([]), "{unseated}");
        assert_eq!(unseated["seatsTaken"], 2, "the count is public");
        assert_eq!(seat_ids(&listed(&app, &session, &groups.tara).await), ids_of(&[&s1, &s2]), "the session's TA");
        assert_eq!(seat_ids(&listed(&app, &session, &admin).await), ids_of(&[&s1, &s2]), "the admin");
        assert_eq!(listed(&app, &session, &groups.theo).await["seats"], json!([]), "another TA sees no seat");

        let left = ok(&leave(&app, &session, &s2).await);
        assert_eq!(left["status"], "open", "full goes back to open: {left}");
        assert_eq!(left["seatsTaken"], 1);
        assert_eq!(left["seats"], json!([]), "the leaver no longer has a seat and sees no one else's");
        leave(&app, &session, &s2).await.problem(404, "not_found");
        leave(&app, &session, &s3).await.problem(404, "not_found");
        let third = ok(&join(&app, &session, &s3).await);
        assert_eq!((third["status"].as_str(), third["seatsTaken"].as_u64()), (Some("full"), Some(2)));
        assert_eq!(seat_ids(&listed(&app, &session, &admin).await), ids_of(&[&s1, &s3]));

        // Roles: only students take or leave seats.
        join(&app, &session, &admin).await.problem(403, "forbidden");
        join(&app, &session, &groups.tara).await.problem(403, "forbidden");
        leave(&app, &session, &groups.tara).await.problem(403, "forbidden");
        leave(&app, &session, &admin).await.problem(403, "forbidden");
    }
}

#[tokio::test]
async fn joining_refuses_overlaps_strangers_unknown_sessions_and_bad_bodies() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let other = Groups::new(&app, "other").await;
        let tara = groups.template(&groups.tara, "Tara's", 5).await;
        let theo = groups.template(&groups.theo, "Theo's", 5).await;
        let morning = groups.session(&tara, berlin(2, 10, 0)).await;
        let overlapping = groups.session(&theo, berlin(2, 10, 30)).await;
        let after = groups.session(&tara, berlin(2, 11, 0)).await;
        let sam = groups.academy.student("Sam").await;

        ok(&join(&app, &morning, &sam).await);
        join(&app, &overlapping, &sam).await.problem(409, "student_unavailable");
        let back_to_back = ok(&join(&app, &after, &sam).await);
        assert_eq!(back_to_back["seatsTaken"], 1, "half-open intervals do not overlap");

        let stranger = other.academy.student("Stan").await;
        join(&app, &morning, &stranger).await.problem(404, "not_found");
        leave(&app, &morning, &stranger).await.problem(404, "not_found");
        let theirs = other.session(&other.template(&other.tara, "Theirs", 3).await, berlin(2, 10, 0)).await;
        join(&app, &theirs, &sam).await.problem(404, "not_found");
        let unknown = json!({"id": Uuid::now_v7()});
        join(&app, &unknown, &sam).await.problem(404, "not_found");
        leave(&app, &unknown, &sam).await.problem(404, "not_found");
        app.post("/api/v1/group-sessions/not-an-id/join", Some(&sam.access), json!({})).await.problem(404, "not_found");

        let path = crate::group_fixture::action(&morning, "join");
        let bad = app.post(&path, Some(&sam.access), json!({"bundlePurchaseId": "mine"})).await;
        assert_eq!(fields(&bad.problem(400, "validation_failed")), vec!["bundlePurchaseId"]);
        let unknown_field = app.post(&path, Some(&sam.access), json!({"seat": 3})).await;
        assert_eq!(fields(&unknown_field.problem(400, "validation_failed")), vec!["seat"]);
        let nobodys = app.post(&path, Some(&sam.access), json!({"bundlePurchaseId": Uuid::now_v7()})).await;
        nobodys.problem(404, "not_found");
        app.post(&path, None, json!({})).await.problem(401, "unauthenticated");
        let text = app
            .client
            .post(format!("{}{path}", app.address))
            .bearer_auth(&sam.access)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}
