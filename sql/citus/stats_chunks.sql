-- Citus: the partitions of table $1.$2, oldest first, in the shape of
-- postgres/stats_chunks.sql, measured where the rows are: rows (the shards'
-- estimates from their last ANALYZE, summed over the workers), bytes over
-- the cluster (citus_shards), for a partition stored as columnar the bytes
-- of its data before compression (Citus's columnar.chunk), and its state.
-- The workers are asked once each, the shard names as one literal the
-- server quotes.
WITH parts AS (
    SELECT p.partition_schema, p.partition_name, p.range_start, p.range_end,
           format('%I.%I', p.partition_schema, p.partition_name)::regclass AS rel
    FROM tsq.partitions($1, $2) p
), shards AS (
    SELECT s.table_name AS rel, s.shard_size, shard_name(s.table_name, s.shardid) AS qualified
    FROM citus_shards s
    WHERE s.table_name IN (SELECT rel FROM parts)
), probe AS (
    SELECT split_part(x, ',', 1) AS qualified, split_part(x, ',', 2)::bigint AS rows,
           split_part(x, ',', 3)::bigint AS raw_bytes
    FROM run_command_on_all_nodes(format(
             $cmd$SELECT coalesce(string_agg(concat_ws(',', n, greatest(c.reltuples, 0)::bigint,
                                                     (SELECT coalesce(sum(k.value_decompressed_length), 0)
                                                      FROM columnar.chunk k WHERE k.relation = c.oid)), ';'), '')
                  FROM unnest(%L::text[]) AS n JOIN pg_class c ON c.oid = to_regclass(n)$cmd$,
             (SELECT array_agg(qualified) FROM shards))) w,
         unnest(string_to_array(w.result, ';')) AS x
    WHERE w.success AND x <> ''
), measured AS (
    SELECT s.rel, sum(s.shard_size)::bigint AS bytes, coalesce(sum(p.rows), 0)::bigint AS rows,
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
