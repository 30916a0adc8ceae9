//! Traces exported over OTLP: the `app` binary with `OTEL_EXPORTER_OTLP_ENDPOINT` pointed at a
//! receiver this test starts on loopback. A request carrying a W3C `traceparent` is exported
//! in the caller's trace, under the caller's span, with its use case and database calls as
//! children — and the request id on the request span, to go from a log line to its trace.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message as _;
use serde_json::json;

use crate::child::AppProcess;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";

type Received = Arc<Mutex<Vec<Span>>>;

/// An OTLP/HTTP receiver on loopback: its address and the spans it received.
async fn receiver() -> (String, Received) {
    let spans: Received = Arc::default();
    let store = spans.clone();
    let server = HttpServer::new(move || {
        let store = store.clone();
        App::new().route(
            "/v1/traces",
            web::post().to(move |body: web::Bytes| {
                let store = store.clone();
                async move {
                    let request = ExportTraceServiceRequest::decode(body).unwrap();
                    let mut spans = store.lock().unwrap();
                    for resource in request.resource_spans {
                        for scope in resource.scope_spans {
                            spans.extend(scope.spans);
                        }
                    }
                    HttpResponse::Ok().content_type("application/x-protobuf").body(Vec::<u8>::new())
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let address = format!("http://{}", server.addrs()[0]);
    tokio::spawn(server.run());
    (address, spans)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| {
        use opentelemetry_proto::tonic::common::v1::any_value::Value;
        match a.value.as_ref()?.value.as_ref()? {
            Value::StringValue(s) => Some(s.clone()),
            Value::IntValue(i) => Some(i.to_string()),
            other => Some(format!("{other:?}")),
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_exported_in_its_callers_trace_with_its_use_case_and_database_spans() {
    let (endpoint, spans) = receiver().await;
    let app = AppProcess::start(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("OTEL_BSP_SCHEDULE_DELAY", "100")]);
    let http = reqwest::Client::new();
    let signup = json!({"name": "Acme", "slug": "acme",
        "admin": {"email": "admin@acme.test", "password": "violet-kettle-harbor-92", "name": "Ada Admin"}});
    let signed_up: serde_json::Value = http
        .post(format!("{}/api/v1/organizations", app.address))
        .json(&signup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = signed_up["accessToken"].as_str().unwrap();
    let response = http
        .get(format!("{}/api/v1/courses", app.address))
        .bearer_auth(token)
        .header("traceparent", format!("00-{TRACE_ID}-{PARENT_ID}-01"))
        .header("x-request-id", "trace-me-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let mut ours = Vec::new();
    for _ in 0..100 {
        ours = spans.lock().unwrap().iter().filter(|s| hex(&s.trace_id) == TRACE_ID).cloned().collect::<Vec<_>>();
        if ours.iter().any(|s| s.name == "GET /api/v1/courses") && ours.iter().any(|s| s.name.starts_with("db.")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let names: Vec<&str> = ours.iter().map(|s| s.name.as_str()).collect();
    let server = ours.iter().find(|s| s.name == "GET /api/v1/courses").unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!(hex(&server.parent_span_id), PARENT_ID, "the request continues the caller's span");
    assert_eq!(attribute(server, "request_id").as_deref(), Some("trace-me-1"));
    assert_eq!(attribute(server, "http.route").as_deref(), Some("/api/v1/courses"));
    let use_case = ours.iter().find(|s| s.name == "catalog.list_courses").unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!(use_case.parent_span_id, server.span_id, "the use case runs under the request");
    let query = ours.iter().find(|s| s.name == "db.courses.list").unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!(query.parent_span_id, use_case.span_id, "the query runs under the use case");
    // A request without a traceparent starts a trace of its own.
    assert!(
        spans.lock().unwrap().iter().any(|s| s.name == "POST /api/v1/organizations" && hex(&s.trace_id) != TRACE_ID)
    );
    app.stop();
}
