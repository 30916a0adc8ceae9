//! Fixtures of the shared-state tests: instances over one PostgreSQL database and one Redis
//! (each test with its own key prefix), optionally reaching Redis through a proxy the test
//! can cut.
#![allow(dead_code, reason = "each test file uses part of the fixture")]

use std::sync::Arc;

use app::Settings;
use test_support::proxy::TcpProxy;

use crate::helpers::{TestApp, spawn_with};

/// Redis for one test: its URL and a key prefix of its own.
#[derive(Clone)]
pub struct TestRedis {
    pub url: String,
    pub prefix: String,
}

impl TestRedis {
    /// From `TEST_REDIS_URL`, or `None` (reported by `test_support`).
    pub fn new() -> Option<Self> {
        let (url, prefix) = test_support::redis::url_and_prefix()?;
        Some(Self { url, prefix })
    }

    /// Points the settings at this Redis.
    pub fn apply(&self, settings: &mut Settings) {
        settings.redis_url = Some(self.url.clone());
        settings.redis_key_prefix.clone_from(&self.prefix);
        settings.redis_timeout_ms = 300;
    }

    /// A proxy in front of this Redis, and the same Redis reached through it.
    pub async fn behind_proxy(&self) -> (TcpProxy, TestRedis) {
        let proxy = TcpProxy::start_for(&test_support::redis::host_port(&self.url).unwrap()).await.unwrap();
        let url = test_support::redis::with_addr(&self.url, proxy.addr()).unwrap();
        (proxy, TestRedis { url, prefix: self.prefix.clone() })
    }
}

/// `n` instances over one fresh PostgreSQL database sharing `redis`, each with `tweak` applied
/// after Redis, the first alone running the email worker; `None` when PostgreSQL is
/// unavailable (reported by `test_support`).
pub async fn instances(redis: &TestRedis, n: usize, tweak: impl Fn(&mut Settings)) -> Option<Vec<TestApp>> {
    let db = Arc::new(test_support::postgres::database().await?);
    let mut apps = Vec::new();
    for i in 0..n {
        apps.push(
            spawn_with(db.clone(), |s| {
                redis.apply(s);
                // One email worker: the test reads emails from the first instance's directory.
                s.worker_enabled = i == 0;
                tweak(s);
            })
            .await,
        );
    }
    Some(apps)
}

/// One application per backend and edge: SQLite and PostgreSQL with the in-process stores, and
/// PostgreSQL with Redis when both are available.
pub async fn every_edge() -> Vec<TestApp> {
    let mut apps = crate::helpers::apps().await;
    if let Some(redis) = TestRedis::new()
        && let Some(mut with_redis) = instances(&redis, 1, |_| {}).await
    {
        apps.append(&mut with_redis);
    }
    apps
}
