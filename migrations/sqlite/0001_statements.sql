-- +goose Up
CREATE TABLE statements (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    slug                  TEXT NOT NULL UNIQUE,
    title                 TEXT NOT NULL,
    author                TEXT NOT NULL DEFAULT '',
    lang                  TEXT NOT NULL DEFAULT 'en',
    published_on          DATETIME,
    preface               TEXT NOT NULL DEFAULT '',
    body                  TEXT NOT NULL,
    version_hash          TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    accepts_organisations BOOLEAN NOT NULL DEFAULT 1,
    accepts_individuals   BOOLEAN NOT NULL DEFAULT 0,
    requires_moderation   BOOLEAN NOT NULL DEFAULT 1,
    opens_at              DATETIME,
    closes_at             DATETIME,
    embargo_until         DATETIME,
    created_at            DATETIME NOT NULL,
    updated_at            DATETIME NOT NULL
);

CREATE TABLE statement_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    hash         TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    UNIQUE (statement_id, hash)
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE statement_versions;
DROP TABLE statements;
