-- +goose Up
CREATE TABLE users (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    email             TEXT NOT NULL UNIQUE,
    role              TEXT NOT NULL CHECK (role IN ('admin', 'moderator')),
    password_hash     TEXT NOT NULL,
    totp_secret       TEXT NOT NULL DEFAULT '',
    totp_enabled      BOOLEAN NOT NULL DEFAULT 0,
    totp_last_counter INTEGER NOT NULL DEFAULT 0,
    disabled_at       DATETIME,
    last_login_at     DATETIME,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);

-- user_tokens are invite and password-reset tokens; only their SHA-256 is kept.
CREATE TABLE user_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
);

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   DATETIME,
    UNIQUE (user_id, code_hash)
);

-- sessions backs the session middleware; rows are keyed by the SHA-256 of
-- the session id so that a database dump holds no usable cookie.
CREATE TABLE sessions (
    key_hash   TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE reason_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT 1,
    created_at DATETIME NOT NULL
);
INSERT INTO reason_codes (code, label, active, created_at) VALUES
    ('not-an-organisation', 'Not an organisation', 1, CURRENT_TIMESTAMP),
    ('unverifiable', 'Could not be verified', 1, CURRENT_TIMESTAMP),
    ('duplicate', 'Duplicate of another signature', 1, CURRENT_TIMESTAMP),
    ('contrary', 'Contrary to the statement', 1, CURRENT_TIMESTAMP);

-- audit_events is append-only: nothing updates or deletes its rows.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id     INTEGER,
    actor_email  TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL DEFAULT '',
    target_id    INTEGER,
    statement_id INTEGER,
    before_json  TEXT NOT NULL DEFAULT '',
    after_json   TEXT NOT NULL DEFAULT '',
    ip_hmac      TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (created_at DESC, id DESC);
CREATE INDEX audit_events_target ON audit_events (target_type, target_id);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE reason_codes;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE user_tokens;
DROP TABLE users;
