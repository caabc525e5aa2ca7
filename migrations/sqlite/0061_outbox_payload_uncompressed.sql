-- +goose Up
-- PostgreSQL stops trying to compress sealed outbox payloads in this
-- version; SQLite never compresses them.
SELECT 1;

-- +goose Down
SELECT 1;
