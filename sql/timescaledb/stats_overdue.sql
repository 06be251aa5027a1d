-- Per table with a stored compress_after: its chunks that ended before
-- compress_after ago and are not fully compressed (never compressed, or
-- partial or unordered after a backfill: status bits 2 and 8).  Whatever the
-- job that should have compressed them says, these were not.
SELECT p.schema_name, p.table_name,
       count(k.id) FILTER (WHERE ch.range_end <= now() - p.compress_after
                             AND (k.status & 1 = 0 OR k.status & 10 <> 0))
FROM tsq.policies p
JOIN timescaledb_information.hypertables h
  ON h.hypertable_schema = p.schema_name AND h.hypertable_name = p.table_name
LEFT JOIN timescaledb_information.chunks ch
  ON ch.hypertable_schema = p.schema_name AND ch.hypertable_name = p.table_name
LEFT JOIN _timescaledb_catalog.chunk k
  ON k.schema_name = ch.chunk_schema AND k.table_name = ch.chunk_name
WHERE p.compress_after IS NOT NULL
  AND ($1::text IS NULL OR to_regclass(format('%I.%I', p.schema_name, p.table_name)) = ANY ($1::regclass[]))
GROUP BY 1, 2
ORDER BY 1, 2
