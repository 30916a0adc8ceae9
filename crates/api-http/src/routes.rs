//! Every route of `/api/v1`, registered once: the same function builds the application and
//! the OpenAPI document, so a route cannot exist undocumented.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::handlers::{auth, bookings, bundles, me, organization, tas};

/// Registers the API under `/api/v1`.
pub fn api_v1(cfg: &mut ServiceConfig<'_>) {
    cfg.service(
        scope::scope("/api/v1")
            .service(auth::sign_up)
            .service(auth::register)
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::verify_email)
            .service(auth::resend_verification)
            .service(auth::request_password_reset)
            .service(auth::confirm_password_reset)
            .service(me::me)
            .service(me::list_sessions)
            .service(me::revoke_session)
            .service(organization::get_organization)
            .service(organization::update_organization)
            .service(tas::invite_ta)
            .service(tas::get_ta)
            .service(bundles::purchase_bundle)
            .service(bundles::list_bundle_purchases)
            .service(bundles::get_bundle_purchase)
            .service(bundles::get_bundle_ledger)
            .service(bookings::book_individual)
            .service(bookings::list_bookings)
            .service(bookings::get_booking)
            .service(bookings::cancel_booking),
    );
}
