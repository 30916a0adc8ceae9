//! The generated OpenAPI document against the code: every operation has an id, a declared set of
//! error codes and problem+json responses for them; nothing stale is declared.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use api_http::openapi::OPERATION_ERRORS;
use utoipa::openapi::path::Operation;

fn operations() -> Vec<(String, String, Operation)> {
    let doc = api_http::openapi();
    let mut all = Vec::new();
    for (path, item) in doc.paths.paths {
        for (method, op) in
            [("get", item.get), ("put", item.put), ("post", item.post), ("delete", item.delete), ("patch", item.patch)]
        {
            if let Some(op) = op {
                all.push((method.to_owned(), path.clone(), op));
            }
        }
    }
    all
}

#[test]
fn every_operation_declares_its_error_codes() {
    let ops = operations();
    assert!(ops.len() >= 19, "{} operations", ops.len());
    for (method, path, op) in &ops {
        let id = op.operation_id.as_deref().unwrap_or_else(|| panic!("{method} {path} has no operation id"));
        assert!(
            OPERATION_ERRORS.iter().any(|(known, _)| *known == id),
            "{method} {path} ({id}) has no error table entry"
        );
    }
    for (declared, _) in OPERATION_ERRORS {
        assert!(
            ops.iter().any(|(_, _, op)| op.operation_id.as_deref() == Some(declared)),
            "`{declared}` in OPERATION_ERRORS names no operation"
        );
    }
}

#[test]
fn operation_ids_are_unique() {
    let mut ids: Vec<String> = operations().into_iter().filter_map(|(_, _, op)| op.operation_id).collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count);
}

#[test]
fn each_declared_code_appears_as_a_problem_response_of_its_status() {
    let doc = serde_json::to_value(api_http::openapi()).unwrap();
    for (method, path, op) in operations() {
        let id = op.operation_id.clone().unwrap();
        let codes = OPERATION_ERRORS.iter().find(|(known, _)| *known == id).unwrap().1;
        let responses = &doc["paths"][&path][&method]["responses"];
        for code in codes {
            let status = api_http::code::Code::from(*code).status().as_u16().to_string();
            let response = &responses[&status];
            assert!(
                response["content"]["application/problem+json"].is_object(),
                "{method} {path}: no problem+json {status} response for {code:?}"
            );
            let description = response["description"].as_str().unwrap();
            assert!(description.contains(&format!("`{}`", code.as_str())), "{method} {path} {status}: {description}");
        }
    }
}

#[test]
fn authenticated_operations_document_401_and_body_operations_document_400_413_415() {
    let doc = serde_json::to_value(api_http::openapi()).unwrap();
    for (method, path, op) in operations() {
        let responses = &doc["paths"][&path][&method]["responses"];
        if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
            assert!(responses["401"].is_object(), "{method} {path} takes a token but documents no 401");
        }
        if op.request_body.is_some() {
            for status in ["400", "408", "413", "415"] {
                assert!(responses[status].is_object(), "{method} {path} takes a body but documents no {status}");
            }
        }
    }
}

#[test]
fn the_problem_schema_lists_every_code() {
    let doc = serde_json::to_value(api_http::openapi()).unwrap();
    let description = doc["components"]["schemas"]["Problem"]["description"].as_str().unwrap();
    for code in api_http::code::Code::all() {
        assert!(description.contains(&format!("`{}`", code.as_str())), "{code:?} missing from the Problem schema");
    }
    assert!(description.contains("| `method_not_allowed` | `/problems/method-not-allowed` | 405 |"), "{description}");
}

fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_schema_reference_resolves() {
    let doc = serde_json::to_value(api_http::openapi()).unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.iter().any(|r| r.ends_with("/PageResponse_CourseResponse")), "generic envelopes are named: {all:?}");
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(doc["components"]["schemas"][name].is_object(), "{r} names no schema");
    }
}

#[test]
fn query_string_operations_document_their_refusals() {
    let doc = serde_json::to_value(api_http::openapi()).unwrap();
    for path in ["/api/v1/courses", "/api/v1/tas", "/api/v1/courses/{id}/slots"] {
        let description = doc["paths"][path]["get"]["responses"]["400"]["description"].as_str().unwrap_or_default();
        for code in ["`malformed_request`", "`validation_failed`"] {
            assert!(description.contains(code), "GET {path} 400: {description}");
        }
    }
}

#[test]
fn api_operations_document_429_and_posts_their_idempotency_key() {
    let doc = serde_json::to_value(api_http::openapi()).unwrap();
    for (method, path, _) in operations() {
        let operation = &doc["paths"][&path][&method];
        let api = path.starts_with("/api/v1/");
        assert_eq!(operation["responses"]["429"].is_object(), api, "{method} {path}: 429");
        let params = operation["parameters"].as_array().cloned().unwrap_or_default();
        let keyed = params.iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header");
        assert_eq!(keyed, api && method == "post", "{method} {path}: Idempotency-Key");
        if keyed {
            let responses = &operation["responses"];
            for (status, code) in [
                ("409", "idempotency_key_in_progress"),
                ("422", "idempotency_key_reused"),
                ("503", "service_unavailable"),
            ] {
                let description = responses[status]["description"].as_str().unwrap_or_default();
                assert!(description.contains(&format!("`{code}`")), "{method} {path} {status}: {description}");
            }
        }
    }
    let info = doc["info"]["description"].as_str().unwrap();
    assert!(info.contains("RateLimit-Policy") && info.contains("Idempotent-Replayed"));
}

/// What the fuzzer (`.ci/schemathesis`) found the document saying wrongly.
#[test]
fn the_document_says_what_the_api_accepts() {
    let doc = serde_json::to_value(api_http::openapi()).unwrap();
    // A body that may be left out is optional, not nullable (a JSON `null` body is refused).
    for path in
        ["/api/v1/bookings/{id}/cancel", "/api/v1/group-sessions/{id}/join", "/api/v1/group-sessions/{id}/waitlist"]
    {
        let body = &doc["paths"][path]["post"]["requestBody"];
        assert_eq!(body["required"], serde_json::Value::Bool(false), "{path}: {body}");
        assert!(body["content"]["application/json"]["schema"]["$ref"].is_string(), "{path}: {body}");
    }
    let jobs = &doc["paths"]["/api/v1/admin/jobs"]["get"]["parameters"];
    let status = jobs.as_array().unwrap().iter().find(|p| p["name"] == "status").unwrap();
    assert_eq!(status["schema"]["enum"], serde_json::json!(["pending", "retrying", "dead", "sent"]));
    let limit = jobs.as_array().unwrap().iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!((limit["schema"]["minimum"].as_i64(), limit["schema"]["maximum"].as_i64()), (Some(1), Some(100)));
    let login = &doc["components"]["schemas"]["LoginRequest"]["properties"];
    assert_eq!(login["email"]["format"], "email");
    assert_eq!(login["password"]["minLength"], 1);
    let zones = &doc["components"]["schemas"]["TimeZoneName"]["enum"];
    assert!(zones.as_array().unwrap().iter().any(|z| z == "Europe/Berlin"));
    let product = &doc["components"]["schemas"]["NewProductRequest"]["oneOf"];
    assert_eq!(product.as_array().unwrap().len(), 2, "single_session or bundle");
}
