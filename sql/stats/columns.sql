-- Of relation $1 (regclass as text): its time column (the hypertable's time
-- dimension, the partition key, or else a timestamptz column named "time"),
-- whether it has a "symbol" column, and the planner's estimate of distinct
-- symbols (pg_stats after ANALYZE: negative means a fraction of the rows).
WITH r AS (SELECT $1::regclass AS oid)
SELECT coalesce(
         (SELECT a.attname FROM pg_partitioned_table p, r
          JOIN pg_attribute a ON a.attrelid = r.oid
          WHERE p.partrelid = r.oid AND p.partnatts = 1 AND a.attnum = p.partattrs[0]),
         (SELECT a.attname FROM pg_attribute a, r
          WHERE a.attrelid = r.oid AND a.attname = 'time' AND NOT a.attisdropped)),
       EXISTS (SELECT 1 FROM pg_attribute a, r
               WHERE a.attrelid = r.oid AND a.attname = 'symbol' AND NOT a.attisdropped),
       (SELECT s.n_distinct FROM pg_stats s, r, pg_class c, pg_namespace n
        WHERE c.oid = r.oid AND n.oid = c.relnamespace AND s.schemaname = n.nspname
          AND s.tablename = c.relname AND s.attname = 'symbol'
        ORDER BY s.inherited DESC LIMIT 1)
