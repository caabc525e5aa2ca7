-- +goose Up
-- Public counts without hot rows (see the PostgreSQL migration of the same
-- number): the triggers only insert signed changes into count_deltas; a
-- worker folds them into approved_counts and approved_tallies, and readers
-- add the deltas not folded yet.
CREATE TABLE count_deltas (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    dimension    TEXT NOT NULL CHECK (dimension IN ('country', 'day', 'type', 'country_type')),
    key          TEXT NOT NULL,
    delta        INTEGER NOT NULL
);
CREATE INDEX count_deltas_statement ON count_deltas (statement_id, dimension);

DROP TRIGGER signatures_tallies_enter;
DROP TRIGGER signatures_tallies_leave;
DROP TRIGGER signatures_tallies_delete;
DROP TRIGGER signatures_tallies_insert;

-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_insert AFTER INSERT ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO count_deltas (statement_id, dimension, key, delta) VALUES
        (NEW.statement_id, 'country', NEW.country, 1),
        (NEW.statement_id, 'day', substr(COALESCE(NEW.approved_at, NEW.updated_at), 1, 10), 1),
        (NEW.statement_id, 'type', NEW.org_type, 1),
        (NEW.statement_id, 'country_type', NEW.country || ':' || NEW.org_type, 1);
END;
-- +goose StatementEnd

-- A statement's deletion cascades to its signatures; the WHEN keeps this
-- trigger from writing deltas for a statement that is gone.
-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_delete AFTER DELETE ON signatures
WHEN OLD.status = 'approved' AND EXISTS (SELECT 1 FROM statements WHERE id = OLD.statement_id)
BEGIN
    INSERT INTO count_deltas (statement_id, dimension, key, delta) VALUES
        (OLD.statement_id, 'country', OLD.country, -1),
        (OLD.statement_id, 'day', substr(COALESCE(OLD.approved_at, OLD.updated_at), 1, 10), -1),
        (OLD.statement_id, 'type', OLD.org_type, -1),
        (OLD.statement_id, 'country_type', OLD.country || ':' || OLD.org_type, -1);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_leave AFTER UPDATE OF status, org_type, country, approved_at ON signatures
WHEN OLD.status = 'approved'
BEGIN
    INSERT INTO count_deltas (statement_id, dimension, key, delta) VALUES
        (OLD.statement_id, 'country', OLD.country, -1),
        (OLD.statement_id, 'day', substr(COALESCE(OLD.approved_at, OLD.updated_at), 1, 10), -1),
        (OLD.statement_id, 'type', OLD.org_type, -1),
        (OLD.statement_id, 'country_type', OLD.country || ':' || OLD.org_type, -1);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_enter AFTER UPDATE OF status, org_type, country, approved_at ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO count_deltas (statement_id, dimension, key, delta) VALUES
        (NEW.statement_id, 'country', NEW.country, 1),
        (NEW.statement_id, 'day', substr(COALESCE(NEW.approved_at, NEW.updated_at), 1, 10), 1),
        (NEW.statement_id, 'type', NEW.org_type, 1),
        (NEW.statement_id, 'country_type', NEW.country || ':' || NEW.org_type, 1);
END;
-- +goose StatementEnd

-- +goose Down
-- Fold what is not folded yet, so that no count is lost going down.
INSERT INTO approved_counts (statement_id, country, n)
SELECT statement_id, key, SUM(delta) FROM count_deltas WHERE dimension = 'country' GROUP BY statement_id, key HAVING true
ON CONFLICT (statement_id, country) DO UPDATE SET n = approved_counts.n + excluded.n;
INSERT INTO approved_tallies (statement_id, dimension, key, n)
SELECT statement_id, dimension, key, SUM(delta) FROM count_deltas WHERE dimension <> 'country' GROUP BY statement_id, dimension, key HAVING true
ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = approved_tallies.n + excluded.n;
DROP TRIGGER signatures_tallies_enter;
DROP TRIGGER signatures_tallies_leave;
DROP TRIGGER signatures_tallies_delete;
DROP TRIGGER signatures_tallies_insert;
-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_insert AFTER INSERT ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO approved_tallies (statement_id, dimension, key, n) VALUES
        (NEW.statement_id, 'day', substr(COALESCE(NEW.approved_at, NEW.updated_at), 1, 10), 1),
        (NEW.statement_id, 'type', NEW.org_type, 1),
        (NEW.statement_id, 'country_type', NEW.country || ':' || NEW.org_type, 1)
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
        OR (dimension = 'type' AND key = OLD.org_type)
        OR (dimension = 'country_type' AND key = OLD.country || ':' || OLD.org_type));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_leave AFTER UPDATE OF status, org_type, country, approved_at ON signatures
WHEN OLD.status = 'approved'
BEGIN
    UPDATE approved_tallies SET n = n - 1
    WHERE statement_id = OLD.statement_id AND (
        (dimension = 'day' AND key = substr(COALESCE(OLD.approved_at, OLD.updated_at), 1, 10))
        OR (dimension = 'type' AND key = OLD.org_type)
        OR (dimension = 'country_type' AND key = OLD.country || ':' || OLD.org_type));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER signatures_tallies_enter AFTER UPDATE OF status, org_type, country, approved_at ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO approved_tallies (statement_id, dimension, key, n) VALUES
        (NEW.statement_id, 'day', substr(COALESCE(NEW.approved_at, NEW.updated_at), 1, 10), 1),
        (NEW.statement_id, 'type', NEW.org_type, 1),
        (NEW.statement_id, 'country_type', NEW.country || ':' || NEW.org_type, 1)
    ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

DROP TABLE count_deltas;
