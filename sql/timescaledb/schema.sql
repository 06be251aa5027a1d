-- TimescaleDB: hypertables with compression, and the OHLCV rollups as
-- continuous aggregates.  Runs after tables.sql.  The calls used here
-- (create_hypertable with a time column, ALTER TABLE ... SET
-- (timescaledb.compress ...), add_compression_policy,
-- add_continuous_aggregate_policy, continuous aggregates on continuous
-- aggregates) exist with these names from TimescaleDB 2.9 through 2.23.

-- step: made ohlcv a hypertable
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = 'ohlcv')
-- params: schema, chunk_interval
SELECT create_hypertable(format('%I.%I', $1::text, 'ohlcv')::regclass, 'time',
                         chunk_time_interval => $2::interval);

-- step: enabled compression on ohlcv
-- unless: SELECT coalesce((SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = 'ohlcv'), false)
-- params: schema
ALTER TABLE ohlcv SET (timescaledb.compress,
                       timescaledb.compress_segmentby = 'symbol, timeframe',
                       timescaledb.compress_orderby = 'time DESC');

-- step: added compression policy on ohlcv
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.jobs WHERE hypertable_schema = $1 AND hypertable_name = 'ohlcv' AND proc_name = 'policy_compression')
-- params: schema
SELECT add_compression_policy(format('%I.%I', $1::text, 'ohlcv')::regclass, INTERVAL '7 days');

-- step: made trades a hypertable
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = 'trades')
-- params: schema, chunk_interval
SELECT create_hypertable(format('%I.%I', $1::text, 'trades')::regclass, 'time',
                         chunk_time_interval => $2::interval);

-- step: enabled compression on trades
-- unless: SELECT coalesce((SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = 'trades'), false)
-- params: schema
ALTER TABLE trades SET (timescaledb.compress,
                       timescaledb.compress_segmentby = 'symbol',
                       timescaledb.compress_orderby = 'time DESC, trade_id');

-- step: added compression policy on trades
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.jobs WHERE hypertable_schema = $1 AND hypertable_name = 'trades' AND proc_name = 'policy_compression')
-- params: schema
SELECT add_compression_policy(format('%I.%I', $1::text, 'trades')::regclass, INTERVAL '2 days');

-- step: made quotes a hypertable
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = 'quotes')
-- params: schema, chunk_interval
SELECT create_hypertable(format('%I.%I', $1::text, 'quotes')::regclass, 'time',
                         chunk_time_interval => $2::interval);

-- step: enabled compression on quotes
-- unless: SELECT coalesce((SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = 'quotes'), false)
-- params: schema
ALTER TABLE quotes SET (timescaledb.compress,
                       timescaledb.compress_segmentby = 'symbol',
                       timescaledb.compress_orderby = 'time DESC, quote_id');

-- step: added compression policy on quotes
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.jobs WHERE hypertable_schema = $1 AND hypertable_name = 'quotes' AND proc_name = 'policy_compression')
-- params: schema
SELECT add_compression_policy(format('%I.%I', $1::text, 'quotes')::regclass, INTERVAL '2 days');

-- The rollups are built from the 1-minute candles and then from each other
-- (5m <- 1m, 15m <- 5m, 1h <- 15m, 4h <- 1h, 1d <- 1h).  materialized_only is
-- set to false on purpose: a query sees the materialized buckets plus the
-- newest raw data, so results never lag behind the candles.

-- step: created continuous aggregate ohlcv_5m
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 AND view_name = 'ohlcv_5m')
-- params: schema
CREATE MATERIALIZED VIEW ohlcv_5m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '5 minutes', time) AS time,
       symbol,
       first(open, time) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, time) AS close,
       sum(volume) AS volume,
       sum(trades)::bigint AS trades,
       count(*) AS candles
FROM ohlcv
WHERE timeframe = '1m'
GROUP BY 1, 2
WITH NO DATA;

-- step: added refresh policy on ohlcv_5m
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.jobs j JOIN timescaledb_information.continuous_aggregates c ON (j.hypertable_schema, j.hypertable_name) IN ((c.view_schema, c.view_name), (c.materialization_hypertable_schema, c.materialization_hypertable_name)) WHERE c.view_schema = $1 AND c.view_name = 'ohlcv_5m' AND j.proc_name = 'policy_refresh_continuous_aggregate')
-- params: schema
SELECT add_continuous_aggregate_policy(format('%I.%I', $1::text, 'ohlcv_5m')::regclass,
    start_offset => INTERVAL '1 day', end_offset => INTERVAL '5 minutes',
    schedule_interval => INTERVAL '5 minutes');

-- step: created continuous aggregate ohlcv_15m
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 AND view_name = 'ohlcv_15m')
-- params: schema
CREATE MATERIALIZED VIEW ohlcv_15m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '15 minutes', time) AS time,
       symbol,
       first(open, time) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, time) AS close,
       sum(volume) AS volume,
       sum(trades)::bigint AS trades,
       sum(candles)::bigint AS candles
