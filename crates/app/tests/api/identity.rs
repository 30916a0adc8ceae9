//! One identity per academy: an email is unique within an academy, so the same person has an
//! account at each academy they study at, with its own password, lockout and reset links; and
//! nothing an academy's endpoints answer tells whether an email is known at another.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Reply, TestApp, apps};

const OTHER_PASSWORD: &str = "copper-lantern-meadow-17";
const WRONG: &str = "wrong-password-entirely";

async fn register(app: &TestApp, slug: &str, email: &str, password: &str) -> Reply {
    let body = json!({"organizationSlug": slug, "email": email, "password": password, "name": "Sam Student"});
    app.post("/api/v1/auth/register", None, body).await
}

async fn reset(app: &TestApp, slug: &str, email: &str) -> Reply {
    app.post("/api/v1/auth/password-reset", None, json!({"organizationSlug": slug, "email": email})).await
}

/// A problem body without what differs between any two requests (the request id).
fn problem_body(reply: &Reply) -> Value {
    let mut body = reply.json();
    body.as_object_mut().unwrap().remove("requestId");
    body
}

/// The shape of a JSON value: its keys, recursively, with the type of each leaf.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
        Value::Null => Value::Null,
    }
}

/// The slug of the organization a login's access token belongs to.
async fn academy_of(app: &TestApp, login: &Value) -> String {
    let organization = app.get("/api/v1/organization", login["accessToken"].as_str()).await;
    assert_eq!(organization.status, StatusCode::OK, "{}", organization.text);
    organization.json()["slug"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn one_email_has_an_account_at_each_academy_with_its_own_password() {
    for app in apps().await {
        let b = app.backend;
        app.sign_up("acme").await;
        app.sign_up("globex").await;
        let at_acme = register(&app, "acme", "Sam@Example.test", PASSWORD).await;
        assert_eq!(at_acme.status, StatusCode::CREATED, "{b:?}: {}", at_acme.text);
        let at_globex = register(&app, "globex", "sam@example.test", OTHER_PASSWORD).await;
        assert_eq!(at_globex.status, StatusCode::CREATED, "{b:?}: {}", at_globex.text);
        assert_ne!(at_acme.json()["user"]["id"], at_globex.json()["user"]["id"], "{b:?}: two users");

        // Each login lands in its own academy, with that academy's password only.
        let acme = app.login("acme", "sam@example.test", PASSWORD).await;
        assert_eq!(acme.status, StatusCode::OK, "{b:?}: {}", acme.text);
        assert_eq!(acme.json()["user"]["id"], at_acme.json()["user"]["id"]);
        assert_eq!(academy_of(&app, &acme.json()).await, "acme");
        let globex = app.login("globex", "sam@example.test", OTHER_PASSWORD).await;
        assert_eq!(globex.status, StatusCode::OK, "{b:?}: {}", globex.text);
        assert_eq!(globex.json()["user"]["id"], at_globex.json()["user"]["id"]);
        assert_eq!(academy_of(&app, &globex.json()).await, "globex");
        app.login("acme", "sam@example.test", OTHER_PASSWORD).await.problem(401, "invalid_credentials");
        app.login("globex", "sam@example.test", PASSWORD).await.problem(401, "invalid_credentials");

        // Still one account per email within an academy.
        register(&app, "acme", "SAM@example.test", OTHER_PASSWORD).await.problem(409, "email_taken");

        // A new academy's admin may be known elsewhere, and so may an invited TA.
        let sign_up = app
            .post(
                "/api/v1/organizations",
                None,
                json!({"name": "Initech", "slug": "initech",
                       "admin": {"email": "sam@example.test", "password": PASSWORD, "name": "Sam Admin"}}),
            )
            .await;
        assert_eq!(sign_up.status, StatusCode::CREATED, "{b:?}: {}", sign_up.text);
        let initech = sign_up.json()["accessToken"].as_str().unwrap().to_owned();
        let invited =
            app.post("/api/v1/tas", Some(&initech), json!({"email": "admin@acme.test", "name": "Ada Tutor"})).await;
        assert_eq!(invited.status, StatusCode::CREATED, "{b:?}: {}", invited.text);
        let token = TestApp::token_in(&app.email("admin@acme.test", "nvit", 0).await);
        let accepted = app
            .post("/api/v1/auth/password-reset/confirm", None, json!({"token": token, "password": OTHER_PASSWORD}))
            .await;
        assert_eq!(accepted.status, StatusCode::NO_CONTENT, "{b:?}: {}", accepted.text);
        let ta = app.login("initech", "admin@acme.test", OTHER_PASSWORD).await.json();
        assert_eq!(ta["user"]["role"], "ta");
        let admin = app.login("acme", "admin@acme.test", PASSWORD).await.json();
        assert_eq!(admin["user"]["role"], "admin", "the acme account is untouched");
    }
}

#[tokio::test]
async fn an_academy_answers_alike_for_an_email_known_elsewhere_and_an_unknown_one() {
    for app in apps().await {
        let b = app.backend;
        app.sign_up("acme").await;
        app.sign_up("globex").await;
        app.register("acme", "known@example.test").await;

        // Login at globex: the same refusal, word for word.
        let known = app.login("globex", "known@example.test", PASSWORD).await;
        let unknown = app.login("globex", "unknown@example.test", PASSWORD).await;
        known.problem(401, "invalid_credentials");
        assert_eq!(problem_body(&known), problem_body(&unknown), "{b:?}");
        // An academy that does not exist answers like a wrong password at one that does.
        let nowhere = app.login("nowhere", "known@example.test", PASSWORD).await;
        let wrong = app.login("acme", "known@example.test", WRONG).await;
        nowhere.problem(401, "invalid_credentials");
        assert_eq!(problem_body(&nowhere), problem_body(&wrong), "{b:?}");

        // Password reset at globex: the same answer, and no link to the acme account.
        let known = reset(&app, "globex", "known@example.test").await;
        let unknown = reset(&app, "globex", "unknown@example.test").await;
        assert_eq!((known.status, &known.text), (StatusCode::ACCEPTED, &unknown.text), "{b:?}");
        assert_eq!(unknown.status, StatusCode::ACCEPTED);
        // Requests are answered oldest first: once the admin's (asked last) is mailed, the
        // others were answered too.
        assert_eq!(reset(&app, "acme", "admin@acme.test").await.status, StatusCode::ACCEPTED);
        app.email("admin@acme.test", "Reset your password", 0).await;
        let reset_links = crate::reset_requests::count(
            &app,
            "SELECT count(*) FROM outbox_messages WHERE kind = 'password_reset' AND recipient = 'known@example.test'",
        )
        .await;
        assert_eq!(reset_links, 0, "{b:?}: globex's request mailed nothing to acme's student");

        // Registration at globex: the same success for both.
        let known = register(&app, "globex", "known@example.test", PASSWORD).await;
        let unknown = register(&app, "globex", "unknown@example.test", PASSWORD).await;
        assert_eq!((known.status, unknown.status), (StatusCode::CREATED, StatusCode::CREATED), "{b:?}");
        assert_eq!(shape(&known.json()), shape(&unknown.json()), "{b:?}");
    }
}

#[tokio::test]
async fn a_lockout_at_one_academy_does_not_lock_the_same_email_at_another() {
    for app in apps().await {
        let b = app.backend;
        app.sign_up("acme").await;
        app.sign_up("globex").await;
        app.register("acme", "sam@example.test").await;
        app.register("globex", "sam@example.test").await;
        for _ in 0..5 {
            app.login("acme", "sam@example.test", WRONG).await.problem(401, "invalid_credentials");
        }
        app.login("acme", "sam@example.test", PASSWORD).await.problem(423, "account_locked");
        let globex = app.login("globex", "sam@example.test", PASSWORD).await;
        assert_eq!(globex.status, StatusCode::OK, "{b:?}: {}", globex.text);

        // An academy that does not exist is counted like one that does, apart from the others.
        for _ in 0..5 {
            app.login("nowhere", "sam@example.test", WRONG).await.problem(401, "invalid_credentials");
        }
        app.login("nowhere", "sam@example.test", PASSWORD).await.problem(423, "account_locked");
        assert_eq!(app.login("globex", "sam@example.test", PASSWORD).await.status, StatusCode::OK, "{b:?}");
    }
}

#[tokio::test]
async fn login_and_reset_requests_name_a_valid_academy() {
    let app = crate::helpers::spawn_app(test_support::sqlite::database().await).await;
    let bodies = [
        ("/api/v1/auth/login", json!({"email": "sam@example.test", "password": PASSWORD})),
        ("/api/v1/auth/password-reset", json!({"email": "sam@example.test"})),
    ];
    for (path, body) in bodies {
        let missing = app.post(path, None, body.clone()).await;
        let mut invalid = body;
        invalid["organizationSlug"] = json!("Not A Slug");
        let invalid = app.post(path, None, invalid).await;
        for reply in [missing, invalid] {
            let problem = reply.problem(400, "validation_failed");
            assert_eq!(problem["errors"][0]["field"], "organizationSlug", "{path}: {problem}");
        }
    }
    // An address that cannot exist has no account: a reset request for it is accepted.
    let nonsense = reset(&app, "acme", "not-an-address").await;
    assert_eq!(nonsense.status, StatusCode::ACCEPTED, "{}", nonsense.text);
}
