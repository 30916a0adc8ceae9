//! [`Leases`]: rate-limit units an instance takes from a key's shared bucket ahead of its
//! requests, so that a key sending faster than one request per [`LEASE_TTL`] costs one script
//! per lease instead of one per request.
//!
//! A lease is sized to what the key used of the previous one: 1 for a key seen less than once
//! per lease period (every request runs the script, exactly as without leases), growing while
//! leases run out early, and never more than `limit / 16` units (so a quota under 32 per
//! window is never leased). Units a lease still holds when it ends are not given back: they
//! stay counted in the bucket, so leases can only make a limit stricter, never looser — by at
//! most the unused part of one lease per instance and lease period.
//!
//! Decisions answered from a lease report `remaining` and the reset time as if the lease's
//! unused units had not been taken, from the bucket's state when the lease was granted.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use edge::{RateDecision, RateQuota};

/// How long leased units stay usable.
pub(crate) const LEASE_TTL: Duration = Duration::from_millis(20);

/// A lease holds at most `limit / LARGEST_SHARE` units.
const LARGEST_SHARE: u32 = 16;

/// Books kept before the ones whose lease ended are dropped.
const BOOKS_KEPT: usize = 4096;

/// The leases of one instance, by policy and key.
#[derive(Debug)]
pub(crate) struct Leases {
    books: Mutex<Books>,
}

#[derive(Debug)]
struct Books {
    by_key: HashMap<String, Book>,
    /// The size past which ended leases are dropped.
    prune_at: usize,
}

/// One key's current lease.
#[derive(Debug, Clone, Copy)]
struct Book {
    /// When the last grant arrived; the lease ends `LEASE_TTL` later.
    granted_at: Instant,
    /// Units granted to this lease in all.
    size: u32,
    /// Units not yet used.
    left: u32,
    /// The bucket's reset time (TAT − now) right after the last grant, every granted unit
    /// counted.
    reset_after_grant: Duration,
    /// Since when a request has been asking the bucket for the key's next lease (one at a
    /// time: the others take single units meanwhile).
    fetching_since: Option<Instant>,
}

/// What to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Take {
    /// Allowed, from the lease.
    Leased(RateDecision),
    /// Allowed, from the lease, which is half used: ask the bucket for this many more units
    /// (all for the lease), then report [`Leases::granted`] or [`Leases::failed`].
    LeasedAndTopUp(RateDecision, u32),
    /// Ask the bucket for the key's next lease of this many units (the request uses the
    /// first), then report [`Leases::granted`] or [`Leases::failed`].
    Fetch(u32),
    /// Ask the bucket for one unit, as if there were no leases (a small quota, or another
    /// request is fetching the key's lease); report nothing.
    Single,
}

/// A fetch older than this was abandoned (its request went away): another may start.
const FETCH_ABANDONED: Duration = Duration::from_secs(2);

impl Default for Leases {
    fn default() -> Self {
        Self { books: Mutex::new(Books { by_key: HashMap::new(), prune_at: BOOKS_KEPT }) }
    }
}

impl Book {
    fn live(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.granted_at) < LEASE_TTL
    }

    /// The decision for a unit just taken, `self.left` units still unused.
    fn decision(&self, quota: RateQuota, now: Instant) -> RateDecision {
        let interval = Duration::from_micros(quota.interval_micros());
        let window = interval * quota.limit.max(1);
        let elapsed = now.saturating_duration_since(self.granted_at);
        let reset = self.reset_after_grant.saturating_sub(interval * self.left).saturating_sub(elapsed).max(interval);
        let remaining =
            (window.saturating_sub(reset).as_micros() / interval.as_micros().max(1)).min(u128::from(quota.limit - 1));
        RateDecision { allowed: true, remaining: u32::try_from(remaining).unwrap_or(0), reset_after: reset }
    }

    /// How many units the next grant asks for: about what the key uses in a lease period, at
    /// most twice the current lease (after one ended: what it used).
    fn next_size(&self, quota: RateQuota, now: Instant) -> u32 {
        let largest = largest_lease(quota);
        let used = self.size - self.left;
        if !self.live(now) {
            return used.clamp(1, largest);
        }
        let elapsed = now.saturating_duration_since(self.granted_at).max(Duration::from_micros(1));
        let by_rate = u32::try_from(u128::from(used) * LEASE_TTL.as_micros() / elapsed.as_micros()).unwrap_or(u32::MAX);
        // A lease used up within its period grows.
        let least = if self.left == 0 { self.size + 1 } else { 1 };
        by_rate.min(self.size.saturating_mul(2)).max(least).min(largest)
    }

    fn fetching(&self, now: Instant) -> bool {
        self.fetching_since.is_some_and(|since| now.saturating_duration_since(since) < FETCH_ABANDONED)
    }
}

/// The most units one lease holds under `quota`.
fn largest_lease(quota: RateQuota) -> u32 {
    (quota.limit / LARGEST_SHARE).max(1)
}

fn book_key(key: &str, quota: RateQuota) -> String {
    format!("{}\u{0}{key}", quota.name)
}

