-- +goose Up
-- The public list filters by organisation type; this index serves that
-- filter's key-based pagination as signatures_public_country serves the
-- country filter.
CREATE INDEX signatures_public_type ON signatures (statement_id, status, org_type, approved_at, id);

-- approved_tallies keeps the public list's aggregates that approved_counts
-- does not: approved signatures per UTC day (key 'YYYY-MM-DD') and per
-- organisation type. Triggers maintain it in the transaction that changes
-- a signature, whichever code path does, so that no public request groups
-- rows of the signatures table. Times are stored as UTC text, so the day
-- is the first ten characters.
CREATE TABLE approved_tallies (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    dimension    TEXT NOT NULL CHECK (dimension IN ('day', 'type')),
    key          TEXT NOT NULL,
    n            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (statement_id, dimension, key)
);

INSERT INTO approved_tallies (statement_id, dimension, key, n)
SELECT statement_id, 'day', substr(COALESCE(approved_at, updated_at), 1, 10), COUNT(*)
FROM signatures WHERE status = 'approved' GROUP BY 1, 3;
INSERT INTO approved_tallies (statement_id, dimension, key, n)
SELECT statement_id, 'type', org_type, COUNT(*)
FROM signatures WHERE status = 'approved' GROUP BY 1, 3;

-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_insert AFTER INSERT ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO approved_tallies (statement_id, dimension, key, n) VALUES
        (NEW.statement_id, 'day', substr(COALESCE(NEW.approved_at, NEW.updated_at), 1, 10), 1),
        (NEW.statement_id, 'type', NEW.org_type, 1)
    ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_delete AFTER DELETE ON signatures
WHEN OLD.status = 'approved'
BEGIN
    UPDATE approved_tallies SET n = n - 1
    WHERE statement_id = OLD.statement_id AND (
        (dimension = 'day' AND key = substr(COALESCE(OLD.approved_at, OLD.updated_at), 1, 10))
        OR (dimension = 'type' AND key = OLD.org_type));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_leave AFTER UPDATE OF status, org_type, approved_at ON signatures
WHEN OLD.status = 'approved'
BEGIN
    UPDATE approved_tallies SET n = n - 1
    WHERE statement_id = OLD.statement_id AND (
        (dimension = 'day' AND key = substr(COALESCE(OLD.approved_at, OLD.updated_at), 1, 10))
        OR (dimension = 'type' AND key = OLD.org_type));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_enter AFTER UPDATE OF status, org_type, approved_at ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO approved_tallies (statement_id, dimension, key, n) VALUES
        (NEW.statement_id, 'day', substr(COALESCE(NEW.approved_at, NEW.updated_at), 1, 10), 1),
        (NEW.statement_id, 'type', NEW.org_type, 1)
    ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER signatures_tallies_enter;
DROP TRIGGER signatures_tallies_leave;
DROP TRIGGER signatures_tallies_delete;
DROP TRIGGER signatures_tallies_insert;
DROP TABLE approved_tallies;
DROP INDEX signatures_public_type;
