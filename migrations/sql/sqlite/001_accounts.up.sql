-- Tenancy and accounts. SQLite types: uuid BLOB (16 bytes), instants TEXT (RFC 3339, UTC),
-- booleans INTEGER 0/1.

CREATE TABLE organizations (
    id                        BLOB    PRIMARY KEY,
    name                      TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    slug                      TEXT    NOT NULL CONSTRAINT organizations_slug_key UNIQUE
                                      CHECK (length(slug) BETWEEN 3 AND 40 AND slug NOT GLOB '*[^a-z0-9-]*'),
    timezone                  TEXT    NOT NULL CHECK (timezone <> ''),
    currency                  TEXT    NOT NULL CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
    cancellation_window_hours INTEGER NOT NULL CHECK (cancellation_window_hours BETWEEN 0 AND 720),
    min_notice_minutes        INTEGER NOT NULL CHECK (min_notice_minutes BETWEEN 0 AND 10080),
    max_advance_days          INTEGER NOT NULL CHECK (max_advance_days BETWEEN 1 AND 730),
    buffer_minutes            INTEGER NOT NULL CHECK (buffer_minutes BETWEEN 0 AND 240),
    slot_step_minutes         INTEGER NOT NULL CHECK (slot_step_minutes IN (5, 10, 15, 20, 30, 60)),
    created_at                TEXT    NOT NULL
);

CREATE TABLE users (
    id              BLOB    PRIMARY KEY,
    organization_id BLOB    NOT NULL REFERENCES organizations (id),
    email           TEXT    NOT NULL CONSTRAINT users_email_key UNIQUE CHECK (email = lower(email)),
    name            TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'ta', 'student')),
    email_verified  INTEGER NOT NULL DEFAULT 0,
    password_hash   TEXT,
    created_at      TEXT    NOT NULL,
    CONSTRAINT users_org_id_key UNIQUE (organization_id, id),
    CONSTRAINT users_org_id_role_key UNIQUE (organization_id, id, role)
);
CREATE INDEX users_org_role_name_idx ON users (organization_id, role, name, id);

CREATE TABLE auth_sessions (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL,
    user_id         BLOB NOT NULL,
    user_agent      TEXT,
    ip              TEXT,
    created_at      TEXT NOT NULL,
    last_used_at    TEXT NOT NULL,
    revoked_at      TEXT,
    FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id)
);
CREATE INDEX auth_sessions_user_active_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX auth_sessions_revoked_idx ON auth_sessions (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE refresh_tokens (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    session_id      BLOB NOT NULL REFERENCES auth_sessions (id),
    token_hash      TEXT NOT NULL CONSTRAINT refresh_tokens_hash_key UNIQUE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    rotated_at      TEXT
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE one_time_tokens (
    id              BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL,
    user_id         BLOB NOT NULL,
    purpose         TEXT NOT NULL CHECK (purpose IN ('email_verification', 'password_reset', 'ta_invitation')),
    token_hash      TEXT NOT NULL CONSTRAINT one_time_tokens_hash_key UNIQUE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT,
    FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id)
);
CREATE INDEX one_time_tokens_user_unused_idx ON one_time_tokens (user_id, purpose) WHERE used_at IS NULL;