impl Leases {
    fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a unit of `key`'s lease, or says how to ask the bucket.
    pub(crate) fn take(&self, key: &str, quota: RateQuota, now: Instant) -> Take {
        if largest_lease(quota) == 1 {
            return Take::Single;
        }
        let mut books = self.books();
        let book = match books.by_key.entry(book_key(key, quota)) {
            Entry::Occupied(occupied) => occupied.into_mut(),
            Entry::Vacant(vacant) => {
                // No units yet: its first fetch is this request's.
                vacant.insert(Book {
                    granted_at: now,
                    size: 0,
                    left: 0,
                    reset_after_grant: Duration::ZERO,
                    fetching_since: Some(now),
                });
                return Take::Fetch(1);
            }
        };
        if book.live(now) && book.left > 0 {
            book.left -= 1;
            let decision = book.decision(quota, now);
            if book.left * 2 < book.size && !book.fetching(now) {
                book.fetching_since = Some(now);
                return Take::LeasedAndTopUp(decision, book.next_size(quota, now));
            }
            return Take::Leased(decision);
        }
        if book.fetching(now) {
            return Take::Single;
        }
        book.fetching_since = Some(now);
        Take::Fetch(book.next_size(quota, now))
    }

    /// The fetch of `key`'s lease failed or was refused: another request may fetch.
    pub(crate) fn failed(&self, key: &str, quota: RateQuota) {
        if let Some(book) = self.books().by_key.get_mut(&book_key(key, quota)) {
            book.fetching_since = None;
        }
    }

