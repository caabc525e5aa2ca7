-- +goose Up
-- The public list filters by organisation type; this index serves that
-- filter's key-based pagination as signatures_public_country serves the
-- country filter.
CREATE INDEX signatures_public_type ON signatures (statement_id, status, org_type, approved_at DESC, id DESC);

-- approved_tallies keeps the public list's aggregates that approved_counts
-- does not: approved signatures per UTC day (key 'YYYY-MM-DD') and per
-- organisation type. Triggers maintain it in the transaction that changes
-- a signature, whichever code path does, so that no public request groups
-- rows of the signatures table.
CREATE TABLE approved_tallies (
    statement_id BIGINT NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    dimension    TEXT NOT NULL CHECK (dimension IN ('day', 'type')),
    key          TEXT NOT NULL,
    n            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (statement_id, dimension, key)
);

INSERT INTO approved_tallies (statement_id, dimension, key, n)
SELECT statement_id, 'day', to_char(COALESCE(approved_at, updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COUNT(*)
FROM signatures WHERE status = 'approved' GROUP BY 1, 3;
INSERT INTO approved_tallies (statement_id, dimension, key, n)
SELECT statement_id, 'type', org_type, COUNT(*)
FROM signatures WHERE status = 'approved' GROUP BY 1, 3;

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

-- +goose Down
DROP TRIGGER signatures_approved_tallies ON signatures;
DROP FUNCTION approved_tallies_track();
DROP TABLE approved_tallies;
DROP INDEX signatures_public_type;
