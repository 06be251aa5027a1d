-- The chunks of hypertable $1.$2, oldest first: name, range, rows (the
-- chunk's estimate from its last ANALYZE, plus for a compressed chunk the
-- rows its compressed batches count), bytes now, bytes before
-- compression (compressed chunks), and state: compressed, partial (rows
-- written since), unordered, or uncompressed.
SELECT format('%I.%I', ch.chunk_schema, ch.chunk_name), ch.range_start, ch.range_end,
       greatest(c.reltuples, 0)::bigint
         + CASE WHEN k.status & 1 = 1 THEN tsq.compressed_rows(c.oid) ELSE 0 END,
       coalesce(s.after_compression_total_bytes, 0) + pg_total_relation_size(c.oid),
       s.before_compression_total_bytes,
       CASE WHEN k.status & 1 = 0 THEN 'uncompressed'
            WHEN k.status & 8 = 8 THEN 'partial'
            WHEN k.status & 2 = 2 THEN 'unordered'
            ELSE 'compressed' END
FROM timescaledb_information.chunks ch
JOIN _timescaledb_catalog.chunk k ON k.schema_name = ch.chunk_schema AND k.table_name = ch.chunk_name
JOIN pg_class c ON c.oid = format('%I.%I', ch.chunk_schema, ch.chunk_name)::regclass
LEFT JOIN chunk_compression_stats(format('%I.%I', $1::text, $2::text)::regclass) s
       ON s.chunk_schema = ch.chunk_schema AND s.chunk_name = ch.chunk_name
WHERE ch.hypertable_schema = $1 AND ch.hypertable_name = $2
ORDER BY ch.range_start
