//! Headers on every response, errors included: no MIME sniffing, no framing, no referrer, a
//! restrictive Content-Security-Policy (relaxed on `/docs`, whose page runs the vendored
//! Swagger UI), HSTS when the service is published over HTTPS, and `Cache-Control: no-store`
//! on every response of `/api/` and every response to a request carrying `Authorization`.
//!
//! `no-store` covers the token responses (sign-up, register, login, refresh) and everything a
//! caller reads with a token, so that neither a browser nor a proxy keeps it. Catalog reads
//! served by the server's shared read cache (`Cache-Status: engify; hit`) are still one
//! organization's data for one authenticated caller: they get `no-store` too. A handler that
//! sets its own `Cache-Control` keeps it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::state::HttpState;

const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/// What the headers of a response depend on, read from its request before it is handled.
#[derive(Debug, Clone, Copy)]
struct Policy {
    https: bool,
    docs: bool,
    no_store: bool,
}

impl Policy {
    fn of(req: &ServiceRequest) -> Self {
        let path = req.path();
        Self {
            https: req.app_data::<web::Data<HttpState>>().is_some_and(|s| s.config.https),
            docs: path == "/docs" || path.starts_with("/docs/"),
            no_store: path.starts_with("/api/") || req.headers().contains_key(header::AUTHORIZATION),
        }
    }

    fn apply(self, headers: &mut HeaderMap) {
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(if self.docs { DOCS_CSP } else { API_CSP }),
        );
        if self.https {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=63072000; includeSubDomains"),
            );
        }
        if self.no_store && !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

/// The middleware.
///
/// # Errors
/// Those of the inner service (a middleware's refusal, such as the request timeout's 503),
/// carrying their response with these headers added.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let policy = Policy::of(&req);
    match next.call(req).await {
        Ok(response) => {
            let mut response = response.map_into_boxed_body();
            policy.apply(response.headers_mut());
            Ok(response)
        }
        // An error leaves without its request: it is rendered here, once, with the headers.
        Err(error) => {
            let mut response = error.error_response();
            policy.apply(response.headers_mut());
            Err(InternalError::from_response(error.to_string(), response).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::error::ErrorServiceUnavailable;
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test};

    use super::*;

    /// An inner middleware that refuses every request, as the request timeout does.
    async fn refuse(
        _req: ServiceRequest,
        _next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<BoxBody>, Error> {
        Err(ErrorServiceUnavailable("gone"))
    }

    fn cache_control(headers: &HeaderMap) -> Option<&str> {
        headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok())
    }

    #[actix_web::test]
    async fn api_and_authenticated_responses_are_not_stored_unless_the_handler_says_otherwise() {
        let app = test::init_service(
            App::new()
                .route("/api/v1/x", web::get().to(HttpResponse::Ok))
                .route("/health/live", web::get().to(HttpResponse::Ok))
                .route(
                    "/api/v1/own",
                    web::get()
                        .to(|| async { HttpResponse::Ok().insert_header(("cache-control", "max-age=60")).finish() }),
                )
                .wrap(from_fn(security_headers)),
        )
        .await;
        let get = |uri: &str| test::TestRequest::get().uri(uri);
        let api = test::call_service(&app, get("/api/v1/x").to_request()).await;
        assert_eq!(cache_control(api.headers()), Some("no-store"));
        let public = test::call_service(&app, get("/health/live").to_request()).await;
        assert_eq!(cache_control(public.headers()), None);
        let authenticated =
            test::call_service(&app, get("/health/live").insert_header(("authorization", "Bearer x")).to_request())
                .await;
        assert_eq!(cache_control(authenticated.headers()), Some("no-store"));
        let own = test::call_service(&app, get("/api/v1/own").to_request()).await;
        assert_eq!(cache_control(own.headers()), Some("max-age=60"));
    }

    #[actix_web::test]
    async fn a_refusal_by_an_inner_middleware_gets_the_headers_too() {
        let app = test::init_service(
            App::new()
                .route("/api/v1/x", web::get().to(HttpResponse::Ok))
                .wrap(from_fn(refuse))
                .wrap(from_fn(security_headers)),
        )
        .await;
        let error = test::try_call_service(&app, test::TestRequest::get().uri("/api/v1/x").to_request())
            .await
            .expect_err("refused");
        let response = error.error_response();
        assert_eq!(response.status(), actix_web::http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(cache_control(response.headers()), Some("no-store"));
        assert_eq!(
            response.headers().get(header::X_CONTENT_TYPE_OPTIONS).map(HeaderValue::as_bytes),
            Some(&b"nosniff"[..])
        );
    }
}
