//! The audit trail: events round-trip, list newest first per organization, and the filters
//! (action, actor, `[from, to)`) combine with pagination.

mod common;
mod fixtures;

use chrono::{DateTime, Utc};
use domain::audit::{AuditAction, AuditEvent, AuditFilter, TargetType};
use domain::shared::{AuditEventId, Cursor, OrganizationId, RequestContext, UserId};
use domain::store::Repositories;
use fixtures::{at, new_id, org, walk};
use uuid::Uuid;

fn event(org: OrganizationId, action: AuditAction, at: DateTime<Utc>) -> AuditEvent {
    let context = RequestContext { request_id: "req-1".into(), ip: None, user_agent: None };
    AuditEvent::new(new_id(), org, action, (TargetType::Booking, Uuid::now_v7()), &context, at)
}

fn ids(events: &[AuditEvent]) -> Vec<AuditEventId> {
    events.iter().map(|e| e.id).collect()
}

#[tokio::test]
async fn events_round_trip_with_and_without_optional_fields() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let actor: UserId = new_id();
        let context = RequestContext {
            request_id: "01J9Z-abc.def_1".into(),
            ip: Some("2001:db8::42".parse().unwrap()),
            user_agent: Some("curl/8".into()),
        };
        let full = AuditEvent::new(
            new_id(),
            acme.id,
            AuditAction::LedgerRefund,
            (TargetType::BundlePurchase, Uuid::now_v7()),
            &context,
            at(1),
        )
        .by(actor)
        .detail("booking=42 reason=ta_cancelled");
        let bare = event(acme.id, AuditAction::LoginFailed, at(2));
        let v4 = AuditEvent {
            ip: Some("10.0.0.1".parse().unwrap()),
            target_type: TargetType::Session,
            ..event(acme.id, AuditAction::SessionRevoked, at(3))
        };
        for e in [&full, &bare, &v4] {
            repos.audit().append(e).await.unwrap();
        }
        let listed = repos.audit().list(acme.id, &AuditFilter::default(), &fixtures::page(10, None)).await.unwrap();
        assert_eq!(listed, vec![v4, bare, full], "{b:?}");
    }
}

#[tokio::test]
async fn events_are_listed_newest_first_and_filtered() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let (ada, bob): (UserId, UserId) = (new_id(), new_id());
        let plan = [
            (AuditAction::BookingCreated, Some(ada), 0),
            (AuditAction::BookingCancelled, Some(ada), 1),
            (AuditAction::BookingCreated, Some(bob), 2),
            (AuditAction::BookingCreated, Some(ada), 2),
            (AuditAction::BookingCreated, None, 2),
            (AuditAction::LoginFailed, None, 3),
            (AuditAction::BookingCreated, Some(ada), 4),
            (AuditAction::BookingCreated, Some(ada), 5),
        ];
        let mut all = Vec::new();
        for (action, actor, minutes) in plan {
            let mut e = event(acme.id, action, at(minutes));
            e.actor_id = actor;
            repos.audit().append(&e).await.unwrap();
            all.push(e);
        }
        repos.audit().append(&event(other.id, AuditAction::BookingCreated, at(2)).by(ada)).await.unwrap();
        all.sort_by_key(|e| std::cmp::Reverse((e.at, e.id)));

        let list = |filter: AuditFilter| {
            walk(
                2,
                move |p| {
                    let filter = filter.clone();
                    async move { repos.audit().list(acme.id, &filter, &p).await.unwrap() }
                },
                |e: &AuditEvent| Cursor::instant(e.at, e.id),
            )
        };
        let expect =
            |keep: &dyn Fn(&AuditEvent) -> bool| ids(&all.iter().filter(|e| keep(e)).cloned().collect::<Vec<_>>());

        let (listed, pages) = list(AuditFilter::default()).await;
        assert_eq!(ids(&listed), ids(&all), "{b:?}");
        assert_eq!(pages, 4, "{b:?}");

        let created = AuditFilter { action: Some(AuditAction::BookingCreated), ..AuditFilter::default() };
        let (listed, _) = list(created.clone()).await;
        assert_eq!(ids(&listed), expect(&|e| e.action == AuditAction::BookingCreated), "{b:?}: action");

        let by_ada = AuditFilter { actor_id: Some(ada), ..AuditFilter::default() };
        let (listed, _) = list(by_ada).await;
        assert_eq!(ids(&listed), expect(&|e| e.actor_id == Some(ada)), "{b:?}: actor");

        let window = AuditFilter { from: Some(at(2)), to: Some(at(4)), ..AuditFilter::default() };
        let (listed, _) = list(window).await;
        assert_eq!(ids(&listed), expect(&|e| e.at >= at(2) && e.at < at(4)), "{b:?}: from inclusive, to exclusive");
        assert_eq!(listed.len(), 4, "{b:?}");

        let all_filters = AuditFilter { actor_id: Some(ada), from: Some(at(1)), to: Some(at(5)), ..created };
        let (listed, _) = list(all_filters).await;
        let keep = |e: &AuditEvent| {
            e.action == AuditAction::BookingCreated && e.actor_id == Some(ada) && e.at >= at(1) && e.at < at(5)
        };
        assert_eq!(ids(&listed), expect(&keep), "{b:?}: combined");
        assert_eq!(listed.len(), 2, "{b:?}");

        let none =
            AuditFilter { actor_id: Some(bob), action: Some(AuditAction::LoginFailed), ..AuditFilter::default() };
        assert!(list(none).await.0.is_empty(), "{b:?}");
    }
}
