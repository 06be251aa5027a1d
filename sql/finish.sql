-- The last script tsq-init runs: record the version of tsq's schema, so
-- that a later tsq-init knows what to bring up to date.
--
-- The versions (TSQ_SCHEMA_VERSION in common/version.h).  A step marked
-- "-- version: N" in the scripts is what changed in version N: on a schema
-- recorded at an earlier version it runs again, replacing its object in
-- place, in the scripts' order (see common/script.h).
--   1  the first schema (tsq-init of 0.1.0 before versions were kept).
--   2  tsq.rsi_final gives 0, not 100, for a flat series (as TA-Lib);
--      tsq.partitions reads bounds without locking the partitions; on
--      Citus, tsq.create_partitions uses create_time_partitions and
--      tsq.has_partitions reads the catalog without locks.
--   3  symbols has first_seen and last_seen, which tsq-load keeps
--      (tsq.note_symbols); tsq.newest_row, which tsq-stats' stale check
--      reads.
--   4  the trade rollups trades_1m, _1h and _1d (sql/lists/trade_rollups.sql):
--      tables that tsq.refresh_rollup refreshes, or continuous aggregates;
--      tsq.rollup_for chooses among them for source 'trades' and takes
--      buckets of whole months; tsq.bucket_seconds; symbols has tables,
--      which tsq.note_symbols of a table fills; tsq.analyze_new analyzes a
--      part once in its life (not again after a TRUNCATE).
--   5  tsq.analyze_new analyzes the first column of a part's primary key
--      only (the row count and the first lookup; autovacuum does the rest).

-- step: recorded schema version @schema_version@
-- unless: SELECT EXISTS (SELECT 1 FROM tsq.installations WHERE schema_name = $1 AND version = $4::integer AND backend = $2 AND numeric_prices = $3::boolean)
-- params: schema, backend, numeric, schema_version
INSERT INTO tsq.installations (schema_name, version, backend, numeric_prices)
VALUES ($1, $4::integer, $2, $3::boolean)
ON CONFLICT (schema_name) DO UPDATE
SET version = excluded.version, backend = excluded.backend,
    numeric_prices = excluded.numeric_prices, updated_at = now();
