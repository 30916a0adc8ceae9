-- Attendance and settlement (domain.md part 2, "Attendance and settlement"):
--  * a booking is completed once every seat is marked (`completed_at`; `status` keeps its
--    seat-count meaning, so that SQLite needs no rebuild of `bookings`), and may record that
--    its TA did not come (`ta_no_show`);
--  * each seat holds its mark and `settlement_round`, the number of times its settlement was
--    written; every settlement ledger entry carries the round it belongs to, and a unique index
--    lets each round be settled once and reversed once, whatever the concurrency;
--  * new ledger kinds: `attended` (0), `reversal` (undoes one settlement: -1 for a refund, 0
--    otherwise) and `expire` (the credits left when a bundle runs out);
--  * one attendance digest per TA per local day;
--  * the two new email kinds.

ALTER TABLE bookings
    ADD COLUMN completed_at timestamptz,
    ADD COLUMN ta_no_show boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT bookings_completed_check CHECK (completed_at IS NULL OR status <> 'cancelled');
-- A TA's sessions still waiting for attendance, oldest first; and every such session by end,
-- for the morning digests.
CREATE INDEX bookings_ta_unmarked_idx ON bookings (ta_id, starts_at, id)
    WHERE status <> 'cancelled' AND completed_at IS NULL;
CREATE INDEX bookings_unmarked_ends_idx ON bookings (ends_at)
    WHERE status <> 'cancelled' AND completed_at IS NULL;

ALTER TABLE booking_seats
    ADD COLUMN attendance text CHECK (attendance IN ('present', 'absent', 'excused')),
    ADD COLUMN settlement_round integer NOT NULL DEFAULT 0 CHECK (settlement_round >= 0);

ALTER TABLE ledger_entries
    ADD COLUMN settlement_round integer CHECK (settlement_round > 0),
    DROP CONSTRAINT ledger_entries_kind_check,
    DROP CONSTRAINT ledger_entries_kind_delta_check,
    ADD CONSTRAINT ledger_entries_kind_check CHECK (
        kind IN ('purchase', 'debit', 'refund', 'forfeit', 'attended', 'reversal', 'expire')),
    ADD CONSTRAINT ledger_entries_kind_delta_check CHECK (
        (kind = 'purchase' AND delta > 0 AND booking_id IS NULL AND settlement_round IS NULL)
        OR (kind = 'debit' AND delta = -1 AND booking_id IS NOT NULL AND settlement_round IS NULL)
        OR (kind = 'refund' AND delta = 1 AND booking_id IS NOT NULL)
        OR (kind = 'forfeit' AND delta = 0 AND booking_id IS NOT NULL)
        OR (kind = 'attended' AND delta = 0 AND booking_id IS NOT NULL AND settlement_round IS NOT NULL)
        OR (kind = 'reversal' AND delta IN (-1, 0) AND booking_id IS NOT NULL AND settlement_round IS NOT NULL)
        OR (kind = 'expire' AND delta < 0 AND booking_id IS NULL AND settlement_round IS NULL));
-- A seat's settlement of one round is written once, and reversed at most once.
CREATE UNIQUE INDEX ledger_entries_settled_once ON ledger_entries
    (booking_id, bundle_purchase_id, settlement_round, (kind = 'reversal')) WHERE settlement_round IS NOT NULL;
CREATE INDEX ledger_entries_booking_idx ON ledger_entries (booking_id) WHERE booking_id IS NOT NULL;

-- Bundles the expiry job still has to close.
CREATE INDEX bundle_purchases_expiring_idx ON bundle_purchases (valid_to) WHERE remaining_sessions > 0;

CREATE TABLE attendance_digests (
    organization_id uuid        NOT NULL,
    ta_id           uuid        NOT NULL,
    local_date      date        NOT NULL,
    sessions        integer     NOT NULL CHECK (sessions > 0),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (ta_id, local_date),
    FOREIGN KEY (organization_id, ta_id) REFERENCES users (organization_id, id)
);

ALTER TABLE outbox_messages
    DROP CONSTRAINT outbox_messages_kind_check,
    ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('email_verification', 'password_reset',
        'ta_invitation', 'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
        'waitlist_promotion', 'cancellation', 'booking_rescheduled', 'series_confirmation', 'series_cancellation',
        'ta_no_show_refund', 'attendance_digest'));
