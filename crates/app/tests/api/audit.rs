//! The audit trail over HTTP: every audited action of the contract, driven through its real
//! flow with our own `X-Request-Id`, shows up in `GET /admin/audit-events` with the right action,
//! actor, target, request id and client IP; nothing is recorded for a refused write; admins
//! filter by action, actor and time and page newest first; nobody else reads the trail, and no
//! organization sees another's events. On both backends.

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::academy::{Academy, Member, berlin};
use crate::bookings::{book, booked, session, with};
use crate::bundles::bought;
use crate::group_fixture::{Groups, action, join, leave, ok, wait};
use crate::helpers::{PASSWORD, Reply, TestApp, apps};

const TRAIL: &str = "/api/v1/admin/audit-events";

/// A request carrying our own request id `rid`.
async fn traced(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    rid: &str,
) -> Reply {
    app.request_with(method, path, token, body, &[("x-request-id", rid)]).await
}

/// A `POST` carrying our own request id `rid`.
async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value, rid: &str) -> Reply {
    let reply = traced(app, Method::POST, path, token, Some(body), rid).await;
    assert_eq!(reply.header("x-request-id"), Some(rid), "our request id is kept");
    reply
}

/// A page of the trail as `token`, expecting 200.
async fn page(app: &TestApp, token: &str, query: &str) -> Value {
    let reply = app.get(&format!("{TRAIL}{query}"), Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?} {query}: {}", app.backend, reply.text);
    reply.json()
}

/// The whole trail as `token` sees it with `filter` (`action=…&…`), newest first, paged through.
async fn trail(app: &TestApp, token: &str, filter: &str) -> Vec<Value> {
    let mut events = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let after = cursor.as_deref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let body = page(app, token, &format!("?limit=100&{filter}{after}")).await;
        events.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return events,
        }
    }
}

/// The events caused by request `rid`, oldest first (the order they were written in).
async fn caused_by(app: &TestApp, admin: &str, rid: &str) -> Vec<Value> {
    let mut events: Vec<Value> = trail(app, admin, "").await.into_iter().filter(|e| e["requestId"] == rid).collect();
    events.reverse();
    events
}

/// What an event must say: action, actor (null when anonymous), target and detail.
struct Expected<'a> {
    action: &'a str,
    actor: Option<&'a str>,
    target: (&'a str, &'a str),
    detail: Option<String>,
}

/// An event done by `actor`.
fn expected<'a>(action: &'a str, actor: &'a str, target: (&'a str, &'a str)) -> Expected<'a> {
    Expected { action, actor: Some(actor), target, detail: None }
}

/// An event nobody signed in did.
fn anonymous<'a>(action: &'a str, target: (&'a str, &'a str)) -> Expected<'a> {
    Expected { action, actor: None, target, detail: None }
}

impl Expected<'_> {
    fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Asserts that request `rid` recorded exactly these events, in this order, each stamped with
/// `rid` and the client IP.
async fn recorded(app: &TestApp, admin: &str, rid: &str, expected: &[Expected<'_>]) -> Vec<Value> {
    let events = caused_by(app, admin, rid).await;
    let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    let wanted: Vec<&str> = expected.iter().map(|e| e.action).collect();
    assert_eq!(actions, wanted, "{:?} events of {rid}: {events:?}", app.backend);
    for (event, want) in events.iter().zip(expected) {
        let what = format!("{:?} {rid}: {event}", app.backend);
        assert_eq!(event["actorId"].as_str(), want.actor, "actor of {what}");
        assert_eq!(event["targetType"], want.target.0, "{what}");
        assert_eq!(event["targetId"], want.target.1, "{what}");
        if let Some(detail) = &want.detail {
            assert_eq!(event["detail"].as_str(), Some(detail.as_str()), "{what}");
        }
        assert_eq!(event["requestId"], rid, "{what}");
        assert_eq!(event["ip"], "127.0.0.1", "{what}");
        assert!(event["id"].as_str().is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()), "{what}");
        assert!(event["at"].as_str().unwrap().ends_with('Z'), "{what}");
        let keys: Vec<&String> = event.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 9, "exactly the contract's fields: {what}");
    }
    events
}

