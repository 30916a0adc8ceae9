-- No more attendance: marks, digests and the attendance emails go; ledger entries of the new
-- kinds cannot be expressed without them, so the down migration refuses while any exist.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_entries WHERE kind IN ('attended', 'reversal', 'expire')
               OR settlement_round IS NOT NULL) THEN
        RAISE EXCEPTION 'ledger entries of attendance or expiry exist: the ledger is append-only, not reverting';
    END IF;
END $$;

DELETE FROM outbox_messages WHERE kind IN ('ta_no_show_refund', 'attendance_digest');
ALTER TABLE outbox_messages
    DROP CONSTRAINT outbox_messages_kind_check,
    ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('email_verification', 'password_reset',
        'ta_invitation', 'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
        'waitlist_promotion', 'cancellation', 'booking_rescheduled', 'series_confirmation', 'series_cancellation'));

DROP TABLE attendance_digests;
DROP INDEX bundle_purchases_expiring_idx;
DROP INDEX ledger_entries_booking_idx;
DROP INDEX ledger_entries_settled_once;
ALTER TABLE ledger_entries
    DROP CONSTRAINT ledger_entries_kind_delta_check,
    DROP CONSTRAINT ledger_entries_kind_check,
    DROP COLUMN settlement_round,
    ADD CONSTRAINT ledger_entries_kind_check CHECK (kind IN ('purchase', 'debit', 'refund', 'forfeit')),
    ADD CONSTRAINT ledger_entries_kind_delta_check CHECK (
        (kind = 'purchase' AND delta > 0 AND booking_id IS NULL)
        OR (kind = 'debit' AND delta = -1 AND booking_id IS NOT NULL)
        OR (kind = 'refund' AND delta = 1 AND booking_id IS NOT NULL)
        OR (kind = 'forfeit' AND delta = 0 AND booking_id IS NOT NULL));
ALTER TABLE booking_seats DROP COLUMN settlement_round, DROP COLUMN attendance;
DROP INDEX bookings_unmarked_ends_idx;
DROP INDEX bookings_ta_unmarked_idx;
ALTER TABLE bookings DROP CONSTRAINT bookings_completed_check, DROP COLUMN ta_no_show, DROP COLUMN completed_at;
