-- +goose Up
-- The public list only reads approved rows, but its indexes covered every
-- status, so each new (unconfirmed) signature wrote three index entries
-- nobody reads. Partial indexes over approved rows serve the same queries
-- (the list writes status = 'approved' as a literal) and keep the sign
-- path's writes smaller.
DROP INDEX signatures_public;
DROP INDEX signatures_public_country;
DROP INDEX signatures_public_type;
CREATE INDEX signatures_public ON signatures (statement_id, approved_at, id) WHERE status = 'approved';
CREATE INDEX signatures_public_country ON signatures (statement_id, country, approved_at, id) WHERE status = 'approved';
CREATE INDEX signatures_public_type ON signatures (statement_id, org_type, approved_at, id) WHERE status = 'approved';

-- +goose Down
DROP INDEX signatures_public;
DROP INDEX signatures_public_country;
DROP INDEX signatures_public_type;
CREATE INDEX signatures_public ON signatures (statement_id, status, approved_at, id);
CREATE INDEX signatures_public_country ON signatures (statement_id, status, country, approved_at, id);
CREATE INDEX signatures_public_type ON signatures (statement_id, status, org_type, approved_at, id);
