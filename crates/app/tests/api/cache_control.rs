//! `Cache-Control: no-store` on every response that carries tokens or answers an authenticated
//! request (cached catalog reads included: the server's read cache is not an HTTP cache), so
//! that no browser or intermediary keeps them; public non-API responses are left alone.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, Reply, TestApp, spawn_app};

fn no_store(reply: &Reply, what: &str) {
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}: {} {}", reply.status, reply.text);
}

async fn app() -> TestApp {
    spawn_app(test_support::sqlite::database().await).await
}

#[tokio::test]
async fn token_responses_and_authenticated_responses_are_not_stored() {
    let app = app().await;
    let sign_up = app
        .post(
            "/api/v1/organizations",
            None,
            json!({"name": "Acme", "slug": "no-store", "admin":
                   {"email": "admin@no-store.test", "password": PASSWORD, "name": "Ada Admin"}}),
        )
        .await;
    assert_eq!(sign_up.status, StatusCode::CREATED, "{}", sign_up.text);
    no_store(&sign_up, "sign-up");
    let access = sign_up.json()["accessToken"].as_str().unwrap().to_owned();
    let register = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"organizationSlug": "no-store", "email": "sam@no-store.test", "password": PASSWORD, "name": "Sam"}),
        )
        .await;
    assert_eq!(register.status, StatusCode::CREATED, "{}", register.text);
    no_store(&register, "register");
    let login = app.login("no-store", "admin@no-store.test", PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    no_store(&login, "login");
    let refresh = app.post("/api/v1/auth/refresh", None, json!({"refreshToken": login.json()["refreshToken"]})).await;
    assert_eq!(refresh.status, StatusCode::OK, "{}", refresh.text);
    no_store(&refresh, "refresh");
    no_store(&app.login("no-store", "admin@no-store.test", "wrong-password-1").await, "a refused login");

    let token = Some(access.as_str());
    no_store(&app.get("/api/v1/me", token).await, "GET /me");
    let course = app.post("/api/v1/courses", token, json!({"code": "MATH-101", "title": "Algebra"})).await;
    no_store(&course, "a create");
    let path = format!("/api/v1/courses/{}", course.json()["id"].as_str().unwrap());
    no_store(&app.get(&path, token).await, "a cached read, first");
    let hit = app.get(&path, token).await;
    assert_eq!(hit.header("cache-status"), Some("engify; hit"));
    no_store(&hit, "a cached read from the cache");
    no_store(&app.get("/api/v1/nothing-here", token).await, "an authenticated 404");
    let wrong_method = app.request(reqwest::Method::DELETE, "/api/v1/auth/login", None, None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    no_store(&wrong_method, "a 405");
    assert_eq!(wrong_method.header("x-content-type-options"), Some("nosniff"));
    no_store(&app.get("/health/live", token).await, "a health check sent with a token");

    assert_eq!(app.get("/health/live", None).await.header("cache-control"), None, "public, tokenless: untouched");
}
