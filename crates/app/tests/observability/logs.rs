//! The logs of a full account flow — sign-up, a failed and a good login, a refresh, a password
//! reset — read from the `app` binary's stdout: one JSON object a line, one access-log line per
//! request carrying its request id (and user id once authenticated), and not one password,
//! token, token hash, signing key or email body anywhere.

use std::time::Duration;

use sea_orm::{ConnectionTrait as _, Database, Statement};
use serde_json::{Value, json};

use crate::child::AppProcess;

const FIRST: &str = "violet-kettle-harbor-92";
const WRONG: &str = "amber-wrong-guess-7731";
const SECOND: &str = "quiet-lantern-meadow-48";

struct Client {
    base: String,
    http: reqwest::Client,
    requests: usize,
}

impl Client {
    async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value, String) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        self.requests += 1;
        let status = response.status().as_u16();
        let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null), id)
    }
}

fn reset_token(dir: &std::path::Path) -> String {
    for _ in 0..200 {
        for entry in std::fs::read_dir(dir.join("data/outbox")).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if text.contains("Reset your password")
                && let Some(at) = text.find("token=")
            {
                return text[at + 6..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c)).collect();
            }
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("no reset email");
}

async fn token_hashes(dir: &std::path::Path) -> Vec<String> {
    let db = Database::connect(format!("sqlite://{}?mode=ro", dir.join("data/engify.db").display())).await.unwrap();
    let mut hashes = Vec::new();
    for table in ["refresh_tokens", "one_time_tokens"] {
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), format!("SELECT token_hash FROM {table}")))
            .await
            .unwrap();
        hashes.extend(rows.iter().map(|r| r.try_get::<String>("", "token_hash").unwrap()));
    }
    hashes
}

#[tokio::test]
async fn a_full_account_flow_logs_every_request_once_and_no_secret() {
    let app = AppProcess::start(&[]);
    let mut c = Client { base: app.address.clone(), http: reqwest::Client::new(), requests: 0 };
    let signup = json!({"name": "Acme", "slug": "acme",
        "admin": {"email": "admin@acme.test", "password": FIRST, "name": "Ada Admin"}});
    let (status, signed_up, _) = c.send(reqwest::Method::POST, "/api/v1/organizations", None, Some(signup)).await;
    assert_eq!(status, 201, "{signed_up}");
    let (status, _, failed_login) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"organizationSlug": "acme", "email": "admin@acme.test", "password": WRONG})),
        )
        .await;
    assert_eq!(status, 401);
    let (_, login, _) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"organizationSlug": "acme", "email": "admin@acme.test", "password": FIRST})),
        )
        .await;
    let (_, refreshed, _) = c
        .send(reqwest::Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": login["refreshToken"]})))
        .await;
    let access = refreshed["accessToken"].as_str().unwrap().to_owned();
    let (status, me, me_request) = c.send(reqwest::Method::GET, "/api/v1/me", Some(&access), None).await;
    assert_eq!(status, 200);
    let (status, _, _) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/password-reset",
            None,
            Some(json!({"organizationSlug": "acme", "email": "admin@acme.test"})),
        )
        .await;
    assert_eq!(status, 202);
    let token = reset_token(&app.dir);
    let (status, _, _) = c
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/password-reset/confirm",
            None,
            Some(json!({"token": token, "password": SECOND})),
        )
        .await;
    assert_eq!(status, 204);
    let hashes = token_hashes(&app.dir).await;
    let signing_key = std::fs::read_to_string(app.dir.join("data/jwt-secret")).unwrap();
    let requests = c.requests;
    let log = app.stop();

    // Every line is one JSON object.
    let lines: Vec<Value> =
        log.iter().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}"))).collect();
    // One access line per request, with its request id, route pattern, status and latency.
    let access_lines: Vec<&Value> = lines.iter().filter(|l| l["target"] == "access").collect();
    assert_eq!(access_lines.len(), requests, "{access_lines:#?}");
    for line in &access_lines {
        for field in ["timestamp", "level", "message", "requestId", "method", "route", "status", "latencyMs"] {
            assert!(!line[field].is_null(), "{field} missing in {line}");
        }
    }
    let failed = access_lines.iter().find(|l| l["requestId"] == failed_login.as_str()).unwrap();
    assert_eq!((failed["route"].as_str(), failed["status"].as_u64()), (Some("/api/v1/auth/login"), Some(401)));
    // Once authenticated, the request's lines name the user.
    let mine = access_lines.iter().find(|l| l["requestId"] == me_request.as_str()).unwrap();
    assert_eq!(mine["userId"], me["id"], "{mine}");

    // No secret of the flow, in any form the service holds it.
    let mut secrets: Vec<String> =
        vec![FIRST.into(), WRONG.into(), SECOND.into(), token, signing_key.trim().to_owned()];
    for value in [
        &signed_up["accessToken"],
        &signed_up["refreshToken"],
        &login["accessToken"],
        &login["refreshToken"],
        &refreshed["accessToken"],
        &refreshed["refreshToken"],
    ] {
        secrets.push(value.as_str().unwrap().to_owned());
    }
    assert!(hashes.len() >= 4, "{hashes:?}");
    secrets.extend(hashes);
    let whole = log.join("\n");
    for secret in &secrets {
        assert!(!secret.is_empty());
        assert!(!whole.contains(secret.as_str()), "a secret is in the logs: {secret}");
    }
    // Nor an email body.
    assert!(!whole.contains("Someone asked to reset the password"), "an email body is in the logs");
}
