-- Password-reset requests waiting for the worker. `POST /auth/password-reset` only writes one
-- (whether or not the slug and email name an account, so that every request costs the same);
-- the worker takes it, and mails a link if the email is a user's of that organization.
-- Nothing references a request, and a request references nothing: the organization may not
-- exist.

CREATE TABLE password_reset_requests (
    id                BLOB PRIMARY KEY,
    organization_slug TEXT NOT NULL
                           CHECK (length(organization_slug) BETWEEN 3 AND 40
                                  AND organization_slug NOT GLOB '*[^a-z0-9-]*'),
    email             TEXT NOT NULL CHECK (email = lower(email)),
    requested_at      TEXT NOT NULL
);
CREATE INDEX password_reset_requests_queue_idx ON password_reset_requests (requested_at, id);

-- The bound on reset emails per user and hour counts the user's recent reset tokens.
CREATE INDEX one_time_tokens_user_purpose_created_idx ON one_time_tokens (user_id, purpose, created_at);
