//! The OpenAPI 3.1 document, generated from the code: paths and schemas come from the handlers'
//! `#[utoipa::path]` (collected by `routes`); each operation's error responses come
//! from the `CODES` of its use case's error enum, plus the edge's own (bad JSON, oversized or
//! mistyped bodies, missing tokens, rate limits, idempotency keys), so the document lists exactly
//! what an endpoint can answer.

use std::collections::BTreeMap;

use domain::accounts::{
    AuthenticateError, ConfirmPasswordResetError, InviteTaError, ListSessionsError, LoginError, LogoutError, MeError,
    PasswordResetRequestError, RefreshError, RegisterError, ResendVerificationError, RevokeSessionError, SignUpError,
    VerifyEmailError,
};
use domain::attendance::{ListUnmarkedError, RecordAttendanceError};
use domain::availability::{GetAvailabilityError, PutAvailabilityError, SearchSlotsError};
use domain::booking::{BookIndividualError, CancelBookingError, GetBookingError, ListBookingsError, RescheduleError};
use domain::bundles::{CreditStatementError, GetBundleError, ListBundlesError, PurchaseBundleError};
use domain::catalog::{
    AssignTaError, CreateCourseError, CreateProductError, GetCourseError, GetProductError, GetTaError,
    ListCourseTasError, ListCoursesError, ListProductsError, ListTasError, UnassignTaError, UpdateCourseError,
    UpdateProductError,
};
use domain::group_sessions::{
    CreateTemplateError, JoinGroupSessionError, JoinWaitlistError, LeaveGroupSessionError, LeaveWaitlistError,
    ListGroupError, ScheduleGroupSessionError,
};
use domain::notifications::{ListJobsError, RetryJobError};
use domain::series::{BookSeriesError, CancelSeriesError, GetSeriesError};
use domain::shared::ErrorCode;
use domain::tenancy::{GetOrganizationError, UpdateOrganizationError};
use domain::time_off::{ListTimeOffError, TimeOffWriteError};
use edge::EdgeCode;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi as _};

use crate::code::Code;
use crate::dto::schemas::{CurrencyCode, TimeZoneName};
use crate::problem::{PROBLEM_JSON, Problem, ProblemField};

/// The error codes each operation's use case can return, by operation id.
pub const OPERATION_ERRORS: &[(&str, &[ErrorCode])] = &[
    ("sign_up", SignUpError::CODES),
    ("register", RegisterError::CODES),
    ("login", LoginError::CODES),
    ("refresh", RefreshError::CODES),
    ("logout", LogoutError::CODES),
    ("verify_email", VerifyEmailError::CODES),
    ("resend_verification", ResendVerificationError::CODES),
    ("request_password_reset", PasswordResetRequestError::CODES),
    ("confirm_password_reset", ConfirmPasswordResetError::CODES),
    ("me", MeError::CODES),
    ("list_sessions", ListSessionsError::CODES),
    ("revoke_session", RevokeSessionError::CODES),
    ("get_organization", GetOrganizationError::CODES),
    ("update_organization", UpdateOrganizationError::CODES),
    ("invite_ta", InviteTaError::CODES),
    ("get_ta", GetTaError::CODES),
    ("create_group_session_template", CreateTemplateError::CODES),
    ("list_group_session_templates", ListGroupError::CODES),
    ("schedule_group_session", ScheduleGroupSessionError::CODES),
    ("list_group_sessions", ListGroupError::CODES),
    ("join_group_session", JoinGroupSessionError::CODES),
    ("leave_group_session", LeaveGroupSessionError::CODES),
    ("join_waitlist", JoinWaitlistError::CODES),
    ("leave_waitlist", LeaveWaitlistError::CODES),
    ("list_tas", ListTasError::CODES),
    ("create_course", CreateCourseError::CODES),
    ("list_courses", ListCoursesError::CODES),
    ("get_course", GetCourseError::CODES),
    ("update_course", UpdateCourseError::CODES),
    ("assign_ta", AssignTaError::CODES),
    ("unassign_ta", UnassignTaError::CODES),
    ("list_course_tas", ListCourseTasError::CODES),
    ("create_product", CreateProductError::CODES),
    ("list_products", ListProductsError::CODES),
    ("get_product", GetProductError::CODES),
    ("update_product", UpdateProductError::CODES),
    ("get_availability", GetAvailabilityError::CODES),
    ("put_availability", PutAvailabilityError::CODES),
    ("search_slots", SearchSlotsError::CODES),
    ("purchase_bundle", PurchaseBundleError::CODES),
    ("list_bundle_purchases", ListBundlesError::CODES),
    ("get_bundle_purchase", GetBundleError::CODES),
    ("get_bundle_ledger", GetBundleError::CODES),
    ("book_individual", BookIndividualError::CODES),
    ("list_bookings", ListBookingsError::CODES),
    ("get_booking", GetBookingError::CODES),
    ("reschedule_booking", RescheduleError::CODES),
    ("cancel_booking", CancelBookingError::CODES),
    ("record_attendance", RecordAttendanceError::CODES),
    ("list_unmarked_sessions", ListUnmarkedError::CODES),
    ("get_credit_statement", CreditStatementError::CODES),
    ("book_series", BookSeriesError::CODES),
    ("get_series", GetSeriesError::CODES),
    ("cancel_series", CancelSeriesError::CODES),
    ("record_time_off", TimeOffWriteError::CODES),
    ("list_time_off", ListTimeOffError::CODES),
    ("delete_time_off", TimeOffWriteError::CODES),
    ("list_jobs", ListJobsError::CODES),
    ("retry_job", RetryJobError::CODES),
    ("list_audit_events", domain::audit::ListAuditEventsError::CODES),
    ("session_report", domain::reports::ReportError::CODES),
    ("ta_report", domain::reports::ReportError::CODES),
    ("live", &[]),
    ("ready", &[]),
    ("startup", &[]),
    ("metrics", &[]),
];

