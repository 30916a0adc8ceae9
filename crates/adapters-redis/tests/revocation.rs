//! The revocation list, in process and in Redis: the conformance suite against both, and the
//! in-process list's exact end and bookkeeping on a hand-moved clock.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod conformance;

use std::sync::{Arc, Mutex};

use adapters_redis::memory::MemoryRevocationList;
use adapters_redis::redis::RedisRevocationList;
use chrono::{DateTime, TimeDelta, Utc};
use domain::accounts::RevocationList;
use domain::shared::{Clock, FixedClock, SessionId};
use uuid::Uuid;

/// A clock the test moves by hand.
struct HandClock(Mutex<DateTime<Utc>>);

impl HandClock {
    fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for HandClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().with_timezone(&Utc)
}

fn session() -> SessionId {
    SessionId::from_uuid(Uuid::now_v7())
}

#[tokio::test]
async fn a_revoked_session_is_refused_only_while_now_is_before_until() {
    let clock = Arc::new(HandClock(Mutex::new(t0())));
    let list = MemoryRevocationList::new(clock.clone());
    let (revoked, other) = (session(), session());
    list.revoke(revoked, t0() + TimeDelta::minutes(15)).await.unwrap();
    assert!(list.is_revoked(revoked).await.unwrap());
    assert!(!list.is_revoked(other).await.unwrap());

    clock.advance(TimeDelta::minutes(15) - TimeDelta::microseconds(1));
    assert!(list.is_revoked(revoked).await.unwrap(), "still refused just before until");
    clock.advance(TimeDelta::microseconds(1));
    assert!(!list.is_revoked(revoked).await.unwrap(), "accepted again at until");
    assert_eq!(list.entries(), 0, "the expired entry was dropped when read");
}

#[tokio::test]
async fn a_revocation_in_the_past_refuses_nothing() {
    let list = MemoryRevocationList::new(Arc::new(FixedClock(t0())));
    let s = session();
    list.revoke(s, t0()).await.unwrap();
    assert!(!list.is_revoked(s).await.unwrap());
}

#[tokio::test]
async fn revoking_again_never_shortens_a_revocation() {
    let list = MemoryRevocationList::new(Arc::new(FixedClock(t0())));
    let s = session();
    list.revoke(s, t0() + TimeDelta::minutes(15)).await.unwrap();
    list.revoke(s, t0() - TimeDelta::minutes(1)).await.unwrap();
    assert!(list.is_revoked(s).await.unwrap());
}

#[tokio::test]
async fn expired_entries_never_read_again_are_swept() {
    let clock = Arc::new(HandClock(Mutex::new(t0())));
    let list = MemoryRevocationList::new(clock.clone());
    for _ in 0..100 {
        list.revoke(session(), t0() + TimeDelta::minutes(15)).await.unwrap();
    }
    clock.advance(TimeDelta::minutes(16));
    let live = session();
    for _ in 0..200 {
        list.revoke(live, t0() + TimeDelta::hours(1)).await.unwrap();
        list.revoke(session(), t0() + TimeDelta::hours(1)).await.unwrap();
    }
    assert!(list.entries() <= 201, "{} entries: the 100 expired ones were swept", list.entries());
    assert!(list.is_revoked(live).await.unwrap());
}

#[tokio::test]
async fn the_default_list_uses_the_system_clock() {
    let list = MemoryRevocationList::default();
    let s = session();
    list.revoke(s, Utc::now() + TimeDelta::minutes(15)).await.unwrap();
    assert!(list.is_revoked(s).await.unwrap());
    list.revoke(session(), Utc::now() - TimeDelta::minutes(1)).await.unwrap();
    assert_eq!(format!("{list:?}"), "MemoryRevocationList { entries: 2, .. }");
}

/// Runs each named conformance test against the in-process and the Redis list.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod memory {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    conformance::revocation::$name(&MemoryRevocationList::default()).await;
                }
            )*
        }

        mod redis {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(store) = conformance::redis_store() else { return };
                    conformance::revocation::$name(&RedisRevocationList::new(store)).await;
                }
            )*
        }
    };
}

conformance!(
    a_revoked_session_is_refused,
    a_revocation_in_the_past_refuses_nothing,
    revoking_again_never_shortens_a_revocation,
    a_revocation_ends_at_its_until,
);
