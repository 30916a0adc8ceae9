-- No more series: the bookings they made stay, as ordinary bookings.

DROP INDEX bookings_series_starts_idx;
ALTER TABLE bookings DROP CONSTRAINT bookings_series_fkey, DROP COLUMN series_id;
DROP TABLE booking_series_skips;
DROP TABLE booking_series;

DELETE FROM outbox_messages WHERE kind IN ('series_confirmation', 'series_cancellation');
ALTER TABLE outbox_messages
    DROP CONSTRAINT outbox_messages_kind_check,
    ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('email_verification', 'password_reset',
        'ta_invitation', 'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
        'waitlist_promotion', 'cancellation', 'booking_rescheduled'));