FROM ohlcv_5m
GROUP BY 1, 2
WITH NO DATA;

-- step: added refresh policy on ohlcv_15m
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.jobs j JOIN timescaledb_information.continuous_aggregates c ON (j.hypertable_schema, j.hypertable_name) IN ((c.view_schema, c.view_name), (c.materialization_hypertable_schema, c.materialization_hypertable_name)) WHERE c.view_schema = $1 AND c.view_name = 'ohlcv_15m' AND j.proc_name = 'policy_refresh_continuous_aggregate')
-- params: schema
SELECT add_continuous_aggregate_policy(format('%I.%I', $1::text, 'ohlcv_15m')::regclass,
    start_offset => INTERVAL '2 days', end_offset => INTERVAL '15 minutes',
    schedule_interval => INTERVAL '15 minutes');

-- step: created continuous aggregate ohlcv_1h
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 AND view_name = 'ohlcv_1h')
-- params: schema
CREATE MATERIALIZED VIEW ohlcv_1h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS time,
       symbol,
       first(open, time) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, time) AS close,
       sum(volume) AS volume,
       sum(trades)::bigint AS trades,
       sum(candles)::bigint AS candles
FROM ohlcv_15m
GROUP BY 1, 2
WITH NO DATA;

-- step: added refresh policy on ohlcv_1h
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.jobs j JOIN timescaledb_information.continuous_aggregates c ON (j.hypertable_schema, j.hypertable_name) IN ((c.view_schema, c.view_name), (c.materialization_hypertable_schema, c.materialization_hypertable_name)) WHERE c.view_schema = $1 AND c.view_name = 'ohlcv_1h' AND j.proc_name = 'policy_refresh_continuous_aggregate')
-- params: schema
SELECT add_continuous_aggregate_policy(format('%I.%I', $1::text, 'ohlcv_1h')::regclass,
    start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
    schedule_interval => INTERVAL '1 hour');

-- step: created continuous aggregate ohlcv_4h
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 AND view_name = 'ohlcv_4h')
-- params: schema
CREATE MATERIALIZED VIEW ohlcv_4h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '4 hours', time) AS time,
       symbol,
       first(open, time) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, time) AS close,
       sum(volume) AS volume,
       sum(trades)::bigint AS trades,
       sum(candles)::bigint AS candles
FROM ohlcv_1h
GROUP BY 1, 2
WITH NO DATA;

-- step: added refresh policy on ohlcv_4h
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.jobs j JOIN timescaledb_information.continuous_aggregates c ON (j.hypertable_schema, j.hypertable_name) IN ((c.view_schema, c.view_name), (c.materialization_hypertable_schema, c.materialization_hypertable_name)) WHERE c.view_schema = $1 AND c.view_name = 'ohlcv_4h' AND j.proc_name = 'policy_refresh_continuous_aggregate')
-- params: schema
SELECT add_continuous_aggregate_policy(format('%I.%I', $1::text, 'ohlcv_4h')::regclass,
    start_offset => INTERVAL '7 days', end_offset => INTERVAL '4 hours',
    schedule_interval => INTERVAL '4 hours');

-- step: created continuous aggregate ohlcv_1d
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1 AND view_name = 'ohlcv_1d')
-- params: schema
CREATE MATERIALIZED VIEW ohlcv_1d
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', time) AS time,
       symbol,
       first(open, time) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, time) AS close,
       sum(volume) AS volume,
       sum(trades)::bigint AS trades,
       sum(candles)::bigint AS candles
FROM ohlcv_1h
GROUP BY 1, 2
WITH NO DATA;

-- step: added refresh policy on ohlcv_1d
-- only: rollups
-- unless: SELECT EXISTS (SELECT 1 FROM timescaledb_information.jobs j JOIN timescaledb_information.continuous_aggregates c ON (j.hypertable_schema, j.hypertable_name) IN ((c.view_schema, c.view_name), (c.materialization_hypertable_schema, c.materialization_hypertable_name)) WHERE c.view_schema = $1 AND c.view_name = 'ohlcv_1d' AND j.proc_name = 'policy_refresh_continuous_aggregate')
-- params: schema
SELECT add_continuous_aggregate_policy(format('%I.%I', $1::text, 'ohlcv_1d')::regclass,
    start_offset => INTERVAL '30 days', end_offset => INTERVAL '1 day',
    schedule_interval => INTERVAL '1 day');

-- step: created function tsq.rollup_horizon
-- only: rollups
-- unless: SELECT to_regprocedure('tsq.rollup_horizon(text)') IS NOT NULL
-- Continuous aggregates with materialized_only = false answer for all of
-- their source, refreshed or not: the bars query reads them all the way.
CREATE FUNCTION tsq.rollup_horizon(rollup text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT 'infinity'::timestamptz
$fn$;
