-- +goose Up
-- Searching the public list by a part of a name scanned every approved row
-- on SQLite. An FTS5 index with the trigram tokenizer over the approved
-- rows' normalised names finds substrings of three characters or more
-- (PostgreSQL has its pg_trgm index, migration 0031).
CREATE VIRTUAL TABLE signatures_name_fts USING fts5(name_norm, content='signatures', content_rowid='id', tokenize='trigram');
INSERT INTO signatures_name_fts (rowid, name_norm) SELECT id, name_norm FROM signatures WHERE status = 'approved';

-- +goose StatementBegin
CREATE TRIGGER signatures_name_fts_insert AFTER INSERT ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO signatures_name_fts (rowid, name_norm) VALUES (NEW.id, NEW.name_norm);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_name_fts_delete AFTER DELETE ON signatures
WHEN OLD.status = 'approved'
BEGIN
    INSERT INTO signatures_name_fts (signatures_name_fts, rowid, name_norm) VALUES ('delete', OLD.id, OLD.name_norm);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_name_fts_leave AFTER UPDATE OF status, name_norm ON signatures
WHEN OLD.status = 'approved'
BEGIN
    INSERT INTO signatures_name_fts (signatures_name_fts, rowid, name_norm) VALUES ('delete', OLD.id, OLD.name_norm);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_name_fts_enter AFTER UPDATE OF status, name_norm ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO signatures_name_fts (rowid, name_norm) VALUES (NEW.id, NEW.name_norm);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER signatures_name_fts_enter;
DROP TRIGGER signatures_name_fts_leave;
DROP TRIGGER signatures_name_fts_delete;
DROP TRIGGER signatures_name_fts_insert;
DROP TABLE signatures_name_fts;
