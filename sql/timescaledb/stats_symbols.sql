-- The planner's estimate of distinct symbols of hypertable $1.$2 from its
-- chunks' own statistics, for when the hypertable has none (its rows are
-- compressed, and ANALYZE finds its chunk tables empty): the largest among
-- the uncompressed chunks and the compressed ones' batches, where symbol is
-- a segment-by column and so kept as it is.  NULL when no chunk has any.
SELECT max(CASE WHEN s.n_distinct < 0 THEN -s.n_distinct * greatest(c.reltuples, 0)
                ELSE s.n_distinct END)::bigint
FROM _timescaledb_catalog.hypertable h
JOIN _timescaledb_catalog.chunk k ON k.hypertable_id IN (h.id, h.compressed_hypertable_id)
JOIN pg_namespace n ON n.nspname = k.schema_name
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = k.table_name
JOIN pg_stats s ON s.schemaname = k.schema_name AND s.tablename = k.table_name
               AND s.attname = 'symbol'
WHERE h.schema_name = $1 AND h.table_name = $2
