-- Attendance and settlement (see the PostgreSQL migration). SQLite cannot alter a CHECK
-- constraint, so `ledger_entries` (with its triggers) and `outbox_messages` are rebuilt with
-- the new kinds; `bookings` keeps its table, since completion is a column of its own.

ALTER TABLE bookings ADD COLUMN completed_at TEXT;
ALTER TABLE bookings ADD COLUMN ta_no_show INTEGER NOT NULL DEFAULT 0 CHECK (ta_no_show IN (0, 1));
CREATE INDEX bookings_ta_unmarked_idx ON bookings (ta_id, starts_at, id)
    WHERE status <> 'cancelled' AND completed_at IS NULL;
CREATE INDEX bookings_unmarked_ends_idx ON bookings (ends_at)
    WHERE status <> 'cancelled' AND completed_at IS NULL;

ALTER TABLE booking_seats ADD COLUMN attendance TEXT CHECK (attendance IN ('present', 'absent', 'excused'));
ALTER TABLE booking_seats ADD COLUMN settlement_round INTEGER NOT NULL DEFAULT 0 CHECK (settlement_round >= 0);

CREATE TABLE ledger_before_011 AS SELECT * FROM ledger_entries;
DROP TABLE ledger_entries;
CREATE TABLE ledger_entries (
    id                 BLOB    PRIMARY KEY,
    organization_id    BLOB    NOT NULL,
    bundle_purchase_id BLOB    NOT NULL,
    kind               TEXT    NOT NULL CHECK (
        kind IN ('purchase', 'debit', 'refund', 'forfeit', 'attended', 'reversal', 'expire')),
    delta              INTEGER NOT NULL,
    booking_id         BLOB,
    created_at         TEXT    NOT NULL,
    settlement_round   INTEGER CHECK (settlement_round > 0),
    CONSTRAINT ledger_entries_kind_delta_check CHECK (
        (kind = 'purchase' AND delta > 0 AND booking_id IS NULL AND settlement_round IS NULL)
        OR (kind = 'debit' AND delta = -1 AND booking_id IS NOT NULL AND settlement_round IS NULL)
        OR (kind = 'refund' AND delta = 1 AND booking_id IS NOT NULL)
        OR (kind = 'forfeit' AND delta = 0 AND booking_id IS NOT NULL)
        OR (kind = 'attended' AND delta = 0 AND booking_id IS NOT NULL AND settlement_round IS NOT NULL)
        OR (kind = 'reversal' AND delta IN (-1, 0) AND booking_id IS NOT NULL AND settlement_round IS NOT NULL)
        OR (kind = 'expire' AND delta < 0 AND booking_id IS NULL AND settlement_round IS NULL)),
    FOREIGN KEY (organization_id, bundle_purchase_id) REFERENCES bundle_purchases (organization_id, id),
    FOREIGN KEY (organization_id, booking_id) REFERENCES bookings (organization_id, id)
);
INSERT INTO ledger_entries (id, organization_id, bundle_purchase_id, kind, delta, booking_id, created_at)
    SELECT id, organization_id, bundle_purchase_id, kind, delta, booking_id, created_at FROM ledger_before_011;
DROP TABLE ledger_before_011;
CREATE INDEX ledger_entries_bundle_idx ON ledger_entries (bundle_purchase_id, created_at, id);
CREATE UNIQUE INDEX ledger_entries_settled_once ON ledger_entries
    (booking_id, bundle_purchase_id, settlement_round, kind = 'reversal') WHERE settlement_round IS NOT NULL;
CREATE INDEX ledger_entries_booking_idx ON ledger_entries (booking_id) WHERE booking_id IS NOT NULL;

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

CREATE INDEX bundle_purchases_expiring_idx ON bundle_purchases (valid_to) WHERE remaining_sessions > 0;

CREATE TABLE attendance_digests (
    organization_id BLOB    NOT NULL,
    ta_id           BLOB    NOT NULL,
    local_date      TEXT    NOT NULL,
    sessions        INTEGER NOT NULL CHECK (sessions > 0),
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (ta_id, local_date),
    FOREIGN KEY (organization_id, ta_id) REFERENCES users (organization_id, id)
);

CREATE TABLE outbox_before_011 AS SELECT * FROM outbox_messages;
DROP TABLE outbox_messages;
CREATE TABLE outbox_messages (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL REFERENCES organizations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('email_verification', 'password_reset', 'ta_invitation',
                                'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
                                'waitlist_promotion', 'cancellation', 'booking_rescheduled',
                                'series_confirmation', 'series_cancellation', 'ta_no_show_refund',
                                'attendance_digest')),
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
