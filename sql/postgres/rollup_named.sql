-- Rollup table $1 (a regclass): its name quoted, its bucket in microseconds,
-- its bare name (tsq.refresh_rollup's argument), and the raw table at the
-- bottom of its ladder (ohlcv_1h is built from ohlcv_15m, from ohlcv_5m, from
-- ohlcv), whose lock and retention horizon a refresh goes by.  No row when $1
-- is not a rollup.
WITH RECURSIVE up AS (
    SELECT r.schema_name, r.name, r.source, 0 AS depth
    FROM tsq.rollups r
    WHERE to_regclass(format('%I.%I', r.schema_name, r.name)) = $1::oid
  UNION ALL
    SELECT r.schema_name, r.name, r.source, up.depth + 1
    FROM up JOIN tsq.rollups r ON r.schema_name = up.schema_name AND r.name = up.source
    WHERE up.depth < 16
)
SELECT format('%I.%I', r.schema_name, r.name),
       (extract(epoch FROM r.bucket) * 1000000)::bigint,
       r.name,
       (SELECT format('%I.%I', schema_name, source) FROM up ORDER BY depth DESC LIMIT 1)
FROM tsq.rollups r
WHERE to_regclass(format('%I.%I', r.schema_name, r.name)) = $1::oid
