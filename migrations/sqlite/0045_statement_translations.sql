-- +goose Up
-- statement_translations holds a statement's text in other languages. Only
-- the original text (statements.body and its statement_versions) is signed;
-- a translation helps readers and records the hash of its own body so that
-- an editor sees when it changed.
CREATE TABLE statement_translations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    lang         TEXT NOT NULL,
    title        TEXT NOT NULL,
    preface      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    version_hash TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    UNIQUE (statement_id, lang)
);

-- +goose Down
DROP TABLE statement_translations;
