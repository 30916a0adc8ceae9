-- The email outbox and the audit trail.

CREATE TABLE outbox_messages (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    kind            text        NOT NULL CHECK (kind IN ('email_verification', 'password_reset', 'ta_invitation',
                                    'bundle_receipt', 'booking_confirmation', 'group_join_confirmation',
                                    'waitlist_promotion', 'cancellation')),
    recipient       text        NOT NULL,
    recipient_name  text        NOT NULL,
    payload         jsonb       NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'retrying', 'dead', 'sent')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text,
    next_attempt_at timestamptz NOT NULL,
    -- A worker's claim: hidden from other workers until then.
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    CONSTRAINT outbox_messages_sent_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX outbox_messages_org_created_idx ON outbox_messages (organization_id, created_at DESC, id DESC);
CREATE INDEX outbox_messages_org_status_idx ON outbox_messages (organization_id, status, created_at DESC, id DESC);

CREATE TABLE audit_events (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    actor_id        uuid,
    action          text        NOT NULL,
    target_type     text        NOT NULL,
    target_id       uuid        NOT NULL,
    detail          text,
    request_id      text        NOT NULL,
    ip              text,
    at              timestamptz NOT NULL
);
CREATE INDEX audit_events_org_at_idx ON audit_events (organization_id, at DESC, id DESC);
CREATE INDEX audit_events_org_action_idx ON audit_events (organization_id, action, at DESC, id DESC);
CREATE INDEX audit_events_org_actor_idx ON audit_events (organization_id, actor_id, at DESC, id DESC);

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION engify_append_only();
