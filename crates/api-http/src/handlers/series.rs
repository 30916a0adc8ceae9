//! Recurring series: book one (`POST /booking-series`), read it, cancel it from a date on.

use actix_web::{HttpResponse, get, post, web};
use domain::series::BookSeriesError;
use domain::shared::{SeriesId, UseCaseError};
use uuid::Uuid;

use super::respond::{created, ok};
use crate::dto::series::{BookSeriesRequest, CancelSeriesRequest, SeriesResponse};
use crate::extract::{Authenticated, JsonBody, OptionalJsonBody};
use crate::problem::{ApiError, UseCaseResultExt, from_use_case};
use crate::state::HttpState;

/// An occurrence's refusal says which occurrence (its start), and a rule's refusal why, in the
/// problem's `detail`.
fn series_problem(error: BookSeriesError) -> ApiError {
    let occurrence = error.occurrence();
    let recurrence = error.recurrence_problem();
    let title = error.code().title();
    let problem = from_use_case(error);
    match (occurrence, recurrence) {
        (Some(at), _) => {
            problem.detail(format!("The occurrence starting at {} cannot be booked: {title}.", at.to_rfc3339()))
        }
        (None, Some(why)) => problem.detail(format!("The recurrence cannot be booked: {why}.")),
        (None, None) => problem,
    }
}

/// Book individual sessions on a recurring rule (a student for themself, an admin for a
/// student with `studentId`), one TA for all of them. Every occurrence passes every rule of an
/// individual booking; a bundle pays one credit per session and must cover every date. With
/// `allowPartial: false` (the default) all are booked in one transaction or none is, and the
/// refusal names the first failing occurrence in `detail`; with `true` the ones that pass are
/// booked and the others listed in `skipped` with their codes. One summary email to the student
/// and one to the TA list the dates.
#[utoipa::path(extensions(("x-invalidates" = json!(["schedule"]))), tag = "bookings", security(("bearer" = [])),
    request_body = BookSeriesRequest,
    responses((status = 201, description = "The series with its bookings", body = SeriesResponse)))]
#[post("")]
pub async fn book_series(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<BookSeriesRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let booked = state.series.book(&actor, &cmd).await.map_err(series_problem)?;
    let location = format!("/api/v1/booking-series/{}", booked.series.id);
    Ok(created(&location, &SeriesResponse::for_actor(booked, &actor)))
}

/// A series with its bookings and skipped occurrences (admins, its TA, its student).
#[utoipa::path(tag = "bookings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The series")),
    responses((status = 200, description = "The series", body = SeriesResponse)))]
#[get("/{id}")]
pub async fn get_series(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state.series.get(&actor, SeriesId::from_uuid(id.into_inner())).await.api()?;
    Ok(ok(&SeriesResponse::for_actor(view, &actor)))
}

/// Cancel a series' sessions starting at or after `from` (now when left out): each under its
/// own policy, as a single cancellation would be (a student's late one forfeits, staff
/// cancellations refund); sessions started or already cancelled stay. One summary email.
#[utoipa::path(extensions(("x-invalidates" = json!(["schedule"]))), tag = "bookings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The series")),
    request_body(content = Option<CancelSeriesRequest>, description = "Optional: the body may be left out"),
    responses((status = 200, description = "The series after the cancellation", body = SeriesResponse)))]
#[post("/{id}/cancel")]
pub async fn cancel_series(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    OptionalJsonBody(body): OptionalJsonBody<CancelSeriesRequest>,
) -> Result<HttpResponse, ApiError> {
    let (from, reason) = body.try_into_domain()?;
    let view = state.series.cancel(&actor, SeriesId::from_uuid(id.into_inner()), from, reason).await.api()?;
    Ok(ok(&SeriesResponse::for_actor(view, &actor)))
}
