//! Bundles: buying one, listing them (a student their own, an admin all or one student's),
//! reading one and its ledger; every error code and tenant isolation, on both backends.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, Member};
use crate::helpers::{Reply, TestApp, apps};

/// Buys `product` as `student`.
pub async fn buy(app: &TestApp, student: &Member, product: &Value) -> Reply {
    app.post("/api/v1/bundle-purchases", Some(&student.access), json!({"productId": product["id"]})).await
}

/// Buys `product` as `student`, expecting success; returns the bundle.
pub async fn bought(app: &TestApp, student: &Member, product: &Value) -> Value {
    let reply = buy(app, student, product).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
    reply.json()
}

/// The ledger of a bundle as `(kind, delta)` pairs, oldest first.
pub async fn ledger(app: &TestApp, token: &str, bundle: &str) -> Vec<(String, i64)> {
    let reply = app.get(&format!("/api/v1/bundle-purchases/{bundle}/ledger"), Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap().to_owned(), e["delta"].as_i64().unwrap()))
        .collect()
}

/// A bundle's remaining sessions, as `token` reads it.
pub async fn remaining(app: &TestApp, token: &str, bundle: &str) -> i64 {
    let reply = app.get(&format!("/api/v1/bundle-purchases/{bundle}"), Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["remainingSessions"].as_i64().unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn students_buy_bundles_and_read_them_with_their_ledger() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let course = academy.course("MATH-101", "Algebra").await;
        let course_id = course["id"].as_str().unwrap();
        let product = academy.bundle(course_id, 5, 30, 18_000).await;
        let sam = academy.student("Sam").await;

        let reply = buy(&app, &sam, &product).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        let bundle = reply.json();
        let id = bundle["id"].as_str().unwrap();
        assert_eq!(reply.header("location"), Some(format!("/api/v1/bundle-purchases/{id}").as_str()));
        assert_eq!(bundle["studentId"], sam.id.as_str());
        assert_eq!(bundle["courseId"], course_id);
        assert_eq!(bundle["productId"], product["id"]);
        assert_eq!(bundle["totalSessions"], 5);
        assert_eq!(bundle["remainingSessions"], 5);
        assert_eq!(bundle["pricePaidCents"], 18_000);
        assert_eq!(bundle["currency"], "EUR");
        let from = chrono::DateTime::parse_from_rfc3339(bundle["validFrom"].as_str().unwrap()).unwrap();
        let to = chrono::DateTime::parse_from_rfc3339(bundle["validTo"].as_str().unwrap()).unwrap();
        assert_eq!(to - from, chrono::Duration::days(30), "valid for the product's validity days");
        assert!(bundle["createdAt"].as_str().unwrap().ends_with('Z'), "instants in UTC");
        let receipt = app.email(&sam.email, "Your receipt", 0).await;
        assert!(receipt.contains("5 sessions"), "{receipt}");

        // The owner and the admin read it; the ledger starts with the purchase.
        let read = app.get(&format!("/api/v1/bundle-purchases/{id}"), Some(&sam.access)).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert_eq!(read.json(), bundle);
        assert_eq!(remaining(&app, &academy.admin.access, id).await, 5);
        let entries = app.get(&format!("/api/v1/bundle-purchases/{id}/ledger"), Some(&sam.access)).await.json();
        let entry = &entries["data"][0];
        assert_eq!(entries["data"].as_array().unwrap().len(), 1, "{entries}");
        assert_eq!((entry["kind"].as_str(), entry["delta"].as_i64()), (Some("purchase"), Some(5)));
        assert_eq!(entry["bookingId"], Value::Null);
        assert!(entry["id"].is_string() && entry["createdAt"].is_string(), "{entry}");
        assert_eq!(ledger(&app, &academy.admin.access, id).await, vec![("purchase".to_owned(), 5)]);
    }
}

#[tokio::test]
async fn lists_are_newest_first_paged_and_scoped_to_the_caller() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let course = academy.course("MATH-101", "Algebra").await;
        let course_id = course["id"].as_str().unwrap();
        let products = [academy.bundle(course_id, 5, 30, 100).await, academy.bundle(course_id, 10, 60, 200).await];
        let sam = academy.student("Sam").await;
        let kim = academy.student("Kim").await;
        let sams: Vec<String> = [
            bought(&app, &sam, &products[0]).await["id"].as_str().unwrap().to_owned(),
            bought(&app, &sam, &products[1]).await["id"].as_str().unwrap().to_owned(),
        ]
        .to_vec();
        let kims = bought(&app, &kim, &products[0]).await["id"].as_str().unwrap().to_owned();

        // A student sees only their own, newest first, whatever `studentId` they ask for.
        let own = app.get("/api/v1/bundle-purchases", Some(&sam.access)).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.text);
        assert_eq!(ids(&own.json()), vec![sams[1].clone(), sams[0].clone()]);
        assert_eq!(own.json()["nextCursor"], Value::Null);
        let sneaky = app.get(&format!("/api/v1/bundle-purchases?studentId={}", kim.id), Some(&sam.access)).await;
        assert_eq!(ids(&sneaky.json()), vec![sams[1].clone(), sams[0].clone()], "the filter is replaced by theirs");

        // An admin sees all, or one student's; pages follow the cursor.
        let admin = &academy.admin.access;
        let all = app.get("/api/v1/bundle-purchases", Some(admin)).await.json();
        assert_eq!(ids(&all), vec![kims.clone(), sams[1].clone(), sams[0].clone()]);
        let kim_only = app.get(&format!("/api/v1/bundle-purchases?studentId={}", kim.id), Some(admin)).await.json();
        assert_eq!(ids(&kim_only), vec![kims.clone()]);
        let mut walked = Vec::new();
        let mut path = "/api/v1/bundle-purchases?limit=2".to_owned();
        loop {
            let page = app.get(&path, Some(admin)).await.json();
            walked.extend(ids(&page));
            match page["nextCursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/bundle-purchases?limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(walked, ids(&all), "pages add up to the list");

        // Shapes of the query string.
        let bad = app.get("/api/v1/bundle-purchases?limit=0&studentId=nope", Some(admin)).await;
        let body = bad.problem(400, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "limit", "{body}");
        let bad = app.get("/api/v1/bundle-purchases?studentId=nope", Some(admin)).await;
        assert_eq!(bad.problem(400, "validation_failed")["errors"][0]["field"], "studentId");
        app.get("/api/v1/bundle-purchases?cursor=garbage", Some(admin)).await.problem(400, "validation_failed");
    }
}

