-- +goose Up
CREATE TABLE signatures (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id       INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL CHECK (kind IN ('organisation', 'individual')),
    status             TEXT NOT NULL CHECK (status IN ('unconfirmed', 'pending', 'approved', 'rejected', 'spam', 'withdrawn')),
    version            INTEGER NOT NULL DEFAULT 1,
    name               TEXT NOT NULL,
    name_norm          TEXT NOT NULL,
    website            TEXT NOT NULL DEFAULT '',
    website_domain     TEXT NOT NULL DEFAULT '',
    org_type           TEXT NOT NULL DEFAULT '',
    country            TEXT NOT NULL,
    city               TEXT NOT NULL DEFAULT '',
    contact_name       TEXT,
    contact_role       TEXT NOT NULL DEFAULT '',
    show_contact       BOOLEAN NOT NULL DEFAULT 0,
    affiliation        TEXT NOT NULL DEFAULT '',
    email              TEXT,
    email_domain       TEXT NOT NULL DEFAULT '',
    comment            TEXT NOT NULL DEFAULT '',
    domain_verified    BOOLEAN NOT NULL DEFAULT 0,
    version_hash       TEXT NOT NULL,
    ip_hmac            TEXT,
    user_agent         TEXT NOT NULL DEFAULT '',
    token_hash         TEXT UNIQUE,
    token_expires_at   DATETIME,
    sends              INTEGER NOT NULL DEFAULT 1,
    last_sent_at       DATETIME,
    confirmed_at       DATETIME,
    confirm_ip_hmac    TEXT,
    approved_at        DATETIME,
    decided_at         DATETIME,
    decided_by         INTEGER,
    reason_code        TEXT NOT NULL DEFAULT '',
    reason_note        TEXT NOT NULL DEFAULT '',
    withdrawn_at       DATETIME,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);

-- One signature per address and statement; withdrawn rows have no email.
CREATE UNIQUE INDEX signatures_statement_email ON signatures (statement_id, email);
CREATE INDEX signatures_statement_name ON signatures (statement_id, name_norm);
CREATE INDEX signatures_queue ON signatures (statement_id, status, id);
CREATE INDEX signatures_public ON signatures (statement_id, status, approved_at, id);
CREATE INDEX signatures_public_country ON signatures (statement_id, status, country, approved_at, id);
CREATE INDEX signatures_ip ON signatures (ip_hmac, created_at);
CREATE INDEX signatures_email_domain ON signatures (email_domain, created_at);
CREATE INDEX signatures_unconfirmed ON signatures (created_at) WHERE status = 'unconfirmed';

-- approved_counts keeps the public counts by country, maintained in the
-- transaction that moves a signature in or out of 'approved', so that no
-- public request counts rows of the signatures table.
CREATE TABLE approved_counts (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    country      TEXT NOT NULL,
    n            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (statement_id, country)
);

-- outbox is the transactional mail queue. The payload is sealed with the
-- secret key because confirmation links carry raw tokens; it is erased
-- once sent.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    payload         BLOB,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    locked_until    DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    sent_at         DATETIME
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE captcha_challenges (
    id         TEXT PRIMARY KEY,
    digits     BLOB NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX captcha_challenges_expiry ON captcha_challenges (expires_at);

-- rate_counters holds fixed-window counters shared by every instance.
CREATE TABLE rate_counters (
    key          TEXT NOT NULL,
    window_start DATETIME NOT NULL,
    n            INTEGER NOT NULL,
    expires_at   DATETIME NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_expiry ON rate_counters (expires_at);

-- +goose Down
DROP TABLE rate_counters;
DROP TABLE captcha_challenges;
DROP TABLE outbox;
DROP TABLE approved_counts;
DROP TABLE signatures;
