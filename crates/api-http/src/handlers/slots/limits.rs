//! The per-user cost bound of slot search. A search served from the read cache costs what a
//! cached catalog read costs and is bound only by the `default` rate limit; one that is
//! computed (the organization's TAs, their calendars, up to a month of grid starts checked
//! against them) must also pass two bounds, else 429 `rate_limited` with `Retry-After`:
//!
//! - at most [`IN_FLIGHT_PER_USER`] of the user's searches computing at once on an instance,
//!   so that one user's parallel searches cannot occupy the workers everyone shares;
//! - at most [`SEARCH_QUOTA`] computed searches per user per minute (the `slots` policy, in
//!   the shared rate limiter, so across every instance): with a page's cost bounded, this
//!   bounds the CPU one user's searches take.
//!
//! If the rate limiter fails, the search goes through, as every request does then (see
//! `middleware::rate_limit`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use domain::shared::UserId;
use edge::EdgeCode;
use edge::RateQuota;

use crate::problem::ApiError;
use crate::state::HttpState;

/// Searches one user may have computing at once on one instance.
pub const IN_FLIGHT_PER_USER: usize = 2;

/// Computed searches per user: 60 a minute, in bursts of at most 60.
pub const SEARCH_QUOTA: RateQuota = RateQuota { name: "slots", limit: 60, window: Duration::from_secs(60) };

/// The searches computing now, per user.
#[derive(Debug, Default)]
pub struct InFlight {
    users: Mutex<HashMap<UserId, usize>>,
}

/// A search's place among its user's computing ones, given back when dropped.
#[derive(Debug)]
pub struct Ticket<'a> {
    gate: &'a InFlight,
    user: UserId,
}

impl InFlight {
    /// A place for one more search of `user`, unless [`IN_FLIGHT_PER_USER`] are computing.
    pub fn enter(&self, user: UserId) -> Option<Ticket<'_>> {
        let mut users = self.users.lock().ok()?;
        let running = users.entry(user).or_insert(0);
        if *running >= IN_FLIGHT_PER_USER {
            return None;
        }
        *running += 1;
        Some(Ticket { gate: self, user })
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if let Ok(mut users) = self.gate.users.lock()
            && let Some(running) = users.get_mut(&self.user)
        {
            *running = running.saturating_sub(1);
            if *running == 0 {
                users.remove(&self.user);
            }
        }
    }
}

fn refused(detail: &str, seconds: u64) -> ApiError {
    ApiError::new(EdgeCode::RateLimited).detail(format!("{detail}; retry in {seconds} s.")).retry_after(seconds)
}

/// Lets one computed search of `user` start, or refuses it with 429.
///
/// # Errors
/// `rate_limited` with `Retry-After` when either bound is reached.
pub async fn admit<'a>(state: &HttpState, in_flight: &'a InFlight, user: UserId) -> Result<Ticket<'a>, ApiError> {
    let ticket = in_flight
        .enter(user)
        .ok_or_else(|| refused(&format!("At most {IN_FLIGHT_PER_USER} slot searches may run at once"), 1))?;
    match state.edge.limiter.check(&format!("slots:user:{user}"), SEARCH_QUOTA).await {
        Ok(decision) if !decision.allowed => {
            metrics::counter!(crate::middleware::observe::RATE_LIMITED, "policy" => SEARCH_QUOTA.name).increment(1);
            Err(refused(
                &format!("At most {} slot searches a minute are computed", SEARCH_QUOTA.limit),
                decision.reset_seconds(),
            ))
        }
        Ok(_) => Ok(ticket),
        Err(error) => {
            tracing::warn!(error = %error, "rate limiter unavailable: slot search let through");
            Ok(ticket)
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn each_user_has_two_places_given_back_when_a_search_ends() {
        let gate = InFlight::default();
        let (sam, kim) = (UserId::from_uuid(Uuid::now_v7()), UserId::from_uuid(Uuid::now_v7()));
        let first = gate.enter(sam).unwrap();
        let second = gate.enter(sam).unwrap();
        assert!(gate.enter(sam).is_none(), "a third search of Sam waits for one of his");
        let other = gate.enter(kim);
        assert!(other.is_some(), "Kim is not held by Sam's searches");
        drop(first);
        let third = gate.enter(sam);
        assert!(third.is_some());
        drop((second, third, other));
        assert!(gate.users.lock().unwrap().is_empty(), "nothing kept for idle users");
    }
}
