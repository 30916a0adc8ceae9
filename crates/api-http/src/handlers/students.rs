//! Students: a student's credit statement (`GET /students/{id}/credit-statement`).

use actix_web::{HttpResponse, get, web};
use domain::shared::UserId;
use uuid::Uuid;

use super::respond::ok;
use crate::dto::credit_statement::CreditStatementResponse;
use crate::extract::Authenticated;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// A student's credit statement (the student themself, or an admin): every bundle, oldest
/// first, with each ledger entry and the balance after it; each bundle's last balance is its
/// `remainingSessions`.
#[utoipa::path(tag = "bundles", security(("bearer" = [])), params(("id" = Uuid, Path, description = "The student")),
    responses((status = 200, description = "The statement", body = CreditStatementResponse)))]
#[get("/{id}/credit-statement")]
pub async fn get_credit_statement(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let statement = state.bundles.credit_statement(&actor, UserId::from_uuid(id.into_inner())).await.api()?;
    Ok(ok(&CreditStatementResponse::new(&statement)))
}
