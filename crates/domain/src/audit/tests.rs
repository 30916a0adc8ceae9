//! The audit trail with mocked ports: admins list it newest first with a keyset cursor, and the
//! recorder stamps every event with who, which request, from where and when.

use std::sync::Arc;

use chrono::TimeDelta;

use super::*;
use crate::fixtures::*;
use crate::shared::{
    AuditEventId, Cursor, FixedClock, OrganizationId, PageRequest, RequestContext, Role, UseCaseError,
};
use crate::testing::{MockStore, SequentialIds};

fn event(n: u128, minutes_ago: i64) -> AuditEvent {
    let target = (TargetType::User, id(ADMIN));
    let at = now() - TimeDelta::minutes(minutes_ago);
    AuditEvent::new(id(n), org_id(), AuditAction::LoginSucceeded, target, &RequestContext::default(), at)
        .by(user_id(ADMIN))
}

fn recorder() -> AuditRecorder {
    AuditRecorder::new(Arc::new(SequentialIds::default()), Arc::new(FixedClock(now())))
}

#[tokio::test]
async fn admins_page_through_events_with_a_cursor_from_the_last_one_returned() {
    let filter = AuditFilter { action: Some(AuditAction::LoginSucceeded), ..AuditFilter::default() };
    let expected = filter.clone();
    let mut store = MockStore::new();
    store
        .audit
        .expect_list()
        .withf(move |o, f, p| *o == org_id() && *f == expected && p.fetch_limit() == 3)
        .times(1)
        .returning(|_, _, _| Ok(vec![event(501, 1), event(502, 2), event(503, 3)]));
    let service = AuditService::new(Arc::new(store));
    let page = PageRequest::new(Some(2), None).unwrap();

    let listed = service.list(&actor(ADMIN, Role::Admin), &filter, &page).await.unwrap();

    assert_eq!(listed.items, vec![event(501, 1), event(502, 2)]);
    assert_eq!(listed.next, Some(Cursor::instant(now() - TimeDelta::minutes(2), id::<AuditEventId>(502))));
}

#[tokio::test]
async fn the_last_page_has_no_cursor_and_reads_stay_in_the_actors_organization() {
    let mut store = MockStore::new();
    store
        .audit
        .expect_list()
        .withf(|o, _, _| *o == id::<OrganizationId>(OTHER_ORG))
        .times(1)
        .returning(|_, _, _| Ok(vec![event(501, 1)]));
    let service = AuditService::new(Arc::new(store));

    let listed = service.list(&stranger(Role::Admin), &AuditFilter::default(), &PageRequest::first()).await.unwrap();

    assert_eq!(listed.items.len(), 1);
    assert!(listed.next.is_none());
}

#[tokio::test]
async fn only_admins_read_the_audit_trail() {
    let mut store = MockStore::new();
    store.audit.expect_list().never();
    let service = AuditService::new(Arc::new(store));
    for role in [Role::Ta, Role::Student] {
        let err = service.list(&actor(TA_1, role), &AuditFilter::default(), &PageRequest::first()).await.unwrap_err();
        assert!(matches!(err, ListAuditEventsError::Forbidden), "{role}");
        assert_eq!(err.code(), crate::shared::ErrorCode::Forbidden);
    }
}

#[tokio::test]
async fn the_recorder_fills_actor_request_ip_time_and_a_fresh_id() {
    let context = RequestContext {
        request_id: "req-42".into(),
        ip: Some("203.0.113.7".parse().unwrap()),
        user_agent: Some("curl/8".into()),
    };
    let admin = actor(ADMIN, Role::Admin).with_context(context);
    let mut store = MockStore::new();
    store
        .audit
        .expect_append()
        .withf(|e| {
            e.id == id::<AuditEventId>(1_000_001)
                && e.organization_id == org_id()
                && e.actor_id == Some(user_id(ADMIN))
                && e.action == AuditAction::CourseTaAssigned
                && (e.target_type, e.target_id) == (TargetType::Course, id(COURSE))
                && e.detail.as_deref() == Some("ta=x")
                && e.request_id == "req-42"
                && e.ip == Some("203.0.113.7".parse().unwrap())
                && e.at == now()
        })
        .times(1)
        .returning(|_| Ok(()));

    let target = (TargetType::Course, id(COURSE));
    recorder().record(&store, &admin, AuditAction::CourseTaAssigned, target, Some("ta=x".into())).await.unwrap();
}

#[test]
fn events_built_without_an_actor_are_anonymous() {
    let context = RequestContext { request_id: "req-7".into(), ip: None, user_agent: None };
    let e = recorder().event(org_id(), AuditAction::LoginFailed, (TargetType::User, id(STUDENT_1)), &context);
    assert_eq!((e.actor_id, e.request_id.as_str(), e.at), (None, "req-7", now()));
}