/// Codes the edge adds to an operation that takes a JSON body (`request_timeout`: the body
/// did not arrive within `REQUEST_BODY_TIMEOUT_SECONDS`).
const BODY_ERRORS: &[Code] = &[
    Code::Edge(EdgeCode::MalformedRequest),
    Code::Domain(ErrorCode::ValidationFailed),
    Code::Edge(EdgeCode::RequestTimeout),
    Code::Edge(EdgeCode::PayloadTooLarge),
    Code::Edge(EdgeCode::UnsupportedMediaType),
];

/// Codes the edge adds to an operation that takes a query string (a value of the wrong type,
/// or one its parser refuses, naming the parameter).
const QUERY_ERRORS: &[Code] = &[Code::Edge(EdgeCode::MalformedRequest), Code::Domain(ErrorCode::ValidationFailed)];

/// Codes the edge adds to every operation of `/api/v1` (rate limits).
const LIMITED_ERRORS: &[Code] = &[Code::Edge(EdgeCode::RateLimited)];

/// Codes the edge adds to every `POST` of `/api/v1` (the `Idempotency-Key` header: malformed,
/// reused with another body, still running, or its outcome not recordable because the
/// database failed at the commit).
const IDEMPOTENCY_ERRORS: &[Code] = &[
    Code::Domain(ErrorCode::ValidationFailed),
    Code::Edge(EdgeCode::IdempotencyKeyReused),
    Code::Edge(EdgeCode::IdempotencyKeyInProgress),
    Code::Domain(ErrorCode::ServiceUnavailable),
];

const EDGE_DESCRIPTION: &str = "\n\n**Rate limits.** Every response of `/api/v1` carries `RateLimit-Policy` (e.g. `\"default\";q=600;w=60`) and `RateLimit` (`\"default\";r=<remaining>;t=<seconds to reset>`): per client IP on `/auth/*` and `POST /organizations` (policy `auth`), per user elsewhere (per IP when anonymous). Past the limit: 429 `rate_limited` with `Retry-After`.\n\n**Idempotency.** Every `POST` accepts `Idempotency-Key` (1–255 printable ASCII). Within 24 h, a retry with the same key and body from the same user (or IP) to the same path gets the first response again, byte for byte, with `Idempotent-Replayed: true`, and nothing runs twice; another body is 422 `idempotency_key_reused`; a retry while the first runs is 409 `idempotency_key_in_progress`. The answer is recorded in the same database transaction as the change it reports, so a retry after any failure, on any instance, gets the committed outcome or runs a request that never happened. 5xx, 401 and 429 answers are not kept (a 5xx changed nothing).\n\n**Caching.** Catalog reads (courses, products, TAs, templates, availability) may come from a cache shared by every instance, marked `Cache-Status: engify; hit`; any write to them is visible to the next read. Each write operation lists the cached reads it refreshes in `x-invalidates` (`catalog`, `schedule`). Slot searches are cached the same way: any booking, cancellation, group session or catalog change of the organization is visible to the next search, and a result is never kept past the moment time alone would change it. Every response of `/api/v1`, and every response to a request carrying `Authorization`, is `Cache-Control: no-store`: the shared cache is the server's, never an HTTP cache.\n\n**Timeouts.** A request body must arrive within 10 s of the request's head (`REQUEST_BODY_TIMEOUT_SECONDS`), else 408 `request_timeout` and the connection is closed. A request not answered within 30 s is 503 `service_unavailable`. Every 503 carries `Retry-After`.\n\n**Cursors.** A `nextCursor` is read back only by the list that issued it; any other cursor is 400 `validation_failed` on `cursor`.";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Engify API",
        description = "The backend of tutoring academies: organizations, accounts, courses, TAs, bundles, bookings and group sessions.\n\nEvery error is `application/problem+json` (RFC 9457) with a stable `code`; see the `Problem` schema for the list.",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem, ProblemField, TimeZoneName, CurrencyCode)),
    modifiers(&Security)
)]
struct BaseDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// The base document the routes are collected into.
pub fn base() -> OpenApi {
    let mut doc = BaseDoc::openapi();
    if let Some(description) = doc.info.description.as_mut() {
        description.push_str(EDGE_DESCRIPTION);
    }
    if let Some(schema) = doc.components.as_mut().and_then(|c| c.schemas.get_mut("Problem")) {
        describe_codes(schema);
    }
    doc
}

