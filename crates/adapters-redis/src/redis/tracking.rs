//! [`TrackedCopies`]: one connection's local copies of the replies to *tracked reads*, kept
//! current by the invalidation messages Redis pushes on that connection (RESP3 client
//! tracking, `OPTIN`: only reads sent right after `CLIENT CACHING YES` are tracked).
//!
//! Ours rather than redis-rs's client-side cache, which stores a reply when the caller's task
//! resumes — after the connection's reader may already have applied the invalidation that
//! followed the reply on the wire. The stale copy then stayed until its time-to-live: seen in
//! the benchmark as one worker thread missing the read cache for a whole run (a stale "no
//! entry" copy), and a hazard for every tracked read (a stale generation, a revocation not
//! seen). Here a reply is kept only if no invalidation at all arrived on the connection
//! between sending its read and keeping it; the reader applies invalidations in the order of
//! the stream, so a copy that is kept is either current or removed by an invalidation
//! still to come.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use deadpool_redis::redis::{PushInfo, PushKind, Value};

/// The most copies a connection keeps; past it they are all dropped (and read again).
const MAX_COPIES: usize = 10_000;

/// The longest a copy is kept without being read from Redis again (the invalidation messages
/// keep it current meanwhile; this bounds the harm of one that never arrives).
const COPY_TTL: Duration = Duration::from_secs(60);

/// The copies of one connection.
#[derive(Debug, Default)]
pub(crate) struct TrackedCopies {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Invalidation messages applied so far.
    invalidations: u64,
    /// By Redis key (each tracked read reads one key).
    copies: HashMap<String, Copy>,
}

#[derive(Debug)]
struct Copy {
    /// The read it answers (its packed command).
    command: Vec<u8>,
    value: Value,
    expires_at: Instant,
}

/// What a lookup found.
#[derive(Debug, PartialEq)]
pub(crate) enum Lookup {
    /// The current reply.
    Copy(Value),
    /// No copy: send the read, then [`TrackedCopies::keep`] its reply with this mark.
    Missing(u64),
}

impl TrackedCopies {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The copy of `command`'s reply on `key`, or the mark to keep the reply under.
    pub(crate) fn lookup(&self, key: &str, command: &[u8], now: Instant) -> Lookup {
        let state = self.lock();
        match state.copies.get(key) {
            Some(copy) if copy.command == command && now < copy.expires_at => Lookup::Copy(copy.value.clone()),
            _ => Lookup::Missing(state.invalidations),
        }
    }

    /// Keeps `value`, the reply to `command` on `key` sent after [`TrackedCopies::lookup`]
    /// returned `mark` — unless an invalidation arrived since (it may concern this reply) —
    /// for [`COPY_TTL`] at most, and no longer than the key lives on the server (`expires_in`,
    /// when it has a time-to-live: Redis may not report an expiry at once).
    pub(crate) fn keep(
        &self,
        key: &str,
        command: Vec<u8>,
        value: Value,
        mark: u64,
        now: Instant,
        expires_in: Option<Duration>,
    ) {
        let mut state = self.lock();
        if state.invalidations != mark {
            return;
        }
        if state.copies.len() >= MAX_COPIES && !state.copies.contains_key(key) {
            state.copies.clear();
        }
        let lives = expires_in.map_or(COPY_TTL, |left| left.min(COPY_TTL));
        state.copies.insert(key.to_owned(), Copy { command, value, expires_at: now + lives });
    }

    /// Applies a message Redis pushed on the connection: an invalidation drops the copies of
    /// its keys (of all keys for a flush); a disconnection drops them all.
    pub(crate) fn pushed(&self, push: &PushInfo) {
        let mut state = self.lock();
        match (&push.kind, push.data.first()) {
            (PushKind::Invalidate, Some(Value::Array(keys))) => {
                for key in keys {
                    if let Value::BulkString(key) = key {
                        state.copies.remove(String::from_utf8_lossy(key).as_ref());
                    }
                }
            }
            (PushKind::Invalidate | PushKind::Disconnection, _) => state.copies.clear(),
            _ => return,
        }
        state.invalidations += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalidate(keys: &[&str]) -> PushInfo {
        let keys = keys.iter().map(|k| Value::BulkString(k.as_bytes().to_vec())).collect();
        PushInfo { kind: PushKind::Invalidate, data: vec![Value::Array(keys)] }
    }

    fn mark(lookup: Lookup) -> u64 {
        match lookup {
            Lookup::Missing(mark) => mark,
            Lookup::Copy(value) => panic!("unexpected copy {value:?}"),
        }
    }

    #[test]
    fn a_reply_is_kept_until_its_key_is_invalidated() {
        let (copies, now) = (TrackedCopies::default(), Instant::now());
        let mark = mark(copies.lookup("k", b"GET k", now));
        copies.keep("k", b"GET k".to_vec(), Value::Int(1), mark, now, None);
        assert_eq!(copies.lookup("k", b"GET k", now), Lookup::Copy(Value::Int(1)));
        assert!(matches!(copies.lookup("k", b"EXISTS k", now), Lookup::Missing(_)), "another read of the key");
        copies.pushed(&invalidate(&["other"]));
        assert_eq!(copies.lookup("k", b"GET k", now), Lookup::Copy(Value::Int(1)));
        copies.pushed(&invalidate(&["k"]));
        assert!(matches!(copies.lookup("k", b"GET k", now), Lookup::Missing(_)));
    }

    /// The race of redis-rs's cache: the reader applies the invalidation that followed the
    /// reply before the caller keeps the reply.
    #[test]
    fn a_reply_is_not_kept_when_an_invalidation_arrived_after_its_read_was_sent() {
        let (copies, now) = (TrackedCopies::default(), Instant::now());
        let mark = mark(copies.lookup("k", b"GET k", now));
        copies.pushed(&invalidate(&["k"]));
        copies.keep("k", b"GET k".to_vec(), Value::Nil, mark, now, None);
        assert!(matches!(copies.lookup("k", b"GET k", now), Lookup::Missing(_)), "the stale reply was not kept");
    }

    #[test]
    fn copies_expire_and_flushes_or_disconnections_drop_them_all() {
        let (copies, now) = (TrackedCopies::default(), Instant::now());
        let keep = |key: &str, expires_in| {
            let mark = mark(copies.lookup(key, key.as_bytes(), now));
            copies.keep(key, key.as_bytes().to_vec(), Value::Okay, mark, now, expires_in);
        };
        keep("a", None);
        assert!(matches!(copies.lookup("a", b"a", now + COPY_TTL), Lookup::Missing(_)), "expired");
        keep("s", Some(Duration::from_millis(200)));
        assert_eq!(copies.lookup("s", b"s", now), Lookup::Copy(Value::Okay));
        let later = now + Duration::from_millis(200);
        assert!(matches!(copies.lookup("s", b"s", later), Lookup::Missing(_)), "the key's own time-to-live");
        copies.pushed(&PushInfo { kind: PushKind::Invalidate, data: vec![Value::Nil] });
        assert!(matches!(copies.lookup("a", b"a", now), Lookup::Missing(_)), "flushed");
        keep("b", Some(COPY_TTL * 2));
        copies.pushed(&PushInfo { kind: PushKind::Disconnection, data: vec![] });
        assert!(matches!(copies.lookup("b", b"b", now), Lookup::Missing(_)), "disconnected");
    }
}
