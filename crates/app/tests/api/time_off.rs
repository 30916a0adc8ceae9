//! TA time off over HTTP on both backends: a TA's week off is one request that moves what can
//! be moved and names what cannot; the window leaves slot search (cache included) and refuses
//! bookings at once; reasons are private; deleting gives the time back without moving anything
//! back; every refusal has its code.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, berlin, rfc3339};
use crate::bookings::{book, booked, session, with};
use crate::helpers::{Reply, TestApp, apps};
use crate::slots::{search, slots};

async fn record(app: &TestApp, token: &str, ta: &str, body: Value) -> Reply {
    app.post(&format!("/api/v1/tas/{ta}/time-off"), Some(token), body).await
}

fn ids(affected: &Value) -> Vec<(String, String, String)> {
    affected
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let text = |k: &str| a[k].as_str().unwrap().to_owned();
            (text("bookingId"), text("outcome"), text("taId"))
        })
        .collect()
}

#[tokio::test]
async fn a_week_off_moves_what_can_be_moved_and_names_what_cannot() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let (tara, theo) = (&tas[0], &tas[1]);
        let [sam, kim, lee] =
            [academy.student("Sam").await, academy.student("Kim").await, academy.student("Lee").await];
        let by = |ta: &str| json!({"taId": ta});
        let movable = booked(&app, &sam.access, with(session(&course, berlin(2, 10, 0), 60), &by(&tara.id))).await;
        let stuck = booked(&app, &kim.access, with(session(&course, berlin(2, 11, 0), 60), &by(&tara.id))).await;
        booked(&app, &lee.access, with(session(&course, berlin(2, 11, 0), 60), &by(&theo.id))).await;
        let outside = booked(&app, &sam.access, with(session(&course, berlin(9, 10, 0), 60), &by(&tara.id))).await;
        let day = (berlin(2, 0, 0), berlin(3, 0, 0));
        let before = slots(
            &search(&app, &sam.access, &course, day.0, day.1, &format!("taId={}&durationMinutes=60", tara.id)).await,
            60,
        );
        assert!(!before.is_empty(), "{b:?}");

        let week = json!({"from": rfc3339(berlin(1, 0, 0)), "to": rfc3339(berlin(8, 0, 0)), "reason": "surgery",
                          "reassign": true});
        let reply = record(&app, &tara.access, &tara.id, week).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{b:?}: {}", reply.text);
        let recorded = reply.json();
        assert_eq!((recorded["taId"].as_str(), recorded["reason"].as_str()), (Some(tara.id.as_str()), Some("surgery")));
        let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
        assert_eq!(
            ids(&recorded["affected"]),
            vec![
                (id(&movable), "reassigned".to_owned(), theo.id.clone()),
                (id(&stuck), "unresolved".to_owned(), tara.id.clone()),
            ],
            "{b:?}: the session after the window is not touched"
        );
        let location = reply.header("location").unwrap().to_owned();
        assert!(location.ends_with(recorded["id"].as_str().unwrap()), "{location}");
        let moved = app.get(&format!("/api/v1/bookings/{}", id(&movable)), Some(&sam.access)).await.json();
        assert_eq!((moved["taId"].as_str(), &moved["startsAt"]), (Some(theo.id.as_str()), &movable["startsAt"]));
        assert_eq!((moved["sequence"].as_u64(), moved["rescheduleCount"].as_u64()), (Some(1), Some(0)));
        let sam_mail = app.email(&sam.email, "Moved", 0).await;
        assert!(!sam_mail.contains("surgery"), "{b:?}: the reason stays private");
        app.email(&theo.email, "Moved", 0).await;
        app.email(&tara.email, "Handed over", 0).await;
        let stayed = app.get(&format!("/api/v1/bookings/{}", id(&outside)), Some(&sam.access)).await.json();
        assert_eq!(stayed["taId"].as_str(), Some(tara.id.as_str()));

        // At once: no slot of Tara's that day (the cached answer included), no booking with her.
        let after = slots(
            &search(&app, &sam.access, &course, day.0, day.1, &format!("taId={}&durationMinutes=60", tara.id)).await,
            60,
        );
        assert!(after.is_empty(), "{b:?}: {after:?}");
        let over = with(session(&course, berlin(2, 15, 0), 60), &by(&tara.id));
        book(&app, &sam.access, over.clone()).await.problem(422, "outside_ta_availability");
        let auto = booked(&app, &sam.access, session(&course, berlin(2, 15, 0), 60)).await;
        assert_eq!(auto["taId"].as_str(), Some(theo.id.as_str()), "{b:?}: the automatic choice skips her");

        // Anyone sees the window; only admins and Tara see why.
        let list = format!("/api/v1/tas/{}/time-off", tara.id);
        for (token, reason) in [
            (&sam.access, Value::Null),
            (&theo.access, Value::Null),
            (&tara.access, json!("surgery")),
            (&academy.admin.access, json!("surgery")),
        ] {
            let reply = app.get(&list, Some(token)).await;
            assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
            let page = reply.json();
            assert_eq!(page["data"].as_array().unwrap().len(), 1, "{b:?}");
            assert_eq!(page["data"][0]["reason"], reason, "{b:?}");
        }
        let later = app.get(&format!("{list}?from={}", rfc3339(berlin(8, 0, 0))), Some(&sam.access)).await;
        assert_eq!(later.json()["data"], json!([]), "{b:?}: the window ends where `from` starts");

        // Deleting gives the time back and moves nothing back.
        let one = format!("{list}/{}", recorded["id"].as_str().unwrap());
        app.delete(&one, Some(&theo.access)).await.problem(403, "forbidden");
        app.delete(&one, Some(&sam.access)).await.problem(403, "forbidden");
        assert_eq!(app.delete(&one, Some(&tara.access)).await.status, StatusCode::NO_CONTENT, "{b:?}");
        app.delete(&one, Some(&academy.admin.access)).await.problem(404, "not_found");
        let reply = book(&app, &kim.access, with(session(&course, berlin(2, 16, 0), 60), &by(&tara.id))).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{b:?}: {}", reply.text);
        let still = app.get(&format!("/api/v1/bookings/{}", id(&movable)), Some(&sam.access)).await.json();
        assert_eq!(still["taId"].as_str(), Some(theo.id.as_str()), "{b:?}");
        let events = app.get("/api/v1/admin/audit-events?action=time_off.recorded", Some(&academy.admin.access)).await;
        assert_eq!(events.json()["data"].as_array().unwrap().len(), 1, "{b:?}");
    }
}

