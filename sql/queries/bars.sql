-- description: OHLCV bars at any interval for a symbol; reads the matching rollup when there is one
-- param: symbol text
-- param: interval interval = 1h
-- param: from timestamptz = -24h
-- param: to timestamptz = now
-- param: source text = auto (auto|raw|trades)
-- param: timeframe text = 1m
--
-- source=auto reads the coarsest rollup whose bucket divides the interval
-- (ohlcv_1d, _4h, _1h, _15m, _5m: tsq.rollup_for), the candles of
-- timeframe otherwise (rollups are made of 1-minute candles); source=raw
-- always reads the candles; source=trades builds the bars from the trades
-- (open and close: the first and last trade by time, then trade_id; volume:
-- the sum of sizes).  Rollup buckets start on the same boundaries as
-- time_bucket, so both give the same bars.  On plain PostgreSQL a rollup
-- answers only up to where it was last refreshed; the rest comes from the
-- candles.  The bars are those of the indicators' interval= (the shared
-- candles fragment, sql/queries/fragments), from the bar that holds from.
WITH need AS (SELECT 0 AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, open, high, low, close, volume
FROM candles
ORDER BY time
