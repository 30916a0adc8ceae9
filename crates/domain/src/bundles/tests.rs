//! Bundle use cases with mocked ports.

use chrono::TimeDelta;

use super::*;
use crate::audit::AuditAction;
use crate::fixtures::*;
use crate::notifications::EmailKind;
use crate::shared::{BundlePurchaseId, ErrorCode, PageRequest, Role, UseCaseError};
use crate::store::StoreError;
use crate::testing::MockStore;

fn purchase_store() -> MockStore {
    let mut store = MockStore::new();
    store
        .products
        .expect_get()
        .returning(|_, p| Ok([bundle_product(), session_price()].into_iter().find(|x| x.id == p)));
    store.users.expect_lock().returning(|_, u| Ok(Some(user(u.as_uuid().as_u128(), Role::Student))));
    store.organizations.expect_get().returning(|_| Ok(Some(org())));
    store.courses.expect_get().returning(|_, _| Ok(Some(course())));
    store
}

#[tokio::test]
async fn a_student_buys_a_bundle_with_ledger_receipt_and_audit_in_one_commit() {
    let mut store = purchase_store();
    store.bundles.expect_active_for_product().returning(|_, _, _, _| Ok(None));
    store.bundles.expect_insert().times(1).returning(|_| Ok(()));
    store
        .bundles
        .expect_append_ledger()
        .withf(|e| e.kind == LedgerKind::Purchase && e.delta == 3 && e.booking_id.is_none())
        .times(1)
        .returning(|_| Ok(()));
    store
        .outbox
        .expect_enqueue()
        .withf(|m| m.kind() == EmailKind::BundleReceipt && m.recipient.as_str() == "user13@example.com")
        .times(1)
        .returning(|_| Ok(()));
    store.audit.expect_append().withf(|e| e.action == AuditAction::BundlePurchased).times(1).returning(|_| Ok(()));
    let core = core(store);
    let service = BundleService::new(core.clone());

    let bundle = service.purchase(&actor(STUDENT_1, Role::Student), product_id(BUNDLE_PRODUCT)).await.unwrap();

    assert_eq!((bundle.total_sessions, bundle.remaining_sessions), (3, 3));
    assert_eq!(bundle.student_id, user_id(STUDENT_1));
    assert_eq!(bundle.valid_to, now() + TimeDelta::days(30));
}

#[tokio::test]
async fn only_students_buy_and_nothing_is_read_otherwise() {
    let service = BundleService::new(core(MockStore::new()));
    for role in [Role::Admin, Role::Ta] {
        let err = service.purchase(&actor(ADMIN, role), product_id(BUNDLE_PRODUCT)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden);
    }
}

#[tokio::test]
async fn a_second_active_bundle_of_the_same_product_is_refused() {
    let mut store = purchase_store();
    store.bundles.expect_active_for_product().returning(|_, _, _, _| Ok(Some(bundle(100, STUDENT_1))));
    store.bundles.expect_insert().never();
    let service = BundleService::new(core(store));
    let err = service.purchase(&actor(STUDENT_1, Role::Student), product_id(BUNDLE_PRODUCT)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::BundleAlreadyActive);
}

#[tokio::test]
async fn single_session_inactive_and_unknown_products_are_not_found() {
    let mut store = MockStore::new();
    let mut inactive = bundle_product();
    inactive.active = false;
    store.products.expect_get().returning(move |_, p| {
        Ok(if p == product_id(SESSION_PRICE) {
            Some(session_price())
        } else if p == product_id(BUNDLE_PRODUCT) {
            Some(inactive.clone())
        } else {
            None
        })
    });
    let service = BundleService::new(core(store));
    for p in [SESSION_PRICE, BUNDLE_PRODUCT, 999] {
        let err = service.purchase(&actor(STUDENT_1, Role::Student), product_id(p)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound, "product {p}");
    }
}

