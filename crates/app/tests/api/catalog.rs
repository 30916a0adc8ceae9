//! Catalog endpoints: courses, the TA list, the TAs of a course and products — success, every
//! error code, role checks, tenant isolation and pagination, on both backends.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::Academy;
use crate::helpers::{Reply, TestApp, apps};

/// The fields a `validation_failed` problem names, in order.
fn refused(reply: &Reply) -> Vec<String> {
    let body = reply.problem(400, "validation_failed");
    body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

/// Every page of a list, walked with `?limit=` and `nextCursor`, each page's rows' `key`.
async fn walk(app: &TestApp, path: &str, token: &str, limit: u32, key: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
            None => format!("{path}?limit={limit}"),
        };
        let reply = app.get(&url, Some(token)).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}: {}", reply.text);
        let body = reply.json();
        let rows: Vec<String> =
            body["data"].as_array().unwrap().iter().map(|r| r[key].as_str().unwrap().to_owned()).collect();
        assert!(rows.len() <= limit as usize, "{body}");
        pages.push(rows);
        match body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages.len() < 20, "the walk does not end");
    }
    pages
}

/// The ids of a course's TAs, as listed.
async fn course_ta_ids(app: &TestApp, course: &str, token: &str) -> Vec<String> {
    let reply = app.get(&format!("/api/v1/courses/{course}/tas"), Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["data"].as_array().unwrap().iter().map(|u| id(u).to_owned()).collect()
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

#[tokio::test]
async fn the_academy_fixture_sets_up_a_course_with_tas_over_the_api() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("math-101", &["Tara", "Theo"]).await;
        assert_eq!(course["code"], "MATH-101", "{:?}", app.backend);
        let course = id(&course);
        let admin = academy.admin();

        let listed = app.get(&format!("/api/v1/courses/{course}/tas"), Some(&admin.access)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
        let body = listed.json();
        let ids: Vec<&str> = body["data"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(ids, vec![tas[0].id.as_str(), tas[1].id.as_str()], "ordered by name: {body}");
        assert_eq!(body["data"][0]["role"], "ta");

        let hours = app.get(&format!("/api/v1/tas/{}/availability", tas[0].id), Some(&tas[0].access)).await;
        assert_eq!(hours.status, StatusCode::OK, "{}", hours.text);
        assert_eq!(hours.json()["weekly"].as_array().unwrap().len(), 7);

        let products = app.get(&format!("/api/v1/courses/{course}/products"), Some(&tas[1].access)).await;
        assert_eq!(products.status, StatusCode::OK, "{}", products.text);
        let products = products.json();
        assert_eq!(products["data"][0]["kind"], "single_session");
        assert_eq!(products["data"][0]["priceCents"], 4000);
    }
}

#[tokio::test]
async fn admins_create_read_and_change_courses_and_members_read_them() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        let reply = app
            .post(
                "/api/v1/courses",
                Some(&admin.access),
                json!({"code": " alg-1 ", "title": "Algebra", "description": "Groups,\nrings."}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        let course = reply.json();
        let course_id = id(&course).to_owned();
        assert_eq!(reply.header("location"), Some(format!("/api/v1/courses/{course_id}").as_str()));
        assert_eq!(course["code"], "ALG-1", "trimmed and upper-cased");
        assert_eq!(course["title"], "Algebra");
        assert_eq!(course["description"], "Groups,\nrings.");
        assert_eq!(course["active"], true);
        assert!(course["createdAt"].as_str().unwrap().ends_with('Z'), "{course}");
        let keys: Vec<&String> = course.as_object().unwrap().keys().collect(); // `policy` since part 2
        assert_eq!(keys.len(), 7, "exactly the contract's fields: {keys:?}");

        let bare = academy.course("geo-1", "Geometry").await;
        assert_eq!(bare["description"], "", "no description is an empty one");

        let student = academy.student("Sam").await;
        let read = app.get(&format!("/api/v1/courses/{course_id}"), Some(&student.access)).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert_eq!(read.json(), course);

        let changed = app
            .patch(
                &format!("/api/v1/courses/{course_id}"),
                Some(&admin.access),
                json!({"title": "Linear Algebra", "active": false}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
        let changed = changed.json();
        assert_eq!(changed["title"], "Linear Algebra");
        assert_eq!(changed["active"], false);
        assert_eq!(changed["description"], "Groups,\nrings.", "untouched fields keep their value");
        assert_eq!(changed["code"], "ALG-1");
        let cleared =
            app.patch(&format!("/api/v1/courses/{course_id}"), Some(&admin.access), json!({"description": ""})).await;
        assert_eq!(cleared.json()["description"], "");
        assert_eq!(cleared.json()["active"], false);

        let list = app.get("/api/v1/courses", Some(&student.access)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let list = list.json();
        let codes: Vec<&str> = list["data"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
        assert_eq!(codes, vec!["ALG-1", "GEO-1"], "inactive courses are listed too, by code");
        assert_eq!(list["nextCursor"], Value::Null);
    }
}

#[tokio::test]
async fn course_writes_are_refused_with_their_codes() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        let course = academy.course("ALG-1", "Algebra").await;
        let path = format!("/api/v1/courses/{}", id(&course));

        let taken = app.post("/api/v1/courses", Some(&admin.access), json!({"code": "alg-1", "title": "Again"})).await;
        let body = taken.problem(409, "course_code_taken");
        assert!(!body.to_string().contains("duplicate"), "no driver text: {body}");

        let bad = app
            .post(
                "/api/v1/courses",
                Some(&admin.access),
                json!({"code": "-x y", "title": " ", "description": "d".repeat(5001)}),
            )
            .await;
        assert_eq!(refused(&bad), vec!["code", "title", "description"], "{:?}", app.backend);
        let unknown =
            app.post("/api/v1/courses", Some(&admin.access), json!({"code": "B", "title": "B", "active": false})).await;
        assert_eq!(refused(&unknown), vec!["active"]);
        let missing = app.post("/api/v1/courses", Some(&admin.access), json!({"code": "B"})).await;
        assert_eq!(refused(&missing), vec!["title"]);
        app.post("/api/v1/courses", Some(&admin.access), json!({"code": 7, "title": "B"}))
            .await
            .problem(400, "malformed_request");
        assert_eq!(refused(&app.patch(&path, Some(&admin.access), json!({"title": ""})).await), vec!["title"]);
        assert_eq!(refused(&app.patch(&path, Some(&admin.access), json!({"code": "NEW"})).await), vec!["code"]);

        let student = academy.student("Sam").await;
        let ta = academy.ta("Tara").await;
        for token in [&student.access, &ta.access] {
            app.post("/api/v1/courses", Some(token), json!({"code": "C", "title": "C"}))
                .await
                .problem(403, "forbidden");
            app.patch(&path, Some(token), json!({"active": false})).await.problem(403, "forbidden");
        }
        // A shape error wins over the role (domain.md, "Which error wins").
        assert_eq!(
            refused(&app.post("/api/v1/courses", Some(&student.access), json!({"code": "", "title": "C"})).await),
            vec!["code"]
        );

        app.post("/api/v1/courses", None, json!({"code": "C", "title": "C"})).await.problem(401, "unauthenticated");
        app.get(&path, None).await.problem(401, "unauthenticated");
        app.get("/api/v1/courses", None).await.problem(401, "unauthenticated");
        let unchanged = app.get(&path, Some(&admin.access)).await.json();
        assert_eq!(unchanged["active"], true, "refused writes change nothing");
    }
}

#[tokio::test]
async fn another_organizations_or_an_unknown_course_does_not_exist() {
    for app in apps().await {
        let acme = Academy::new(&app, "acme").await;
        let course = acme.course("ALG-1", "Algebra").await;
        let other = Academy::new(&app, "other").await;
        let admin = other.admin();
        let foreign = format!("/api/v1/courses/{}", id(&course));
        let unknown = format!("/api/v1/courses/{}", uuid::Uuid::now_v7());
        for path in [&foreign, &unknown] {
            app.get(path, Some(&admin.access)).await.problem(404, "not_found");
            app.patch(path, Some(&admin.access), json!({"title": "Mine"})).await.problem(404, "not_found");
            app.get(&format!("{path}/tas"), Some(&admin.access)).await.problem(404, "not_found");
            app.get(&format!("{path}/products"), Some(&admin.access)).await.problem(404, "not_found");
            app.post(
                &format!("{path}/products"),
                Some(&admin.access),
                json!({"kind": "single_session", "name": "Hour", "priceCents": 100}),
            )
            .await
            .problem(404, "not_found");
        }
        app.get("/api/v1/courses/not-a-uuid", Some(&admin.access)).await.problem(404, "not_found");
        // A same-named code in another organization is no conflict.
        other.course("alg-1", "Algebra elsewhere").await;
        let mine = app.get("/api/v1/courses", Some(&admin.access)).await.json();
        assert_eq!(mine["data"].as_array().unwrap().len(), 1, "only the organization's own: {mine}");
        assert_eq!(mine["data"][0]["title"], "Algebra elsewhere");
        let theirs = app.get(&foreign, Some(&acme.admin.access)).await.json();
        assert_eq!(theirs["title"], "Algebra", "the other organization's course is untouched");
    }
}

#[tokio::test]
async fn courses_are_paged_by_code_and_bad_pages_are_refused() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        for code in ["e-5", "a-1", "C-3", "b-2", "d-4"] {
            academy.course(code, "Course").await;
        }
        let other = Academy::new(&app, "other").await;
        other.course("A-0", "Not listed").await;

        let pages = walk(&app, "/api/v1/courses", &admin.access, 2, "code").await;
        assert_eq!(
            pages,
            vec![vec!["A-1", "B-2"], vec!["C-3", "D-4"], vec!["E-5"]],
            "{:?}: every course once, in order",
            app.backend
        );
        assert_eq!(walk(&app, "/api/v1/courses", &admin.access, 5, "code").await.len(), 1, "an exact last page");
        assert_eq!(app.get("/api/v1/courses", Some(&admin.access)).await.json()["data"].as_array().unwrap().len(), 5);

        for bad in ["limit=0", "limit=101"] {
            assert_eq!(refused(&app.get(&format!("/api/v1/courses?{bad}"), Some(&admin.access)).await), vec!["limit"]);
        }
        assert_eq!(refused(&app.get("/api/v1/courses?cursor=bogus", Some(&admin.access)).await), vec!["cursor"]);
        assert_eq!(
            refused(&app.get("/api/v1/courses?cursor=bogus&limit=0", Some(&admin.access)).await),
            vec!["cursor", "limit"]
        );
        app.get("/api/v1/courses?limit=ten", Some(&admin.access)).await.problem(400, "malformed_request");
    }
}

#[tokio::test]
async fn tas_are_listed_by_name_page_by_page_and_only_the_organizations() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let student = academy.student("Sam").await;
        let mut invited = Vec::new();
        for name in ["Uma", "Bea", "Kai", "Ann"] {
            let reply = app
                .post(
                    "/api/v1/tas",
                    Some(&academy.admin.access),
                    json!({"email": format!("{}@acme.test", name.to_lowercase()), "name": name}),
                )
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
            invited.push(reply.json());
        }
        // Two TAs with one name are ordered by id.
        let twin = app
            .post("/api/v1/tas", Some(&academy.admin.access), json!({"email": "kai2@acme.test", "name": "Kai"}))
            .await
            .json();
        let other = Academy::new(&app, "other").await;
        let stranger = other.ta("Abe").await;

        let pages = walk(&app, "/api/v1/tas", &student.access, 2, "name").await;
        assert_eq!(
            pages,
            vec![vec!["Ann", "Bea"], vec!["Kai", "Kai"], vec!["Uma"]],
            "{:?}: TAs only, by name",
            app.backend
        );
        let kais: Vec<Value> = app.get("/api/v1/tas?limit=100", Some(&student.access)).await.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["name"] == "Kai")
            .cloned()
            .collect();
        let mut expected = vec![id(&invited[2]).to_owned(), id(&twin).to_owned()];
        expected.sort();
        assert_eq!(kais.iter().map(|t| id(t).to_owned()).collect::<Vec<_>>(), expected, "ties broken by id");
        assert!(kais.iter().all(|t| t["role"] == "ta"));

        assert_eq!(refused(&app.get("/api/v1/tas?limit=0", Some(&student.access)).await), vec!["limit"]);
        assert_eq!(refused(&app.get("/api/v1/tas?cursor=%3D%3D", Some(&student.access)).await), vec!["cursor"]);
        app.get("/api/v1/tas", None).await.problem(401, "unauthenticated");
        app.get(&format!("/api/v1/tas/{}", stranger.id), Some(&student.access)).await.problem(404, "not_found");
        app.get(&format!("/api/v1/tas/{}", student.id), Some(&student.access)).await.problem(404, "not_found");
    }
}

