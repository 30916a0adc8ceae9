-- No more series: the bookings they made stay, as ordinary bookings.

DROP INDEX bookings_series_starts_idx;
ALTER TABLE bookings DROP COLUMN series_id;
DROP TABLE booking_series_skips;
DROP TABLE booking_series;

CREATE TABLE outbox_before_010 AS SELECT * FROM outbox_messages;
DELETE FROM outbox_before_010 WHERE kind IN ('series_confirmation', 'series_cancellation');
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
    SELECT id, organization_id, kind, recipient, recipient_name, payload, status, attempts, last_error, next_attempt_at, locked_until, created_at, sent_at FROM outbox_before_010;
DROP TABLE outbox_before_010;
