//! Waitlist promotion inside the transaction that freed a seat.

use super::GroupSessionService;
use crate::audit::{AuditAction, TargetType};
use crate::booking::service::checks::free_students;
use crate::booking::{Booking, Payment, Seat};
use crate::bundles::{LedgerEntry, LedgerKind};
use crate::group_sessions::{WaitlistEntry, pick_promotion};
use crate::shared::{BundlePurchaseId, RequestContext, UserId};
use crate::store::{Repositories, StoreError};

impl GroupSessionService {
    /// Seats the first waitlisted student whose payment still succeeds (bundle of the course,
    /// valid at the session's start, with credit left; or the session's price) and who has no
    /// overlapping session; entries passed over leave the waitlist. The caller holds the
    /// session's lock, so the freed seat cannot be taken by anyone else meanwhile. The
    /// promotion is audited as `group.joined` with no actor (nobody chose it) but with the
    /// `context` of the request that freed the seat.
    pub(super) async fn promote_from_waitlist(
        &self,
        repos: &dyn Repositories,
        session: &mut Booking,
        context: &RequestContext,
    ) -> Result<(), StoreError> {
        let org_id = session.organization_id;
        let waitlist = repos.waitlist().list(org_id, session.id).await?;
        if waitlist.is_empty() || session.is_full() {
            return Ok(());
        }
        let bundle_ids: Vec<BundlePurchaseId> = waitlist.iter().filter_map(|e| e.bundle_purchase_id).collect();
        let bundles = repos.bundles().get_many(org_id, &bundle_ids).await?;
        let students: Vec<UserId> = waitlist.iter().map(|e| e.student_id).collect();
        let free = free_students(repos, org_id, &students, session.interval).await?;
        let qualifies = |entry: &WaitlistEntry| -> Option<Payment> {
            if !free.contains(&entry.student_id) {
                return None;
            }
            match entry.bundle_purchase_id {
                None => Some(Payment::PerSession(session.price_per_student)),
                Some(id) => bundles
                    .iter()
                    .find(|b| b.id == id)
                    .filter(|b| b.check_payment(entry.student_id, session.course_id, session.interval.start()).is_ok())
                    .map(|b| Payment::Bundle(b.id)),
            }
        };
        let now = self.core.now();
        let mut rest: &[WaitlistEntry] = &waitlist;
        while !rest.is_empty() {
            let pick = pick_promotion(rest, &qualifies);
            for skipped in &pick.skipped {
                repos.waitlist().remove(org_id, skipped.id).await?;
            }
            let Some((entry, payment)) = pick.promoted else { return Ok(()) };
            repos.waitlist().remove(org_id, entry.id).await?;
            let after = rest.iter().position(|e| e.id == entry.id).map_or(rest.len(), |i| i + 1);
            rest = &rest[after..];
            if let Payment::Bundle(b) = payment {
                // Spent concurrently since it was read: this student no longer qualifies.
                if !repos.bundles().debit(org_id, b).await? {
                    continue;
                }
                let entry_id = self.core.new_id();
                repos
                    .bundles()
                    .append_ledger(&LedgerEntry::for_booking(entry_id, org_id, b, LedgerKind::Debit, session.id, now))
                    .await?;
            }
            let seat = Seat::new(session.id, entry.student_id, payment, now);
            session.status = repos.bookings().add_seat(org_id, &seat).await?;
            session.seats.push(seat);
            session.seats_taken += 1;
            self.notify_seat(repos, session, entry.student_id, true).await?;
            let event = self
                .core
                .audit()
                .event(org_id, AuditAction::GroupJoined, (TargetType::Booking, session.id.into()), context)
                .detail(format!("promoted_from_waitlist student={}", entry.student_id));
            return repos.audit().append(&event).await;
        }
        Ok(())
    }
}