#[tokio::test]
async fn who_records_time_off_and_which_windows_are_refused() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;
        let lesson =
            booked(&app, &sam.access, with(session(&course, berlin(2, 10, 0), 60), &json!({"taId": tas[0].id}))).await;
        let day = json!({"from": rfc3339(berlin(2, 0, 0)), "to": rfc3339(berlin(3, 0, 0))});

        record(&app, &tas[1].access, &tas[0].id, day.clone()).await.problem(403, "forbidden");
        record(&app, &sam.access, &tas[0].id, day.clone()).await.problem(403, "forbidden");
        record(&app, &academy.admin.access, &sam.id, day.clone()).await.problem(404, "not_found");
        let other = Academy::new(&app, "globex").await;
        record(&app, &other.admin.access, &tas[0].id, day.clone()).await.problem(404, "not_found");
        for (body, field) in [
            (json!({"from": rfc3339(berlin(3, 0, 0)), "to": rfc3339(berlin(2, 0, 0))}), "to"),
            (json!({"from": rfc3339(berlin(2, 0, 0)), "to": rfc3339(berlin(93, 0, 0))}), "to"),
            (json!({"from": "monday", "to": rfc3339(berlin(2, 0, 0))}), "from"),
            (
                json!({"from": rfc3339(berlin(2, 0, 0)), "to": rfc3339(berlin(3, 0, 0)), "reason": "x".repeat(501)}),
                "reason",
            ),
        ] {
            let problem = record(&app, &academy.admin.access, &tas[0].id, body).await.problem(400, "validation_failed");
            assert_eq!(problem["errors"][0]["field"], field, "{b:?}: {problem}");
        }
        let list = app.get(&format!("/api/v1/tas/{}/time-off", tas[0].id), Some(&academy.admin.access)).await;
        assert_eq!(list.json()["data"], json!([]), "{b:?}: refusals recorded nothing");

        // Without `reassign` the session is only named; an admin records for any TA.
        let reply = record(&app, &academy.admin.access, &tas[0].id, day).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{b:?}: {}", reply.text);
        let affected = &reply.json()["affected"];
        assert_eq!(affected[0]["outcome"], "unresolved", "{b:?}");
        assert_eq!(affected[0]["bookingId"], lesson["id"]);
        let unchanged =
            app.get(&format!("/api/v1/bookings/{}", lesson["id"].as_str().unwrap()), Some(&sam.access)).await;
        assert_eq!(unchanged.json()["sequence"], 0, "{b:?}");
        let paged = app.get(&format!("/api/v1/tas/{}/time-off?limit=0", tas[0].id), Some(&sam.access)).await;
        paged.problem(400, "validation_failed");
    }
}