#[tokio::test]
async fn a_serialization_failure_reruns_the_purchase() {
    let mut store = purchase_store();
    store.bundles.expect_active_for_product().returning(|_, _, _, _| Ok(None));
    let mut first = true;
    store.bundles.expect_insert().times(2).returning(move |_| {
        if std::mem::take(&mut first) { Err(StoreError::Transient(anyhow::anyhow!("40001"))) } else { Ok(()) }
    });
    store.bundles.expect_append_ledger().times(1).returning(|_| Ok(()));
    store.outbox.expect_enqueue().times(1).returning(|_| Ok(()));
    store.audit.expect_append().times(1).returning(|_| Ok(()));
    let service = BundleService::new(core(store));
    assert!(service.purchase(&actor(STUDENT_1, Role::Student), product_id(BUNDLE_PRODUCT)).await.is_ok());
}

#[tokio::test]
async fn a_lost_commit_reports_unavailable_and_nothing_claims_success() {
    let mut store = purchase_store();
    store.bundles.expect_active_for_product().returning(|_, _, _, _| Ok(None));
    store.bundles.expect_insert().returning(|_| Ok(()));
    store.bundles.expect_append_ledger().returning(|_| Ok(()));
    store.outbox.expect_enqueue().returning(|_| Ok(()));
    store.audit.expect_append().returning(|_| Ok(()));
    store.fail_next_commit(StoreError::Unavailable(anyhow::anyhow!("connection reset")));
    let service = BundleService::new(core(store));
    let err = service.purchase(&actor(STUDENT_1, Role::Student), product_id(BUNDLE_PRODUCT)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ServiceUnavailable);
}

#[tokio::test]
async fn students_list_only_their_own_bundles_whatever_they_ask() {
    let mut store = MockStore::new();
    store
        .bundles
        .expect_list()
        .withf(|_, f, _| f.student_id == Some(user_id(STUDENT_1)))
        .returning(|_, _, _| Ok(vec![bundle(100, STUDENT_1)]));
    let service = BundleService::new(core(store));
    let asked = BundleFilter { student_id: Some(user_id(STUDENT_2)) };
    let page = service.list(&actor(STUDENT_1, Role::Student), asked, &PageRequest::first()).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.next.is_none());
}

#[tokio::test]
async fn admins_filter_by_student_and_tas_are_forbidden() {
    let mut store = MockStore::new();
    store
        .bundles
        .expect_list()
        .withf(|_, f, _| f.student_id == Some(user_id(STUDENT_2)))
        .returning(|_, _, _| Ok(vec![]));
    let service = BundleService::new(core(store));
    let filter = BundleFilter { student_id: Some(user_id(STUDENT_2)) };
    assert!(service.list(&actor(ADMIN, Role::Admin), filter, &PageRequest::first()).await.is_ok());
    let err = service.list(&actor(TA_1, Role::Ta), filter, &PageRequest::first()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
}

#[tokio::test]
async fn another_students_bundle_and_its_ledger_do_not_exist() {
    let mut store = MockStore::new();
    store.bundles.expect_get().returning(|_, _| Ok(Some(bundle(100, STUDENT_2))));
    store.bundles.expect_ledger().never();
    let service = BundleService::new(core(store));
    let me = actor(STUDENT_1, Role::Student);
    assert_eq!(service.get(&me, id::<BundlePurchaseId>(100)).await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(service.ledger(&me, id::<BundlePurchaseId>(100)).await.unwrap_err().code(), ErrorCode::NotFound);
    let ta = actor(TA_1, Role::Ta);
    assert_eq!(service.get(&ta, id::<BundlePurchaseId>(100)).await.unwrap_err().code(), ErrorCode::Forbidden);
}

#[tokio::test]
async fn owners_and_admins_read_the_ledger() {
    let mut store = MockStore::new();
    store.bundles.expect_get().returning(|_, _| Ok(Some(bundle(100, STUDENT_1))));
    store.bundles.expect_ledger().returning(|_, _| Ok(vec![LedgerEntry::purchase(id(500), &bundle(100, STUDENT_1))]));
    let service = BundleService::new(core(store));
    for who in [actor(STUDENT_1, Role::Student), actor(ADMIN, Role::Admin)] {
        assert_eq!(service.ledger(&who, id(100)).await.unwrap().len(), 1);
    }
}
