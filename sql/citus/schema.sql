-- Citus: the plain PostgreSQL layout (postgres/schema.sql runs first: daily
-- partitions, rollup tables, tsq's functions), then distributed from the
-- coordinator.  The market-data tables are hash-distributed by symbol and
-- colocated, so that everything about one symbol lives on one node and
-- per-symbol queries, joins and rollup refreshes run there; symbols and
-- tsq.rollups are reference tables, copied to every node, because queries
-- and tsq's functions read them next to the candles.  tsq's functions and
-- aggregates reach the workers through Citus's own propagation of
-- CREATE FUNCTION and CREATE AGGREGATE.  $2 (shards) is --shards, or NULL
-- for the cluster's citus.shard_count.

-- step: created extension citus_columnar
-- unless: SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus_columnar')
-- Compression on Citus: tsq-compress rewrites old partitions with the
-- columnar access method this extension brings (Citus creates it on the
-- workers too).
CREATE EXTENSION IF NOT EXISTS citus_columnar;

-- step: made symbols a reference table
-- unless: SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = format('%I.%I', $1::text, 'symbols')::regclass)
-- params: schema
SELECT create_reference_table(format('%I.%I', $1::text, 'symbols')::regclass);

-- step: distributed ohlcv by symbol
-- unless: SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = format('%I.%I', $1::text, 'ohlcv')::regclass)
-- params: schema, shards
SELECT create_distributed_table(format('%I.%I', $1::text, 'ohlcv')::regclass, 'symbol',
    colocate_with => 'none',
    shard_count => coalesce($2::int, current_setting('citus.shard_count')::int));

-- step: distributed @table@ by symbol, next to ohlcv
-- each: table=trades
-- each: table=quotes
-- unless: SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = format('%I.%I', $1::text, '@table@')::regclass)
-- params: schema
SELECT create_distributed_table(format('%I.%I', $1::text, '@table@')::regclass, 'symbol',
    colocate_with => format('%I.%I', $1::text, 'ohlcv'));

-- step: made tsq.rollups a reference table
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'tsq.rollups'::regclass)
SELECT create_reference_table('tsq.rollups');

-- step: distributed rollup @rollup@ by symbol, next to ohlcv
-- only: rollups
-- each-of: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = format('%I.%I', $1::text, '@rollup@')::regclass)
-- params: schema
SELECT create_distributed_table(format('%I.%I', $1::text, '@rollup@')::regclass, 'symbol',
    colocate_with => format('%I.%I', $1::text, 'ohlcv'));

-- step: distributed trade rollup @rollup@ by symbol, next to trades
-- only: rollups
-- each-of: trade_rollups
-- unless: SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = format('%I.%I', $1::text, '@rollup@')::regclass)
-- params: schema
SELECT create_distributed_table(format('%I.%I', $1::text, '@rollup@')::regclass, 'symbol',
    colocate_with => format('%I.%I', $1::text, 'trades'));

-- step: let tsq.rollup_horizon read tsq.rollups where a query runs
-- only: rollups
-- unless: SELECT proconfig @> ARRAY['citus.allow_nested_distributed_execution=on'] FROM pg_proc WHERE oid = 'tsq.rollup_horizon(text)'::regprocedure
-- The bars query calls it next to the rollup tables, on the node that holds
-- the symbol's shards: there it reads the node's own copy of the reference
-- table, a query Citus refuses inside a shard's query unless told so.  The
-- setting is the function's alone, not the session's.
ALTER FUNCTION tsq.rollup_horizon(text) SET citus.allow_nested_distributed_execution = on;

