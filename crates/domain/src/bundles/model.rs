//! Bundle purchases and their append-only credit ledger.

use chrono::{DateTime, TimeDelta, Utc};

use crate::catalog::{Product, ProductKind};
use crate::shared::validation::InvalidValue;
use crate::shared::{
    BookingId, BundlePurchaseId, Cents, CourseId, Currency, LedgerEntryId, OrganizationId, ProductId, UserId,
};

/// A bundle a student bought: `remainingSessions` credits for one course, valid in
/// `[validFrom, validTo)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundlePurchase {
    /// Its id.
    pub id: BundlePurchaseId,
    /// Its organization.
    pub organization_id: OrganizationId,
    /// Who bought it.
    pub student_id: UserId,
    /// The course its credits pay for.
    pub course_id: CourseId,
    /// The product bought.
    pub product_id: ProductId,
    /// Credits bought.
    pub total_sessions: u32,
    /// Credits left, `0..=total_sessions`.
    pub remaining_sessions: u32,
    /// What was paid.
    pub price_paid: Cents,
    /// In which currency.
    pub currency: Currency,
    /// When it became valid (the purchase).
    pub valid_from: DateTime<Utc>,
    /// When it stops being valid.
    pub valid_to: DateTime<Utc>,
    /// When it was bought.
    pub created_at: DateTime<Utc>,
}

/// Why a bundle cannot pay for a seat, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleRefusal {
    /// It belongs to another student (`not_found`: it does not exist for this one).
    NotOwned,
    /// It is for another course (`bundle_course_mismatch`).
    CourseMismatch,
    /// The session starts outside `[validFrom, validTo)` (`bundle_expired`).
    Expired,
    /// No credit left (`bundle_exhausted`).
    Exhausted,
}

impl BundlePurchase {
    /// The bundle a student gets by buying `product` at `now`: every credit, valid for the
    /// product's validity days.
    ///
    /// # Errors
    /// When the product is not a bundle.
    pub fn buy(
        id: BundlePurchaseId,
        student_id: UserId,
        product: &Product,
        now: DateTime<Utc>,
    ) -> Result<Self, InvalidValue> {
        let ProductKind::Bundle { session_count, validity_days } = product.kind else {
            return Err(InvalidValue::new("the product is not a bundle"));
        };
        Ok(Self {
            id,
            organization_id: product.organization_id,
            student_id,
            course_id: product.course_id,
            product_id: product.id,
            total_sessions: session_count,
            remaining_sessions: session_count,
            price_paid: product.price,
            currency: product.currency,
            valid_from: now,
            valid_to: now + TimeDelta::days(i64::from(validity_days)),
            created_at: now,
        })
    }

    /// Active: credits left and not expired (a student may hold one active bundle per product).
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.remaining_sessions > 0 && now < self.valid_to
    }

    /// Whether a session starting at `starts_at` lies in the bundle's validity, `[validFrom,
    /// validTo)`.
    pub fn is_valid_at(&self, starts_at: DateTime<Utc>) -> bool {
        self.valid_from <= starts_at && starts_at < self.valid_to
    }

    /// Whether the bundle can pay for `student`'s seat in a session of `course` starting at
    /// `starts_at`: ownership, then course, then validity, then remaining credit.
    ///
    /// # Errors
    /// The first check that fails.
    pub fn check_payment(
        &self,
        student: UserId,
        course: CourseId,
        starts_at: DateTime<Utc>,
    ) -> Result<(), BundleRefusal> {
        if self.student_id != student {
            Err(BundleRefusal::NotOwned)
        } else if self.course_id != course {
            Err(BundleRefusal::CourseMismatch)
        } else if !self.is_valid_at(starts_at) {
            Err(BundleRefusal::Expired)
        } else if self.remaining_sessions == 0 {
            Err(BundleRefusal::Exhausted)
        } else {
            Ok(())
        }
    }
}

