-- Of hypertable $1.$2, from TimescaleDB's catalog and size functions (no
-- row is scanned, only each compressed batch's count): chunks, compressed
-- chunks, rows (each chunk's estimate from its last ANALYZE, plus for a
-- compressed chunk the rows its compressed batches count), total, table,
-- index and TOAST bytes, and the bytes of the compressed chunks before and
-- after compression.
WITH h AS (SELECT format('%I.%I', $1::text, $2::text)::regclass AS rel)
SELECT (SELECT count(*) FROM timescaledb_information.chunks
        WHERE hypertable_schema = $1 AND hypertable_name = $2),
       (SELECT count(*) FROM timescaledb_information.chunks
        WHERE hypertable_schema = $1 AND hypertable_name = $2 AND is_compressed),
       (SELECT coalesce(sum(greatest(c.reltuples, 0)
                            + CASE WHEN k.status & 1 = 1 THEN tsq.compressed_rows(c.oid)
                                   ELSE 0 END), 0)::bigint
        FROM _timescaledb_catalog.hypertable t
        JOIN _timescaledb_catalog.chunk k ON k.hypertable_id = t.id
        JOIN pg_class c ON c.relname = k.table_name
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = k.schema_name
        WHERE t.schema_name = $1 AND t.table_name = $2),
       s.total_bytes, s.table_bytes, s.index_bytes, s.toast_bytes,
       c.before_compression_total_bytes, c.after_compression_total_bytes
FROM h
CROSS JOIN LATERAL hypertable_detailed_size(h.rel) s
LEFT JOIN LATERAL hypertable_compression_stats(h.rel) c ON true
