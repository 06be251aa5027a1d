-- The partitions of table $1.$2 with a time range, oldest first: name,
-- schema, name alone, range in microseconds since 1970.  Read from the
-- catalog only, so a partition another session has locked does not stop it.
SELECT format('%I.%I', partition_schema, partition_name), partition_schema, partition_name,
       (extract(epoch FROM range_start) * 1000000)::bigint,
       (extract(epoch FROM range_end) * 1000000)::bigint
FROM tsq.partitions($1, $2)
WHERE range_end IS NOT NULL
ORDER BY range_end
