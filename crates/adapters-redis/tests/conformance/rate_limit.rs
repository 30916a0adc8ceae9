//! Rate limiter conformance: GCRA limits, exact at the boundary, under concurrency.

use std::sync::Arc;
use std::time::Duration;

use edge::{RateLimiter, RateQuota};

use super::unique;

/// Limit 5 per minute: five allowed in a burst with `remaining` 4..0, the sixth refused with
/// a wait of about one interval (12 s); other keys and policies are counted apart.
pub async fn exact_at_the_boundary(limiter: &dyn RateLimiter) {
    let key = unique("client");
    let quota = RateQuota::per_minute("conformance", 5);
    for (n, remaining) in (0..5).rev().enumerate() {
        let decision = limiter.check(&key, quota).await.unwrap();
        assert!(decision.allowed, "request {n} allowed");
        assert_eq!(decision.remaining, remaining);
        let full = Duration::from_secs(12) * (u32::try_from(n).unwrap() + 1);
        assert!(decision.reset_after <= full && decision.reset_after > full - Duration::from_secs(1), "{decision:?}");
    }
    let refused = limiter.check(&key, quota).await.unwrap();
    assert!(!refused.allowed);
    assert_eq!(refused.remaining, 0);
    assert!(refused.reset_after <= Duration::from_secs(12), "{refused:?}");
    assert!(refused.reset_after > Duration::from_secs(11), "{refused:?}");
    assert_eq!(refused.reset_seconds(), 12);

    assert!(limiter.check(&unique("other"), quota).await.unwrap().allowed, "another key");
    let other_policy = RateQuota::per_minute("conformance-other", 5);
    assert!(limiter.check(&key, other_policy).await.unwrap().allowed, "another policy");
}

/// One unit comes back per interval (100 ms here), not sooner.
pub async fn one_unit_comes_back_per_interval(limiter: &dyn RateLimiter) {
    let key = unique("client");
    let quota = RateQuota { name: "conformance-fast", limit: 3, window: Duration::from_millis(300) };
    for _ in 0..3 {
        assert!(limiter.check(&key, quota).await.unwrap().allowed);
    }
    let refused = limiter.check(&key, quota).await.unwrap();
    assert!(!refused.allowed);
    tokio::time::sleep(refused.reset_after + Duration::from_millis(20)).await;
    let again = limiter.check(&key, quota).await.unwrap();
    assert!(again.allowed, "{again:?}");
    assert!(!limiter.check(&key, quota).await.unwrap().allowed, "only one came back");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let whole = limiter.check(&key, quota).await.unwrap();
    assert_eq!((whole.allowed, whole.remaining), (true, 2), "whole again after the window");
}

/// 100 concurrent checks of one key with limit 10: exactly 10 allowed.
pub async fn concurrent_checks_take_exactly_the_limit(limiter: Arc<dyn RateLimiter>) {
    let key = Arc::new(unique("client"));
    let quota = RateQuota::per_minute("conformance", 10);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (limiter, key) = (Arc::clone(&limiter), Arc::clone(&key));
            tokio::spawn(async move { limiter.check(&key, quota).await.unwrap().allowed })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        allowed += u32::from(task.await.unwrap());
    }
    assert_eq!(allowed, 10);
}
