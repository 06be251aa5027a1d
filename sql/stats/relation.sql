-- Sizes and row estimate of relation $1 (regclass as text) and, when it is
-- partitioned, of all its partitions: partitions (0 for a plain table),
-- rows (the planner's estimate, from the last ANALYZE), then total, table
-- (heap with its free space and visibility maps), index and TOAST bytes.
-- Read from the catalog and the file sizes: no row is scanned.  (A plain
-- table has no partition tree: it is its own one leaf.)
WITH tree AS (
    SELECT relid, isleaf, level FROM pg_partition_tree($1::regclass)
    UNION ALL
    SELECT $1::regclass, true, 0
    WHERE NOT EXISTS (SELECT 1 FROM pg_partition_tree($1::regclass))
)
SELECT count(*) FILTER (WHERE t.isleaf AND t.level > 0),
       coalesce(sum(greatest(c.reltuples, 0)) FILTER (WHERE t.isleaf), 0)::bigint,
       sum(pg_total_relation_size(t.relid)),
       sum(pg_relation_size(t.relid, 'main') + pg_relation_size(t.relid, 'fsm')
           + pg_relation_size(t.relid, 'vm')),
       sum(pg_indexes_size(t.relid)),
       sum(coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0))
FROM tree t
JOIN pg_class c ON c.oid = t.relid
