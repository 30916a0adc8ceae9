//! Policies per course, fixed at booking time, on both backends: the organization's terms and a
//! course's overrides in their responses, the effective policy copied onto each new booking,
//! later changes that leave existing bookings' terms alone, a cancellation that follows the
//! booking's copy, and refused terms that change nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::academy::{Academy, berlin};
use crate::bookings::{booked, cancel, session};
use crate::helpers::apps;

#[tokio::test]
async fn each_booking_keeps_the_policy_of_its_course_when_it_was_booked() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        let reply = app
            .patch(
                "/api/v1/organization",
                Some(&admin.access),
                json!({"settings": {"maxReschedules": 4, "noShow": "refund"}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        let settings = &reply.json()["settings"];
        assert_eq!(settings["cancellationWindowHours"], 24);
        assert_eq!(settings["rescheduleWindowHours"], 24, "{b:?}: follows the cancellation window");
        assert_eq!((settings["maxReschedules"].as_u64(), settings["noShow"].as_str()), (Some(4), Some("refund")));
        assert_eq!(settings["lateCancellation"], "forfeit");

        let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let path = format!("/api/v1/courses/{}", course["id"].as_str().unwrap());
        assert_eq!(
            course["policy"],
            json!({"cancellationWindowHours": null, "rescheduleWindowHours": null, "maxReschedules": null,
                   "lateCancellation": null, "noShow": null}),
            "{b:?}: a new course inherits every term"
        );
        let terms = json!({"policy": {"cancellationWindowHours": 720, "lateCancellation": "forfeit"}});
        let reply = app.patch(&path, Some(&admin.access), terms).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        assert_eq!(reply.json()["policy"]["cancellationWindowHours"], 720);

        let sam = academy.student("Sam").await;
        let course_id = course["id"].as_str().unwrap();
        let booking = booked(&app, &sam.access, session(course_id, berlin(2, 10, 0), 60)).await;
        let copied = json!({"cancellationWindowHours": 720, "rescheduleWindowHours": 720, "maxReschedules": 4,
                            "lateCancellation": "forfeit", "noShow": "refund"});
        assert_eq!(booking["policy"], copied, "{b:?}");
        assert_eq!((booking["sequence"].as_u64(), booking["rescheduleCount"].as_u64()), (Some(0), Some(0)));

        // The course relents: no window, refunds. The booking keeps its terms.
        let relent = json!({"policy": {"cancellationWindowHours": 0, "lateCancellation": "refund"}});
        assert_eq!(app.patch(&path, Some(&admin.access), relent).await.status, StatusCode::OK);
        let again = app.get(&format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap()), Some(&sam.access)).await;
        assert_eq!(again.json()["policy"], copied, "{b:?}: a later policy change leaves booked terms alone");
        let later = booked(&app, &sam.access, session(course_id, berlin(2, 12, 0), 60)).await;
        assert_eq!(later["policy"]["cancellationWindowHours"], 0, "{b:?}: new bookings take the new terms");

        // Cancelling 34–58 h ahead: late under the booking's 720 h window, which forfeits
        // (today's course terms would refund).
        let reply = cancel(&app, &sam.access, &booking, json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        assert_eq!(reply.json()["seats"][0]["refunded"], false, "{b:?}: the booking's own terms");
        let reply = cancel(&app, &sam.access, &later, json!({})).await;
        assert_eq!(reply.json()["seats"][0]["refunded"], true, "{b:?}: the later booking's terms");

        // `null` gives a term back to the organization.
        let reply = app.patch(&path, Some(&admin.access), json!({"policy": {"cancellationWindowHours": null}})).await;
        assert_eq!(reply.json()["policy"]["cancellationWindowHours"], json!(null), "{b:?}");
        assert_eq!(reply.json()["policy"]["lateCancellation"], "refund", "{b:?}: absent terms stay");
    }
}

#[tokio::test]
async fn terms_out_of_range_are_refused_with_their_fields_and_change_nothing() {
    for app in apps().await {
        let b = app.backend;
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        let course = academy.course("MATH-101", "Algebra").await;
        let path = format!("/api/v1/courses/{}", course["id"].as_str().unwrap());
        let bad = json!({"title": "Renamed", "policy": {"maxReschedules": 11, "lateCancellation": "keep",
                                                        "rescheduleWindowHours": -1}});
        let reply = app.patch(&path, Some(&admin.access), bad).await;
        let problem = reply.problem(400, "validation_failed");
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(
            fields,
            ["policy.rescheduleWindowHours", "policy.maxReschedules", "policy.lateCancellation"],
            "{b:?}"
        );
        let unchanged = app.get(&path, Some(&admin.access)).await.json();
        assert_eq!(
            (unchanged["title"].as_str(), unchanged["policy"]["maxReschedules"].is_null()),
            (Some("Algebra"), true)
        );

        let created = app
            .post(
                "/api/v1/courses",
                Some(&admin.access),
                json!({"code": "PHYS-1", "title": "Physics", "policy": {"cancellationWindowHours": 721}}),
            )
            .await;
        created.problem(400, "validation_failed");
        let reply = app
            .patch(
                "/api/v1/organization",
                Some(&admin.access),
                json!({"settings": {"rescheduleWindowHours": 721, "noShow": 1}}),
            )
            .await;
        assert!(reply.status.is_client_error(), "{b:?}: {}", reply.text);
        let settings = app.get("/api/v1/organization", Some(&admin.access)).await.json()["settings"].clone();
        assert_eq!(
            (settings["rescheduleWindowHours"].as_u64(), settings["noShow"].as_str()),
            (Some(24), Some("forfeit"))
        );
        let reply = app
            .patch("/api/v1/organization", Some(&admin.access), json!({"settings": {"rescheduleWindowHours": 721}}))
            .await;
        let problem = reply.problem(400, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "settings.rescheduleWindowHours", "{b:?}");
    }
}
