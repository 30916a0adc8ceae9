//! Finding a user of an organization in a given role: "a TA of this organization" or "a
//! student of this organization", which every context asks before acting on one.

use super::model::User;
use crate::shared::{OrganizationId, Role, UserId};
use crate::store::{Repositories, StoreError};

/// The user of the organization with this id, if they have `role`.
///
/// # Errors
/// Store failures.
pub(crate) async fn user_with_role(
    repos: &dyn Repositories,
    organization: OrganizationId,
    id: UserId,
    role: Role,
) -> Result<Option<User>, StoreError> {
    Ok(repos.users().get(organization, id).await?.filter(|u| u.role == role))
}
