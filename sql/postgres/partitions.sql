-- The partitions of table $1.$2 with a time range, oldest first: name,
-- schema, name alone, range in microseconds since 1970, bytes.
SELECT format('%I.%I', partition_schema, partition_name), partition_schema, partition_name,
       (extract(epoch FROM range_start) * 1000000)::bigint,
       (extract(epoch FROM range_end) * 1000000)::bigint,
       pg_total_relation_size(format('%I.%I', partition_schema, partition_name)::regclass)
FROM tsq.partitions($1, $2)
WHERE range_end IS NOT NULL
ORDER BY range_end
