//! Success responses of the contract: 201 with `Location` for creates, 200 with the resource
//! for reads and actions, 202 for accepted work, 204 for deletes and token actions.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;

/// 201 Created with the resource and where it lives.
pub fn created(location: &str, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Created().insert_header((header::LOCATION, location.to_owned())).json(body)
}

/// 200 OK with the resource.
pub fn ok(body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok().json(body)
}

/// 202 Accepted.
pub fn accepted() -> HttpResponse {
    HttpResponse::Accepted().finish()
}

/// 204 No Content.
pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}
