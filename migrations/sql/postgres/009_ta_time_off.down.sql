-- No more time off (its windows are dropped) and no reschedule emails (queued ones with them).

DROP TRIGGER bookings_ta_time_off_update ON bookings;
DROP TRIGGER bookings_ta_time_off_insert ON bookings;
DROP FUNCTION bookings_refuse_ta_time_off();
DROP TABLE ta_time_off;

DELETE FROM outbox_messages WHERE kind = 'booking_rescheduled';
ALTER TABLE outbox_messages
    DROP CONSTRAINT outbox_messages_kind_check,
    ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('email_verification', 'password_reset',
        'ta_invitation', 'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
        'waitlist_promotion', 'cancellation'));
