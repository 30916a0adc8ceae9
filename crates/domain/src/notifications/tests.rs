//! The outbox with mocked ports: delivery outcomes and the retry policy, the worker's batch,
//! the admin job API, and queueing inside a caller's transaction.

use std::sync::Arc;

use chrono::TimeDelta;

use super::*;
use crate::fixtures::*;
use crate::shared::{Cursor, Email, FixedClock, OrganizationId, OutboxMessageId, PageRequest, Role, Secret};
use crate::store::StoreError;
use crate::testing::{MockStore, SequentialIds};

/// A policy unlike the default, so that the tests see the service use the one it was given.
fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base: TimeDelta::seconds(10),
        cap: TimeDelta::minutes(10),
        lease: TimeDelta::minutes(7),
    }
}

fn message(n: u128, status: JobStatus, attempts: u32) -> OutboxMessage {
    let recipient = Email::parse("ada@example.com").unwrap();
    let payload = EmailPayload::PasswordReset { token: Secret::new("token") };
    let created = now() - TimeDelta::minutes(i64::try_from(n).unwrap());
    let leased_until = Some(lease());
    OutboxMessage {
        status,
        attempts,
        leased_until,
        ..OutboxMessage::new(id(n), org_id(), recipient, "Ada", payload, created)
    }
}

/// The end of the claim the test messages were read under.
fn lease() -> chrono::DateTime<chrono::Utc> {
    now() + TimeDelta::minutes(5)
}

/// The claim message `n` was read under.
fn claim(n: u128) -> Claim {
    Claim { id: id(n), until: lease() }
}

fn service(store: MockStore, mailer: MockMailer) -> OutboxService {
    OutboxService::new(Arc::new(store), Arc::new(mailer), Arc::new(FixedClock(now())), policy())
}

fn mailer_answering(answer: Result<(), MailError>) -> MockMailer {
    let mut mailer = MockMailer::new();
    mailer.expect_send().withf(|m| m.id == id::<OutboxMessageId>(1)).times(1).returning(move |_| answer.clone());
    mailer
}

#[tokio::test]
async fn an_accepted_message_is_marked_sent() {
    let mut store = MockStore::new();
    store
        .outbox
        .expect_mark_sent()
        .withf(|claims, at| (claims, *at) == (&[claim(1)][..], now()))
        .times(1)
        .returning(|claims, _| Ok(claims.iter().map(|c| c.id).collect()));
    store.outbox.expect_mark_failed().never();
    let outcome = service(store, mailer_answering(Ok(()))).deliver(&message(1, JobStatus::Pending, 0)).await.unwrap();
    assert_eq!(outcome, Delivery::Sent);
}

#[tokio::test]
async fn a_transient_failure_is_retried_after_the_policys_backoff() {
    let retry_at = now() + policy().delay(id(1), 2);
    assert!(retry_at > now());
    let mut store = MockStore::new();
    store
        .outbox
        .expect_mark_failed()
        .withf(move |c, attempts, error, at| {
            (*c, *attempts, error, *at) == (claim(1), 2, "421 try later", Some(retry_at))
        })
        .times(1)
        .returning(|_, _, _, _| Ok(true));
    store.outbox.expect_mark_sent().never();
    let mailer = mailer_answering(Err(MailError::Transient("421 try later".into())));

    let outcome = service(store, mailer).deliver(&message(1, JobStatus::Retrying, 1)).await.unwrap();

    assert_eq!(outcome, Delivery::Retrying);
}

#[tokio::test]
async fn a_permanent_failure_is_dead_at_the_first_attempt() {
    let mut store = MockStore::new();
    store
        .outbox
        .expect_mark_failed()
        .withf(|c, attempts, error, at| (*c, *attempts, error, *at) == (claim(1), 1, "550 no such user", None))
        .times(1)
        .returning(|_, _, _, _| Ok(true));
    let mailer = mailer_answering(Err(MailError::Permanent("550 no such user".into())));
    let outcome = service(store, mailer).deliver(&message(1, JobStatus::Pending, 0)).await.unwrap();
    assert_eq!(outcome, Delivery::Dead);
}

#[tokio::test]
async fn a_failed_last_attempt_is_dead() {
    let mut store = MockStore::new();
    store
        .outbox
        .expect_mark_failed()
        .withf(|_, attempts, _, at| (*attempts, *at) == (4, None))
        .times(1)
        .returning(|_, _, _, _| Ok(true));
    let mailer = mailer_answering(Err(MailError::Transient("timeout".into())));
    let outcome = service(store, mailer).deliver(&message(1, JobStatus::Retrying, 3)).await.unwrap();
    assert_eq!(outcome, Delivery::Dead);
}

