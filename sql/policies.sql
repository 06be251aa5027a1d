-- The default storage policies of tsq's own tables, run by tsq-init after
-- the backend's schema.  A policy already stored (changed with tsq-compress
-- --set-policy) is left as it is.  premake, the partitions created ahead,
-- exists where tsq makes the partitions (plain PostgreSQL, Citus); TimescaleDB
-- creates chunks as rows come.

-- step: set the default policy of ohlcv
-- unless: SELECT EXISTS (SELECT 1 FROM tsq.policies WHERE schema_name = $1 AND table_name = 'ohlcv')
-- params: schema, backend
INSERT INTO tsq.policies (schema_name, table_name, compress_after, drop_after, refresh_window, premake)
VALUES ($1, 'ohlcv', INTERVAL '7 days', INTERVAL '365 days', INTERVAL '7 days',
        CASE WHEN $2 <> 'timescaledb' THEN INTERVAL '7 days' END);

-- step: set the default policy of trades
-- unless: SELECT EXISTS (SELECT 1 FROM tsq.policies WHERE schema_name = $1 AND table_name = 'trades')
-- params: schema, backend
INSERT INTO tsq.policies (schema_name, table_name, compress_after, drop_after, refresh_window, premake)
VALUES ($1, 'trades', INTERVAL '2 days', INTERVAL '90 days', NULL,
        CASE WHEN $2 <> 'timescaledb' THEN INTERVAL '7 days' END);

-- step: set the default policy of quotes
-- unless: SELECT EXISTS (SELECT 1 FROM tsq.policies WHERE schema_name = $1 AND table_name = 'quotes')
-- params: schema, backend
INSERT INTO tsq.policies (schema_name, table_name, compress_after, drop_after, refresh_window, premake)
VALUES ($1, 'quotes', INTERVAL '2 days', INTERVAL '90 days', NULL,
        CASE WHEN $2 <> 'timescaledb' THEN INTERVAL '7 days' END);
