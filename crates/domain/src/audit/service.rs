//! Use cases of the audit context: recording events (used by every other context) and listing
//! them for admins.

use std::sync::Arc;

use uuid::Uuid;

use super::model::{AuditAction, AuditEvent, AuditFilter, TargetType};
use crate::shared::error::use_case_error;
use crate::shared::{Actor, Clock, Cursor, IdGenerator, Operation, OrganizationId, Page, PageRequest, RequestContext};
use crate::store::{Repositories, Store, StoreError};

use_case_error! {
    /// Errors of [`AuditService::list`].
    pub enum ListAuditEventsError { Forbidden }
}

/// Builds audit events with fresh ids and the current time. Every service that records events
/// holds one.
#[derive(Clone)]
pub struct AuditRecorder {
    ids: Arc<dyn IdGenerator>,
    clock: Arc<dyn Clock>,
}

impl AuditRecorder {
    /// A recorder using these ports.
    pub fn new(ids: Arc<dyn IdGenerator>, clock: Arc<dyn Clock>) -> Self {
        Self { ids, clock }
    }

    /// A new event of `action` on `target`, caused by `context`.
    pub fn event(
        &self,
        organization: OrganizationId,
        action: AuditAction,
        target: (TargetType, Uuid),
        context: &RequestContext,
    ) -> AuditEvent {
        AuditEvent::new(self.ids.new_uuid().into(), organization, action, target, context, self.clock.now())
    }

    /// A new event done by the actor, appended through `repos` (inside the caller's transaction).
    ///
    /// # Errors
    /// Store failures.
    #[tracing::instrument(skip_all, name = "audit.record")]
    pub async fn record(
        &self,
        repos: &dyn Repositories,
        actor: &Actor,
        action: AuditAction,
        target: (TargetType, Uuid),
        detail: Option<String>,
    ) -> Result<(), StoreError> {
        let mut event = self.event(actor.organization_id, action, target, &actor.context).by(actor.user_id);
        event.detail = detail;
        repos.audit().append(&event).await
    }
}

/// Lists the audit trail of the caller's organization.
#[derive(Clone)]
pub struct AuditService {
    store: Arc<dyn Store>,
}

impl AuditService {
    /// A service over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Events newest first (`GET /admin/audit-events`, admin only).
    ///
    /// # Errors
    /// `Forbidden` for non-admins.
    #[tracing::instrument(skip_all, name = "audit.list")]
    pub async fn list(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEvent>, ListAuditEventsError> {
        if !actor.may(Operation::ListAuditEvents) {
            return Err(ListAuditEventsError::Forbidden);
        }
        let rows = self.store.audit().list(actor.organization_id, filter, page).await?;
        Ok(Page::from_overfetch(rows, page, |e| Cursor::instant(e.at, e.id)))
    }
}
