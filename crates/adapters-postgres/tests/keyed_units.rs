//! Keyed units (`SqlIdempotencyStore`) on both databases: everything a request writes through
//! the store inside its unit commits with its recorded outcome or not at all; it reads its own
//! writes while nobody else sees them; a scope is held by one unit at a time; a unit dropped
//! (a crash, a 5xx) frees its scope at once and leaves nothing behind; expired outcomes are
//! replaced and purged.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;
mod fixtures;

use std::sync::Arc;

use adapters_postgres::SqlIdempotencyStore;
use chrono::{TimeDelta, Utc};
use domain::store::{Conflict, Repositories, Store};
use edge::{IdempotencyStore, KeyedUnit, Opening, RecordedOutcome};
use fixtures::org_value;
use futures_util::future::join_all;

const SCOPE: &str = "c2NvcGUtb2YtYS1rZXllZC1yZXF1ZXN0";

fn outcome(status: u16, at: chrono::DateTime<Utc>) -> RecordedOutcome {
    RecordedOutcome {
        fingerprint: "ZmluZ2VycHJpbnQtb2YtdGhlLWJvZHk".to_owned(),
        status,
        sealed: vec![1, 2, 3, 4],
        created_at: at,
        expires_at: at + TimeDelta::hours(24),
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}

async fn fresh(store: &SqlIdempotencyStore, scope: &str) -> Box<dyn KeyedUnit> {
    match store.open(scope, now()).await.unwrap() {
        Opening::Fresh(unit) => unit,
        other => panic!("expected a fresh unit, got {other:?}"),
    }
}

#[tokio::test]
async fn a_units_writes_commit_with_its_outcome_and_are_visible_only_to_itself_until_then() {
    for t in common::stores().await {
        let keys = SqlIdempotencyStore::new(t.conn().clone());
        let store = t.store.clone();
        let org = org_value("acme");
        let unit = fresh(&keys, SCOPE).await;
        let seen_inside = {
            let (store, org) = (store.clone(), org.clone());
            let mut seen = None;
            let slot = &mut seen;
            unit.run(Box::pin(async move {
                // A use case's own transaction is a savepoint of the unit…
                let tx = store.begin().await.unwrap();
                tx.organizations().insert(&org).await.unwrap();
                tx.commit().await.unwrap();
                // …and a read outside any transaction goes through the unit too.
                *slot = store.organizations().get(org.id).await.unwrap();
            }))
            .await;
            seen
        };
        assert_eq!(seen_inside.map(|o| o.id), Some(org.id), "{:?}: a unit reads its own writes", t.backend);
        assert_eq!(store.organizations().get(org.id).await.unwrap(), None, "{:?}: not visible outside yet", t.backend);
        assert!(matches!(keys.open(SCOPE, now()).await.unwrap(), Opening::InProgress), "{:?}", t.backend);

        unit.finish(Some(outcome(201, now()))).await.unwrap();
        assert!(store.organizations().get(org.id).await.unwrap().is_some(), "{:?}: committed", t.backend);
        match keys.open(SCOPE, now()).await.unwrap() {
            Opening::Done(recorded) => assert_eq!((recorded.status, recorded.sealed), (201, vec![1, 2, 3, 4])),
            other => panic!("{:?}: expected the recorded outcome, got {other:?}", t.backend),
        }
    }
}

#[tokio::test]
async fn a_dropped_unit_leaves_nothing_and_frees_its_scope_at_once() {
    for t in common::stores().await {
        let keys = SqlIdempotencyStore::new(t.conn().clone());
        let store = t.store.clone();
        let org = org_value("acme");
        let unit = fresh(&keys, SCOPE).await;
        let (inner, written) = (store.clone(), org.clone());
        unit.run(Box::pin(async move {
            let tx = inner.begin().await.unwrap();
            tx.organizations().insert(&written).await.unwrap();
            tx.commit().await.unwrap();
        }))
        .await;
        drop(unit);
        // No lease to wait out: the scope is free, and the write is gone.
        let again = fresh(&keys, SCOPE).await;
        assert_eq!(store.organizations().get(org.id).await.unwrap(), None, "{:?}", t.backend);
        again.finish(None).await.unwrap();
        assert!(
            matches!(keys.open(SCOPE, now()).await.unwrap(), Opening::Fresh(_)),
            "{:?}: a unit finished without an outcome records nothing",
            t.backend
        );
    }
}

#[tokio::test]
async fn a_refused_write_inside_a_unit_rolls_back_its_savepoint_only() {
    for t in common::stores().await {
        let keys = SqlIdempotencyStore::new(t.conn().clone());
        let store = t.store.clone();
        let (first, taken) = (org_value("acme"), org_value("acme"));
        let kept = org_value("kept");
        let unit = fresh(&keys, SCOPE).await;
        let inner = store.clone();
        let (a, b, c) = (first.clone(), taken.clone(), kept.clone());
        unit.run(Box::pin(async move {
            inner.organizations().insert(&a).await.unwrap();
            let tx = inner.begin().await.unwrap();
            let refused = tx.organizations().insert(&b).await.unwrap_err();
            assert_eq!(refused.conflict(), Some(Conflict::SlugTaken));
            drop(tx);
            let tx = inner.begin().await.unwrap();
            tx.organizations().insert(&c).await.unwrap();
            tx.commit().await.unwrap();
        }))
        .await;
        unit.finish(Some(outcome(409, now()))).await.unwrap();
        assert!(store.organizations().get(first.id).await.unwrap().is_some(), "{:?}", t.backend);
        assert!(store.organizations().get(kept.id).await.unwrap().is_some(), "{:?}", t.backend);
        assert_eq!(store.organizations().get(taken.id).await.unwrap(), None, "{:?}", t.backend);
    }
}

#[tokio::test]
async fn of_many_concurrent_openings_of_a_scope_one_holds_it() {
    for t in common::stores().await {
        let keys = Arc::new(SqlIdempotencyStore::new(t.conn().clone()));
        let openings = join_all((0..8).map(|_| {
            let keys = keys.clone();
            async move { keys.open(SCOPE, now()).await.unwrap() }
        }))
        .await;
        let fresh = openings.iter().filter(|o| matches!(o, Opening::Fresh(_))).count();
        let busy = openings.iter().filter(|o| matches!(o, Opening::InProgress)).count();
        assert_eq!((fresh, busy), (1, 7), "{:?}", t.backend);
        // Dropping the holder frees the key: its transaction's rollback (queued on its
        // connection by the drop, sent as the pool takes the connection back) ends the lock
        // within moments.
        drop(openings);
        drop(fresh_soon(&keys, SCOPE).await);
    }
}

/// A fresh unit of `scope` once a dropped holder's rollback has reached the database (at most
/// two seconds).
async fn fresh_soon(keys: &SqlIdempotencyStore, scope: &str) -> Box<dyn KeyedUnit> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        match keys.open(scope, now()).await.unwrap() {
            Opening::Fresh(unit) => return unit,
            Opening::InProgress if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            other => panic!("the dropped holder still holds the key: {other:?}"),
        }
    }
}

#[tokio::test]
async fn expired_outcomes_are_not_replayed_are_replaced_and_are_purged() {
    for t in common::stores().await {
        let keys = SqlIdempotencyStore::new(t.conn().clone());
        let long_ago = now() - TimeDelta::days(3);
        fresh(&keys, SCOPE).await.finish(Some(outcome(200, long_ago))).await.unwrap();
        fresh(&keys, "c2Vjb25kLWV4cGlyZWQtc2NvcGU").await.finish(Some(outcome(200, long_ago))).await.unwrap();
        // Expired: a new request with the key runs, and its outcome replaces the old one.
        fresh(&keys, SCOPE).await.finish(Some(outcome(201, now()))).await.unwrap();
        assert!(matches!(keys.open(SCOPE, now()).await.unwrap(), Opening::Done(o) if o.status == 201));
        assert_eq!(keys.purge_expired(now(), 10).await.unwrap(), 1, "{:?}", t.backend);
        assert_eq!(keys.purge_expired(now(), 10).await.unwrap(), 0);
        assert_eq!(t.scalar("SELECT count(*) FROM idempotency_keys").await, 1);
    }
}
