//! [`ProductRepository`] over `products`. A product's kind is three columns (`kind`,
//! `session_count`, `validity_days`), read back through the domain's own product parser; the
//! partial unique index `products_one_active_session_price` holds "one active pay-per-session
//! price per course" on insert and update alike (`SessionPriceExists`).

use async_trait::async_trait;
use domain::catalog::{NewProduct, Product, ProductKind, ProductRepository};
use domain::shared::{CourseId, Currency, OrganizationId, ProductId};
use domain::store::StoreError;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::ts;
use crate::entities::products::{ActiveModel, Column, Entity, Model};
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

fn to_domain(m: &Model) -> Result<Product, StoreError> {
    let bad = |e: &dyn std::fmt::Display| corrupt("products", format!("{}: {e}", m.id));
    let parsed = NewProduct::parse(
        &m.kind,
        &m.name,
        m.price_cents,
        m.session_count.map(i64::from),
        m.validity_days.map(i64::from),
    )
    .map_err(|e| bad(&e))?;
    Ok(Product {
        id: ProductId::from_uuid(m.id),
        organization_id: OrganizationId::from_uuid(m.organization_id),
        course_id: CourseId::from_uuid(m.course_id),
        kind: parsed.kind,
        name: parsed.name,
        price: parsed.price,
        currency: Currency::parse(&m.currency).map_err(|e| bad(&e))?,
        active: m.active,
        created_at: m.created_at,
    })
}

fn to_row(p: &Product) -> ActiveModel {
    let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let (session_count, validity_days) = match p.kind {
        ProductKind::SingleSession => (None, None),
        ProductKind::Bundle { session_count, validity_days } => (Some(int(session_count)), Some(int(validity_days))),
    };
    ActiveModel {
        id: Set(p.id.as_uuid()),
        organization_id: Set(p.organization_id.as_uuid()),
        course_id: Set(p.course_id.as_uuid()),
        kind: Set(p.kind.as_str().to_owned()),
        name: Set(p.name.as_str().to_owned()),
        price_cents: Set(p.price.get()),
        currency: Set(p.currency.as_str().to_owned()),
        session_count: Set(session_count),
        validity_days: Set(validity_days),
        active: Set(p.active),
        created_at: Set(ts(p.created_at)),
    }
}

/// The products of `course` in `organization` (another organization's are invisible).
fn of_course(organization: OrganizationId, course: CourseId) -> Select<Entity> {
    Entity::find()
        .filter(Column::OrganizationId.eq(organization.as_uuid()))
        .filter(Column::CourseId.eq(course.as_uuid()))
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> ProductRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.products.insert")]
    async fn insert(&self, product: &Product) -> Result<(), StoreError> {
        Entity::insert(to_row(product)).exec_without_returning(&self.conn).await.store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.products.get")]
    async fn get(&self, organization: OrganizationId, id: ProductId) -> Result<Option<Product>, StoreError> {
        Entity::find()
            .filter(Column::OrganizationId.eq(organization.as_uuid()))
            .filter(Column::Id.eq(id.as_uuid()))
            .one(&self.conn)
            .await
            .store()?
            .as_ref()
            .map(to_domain)
            .transpose()
    }

    #[tracing::instrument(skip_all, name = "db.products.list_for_course")]
    async fn list_for_course(
        &self,
        organization: OrganizationId,
        course: CourseId,
    ) -> Result<Vec<Product>, StoreError> {
        // Booleans sort false before true on both backends: DESC puts active products first.
        of_course(organization, course)
            .order_by_desc(Column::Active)
            .order_by_asc(Column::CreatedAt)
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await
            .store()?
            .iter()
            .map(to_domain)
            .collect()
    }

    #[tracing::instrument(skip_all, name = "db.products.update")]
    async fn update(&self, product: &Product) -> Result<(), StoreError> {
        // Kind, course, currency and creation time never change.
        Entity::update_many()
            .col_expr(Column::Name, Expr::value(product.name.as_str()))
            .col_expr(Column::PriceCents, Expr::value(product.price.get()))
            .col_expr(Column::Active, Expr::value(product.active))
            .filter(Column::OrganizationId.eq(product.organization_id.as_uuid()))
            .filter(Column::Id.eq(product.id.as_uuid()))
            .exec(&self.conn)
            .await
            .store()?;
        Ok(())
    }

    #[tracing::instrument(skip_all, name = "db.products.active_session_price")]
    async fn active_session_price(
        &self,
        organization: OrganizationId,
        course: CourseId,
    ) -> Result<Option<Product>, StoreError> {
        of_course(organization, course)
            .filter(Column::Kind.eq(ProductKind::SingleSession.as_str()))
            .filter(Column::Active.eq(true))
            .one(&self.conn)
            .await
            .store()?
            .as_ref()
            .map(to_domain)
            .transpose()
    }
}
