-- +goose Up
-- The language the signer used when signing (a BCP 47 code such as "uk" or
-- "zh-Hans"), so that the emails about the signature speak it. Empty for
-- signatures made before: they are written to in English.
ALTER TABLE signatures ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE signatures DROP COLUMN lang;