-- step: defined tsq.node_stats, every size measured on the nodes in one round
-- unless: SELECT to_regprocedure('tsq.node_stats(regclass[])') IS NOT NULL
-- Where tables' data lives, node by node, for tsq-stats: for each table of
-- RELS, the shards of the table (of each of its partitions) on each node,
-- from Citus's catalog, and what the node measures of them: their bytes
-- (pg_total_relation_size, as citus_shards measures a shard), their bytes
-- without indexes (pg_table_size, as citus_table_size adds them up), the
-- planner's row estimate (the shards' reltuples, from the last ANALYZE), and
-- of its columnar shards the bytes stored and the bytes before compression
-- (columnar.chunk).  Every node is asked once, whatever the number of
-- tables, the shard names as one literal the server quotes: citus_shards
-- would measure every shard of the cluster for each table, and
-- citus_table_size ask the nodes again for each partition.  No row for a
-- table Citus does not hold; a node that does not answer has NULL measures.
-- The one-table form, which an earlier tsq-init made with fewer columns, is
-- made again on top of it.
DROP FUNCTION IF EXISTS tsq.node_stats(regclass);
CREATE FUNCTION tsq.node_stats(rels regclass[])
RETURNS TABLE (rel regclass, node text, shards bigint, bytes bigint, rows bigint,
               columnar_bytes bigint, columnar_raw_bytes bigint, table_bytes bigint)
LANGUAGE sql AS $fn$
    WITH s AS (
        SELECT t.root, n.nodename, n.nodeport, shard_name(sh.logicalrelid, sh.shardid) AS qualified
        FROM (SELECT r.root, p.relid
              FROM unnest(rels) AS r(root), LATERAL pg_partition_tree(r.root) AS p
              WHERE p.isleaf
              UNION
              -- pg_partition_tree has no row for a table that is not partitioned
              SELECT r.root, r.root FROM unnest(rels) AS r(root)
              JOIN pg_class k ON k.oid = r.root AND k.relkind <> 'p') AS t
        JOIN pg_dist_shard sh ON sh.logicalrelid = t.relid
        JOIN pg_dist_placement pl ON pl.shardid = sh.shardid AND pl.shardstate = 1
        JOIN pg_dist_node n ON n.groupid = pl.groupid AND n.noderole = 'primary'
    ), probe AS (
        SELECT n.nodename, n.nodeport, split_part(x, ',', 1) AS qualified,
               split_part(x, ',', 2)::bigint AS rows, split_part(x, ',', 3)::bigint AS columnar_bytes,
               split_part(x, ',', 4)::bigint AS columnar_raw_bytes, split_part(x, ',', 5)::bigint AS bytes,
               split_part(x, ',', 6)::bigint AS table_bytes
        FROM run_command_on_all_nodes(format(
            $cmd$SELECT coalesce(string_agg(concat_ws(',', n, greatest(c.reltuples, 0)::bigint,
                                                    coalesce(k.stored, 0), coalesce(k.raw, 0),
                                                    pg_total_relation_size(c.oid), pg_table_size(c.oid)), ';'), '')
                 FROM unnest(%L::text[]) AS n
                 JOIN pg_class c ON c.oid = to_regclass(n)
                 LEFT JOIN (SELECT relation, sum(value_stream_length + exists_stream_length) AS stored,
                                   sum(value_decompressed_length) AS raw
                            FROM columnar.chunk GROUP BY relation) AS k ON k.relation = c.oid$cmd$,
            (SELECT array_agg(DISTINCT qualified) FROM s))) w
        JOIN pg_dist_node n ON n.nodeid = w.nodeid,
        unnest(string_to_array(w.result, ';')) AS x
        WHERE w.success AND x <> ''
    )
    SELECT s.root, format('%s:%s', s.nodename, s.nodeport), count(*), sum(p.bytes)::bigint,
           sum(p.rows)::bigint, sum(p.columnar_bytes)::bigint, sum(p.columnar_raw_bytes)::bigint,
           sum(p.table_bytes)::bigint
    FROM s
    LEFT JOIN probe p ON p.nodename = s.nodename AND p.nodeport = s.nodeport AND p.qualified = s.qualified
    GROUP BY s.root, s.nodename, s.nodeport
    ORDER BY 1, 2
$fn$;
CREATE FUNCTION tsq.node_stats(rel regclass)
RETURNS TABLE (node text, shards bigint, bytes bigint, rows bigint,
               columnar_bytes bigint, columnar_raw_bytes bigint, table_bytes bigint)
LANGUAGE sql AS $fn$
    SELECT n.node, n.shards, n.bytes, n.rows, n.columnar_bytes, n.columnar_raw_bytes, n.table_bytes
    FROM tsq.node_stats(ARRAY[rel]) AS n
$fn$;
