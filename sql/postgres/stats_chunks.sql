-- The partitions of table $1.$2, oldest first: name, range, rows (the
-- estimate from the last ANALYZE), bytes, and no compression.
SELECT format('%I.%I', p.partition_schema, p.partition_name), p.range_start, p.range_end,
       greatest(c.reltuples, 0)::bigint,
       pg_total_relation_size(c.oid),
       NULL::bigint,
       'uncompressed'
FROM tsq.partitions($1, $2) p
JOIN pg_class c ON c.oid = format('%I.%I', p.partition_schema, p.partition_name)::regclass
ORDER BY p.range_start NULLS FIRST
