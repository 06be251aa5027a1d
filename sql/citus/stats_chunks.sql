-- Citus: the partitions of table $1.$2, oldest first, in the shape of
-- postgres/stats_chunks.sql, measured where the rows are: rows (the shards'
-- estimates from their last ANALYZE, summed over the workers), bytes over
-- the cluster (each shard's pg_total_relation_size, as citus_shards has
-- it), for a partition stored as columnar the bytes of its data before
-- compression (Citus's columnar.chunk), and its state.  The shards come
-- from Citus's catalog; the workers are asked once each, the shard names as
-- one literal the server quotes.
WITH parts AS (
    SELECT p.partition_schema, p.partition_name, p.range_start, p.range_end,
           format('%I.%I', p.partition_schema, p.partition_name)::regclass AS rel
    FROM tsq.partitions($1, $2) p
), shards AS (
    SELECT sh.logicalrelid AS rel, shard_name(sh.logicalrelid, sh.shardid) AS qualified
    FROM pg_dist_shard sh
    WHERE sh.logicalrelid IN (SELECT rel FROM parts)
      AND EXISTS (SELECT 1 FROM pg_dist_placement pl WHERE pl.shardid = sh.shardid AND pl.shardstate = 1)
), probe AS (
    SELECT split_part(x, ',', 1) AS qualified, split_part(x, ',', 2)::bigint AS rows,
           split_part(x, ',', 3)::bigint AS raw_bytes, split_part(x, ',', 4)::bigint AS bytes
    FROM run_command_on_all_nodes(format(
             $cmd$SELECT coalesce(string_agg(concat_ws(',', n, greatest(c.reltuples, 0)::bigint,
                                                     (SELECT coalesce(sum(k.value_decompressed_length), 0)
                                                      FROM columnar.chunk k WHERE k.relation = c.oid),
                                                     pg_total_relation_size(c.oid)), ';'), '')
                  FROM unnest(%L::text[]) AS n JOIN pg_class c ON c.oid = to_regclass(n)$cmd$,
             (SELECT array_agg(qualified) FROM shards))) w,
         unnest(string_to_array(w.result, ';')) AS x
    WHERE w.success AND x <> ''
), measured AS (
    SELECT s.rel, coalesce(sum(p.bytes), 0)::bigint AS bytes, coalesce(sum(p.rows), 0)::bigint AS rows,
           coalesce(sum(p.raw_bytes), 0)::bigint AS raw_bytes
    FROM shards s LEFT JOIN probe p ON p.qualified = s.qualified
    GROUP BY s.rel
)
SELECT format('%I.%I', p.partition_schema, p.partition_name), p.range_start, p.range_end,
       coalesce(m.rows, 0), coalesce(m.bytes, 0),
       CASE WHEN am.amname = 'columnar' THEN m.raw_bytes END,
       CASE WHEN am.amname = 'columnar' THEN 'compressed' ELSE 'uncompressed' END
FROM parts p
JOIN pg_class c ON c.oid = p.rel
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN measured m ON m.rel = p.rel
ORDER BY p.range_start NULLS FIRST
