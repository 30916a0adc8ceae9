//! [`AuditRepository`] over `audit_events`, which triggers keep append-only on both backends.
//! Lists are newest first (`at`, then id, descending), filtered by action, actor and a
//! half-open time window `[from, to)`.

use std::net::IpAddr;

use async_trait::async_trait;
use domain::audit::{AuditAction, AuditEvent, AuditFilter, AuditRepository, TargetType};
use domain::shared::{AuditEventId, OrganizationId, PageRequest, UserId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{keyset, ts};
use crate::entities::audit_events::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: Model) -> Result<AuditEvent, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("audit_events", format!("{}: {e}", m.id));
    let ip = match &m.ip {
        Some(ip) => Some(ip.parse::<IpAddr>().map_err(|e| bad(&e))?),
        None => None,
    };
    Ok(AuditEvent {
        id: AuditEventId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        actor_id: m.actor_id.map(UserId::from_uuid),
        action: AuditAction::parse(&m.action).map_err(|e| bad(&e))?,
        target_type: TargetType::parse(&m.target_type).map_err(|e| bad(&e))?,
        target_id: m.target_id,
        detail: m.detail,
        request_id: m.request_id,
        ip,
        at: m.at,
    })
}

fn to_row(e: &AuditEvent) -> ActiveModel {
    ActiveModel {
        id: Set(e.id.as_uuid()),
        organization_id: Set(e.organization_id.as_uuid()),
        actor_id: Set(e.actor_id.map(|a| a.as_uuid())),
        action: Set(e.action.as_str().to_owned()),
        target_type: Set(e.target_type.as_str().to_owned()),
        target_id: Set(e.target_id),
        detail: Set(e.detail.clone()),
        request_id: Set(e.request_id.clone()),
        ip: Set(e.ip.map(|ip| ip.to_string())),
        at: Set(ts(e.at)),
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> AuditRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.audit.append")]
    async fn append(&self, event: &AuditEvent) -> Result<(), StoreError> {
        Entity::insert(to_row(event)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.audit.list")]
    async fn list(
        &self,
        organization: OrganizationId,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let mut query = Entity::find().filter(Column::OrganizationId.eq(organization.as_uuid()));
        if let Some(action) = filter.action {
            query = query.filter(Column::Action.eq(action.as_str()));
        }
        if let Some(actor) = filter.actor_id {
            query = query.filter(Column::ActorId.eq(actor.as_uuid()));
        }
        if let Some(from) = filter.from {
            query = query.filter(Column::At.gte(ts(from)));
        }
        if let Some(to) = filter.to {
            query = query.filter(Column::At.lt(ts(to)));
        }
        keyset::newest_first(query, Column::At, Column::Id, page)?
            .all(&self.conn)
            .await
            .store()?
            .into_iter()
            .map(to_domain)
            .collect()
    }
}
