-- Tenancy and accounts: organizations, users, authentication sessions, refresh tokens,
-- one-time tokens.

CREATE TABLE organizations (
    id                        uuid        PRIMARY KEY,
    name                      text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    slug                      text        NOT NULL CONSTRAINT organizations_slug_key UNIQUE
                                          CHECK (slug ~ '^[a-z0-9-]{3,40}$'),
    timezone                  text        NOT NULL CHECK (timezone <> ''),
    currency                  text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    cancellation_window_hours integer     NOT NULL CHECK (cancellation_window_hours BETWEEN 0 AND 720),
    min_notice_minutes        integer     NOT NULL CHECK (min_notice_minutes BETWEEN 0 AND 10080),
    max_advance_days          integer     NOT NULL CHECK (max_advance_days BETWEEN 1 AND 730),
    buffer_minutes            integer     NOT NULL CHECK (buffer_minutes BETWEEN 0 AND 240),
    slot_step_minutes         integer     NOT NULL CHECK (slot_step_minutes IN (5, 10, 15, 20, 30, 60)),
    created_at                timestamptz NOT NULL
);

CREATE TABLE users (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    email           text        NOT NULL CONSTRAINT users_email_key UNIQUE CHECK (email = lower(email)),
    -- Byte order (as SQLite's BINARY), so that lists by name page identically on both backends.
    name            text        COLLATE "C" NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    role            text        NOT NULL CHECK (role IN ('admin', 'ta', 'student')),
    email_verified  boolean     NOT NULL DEFAULT false,
    password_hash   text,
    created_at      timestamptz NOT NULL,
    -- Targets of tenant-safe foreign keys: a row pointing at a user names the organization
    -- (and, where only one role fits, the role) it expects.
    CONSTRAINT users_org_id_key UNIQUE (organization_id, id),
    CONSTRAINT users_org_id_role_key UNIQUE (organization_id, id, role)
);
CREATE INDEX users_org_role_name_idx ON users (organization_id, role, name, id);

CREATE TABLE auth_sessions (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL,
    user_id         uuid        NOT NULL,
    user_agent      text,
    ip              text,
    created_at      timestamptz NOT NULL,
    last_used_at    timestamptz NOT NULL,
    revoked_at      timestamptz,
    FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id)
);
CREATE INDEX auth_sessions_user_active_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX auth_sessions_revoked_idx ON auth_sessions (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE refresh_tokens (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    session_id      uuid        NOT NULL REFERENCES auth_sessions (id),
    token_hash      text        NOT NULL CONSTRAINT refresh_tokens_hash_key UNIQUE,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    rotated_at      timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE one_time_tokens (
    id              uuid        PRIMARY KEY,
    organization_id uuid        NOT NULL,
    user_id         uuid        NOT NULL,
    purpose         text        NOT NULL CHECK (purpose IN ('email_verification', 'password_reset', 'ta_invitation')),
    token_hash      text        NOT NULL CONSTRAINT one_time_tokens_hash_key UNIQUE,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id)
);
CREATE INDEX one_time_tokens_user_unused_idx ON one_time_tokens (user_id, purpose) WHERE used_at IS NULL;
