//! The outbox as workers see it: `claim_due` takes due pending or retrying messages, oldest
//! due first, hides them for the lease, and never gives one message to two concurrent claims;
//! recording an outcome ends the lease, and a batch of sends is recorded in one write for the
//! claims that still hold their messages.

mod common;
mod fixtures;

use std::collections::HashSet;
use std::sync::Arc;

use adapters_postgres::{DbConfig, SeaStore, connect};
use chrono::TimeDelta;
use domain::notifications::{Claim, EmailKind, EmailPayload, JobStatus, OutboxMessage};
use domain::shared::OutboxMessageId;
use domain::store::Repositories;
use fixtures::{at, message, org};

const LEASE: TimeDelta = TimeDelta::minutes(5);

/// Queues the messages, in order.
#[allow(clippy::unwrap_used, reason = "a test helper fails its test by panicking")]
async fn enqueue(repos: &dyn Repositories, messages: &[&OutboxMessage]) {
    for m in messages {
        repos.outbox().enqueue(m).await.unwrap();
    }
}

fn ids(messages: &[OutboxMessage]) -> Vec<OutboxMessageId> {
    messages.iter().map(|m| m.id).collect()
}

#[tokio::test]
async fn claims_take_due_messages_oldest_first_and_respect_the_lease() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let due_late = OutboxMessage { next_attempt_at: at(8), ..message(acme.id, 0) };
        let due_first = message(other.id, 1);
        let retrying =
            OutboxMessage { status: JobStatus::Retrying, attempts: 2, next_attempt_at: at(5), ..message(acme.id, 2) };
        let future = OutboxMessage { next_attempt_at: at(11), ..message(acme.id, 3) };
        let dead = OutboxMessage { status: JobStatus::Dead, ..message(acme.id, 4) };
        let sent = OutboxMessage { status: JobStatus::Sent, sent_at: Some(at(5)), ..message(acme.id, 5) };
        enqueue(repos, &[&due_late, &due_first, &retrying, &future, &dead, &sent]).await;

        let now = at(10);
        let first = repos.outbox().claim_due(now, 2, LEASE).await.unwrap();
        let leased = |m: &OutboxMessage| OutboxMessage { leased_until: Some(now + LEASE), ..m.clone() };
        assert_eq!(first, vec![leased(&due_first), leased(&retrying)], "{b:?}: oldest due first, at most the limit");
        let second = repos.outbox().claim_due(now, 10, LEASE).await.unwrap();
        assert_eq!(ids(&second), vec![due_late.id], "{b:?}: claimed ones are hidden");
        let just_before = now + LEASE - TimeDelta::microseconds(1);
        let third = repos.outbox().claim_due(just_before, 10, LEASE).await.unwrap();
        assert_eq!(ids(&third), vec![future.id], "{b:?}: only the newly due one; the others are leased");
        assert!(repos.outbox().claim_due(now, 0, LEASE).await.unwrap().is_empty(), "{b:?}");

        // When the lease ends (a worker died), the messages come back.
        let again = repos.outbox().claim_due(now + LEASE, 10, LEASE).await.unwrap();
        assert_eq!(ids(&again), vec![due_first.id, retrying.id, due_late.id], "{b:?}");
        assert_eq!(again[1].leased_until, Some(now + LEASE + LEASE), "{b:?}: the new claim's end");
        let unleased = OutboxMessage { leased_until: None, ..again[1].clone() };
        assert_eq!(unleased, retrying, "{b:?}: a claim changes nothing else the domain sees");
    }
}

#[tokio::test]
async fn recording_an_outcome_ends_the_lease() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let (sent, retried, dead) = (message(acme.id, 0), message(acme.id, 1), message(acme.id, 2));
        enqueue(repos, &[&sent, &retried, &dead]).await;
        assert_eq!(repos.outbox().claim_due(at(3), 10, LEASE).await.unwrap().len(), 3, "{b:?}");
        let lease = at(3) + LEASE;

        let sent_claim = Claim { id: sent.id, until: lease };
        assert_eq!(repos.outbox().mark_sent(&[sent_claim], at(4)).await.unwrap(), vec![sent.id], "{b:?}");
        assert!(
            repos
                .outbox()
                .mark_failed(Claim { id: retried.id, until: lease }, 1, "421 busy", Some(at(6)))
                .await
                .unwrap()
        );
        assert!(
            repos.outbox().mark_failed(Claim { id: dead.id, until: lease }, 8, "550 no such user", None).await.unwrap()
        );

        let get = |id| async move { repos.outbox().get(acme.id, id).await.unwrap().unwrap() };
        // The test messages are reset emails: once sent or dead, their link token is erased.
        let erased = EmailPayload::LinkErased { kind: EmailKind::PasswordReset };
        let expected = OutboxMessage {
            status: JobStatus::Sent,
            attempts: 1,
            sent_at: Some(at(4)),
            payload: erased.clone(),
            ..sent.clone()
        };
        assert_eq!(get(sent.id).await, expected, "{b:?}");
        let expected = OutboxMessage {
            status: JobStatus::Retrying,
            attempts: 1,
            last_error: Some("421 busy".into()),
            next_attempt_at: at(6),
            ..retried.clone()
        };
        assert_eq!(get(retried.id).await, expected, "{b:?}");
        let expected = OutboxMessage {
            status: JobStatus::Dead,
            attempts: 8,
            last_error: Some("550 no such user".into()),
            payload: erased,
            ..dead.clone()
        };
        assert_eq!(get(dead.id).await, expected, "{b:?}: a dead message keeps its due time");

        // The retry is claimable when due, although the first lease has not ended.
        assert!(repos.outbox().claim_due(at(5), 10, LEASE).await.unwrap().is_empty(), "{b:?}: not due yet");
        assert_eq!(ids(&repos.outbox().claim_due(at(6), 10, LEASE).await.unwrap()), vec![retried.id], "{b:?}");
    }
}

