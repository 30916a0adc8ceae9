//! The login throttle in process memory: consecutive failures per (scope, subject, IP), failure
//! times per (scope, subject) over a sliding hour, and locks for one IP or for every IP. A
//! subject is an email at one organization ([`ThrottleSubject`]).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use domain::accounts::{FailureCounts, LoginThrottle, ThrottleScope, ThrottleSubject};
use domain::store::StoreError;

use super::lock;

/// The sliding window of the every-IP count.
pub const FAILURE_WINDOW: TimeDelta = TimeDelta::hours(1);

/// A consecutive-failure counter with no new failure for this long is forgotten, as a Redis
/// key with this time-to-live would be: without it, every (email, IP) pair that ever failed
/// would stay in memory for good.
pub const CONSECUTIVE_IDLE_TTL: TimeDelta = TimeDelta::hours(24);

/// Failures recorded between two sweeps of idle entries.
const SWEEP_EVERY: u32 = 1024;

/// (scope, subject key).
type SubjectKey = (ThrottleScope, String);
/// (scope, subject key, client IP).
type IpKey = (ThrottleScope, String, Option<IpAddr>);

/// Failure counters and locks of the lockout policy, for one process.
///
/// - `record_failure` adds one to the consecutive counter of (scope, subject, IP) and the
///   failure time to the (scope, subject) window, dropping times an hour old or older, and
///   returns both counts.
/// - `lock` with an IP locks the subject for that IP; without one, for every IP. A lock is never
///   shortened by a later, shorter one.
/// - `locked_until` is the later end of the IP's lock and the every-IP lock among those still in
///   force at `now`; expired locks are removed as they are read.
/// - `reset` clears the consecutive counter of (scope, subject, IP) only: the hourly count keeps
///   counting failures from other IPs.
///
/// Subjects are keyed by [`ThrottleSubject::key`]: the same email at two organizations is
/// counted and locked apart.
#[derive(Default)]
pub struct MemoryLoginThrottle {
    state: std::sync::Mutex<State>,
}

#[derive(Default)]
struct State {
    consecutive: HashMap<IpKey, Consecutive>,
    /// Failure times of the last hour, oldest first.
    windows: HashMap<SubjectKey, VecDeque<DateTime<Utc>>>,
    ip_locks: HashMap<IpKey, DateTime<Utc>>,
    every_ip_locks: HashMap<SubjectKey, DateTime<Utc>>,
    failures_since_sweep: u32,
}

#[derive(Clone, Copy)]
struct Consecutive {
    count: u32,
    last: DateTime<Utc>,
}

impl MemoryLoginThrottle {
    /// An empty throttle.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many counters, windows and locks are held, expired ones not yet swept included
    /// (for tests and metrics).
    pub fn entries(&self) -> usize {
        let state = lock(&self.state);
        state.consecutive.len() + state.windows.len() + state.ip_locks.len() + state.every_ip_locks.len()
    }
}

impl std::fmt::Debug for MemoryLoginThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Counts only: the keys are email addresses and client IPs.
        f.debug_struct("MemoryLoginThrottle").field("entries", &self.entries()).finish_non_exhaustive()
    }
}

impl State {
    /// Drops everything that no longer counts at `now`.
    fn sweep(&mut self, now: DateTime<Utc>) {
        self.consecutive.retain(|_, c| now - c.last < CONSECUTIVE_IDLE_TTL);
        self.windows.retain(|_, times| {
            trim_window(times, now);
            !times.is_empty()
        });
        self.ip_locks.retain(|_, until| now < *until);
        self.every_ip_locks.retain(|_, until| now < *until);
        self.failures_since_sweep = 0;
    }
}

/// Drops the failure times an hour old or older at `now`.
fn trim_window(times: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>) {
    while times.front().is_some_and(|t| now - *t >= FAILURE_WINDOW) {
        times.pop_front();
    }
}

/// The lock's end if it is still in force at `now`; an expired lock is removed.
fn lock_in_force<K>(locks: &mut HashMap<K, DateTime<Utc>>, key: &K, now: DateTime<Utc>) -> Option<DateTime<Utc>>
where
    K: std::hash::Hash + Eq,
{
    match locks.get(key) {
        Some(until) if now < *until => Some(*until),
        Some(_) => {
            locks.remove(key);
            None
        }
        None => None,
    }
}

/// Sets a lock, keeping the later end if one is already set.
fn extend_lock<K: std::hash::Hash + Eq>(locks: &mut HashMap<K, DateTime<Utc>>, key: K, until: DateTime<Utc>) {
    let entry = locks.entry(key).or_insert(until);
    *entry = (*entry).max(until);
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[async_trait]
impl LoginThrottle for MemoryLoginThrottle {
    async fn locked_until(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut state = lock(&self.state);
        let every_ip = lock_in_force(&mut state.every_ip_locks, &(scope, subject.key()), now);
        // Without an IP there is no per-IP lock to find: only the every-IP lock applies.
        let this_ip = match ip {
            Some(ip) => lock_in_force(&mut state.ip_locks, &(scope, subject.key(), Some(ip)), now),
            None => None,
        };
        Ok(every_ip.max(this_ip))
    }

    async fn record_failure(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<FailureCounts, StoreError> {
        let mut state = lock(&self.state);
        state.failures_since_sweep += 1;
        if state.failures_since_sweep >= SWEEP_EVERY {
            state.sweep(now);
        }

        let counter =
            state.consecutive.entry((scope, subject.key(), ip)).or_insert(Consecutive { count: 0, last: now });
        if now - counter.last >= CONSECUTIVE_IDLE_TTL {
            counter.count = 0;
        }
        counter.count = counter.count.saturating_add(1);
        counter.last = counter.last.max(now);
        let consecutive_from_ip = counter.count;

        let times = state.windows.entry((scope, subject.key())).or_default();
        trim_window(times, now);
        // Keep the window sorted even if callers' clocks disagree slightly.
        let at = times.partition_point(|t| *t <= now);
        times.insert(at, now);
        let last_hour_all_ips = saturating_u32(times.len());

        Ok(FailureCounts { consecutive_from_ip, last_hour_all_ips })
    }

    async fn lock(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut state = lock(&self.state);
        match ip {
            Some(ip) => extend_lock(&mut state.ip_locks, (scope, subject.key(), Some(ip)), until),
            None => extend_lock(&mut state.every_ip_locks, (scope, subject.key()), until),
        }
        Ok(())
    }

    async fn reset(
        &self,
        scope: ThrottleScope,
        subject: &ThrottleSubject,
        ip: Option<IpAddr>,
    ) -> Result<(), StoreError> {
        lock(&self.state).consecutive.remove(&(scope, subject.key(), ip));
        Ok(())
    }
}
