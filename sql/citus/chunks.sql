-- The daily partitions of table $1.$2, oldest first, in the shape of
-- timescaledb/chunks.sql, for tsq-compress: name, range in microseconds since
-- 1970, status (1: compressed, that is stored by Citus's columnar access
-- method), and whether compression is available (the columnar access method
-- exists: the citus_columnar extension, which tsq-init creates).
SELECT format('%I.%I', p.partition_schema, p.partition_name),
       (extract(epoch FROM p.range_start) * 1000000)::bigint,
       (extract(epoch FROM p.range_end) * 1000000)::bigint,
       CASE WHEN am.amname = 'columnar' THEN 1 ELSE 0 END,
       EXISTS (SELECT 1 FROM pg_am WHERE amname = 'columnar')
FROM tsq.partitions($1, $2) p
JOIN pg_namespace n ON n.nspname = p.partition_schema
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.partition_name
LEFT JOIN pg_am am ON am.oid = c.relam
WHERE p.range_start IS NOT NULL AND p.range_end IS NOT NULL
ORDER BY p.range_start, p.partition_name
