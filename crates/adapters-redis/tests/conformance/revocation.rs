//! Revocation list conformance, on the wall clock (the Redis list expires keys on Redis's).

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use domain::accounts::RevocationList;
use domain::shared::SessionId;

fn session() -> SessionId {
    SessionId::from_uuid(uuid::Uuid::now_v7())
}

/// Revoked until a future instant: refused; other sessions are not.
pub async fn a_revoked_session_is_refused(list: &dyn RevocationList) {
    let (revoked, other) = (session(), session());
    list.revoke(revoked, Utc::now() + TimeDelta::minutes(15)).await.unwrap();
    assert!(list.is_revoked(revoked).await.unwrap());
    assert!(!list.is_revoked(other).await.unwrap());
}

/// A revocation that is already over refuses nothing.
pub async fn a_revocation_in_the_past_refuses_nothing(list: &dyn RevocationList) {
    let s = session();
    list.revoke(s, Utc::now() - TimeDelta::minutes(1)).await.unwrap();
    assert!(!list.is_revoked(s).await.unwrap());
}

/// A second, shorter revocation never shortens the first.
pub async fn revoking_again_never_shortens_a_revocation(list: &dyn RevocationList) {
    let s = session();
    list.revoke(s, Utc::now() + TimeDelta::minutes(15)).await.unwrap();
    list.revoke(s, Utc::now() + TimeDelta::milliseconds(100)).await.unwrap();
    list.revoke(s, Utc::now() - TimeDelta::minutes(1)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(list.is_revoked(s).await.unwrap());
}

/// A revocation ends at its `until`.
pub async fn a_revocation_ends_at_its_until(list: &dyn RevocationList) {
    let s = session();
    list.revoke(s, Utc::now() + TimeDelta::milliseconds(200)).await.unwrap();
    assert!(list.is_revoked(s).await.unwrap());
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(!list.is_revoked(s).await.unwrap());
}
