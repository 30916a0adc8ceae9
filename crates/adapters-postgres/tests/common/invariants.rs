//! SQL checks, run after concurrency tests, that the database holds every booking invariant:
//! whatever interleaving happened, none of these queries may find a row.

use super::TestStore;

const CHECKS: &[(&str, &str)] = &[
    (
        "overlapping active sessions of one TA (buffer included)",
        "SELECT count(*) FROM bookings a JOIN bookings b ON a.ta_id = b.ta_id AND a.id < b.id \
         WHERE a.status <> 'cancelled' AND b.status <> 'cancelled' \
           AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until",
    ),
    (
        "overlapping active seats of one student",
        "SELECT count(*) FROM booking_seats a JOIN booking_seats b ON a.student_id = b.student_id AND a.booking_id < b.booking_id \
         WHERE a.active AND b.active AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at",
    ),
    (
        "bookings over capacity or whose count differs from their seats",
        "SELECT count(*) FROM bookings b WHERE b.seats_taken > b.capacity \
            OR b.seats_taken <> (SELECT count(*) FROM booking_seats s WHERE s.booking_id = b.id)",
    ),
    (
        "bundles whose balance differs from their ledger or leaves 0..=total",
        "SELECT count(*) FROM bundle_purchases p WHERE p.remaining_sessions < 0 OR p.remaining_sessions > p.total_sessions \
            OR p.remaining_sessions <> (SELECT coalesce(sum(l.delta), 0) FROM ledger_entries l WHERE l.bundle_purchase_id = p.id)",
    ),
    (
        "students both seated in and waitlisted for one session",
        "SELECT count(*) FROM waitlist_entries w JOIN booking_seats s ON s.booking_id = w.booking_id AND s.student_id = w.student_id",
    ),
];

/// Panics naming every invariant the database no longer holds.
pub async fn assert_hold(t: &TestStore) {
    let mut broken = Vec::new();
    for (what, sql) in CHECKS {
        let rows = t.scalar(sql).await;
        if rows != 0 {
            broken.push(format!("{what}: {rows}"));
        }
    }
    assert!(broken.is_empty(), "{:?}: {}", t.backend, broken.join("; "));
}
