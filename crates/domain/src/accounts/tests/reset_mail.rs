//! The worker answering queued reset requests: a link for a user under the bound, nothing for
//! an unknown address or academy or a user at the bound, each in the transaction that takes
//! the request off the queue.

use super::*;
use crate::shared::ResetRequestId;

/// A queued request for user `n`'s address at `slug`, made a minute ago.
fn queued(slug: &str, n: u128) -> ResetRequest {
    ResetRequest {
        id: id::<ResetRequestId>(900 + n),
        organization_slug: Slug::parse(slug).unwrap(),
        email: email(n),
        requested_at: now() - TimeDelta::minutes(1),
    }
}

/// The queue holds `requests`, taken one at a time.
fn queue(m: &mut Mocks, requests: Vec<ResetRequest>) {
    let queue = Arc::new(Mutex::new(requests));
    m.store.one_time_tokens.expect_take_reset_request().returning(move || {
        let mut q = queue.lock().unwrap();
        Ok(if q.is_empty() { None } else { Some(q.remove(0)) })
    });
}

/// User `n` of `acme` is found and locked, and had `recent` reset links in the last hour.
fn known_user(m: &mut Mocks, n: u128, recent: u32) {
    let address = email(n);
    m.store
        .users
        .expect_find_credentials()
        .withf(move |slug, e| slug.as_str() == "acme" && *e == address)
        .returning(move |_, _| Ok(Some(credentials(n, Role::Student))));
    m.store
        .users
        .expect_lock()
        .withf(move |o, u| (*o, *u) == (org_id(), user_id(n)))
        .times(1)
        .returning(move |_, _| Ok(Some(user(n, Role::Student))));
    m.store
        .one_time_tokens
        .expect_count_issued_since()
        .withf(move |o, u, purpose, since| {
            (*o, *u, *purpose, *since)
                == (org_id(), user_id(n), TokenPurpose::PasswordReset, now() - TimeDelta::hours(1))
        })
        .times(1)
        .returning(move |_, _, _, _| Ok(recent));
}

#[tokio::test]
async fn a_request_for_a_user_under_the_bound_mails_an_hour_long_link() {
    let mut m = Mocks::default();
    m.with_secrets();
    queue(&mut m, vec![queued("acme", STUDENT_1)]);
    known_user(&mut m, STUDENT_1, RESET_EMAILS_PER_WINDOW - 1);
    m.expect_link(TokenPurpose::PasswordReset, "user13@example.com", "secret-1");
    let (service, store) = m.build();
    let outcomes = service.process_reset_requests(10).await.unwrap();
    assert_eq!(outcomes, vec![ResetOutcome::Mailed]);
    assert_eq!(store.commits(), 1, "the request is taken in the transaction that mails the link");
}

#[tokio::test]
async fn a_request_for_an_unknown_address_or_academy_is_taken_and_answered_with_nothing() {
    let mut m = Mocks::default();
    queue(&mut m, vec![queued("acme", 99), queued("nowhere", STUDENT_1)]);
    m.store.users.expect_find_credentials().times(2).returning(|_, _| Ok(None));
    m.store.users.expect_lock().never();
    m.expect_no_writes();
    let (service, store) = m.build();
    let outcomes = service.process_reset_requests(10).await.unwrap();
    assert_eq!(outcomes, vec![ResetOutcome::NoAccount, ResetOutcome::NoAccount]);
    assert_eq!(store.commits(), 2, "each request leaves the queue");
}

#[tokio::test]
async fn a_user_who_got_the_bound_of_reset_emails_this_hour_gets_no_more() {
    let mut m = Mocks::default();
    queue(&mut m, vec![queued("acme", STUDENT_1)]);
    known_user(&mut m, STUDENT_1, RESET_EMAILS_PER_WINDOW);
    m.expect_no_writes();
    let (service, store) = m.build();
    let outcomes = service.process_reset_requests(10).await.unwrap();
    assert_eq!(outcomes, vec![ResetOutcome::BoundReached]);
    assert_eq!(store.commits(), 1, "the request leaves the queue all the same");
}

#[tokio::test]
async fn at_most_limit_requests_are_answered_per_call_and_an_empty_queue_commits_nothing() {
    let mut m = Mocks::default();
    queue(&mut m, vec![queued("nowhere", 1), queued("nowhere", 2), queued("nowhere", 3)]);
    m.store.users.expect_find_credentials().returning(|_, _| Ok(None));
    let (service, store) = m.build();
    assert_eq!(service.process_reset_requests(2).await.unwrap().len(), 2);
    assert_eq!(service.process_reset_requests(2).await.unwrap().len(), 1);
    assert!(service.process_reset_requests(2).await.unwrap().is_empty());
    assert_eq!(store.commits(), 3);
}

#[test]
fn the_bound_is_three_reset_emails_an_hour() {
    assert_eq!((RESET_EMAILS_PER_WINDOW, RESET_EMAIL_WINDOW), (3, TimeDelta::hours(1)));
}
