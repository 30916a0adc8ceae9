//! Bookings: an individual session (`POST /bookings/individual`), the bookings the caller sees,
//! one booking, a reschedule and a cancellation.

use actix_web::{HttpResponse, get, post, web};
use domain::shared::BookingId;
use uuid::Uuid;

use super::respond::{created, ok};
use crate::dto::booking_requests::{BookIndividualRequest, BookingListQuery, CancelBookingRequest, RescheduleRequest};
use crate::dto::booking_resource::BookingResponse;
use crate::dto::cursor::PagedList;
use crate::dto::paging::{PageResponse, page_request};
use crate::extract::{Authenticated, JsonBody, OptionalJsonBody};
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// Book a 1:1 session: a student for themself, an admin for a student (`studentId`). Without
/// `taId` the free assigned TA with the fewest sessions that day is chosen; with
/// `bundlePurchaseId` one bundle credit pays, else the course's per-session price.
#[utoipa::path(extensions(("x-invalidates" = json!(["schedule"]))), tag = "bookings", security(("bearer" = [])), request_body = BookIndividualRequest,
    responses((status = 201, description = "The booking", body = BookingResponse)))]
#[post("/individual")]
pub async fn book_individual(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    JsonBody(body): JsonBody<BookIndividualRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let booking = state.bookings.book_individual(&actor, &cmd).await.api()?;
    let location = format!("/api/v1/bookings/{}", booking.id);
    Ok(created(&location, &BookingResponse::for_actor(booking, &actor)))
}

/// The bookings the caller sees, by start then id: admins all of the organization's, a TA the
/// sessions they teach, a student the sessions they hold a seat in (only their own seat shown).
#[utoipa::path(tag = "bookings", security(("bearer" = [])), params(BookingListQuery),
    responses((status = 200, description = "A page of bookings", body = PageResponse<BookingResponse>)))]
#[get("")]
pub async fn list_bookings(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<BookingListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page_request(PagedList::Bookings, query.limit, query.cursor.as_deref())?;
    let filter = query.filter()?;
    let bookings = state.bookings.list(&actor, filter, &page).await.api()?;
    Ok(ok(&PageResponse::from_page(PagedList::Bookings, &bookings, |b| BookingResponse::for_actor(b.clone(), &actor))))
}

/// One booking (admins, its TA, its students).
#[utoipa::path(tag = "bookings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The booking")),
    responses((status = 200, description = "The booking", body = BookingResponse)))]
#[get("/{id}", guard = "super::fallback::not_a_literal_path")]
pub async fn get_booking(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let booking = state.bookings.get(&actor, BookingId::from_uuid(id.into_inner())).await.api()?;
    Ok(ok(&BookingResponse::for_actor(booking, &actor)))
}

/// Move a session that has not started to a new time (and perhaps a new length or TA), keeping
/// its id, seats, payments and ledger: an admin any, a TA their own, a student their own
/// individual booking at least `policy.rescheduleWindowHours` before its current start and at
/// most `policy.maxReschedules` times. The new time passes every booking rule (the session
/// itself never counts as an overlap); `sequence` grows by one, `rescheduleCount` too when a
/// student moves it. Only an admin names `taId`; otherwise the TA keeps the session if free,
/// else a free TA is chosen as for a new booking (not when a TA moves their own, or for a
/// group session). The students and the TA (both TAs when it changes hands) are emailed.
#[utoipa::path(extensions(("x-invalidates" = json!(["schedule"]))), tag = "bookings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The booking")),
    request_body = RescheduleRequest,
    responses((status = 200, description = "The moved booking", body = BookingResponse)))]
#[post("/{id}/reschedule")]
pub async fn reschedule_booking(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    JsonBody(body): JsonBody<RescheduleRequest>,
) -> Result<HttpResponse, ApiError> {
    let cmd = body.try_into_domain()?;
    let booking = state.bookings.reschedule(&actor, BookingId::from_uuid(id.into_inner()), &cmd).await.api()?;
    Ok(ok(&BookingResponse::for_actor(booking, &actor)))
}

/// Cancel a session that has not started: an admin any, a TA their own, a student their own
/// individual booking. Bundle credits come back when a TA or an admin cancels or when it is at
/// least `cancellationWindowHours` ahead; a student's late cancellation forfeits the credit.
#[utoipa::path(extensions(("x-invalidates" = json!(["schedule"]))), tag = "bookings", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The booking")),
    request_body(content = Option<CancelBookingRequest>, description = "Optional: the body may be left out"),
    responses((status = 200, description = "The cancelled booking", body = BookingResponse)))]
#[post("/{id}/cancel")]
pub async fn cancel_booking(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
    OptionalJsonBody(body): OptionalJsonBody<CancelBookingRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.try_into_domain()?;
    let booking = state.bookings.cancel(&actor, BookingId::from_uuid(id.into_inner()), reason).await.api()?;
    Ok(ok(&BookingResponse::for_actor(booking, &actor)))
}
