-- +goose Up
-- The tallies also count by country and type together, so that every list
-- filter but a name search has an exact total without counting signatures.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt,
-- with the triggers dropped first because they name it.
DROP TRIGGER signatures_tallies_enter;
DROP TRIGGER signatures_tallies_leave;
DROP TRIGGER signatures_tallies_delete;
DROP TRIGGER signatures_tallies_insert;

CREATE TABLE approved_tallies_next (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    dimension    TEXT NOT NULL CHECK (dimension IN ('day', 'type', 'country_type')),
    key          TEXT NOT NULL,
    n            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (statement_id, dimension, key)
);
INSERT INTO approved_tallies_next (statement_id, dimension, key, n)
SELECT statement_id, dimension, key, n FROM approved_tallies;
INSERT INTO approved_tallies_next (statement_id, dimension, key, n)
SELECT statement_id, 'country_type', country || ':' || org_type, COUNT(*)
FROM signatures WHERE status = 'approved' GROUP BY 1, 3;
DROP TABLE approved_tallies;
ALTER TABLE approved_tallies_next RENAME TO approved_tallies;

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

-- +goose Down
DROP TRIGGER signatures_tallies_enter;
DROP TRIGGER signatures_tallies_leave;
DROP TRIGGER signatures_tallies_delete;
DROP TRIGGER signatures_tallies_insert;

CREATE TABLE approved_tallies_prev (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    dimension    TEXT NOT NULL CHECK (dimension IN ('day', 'type')),
    key          TEXT NOT NULL,
    n            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (statement_id, dimension, key)
);
INSERT INTO approved_tallies_prev (statement_id, dimension, key, n)
SELECT statement_id, dimension, key, n FROM approved_tallies WHERE dimension IN ('day', 'type');
DROP TABLE approved_tallies;
ALTER TABLE approved_tallies_prev RENAME TO approved_tallies;

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
