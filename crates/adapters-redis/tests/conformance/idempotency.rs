//! Idempotency store conformance: one claim wins, mismatches and replays, tokens and leases.

use std::sync::Arc;
use std::time::Duration;

use domain::edge::{Claim, IdempotencyStore, LeaseToken, StoredResponse};

use super::unique;

const LEASE: Duration = Duration::from_secs(30);
const RETENTION: Duration = Duration::from_secs(60);

fn response() -> StoredResponse {
    StoredResponse {
        status: 201,
        headers: vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("location".to_owned(), "/bookings/é?x=1&y=\"2\"".to_owned()),
            ("set-cookie".to_owned(), "a=1".to_owned()),
            ("set-cookie".to_owned(), "b=2".to_owned()),
        ],
        // Every byte value, NUL and invalid UTF-8 included.
        body: (0..=255u8).chain([0, 0xff, 0xfe]).collect(),
    }
}

async fn acquire(store: &dyn IdempotencyStore, scope: &str, fingerprint: &str, lease: Duration) -> LeaseToken {
    match store.claim(scope, fingerprint, lease).await.unwrap() {
        Claim::Acquired(token) => token,
        other => panic!("expected Acquired, got {other:?}"),
    }
}

/// 50 concurrent claims of one scope: exactly one `Acquired`, the rest `InProgress`.
pub async fn concurrent_claims_acquire_once(store: Arc<dyn IdempotencyStore>) {
    let scope = Arc::new(unique("scope"));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (store, scope) = (Arc::clone(&store), Arc::clone(&scope));
            tokio::spawn(async move { store.claim(&scope, "fp", LEASE).await.unwrap() })
        })
        .collect();
    let (mut acquired, mut in_progress) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Claim::Acquired(_) => acquired += 1,
            Claim::InProgress => in_progress += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((acquired, in_progress), (1, 49));
}

/// Another body is a mismatch, whether the scope is running or done; the same body replays
/// the exact response once done.
pub async fn mismatch_and_exact_replay(store: &dyn IdempotencyStore) {
    let scope = unique("scope");
    let token = acquire(store, &scope, "fp-a", LEASE).await;
    assert_eq!(store.claim(&scope, "fp-b", LEASE).await.unwrap(), Claim::Mismatch);
    assert_eq!(store.claim(&scope, "fp-a", LEASE).await.unwrap(), Claim::InProgress);
    store.complete(&scope, &token, &response(), RETENTION).await.unwrap();
    assert_eq!(store.claim(&scope, "fp-a", LEASE).await.unwrap(), Claim::Replay(response()));
    assert_eq!(store.claim(&scope, "fp-a", LEASE).await.unwrap(), Claim::Replay(response()), "replayed again");
    assert_eq!(store.claim(&scope, "fp-b", LEASE).await.unwrap(), Claim::Mismatch);
    let empty = StoredResponse { status: 204, headers: vec![], body: vec![] };
    let other = unique("scope");
    let token = acquire(store, &other, "fp", LEASE).await;
    store.complete(&other, &token, &empty, RETENTION).await.unwrap();
    assert_eq!(store.claim(&other, "fp", LEASE).await.unwrap(), Claim::Replay(empty), "an empty response");
}

/// Release frees the scope: the next claim acquires it (with a new token); a released scope
/// keeps no fingerprint.
pub async fn release_lets_a_new_claim_acquire(store: &dyn IdempotencyStore) {
    let scope = unique("scope");
    let first = acquire(store, &scope, "fp", LEASE).await;
    store.release(&scope, &first).await.unwrap();
    let second = acquire(store, &scope, "fp-other", LEASE).await;
    assert_ne!(first, second);
    // Completing or releasing with the released token does nothing.
    store.complete(&scope, &first, &response(), RETENTION).await.unwrap();
    store.release(&scope, &first).await.unwrap();
    assert_eq!(store.claim(&scope, "fp-other", LEASE).await.unwrap(), Claim::InProgress);
}

/// A holder whose lease ran out cannot complete or release the scope another claim took.
pub async fn a_stale_token_cannot_complete_or_release(store: &dyn IdempotencyStore) {
    let scope = unique("scope");
    let stale = acquire(store, &scope, "fp", Duration::from_millis(200)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let current = acquire(store, &scope, "fp", LEASE).await;
    store.complete(&scope, &stale, &response(), RETENTION).await.unwrap();
    assert_eq!(store.claim(&scope, "fp", LEASE).await.unwrap(), Claim::InProgress, "stale complete ignored");
    store.release(&scope, &stale).await.unwrap();
    assert_eq!(store.claim(&scope, "fp", LEASE).await.unwrap(), Claim::InProgress, "stale release ignored");
    store.complete(&scope, &current, &response(), RETENTION).await.unwrap();
    assert_eq!(store.claim(&scope, "fp", LEASE).await.unwrap(), Claim::Replay(response()));
    // A done scope is not released by its own token either.
    store.release(&scope, &current).await.unwrap();
    assert_eq!(store.claim(&scope, "fp", LEASE).await.unwrap(), Claim::Replay(response()));
}

/// The lease frees a scope whose holder never finished; the retention drops a response.
pub async fn lease_and_retention_expire(store: &dyn IdempotencyStore) {
    let scope = unique("scope");
    acquire(store, &scope, "fp", Duration::from_millis(200)).await;
    assert_eq!(store.claim(&scope, "fp", LEASE).await.unwrap(), Claim::InProgress);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let token = acquire(store, &scope, "fp-new", LEASE).await;
    store.complete(&scope, &token, &response(), Duration::from_millis(200)).await.unwrap();
    assert_eq!(store.claim(&scope, "fp-new", LEASE).await.unwrap(), Claim::Replay(response()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    acquire(store, &scope, "fp", LEASE).await;
}