#[tokio::test]
async fn admins_assign_and_remove_tas_idempotently() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        let course = academy.course("ALG-1", "Algebra").await;
        let course = id(&course);
        let tara = academy.ta("Tara").await;
        let abel = academy.ta("Abel").await;
        let link = |ta: &str| format!("/api/v1/courses/{course}/tas/{ta}");
        assert!(course_ta_ids(&app, course, &tara.access).await.is_empty());

        for _ in 0..2 {
            let reply = app.put(&link(&tara.id), Some(&admin.access), None).await;
            assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:?}: {}", app.backend, reply.text);
            assert!(reply.text.is_empty());
        }
        app.put(&link(&abel.id), Some(&admin.access), None).await;
        assert_eq!(
            course_ta_ids(&app, course, &tara.access).await,
            vec![abel.id.clone(), tara.id.clone()],
            "once each, by name"
        );

        for _ in 0..2 {
            let reply = app.delete(&link(&abel.id), Some(&admin.access)).await;
            assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
        }
        assert_eq!(course_ta_ids(&app, course, &tara.access).await, vec![tara.id.clone()]);
    }
}

#[tokio::test]
async fn assignment_changes_are_refused_with_their_codes() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        let course = academy.course("ALG-1", "Algebra").await;
        let course = id(&course).to_owned();
        let tara = academy.ta("Tara").await;
        let student = academy.student("Sam").await;
        let other = Academy::new(&app, "other").await;
        let foreign_ta = other.ta("Olga").await;
        let foreign_course = other.course("ALG-1", "Theirs").await;
        let link = |c: &str, ta: &str| format!("/api/v1/courses/{c}/tas/{ta}");

        for token in [&student.access, &tara.access] {
            app.put(&link(&course, &tara.id), Some(token), None).await.problem(403, "forbidden");
            app.delete(&link(&course, &tara.id), Some(token)).await.problem(403, "forbidden");
        }
        let unknown = uuid::Uuid::now_v7().to_string();
        for (c, ta) in [
            (course.as_str(), student.id.as_str()),
            (course.as_str(), admin.id.as_str()),
            (course.as_str(), foreign_ta.id.as_str()),
            (course.as_str(), unknown.as_str()),
            (id(&foreign_course), tara.id.as_str()),
            (unknown.as_str(), tara.id.as_str()),
        ] {
            app.put(&link(c, ta), Some(&admin.access), None).await.problem(404, "not_found");
            app.delete(&link(c, ta), Some(&admin.access)).await.problem(404, "not_found");
        }
        app.put(&link(&course, &tara.id), None, None).await.problem(401, "unauthenticated");
        let tas = app.get(&format!("/api/v1/courses/{course}/tas"), Some(&admin.access)).await.json();
        assert_eq!(tas["data"], json!([]), "{:?}: nothing was assigned", app.backend);
        let theirs = app.get(&format!("/api/v1/courses/{}/tas", id(&foreign_course)), Some(&other.admin.access)).await;
        assert_eq!(theirs.json()["data"], json!([]));
    }
}

