-- description: the size of the database and of each schema in it
SELECT current_database() AS database, n.nspname AS schema,
       sum(pg_total_relation_size(c.oid))::bigint AS bytes,
       pg_size_pretty(sum(pg_total_relation_size(c.oid))::bigint) AS size,
       pg_database_size(current_database()) AS database_bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%'
GROUP BY n.nspname
ORDER BY 3 DESC, 2
