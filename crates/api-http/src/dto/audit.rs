//! Bodies of the audit trail (`GET /admin/audit-events`): the filter an admin sends and the
//! events returned, newest first.

use chrono::{DateTime, Utc};
use domain::audit::{AuditAction, AuditEvent, AuditFilter};
use domain::shared::{InvalidValue, PageRequest, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cursor::PagedList;
use super::paging::with_page;
use super::scalars;

/// `GET /admin/audit-events`: `?action&actorId&from&to` and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action, by its dotted name: `login.succeeded`, `login.failed`,
    /// `account.locked`, `password.reset`, `session.revoked`, `ta.invited`,
    /// `course_ta.assigned`, `course_ta.unassigned`, `bundle.purchased`, `booking.created`,
    /// `booking.cancelled`, `booking.rescheduled`, `series.booked`, `series.cancelled`,
    /// `time_off.recorded`, `time_off.deleted`, `group.joined`, `group.left`, `ledger.refund`,
    /// `ledger.forfeit`, `ledger.attended`, `ledger.reversal`, `ledger.expire` or
    /// `attendance.recorded`.
    #[param(inline, value_type = Option<super::schemas::AuditActionName>)]
    pub action: Option<String>,
    /// Only events done by this user.
    #[param(value_type = Option<Uuid>)]
    pub actor_id: Option<String>,
    /// Only events at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only events before this instant (RFC 3339); not before `from`.
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// Rows per page (1..=100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl AuditQuery {
    /// The filter and the page.
    ///
    /// # Errors
    /// Every refused parameter: an unknown action, an actor that is not a UUID, an instant that
    /// is not RFC 3339, `to` before `from`, a bad limit or cursor.
    pub fn try_into_domain(&self) -> Result<(AuditFilter, PageRequest), ValidationErrors> {
        let mut v = Validator::default();
        let action = v.optional("action", self.action.as_deref().map(AuditAction::parse));
        let actor_id = v.optional("actorId", self.actor_id.as_deref().map(scalars::id));
        let from = v.optional("from", self.from.as_deref().map(scalars::instant));
        let to = v.optional("to", self.to.as_deref().map(scalars::instant));
        if let (Some(Some(from)), Some(Some(to))) = (from, to)
            && to < from
        {
            v.refuse("to", InvalidValue::new("must not be before from"));
        }
        let filter = match (action, actor_id, from, to) {
            (Some(action), Some(actor_id), Some(from), Some(to)) if v.is_ok() => {
                Some(AuditFilter { action, actor_id, from, to })
            }
            _ => None,
        };
        with_page(PagedList::AuditEvents, v, filter, self.limit, self.cursor.as_deref())
    }
}

/// One audited action.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventResponse {
    /// The event.
    pub id: Uuid,
    /// Who did it; null when nobody signed in did (a failed login, a lockout, a replayed
    /// refresh token, a waitlist promotion).
    pub actor_id: Option<Uuid>,
    /// What happened, e.g. `booking.cancelled` (see the `action` filter for every name).
    pub action: String,
    /// The kind of thing it is about: `user`, `session`, `course`, `bundle_purchase` or
    /// `booking`.
    pub target_type: String,
    /// The id of the thing it is about.
    pub target_id: Uuid,
    /// A short machine-readable detail (e.g. `ta=<id>`, `reason=refresh_token_reused`); never a
    /// secret.
    pub detail: Option<String>,
    /// The `X-Request-Id` of the request that caused it.
    pub request_id: String,
    /// The client IP of that request, when known.
    pub ip: Option<String>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

impl From<&AuditEvent> for AuditEventResponse {
    fn from(e: &AuditEvent) -> Self {
        Self {
            id: e.id.as_uuid(),
            actor_id: e.actor_id.map(|a| a.as_uuid()),
            action: e.action.as_str().to_owned(),
            target_type: e.target_type.as_str().to_owned(),
            target_id: e.target_id,
            detail: e.detail.clone(),
            request_id: e.request_id.clone(),
            ip: e.ip.map(|ip| ip.to_string()),
            at: e.at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(action: Option<&str>, actor: Option<&str>, from: Option<&str>, to: Option<&str>) -> AuditQuery {
        AuditQuery {
            action: action.map(str::to_owned),
            actor_id: actor.map(str::to_owned),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            limit: None,
            cursor: None,
        }
    }

    fn refused(q: &AuditQuery) -> Vec<String> {
        q.try_into_domain().unwrap_err().fields().iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn a_full_filter_is_read() {
        let actor = Uuid::now_v7();
        let q = query(
            Some("booking.cancelled"),
            Some(&actor.to_string()),
            Some("2026-12-01T10:00:00+01:00"),
            Some("2026-12-02T00:00:00Z"),
        );
        let (filter, page) = q.try_into_domain().unwrap();
        assert_eq!(filter.action, Some(AuditAction::BookingCancelled));
        assert_eq!(filter.actor_id.map(|a| a.as_uuid()), Some(actor));
        assert_eq!(filter.from.unwrap().to_rfc3339(), "2026-12-01T09:00:00+00:00");
        assert_eq!(page.limit(), 20);
        assert_eq!(query(None, None, None, None).try_into_domain().unwrap().0, AuditFilter::default());
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let q = query(Some("booking.exploded"), Some("nope"), Some("yesterday"), Some("2026-12-01 10:00"));
        assert_eq!(refused(&q), vec!["action", "actorId", "from", "to"]);
        let q = query(None, None, Some("2026-12-02T00:00:00Z"), Some("2026-12-01T00:00:00Z"));
        assert_eq!(refused(&q), vec!["to"]);
        let q = AuditQuery { limit: Some(0), ..query(Some("x"), None, None, None) };
        assert_eq!(refused(&q), vec!["action", "limit"]);
        let same = Some("2026-12-01T00:00:00Z");
        assert!(query(None, None, same, same).try_into_domain().is_ok());
    }
}
