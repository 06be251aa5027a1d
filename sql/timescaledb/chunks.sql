-- The chunks of hypertable $1.$2 with a time range, oldest first: name,
-- range in microseconds since 1970, status bits (1 compressed, 2 unordered,
-- 8 partially compressed), and whether compression is enabled on it.
SELECT format('%I.%I', c.chunk_schema, c.chunk_name),
       (extract(epoch FROM c.range_start) * 1000000)::bigint,
       (extract(epoch FROM c.range_end) * 1000000)::bigint,
       coalesce(k.status, 0),
       h.compression_enabled
FROM timescaledb_information.chunks c
JOIN timescaledb_information.hypertables h
  ON h.hypertable_schema = c.hypertable_schema AND h.hypertable_name = c.hypertable_name
LEFT JOIN _timescaledb_catalog.chunk k
  ON k.schema_name = c.chunk_schema AND k.table_name = c.chunk_name
WHERE c.hypertable_schema = $1 AND c.hypertable_name = $2
  AND c.range_start IS NOT NULL AND c.range_end IS NOT NULL
ORDER BY c.range_start, c.chunk_name