#[tokio::test]
async fn admins_sell_session_prices_and_bundles() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        let course = academy.course("ALG-1", "Algebra").await;
        let course = id(&course).to_owned();
        let products = format!("/api/v1/courses/{course}/products");

        let reply = app
            .post(
                &products,
                Some(&admin.access),
                json!({"kind": "bundle", "name": "Ten sessions", "priceCents": 45_000,
                       "sessionCount": 10, "validityDays": 180}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", app.backend, reply.text);
        let bundle = reply.json();
        assert_eq!(reply.header("location"), Some(format!("/api/v1/products/{}", id(&bundle)).as_str()));
        assert_eq!(bundle["courseId"], course.as_str());
        assert_eq!(bundle["kind"], "bundle");
        assert_eq!(bundle["name"], "Ten sessions");
        assert_eq!(bundle["priceCents"], 45_000);
        assert_eq!(bundle["currency"], "EUR", "the organization's currency");
        assert_eq!(bundle["sessionCount"], 10);
        assert_eq!(bundle["validityDays"], 180);
        assert_eq!(bundle["active"], true);
        assert_eq!(bundle.as_object().unwrap().len(), 10, "exactly the contract's fields: {bundle}");
        // The location resolves, for every member.
        let location = reply.header("location").unwrap().to_owned();
        assert_eq!(app.get(&location, Some(&admin.access)).await.json(), bundle);
        let reader = app.register("acme", "kim@acme.test").await;
        assert_eq!(app.get(&location, reader["accessToken"].as_str()).await.json()["id"], bundle["id"]);

        let hour = academy.session_price(&course, 5_000).await;
        assert_eq!(hour["sessionCount"], Value::Null);
        assert_eq!(hour["validityDays"], Value::Null);

        // Withdrawing the bundle puts it after the active products; price changes apply.
        let patched = app
            .patch(&format!("/api/v1/products/{}", id(&bundle)), Some(&admin.access), json!({"active": false}))
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
        assert_eq!(patched.json()["active"], false);
        let repriced = app
            .patch(
                &format!("/api/v1/products/{}", id(&hour)),
                Some(&admin.access),
                json!({"name": "One hour", "priceCents": 5_500}),
            )
            .await
            .json();
        assert_eq!((repriced["name"].as_str(), repriced["priceCents"].as_i64()), (Some("One hour"), Some(5_500)));
        assert_eq!(repriced["active"], true);
        let later = academy.bundle(&course, 5, 30, 20_000).await;

        let student = academy.student("Sam").await;
        let list = app.get(&products, Some(&student.access)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let list = list.json();
        let order: Vec<&str> = list["data"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(order, vec![id(&hour), id(&later), id(&bundle)], "active first, then by creation: {list}");
        assert_eq!(list["data"][0]["name"], "One hour");
        assert!(list.get("nextCursor").is_none(), "an unpaged list: {list}");

        // Products keep the currency they were created in.
        let org = app.patch("/api/v1/organization", Some(&admin.access), json!({"currency": "usd"})).await;
        assert_eq!(org.status, StatusCode::OK, "{}", org.text);
        let dollars = academy.bundle(&course, 2, 10, 9_000).await;
        assert_eq!(dollars["currency"], "USD");
        let again = app.get(&products, Some(&admin.access)).await.json();
        assert_eq!(again["data"][0]["currency"], "EUR");
    }
}

#[tokio::test]
async fn product_writes_are_refused_with_their_codes() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin();
        let course = academy.course("ALG-1", "Algebra").await;
        let course = id(&course).to_owned();
        let products = format!("/api/v1/courses/{course}/products");
        let hour = academy.session_price(&course, 5_000).await;
        let hour_path = format!("/api/v1/products/{}", id(&hour));

        let second = json!({"kind": "single_session", "name": "Other hour", "priceCents": 6_000});
        app.post(&products, Some(&admin.access), second.clone()).await.problem(409, "session_price_exists");
        // Once the first is withdrawn, a new price may be set; the old one cannot come back.
        app.patch(&hour_path, Some(&admin.access), json!({"active": false})).await;
        let newer = app.post(&products, Some(&admin.access), second).await;
        assert_eq!(newer.status, StatusCode::CREATED, "{:?}: {}", app.backend, newer.text);
        app.patch(&hour_path, Some(&admin.access), json!({"active": true})).await.problem(409, "session_price_exists");
        let renamed = app.patch(&hour_path, Some(&admin.access), json!({"name": "Old hour"})).await;
        assert_eq!(renamed.status, StatusCode::OK, "an inactive price may still be renamed: {}", renamed.text);

        for (body, fields) in [
            (json!({"kind": "bundle", "name": "B", "priceCents": 1}), vec!["sessionCount", "validityDays"]),
            (
                json!({"kind": "bundle", "name": "B", "priceCents": 1, "sessionCount": 101, "validityDays": 0}),
                vec!["sessionCount", "validityDays"],
            ),
            (json!({"kind": "single_session", "name": "S", "priceCents": 1, "sessionCount": 3}), vec!["sessionCount"]),
            (json!({"kind": "subscription", "name": "", "priceCents": -1}), vec!["name", "priceCents", "kind"]),
            (
                json!({"kind": "bundle", "name": "B", "priceCents": 100_000_001, "sessionCount": 1, "validityDays": 1}),
                vec!["priceCents"],
            ),
            (json!({"kind": "single_session", "name": "S", "priceCents": 1, "currency": "USD"}), vec!["currency"]),
        ] {
            let mut got = refused(&app.post(&products, Some(&admin.access), body.clone()).await);
            let mut want: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{body}");
        }
        assert_eq!(
            refused(&app.patch(&hour_path, Some(&admin.access), json!({"priceCents": -5})).await),
            vec!["priceCents"]
        );
        assert_eq!(refused(&app.patch(&hour_path, Some(&admin.access), json!({"kind": "bundle"})).await), vec!["kind"]);

        let student = academy.student("Sam").await;
        let ta = academy.ta("Tara").await;
        for token in [&student.access, &ta.access] {
            app.post(&products, Some(token), json!({"kind": "single_session", "name": "S", "priceCents": 1}))
                .await
                .problem(403, "forbidden");
            app.patch(&hour_path, Some(token), json!({"priceCents": 1})).await.problem(403, "forbidden");
        }

        let other = Academy::new(&app, "other").await;
        app.patch(&hour_path, Some(&other.admin.access), json!({"priceCents": 1})).await.problem(404, "not_found");
        app.patch(&format!("/api/v1/products/{}", uuid::Uuid::now_v7()), Some(&admin.access), json!({"active": true}))
            .await
            .problem(404, "not_found");
        app.patch(&hour_path, None, json!({"active": true})).await.problem(401, "unauthenticated");
        let list = app.get(&products, Some(&admin.access)).await.json();
        let prices: Vec<i64> =
            list["data"].as_array().unwrap().iter().map(|p| p["priceCents"].as_i64().unwrap()).collect();
        assert_eq!(prices, vec![6_000, 5_000], "refused writes changed nothing: {list}");
    }
}