#[tokio::test]
async fn purchases_are_refused_with_their_codes() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let course = academy.course("MATH-101", "Algebra").await;
        let course_id = course["id"].as_str().unwrap();
        let product = academy.bundle(course_id, 5, 30, 100).await;
        let single = academy.session_price(course_id, 4_000).await;
        let sam = academy.student("Sam").await;
        let ta = academy.ta("Tara").await;

        // Roles: only students buy.
        buy(&app, &academy.admin(), &product).await.problem(403, "forbidden");
        buy(&app, &ta, &product).await.problem(403, "forbidden");
        app.post("/api/v1/bundle-purchases", None, json!({"productId": product["id"]}))
            .await
            .problem(401, "unauthenticated");

        // Shapes.
        let bad = app.post("/api/v1/bundle-purchases", Some(&sam.access), json!({"productId": "nope"})).await;
        assert_eq!(bad.problem(400, "validation_failed")["errors"][0]["field"], "productId");
        let missing = app.post("/api/v1/bundle-purchases", Some(&sam.access), json!({})).await;
        assert_eq!(missing.problem(400, "validation_failed")["errors"][0]["field"], "productId");
        let extra = app
            .post(
                "/api/v1/bundle-purchases",
                Some(&sam.access),
                json!({"productId": product["id"], "pricePaidCents": 0}),
            )
            .await;
        assert_eq!(extra.problem(400, "validation_failed")["errors"][0]["field"], "pricePaidCents");

        // Products that cannot be bought as a bundle.
        buy(&app, &sam, &single).await.problem(404, "not_found");
        buy(&app, &sam, &json!({"id": uuid::Uuid::now_v7()})).await.problem(404, "not_found");
        let deactivated = academy.bundle(course_id, 3, 30, 50).await;
        let patch = app
            .patch(
                &format!("/api/v1/products/{}", deactivated["id"].as_str().unwrap()),
                Some(&academy.admin.access),
                json!({"active": false}),
            )
            .await;
        assert_eq!(patch.status, StatusCode::OK, "{}", patch.text);
        buy(&app, &sam, &deactivated).await.problem(404, "not_found");
        let other = Academy::new(&app, "other").await;
        let their_course = other.course("BIO-1", "Biology").await;
        let theirs = other.bundle(their_course["id"].as_str().unwrap(), 5, 30, 100).await;
        buy(&app, &sam, &theirs).await.problem(404, "not_found");

        // One active bundle per product at a time.
        bought(&app, &sam, &product).await;
        buy(&app, &sam, &product).await.problem(409, "bundle_already_active");
        let kim = academy.student("Kim").await;
        bought(&app, &kim, &product).await;
    }
}

#[tokio::test]
async fn bundles_are_visible_to_their_owner_and_admins_only() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let course = academy.course("MATH-101", "Algebra").await;
        let product = academy.bundle(course["id"].as_str().unwrap(), 5, 30, 100).await;
        let sam = academy.student("Sam").await;
        let kim = academy.student("Kim").await;
        let ta = academy.ta("Tara").await;
        let id = bought(&app, &sam, &product).await["id"].as_str().unwrap().to_owned();
        let other = Academy::new(&app, "other").await;

        for suffix in ["", "/ledger"] {
            let path = format!("/api/v1/bundle-purchases/{id}{suffix}");
            assert_eq!(app.get(&path, Some(&sam.access)).await.status, StatusCode::OK);
            assert_eq!(app.get(&path, Some(&academy.admin.access)).await.status, StatusCode::OK);
            app.get(&path, Some(&kim.access)).await.problem(404, "not_found");
            app.get(&path, Some(&ta.access)).await.problem(403, "forbidden");
            app.get(&path, Some(&other.admin.access)).await.problem(404, "not_found");
            let unknown = format!("/api/v1/bundle-purchases/{}{suffix}", uuid::Uuid::now_v7());
            app.get(&unknown, Some(&academy.admin.access)).await.problem(404, "not_found");
            app.get(&format!("/api/v1/bundle-purchases/not-a-uuid{suffix}"), Some(&sam.access))
                .await
                .problem(404, "not_found");
        }
        app.get("/api/v1/bundle-purchases", Some(&ta.access)).await.problem(403, "forbidden");
        let theirs = app.get("/api/v1/bundle-purchases", Some(&other.admin.access)).await.json();
        assert!(ids(&theirs).is_empty(), "another organization's admin lists none of ours: {theirs}");
        let filtered =
            app.get(&format!("/api/v1/bundle-purchases?studentId={}", sam.id), Some(&other.admin.access)).await.json();
        assert!(ids(&filtered).is_empty(), "{filtered}");
    }
}