/// The id of the caller's current session.
async fn current_session(app: &TestApp, token: &str) -> String {
    let sessions = ok(&app.get("/api/v1/auth/sessions", Some(token)).await);
    let data = sessions["data"].as_array().unwrap();
    data.iter().find(|s| s["current"] == true).unwrap()["id"].as_str().unwrap().to_owned()
}

/// Books as `who` with request id `rid`, expecting 201; returns the booking.
async fn book_as(app: &TestApp, who: &Member, body: Value, rid: &str) -> Value {
    let reply = post(app, "/api/v1/bookings/individual", Some(&who.access), body, rid).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{rid}: {}", reply.text);
    reply.json()
}

/// Cancels as `who` with request id `rid`, expecting 200.
async fn cancel_as(app: &TestApp, who: &Member, booking: &Value, rid: &str) {
    let path = format!("/api/v1/bookings/{}/cancel", id(booking));
    let reply = post(app, &path, Some(&who.access), json!({}), rid).await;
    assert_eq!(reply.status, StatusCode::OK, "{rid}: {}", reply.text);
}

/// When an event happened.
fn at(event: &Value) -> DateTime<Utc> {
    event["at"].as_str().unwrap().parse().unwrap()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

#[tokio::test]
async fn logins_lockouts_resets_and_revocations_are_recorded() {
    for app in apps().await {
        let acme = Academy::new(&app, "acme").await;
        let (admin, token) = (acme.admin(), acme.admin.access.clone());
        let login = |email: &'static str, password: &'static str| json!({"organizationSlug": "acme", "email": email, "password": password});

        // A login: by the user, about the user.
        let reply = post(&app, "/api/v1/auth/login", None, login("admin@acme.test", PASSWORD), "login-ok").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let phone = reply.json()["accessToken"].as_str().unwrap().to_owned();
        let target = ("user", admin.id.as_str());
        recorded(&app, &token, "login-ok", &[expected("login.succeeded", &admin.id, target)]).await;

        // Failed logins: anonymous, about the account; the fifth also locks it.
        let sam = acme.student("Sam").await;
        let target = ("user", sam.id.as_str());
        let wrong = || login("sam@acme.test", "wrong-password-entirely");
        for n in 1..=4 {
            let rid = format!("login-bad-{n}");
            post(&app, "/api/v1/auth/login", None, wrong(), &rid).await.problem(401, "invalid_credentials");
            recorded(&app, &token, &rid, &[anonymous("login.failed", target)]).await;
        }
        post(&app, "/api/v1/auth/login", None, wrong(), "login-bad-5").await.problem(401, "invalid_credentials");
        let lock = anonymous("account.locked", target).detail("scope=ip");
        recorded(&app, &token, "login-bad-5", &[anonymous("login.failed", target), lock]).await;
        // Refused while locked: nothing happened, nothing recorded.
        let locked = post(&app, "/api/v1/auth/login", None, login("sam@acme.test", PASSWORD), "login-locked").await;
        locked.problem(423, "account_locked");
        recorded(&app, &token, "login-locked", &[]).await;
        // An unknown email belongs to no organization: no event anywhere.
        post(&app, "/api/v1/auth/login", None, login("ghost@acme.test", PASSWORD), "login-ghost")
            .await
            .problem(401, "invalid_credentials");
        recorded(&app, &token, "login-ghost", &[]).await;

        // A password reset: asked for (nothing changes yet), then confirmed, by the user about the
        // user; every session it ends is recorded as revoked.
        let kim = acme.student("Kim").await;
        let kims_session = current_session(&app, &kim.access).await;
        let accepted = post(
            &app,
            "/api/v1/auth/password-reset",
            None,
            json!({"organizationSlug": "acme", "email": kim.email}),
            "reset-ask",
        )
        .await;
        assert_eq!(accepted.status, StatusCode::ACCEPTED);
        recorded(&app, &token, "reset-ask", &[]).await;
        let link = TestApp::token_in(&app.email(&kim.email, "assword", 0).await);
        let body = json!({"token": link, "password": "copper-lantern-meadow-17"});
        let confirmed = post(&app, "/api/v1/auth/password-reset/confirm", None, body, "reset-confirm").await;
        assert_eq!(confirmed.status, StatusCode::NO_CONTENT, "{}", confirmed.text);
        let ended = ("session", kims_session.as_str());
        recorded(
            &app,
            &token,
            "reset-confirm",
            &[
                expected("password.reset", &kim.id, ("user", &kim.id)).detail("via=password_reset"),
                expected("session.revoked", &kim.id, ended).detail("reason=password_reset"),
            ],
        )
        .await;

        // Logout: the session of the refresh token, by its user.
        let session = current_session(&app, &token).await;
        let body = json!({"refreshToken": acme.admin.refresh});
        assert_eq!(post(&app, "/api/v1/auth/logout", Some(&token), body, "logout").await.status, 204);
        let revoked = expected("session.revoked", &admin.id, ("session", &session)).detail("reason=logout");
        recorded(&app, &phone, "logout", &[revoked]).await;

        // Revoking another session of one's own.
        let again =
            app.login("acme", "admin@acme.test", PASSWORD).await.json()["accessToken"].as_str().unwrap().to_owned();
        let other = current_session(&app, &again).await;
        let path = format!("/api/v1/auth/sessions/{other}");
        let reply = traced(&app, Method::DELETE, &path, Some(&phone), None, "revoke").await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
        let revoked = expected("session.revoked", &admin.id, ("session", &other)).detail("reason=revoked_by_user");
        recorded(&app, &phone, "revoke", &[revoked]).await;

        // A replayed refresh token ends its session; nobody signed in did it.
        let lee = app.register("acme", "lee@acme.test").await;
        let lees_session = current_session(&app, lee["accessToken"].as_str().unwrap()).await;
        let old = json!({"refreshToken": lee["refreshToken"]});
        assert_eq!(app.post("/api/v1/auth/refresh", None, old.clone()).await.status, StatusCode::OK);
        post(&app, "/api/v1/auth/refresh", None, old, "reuse").await.problem(401, "refresh_token_reused");
        let revoked = anonymous("session.revoked", ("session", &lees_session)).detail("reason=refresh_token_reused");
        recorded(&app, &phone, "reuse", &[revoked]).await;
    }
}

#[tokio::test]
async fn ta_invitations_and_course_ta_changes_are_recorded() {
    for app in apps().await {
        let acme = Academy::new(&app, "acme").await;
        let (admin, token) = (acme.admin(), acme.admin.access.clone());
        let course = acme.course("MATH-101", "Algebra").await;
        let course = id(&course).to_owned();

        // Inviting a TA grants the role: by the admin, about the new user.
        let body = json!({"email": "tara@acme.test", "name": "Tara"});
        let reply = post(&app, "/api/v1/tas", Some(&token), body, "invite").await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let ta = id(&reply.json()).to_owned();
        let invited = expected("ta.invited", &admin.id, ("user", &ta)).detail("role=ta");
        recorded(&app, &token, "invite", &[invited]).await;

        // Accepting the invitation sets the TA's first password.
        let link = TestApp::token_in(&app.email("tara@acme.test", "nvit", 0).await);
        let body = json!({"token": link, "password": PASSWORD});
        let reply = post(&app, "/api/v1/auth/password-reset/confirm", None, body, "accept").await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
        let accepted = expected("password.reset", &ta, ("user", &ta)).detail("via=ta_invitation");
        recorded(&app, &token, "accept", &[accepted]).await;

        // Assigning and unassigning: about the course, naming the TA; repeats change nothing and
        // record nothing.
        let path = format!("/api/v1/courses/{course}/tas/{ta}");
        let detail = format!("ta={ta}");
        for (rid, method, done) in [
            ("assign", Method::PUT, Some("course_ta.assigned")),
            ("assign-again", Method::PUT, None),
            ("unassign", Method::DELETE, Some("course_ta.unassigned")),
            ("unassign-again", Method::DELETE, None),
        ] {
            let reply = traced(&app, method, &path, Some(&token), None, rid).await;
            assert_eq!(reply.status, StatusCode::NO_CONTENT, "{rid}: {}", reply.text);
            let events: Vec<Expected<'_>> =
                done.map(|a| expected(a, &admin.id, ("course", &course)).detail(detail.clone())).into_iter().collect();
            recorded(&app, &token, rid, &events).await;
        }
    }
}

#[tokio::test]
async fn purchases_bookings_cancellations_refunds_and_forfeits_are_recorded() {
    for app in apps().await {
        let acme = Academy::new(&app, "acme").await;
        let (admin, token) = (acme.admin(), acme.admin.access.clone());
        let (course, tas) = acme.course_with_tas("MATH-101", &["Tara"]).await;
        let (course, tara) = (id(&course).to_owned(), &tas[0]);
        let sam = acme.student("Sam").await;
        let product = acme.bundle(&course, 10, 60, 30_000).await;

        // A bundle purchase: by the student, about the purchase.
        let reply =
            post(&app, "/api/v1/bundle-purchases", Some(&sam.access), json!({"productId": product["id"]}), "buy").await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let bundle = id(&reply.json()).to_owned();
        let purchased = expected("bundle.purchased", &sam.id, ("bundle_purchase", &bundle))
            .detail(format!("product={}", id(&product)));
        recorded(&app, &token, "buy", &[purchased]).await;

        let paid = |days, hour| {
            with(session(&course, berlin(days, hour, 0), 60), &json!({"taId": tara.id, "bundlePurchaseId": bundle}))
        };
        let booking_detail = |student: &Member| format!("ta={} student={}", tara.id, student.id);
        let ledger_detail = |booking: &Value| format!("booking={} student={}", id(booking), sam.id);

        // A student books with the bundle, then cancels early (default window 24 h): refund.
        let early = book_as(&app, &sam, paid(3, 10), "book").await;
        let created = expected("booking.created", &sam.id, ("booking", id(&early))).detail(booking_detail(&sam));
        recorded(&app, &token, "book", &[created]).await;
        cancel_as(&app, &sam, &early, "cancel-early").await;
        recorded(
            &app,
            &token,
            "cancel-early",
            &[
                expected("ledger.refund", &sam.id, ("bundle_purchase", &bundle)).detail(ledger_detail(&early)),
                expected("booking.cancelled", &sam.id, ("booking", id(&early))).detail("outcome=refund"),
            ],
        )
        .await;

        // Inside the window a student's cancellation forfeits the credit.
        acme.settings(json!({"cancellationWindowHours": 72})).await;
        let late = booked(&app, &sam.access, paid(1, 10)).await;
        cancel_as(&app, &sam, &late, "cancel-late").await;
        recorded(
            &app,
            &token,
            "cancel-late",
            &[
                expected("ledger.forfeit", &sam.id, ("bundle_purchase", &bundle)).detail(ledger_detail(&late)),
                expected("booking.cancelled", &sam.id, ("booking", id(&late))).detail("outcome=forfeit"),
            ],
        )
        .await;

        // An admin books for the student and cancels (always a refund): the admin is the actor.
        let body = with(paid(1, 14), &json!({"studentId": sam.id}));
        let for_sam = book_as(&app, &admin, body, "admin-book").await;
        let created = expected("booking.created", &admin.id, ("booking", id(&for_sam))).detail(booking_detail(&sam));
        recorded(&app, &token, "admin-book", &[created]).await;
        cancel_as(&app, &admin, &for_sam, "admin-cancel").await;
        recorded(
            &app,
            &token,
            "admin-cancel",
            &[
                expected("ledger.refund", &admin.id, ("bundle_purchase", &bundle)).detail(ledger_detail(&for_sam)),
                expected("booking.cancelled", &admin.id, ("booking", id(&for_sam))).detail("outcome=refund"),
            ],
        )
        .await;

        // A seat paid per session has no ledger: only the cancellation is recorded.
        let kim = acme.student("Kim").await;
        let per_session = booked(&app, &kim.access, with(session(&course, berlin(1, 16, 0), 60), &json!({}))).await;
        cancel_as(&app, &kim, &per_session, "cancel-unpaid").await;
        let cancelled = expected("booking.cancelled", &kim.id, ("booking", id(&per_session)));
        recorded(&app, &token, "cancel-unpaid", &[cancelled.detail("outcome=forfeit")]).await;

        // Refused writes record nothing: the event commits with the change or not at all.
        let before = trail(&app, &token, "").await.len();
        let taken = with(session(&course, berlin(3, 10, 0), 60), &json!({"taId": tara.id}));
        booked(&app, &kim.access, taken.clone()).await;
        let after_booking = trail(&app, &token, "").await.len();
        assert_eq!(after_booking, before + 1);
        post(&app, "/api/v1/bookings/individual", Some(&sam.access), taken, "clash")
            .await
            .problem(409, "ta_unavailable");
        let path = format!("/api/v1/bookings/{}/cancel", id(&early));
        post(&app, &path, Some(&sam.access), json!({}), "cancel-twice").await.problem(409, "already_cancelled");
        let spent = bought(&app, &sam, &acme.bundle(&course, 1, 30, 100).await).await;
        booked(
            &app,
            &sam.access,
            with(session(&course, berlin(4, 10, 0), 60), &json!({"bundlePurchaseId": spent["id"]})),
        )
        .await;
        let body = with(session(&course, berlin(4, 12, 0), 60), &json!({"bundlePurchaseId": spent["id"]}));
        post(&app, "/api/v1/bookings/individual", Some(&sam.access), body, "exhausted")
            .await
            .problem(409, "bundle_exhausted");
        for rid in ["clash", "cancel-twice", "exhausted"] {
            recorded(&app, &token, rid, &[]).await;
        }
        let unrelated = book(&app, &sam.access, json!({"courseId": course})).await;
        assert_eq!(unrelated.status, StatusCode::BAD_REQUEST);
        assert_eq!(trail(&app, &token, "").await.len(), after_booking + 2, "only the bundle and its booking");
    }
}

#[tokio::test]
async fn group_sessions_joins_leaves_and_promotions_are_recorded() {
    for app in apps().await {
        let groups = Groups::new(&app, "acme").await;
        let (admin, token) = (groups.admin(), groups.academy.admin.access.clone());
        let template = groups.template(&groups.tara, "Exam prep", 2).await;

        // Scheduling a group session creates a booking: by the admin, naming template and TA.
        let body = json!({"templateId": template["id"], "startsAt": crate::academy::rfc3339(berlin(3, 10, 0))});
        let reply = post(&app, "/api/v1/group-sessions", Some(&token), body, "schedule").await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        let group = reply.json();
        let detail = format!("template={} ta={}", id(&template), groups.tara.id);
        let target = ("booking", id(&group));
        recorded(&app, &token, "schedule", &[expected("booking.created", &admin.id, target).detail(detail)]).await;

        // Joining with a bundle; another student takes the last seat, a third waits.
        let sam = groups.academy.student("Sam").await;
        let bundle = bought(&app, &sam, &groups.academy.bundle(&groups.course_id, 2, 30, 5_000).await).await;
        let body = json!({"bundlePurchaseId": bundle["id"]});
        let joined = post(&app, &action(&group, "join"), Some(&sam.access), body, "join").await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.text);
        recorded(&app, &token, "join", &[expected("group.joined", &sam.id, target)]).await;
        let lee = groups.academy.student("Lee").await;
        ok(&join(&app, &group, &lee).await);
        let kim = groups.academy.student("Kim").await;
        assert_eq!(wait(&app, &group, &kim).await.status, StatusCode::CREATED);

        // Leaving early refunds the credit, and the freed seat goes to Kim in the same request:
        // nobody chose the promotion, but Sam's request caused it.
        let reply = traced(&app, Method::POST, &action(&group, "leave"), Some(&sam.access), None, "leave").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let ledger = format!("booking={} student={}", id(&group), sam.id);
        recorded(
            &app,
            &token,
            "leave",
            &[
                expected("ledger.refund", &sam.id, ("bundle_purchase", id(&bundle))).detail(ledger),
                expected("group.left", &sam.id, target),
                anonymous("group.joined", target).detail(format!("promoted_from_waitlist student={}", kim.id)),
            ],
        )
        .await;

        // Kim leaves a seat paid per session: no ledger entry.
        let reply = traced(&app, Method::POST, &action(&group, "leave"), Some(&kim.access), None, "kim-leaves").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        recorded(&app, &token, "kim-leaves", &[expected("group.left", &kim.id, target)]).await;
        leave(&app, &group, &kim).await.problem(404, "not_found");
    }
}

