//! The lockout policy: repeated failures lock an email of an organization, for one client IP or
//! for everyone.

use chrono::TimeDelta;

use crate::shared::Email;
use crate::tenancy::Slug;

/// What a throttled counter is counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThrottleScope {
    /// Failed logins.
    Login,
    /// Password-reset requests.
    PasswordReset,
    /// Verification-email requests.
    EmailVerification,
}

impl ThrottleScope {
    /// `login`, `password_reset` or `email_verification` (used in store keys).
    pub const fn as_str(self) -> &'static str {
        match self {
            ThrottleScope::Login => "login",
            ThrottleScope::PasswordReset => "password_reset",
            ThrottleScope::EmailVerification => "email_verification",
        }
    }
}

/// Whose attempts a throttle counts: an email at one organization, named by its slug as the
/// client names it (so that an unknown academy is counted like a known one, without a lookup).
/// The same email at two academies is two subjects: failures at one never lock the other.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThrottleSubject {
    organization: Slug,
    email: Email,
}

impl ThrottleSubject {
    /// `email` at the organization of `organization`.
    pub fn new(organization: &Slug, email: &Email) -> Self {
        Self { organization: organization.clone(), email: email.clone() }
    }

    /// The organization's slug.
    pub fn organization(&self) -> &Slug {
        &self.organization
    }

    /// The email.
    pub fn email(&self) -> &Email {
        &self.email
    }

    /// `{slug}/{email}`: one string per subject (a slug has no `/`), for store keys.
    pub fn key(&self) -> String {
        format!("{}/{}", self.organization.as_str(), self.email.as_str())
    }
}

/// Counters after recording one more failure for an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureCounts {
    /// Consecutive failures for the email from this client IP (reset by a success from it).
    pub consecutive_from_ip: u32,
    /// Failures for the email from any IP in the last hour.
    pub last_hour_all_ips: u32,
}

/// Who a lock applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockScope {
    /// The email, from the client IP that failed.
    ThisIp,
    /// The email, from every IP.
    AllIps,
}

/// Lock an email for one IP after `max_consecutive` failures from it, for every IP after
/// `max_per_hour` failures from any, each for `duration`. Emails with no account count the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failures from one IP before that IP is locked out (`LOGIN_MAX_FAILURES`).
    pub max_consecutive: u32,
    /// Failures in an hour from any IPs before everyone is locked out.
    pub max_per_hour: u32,
    /// How long a lock lasts (`LOGIN_LOCKOUT_MINUTES`).
    pub duration: TimeDelta,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self { max_consecutive: 5, max_per_hour: 100, duration: TimeDelta::minutes(15) }
    }
}

impl LockoutPolicy {
    /// The lock to put in place after a failure that brought the counters to `counts`.
    pub fn after_failure(&self, counts: FailureCounts) -> Option<LockScope> {
        if counts.last_hour_all_ips >= self.max_per_hour {
            Some(LockScope::AllIps)
        } else if counts.consecutive_from_ip >= self.max_consecutive {
            Some(LockScope::ThisIp)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(ip: u32, hour: u32) -> FailureCounts {
        FailureCounts { consecutive_from_ip: ip, last_hour_all_ips: hour }
    }

    #[test]
    fn five_consecutive_failures_lock_the_ip() {
        let p = LockoutPolicy::default();
        assert_eq!(p.after_failure(counts(4, 4)), None);
        assert_eq!(p.after_failure(counts(5, 5)), Some(LockScope::ThisIp));
    }

    #[test]
    fn a_hundred_failures_in_an_hour_lock_everyone() {
        let p = LockoutPolicy::default();
        assert_eq!(p.after_failure(counts(1, 99)), None);
        assert_eq!(p.after_failure(counts(1, 100)), Some(LockScope::AllIps));
        assert_eq!(p.after_failure(counts(7, 100)), Some(LockScope::AllIps));
    }

    #[test]
    fn locks_last_fifteen_minutes_by_default() {
        assert_eq!(LockoutPolicy::default().duration, TimeDelta::minutes(15));
    }

    #[test]
    fn one_email_at_two_organizations_is_two_subjects() {
        let email = Email::parse("Sam@Example.com").unwrap();
        let at = |slug: &str| ThrottleSubject::new(&Slug::parse(slug).unwrap(), &email);
        assert_eq!(at("acme").key(), "acme/sam@example.com");
        assert_ne!(at("acme").key(), at("globex").key());
        assert_ne!(at("acme"), at("globex"));
    }
}
