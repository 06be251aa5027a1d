-- Every table a Citus cluster holds (those of pg_dist_partition that are not
-- a partition, nor a load's staging table), from one tsq.node_stats: its name as tsq-stats shows it, the
-- rows the shards' statistics estimate, total bytes over every node, the
-- bytes without indexes (TOAST included, as citus_table_size counts them),
-- the partitions stored as columnar, and the bytes of the columnar data
-- before and after compression.
WITH roots AS (
    SELECT array_agg(d.logicalrelid) AS rels
    FROM pg_dist_partition d
    JOIN pg_class c ON c.oid = d.logicalrelid AND NOT c.relispartition
    -- not the staging tables of loads running (no use measuring them)
    WHERE c.relname !~ '^tsq_load_stage_[0-9]+$'
), n AS (
    SELECT n.* FROM roots, tsq.node_stats(roots.rels) n
)
SELECT format('%I.%I', ns.nspname, c.relname), sum(n.rows)::bigint, sum(n.bytes)::bigint,
       sum(n.table_bytes)::bigint,
       (SELECT count(*) FROM (SELECT relid FROM pg_partition_tree(n.rel) UNION SELECT n.rel) l
        JOIN pg_class lc ON lc.oid = l.relid
        JOIN pg_am am ON am.oid = lc.relam AND am.amname = 'columnar'),
       sum(n.columnar_raw_bytes)::bigint, sum(n.columnar_bytes)::bigint
FROM n
JOIN pg_class c ON c.oid = n.rel
JOIN pg_namespace ns ON ns.oid = c.relnamespace
GROUP BY n.rel, ns.nspname, c.relname
