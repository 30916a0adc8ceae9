//! Product use cases: the organization's currency, and at most one active session price per
//! course, both checked before writing and mapped from the store's own refusal.

use chrono::TimeDelta;

use super::*;
use crate::shared::{Cents, Currency, ErrorCode, ProductId, UseCaseError};
use crate::store::{Conflict, StoreError};
use crate::tenancy::Organization;

fn org_in_chf() -> Organization {
    Organization { currency: Currency::parse("CHF").unwrap(), ..org() }
}

fn session_product() -> NewProduct {
    NewProduct::parse("single_session", "One hour", 6_000, None, None).unwrap()
}

fn bundle_of_five() -> NewProduct {
    NewProduct::parse("bundle", "Five sessions", 25_000, Some(5), Some(60)).unwrap()
}

/// A store where the course and the organization exist, and the course's active session price
/// is `existing`.
fn creatable(existing: Option<Product>) -> MockStore {
    let mut store = MockStore::new();
    course_in_org(&mut store);
    store.organizations.expect_get().withf(|o| *o == org_id()).returning(|_| Ok(Some(org_in_chf())));
    store
        .products
        .expect_active_session_price()
        .withf(|o, c| (*o, *c) == (org_id(), id(COURSE)))
        .returning(move |_, _| Ok(existing.clone()));
    store
}

#[tokio::test]
async fn an_admin_adds_a_bundle_priced_in_the_organizations_currency() {
    let mut store = creatable(Some(session_price()));
    store
        .products
        .expect_insert()
        .withf(|p| {
            p.id == first_new_id::<ProductId>()
                && (p.organization_id, p.course_id) == (org_id(), id(COURSE))
                && p.kind == ProductKind::Bundle { session_count: 5, validity_days: 60 }
                && p.price == Cents::new(25_000).unwrap()
                && p.currency.as_str() == "CHF"
                && p.active
                && p.created_at == now()
        })
        .times(1)
        .returning(|_| Ok(()));
    let (_, service) = counted(store);

    let product = service.create_product(&actor(ADMIN, Role::Admin), id(COURSE), &bundle_of_five()).await.unwrap();

    assert_eq!((product.name.as_str(), product.currency.as_str()), ("Five sessions", "CHF"));
}

#[tokio::test]
async fn the_first_session_price_of_a_course_is_created() {
    let mut store = creatable(None);
    store.products.expect_insert().withf(|p| p.is_active_session_price()).times(1).returning(|_| Ok(()));
    let (_, service) = counted(store);
    let product = service.create_product(&actor(ADMIN, Role::Admin), id(COURSE), &session_product()).await.unwrap();
    assert_eq!(product.kind, ProductKind::SingleSession);
}

#[tokio::test]
async fn a_second_active_session_price_is_refused_before_writing() {
    let mut store = creatable(Some(session_price()));
    store.products.expect_insert().never();
    let (_, service) = counted(store);
    let err = service.create_product(&actor(ADMIN, Role::Admin), id(COURSE), &session_product()).await.unwrap_err();
    assert!(matches!(err, CreateProductError::SessionPriceExists));
}

#[tokio::test]
async fn a_concurrent_session_price_refused_by_the_store_is_session_price_exists() {
    let mut store = creatable(None);
    store.products.expect_insert().times(1).returning(|_| Err(StoreError::Conflict(Conflict::SessionPriceExists)));
    let (_, service) = counted(store);
    let err = service.create_product(&actor(ADMIN, Role::Admin), id(COURSE), &session_product()).await.unwrap_err();
    assert!(matches!(err, CreateProductError::SessionPriceExists));
}

#[tokio::test]
async fn products_are_created_by_admins_for_courses_of_their_organization() {
    let mut store = creatable(None);
    store.products.expect_insert().never();
    let (_, service) = counted(store);
    for role in [Role::Ta, Role::Student] {
        let err = service.create_product(&actor(TA_1, role), id(COURSE), &bundle_of_five()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{role}");
    }
    for (who, course) in [(actor(ADMIN, Role::Admin), 999), (stranger(Role::Admin), COURSE)] {
        let err = service.create_product(&who, id(course), &session_product()).await.unwrap_err();
        assert!(matches!(err, CreateProductError::NotFound), "course {course}");
    }
}

#[tokio::test]
async fn members_list_products_active_first_then_by_creation_whatever_the_store_returns() {
    let mut store = MockStore::new();
    course_in_org(&mut store);
    let retired = Product { id: id(32), active: false, created_at: now() - TimeDelta::days(90), ..bundle_product() };
    let newest = Product { id: id(33), created_at: now() - TimeDelta::days(1), ..bundle_product() };
    store
        .products
        .expect_list_for_course()
        .withf(|o, c| (*o, *c) == (org_id(), id(COURSE)))
        .times(1)
        .returning(move |_, _| Ok(vec![retired.clone(), newest.clone(), session_price()]));
    let (_, service) = counted(store);

    let listed = service.list_products(&actor(STUDENT_1, Role::Student), id(COURSE)).await.unwrap();

    let order: Vec<ProductId> = listed.iter().map(|p| p.id).collect();
    assert_eq!(order, vec![product_id(SESSION_PRICE), product_id(33), product_id(32)]);
}

#[tokio::test]
async fn products_of_unknown_or_foreign_courses_do_not_exist() {
    let mut store = MockStore::new();
    course_in_org(&mut store);
    store.products.expect_list_for_course().never();
    let (_, service) = counted(store);
    for (who, course) in [(actor(ADMIN, Role::Admin), 999), (stranger(Role::Student), COURSE)] {
        let err = service.list_products(&who, id(course)).await.unwrap_err();
        assert!(matches!(err, ListProductsError::NotFound), "course {course}");
    }
}

#[tokio::test]
async fn members_read_one_product_of_their_organization_only() {
    let mut store = MockStore::new();
    store
        .products
        .expect_get()
        .returning(|o, p| Ok((o == org_id() && p == product_id(SESSION_PRICE)).then(session_price)));
    let (_, service) = counted(store);
    let read = service.get_product(&actor(STUDENT_1, Role::Student), product_id(SESSION_PRICE)).await.unwrap();
    assert_eq!(read.id, product_id(SESSION_PRICE));
    for (who, product) in [(actor(ADMIN, Role::Admin), 999), (stranger(Role::Admin), SESSION_PRICE)] {
        let refused = service.get_product(&who, product_id(product)).await.unwrap_err();
        assert!(matches!(refused, GetProductError::NotFound), "{refused:?}");
    }
}
