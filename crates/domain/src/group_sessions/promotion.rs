//! Waitlist promotion: when a seat frees, the first waitlisted student (FIFO) whose payment
//! still succeeds gets it; those before them whose payment no longer qualifies are skipped and
//! removed from the waitlist.

use super::model::WaitlistEntry;

/// The outcome of a promotion round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion<'a, P> {
    /// The entry that gets the seat, with how it pays.
    pub promoted: Option<(&'a WaitlistEntry, P)>,
    /// Entries passed over because they no longer qualify; they leave the waitlist.
    pub skipped: Vec<&'a WaitlistEntry>,
}

/// Walks the waitlist in order; `qualifies` returns how an entry would pay, or `None` when it
/// cannot take the seat (bundle exhausted, expired, or the student now has an overlapping
/// session). Stops at the first that qualifies.
pub fn pick_promotion<'a, P>(
    waitlist: &'a [WaitlistEntry],
    mut qualifies: impl FnMut(&WaitlistEntry) -> Option<P>,
) -> Promotion<'a, P> {
    let mut skipped = Vec::new();
    for entry in waitlist {
        match qualifies(entry) {
            Some(payment) => return Promotion { promoted: Some((entry, payment)), skipped },
            None => skipped.push(entry),
        }
    }
    Promotion { promoted: None, skipped }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::{BookingId, OrganizationId, UserId, WaitlistEntryId};
    use chrono::Utc;
    use uuid::Uuid;

    fn entry(n: u128) -> WaitlistEntry {
        WaitlistEntry {
            id: WaitlistEntryId::from_uuid(Uuid::from_u128(n)),
            organization_id: OrganizationId::from_uuid(Uuid::nil()),
            booking_id: BookingId::from_uuid(Uuid::nil()),
            student_id: UserId::from_uuid(Uuid::from_u128(100 + n)),
            bundle_purchase_id: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn the_first_qualifying_entry_is_promoted_and_earlier_ones_skipped() {
        let list = vec![entry(1), entry(2), entry(3), entry(4)];
        let p = pick_promotion(&list, |e| (e.id.as_uuid().as_u128() >= 3).then_some("paid"));
        assert_eq!(p.promoted.map(|(e, pay)| (e.id, pay)), Some((list[2].id, "paid")));
        assert_eq!(p.skipped.iter().map(|e| e.id).collect::<Vec<_>>(), vec![list[0].id, list[1].id]);
    }

    #[test]
    fn the_head_is_promoted_when_it_qualifies() {
        let list = vec![entry(1), entry(2)];
        let p = pick_promotion(&list, |_| Some(()));
        assert_eq!(p.promoted.map(|(e, ())| e.id), Some(list[0].id));
        assert!(p.skipped.is_empty());
    }

    #[test]
    fn nobody_qualifying_skips_everyone() {
        let list = vec![entry(1), entry(2)];
        let p = pick_promotion(&list, |_| None::<()>);
        assert!(p.promoted.is_none());
        assert_eq!(p.skipped.len(), 2);
        let empty: Vec<WaitlistEntry> = vec![];
        assert!(pick_promotion(&empty, |_| Some(())).promoted.is_none());
    }
}