/// Why a bundle's credit changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LedgerKind {
    /// The purchase: `+totalSessions`.
    Purchase,
    /// A seat paid with a credit: `-1`.
    Debit,
    /// A cancellation or leave that gave the credit back: `+1`.
    Refund,
    /// A late cancellation, leave or no-show that kept the credit spent: `0`.
    Forfeit,
    /// A lesson that took place, the credit spent on it: `0`.
    Attended,
    /// Undoes one earlier settlement of a seat whose mark changed: `-1` for a refund, else `0`.
    Reversal,
    /// The credits left when the bundle ran out at `validTo`: `-remainingSessions`.
    Expire,
}

impl LedgerKind {
    /// Every kind.
    pub const ALL: [Self; 7] = [
        LedgerKind::Purchase,
        LedgerKind::Debit,
        LedgerKind::Refund,
        LedgerKind::Forfeit,
        LedgerKind::Attended,
        LedgerKind::Reversal,
        LedgerKind::Expire,
    ];

    /// `purchase`, `debit`, `refund`, `forfeit`, `attended`, `reversal` or `expire`.
    pub const fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Purchase => "purchase",
            LedgerKind::Debit => "debit",
            LedgerKind::Refund => "refund",
            LedgerKind::Forfeit => "forfeit",
            LedgerKind::Attended => "attended",
            LedgerKind::Reversal => "reversal",
            LedgerKind::Expire => "expire",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One change of a bundle's credit, written in the transaction that makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Its id.
    pub id: LedgerEntryId,
    /// Its organization.
    pub organization_id: OrganizationId,
    /// The bundle.
    pub bundle_purchase_id: BundlePurchaseId,
    /// Why.
    pub kind: LedgerKind,
    /// The change of `remainingSessions`.
    pub delta: i32,
    /// The booking that caused it (all but purchases and expiries).
    pub booking_id: Option<BookingId>,
    /// For a seat's settlement by attendance (and its reversal): the seat's settlement round.
    pub settlement_round: Option<u32>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl LedgerEntry {
    /// The entry of a purchase of `bundle`.
    pub fn purchase(id: LedgerEntryId, bundle: &BundlePurchase) -> Self {
        Self {
            id,
            organization_id: bundle.organization_id,
            bundle_purchase_id: bundle.id,
            kind: LedgerKind::Purchase,
            delta: i32::try_from(bundle.total_sessions).unwrap_or(i32::MAX),
            booking_id: None,
            settlement_round: None,
            created_at: bundle.created_at,
        }
    }

    /// The entry closing `bundle` at its `validTo`: its `credits` left go.
    pub fn expire(id: LedgerEntryId, bundle: &BundlePurchase, credits: u32, at: DateTime<Utc>) -> Self {
        Self {
            id,
            organization_id: bundle.organization_id,
            bundle_purchase_id: bundle.id,
            kind: LedgerKind::Expire,
            delta: -i32::try_from(credits).unwrap_or(i32::MAX),
            booking_id: None,
            settlement_round: None,
            created_at: at,
        }
    }

    /// The same entry as the settlement of the seat's `round` (attendance).
    #[must_use]
    pub fn in_round(mut self, round: u32) -> Self {
        self.settlement_round = Some(round);
        self
    }

    /// The entry undoing `settled`, an earlier settlement of a seat (same bundle, booking and
    /// round; the opposite delta).
    pub fn reversal_of(id: LedgerEntryId, settled: &LedgerEntry, at: DateTime<Utc>) -> Self {
        Self { id, kind: LedgerKind::Reversal, delta: -settled.delta, created_at: at, ..settled.clone() }
    }

    /// An entry of `kind` (debit, refund, forfeit or attended) for a seat of `booking`.
    pub fn for_booking(
        id: LedgerEntryId,
        organization_id: OrganizationId,
        bundle: BundlePurchaseId,
        kind: LedgerKind,
        booking: BookingId,
        at: DateTime<Utc>,
    ) -> Self {
        let delta = match kind {
            LedgerKind::Debit => -1,
            LedgerKind::Refund => 1,
            LedgerKind::Forfeit
            | LedgerKind::Attended
            | LedgerKind::Purchase
            | LedgerKind::Reversal
            | LedgerKind::Expire => 0,
        };
        Self {
            id,
            organization_id,
            bundle_purchase_id: bundle,
            kind,
            delta,
            booking_id: Some(booking),
            settlement_round: None,
            created_at: at,
        }
    }
}

/// The credit a ledger adds up to: `remainingSessions` MUST equal it at all times.
pub fn ledger_balance(entries: &[LedgerEntry]) -> i64 {
    entries.iter().map(|e| i64::from(e.delta)).sum()
}

/// Which bundles to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BundleFilter {
    /// Only this student's.
    pub student_id: Option<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ProductName;
    use uuid::Uuid;

