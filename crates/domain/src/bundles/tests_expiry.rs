//! `BundleService::expire_due`: each bundle past its `validTo` with credits left gets one
//! `expire` entry taking them all, in batches of [`EXPIRY_BATCH`] per transaction until a batch
//! comes back short; the worker's audit event has no actor.

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::audit::{AuditAction, TargetType};
use crate::fixtures::*;
use crate::shared::BundlePurchaseId;
use crate::test_world::{Harness, World, harness};

/// Student 1's bundle `n` with `credits` left, valid until `valid_to`.
fn due(n: u128, credits: u32, valid_to: DateTime<Utc>) -> BundlePurchase {
    let mut b = bundle(n, STUDENT_1);
    b.remaining_sessions = credits;
    b.valid_to = valid_to;
    b
}

async fn expire(world: World) -> (u32, Harness) {
    let h = harness(world);
    let expired = BundleService::new(h.core.clone()).expire_due().await.unwrap();
    (expired, h)
}

fn left(h: &Harness, n: u128) -> u32 {
    h.world.lock().unwrap().bundles.iter().find(|b| b.id == id::<BundlePurchaseId>(n)).unwrap().remaining_sessions
}

#[tokio::test]
async fn a_bundle_past_valid_to_loses_its_credits_left_in_one_entry() {
    let mut world = World::standard();
    world.bundles = vec![
        due(100, 2, now() - TimeDelta::minutes(1)),
        due(101, 1, now()),
        due(102, 3, now() + TimeDelta::seconds(1)),
    ];
    let (expired, h) = expire(world).await;
    assert_eq!(expired, 2, "validTo is the first instant without validity");
    let w = h.written();
    assert_eq!(w.taken, [(id(100), 2), (id(101), 1)]);
    let entries: Vec<_> = w.ledger.iter().map(|e| (e.bundle_purchase_id, e.kind, e.delta)).collect();
    assert_eq!(entries, [(id(100), LedgerKind::Expire, -2), (id(101), LedgerKind::Expire, -1)]);
    assert!(w.ledger.iter().all(|e| e.booking_id.is_none() && e.settlement_round.is_none() && e.created_at == now()));
    drop(w);
    assert_eq!((left(&h, 100), left(&h, 101), left(&h, 102)), (0, 0, 3));
    assert_eq!(h.commits(), 1);
}

#[tokio::test]
async fn the_expiry_is_audited_by_the_worker_with_no_actor() {
    let mut world = World::standard();
    world.bundles = vec![due(100, 2, now() - TimeDelta::days(1))];
    let (_, h) = expire(world).await;
    let w = h.written();
    assert_eq!(w.actions(), [AuditAction::LedgerExpire]);
    let event = &w.audit[0];
    assert_eq!((event.target_type, event.target_id, event.actor_id), (TargetType::BundlePurchase, id(100), None));
    assert_eq!(event.detail.as_deref(), Some(format!("credits=2 student={}", user_id(STUDENT_1)).as_str()));
    assert_eq!((event.request_id.as_str(), event.organization_id), ("worker", org_id()));
}

#[tokio::test]
async fn a_bundle_whose_balance_moved_meanwhile_is_left_for_the_next_run() {
    let mut world = World::standard();
    world.bundles = vec![due(100, 2, now() - TimeDelta::days(2)), due(101, 1, now() - TimeDelta::days(1))];
    world.take_fails.push(id(100));
    let (expired, h) = expire(world).await;
    assert_eq!(expired, 1);
    let w = h.written();
    assert_eq!(w.ledger.iter().map(|e| e.bundle_purchase_id).collect::<Vec<_>>(), [id::<BundlePurchaseId>(101)]);
    assert_eq!(w.audit.len(), 1);
    drop(w);
    assert_eq!(left(&h, 100), 2);
}

#[tokio::test]
async fn nothing_due_writes_nothing() {
    let mut world = World::standard();
    world.bundles = vec![due(100, 0, now() - TimeDelta::days(1)), due(101, 1, now() + TimeDelta::days(1))];
    let (expired, h) = expire(world).await;
    assert_eq!(expired, 0);
    assert!(h.written().is_empty());
    assert_eq!((h.store.begun(), h.commits()), (1, 1));
}

fn many(count: u32) -> World {
    let mut world = World::standard();
    world.bundles = (0..count).map(|i| due(1_000 + u128::from(i), 1, now() - TimeDelta::hours(1))).collect();
    world
}

#[tokio::test]
async fn batches_run_until_one_comes_back_short() {
    assert_eq!(EXPIRY_BATCH, 100);
    for (count, batches) in [(99, 1), (100, 2), (150, 2), (201, 3)] {
        let (expired, h) = expire(many(count)).await;
        assert_eq!(expired, count, "{count}");
        assert_eq!((h.store.begun(), h.commits()), (batches, batches), "{count}");
        assert_eq!(h.written().ledger.len(), usize::try_from(count).unwrap());
    }
}