#[tokio::test]
async fn admins_filter_and_page_the_trail_newest_first() {
    for app in apps().await {
        let acme = app.sign_up("acme").await;
        let admin_id = acme.user["id"].as_str().unwrap().to_owned();
        let sam = app.register("acme", "sam@acme.test").await;
        let sam_id = sam["user"]["id"].as_str().unwrap().to_owned();
        for _ in 0..3 {
            assert_eq!(app.login("acme", "admin@acme.test", PASSWORD).await.status, StatusCode::OK);
            assert_eq!(app.login("acme", "sam@acme.test", PASSWORD).await.status, StatusCode::OK);
        }
        app.login("acme", "sam@acme.test", "wrong-password-entirely").await.problem(401, "invalid_credentials");
        let token = acme.access.as_str();

        // Everything, newest first (`at`, then id, descending).
        let all = trail(&app, token, "").await;
        assert_eq!(all.len(), 7, "{:?}: {all:?}", app.backend);
        assert_eq!(all[0]["action"], "login.failed", "the newest first");
        let key = |e: &Value| (at(e), e["id"].as_str().unwrap().to_owned());
        assert!(all.windows(2).all(|w| key(&w[0]) > key(&w[1])), "{all:?}");

        // Paging by three: the same rows in the same order.
        let mut paged = Vec::new();
        let mut query = "?limit=3".to_owned();
        let mut sizes = Vec::new();
        loop {
            let body = page(&app, token, &query).await;
            let rows = body["data"].as_array().unwrap();
            sizes.push(rows.len());
            paged.extend(rows.iter().cloned());
            match body["nextCursor"].as_str() {
                Some(cursor) => query = format!("?limit=3&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(sizes, vec![3, 3, 1]);
        assert_eq!(paged, all);
        assert_eq!(page(&app, token, "").await["data"].as_array().unwrap().len(), 7, "default limit 20");

        // By action, by actor, both.
        let actions = |events: &[Value]| -> Vec<String> {
            events.iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
        };
        let succeeded = trail(&app, token, "action=login.succeeded").await;
        assert_eq!(succeeded.len(), 6);
        assert!(succeeded.iter().all(|e| e["action"] == "login.succeeded"));
        let by_sam = trail(&app, token, &format!("actorId={sam_id}")).await;
        assert_eq!(actions(&by_sam), vec!["login.succeeded"; 3], "the failure was anonymous");
        assert!(by_sam.iter().all(|e| e["actorId"] == sam_id.as_str()));
        let by_admin = trail(&app, token, &format!("actorId={admin_id}&action=login.succeeded")).await;
        assert_eq!(by_admin.len(), 3);
        assert_eq!(trail(&app, token, &format!("actorId={admin_id}&action=login.failed")).await, Vec::<Value>::new());
        let stranger = uuid::Uuid::now_v7();
        assert_eq!(trail(&app, token, &format!("actorId={stranger}")).await, Vec::<Value>::new());

        // By time: `[from, to)`, any offset accepted.
        let pivot = all[3]["at"].as_str().unwrap().to_owned();
        let since = trail(&app, token, &format!("from={pivot}")).await;
        assert!(since.len() >= 4 && since.iter().all(|e| at(e) >= at(&all[3])), "{since:?}");
        let until = trail(&app, token, &format!("to={pivot}")).await;
        assert!(until.iter().all(|e| at(e) < at(&all[3])), "{until:?}");
        assert_eq!(since.len() + until.len(), 7, "the window is half-open: every event in exactly one");
        assert_eq!(trail(&app, token, &format!("from={pivot}&to={pivot}")).await, Vec::<Value>::new());
        let shifted = at(&all[3]).with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap()).to_rfc3339();
        let encoded = shifted.replace('+', "%2B");
        assert_eq!(trail(&app, token, &format!("from={encoded}")).await, since, "{shifted}");
        let future = "2999-01-01T00:00:00Z";
        assert_eq!(trail(&app, token, &format!("from={future}")).await, Vec::<Value>::new());
        assert_eq!(trail(&app, token, &format!("to={future}")).await.len(), 7);

        // Refused parameters, each named.
        for (query, named) in [
            ("action=login.exploded", vec!["action"]),
            ("actorId=sam", vec!["actorId"]),
            ("from=yesterday", vec!["from"]),
            ("to=2026-12-01%2010:00", vec!["to"]),
            ("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", vec!["to"]),
            ("limit=0&cursor=nope", vec!["cursor", "limit"]),
            ("action=x&actorId=y&from=z&to=w&limit=101", vec!["action", "actorId", "from", "to", "limit"]),
        ] {
            let problem = app.get(&format!("{TRAIL}?{query}"), Some(token)).await.problem(400, "validation_failed");
            let fields: Vec<&str> =
                problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
            assert_eq!(fields, named, "{query}");
        }
    }
}

#[tokio::test]
async fn only_admins_read_the_trail_and_only_their_organizations() {
    for app in apps().await {
        let acme = Academy::new(&app, "acme").await;
        let tara = acme.ta("Tara").await;
        let sam = acme.student("Sam").await;
        assert_eq!(app.login("acme", &sam.email, PASSWORD).await.status, StatusCode::OK);
        for token in [&sam.access, &tara.access] {
            app.get(TRAIL, Some(token)).await.problem(403, "forbidden");
        }
        app.get(TRAIL, None).await.problem(401, "unauthenticated");

        let globex = app.sign_up("globex").await;
        let acme_events = trail(&app, &acme.admin.access, "").await;
        assert!(acme_events.len() >= 4, "invitation, acceptance, TA login, student login: {acme_events:?}");
        let globex_events = trail(&app, &globex.access, "").await;
        assert!(globex_events.is_empty(), "{:?}: {globex_events:?}", app.backend);
        assert_eq!(app.login("globex", "admin@globex.test", PASSWORD).await.status, StatusCode::OK);
        let globex_events = trail(&app, &globex.access, "").await;
        assert_eq!(globex_events.len(), 1);
        assert_eq!(globex_events[0]["actorId"], globex.user["id"]);
        assert!(trail(&app, &globex.access, &format!("actorId={}", sam.id)).await.is_empty());
        assert_eq!(trail(&app, &acme.admin.access, "").await, acme_events, "globex's login is not acme's");
    }
}