#[tokio::test]
async fn the_worker_claims_with_the_policys_lease_and_delivers_each_message() {
    let mut store = MockStore::new();
    store
        .outbox
        .expect_claim_due()
        .withf(|at, limit, lease| (*at, *limit, *lease) == (now(), 10, TimeDelta::minutes(7)))
        .times(1)
        .returning(|_, _, _| Ok(vec![message(1, JobStatus::Pending, 0), message(2, JobStatus::Retrying, 1)]));
    store.outbox.expect_mark_sent().withf(|c, _| c == [claim(1)]).times(1).returning(|c, _| Ok(vec![c[0].id]));
    store.outbox.expect_mark_failed().withf(|c, _, _, _| c.id == id(2)).times(1).returning(|_, _, _, _| Ok(true));
    let mut mailer = MockMailer::new();
    mailer
        .expect_send()
        .times(2)
        .returning(|m| if m.id == id(1) { Ok(()) } else { Err(MailError::Transient("busy".into())) });

    assert_eq!(service(store, mailer).deliver_due(10).await.unwrap(), 2);
}

#[tokio::test]
async fn a_batch_of_accepted_messages_is_recorded_in_one_write_and_failures_one_by_one() {
    let mut store = MockStore::new();
    store
        .outbox
        .expect_mark_sent()
        .withf(|c, at| (c, *at) == (&[claim(1), claim(2), claim(4)][..], now()))
        .times(1)
        // The claim on message 2 ran out meanwhile.
        .returning(|_, _| Ok(vec![id(4), id(1)]));
    store.outbox.expect_mark_failed().withf(|c, _, _, _| *c == claim(3)).times(1).returning(|_, _, _, _| Ok(true));
    let mut mailer = MockMailer::new();
    mailer
        .expect_send()
        .times(4)
        .returning(|m| if m.id == id(3) { Err(MailError::Permanent("550".into())) } else { Ok(()) });
    let service = service(store, mailer);
    let mut attempts = Vec::new();
    for n in 1..=4 {
        attempts.push(service.send(&message(n, JobStatus::Pending, 0)).await.unwrap());
    }
    assert_eq!(attempts[2].failure(), Some(&MailError::Permanent("550".into())));

    let deliveries = service.record(&attempts).await.unwrap();

    assert_eq!(deliveries, [Delivery::Sent, Delivery::Superseded, Delivery::Dead, Delivery::Sent]);
}

#[tokio::test]
async fn recording_only_failures_or_nothing_writes_no_sends() {
    let mut store = MockStore::new();
    store.outbox.expect_mark_sent().never();
    store.outbox.expect_mark_failed().times(1).returning(|_, _, _, _| Ok(true));
    let service = service(store, mailer_answering(Err(MailError::Transient("busy".into()))));
    assert!(service.record(&[]).await.unwrap().is_empty());
    let attempt = service.send(&message(1, JobStatus::Pending, 0)).await.unwrap();
    assert_eq!(service.record(&[attempt]).await.unwrap(), [Delivery::Retrying]);
}

#[tokio::test]
async fn a_store_failure_while_recording_sends_is_reported() {
    let mut store = MockStore::new();
    store.outbox.expect_mark_sent().times(1).returning(|_, _| Err(StoreError::Unavailable(anyhow::anyhow!("down"))));
    let service = service(store, mailer_answering(Ok(())));
    let attempt = service.send(&message(1, JobStatus::Pending, 0)).await.unwrap();
    assert!(matches!(service.record(&[attempt]).await.unwrap_err(), StoreError::Unavailable(_)));
}

#[tokio::test]
async fn admins_list_jobs_of_their_organization_with_a_cursor() {
    let mut store = MockStore::new();
    store
        .outbox
        .expect_list()
        .withf(|o, s, p| (*o, *s, p.fetch_limit()) == (org_id(), Some(JobStatus::Dead), 2))
        .times(1)
        .returning(|_, _, _| Ok(vec![message(1, JobStatus::Dead, 8), message(2, JobStatus::Dead, 8)]));
    let service = service(store, MockMailer::new());
    let page = PageRequest::new(Some(1), None).unwrap();

    let listed = service.list_jobs(&actor(ADMIN, Role::Admin), Some(JobStatus::Dead), &page).await.unwrap();

    assert_eq!(listed.items, vec![message(1, JobStatus::Dead, 8)]);
    assert_eq!(listed.next, Some(Cursor::instant(now() - TimeDelta::minutes(1), id::<OutboxMessageId>(1))));
}

#[tokio::test]
async fn only_admins_see_or_retry_jobs() {
    let mut store = MockStore::new();
    store.outbox.expect_list().never();
    store.outbox.expect_get().never();
    let service = service(store, MockMailer::new());
    for role in [Role::Ta, Role::Student] {
        let who = actor(TA_1, role);
        let err = service.list_jobs(&who, None, &PageRequest::first()).await.unwrap_err();
        assert!(matches!(err, ListJobsError::Forbidden), "{role}");
        let err = service.retry_job(&who, id(1)).await.unwrap_err();
        assert!(matches!(err, RetryJobError::Forbidden), "{role}");
    }
}

/// A store holding one job of each status, numbered 1 to 4, visible only to the organization.
fn jobs() -> MockStore {
    let mut store = MockStore::new();
    store.outbox.expect_get().returning(|o, m: OutboxMessageId| {
        let statuses = [JobStatus::Pending, JobStatus::Retrying, JobStatus::Dead, JobStatus::Sent];
        let n = m.as_uuid().as_u128();
        let found = statuses.get(usize::try_from(n).unwrap().wrapping_sub(1)).map(|s| message(n, *s, 1));
        Ok(found.filter(|_| o == org_id()))
    });
    store
}