fn describe_codes(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    let mut codes: Vec<Code> = Code::all().collect();
    codes.sort_by_key(|c| c.status());
    let table: String = codes
        .iter()
        .map(|c| format!("\n| `{}` | `{}` | {} | {} |", c.as_str(), c.type_uri(), c.status().as_u16(), c.title()))
        .collect();
    if let utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(object)) = schema {
        object.description =
            Some(format!("An error (RFC 9457).\n\n| code | type | status | title |\n| --- | --- | --- | --- |{table}"));
    }
}

/// Adds each operation's error responses, grouped by status, each listing its codes.
///
/// # Panics
/// Never in a built service: a test checks that every operation has an entry in
/// [`OPERATION_ERRORS`]; an operation without one gets only the edge's codes.
pub fn add_error_responses(doc: &mut OpenApi) {
    for (path, item) in &mut doc.paths.paths {
        for operation in
            [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
        {
            optional_body_without_null(operation);
        }
        let api = path.starts_with("/api/v1/");
        if let Some(post) = item.post.as_mut().filter(|_| api) {
            add_idempotency_key(post);
        }
        for operation in
            [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
        {
            add_errors(operation, api);
        }
    }
}

/// What an `Idempotency-Key` looks like (the domain's rule, as sent over HTTP).
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]([ -~]*[!-~])?$";

/// A body that may be left out (`OptionalJsonBody`) is documented by utoipa as `oneOf: [T,
/// null]`, which says a JSON `null` is accepted: it is not (400 `malformed_request`). Leaving
/// the body out is what is accepted, which `required: false` says; the schema is `T`.
fn optional_body_without_null(operation: &mut Operation) {
    let Some(RefOr::T(body)) = operation.request_body.as_mut() else { return };
    for content in body.content.values_mut() {
        let RefOr::T(content) = content else { continue };
        let Some(RefOr::T(Schema::OneOf(one_of))) = content.schema.as_ref() else { continue };
        let mut rest = one_of.items.iter().filter(|item| !is_null(item));
        if let (Some(only), None) = (rest.next(), rest.next()) {
            let only = only.clone();
            content.schema = Some(only);
            body.required = Some(Required::False);
        }
    }
}

fn is_null(schema: &RefOr<Schema>) -> bool {
    matches!(schema, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null))
}

/// Documents the `Idempotency-Key` header of a `POST`, and what it can answer.
fn add_idempotency_key(operation: &mut Operation) {
    let header = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "1 to 255 printable ASCII characters. A retry with the same key and body replays the first response (`Idempotent-Replayed: true`) and runs nothing.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                // Printable ASCII; HTTP drops spaces around a header value, so none at the ends.
                .pattern(Some(IDEMPOTENCY_KEY_PATTERN)),
        ))
        .build();
    operation.parameters.get_or_insert_with(Vec::new).push(RefOr::T(header));
}

fn add_errors(operation: &mut Operation, api: bool) {
    let id = operation.operation_id.clone().unwrap_or_default();
    let mut codes: Vec<Code> = OPERATION_ERRORS
        .iter()
        .find(|(op, _)| *op == id)
        .map(|(_, c)| c.iter().copied().map(Code::Domain).collect())
        .unwrap_or_default();
    if api {
        codes.extend_from_slice(LIMITED_ERRORS);
    }
    if api && operation.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.name == "Idempotency-Key")) {
        codes.extend_from_slice(IDEMPOTENCY_ERRORS);
    }
    if operation.request_body.is_some() {
        codes.extend_from_slice(BODY_ERRORS);
    }
    if operation.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query)) {
        codes.extend_from_slice(QUERY_ERRORS);
    }
    if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
        codes.extend(AuthenticateError::CODES.iter().copied().map(Code::Domain));
        codes.push(Code::Domain(ErrorCode::Unauthenticated));
    }
    let mut by_status: BTreeMap<u16, Vec<Code>> = BTreeMap::new();
    for code in codes {
        let entry = by_status.entry(code.status().as_u16()).or_default();
        if !entry.contains(&code) {
            entry.push(code);
        }
    }
    for (status, codes) in by_status {
        let listed: Vec<String> = codes.iter().map(|c| format!("`{}`", c.as_str())).collect();
        let response = ResponseBuilder::new()
            .description(listed.join(", "))
            .content(PROBLEM_JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build())
            .build();
        operation.responses.responses.entry(status.to_string()).or_insert(response.into());
    }
}
