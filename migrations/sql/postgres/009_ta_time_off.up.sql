-- TA time off (domain.md part 2) and the reschedule email.
--
-- A window of time off makes its TA unavailable for every new session and every move into it.
-- The domain checks that before it writes; the trigger below makes it hold under concurrency
-- too. Recording time off locks the TA's user row FOR UPDATE before it inserts the window and
-- reads the TA's sessions; a session written for that TA takes the row FOR KEY SHARE first
-- (the lock its foreign key takes anyway), so the two are ordered:
--  * the session first: the time off waits for it to commit, then reads it among the TA's
--    sessions (and may move it);
--  * the time off first: the session waits, then — each statement of a volatile function sees
--    a new snapshot under READ COMMITTED — finds the window and fails with a serialization
--    failure (40001), after which the use case runs again from fresh reads and answers as if
--    the time off had always been there.

ALTER TABLE outbox_messages
    DROP CONSTRAINT outbox_messages_kind_check,
    ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('email_verification', 'password_reset',
        'ta_invitation', 'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
        'waitlist_promotion', 'cancellation', 'booking_rescheduled'));

CREATE TABLE ta_time_off (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL,
    ta_id           uuid        NOT NULL,
    ta_role         text        NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    reason          text        CHECK (char_length(reason) <= 500),
    created_by      uuid        NOT NULL,
    created_at      timestamptz NOT NULL,
    CONSTRAINT ta_time_off_interval_check CHECK (ends_at > starts_at AND ends_at <= starts_at + interval '90 days'),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id)
);
-- Windows last at most 90 days, so those intersecting [a, b) start in [a - 90 days, b): the
-- lookups bound both ends of this index.
CREATE INDEX ta_time_off_ta_starts_idx ON ta_time_off (ta_id, starts_at, id);

CREATE FUNCTION bookings_refuse_ta_time_off() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM users WHERE id = NEW.ta_id FOR KEY SHARE;
    IF EXISTS (SELECT 1 FROM ta_time_off t
               WHERE t.ta_id = NEW.ta_id
                 AND t.starts_at > NEW.starts_at - interval '90 days'
                 AND t.starts_at < NEW.ends_at AND NEW.starts_at < t.ends_at) THEN
        RAISE EXCEPTION 'bookings_ta_time_off: the TA has time off over this session'
            USING ERRCODE = '40001';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER bookings_ta_time_off_insert BEFORE INSERT ON bookings
    FOR EACH ROW WHEN (NEW.status <> 'cancelled')
    EXECUTE FUNCTION bookings_refuse_ta_time_off();

CREATE TRIGGER bookings_ta_time_off_update BEFORE UPDATE OF ta_id, starts_at, ends_at ON bookings
    FOR EACH ROW WHEN (NEW.status <> 'cancelled' AND (NEW.ta_id <> OLD.ta_id
        OR NEW.starts_at <> OLD.starts_at OR NEW.ends_at <> OLD.ends_at))
    EXECUTE FUNCTION bookings_refuse_ta_time_off();
