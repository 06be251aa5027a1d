-- The runs of UTC days (days since 1970-01-01, first and last) that heap
-- partitions of $1.$2 cover whole: rows on them need no partition made and
-- none decompressed (before_write.sql), so a load asks once and prepares
-- the other days only.
SELECT ceil(extract(epoch FROM p.range_start) / 86400)::int,
       floor(extract(epoch FROM p.range_end) / 86400)::int - 1
FROM tsq.partitions($1, $2) p
JOIN pg_namespace n ON n.nspname = p.partition_schema
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.partition_name
JOIN pg_am am ON am.oid = c.relam AND am.amname = 'heap'
WHERE p.range_start > '-infinity' AND p.range_end < 'infinity'
