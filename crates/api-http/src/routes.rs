//! Every route of `/api/v1`, registered once: the same function builds the application and
//! the OpenAPI document, so a route cannot exist undocumented.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::handlers::{
    attendance, audit, auth, availability, bookings, bundles, course_tas, courses, group_sessions, group_templates,
    jobs, me, organization, products, reports, series, slots, students, tas, time_off, waitlist,
};

/// Registers the API under `/api/v1`, one scope per first path segment.
///
/// actix matches a scope's literal prefix by comparing text, and the routes inside a scope one
/// after another, a route with a `{param}` by a regular expression. Grouping by the first
/// segment keeps each request to the few patterns of its own family (literal paths first),
/// where one flat list would run every earlier family's expressions on every request.
pub fn api_v1(cfg: &mut ServiceConfig<'_>) {
    cfg.service(
        scope::scope("/api/v1")
            .service(scope::scope("/organizations").service(auth::sign_up))
            .service(
                scope::scope("/auth")
                    .service(auth::register)
                    .service(auth::login)
                    .service(auth::refresh)
                    .service(auth::logout)
                    .service(auth::verify_email)
                    .service(auth::resend_verification)
                    .service(auth::request_password_reset)
                    .service(auth::confirm_password_reset)
                    .service(me::list_sessions)
                    .service(me::revoke_session),
            )
            .service(scope::scope("/me").service(me::me))
            .service(
                scope::scope("/organization")
                    .service(organization::get_organization)
                    .service(organization::update_organization),
            )
            .service(
                scope::scope("/courses")
                    .service(courses::list_courses)
                    .service(courses::create_course)
                    .service(courses::get_course)
                    .service(courses::update_course)
                    .service(slots::search_slots)
                    .service(products::list_products)
                    .service(products::create_product)
                    .service(course_tas::list_course_tas)
                    .service(course_tas::assign_ta)
                    .service(course_tas::unassign_ta),
            )
            .service(scope::scope("/products").service(products::get_product).service(products::update_product))
            .service(
                scope::scope("/tas")
                    .service(attendance::list_unmarked_sessions)
                    .service(tas::list_tas)
                    .service(tas::invite_ta)
                    .service(tas::get_ta)
                    .service(availability::get_availability)
                    .service(availability::put_availability)
                    .service(time_off::record_time_off)
                    .service(time_off::list_time_off)
                    .service(time_off::delete_time_off),
            )
            .service(
                scope::scope("/bookings")
                    .service(bookings::book_individual)
                    .service(bookings::list_bookings)
                    .service(bookings::get_booking)
                    .service(bookings::reschedule_booking)
                    .service(bookings::cancel_booking)
                    .service(attendance::record_attendance),
            )
            .service(scope::scope("/students").service(students::get_credit_statement))
            .service(
                scope::scope("/booking-series")
                    .service(series::book_series)
                    .service(series::get_series)
                    .service(series::cancel_series),
            )
            .service(
                scope::scope("/group-sessions")
                    .service(group_sessions::list_group_sessions)
                    .service(group_sessions::schedule_group_session)
                    .service(group_sessions::join_group_session)
                    .service(group_sessions::leave_group_session)
                    .service(waitlist::join_waitlist)
                    .service(waitlist::leave_waitlist),
            )
            .service(
                scope::scope("/group-session-templates")
                    .service(group_templates::create_group_session_template)
                    .service(group_templates::list_group_session_templates),
            )
            .service(
                scope::scope("/bundle-purchases")
                    .service(bundles::purchase_bundle)
                    .service(bundles::list_bundle_purchases)
                    .service(bundles::get_bundle_purchase)
                    .service(bundles::get_bundle_ledger),
            )
            .service(
                scope::scope("/admin")
                    .service(jobs::list_jobs)
                    .service(jobs::retry_job)
                    .service(audit::list_audit_events),
            )
            .service(scope::scope("/reports").service(reports::session_report).service(reports::ta_report)),
    );
}
