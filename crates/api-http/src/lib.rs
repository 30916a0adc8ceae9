#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod code;
pub mod dto;
pub mod extract;
pub mod handlers;
pub mod middleware;
pub mod openapi;
pub mod problem;
mod routes;
pub mod state;

use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, HttpResponse, web};
use domain::shared::ErrorCode;
use edge::EdgeCode;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use handlers::fallback::{RouteTable, fallback};
use middleware::invalidation::{DeclarationError, Invalidations};
use problem::ApiError;
use state::HttpState;

/// The API's OpenAPI document, with every operation's error responses.
pub fn openapi() -> OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .service(handlers::health::live)
        .service(handlers::health::ready)
        .service(handlers::health::startup)
        .service(handlers::metrics::metrics)
        .configure(routes::api_v1)
        .split_for_parts();
    openapi::add_error_responses(&mut doc);
    doc
}

/// What the application factory shares between worker threads, built once per instance.
#[derive(Clone)]
pub struct Shared {
    doc: Arc<OpenApi>,
    routes: Arc<RouteTable>,
    invalidations: Arc<Invalidations>,
    slot_searches: Arc<handlers::slots::SlotSearches>,
}

impl Shared {
    /// Builds the document, the route table, the write routes' cache declarations and slot
    /// search's per-instance state.
    ///
    /// # Errors
    /// When a write route does not declare the cache namespaces it dirties (a bug caught by
    /// the API's own tests).
    pub fn new() -> Result<Self, DeclarationError> {
        let doc = openapi();
        let routes = RouteTable::from_openapi(&doc);
        let invalidations = Invalidations::from_openapi(&doc)?;
        Ok(Self {
            doc: Arc::new(doc),
            routes: Arc::new(routes),
            invalidations: Arc::new(invalidations),
            slot_searches: Arc::default(),
        })
    }
}

fn cors(origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers(["authorization", "content-type", "idempotency-key", "x-request-id"])
        .expose_headers([
            "location",
            "x-request-id",
            "retry-after",
            "ratelimit",
            "ratelimit-policy",
            "idempotent-replayed",
        ])
        .max_age(600);
    origins.iter().fold(cors, |c, origin| c.allowed_origin(origin))
}

/// The whole HTTP application: `/api/v1`, health, `/openapi.json`, `/docs`, with the edge's
/// middleware (outermost first: request id, observation, problem responses, security and cache
/// headers, CORS, read-cache invalidation, timeouts, rate limits, idempotency keys).
pub fn app(
    state: HttpState,
    shared: Shared,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let Shared { doc, routes, invalidations, slot_searches } = shared;
    let cors = cors(&state.config.cors_origins);
    let query_errors = web::QueryConfig::default().error_handler(|e, _| {
        ApiError::new(EdgeCode::MalformedRequest).detail(format!("Bad query string: {e}.")).into()
    });
    let path_errors = web::PathConfig::default().error_handler(|_, req| {
        ApiError::new(ErrorCode::NotFound).detail(format!("No resource at {}.", req.path())).into()
    });
    App::new()
        .into_utoipa_app()
        .service(handlers::health::live)
        .service(handlers::health::ready)
        .service(handlers::health::startup)
        .service(handlers::metrics::metrics)
        .configure(routes::api_v1)
        .into_app()
        .app_data(web::Data::new(state))
        .app_data(web::Data::from(routes))
        .app_data(web::Data::from(invalidations))
        .app_data(web::Data::from(slot_searches))
        .app_data(query_errors)
        .app_data(path_errors)
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", Arc::unwrap_or_clone(doc)))
        .route(
            "/docs",
            web::get()
                .to(|| async { HttpResponse::PermanentRedirect().insert_header(("location", "/docs/")).finish() }),
        )
        .default_service(web::to(fallback))
        .wrap(from_fn(middleware::idempotency::idempotency))
        .wrap(from_fn(middleware::rate_limit::rate_limit))
        .wrap(from_fn(middleware::timeout::timeout))
        .wrap(from_fn(middleware::invalidation::invalidation))
        .wrap(cors)
        .wrap(from_fn(middleware::headers::security_headers))
        .wrap(from_fn(middleware::problems::problem_responses))
        .wrap(from_fn(middleware::observe::observe))
        .wrap(from_fn(middleware::request_id::request_id))
}
