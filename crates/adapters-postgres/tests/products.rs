//! Products: both kinds round-trip, lists are active first then by creation, and the database
//! holds "one active pay-per-session price per course" on insert and on update.

mod common;
mod fixtures;

use domain::catalog::{Product, ProductKind, ProductName};
use domain::shared::{Cents, CourseId, Currency, OrganizationId};
use domain::store::{Conflict, Repositories};
use fixtures::{at, course, new_id, org};

fn product(org: OrganizationId, course: CourseId, kind: ProductKind, active: bool, minutes: i64) -> Product {
    Product {
        id: new_id(),
        organization_id: org,
        course_id: course,
        kind,
        name: ProductName::parse("Ten sessions").expect("a name"),
        price: Cents::new(45_000).expect("a price"),
        currency: Currency::parse("USD").expect("a currency"),
        active,
        created_at: at(minutes),
    }
}

const BUNDLE: ProductKind = ProductKind::Bundle { session_count: 10, validity_days: 180 };

#[tokio::test]
async fn products_round_trip_and_list_active_first_then_by_creation() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let algebra = course(repos, acme.id, "ALG").await.id;
        let physics = course(repos, acme.id, "PHY").await.id;
        let old_inactive = product(acme.id, algebra, ProductKind::SingleSession, false, 0);
        let bundle = product(acme.id, algebra, BUNDLE, true, 5);
        let price = product(acme.id, algebra, ProductKind::SingleSession, true, 3);
        let late_inactive = product(acme.id, algebra, BUNDLE, false, 1);
        let same_time = Product { id: new_id(), ..bundle.clone() };
        let elsewhere = product(acme.id, physics, BUNDLE, true, 0);
        for p in [&old_inactive, &bundle, &price, &late_inactive, &same_time, &elsewhere] {
            repos.products().insert(p).await.unwrap();
            assert_eq!(repos.products().get(acme.id, p.id).await.unwrap().as_ref(), Some(p), "{b:?}");
        }
        assert_eq!(repos.products().get(other.id, bundle.id).await.unwrap(), None, "{b:?}");

        let listed = repos.products().list_for_course(acme.id, algebra).await.unwrap();
        let mut expected = vec![old_inactive, bundle.clone(), price.clone(), late_inactive, same_time];
        domain::catalog::sort_products(&mut expected);
        assert_eq!(listed, expected, "{b:?}");
        assert_eq!(listed[0], price, "{b:?}: the active price created first");
        assert!(repos.products().list_for_course(other.id, algebra).await.unwrap().is_empty(), "{b:?}");

        assert_eq!(repos.products().active_session_price(acme.id, algebra).await.unwrap(), Some(price), "{b:?}");
        assert_eq!(repos.products().active_session_price(acme.id, physics).await.unwrap(), None, "{b:?}");
        assert_eq!(repos.products().active_session_price(other.id, algebra).await.unwrap(), None, "{b:?}");
    }
}

#[tokio::test]
async fn a_course_has_one_active_session_price_on_insert_and_update() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let algebra = course(repos, acme.id, "ALG").await.id;
        let physics = course(repos, acme.id, "PHY").await.id;
        let price = product(acme.id, algebra, ProductKind::SingleSession, true, 0);
        repos.products().insert(&price).await.unwrap();

        let second = product(acme.id, algebra, ProductKind::SingleSession, true, 1);
        let err = repos.products().insert(&second).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::SessionPriceExists), "{b:?}: insert: {err}");
        // Inactive prices, bundles, and other courses' prices are not limited.
        let inactive = product(acme.id, algebra, ProductKind::SingleSession, false, 2);
        repos.products().insert(&inactive).await.unwrap();
        repos.products().insert(&product(acme.id, algebra, BUNDLE, true, 3)).await.unwrap();
        repos.products().insert(&product(acme.id, physics, ProductKind::SingleSession, true, 4)).await.unwrap();

        let activated = Product { active: true, ..inactive.clone() };
        let err = repos.products().update(&activated).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::SessionPriceExists), "{b:?}: update: {err}");

        // Swapping the active price: deactivate the old one, then activate the other.
        repos.products().update(&Product { active: false, ..price.clone() }).await.unwrap();
        let renamed =
            Product { name: ProductName::parse("One hour").unwrap(), price: Cents::new(6_000).unwrap(), ..activated };
        repos.products().update(&renamed).await.unwrap();
        assert_eq!(repos.products().active_session_price(acme.id, algebra).await.unwrap(), Some(renamed), "{b:?}");
    }
}

#[tokio::test]
async fn a_product_of_another_organizations_course_is_refused() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let algebra = course(repos, acme.id, "ALG").await.id;
        let err = repos.products().insert(&product(other.id, algebra, BUNDLE, true, 0)).await.unwrap_err();
        assert_eq!(err.conflict(), Some(Conflict::MissingReference), "{b:?}: {err}");
    }
}
