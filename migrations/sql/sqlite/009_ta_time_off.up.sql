-- TA time off (domain.md part 2) and the reschedule email.
--
-- SQLite cannot alter a CHECK constraint, so `outbox_messages` is rebuilt with the new kind
-- (nothing references it). Writers are serialized (BEGIN IMMEDIATE), so the domain's check of
-- time off before a session is written always sees every window; the triggers are the backstop
-- that keeps the rule true whatever writes the table.

CREATE TABLE outbox_before_009 AS SELECT * FROM outbox_messages;
DROP TABLE outbox_messages;

CREATE TABLE outbox_messages (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL REFERENCES organizations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('email_verification', 'password_reset', 'ta_invitation',
                                'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
                                'waitlist_promotion', 'cancellation', 'booking_rescheduled')),
    recipient       TEXT    NOT NULL,
    recipient_name  TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'retrying', 'dead', 'sent')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      TEXT,
    next_attempt_at TEXT    NOT NULL,
    locked_until    TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    CONSTRAINT outbox_messages_sent_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX outbox_messages_org_created_idx ON outbox_messages (organization_id, created_at DESC, id DESC);
CREATE INDEX outbox_messages_org_status_idx ON outbox_messages (organization_id, status, created_at DESC, id DESC);

INSERT INTO outbox_messages (id, organization_id, kind, recipient, recipient_name, payload, status, attempts, last_error, next_attempt_at, locked_until, created_at, sent_at)
    SELECT id, organization_id, kind, recipient, recipient_name, payload, status, attempts, last_error, next_attempt_at, locked_until, created_at, sent_at FROM outbox_before_009;
DROP TABLE outbox_before_009;

CREATE TABLE ta_time_off (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL,
    ta_id           BLOB    NOT NULL,
    ta_role         TEXT    NOT NULL DEFAULT 'ta' CHECK (ta_role = 'ta'),
    starts_at       TEXT    NOT NULL,
    ends_at         TEXT    NOT NULL,
    reason          TEXT    CHECK (length(reason) <= 500),
    created_by      BLOB    NOT NULL,
    created_at      TEXT    NOT NULL,
    CONSTRAINT ta_time_off_interval_check CHECK (ends_at > starts_at),
    FOREIGN KEY (organization_id, ta_id, ta_role) REFERENCES users (organization_id, id, role),
    FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id)
);
CREATE INDEX ta_time_off_ta_starts_idx ON ta_time_off (ta_id, starts_at, id);

CREATE TRIGGER bookings_ta_time_off_insert BEFORE INSERT ON bookings
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'bookings_ta_time_off') WHERE EXISTS (
        SELECT 1 FROM ta_time_off t
        WHERE t.ta_id = NEW.ta_id AND t.starts_at < NEW.ends_at AND NEW.starts_at < t.ends_at);
END;

CREATE TRIGGER bookings_ta_time_off_update BEFORE UPDATE OF ta_id, starts_at, ends_at ON bookings
WHEN NEW.status <> 'cancelled'
    AND (NEW.ta_id <> OLD.ta_id OR NEW.starts_at <> OLD.starts_at OR NEW.ends_at <> OLD.ends_at)
BEGIN
    SELECT RAISE(ABORT, 'bookings_ta_time_off') WHERE EXISTS (
        SELECT 1 FROM ta_time_off t
        WHERE t.ta_id = NEW.ta_id AND t.starts_at < NEW.ends_at AND NEW.starts_at < t.ends_at);
END;
