//! `GET/PUT /tas/{taId}/availability`: the default hours, replacing them (admins for any TA, a
//! TA only their own), every refused field with its path, and tenant isolation.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::Academy;
use crate::helpers::{Reply, apps};

fn path(ta: &str) -> String {
    format!("/api/v1/tas/{ta}/availability")
}

fn refused(reply: &Reply) -> Vec<String> {
    let body = reply.problem(400, "validation_failed");
    body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

fn nine_to_five() -> Value {
    json!({"timezone": "Europe/Berlin", "overrides": [],
           "weekly": (1..=5).map(|d| json!({"weekday": d, "start": "09:00", "end": "17:00"})).collect::<Vec<_>>()})
}

#[tokio::test]
async fn a_new_ta_works_weekdays_nine_to_five_in_the_organizations_zone() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let ta = academy.ta("Tara").await;
        let student = academy.student("Sam").await;
        let reply = app.get(&path(&ta.id), Some(&student.access)).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}: {}", app.backend, reply.text);
        assert_eq!(reply.json(), nine_to_five());
    }
}

#[tokio::test]
async fn admins_and_the_ta_replace_the_hours_and_members_read_them_normalized() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let ta = academy.ta("Tara").await;
        let sent = json!({
            "timezone": "America/New_York",
            "weekly": [
                {"weekday": 3, "start": "13:00", "end": "17:30"},
                {"weekday": 7, "start": "00:00", "end": "24:00"},
                {"weekday": 3, "start": "08:00", "end": "12:00"},
                {"weekday": 1, "start": "12:00", "end": "13:00"},
                {"weekday": 1, "start": "09:00", "end": "12:00"}
            ],
            "overrides": [
                {"date": "2031-12-31", "intervals": []},
                {"date": "2031-12-24",
                 "intervals": [{"start": "14:00", "end": "16:00"}, {"start": "09:00", "end": "11:00"}]}
            ]
        });
        let normalized = json!({
            "timezone": "America/New_York",
            "weekly": [
                {"weekday": 1, "start": "09:00", "end": "12:00"},
                {"weekday": 1, "start": "12:00", "end": "13:00"},
                {"weekday": 3, "start": "08:00", "end": "12:00"},
                {"weekday": 3, "start": "13:00", "end": "17:30"},
                {"weekday": 7, "start": "00:00", "end": "24:00"}
            ],
            "overrides": [
                {"date": "2031-12-24",
                 "intervals": [{"start": "09:00", "end": "11:00"}, {"start": "14:00", "end": "16:00"}]},
                {"date": "2031-12-31", "intervals": []}
            ]
        });
        let reply = app.put(&path(&ta.id), Some(&academy.admin.access), Some(sent)).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}: {}", app.backend, reply.text);
        assert_eq!(reply.json(), normalized, "sorted by weekday then start, overrides by date");
        let student = academy.student("Sam").await;
        assert_eq!(app.get(&path(&ta.id), Some(&student.access)).await.json(), normalized);

        // The TA replaces their own; an empty week is allowed.
        let empty = json!({"timezone": "Europe/Berlin", "weekly": [], "overrides": []});
        let own = app.put(&path(&ta.id), Some(&ta.access), Some(empty.clone())).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.text);
        assert_eq!(app.get(&path(&ta.id), Some(&ta.access)).await.json(), empty);
    }
}

