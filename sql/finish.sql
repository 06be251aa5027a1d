-- The last script tsq-init runs: record the schema version, so that later
-- releases know what they are migrating from.

-- step: recorded schema version 1
-- unless: SELECT EXISTS (SELECT 1 FROM tsq.installations WHERE schema_name = $1 AND version = 1 AND backend = $2 AND numeric_prices = $3::boolean)
-- params: schema, backend, numeric
INSERT INTO tsq.installations (schema_name, version, backend, numeric_prices)
VALUES ($1, 1, $2, $3::boolean)
ON CONFLICT (schema_name) DO UPDATE
SET version = excluded.version, backend = excluded.backend,
    numeric_prices = excluded.numeric_prices, updated_at = now();