#[tokio::test]
async fn dead_and_retrying_jobs_are_queued_again_now() {
    let mut store = jobs();
    store
        .outbox
        .expect_requeue()
        .withf(|o, m, at| *o == org_id() && [id(2), id(3)].contains(m) && *at == now())
        .times(2)
        .returning(|_, _, _| Ok(true));
    let service = service(store, MockMailer::new());
    for job in [2, 3] {
        service.retry_job(&actor(ADMIN, Role::Admin), id(job)).await.unwrap();
    }
}

#[tokio::test]
async fn pending_jobs_are_left_queued_and_sent_ones_are_not_retryable() {
    let mut store = jobs();
    store.outbox.expect_requeue().never();
    let service = service(store, MockMailer::new());
    let admin = actor(ADMIN, Role::Admin);
    service.retry_job(&admin, id(1)).await.unwrap();
    assert!(matches!(service.retry_job(&admin, id(4)).await.unwrap_err(), RetryJobError::JobNotRetryable));
}

#[tokio::test]
async fn a_dead_link_email_whose_token_was_erased_is_not_retryable() {
    // Dead link emails keep no token: sending one again would mail a link that cannot work.
    let mut store = MockStore::new();
    store.outbox.expect_get().returning(|_, m| {
        let erased = EmailPayload::LinkErased { kind: EmailKind::EmailVerification };
        Ok(Some(OutboxMessage { payload: erased, ..message(m.as_uuid().as_u128(), JobStatus::Dead, 8) }))
    });
    store.outbox.expect_requeue().never();
    let service = service(store, MockMailer::new());
    let err = service.retry_job(&actor(ADMIN, Role::Admin), id(3)).await.unwrap_err();
    assert!(matches!(err, RetryJobError::JobNotRetryable), "{err:?}");
}

#[test]
fn an_erased_link_email_keeps_its_kind() {
    for kind in [EmailKind::EmailVerification, EmailKind::PasswordReset, EmailKind::TaInvitation] {
        assert_eq!(EmailPayload::LinkErased { kind }.kind(), kind);
    }
}

#[tokio::test]
async fn unknown_and_foreign_jobs_are_not_found() {
    let mut store = jobs();
    store.outbox.expect_requeue().never();
    let service = service(store, MockMailer::new());
    for (who, job) in [(actor(ADMIN, Role::Admin), 99), (stranger(Role::Admin), 3)] {
        assert!(matches!(service.retry_job(&who, id(job)).await.unwrap_err(), RetryJobError::NotFound), "job {job}");
    }
}

#[tokio::test]
async fn the_writer_queues_a_pending_message_due_now() {
    let mut store = MockStore::new();
    store
        .outbox
        .expect_enqueue()
        .withf(|m| {
            m.id == id::<OutboxMessageId>(1_000_001)
                && m.organization_id == id::<OrganizationId>(ORG)
                && m.recipient.as_str() == "ada@example.com"
                && m.recipient_name == "Ada"
                && m.kind() == EmailKind::PasswordReset
                && (m.status, m.attempts, m.last_error.is_none()) == (JobStatus::Pending, 0, true)
                && (m.next_attempt_at, m.created_at, m.sent_at) == (now(), now(), None)
        })
        .times(1)
        .returning(|_| Ok(()));
    let writer = OutboxWriter::new(Arc::new(SequentialIds::default()), Arc::new(FixedClock(now())));
    let recipient = Email::parse("ada@example.com").unwrap();
    let payload = EmailPayload::PasswordReset { token: Secret::new("token") };

    writer.queue(&store, org_id(), &recipient, "Ada", payload).await.unwrap();
}

#[tokio::test]
async fn an_outcome_recorded_after_the_claim_ran_out_is_superseded() {
    let mut store = MockStore::new();
    store.outbox.expect_mark_sent().times(1).returning(|_, _| Ok(Vec::new()));
    let outcome = service(store, mailer_answering(Ok(()))).deliver(&message(1, JobStatus::Pending, 0)).await.unwrap();
    assert_eq!(outcome, Delivery::Superseded);

    let mut store = MockStore::new();
    store.outbox.expect_mark_failed().times(1).returning(|_, _, _, _| Ok(false));
    let mailer = mailer_answering(Err(MailError::Transient("busy".into())));
    let outcome = service(store, mailer).deliver(&message(1, JobStatus::Pending, 0)).await.unwrap();
    assert_eq!(outcome, Delivery::Superseded);
}

#[tokio::test]
async fn a_message_that_was_not_claimed_is_not_sent() {
    let mut mailer = MockMailer::new();
    mailer.expect_send().never();
    let unclaimed = OutboxMessage { leased_until: None, ..message(1, JobStatus::Pending, 0) };
    let error = service(MockStore::new(), mailer).deliver(&unclaimed).await.unwrap_err();
    assert!(matches!(error, StoreError::Unexpected(_)));
}
