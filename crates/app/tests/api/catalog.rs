//! Catalog endpoints: courses, the TAs of a course, products, and the TA list.

use reqwest::StatusCode;
use serde_json::json;

use crate::academy::Academy;
use crate::helpers::apps;

#[tokio::test]
async fn the_academy_fixture_sets_up_a_course_with_tas_over_the_api() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("math-101", &["Tara", "Theo"]).await;
        assert_eq!(course["code"], "MATH-101", "{:?}", app.backend);
        let id = course["id"].as_str().unwrap();
        let admin = academy.admin();

        let listed = app.get(&format!("/api/v1/courses/{id}/tas"), Some(&admin.access)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
        let body = listed.json();
        let ids: Vec<&str> = body["data"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![tas[0].id.as_str(), tas[1].id.as_str()], "ordered by name: {body}");

        let hours = app.get(&format!("/api/v1/tas/{}/availability", tas[0].id), Some(&tas[0].access)).await;
        assert_eq!(hours.status, StatusCode::OK, "{}", hours.text);
        assert_eq!(hours.json()["weekly"].as_array().unwrap().len(), 7);

        let products = app.get(&format!("/api/v1/courses/{id}/products"), Some(&tas[1].access)).await;
        assert_eq!(products.status, StatusCode::OK, "{}", products.text);
        let products = products.json();
        assert_eq!(products["data"][0]["kind"], "single_session");
        assert_eq!(products["data"][0]["priceCents"], 4000);
        assert_eq!(products["data"][0]["currency"], "EUR");
        assert_eq!(products["data"][0]["sessionCount"], json!(null));
    }
}
