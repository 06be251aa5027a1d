-- description: time-partitioned tables: hypertables on TimescaleDB, range-partitioned tables on PostgreSQL
SELECT n.nspname AS schema, c.relname AS table, a.attname AS time_column,
       (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid) AS chunks,
       (SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) FROM pg_inherits i WHERE i.inhparent = c.oid)::bigint AS bytes,
       false AS compression
FROM pg_partitioned_table p
JOIN pg_class c ON c.oid = p.partrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
WHERE p.partstrat = 'r'
ORDER BY 1, 2
