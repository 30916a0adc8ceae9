//! [`UserRepository`] over the `users` table. The email is unique within an organization
//! (`users_org_email_key` → `EmailTaken`); the same email may belong to users of several.
//! Names sort in byte order on both backends (`COLLATE "C"` on PostgreSQL, SQLite's BINARY), so
//! pages by name are identical everywhere.

use async_trait::async_trait;
use domain::accounts::{Credentials, PasswordHash, User, UserRepository};
use domain::shared::{Email, OrganizationId, PageRequest, PersonName, Role, UserId};
use domain::store::StoreError;
use domain::tenancy::Slug;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select};

use super::{keyset, ts};
use crate::entities::organizations;
use crate::entities::users::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

/// A user row as the domain's user (the hash stays behind). Shared with the course-TA list.
pub(super) fn user_from_row(m: &Model) -> Result<User, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("users", format!("{}: {e}", m.id));
    Ok(User {
        id: UserId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        email: Email::parse(&m.email).map_err(|e| bad(&e))?,
        name: PersonName::parse(&m.name).map_err(|e| bad(&e))?,
        role: Role::parse(&m.role).map_err(|e| bad(&e))?,
        email_verified: m.email_verified,
        created_at: m.created_at,
    })
}

fn credentials_from_row(m: &Model) -> Result<Credentials, StoreError> {
    Ok(Credentials { user: user_from_row(m)?, password_hash: m.password_hash.clone().map(PasswordHash::new) })
}

fn to_row(user: &User, password_hash: Option<PasswordHash>) -> ActiveModel {
    ActiveModel {
        id: Set(user.id.as_uuid()),
        organization_id: Set(user.organization_id.as_uuid()),
        email: Set(user.email.as_str().to_owned()),
        name: Set(user.name.as_str().to_owned()),
        role: Set(user.role.as_str().to_owned()),
        email_verified: Set(user.email_verified),
        password_hash: Set(password_hash.map(|h| h.as_str().to_owned())),
        created_at: Set(ts(user.created_at)),
    }
}

/// The user `id` of `organization`: other organizations' users are invisible.
fn of_org(organization: OrganizationId, id: UserId) -> Select<Entity> {
    Entity::find().filter(Column::OrganizationId.eq(organization.as_uuid())).filter(Column::Id.eq(id.as_uuid()))
}

impl<C: ConnectionTrait> Repos<C> {
    /// Sets one column of the user `id` of `organization` (nothing when there is no such user).
    async fn set_column(
        &self,
        organization: OrganizationId,
        id: UserId,
        column: Column,
        value: SimpleExpr,
    ) -> Result<(), StoreError> {
        Entity::update_many()
            .col_expr(column, value)
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::Id.eq(id.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(())
    }
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> UserRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.users.insert")]
    async fn insert(&self, user: &User, password_hash: Option<PasswordHash>) -> Result<(), StoreError> {
        Entity::insert(to_row(user, password_hash)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.users.get")]
    async fn get(&self, organization: OrganizationId, id: UserId) -> Result<Option<User>, StoreError> {
        of_org(organization, id).one(&self.conn).await.store()?.as_ref().map(user_from_row).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.users.get_many")]
    async fn get_many(&self, organization: OrganizationId, ids: &[UserId]) -> Result<Vec<User>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::Id.is_in(ids.iter().map(UserId::as_uuid)))
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(user_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.users.find_credentials")]
    async fn find_credentials(&self, organization: &Slug, email: &Email) -> Result<Option<Credentials>, StoreError> {
        // One statement for every case (unknown slug, unknown email, a user): `… WHERE email = ?
        // AND organization_id IN (SELECT id FROM organizations WHERE slug = ?)`, both lookups
        // on unique keys.
        let organization_of_slug = organizations::Entity::find()
            .select_only()
            .column(organizations::Column::Id)
            .filter(organizations::Column::Slug.eq(organization.as_str()))
            .into_query();
        let row = Entity::find()
            .filter(Column::Email.eq(email.as_str()))
            .filter(Column::OrganizationId.in_subquery(organization_of_slug))
            .one(&self.conn)
            .await
            .store()?;
        row.as_ref().map(credentials_from_row).transpose()
    }

    #[tracing::instrument(skip_all, name = "db.users.set_password")]
    async fn set_password(
        &self,
        organization: OrganizationId,
        id: UserId,
        hash: &PasswordHash,
    ) -> Result<(), StoreError> {
        self.set_column(organization, id, Column::PasswordHash, Expr::value(hash.as_str())).await
    }

    #[tracing::instrument(skip_all, name = "db.users.mark_email_verified")]
    async fn mark_email_verified(&self, organization: OrganizationId, id: UserId) -> Result<(), StoreError> {
        self.set_column(organization, id, Column::EmailVerified, Expr::value(true)).await
    }

    #[tracing::instrument(skip_all, name = "db.users.list_by_role")]
    async fn list_by_role(
        &self,
        organization: OrganizationId,
        role: Role,
        page: &PageRequest,
    ) -> Result<Vec<User>, StoreError> {
        let query = Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::Role.eq(role.as_str()));
        keyset::by_text(query, Column::Name, Column::Id, page)?
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(user_from_row)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.users.lock")]
    async fn lock(&self, organization: OrganizationId, id: UserId) -> Result<Option<User>, StoreError> {
        // FOR UPDATE on PostgreSQL; SQLite has no row locks, but its write transactions are
        // serialized by BEGIN IMMEDIATE, which gives the same guarantee.
        of_org(organization, id).lock_exclusive().one(&self.conn).await.store()?.as_ref().map(user_from_row).transpose()
    }
}
