-- +goose Up
-- Each insert into signatures and count_deltas checked its foreign key with
-- SELECT ... FOR KEY SHARE on the statement's row. Every signature of a
-- statement references that one row, so under concurrent signing each
-- check joined the row's current lockers into a new MultiXact: about 40
-- multixact members per signature at 32 connections, and more of
-- PostgreSQL's CPU than the inserts themselves (docs/performance.md).
--
-- These two keys go. Deleting a statement still takes its signatures and
-- count changes along, by trigger (before its other rows cascade). The
-- application never deletes a statement that takes signatures: it closes
-- it. The rarer writers (versions, translations, counters) keep their keys.
ALTER TABLE signatures DROP CONSTRAINT signatures_statement_id_fkey;
ALTER TABLE count_deltas DROP CONSTRAINT count_deltas_statement_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION statements_delete_signatures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM signatures WHERE statement_id = OLD.id;
    DELETE FROM count_deltas WHERE statement_id = OLD.id;
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER statements_delete_signatures BEFORE DELETE ON statements
    FOR EACH ROW EXECUTE FUNCTION statements_delete_signatures();

-- +goose Down
DROP TRIGGER statements_delete_signatures ON statements;
DROP FUNCTION statements_delete_signatures();
ALTER TABLE signatures ADD CONSTRAINT signatures_statement_id_fkey
    FOREIGN KEY (statement_id) REFERENCES statements (id) ON DELETE CASCADE;
ALTER TABLE count_deltas ADD CONSTRAINT count_deltas_statement_id_fkey
    FOREIGN KEY (statement_id) REFERENCES statements (id) ON DELETE CASCADE;
