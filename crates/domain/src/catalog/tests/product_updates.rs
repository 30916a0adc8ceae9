//! `update_product`: renaming and repricing, and the session-price rule when a single-session
//! product is activated.

use super::*;
use crate::shared::{Cents, ErrorCode, ProductId, UseCaseError};
use crate::store::{Conflict, StoreError};

const RETIRED_PRICE: u128 = 34;

fn retired_price() -> Product {
    Product { id: id(RETIRED_PRICE), active: false, ..session_price() }
}

/// A store holding the organization's products, answering only when asked with its id, where
/// the course's active session price is `active`.
fn products_in_org(active: Option<Product>) -> MockStore {
    let mut store = MockStore::new();
    store.products.expect_get().returning(|o, p| {
        let all = [session_price(), bundle_product(), retired_price()];
        Ok(all.into_iter().find(|x| x.id == p).filter(|_| o == org_id()))
    });
    store
        .products
        .expect_active_session_price()
        .withf(|o, c| (*o, *c) == (org_id(), id(COURSE)))
        .returning(move |_, _| Ok(active.clone()));
    store
}

fn activate() -> ProductPatch {
    ProductPatch { active: Some(true), ..ProductPatch::default() }
}

#[tokio::test]
async fn an_admin_renames_and_reprices_a_product() {
    let mut store = MockStore::new();
    store.products.expect_get().returning(|_, _| Ok(Some(bundle_product())));
    store.products.expect_active_session_price().never();
    store
        .products
        .expect_update()
        .withf(|p| {
            p.id == product_id(BUNDLE_PRODUCT)
                && p.name.as_str() == "Three sessions (promo)"
                && p.price == Cents::new(9_900).unwrap()
                && p.kind == bundle_product().kind
                && p.active
        })
        .times(1)
        .returning(|_| Ok(()));
    let (_, service) = counted(store);
    let patch = ProductPatch {
        name: Some(ProductName::parse("Three sessions (promo)").unwrap()),
        price: Some(Cents::new(9_900).unwrap()),
        active: None,
    };

    let updated = service.update_product(&actor(ADMIN, Role::Admin), product_id(BUNDLE_PRODUCT), &patch).await.unwrap();

    assert_eq!(updated.price, Cents::new(9_900).unwrap());
}

#[tokio::test]
async fn activating_a_session_price_while_another_is_active_is_refused_before_writing() {
    let mut store = products_in_org(Some(session_price()));
    store.products.expect_update().never();
    let (_, service) = counted(store);
    let err = service.update_product(&actor(ADMIN, Role::Admin), id(RETIRED_PRICE), &activate()).await.unwrap_err();
    assert!(matches!(err, UpdateProductError::SessionPriceExists));
}

#[tokio::test]
async fn a_session_price_is_activated_when_the_course_has_none() {
    let mut store = products_in_org(None);
    store
        .products
        .expect_update()
        .withf(|p| p.id == product_id(RETIRED_PRICE) && p.is_active_session_price())
        .times(1)
        .returning(|_| Ok(()));
    let (_, service) = counted(store);
    let updated = service.update_product(&actor(ADMIN, Role::Admin), id(RETIRED_PRICE), &activate()).await.unwrap();
    assert!(updated.active);
}

#[tokio::test]
async fn a_concurrent_activation_refused_by_the_store_is_session_price_exists() {
    let mut store = products_in_org(None);
    store.products.expect_update().times(1).returning(|_| Err(StoreError::Conflict(Conflict::SessionPriceExists)));
    let (_, service) = counted(store);
    let err = service.update_product(&actor(ADMIN, Role::Admin), id(RETIRED_PRICE), &activate()).await.unwrap_err();
    assert!(matches!(err, UpdateProductError::SessionPriceExists));
}

#[tokio::test]
async fn deactivating_the_session_price_needs_no_check() {
    let mut store = MockStore::new();
    store.products.expect_get().returning(|_, _| Ok(Some(session_price())));
    store.products.expect_active_session_price().never();
    store.products.expect_update().withf(|p| !p.active).times(1).returning(|_| Ok(()));
    let (_, service) = counted(store);
    let patch = ProductPatch { active: Some(false), ..ProductPatch::default() };
    service.update_product(&actor(ADMIN, Role::Admin), product_id(SESSION_PRICE), &patch).await.unwrap();
}

#[tokio::test]
async fn products_are_changed_by_admins_of_their_organization_only() {
    let mut store = products_in_org(None);
    store.products.expect_update().never();
    let (_, service) = counted(store);
    for role in [Role::Ta, Role::Student] {
        let err = service.update_product(&actor(TA_1, role), product_id(SESSION_PRICE), &activate()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{role}");
    }
    for (who, product) in [(actor(ADMIN, Role::Admin), 999), (stranger(Role::Admin), RETIRED_PRICE)] {
        let err = service.update_product(&who, id::<ProductId>(product), &activate()).await.unwrap_err();
        assert!(matches!(err, UpdateProductError::NotFound), "product {product}");
    }
}
