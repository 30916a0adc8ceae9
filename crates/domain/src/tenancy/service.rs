//! Use cases of the tenancy context: reading and changing the caller's organization.

use std::sync::Arc;

use super::model::{Organization, OrganizationPatch};
use crate::shared::error::use_case_error;
use crate::shared::{Actor, Operation};
use crate::store::Store;

use_case_error! {
    /// Errors of [`OrganizationService::get`].
    pub enum GetOrganizationError { NotFound }
}

use_case_error! {
    /// Errors of [`OrganizationService::update`].
    pub enum UpdateOrganizationError { Forbidden, NotFound }
}

/// Reads and changes the caller's own organization.
#[derive(Clone)]
pub struct OrganizationService {
    store: Arc<dyn Store>,
}

impl OrganizationService {
    /// A service over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// The caller's organization (`GET /organization`).
    ///
    /// # Errors
    /// `NotFound` if the organization no longer exists.
    #[tracing::instrument(skip_all, name = "tenancy.get")]
    pub async fn get(&self, actor: &Actor) -> Result<Organization, GetOrganizationError> {
        self.store.organizations().get(actor.organization_id).await?.ok_or(GetOrganizationError::NotFound)
    }

    /// Changes the caller's organization (`PATCH /organization`, admin only).
    ///
    /// # Errors
    /// `Forbidden` for non-admins, `NotFound` if the organization no longer exists.
    #[tracing::instrument(skip_all, name = "tenancy.update")]
    pub async fn update(
        &self,
        actor: &Actor,
        patch: &OrganizationPatch,
    ) -> Result<Organization, UpdateOrganizationError> {
        if !actor.may(Operation::UpdateOrganization) {
            return Err(UpdateOrganizationError::Forbidden);
        }
        let current =
            self.store.organizations().get(actor.organization_id).await?.ok_or(UpdateOrganizationError::NotFound)?;
        let updated = current.patched(patch);
        self.store.organizations().update(&updated).await?;
        Ok(updated)
    }
}
