-- No more attendance (see the PostgreSQL migration): refused while ledger entries of attendance
-- or expiry exist (the ledger is append-only); the guard table's CHECK fails if any do.

CREATE TEMP TABLE attendance_down_guard (entries INTEGER CHECK (entries = 0));
INSERT INTO attendance_down_guard SELECT count(*) FROM ledger_entries
    WHERE kind IN ('attended', 'reversal', 'expire') OR settlement_round IS NOT NULL;
DROP TABLE attendance_down_guard;

CREATE TABLE outbox_before_011 AS SELECT * FROM outbox_messages;
DELETE FROM outbox_before_011 WHERE kind IN ('ta_no_show_refund', 'attendance_digest');
DROP TABLE outbox_messages;
CREATE TABLE outbox_messages (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL REFERENCES organizations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('email_verification', 'password_reset', 'ta_invitation',
                                'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
                                'waitlist_promotion', 'cancellation', 'booking_rescheduled',
                                'series_confirmation', 'series_cancellation')),
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
    SELECT id, organization_id, kind, recipient, recipient_name, payload, status, attempts, last_error, next_attempt_at, locked_until, created_at, sent_at FROM outbox_before_011;
DROP TABLE outbox_before_011;

DROP TABLE attendance_digests;
DROP INDEX bundle_purchases_expiring_idx;

CREATE TABLE ledger_before_011 AS SELECT * FROM ledger_entries;
DROP TABLE ledger_entries;
CREATE TABLE ledger_entries (
    id                 BLOB    PRIMARY KEY,
    organization_id    BLOB    NOT NULL,
    bundle_purchase_id BLOB    NOT NULL,
    kind               TEXT    NOT NULL CHECK (
        kind IN ('purchase', 'debit', 'refund', 'forfeit')),
    delta              INTEGER NOT NULL,
    booking_id         BLOB,
    created_at         TEXT    NOT NULL,
    CONSTRAINT ledger_entries_kind_delta_check CHECK (
        (kind = 'purchase' AND delta > 0 AND booking_id IS NULL)
        OR (kind = 'debit' AND delta = -1 AND booking_id IS NOT NULL)
        OR (kind = 'refund' AND delta = 1 AND booking_id IS NOT NULL)
        OR (kind = 'forfeit' AND delta = 0 AND booking_id IS NOT NULL)),
    FOREIGN KEY (organization_id, bundle_purchase_id) REFERENCES bundle_purchases (organization_id, id),
    FOREIGN KEY (organization_id, booking_id) REFERENCES bookings (organization_id, id)
);
INSERT INTO ledger_entries (id, organization_id, bundle_purchase_id, kind, delta, booking_id, created_at)
    SELECT id, organization_id, bundle_purchase_id, kind, delta, booking_id, created_at FROM ledger_before_011;
DROP TABLE ledger_before_011;
CREATE INDEX ledger_entries_bundle_idx ON ledger_entries (bundle_purchase_id, created_at, id);

CREATE TRIGGER ledger_entries_ledger_balance AFTER INSERT ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'bundle_ledger_balance') WHERE
        (SELECT remaining_sessions FROM bundle_purchases WHERE id = NEW.bundle_purchase_id)
        <> (SELECT sum(delta) FROM ledger_entries WHERE bundle_purchase_id = NEW.bundle_purchase_id);
END;

CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;

CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;


ALTER TABLE booking_seats DROP COLUMN settlement_round;
ALTER TABLE booking_seats DROP COLUMN attendance;
DROP INDEX bookings_unmarked_ends_idx;
DROP INDEX bookings_ta_unmarked_idx;
ALTER TABLE bookings DROP COLUMN ta_no_show;
ALTER TABLE bookings DROP COLUMN completed_at;
