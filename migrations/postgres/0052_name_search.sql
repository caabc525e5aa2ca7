-- +goose Up
-- SQLite gets an FTS5 trigram index for the list's name search in this
-- version; PostgreSQL already has its pg_trgm index (migration 0031).
SELECT 1;

-- +goose Down
SELECT 1;