#[tokio::test]
async fn only_admins_and_the_ta_themself_replace_hours() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let tara = academy.ta("Tara").await;
        let theo = academy.ta("Theo").await;
        let student = academy.student("Sam").await;
        let other = Academy::new(&app, "other").await;
        let olga = other.ta("Olga").await;
        let hours =
            json!({"timezone": "UTC", "weekly": [{"weekday": 1, "start": "06:00", "end": "07:00"}], "overrides": []});

        app.put(&path(&theo.id), Some(&tara.access), Some(hours.clone())).await.problem(403, "forbidden");
        app.put(&path(&tara.id), Some(&student.access), Some(hours.clone())).await.problem(403, "forbidden");
        // A student is refused before anything is looked up, even for a user who is no TA.
        app.put(&path(&student.id), Some(&student.access), Some(hours.clone())).await.problem(403, "forbidden");
        // A shape error wins over the role.
        let bad =
            json!({"timezone": "UTC", "weekly": [{"weekday": 0, "start": "06:00", "end": "07:00"}], "overrides": []});
        assert_eq!(refused(&app.put(&path(&theo.id), Some(&tara.access), Some(bad)).await), vec!["weekly[0].weekday"]);

        let unknown = uuid::Uuid::now_v7().to_string();
        for target in [&student.id, &academy.admin().id, &olga.id, &unknown] {
            app.put(&path(target), Some(&academy.admin.access), Some(hours.clone())).await.problem(404, "not_found");
            app.get(&path(target), Some(&tara.access)).await.problem(404, "not_found");
        }
        // A TA of another organization cannot reach this one's TA either.
        app.put(&path(&tara.id), Some(&olga.access), Some(hours.clone())).await.problem(404, "not_found");
        app.get(&path(&tara.id), None).await.problem(401, "unauthenticated");
        app.put(&path(&tara.id), None, Some(hours)).await.problem(401, "unauthenticated");

        assert_eq!(app.get(&path(&theo.id), Some(&theo.access)).await.json(), nine_to_five(), "{:?}", app.backend);
        assert_eq!(app.get(&path(&olga.id), Some(&olga.access)).await.json()["timezone"], "Europe/Berlin");
    }
}

#[tokio::test]
async fn malformed_hours_are_refused_with_the_path_of_each_field() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let ta = academy.ta("Tara").await;
        let admin = &academy.admin.access;
        let cases = [
            (json!({"timezone": "Mars/Olympus", "weekly": [], "overrides": []}), vec!["timezone"]),
            (
                json!({"timezone": "UTC", "overrides": [], "weekly": [
                    {"weekday": 8, "start": "9:00", "end": "17:00"},
                    {"weekday": 2, "start": "10:00", "end": "24:30"},
                    {"weekday": 2, "start": "12:00", "end": "11:00"}
                ]}),
                vec!["weekly[0].weekday", "weekly[0].start", "weekly[1].end", "weekly[2].end"],
            ),
            (
                json!({"timezone": "UTC", "overrides": [], "weekly": [
                    {"weekday": 2, "start": "09:00", "end": "12:00"},
                    {"weekday": 2, "start": "11:00", "end": "13:00"}
                ]}),
                vec!["weekly[1]"],
            ),
            (
                json!({"timezone": "UTC", "weekly": [], "overrides": [
                    {"date": "2031-02-30", "intervals": []},
                    {"date": "2031-03-01",
                     "intervals": [{"start": "09:00", "end": "12:00"}, {"start": "10:00", "end": "11:00"}]},
                    {"date": "2031-03-01", "intervals": [{"start": "10:00", "end": "10:00"}]}
                ]}),
                vec![
                    "overrides[0].date",
                    "overrides[2].intervals[0].end",
                    "overrides[1].intervals[1]",
                    "overrides[2].date",
                ],
            ),
            (json!({"timezone": "UTC", "weekly": []}), vec!["overrides"]),
            (json!({"timezone": "UTC", "weekly": [], "overrides": [], "taId": ta.id}), vec!["taId"]),
        ];
        for (body, fields) in cases {
            let mut got = refused(&app.put(&path(&ta.id), Some(admin), Some(body.clone())).await);
            let mut want: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{:?}: {body}", app.backend);
        }
        let too_many: Vec<Value> =
            (0..71).map(|i| json!({"weekday": 1 + i % 7, "start": "00:00", "end": "00:05"})).collect();
        let body = json!({"timezone": "UTC", "weekly": too_many, "overrides": []});
        let reply = app.put(&path(&ta.id), Some(admin), Some(body)).await;
        assert!(refused(&reply).contains(&"weekly".to_owned()));
        app.put(&path(&ta.id), Some(admin), Some(json!({"timezone": "UTC", "weekly": {}, "overrides": []})))
            .await
            .problem(400, "malformed_request");
        assert_eq!(app.get(&path(&ta.id), Some(admin)).await.json(), nine_to_five(), "nothing was stored");
    }
}
