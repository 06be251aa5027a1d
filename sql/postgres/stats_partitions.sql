-- The partitions of table $1.$2, quoted, in the order of their time ranges;
-- none at all when one of them has no bounded range (the default partition,
-- MINVALUE, MAXVALUE), as then only the parent can tell the time range.
WITH p AS (SELECT * FROM tsq.partitions($1, $2))
SELECT format('%I.%I', partition_schema, partition_name)
FROM p
WHERE NOT EXISTS (SELECT 1 FROM p WHERE range_start IS NULL OR range_end IS NULL)
ORDER BY range_start
