-- TimescaleDB: hypertables with compression, and the OHLCV rollups as
-- continuous aggregates.  Runs after tables.sql.  The calls used here
-- (create_hypertable with a time column, ALTER TABLE ... SET
-- (timescaledb.compress ...), alter_job, continuous aggregates on
-- continuous aggregates) exist with these names from TimescaleDB 2.9 on.

-- step: made @table@ a hypertable
-- each: table=ohlcv
-- each: table=trades
-- each: table=quotes
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = '@table@')
-- params: schema, chunk_interval
SELECT create_hypertable(format('%I.%I', $1::text, '@table@')::regclass, 'time',
                         chunk_time_interval => $2::interval);

-- step: enabled compression on @table@
-- each: table=ohlcv; segmentby=symbol, timeframe; orderby=time DESC
-- each: table=trades; segmentby=symbol; orderby=time DESC, trade_id
-- each: table=quotes; segmentby=symbol; orderby=time DESC, quote_id
-- unless: SELECT coalesce((SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = '@table@'), false)
-- params: schema
ALTER TABLE @table@ SET (timescaledb.compress,
                       timescaledb.compress_segmentby = '@segmentby@',
                       timescaledb.compress_orderby = '@orderby@');

-- The rollups are built from the 1-minute candles and then from each other,
-- as the ladder says (sql/lists/rollups.sql).  materialized_only is set to
-- false on purpose: a query sees the materialized buckets plus the newest
-- raw data, so results never lag behind the candles.

-- step: created continuous aggregate @rollup@
-- only: rollups
-- each-of: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 AND view_name = '@rollup@')
-- params: schema
CREATE MATERIALIZED VIEW @rollup@
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '@bucket@', time) AS time,
       symbol,
       first(open, time) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, time) AS close,
       sum(volume) AS volume,
       sum(trades)::bigint AS trades,
       @candles@ AS candles
FROM @source@
WHERE @rows@
GROUP BY 1, 2
WITH NO DATA;

-- The trade rollups (sql/lists/trade_rollups.sql): candles of the trades,
-- open and close by (time, trade_id), volume and notional exact (numeric).
-- step: created continuous aggregate @rollup@
-- only: rollups
-- each-of: trade_rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 AND view_name = '@rollup@')
-- params: schema
CREATE MATERIALIZED VIEW @rollup@
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '@bucket@', time) AS time,
       symbol,
       @open@ AS open,
       @high@ AS high,
       @low@ AS low,
       @close@ AS close,
       @volume@ AS volume,
       @trades@ AS trades,
       @notional@ AS notional
FROM @source@
GROUP BY 1, 2
WITH NO DATA;

-- No policy job is added here: the stored policy (policies.sql) is applied
-- by tsq-compress --run, from cron, on every backend; tsq-compress --native
-- hands it to TimescaleDB's own jobs instead (see tsq-compress(1)).
--
-- A refresh job runs in one transaction: with batches (TimescaleDB's
-- default where the policy takes buckets_per_batch), each commit moves
-- the rollup's watermark to its newest bucket first, and until the older
-- batches commit (until the next run, if this one stops half-way) a query
-- reads those buckets neither from the rollup nor from the candles.  The
-- refresh jobs an earlier tsq-init made, in batches, are set to one.
-- step: refresh job on @rollup@ set to one transaction per run
-- only: rollups
-- each-of: rollups
-- unless: SELECT coalesce(bool_and(NOT $2::boolean OR coalesce(j.config -> 'buckets_per_batch' = '0', false)), true) FROM timescaledb_information.jobs j JOIN timescaledb_information.continuous_aggregates c ON (j.hypertable_schema, j.hypertable_name) IN ((c.view_schema, c.view_name), (c.materialization_hypertable_schema, c.materialization_hypertable_name)) WHERE c.view_schema = $1 AND c.view_name = '@rollup@' AND j.proc_name = 'policy_refresh_continuous_aggregate'
-- params: schema, one_batch
SELECT a.job_id
FROM timescaledb_information.jobs j
JOIN timescaledb_information.continuous_aggregates c
  ON (j.hypertable_schema, j.hypertable_name)
     IN ((c.view_schema, c.view_name),
         (c.materialization_hypertable_schema, c.materialization_hypertable_name))
CROSS JOIN LATERAL alter_job(j.job_id, config => j.config || '{"buckets_per_batch": 0}') a
WHERE c.view_schema = $1 AND c.view_name = '@rollup@'
  AND j.proc_name = 'policy_refresh_continuous_aggregate'
  AND $2::boolean AND j.config -> 'buckets_per_batch' IS DISTINCT FROM '0';

-- step: created function tsq.rollup_horizon
-- only: rollups
-- unless: SELECT to_regprocedure('tsq.rollup_horizon(text)') IS NOT NULL
-- Continuous aggregates with materialized_only = false answer for all of
-- their source, refreshed or not: the bars query reads them all the way.
CREATE FUNCTION tsq.rollup_horizon(rollup text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT 'infinity'::timestamptz
$fn$;

-- step: created function tsq.compressed_rows
-- unless: SELECT to_regprocedure('tsq.compressed_rows(regclass)') IS NOT NULL
-- The rows chunk $1 holds in compressed form: the count each compressed
-- batch records, summed (a few reads per thousand rows).  TimescaleDB's own
-- figure is the count when the chunk was first compressed, which a
-- recompression after a backfill does not update.
CREATE FUNCTION tsq.compressed_rows(chunk regclass) RETURNS bigint
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    z regclass;
    n bigint;
BEGIN
    SELECT format('%I.%I', c.schema_name, c.table_name)::regclass INTO z
    FROM _timescaledb_catalog.chunk k
    JOIN _timescaledb_catalog.chunk c ON c.id = k.compressed_chunk_id
    WHERE format('%I.%I', k.schema_name, k.table_name)::regclass = chunk;
    IF z IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('SELECT coalesce(sum(_ts_meta_count), 0) FROM %s', z) INTO n;
    RETURN n;
END
$fn$;
