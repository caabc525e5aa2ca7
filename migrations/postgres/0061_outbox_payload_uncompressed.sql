-- +goose Up
-- An outbox payload is sealed (AES-GCM): ciphertext does not compress, yet
-- PostgreSQL tried to compress every payload over 2 kB on insert. Stored
-- out of line when large, never compressed.
ALTER TABLE outbox ALTER COLUMN payload SET STORAGE EXTERNAL;

-- +goose Down
ALTER TABLE outbox ALTER COLUMN payload SET STORAGE EXTENDED;