/// Several workers claim concurrently, over one pool, round after round: no message is ever
/// handed to two of them, and together they take every message. PostgreSQL is the case that
/// needs `FOR UPDATE SKIP LOCKED`; SQLite serializes the writers.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_never_share_a_message() {
    for db in test_support::all_backends().await {
        let b = db.backend();
        let mut config = DbConfig::new(db.url());
        config.max_connections = 8;
        let store = Arc::new(SeaStore::new(connect(&config).await.unwrap()));
        let acme = org(store.as_ref(), "acme").await;
        let total = 120;
        for i in 0..total {
            store.outbox().enqueue(&message(acme.id, i % 7)).await.unwrap();
        }

        let mut seen = HashSet::new();
        for round in 0..10 {
            let workers: Vec<_> = (0..6)
                .map(|_| {
                    let store = Arc::clone(&store);
                    tokio::spawn(async move { store.outbox().claim_due(at(10), 5, LEASE).await.unwrap() })
                })
                .collect();
            for worker in workers {
                for m in worker.await.unwrap() {
                    assert!(seen.insert(m.id), "{b:?}: round {round}: {:?} was claimed twice", m.id);
                }
            }
        }
        for m in store.outbox().claim_due(at(10), 1000, LEASE).await.unwrap() {
            assert!(seen.insert(m.id), "{b:?}: {:?} was claimed twice", m.id);
        }
        assert_eq!(seen.len(), usize::try_from(total).unwrap(), "{b:?}: every message claimed once");
    }
}

#[tokio::test]
async fn an_outcome_is_recorded_only_under_the_claim_that_still_holds_the_message() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let m = message(acme.id, 0);
        repos.outbox().enqueue(&m).await.unwrap();
        let first = repos.outbox().claim_due(at(3), 10, LEASE).await.unwrap().remove(0).leased_until.unwrap();
        // The first worker stalls past its lease; a second claims the message.
        let second = repos.outbox().claim_due(first, 10, LEASE).await.unwrap().remove(0).leased_until.unwrap();
        assert_ne!(first, second, "{b:?}");
        let claim = |until| Claim { id: m.id, until };
        assert!(
            repos.outbox().mark_sent(&[claim(first)], at(4)).await.unwrap().is_empty(),
            "{b:?}: the stale claim records nothing"
        );
        assert!(!repos.outbox().mark_failed(claim(first), 1, "late", None).await.unwrap(), "{b:?}");
        assert_eq!(repos.outbox().get(acme.id, m.id).await.unwrap().unwrap().status, JobStatus::Pending, "{b:?}");
        // The holder records its outcome.
        assert!(repos.outbox().mark_failed(claim(second), 1, "421 busy", Some(at(20))).await.unwrap(), "{b:?}");
        // A requeue by an admin ends every claim.
        let third = repos.outbox().claim_due(at(20), 10, LEASE).await.unwrap().remove(0).leased_until.unwrap();
        assert!(repos.outbox().requeue(acme.id, m.id, at(21)).await.unwrap(), "{b:?}");
        assert!(
            repos.outbox().mark_sent(&[claim(third)], at(22)).await.unwrap().is_empty(),
            "{b:?}: requeued meanwhile"
        );
    }
}

#[tokio::test]
async fn a_batch_of_sends_records_only_the_claims_still_holding_their_messages() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let (first, second, third) = (message(acme.id, 0), message(acme.id, 1), message(acme.id, 2));
        enqueue(repos, &[&first, &second, &third]).await;
        let early: Vec<Claim> =
            repos.outbox().claim_due(at(3), 2, LEASE).await.unwrap().iter().filter_map(OutboxMessage::claim).collect();
        let late = repos.outbox().claim_due(at(4), 10, LEASE).await.unwrap().remove(0).claim().unwrap();
        assert_eq!(late.id, third.id, "{b:?}");
        let stale = Claim { until: early[0].until, ..late };

        let mut recorded = repos.outbox().mark_sent(&[early[0], stale, early[1]], at(5)).await.unwrap();
        recorded.sort();
        let mut expected = vec![first.id, second.id];
        expected.sort();
        assert_eq!(recorded, expected, "{b:?}: the claim that does not hold the third message records nothing");
        let get = |id| async move { repos.outbox().get(acme.id, id).await.unwrap().unwrap() };
        assert_eq!(get(third.id).await.status, JobStatus::Pending, "{b:?}");
        assert_eq!((get(first.id).await.status, get(second.id).await.sent_at), (JobStatus::Sent, Some(at(5))), "{b:?}");

        assert_eq!(repos.outbox().mark_sent(&[late], at(6)).await.unwrap(), vec![third.id], "{b:?}");
        assert!(repos.outbox().mark_sent(&[], at(6)).await.unwrap().is_empty(), "{b:?}");
    }
}
