-- The column table $1 is range-partitioned on, if it is partitioned on one.
SELECT a.attname
FROM pg_partitioned_table p
JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
WHERE p.partrelid = $1 AND p.partstrat = 'r' AND p.partnatts = 1
