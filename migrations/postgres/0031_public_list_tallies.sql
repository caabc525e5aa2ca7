-- +goose Up
-- 0030's row triggers rewrote the same few counter rows once per signature:
-- a bulk load of a million rows in one transaction left a million dead
-- versions of each to walk. These triggers run once per statement over its
-- transition tables and add one aggregate per key instead. They also count
-- by country and type together, so that every list filter but a name
-- search has an exact total without counting signatures.
DROP TRIGGER signatures_approved_tallies ON signatures;
DROP FUNCTION approved_tallies_track();

ALTER TABLE approved_tallies DROP CONSTRAINT approved_tallies_dimension_check;
ALTER TABLE approved_tallies ADD CONSTRAINT approved_tallies_dimension_check
    CHECK (dimension IN ('day', 'type', 'country_type'));
INSERT INTO approved_tallies (statement_id, dimension, key, n)
SELECT statement_id, 'country_type', country || ':' || org_type, COUNT(*)
FROM signatures WHERE status = 'approved' GROUP BY 1, 3;

-- +goose StatementBegin
CREATE FUNCTION approved_tallies_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO approved_tallies (statement_id, dimension, key, n)
    SELECT statement_id, dimension, key, SUM(d) FROM (
        SELECT statement_id, k.dimension, k.key, 1 AS d
        FROM new_rows, LATERAL (VALUES
            ('day', to_char(COALESCE(approved_at, updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')),
            ('type', org_type),
            ('country_type', country || ':' || org_type)) AS k (dimension, key)
        WHERE status = 'approved'
    ) AS changes GROUP BY statement_id, dimension, key
    ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = approved_tallies.n + EXCLUDED.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION approved_tallies_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO approved_tallies (statement_id, dimension, key, n)
    SELECT statement_id, dimension, key, SUM(d) FROM (
        SELECT statement_id, k.dimension, k.key, 1 AS d
        FROM new_rows, LATERAL (VALUES
            ('day', to_char(COALESCE(approved_at, updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')),
            ('type', org_type),
            ('country_type', country || ':' || org_type)) AS k (dimension, key)
        WHERE status = 'approved'
        UNION ALL
        SELECT statement_id, k.dimension, k.key, -1
        FROM old_rows, LATERAL (VALUES
            ('day', to_char(COALESCE(approved_at, updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')),
            ('type', org_type),
            ('country_type', country || ':' || org_type)) AS k (dimension, key)
        WHERE status = 'approved'
    ) AS changes GROUP BY statement_id, dimension, key HAVING SUM(d) <> 0
    ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = approved_tallies.n + EXCLUDED.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- A statement's deletion cascades to its signatures and its tallies; the
-- EXISTS keeps this trigger from writing tallies for a statement that is
-- gone.
-- +goose StatementBegin
CREATE FUNCTION approved_tallies_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO approved_tallies (statement_id, dimension, key, n)
    SELECT statement_id, dimension, key, SUM(d) FROM (
        SELECT statement_id, k.dimension, k.key, -1 AS d
        FROM old_rows, LATERAL (VALUES
            ('day', to_char(COALESCE(approved_at, updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')),
            ('type', org_type),
            ('country_type', country || ':' || org_type)) AS k (dimension, key)
        WHERE status = 'approved'
    ) AS changes
    WHERE EXISTS (SELECT 1 FROM statements WHERE statements.id = changes.statement_id)
    GROUP BY statement_id, dimension, key
    ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = approved_tallies.n + EXCLUDED.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER signatures_tallies_insert AFTER INSERT ON signatures
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION approved_tallies_inserted();
CREATE TRIGGER signatures_tallies_update AFTER UPDATE ON signatures
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION approved_tallies_updated();
CREATE TRIGGER signatures_tallies_delete AFTER DELETE ON signatures
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION approved_tallies_deleted();

-- Searching the list by a part of a name (name_norm LIKE '%...%') can use a
-- trigram index where the pg_trgm extension is available (it ships with
-- PostgreSQL's contrib and is trusted, so a database owner may create it).
-- Where it is not, the search reads the list in order instead: slower on a
-- large list, never wrong. The index is partial; the list's queries write
-- status = 'approved' as a literal so that generic plans can use it.
-- +goose StatementBegin
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX signatures_name_trgm ON signatures USING gin (name_norm gin_trgm_ops) WHERE status = 'approved';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'no trigram index for the public list search: %', SQLERRM;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS signatures_name_trgm;
DROP TRIGGER signatures_tallies_delete ON signatures;
DROP TRIGGER signatures_tallies_update ON signatures;
DROP TRIGGER signatures_tallies_insert ON signatures;
DROP FUNCTION approved_tallies_deleted();
DROP FUNCTION approved_tallies_updated();
DROP FUNCTION approved_tallies_inserted();
DELETE FROM approved_tallies WHERE dimension = 'country_type';
ALTER TABLE approved_tallies DROP CONSTRAINT approved_tallies_dimension_check;
ALTER TABLE approved_tallies ADD CONSTRAINT approved_tallies_dimension_check CHECK (dimension IN ('day', 'type'));

-- +goose StatementBegin
CREATE FUNCTION approved_tallies_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'approved' THEN
        UPDATE approved_tallies SET n = n - 1
        WHERE statement_id = OLD.statement_id AND (
            (dimension = 'day' AND key = to_char(COALESCE(OLD.approved_at, OLD.updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
            OR (dimension = 'type' AND key = OLD.org_type));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'approved' THEN
        INSERT INTO approved_tallies (statement_id, dimension, key, n) VALUES
            (NEW.statement_id, 'day', to_char(COALESCE(NEW.approved_at, NEW.updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 1),
            (NEW.statement_id, 'type', NEW.org_type, 1)
        ON CONFLICT (statement_id, dimension, key) DO UPDATE SET n = approved_tallies.n + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER signatures_approved_tallies
AFTER INSERT OR DELETE OR UPDATE OF status, org_type, approved_at ON signatures
FOR EACH ROW EXECUTE FUNCTION approved_tallies_track();