    fn id<T: From<Uuid>>(n: u128) -> T {
        T::from(Uuid::from_u128(n))
    }

    fn product(kind: ProductKind) -> Product {
        Product {
            id: id(10),
            organization_id: id(1),
            course_id: id(20),
            kind,
            name: ProductName::parse("Ten sessions").unwrap(),
            price: Cents::new(45_000).unwrap(),
            currency: Currency::EUR,
            active: true,
            created_at: Utc::now(),
        }
    }

    fn bundle(now: DateTime<Utc>) -> BundlePurchase {
        BundlePurchase::buy(id(100), id(5), &product(ProductKind::Bundle { session_count: 3, validity_days: 30 }), now)
            .unwrap()
    }

    #[test]
    fn buying_grants_every_credit_for_the_validity_days() {
        let now = Utc::now();
        let b = bundle(now);
        assert_eq!((b.total_sessions, b.remaining_sessions), (3, 3));
        assert_eq!(b.valid_from, now);
        assert_eq!(b.valid_to, now + TimeDelta::days(30));
        assert_eq!(b.price_paid.get(), 45_000);
        assert_eq!(b.course_id, id(20));
    }

    #[test]
    fn single_session_products_cannot_be_bought_as_bundles() {
        assert!(BundlePurchase::buy(id(1), id(5), &product(ProductKind::SingleSession), Utc::now()).is_err());
    }

    #[test]
    fn active_means_credit_left_and_not_expired() {
        let now = Utc::now();
        let mut b = bundle(now);
        assert!(b.is_active(now));
        assert!(!b.is_active(b.valid_to));
        b.remaining_sessions = 0;
        assert!(!b.is_active(now));
    }

    #[test]
    fn payment_checks_run_in_contract_order() {
        let now = Utc::now();
        let mut b = bundle(now);
        let soon = now + TimeDelta::days(1);
        assert_eq!(b.check_payment(id(6), id(21), b.valid_to), Err(BundleRefusal::NotOwned));
        assert_eq!(b.check_payment(id(5), id(21), b.valid_to), Err(BundleRefusal::CourseMismatch));
        b.remaining_sessions = 0;
        assert_eq!(b.check_payment(id(5), id(20), b.valid_to), Err(BundleRefusal::Expired));
        assert_eq!(b.check_payment(id(5), id(20), now - TimeDelta::seconds(1)), Err(BundleRefusal::Expired));
        assert_eq!(b.check_payment(id(5), id(20), soon), Err(BundleRefusal::Exhausted));
        b.remaining_sessions = 1;
        assert_eq!(b.check_payment(id(5), id(20), soon), Ok(()));
        assert_eq!(b.check_payment(id(5), id(20), b.valid_from), Ok(()), "validFrom is inside");
    }

    #[test]
    fn ledger_entries_carry_their_deltas_and_balance_to_remaining() {
        let now = Utc::now();
        let b = bundle(now);
        let booking: BookingId = id(7);
        let entry = |n, kind| LedgerEntry::for_booking(id(n), b.organization_id, b.id, kind, booking, now);
        let entries = vec![
            LedgerEntry::purchase(id(200), &b),
            entry(201, LedgerKind::Debit),
            entry(202, LedgerKind::Debit),
            entry(203, LedgerKind::Refund),
            entry(204, LedgerKind::Forfeit),
        ];
        assert_eq!(entries.iter().map(|e| e.delta).collect::<Vec<_>>(), vec![3, -1, -1, 1, 0]);
        assert_eq!(ledger_balance(&entries), 2);
        assert_eq!(entries[1].booking_id, Some(booking));
        assert_eq!(entries[0].booking_id, None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in LedgerKind::ALL {
            assert_eq!(LedgerKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(LedgerKind::parse("gift"), None);
    }
}
