-- The outcome of every request sent with an `Idempotency-Key` (api.md): written in the
-- transaction of the change the request made, so that the change and the answer a retry
-- replays commit together or not at all.

CREATE TABLE idempotency_keys (
    -- A keyed digest (HMAC-SHA-256, base64url) of who sent it, the method, the path and the key.
    scope       text        PRIMARY KEY CHECK (char_length(scope) BETWEEN 16 AND 128),
    -- A keyed digest of the request's media type and body: "the same request".
    fingerprint text        NOT NULL CHECK (char_length(fingerprint) BETWEEN 16 AND 128),
    status      smallint    NOT NULL CHECK (status BETWEEN 100 AND 599),
    -- The response's headers and body, encrypted under a key derived from the client's key.
    sealed      bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
