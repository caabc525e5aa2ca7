-- +goose Up
-- PostgreSQL drops two foreign keys to statements in this version: their
-- row locks on the statement made concurrent signing contend. SQLite has
-- one writer at a time and takes no row locks; its keys stay.
SELECT 1;

-- +goose Down
SELECT 1;
