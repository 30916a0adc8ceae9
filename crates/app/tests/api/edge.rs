//! The edge: problem+json for every kind of refused request, request ids, security headers,
//! health, OpenAPI and docs.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

async fn app() -> TestApp {
    spawn_app(test_support::sqlite::database().await).await
}

async fn raw(app: &TestApp, content_type: Option<&str>, body: Vec<u8>) -> crate::helpers::Reply {
    let mut request = app.client.post(format!("{}/api/v1/auth/login", app.address)).body(body);
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    let response = request.send().await.unwrap();
    crate::helpers::Reply {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

#[tokio::test]
async fn refused_bodies_get_their_codes() {
    let app = app().await;
    raw(&app, Some("application/json"), b"{\"email\": ".to_vec()).await.problem(400, "malformed_request");
    raw(&app, Some("application/json"), br#"{"email": 42, "password": "x"}"#.to_vec())
        .await
        .problem(400, "malformed_request");
    let unknown =
        raw(&app, Some("application/json"), br#"{"email": "a@b.test", "password": "x", "admin": true}"#.to_vec()).await;
    assert_eq!(unknown.problem(400, "validation_failed")["errors"][0]["field"], "admin");
    let missing =
        raw(&app, Some("application/json"), br#"{"organizationSlug": "acme", "email": "a@b.test"}"#.to_vec()).await;
    assert_eq!(missing.problem(400, "validation_failed")["errors"][0]["field"], "password");
    raw(&app, Some("text/plain"), br#"{"email": "a@b.test", "password": "x"}"#.to_vec())
        .await
        .problem(415, "unsupported_media_type");
    raw(&app, None, br#"{"email": "a@b.test", "password": "x"}"#.to_vec()).await.problem(415, "unsupported_media_type");
    let huge = format!(r#"{{"email": "a@b.test", "password": "{}"}}"#, "x".repeat(70 * 1024));
    raw(&app, Some("application/json"), huge.into_bytes()).await.problem(413, "payload_too_large");
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let app = app().await;
    app.get("/api/v1/nothing-here", None).await.problem(404, "not_found");
    app.get("/nowhere", None).await.problem(404, "not_found");
    let wrong_method = app.request(reqwest::Method::DELETE, "/api/v1/auth/login", None, None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED, "{}", wrong_method.text);
    assert_eq!(wrong_method.header("allow"), Some("POST"));
    assert_eq!(wrong_method.json()["code"], "method_not_allowed");
    app.get("/api/v1/tas/not-a-uuid", None).await.problem(401, "unauthenticated");
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = app().await;
    let mine = app
        .client
        .get(format!("{}/health/live", app.address))
        .header("x-request-id", "abc-123.X_y")
        .send()
        .await
        .unwrap();
    assert_eq!(mine.headers()["x-request-id"], "abc-123.X_y");
    let unsafe_id =
        app.client.get(format!("{}/health/live", app.address)).header("x-request-id", "a b").send().await.unwrap();
    let made = unsafe_id.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&made).is_ok(), "{made}");
    let problem = app.get("/api/v1/nothing", None).await;
    assert_eq!(problem.json()["requestId"].as_str(), problem.header("x-request-id"));
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = app().await;
    for path in ["/health/live", "/api/v1/nothing"] {
        let reply = app.get(path, None).await;
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(reply.header("x-frame-options"), Some("DENY"));
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
        assert!(reply.header("content-security-policy").unwrap().contains("default-src 'none'"));
        assert!(reply.header("strict-transport-security").is_none(), "served over http");
    }
    let cors = app
        .client
        .get(format!("{}/health/live", app.address))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(cors.headers().get("access-control-allow-origin").is_none(), "no cross-origin access unless configured");
}

#[tokio::test]
async fn health_endpoints_report_the_service() {
    let app = app().await;
    assert_eq!(app.get("/health/live", None).await.json(), json!({"status": "ok"}));
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text);
    let body = ready.json();
    assert_eq!(body["checks"]["database"]["status"], "ok");
    assert!(body["checks"]["database"]["latencyMs"].as_f64().unwrap() >= 0.0);
    assert_eq!(body["checks"]["mailQueue"]["dead"], 0);
    assert!(body["version"].is_string() && body["uptimeSeconds"].is_u64());
    assert_eq!(app.get("/health/startup", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_and_docs_are_served_offline() {
    let app = app().await;
    let doc = app.get("/openapi.json", None).await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    assert!(login["responses"]["401"]["description"].as_str().unwrap().contains("invalid_credentials"));
    assert!(login["responses"]["423"]["description"].as_str().unwrap().contains("account_locked"));
    assert!(login["responses"]["415"].is_object() && login["responses"]["413"].is_object());
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text.contains("swagger"), "the Swagger UI page");
    let redirect = app.get("/docs", None).await;
    assert_eq!(redirect.status, StatusCode::PERMANENT_REDIRECT);
}

/// Findings of the API fuzzing (`.ci/schemathesis`, docs/fuzzing.md).
#[tokio::test]
async fn a_literal_path_is_not_read_as_an_id() {
    let app = app().await;
    let admin = app.sign_up("literal-paths").await;
    for method in [reqwest::Method::GET, reqwest::Method::OPTIONS, reqwest::Method::DELETE] {
        let reply = app.request(method.clone(), "/api/v1/bookings/individual", Some(&admin.access), None).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}: {}", reply.text);
        assert_eq!(reply.header("allow"), Some("POST"), "{method}");
    }
    let other = app.get(&format!("/api/v1/bookings/{}", uuid::Uuid::now_v7()), Some(&admin.access)).await;
    other.problem(404, "not_found");
}

#[tokio::test]
async fn bodies_are_json_objects_and_integers_may_have_a_zero_fraction() {
    let app = app().await;
    let admin = app.sign_up("object-bodies").await;
    let token = Some(admin.access.as_str());
    // serde reads a struct from an array of its fields too: refused, at the top and nested.
    let nested = app.patch("/api/v1/organization", token, json!({"settings": [null, null]})).await;
    assert!(nested.problem(400, "malformed_request")["detail"].as_str().unwrap().contains("settings"));
    app.request(reqwest::Method::PATCH, "/api/v1/organization", token, Some(json!(["Acme"])))
        .await
        .problem(400, "malformed_request");
    // JSON Schema's `integer` admits 15.0.
    let patched = app.patch("/api/v1/organization", token, json!({"settings": {"bufferMinutes": 15.0}})).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(patched.json()["settings"]["bufferMinutes"], 15);
    app.patch("/api/v1/organization", token, json!({"settings": {"bufferMinutes": 15.5}}))
        .await
        .problem(400, "malformed_request");
}

#[tokio::test]
async fn refused_fields_are_named_as_in_the_body() {
    let app = app().await;
    let empty = app.post("/api/v1/auth/refresh", None, json!({"refreshToken": ""})).await;
    assert_eq!(empty.problem(400, "validation_failed")["errors"][0]["field"], "refreshToken");
}
