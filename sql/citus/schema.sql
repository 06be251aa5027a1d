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
-- each: rollup=ohlcv_5m
-- each: rollup=ohlcv_15m
-- each: rollup=ohlcv_1h
-- each: rollup=ohlcv_4h
-- each: rollup=ohlcv_1d
-- unless: SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = format('%I.%I', $1::text, '@rollup@')::regclass)
-- params: schema
SELECT create_distributed_table(format('%I.%I', $1::text, '@rollup@')::regclass, 'symbol',
    colocate_with => format('%I.%I', $1::text, 'ohlcv'));

-- step: let tsq.rollup_horizon read tsq.rollups where a query runs
-- only: rollups
-- unless: SELECT proconfig @> ARRAY['citus.allow_nested_distributed_execution=on'] FROM pg_proc WHERE oid = 'tsq.rollup_horizon(text)'::regprocedure
-- The bars query calls it next to the rollup tables, on the node that holds
-- the symbol's shards: there it reads the node's own copy of the reference
-- table, a query Citus refuses inside a shard's query unless told so.  The
-- setting is the function's alone, not the session's.
ALTER FUNCTION tsq.rollup_horizon(text) SET citus.allow_nested_distributed_execution = on;

-- step: created function tsq.node_stats
-- unless: SELECT to_regprocedure('tsq.node_stats(regclass)') IS NOT NULL
-- Where a table's data lives, node by node, for tsq-stats: the shards of
-- the table (of each of its partitions) on the node, their bytes as
-- citus_shards measures them, the planner's row estimate (the shards'
-- reltuples, from the last ANALYZE), and of its columnar shards the bytes
-- stored and the bytes before compression (Citus's columnar.chunk).  The
-- nodes are asked once each; the shard names reach them as one literal the
-- server quotes.  No row for a table Citus does not hold.
CREATE FUNCTION tsq.node_stats(rel regclass)
RETURNS TABLE (node text, shards bigint, bytes bigint, rows bigint,
               columnar_bytes bigint, columnar_raw_bytes bigint)
LANGUAGE sql AS $fn$
    WITH s AS (
        SELECT c.nodename, c.nodeport, c.shard_size, shard_name(c.table_name, c.shardid) AS qualified
        FROM (SELECT relid FROM pg_partition_tree(rel) WHERE isleaf
              UNION SELECT rel) AS t
        JOIN pg_class k ON k.oid = t.relid AND k.relkind <> 'p'
        JOIN citus_shards c ON c.table_name = t.relid
    ), probe AS (
        SELECT n.nodename, n.nodeport, w.result
        FROM run_command_on_all_nodes(format(
            $cmd$SELECT concat_ws(',',
                        (SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint
                         FROM pg_class c WHERE c.oid = ANY (r.rels)),
                        (SELECT coalesce(sum(k.value_stream_length + k.exists_stream_length), 0)
                         FROM columnar.chunk k WHERE k.relation = ANY (r.rels)),
                        (SELECT coalesce(sum(k.value_decompressed_length), 0)
                         FROM columnar.chunk k WHERE k.relation = ANY (r.rels)))
               FROM (SELECT coalesce(array_agg(to_regclass(n)) FILTER (WHERE to_regclass(n) IS NOT NULL),
                                     '{}') AS rels
                     FROM unnest(%L::text[]) AS n) AS r$cmd$,
            (SELECT array_agg(qualified) FROM s))) w
        JOIN pg_dist_node n ON n.nodeid = w.nodeid
        WHERE w.success
    )
    SELECT format('%s:%s', s.nodename, s.nodeport), count(*), sum(s.shard_size)::bigint,
           split_part(p.result, ',', 1)::bigint, split_part(p.result, ',', 2)::bigint,
           split_part(p.result, ',', 3)::bigint
    FROM s
    LEFT JOIN probe p ON p.nodename = s.nodename AND p.nodeport = s.nodeport
    GROUP BY s.nodename, s.nodeport, p.result
    ORDER BY 1
$fn$;