    /// Records a grant of `granted` units (≥ 1) for `key`'s lease, with the bucket's
    /// `reset_after` once they were all counted. After a [`Take::Fetch`], the first unit is the
    /// fetching request's, and its decision is returned; after a [`Take::LeasedAndTopUp`] every
    /// unit goes to the lease (ignore the decision).
    pub(crate) fn granted(
        &self,
        key: &str,
        quota: RateQuota,
        now: Instant,
        granted: u32,
        reset_after: Duration,
        top_up: bool,
    ) -> RateDecision {
        let mut books = self.books();
        if books.by_key.len() >= books.prune_at {
            books.by_key.retain(|_, book| book.live(now) || book.fetching(now));
            books.prune_at = (books.by_key.len() * 2).max(BOOKS_KEPT);
        }
        let mut book = Book {
            granted_at: now,
            size: granted,
            left: if top_up { granted } else { granted - 1 },
            reset_after_grant: reset_after,
            fetching_since: None,
        };
        match books.by_key.entry(book_key(key, quota)) {
            Entry::Vacant(vacant) => {
                vacant.insert(book);
            }
            Entry::Occupied(mut occupied) => {
                let current = occupied.get();
                if current.live(now) && current.left > 0 {
                    // Units still unused join the grant (the bucket's state after it counts
                    // them all); the lease's use is counted from now.
                    book.size += current.left;
                    book.left += current.left;
                }
                occupied.insert(book);
            }
        }
        book.decision(quota, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "user";

    fn quota(limit: u32) -> RateQuota {
        RateQuota::per_minute("test", limit)
    }

    /// The bucket's reset after `units` of an empty bucket were taken.
    fn reset_for(quota: RateQuota, units: u32) -> Duration {
        Duration::from_micros(quota.interval_micros()) * units
    }

    #[test]
    fn a_key_seen_for_the_first_time_asks_for_one_unit() {
        let leases = Leases::default();
        assert_eq!(leases.take(KEY, quota(6000), Instant::now()), Take::Fetch(1));
    }

    #[test]
    fn one_request_at_a_time_fetches_a_keys_lease_and_the_others_take_single_units() {
        let leases = Leases::default();
        let (q, now) = (quota(6000), Instant::now());
        assert_eq!(leases.take(KEY, q, now), Take::Fetch(1));
        assert_eq!(leases.take(KEY, q, now), Take::Single);
        leases.failed(KEY, q);
        assert_eq!(leases.take(KEY, q, now), Take::Fetch(1), "the failed fetch no longer blocks");
        leases.granted(KEY, q, now, 1, reset_for(q, 1), false);
        assert_eq!(leases.take(KEY, q, now), Take::Fetch(2));
        assert_eq!(leases.take(KEY, q, now), Take::Single);
        let later = now + FETCH_ABANDONED;
        assert!(matches!(leases.take(KEY, q, later), Take::Fetch(_)), "an abandoned fetch no longer blocks");
    }

    #[test]
    fn small_quotas_are_never_leased() {
        let leases = Leases::default();
        let (q, now) = (quota(31), Instant::now());
        for _ in 1..=5 {
            assert_eq!(leases.take(KEY, q, now), Take::Single);
        }
    }

    #[test]
    fn a_slow_key_asks_for_one_unit_each_time() {
        let leases = Leases::default();
        let (q, start) = (quota(6000), Instant::now());
        for n in 0..10 {
            let now = start + LEASE_TTL * 2 * n;
            assert_eq!(leases.take(KEY, q, now), Take::Fetch(1), "request {n}");
            leases.granted(KEY, q, now, 1, reset_for(q, 1), false);
        }
    }

    #[test]
    fn a_lease_used_up_at_once_grows_at_most_twofold_and_never_past_a_sixteenth_of_the_limit() {
        let leases = Leases::default();
        let (q, now) = (quota(160), Instant::now());
        assert_eq!(leases.take(KEY, q, now), Take::Fetch(1));
        leases.granted(KEY, q, now, 1, reset_for(q, 1), false);
        let mut sizes = Vec::new();
        for _ in 0..6 {
            // Every unit taken at once; the top-ups asked for half-way are refused.
            let next = loop {
                match leases.take(KEY, q, now) {
                    Take::Leased(_) => {}
                    Take::LeasedAndTopUp(_, _) => leases.failed(KEY, q),
                    Take::Fetch(next) => break next,
                    Take::Single => panic!("no fetch is in flight"),
                }
            };
            sizes.push(next);
            leases.granted(KEY, q, now, next, reset_for(q, next), false);
        }
        assert_eq!(sizes, [2, 4, 8, 10, 10, 10]);
    }

    #[test]
    fn a_steady_key_is_served_from_leases_topped_up_before_they_run_out() {
        // 10 000 requests per second for a second, each top-up granted 1 ms after it is asked.
        let leases = Leases::default();
        let (q, start) = (quota(6_000_000), Instant::now());
        let (mut scripts, mut singles, mut sizes) = (0, Vec::new(), Vec::new());
        let mut pending: Option<(Instant, u32, bool)> = None;
        for n in 0..10_000 {
            let now = start + Duration::from_micros(100) * n;
            if let Some((due, units, top_up)) = pending.filter(|(due, _, _)| *due <= now) {
                leases.granted(KEY, q, due, units, reset_for(q, units), top_up);
                pending = None;
            }
            match leases.take(KEY, q, now) {
                Take::Leased(_) => {}
                Take::LeasedAndTopUp(_, units) => {
                    scripts += 1;
                    sizes.push(units);
                    pending = Some((now + Duration::from_millis(1), units, true));
                }
                Take::Fetch(units) => {
                    scripts += 1;
                    leases.granted(KEY, q, now + Duration::from_millis(1), units, reset_for(q, units), false);
                }
                Take::Single => singles.push(n),
            }
        }
        assert!(scripts < 100, "{scripts} scripts for 10 000 requests");
        // While leases grow (the first milliseconds), some run out before their top-up arrives.
        assert!(singles.iter().all(|n| *n < 500), "single units taken at requests {singles:?}");
        let last = *sizes.last().unwrap();
        assert!((100..=400).contains(&last), "leases settle near a lease period's use (200): {sizes:?}");
    }

    #[test]
    fn an_ended_lease_is_not_used_and_the_next_is_sized_to_what_it_used() {
        let leases = Leases::default();
        let (q, now) = (quota(6000), Instant::now());
        leases.take(KEY, q, now);
        leases.granted(KEY, q, now, 100, reset_for(q, 100), false);
        for _ in 0..29 {
            assert!(matches!(leases.take(KEY, q, now), Take::Leased(_)));
        }
        assert_eq!(leases.take(KEY, q, now + LEASE_TTL), Take::Fetch(30));
    }

    #[test]
    fn leased_decisions_count_down_remaining_as_the_bucket_would() {
        let leases = Leases::default();
        let (q, now) = (quota(6000), Instant::now());
        // Ten units of a full bucket: the asking request sees 5999 remaining, as if alone.
        let first = leases.granted(KEY, q, now, 10, reset_for(q, 10), false);
        assert_eq!(first.remaining, 5999);
        assert_eq!(first.reset_after, reset_for(q, 1));
        for n in 2..=10 {
            let (Take::Leased(decision) | Take::LeasedAndTopUp(decision, _)) = leases.take(KEY, q, now) else {
                panic!("leased")
            };
            assert!(decision.allowed);
            assert_eq!(decision.remaining, 6000 - n);
            assert_eq!(decision.reset_after, reset_for(q, n));
        }
    }

    #[test]
    fn a_top_up_adds_to_the_units_left() {
        let leases = Leases::default();
        let (q, now) = (quota(6000), Instant::now());
        leases.granted(KEY, q, now, 4, reset_for(q, 4), false);
        leases.granted(KEY, q, now, 4, reset_for(q, 8), true);
        let mut leased = 0;
        while let Take::Leased(_) | Take::LeasedAndTopUp(..) = leases.take(KEY, q, now) {
            leased += 1;
        }
        assert_eq!(leased, 7, "3 left of the first grant, 4 of the top-up");
    }

    #[test]
    fn other_keys_and_policies_have_their_own_leases() {
        let leases = Leases::default();
        let (q, now) = (quota(6000), Instant::now());
        leases.take(KEY, q, now);
        leases.granted(KEY, q, now, 10, reset_for(q, 10), false);
        assert!(matches!(leases.take(KEY, q, now), Take::Leased(_)));
        assert_eq!(leases.take("other", q, now), Take::Fetch(1));
        assert_eq!(leases.take(KEY, RateQuota::per_minute("other-policy", 6000), now), Take::Fetch(1));
    }
}
