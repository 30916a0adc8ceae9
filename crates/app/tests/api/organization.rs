//! `GET/PATCH /organization`: members read their own, admins change it, other organizations'
//! members never see it.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::apps;

#[tokio::test]
async fn admins_change_their_organization_and_members_read_it() {
    for app in apps().await {
        let admin = app.sign_up("acme").await;
        let changed = app
            .request(
                Method::PATCH,
                "/api/v1/organization",
                Some(&admin.access),
                Some(json!({"name": "Acme Academy", "settings": {"bufferMinutes": 15, "slotStepMinutes": 15}})),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{:?}: {}", app.backend, changed.text);
        let body = changed.json();
        assert_eq!(body["name"], "Acme Academy");
        assert_eq!(body["settings"]["bufferMinutes"], 15);
        assert_eq!(body["settings"]["cancellationWindowHours"], 24, "untouched settings keep their value");

        let student = app.register("acme", "sam@acme.test").await;
        let token = student["accessToken"].as_str();
        let read = app.get("/api/v1/organization", token).await;
        assert_eq!(read.json()["name"], "Acme Academy");
        app.request(Method::PATCH, "/api/v1/organization", token, Some(json!({"name": "Mine now"})))
            .await
            .problem(403, "forbidden");

        let other = app.sign_up("other").await;
        assert_eq!(app.get("/api/v1/organization", Some(&other.access)).await.json()["slug"], "other");
    }
}

#[tokio::test]
async fn invalid_settings_are_refused_field_by_field() {
    let app = crate::helpers::spawn_app(test_support::sqlite::database().await).await;
    let admin = app.sign_up("acme").await;
    let reply = app
        .request(
            Method::PATCH,
            "/api/v1/organization",
            Some(&admin.access),
            Some(json!({"timezone": "Nowhere/City", "settings": {"slotStepMinutes": 7, "maxAdvanceDays": 0}})),
        )
        .await;
    let body = reply.problem(400, "validation_failed");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["timezone", "settings.maxAdvanceDays", "settings.slotStepMinutes"], "{body}");
    let unknown = app
        .request(Method::PATCH, "/api/v1/organization", Some(&admin.access), Some(json!({"slug": "taken-over"})))
        .await;
    let body = unknown.problem(400, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "slug", "clients cannot set fields they do not own");
}
