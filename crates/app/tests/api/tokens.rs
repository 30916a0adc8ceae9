//! Access and refresh tokens: rotation, reuse detection, logout, sessions, and every kind of
//! bad access token refused.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{JWT_SECRET, PASSWORD, apps, spawn_app};

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_session() {
    for app in apps().await {
        let admin = app.sign_up("acme").await;
        let first = app.post("/api/v1/auth/refresh", None, json!({"refreshToken": admin.refresh})).await;
        assert_eq!(first.status, StatusCode::OK, "{:?}: {}", app.backend, first.text);
        let rotated = first.json();
        assert_ne!(rotated["refreshToken"], admin.refresh.as_str());
        let new_access = rotated["accessToken"].as_str().unwrap().to_owned();
        assert_eq!(app.get("/api/v1/me", Some(&new_access)).await.status, StatusCode::OK);

        // The old token again: theft. The whole session ends, its access tokens at once.
        app.post("/api/v1/auth/refresh", None, json!({"refreshToken": admin.refresh}))
            .await
            .problem(401, "refresh_token_reused");
        app.get("/api/v1/me", Some(&new_access)).await.problem(401, "unauthenticated");
        app.post("/api/v1/auth/refresh", None, json!({"refreshToken": rotated["refreshToken"]}))
            .await
            .problem(401, "invalid_refresh_token");
        app.post("/api/v1/auth/refresh", None, json!({"refreshToken": "never-issued"}))
            .await
            .problem(401, "invalid_refresh_token");
    }
}

#[tokio::test]
async fn a_logged_out_sessions_access_token_is_refused_immediately() {
    for app in apps().await {
        let admin = app.sign_up("acme").await;
        let reply = app.post("/api/v1/auth/logout", Some(&admin.access), json!({"refreshToken": admin.refresh})).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
        app.get("/api/v1/me", Some(&admin.access)).await.problem(401, "unauthenticated");
        app.post("/api/v1/auth/refresh", None, json!({"refreshToken": admin.refresh}))
            .await
            .problem(401, "invalid_refresh_token");
    }
}

#[tokio::test]
async fn users_list_and_revoke_their_sessions() {
    for app in apps().await {
        let admin = app.sign_up("acme").await;
        let phone = app.login("acme", "admin@acme.test", PASSWORD).await.json();
        let phone_access = phone["accessToken"].as_str().unwrap().to_owned();
        let sessions = app.get("/api/v1/auth/sessions", Some(&admin.access)).await.json();
        let data = sessions["data"].as_array().unwrap();
        assert_eq!(data.len(), 2, "{:?}: {sessions}", app.backend);
        assert_eq!(data.iter().filter(|s| s["current"] == true).count(), 1);
        let other = data.iter().find(|s| s["current"] == false).unwrap()["id"].as_str().unwrap().to_owned();
        let revoked = app
            .request(reqwest::Method::DELETE, &format!("/api/v1/auth/sessions/{other}"), Some(&admin.access), None)
            .await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
        app.get("/api/v1/me", Some(&phone_access)).await.problem(401, "unauthenticated");
        assert_eq!(app.get("/api/v1/me", Some(&admin.access)).await.status, StatusCode::OK);

        // Someone else's session does not exist for this user.
        let student = app.register("acme", "sam@acme.test").await;
        let theirs =
            app.get("/api/v1/auth/sessions", student["accessToken"].as_str()).await.json()["data"][0]["id"].clone();
        let path = format!("/api/v1/auth/sessions/{}", theirs.as_str().unwrap());
        app.request(reqwest::Method::DELETE, &path, Some(&admin.access), None).await.problem(404, "not_found");
    }
}

fn claims(user: &Value, org: &Value, exp_offset: i64, nbf_offset: i64, iss: &str, aud: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": user["id"], "org": org["id"], "role": "admin", "sid": uuid::Uuid::now_v7(),
           "iat": now, "nbf": now + nbf_offset, "exp": now + exp_offset, "iss": iss, "aud": aud})
}

fn sign(claims: &Value, key: &[u8], alg: Algorithm) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).unwrap()
}

#[tokio::test]
async fn every_kind_of_bad_access_token_is_refused() {
    let app = spawn_app(test_support::sqlite::database().await).await;
    let admin = app.sign_up("acme").await;
    let (user, org) = (&admin.user, &admin.org);
    let key = JWT_SECRET.as_bytes();
    let good = claims(user, org, 600, 0, "engify", "engify-api");
    // The same claims signed correctly pass the signature check but name no live session.
    let forged_session = sign(&good, key, Algorithm::HS256);
    let unsigned = {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!("{}.{}.", b64.encode(br#"{"alg":"none","typ":"JWT"}"#), b64.encode(good.to_string()))
    };
    let variants = [
        ("alg=none", unsigned),
        ("another key", sign(&good, b"another-key-that-is-also-32-bytes-long!!", Algorithm::HS256)),
        ("expired", sign(&claims(user, org, -3600, -7200, "engify", "engify-api"), key, Algorithm::HS256)),
        ("not yet valid", sign(&claims(user, org, 7200, 3600, "engify", "engify-api"), key, Algorithm::HS256)),
        ("wrong issuer", sign(&claims(user, org, 600, 0, "someone-else", "engify-api"), key, Algorithm::HS256)),
        ("wrong audience", sign(&claims(user, org, 600, 0, "engify", "another-api"), key, Algorithm::HS256)),
        ("another algorithm", sign(&good, key, Algorithm::HS384)),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (what, token) in variants {
        let reply = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{what}: {}", reply.text);
        reply.problem(401, "unauthenticated");
    }
    app.get("/api/v1/me", None).await.problem(401, "unauthenticated");
    let reply = app.request(reqwest::Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // A well-signed token whose claims are valid works as long as its session is not revoked.
    assert_eq!(app.get("/api/v1/me", Some(&forged_session)).await.status, StatusCode::OK);
}
