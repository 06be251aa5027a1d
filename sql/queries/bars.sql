-- description: OHLCV bars at any interval for a symbol, from its candles, trades or quotes; reads the matching rollup when there is one
-- param: symbol text
-- param: interval interval = 1h
-- param: from timestamptz = -24h
-- param: to timestamptz = now
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: timeframe text = 1m
--
-- interval: seconds to weeks, or whole months ("1 month", "3mo"; buckets
-- start on the first of a month, UTC).  source says what the bars are made
-- of (the candles fragment, sql/queries/fragments, has the details):
--   auto        the 1-minute candles through the coarsest rollup whose
--               bucket divides the interval (ohlcv_1d, _4h, _1h, _15m, _5m:
--               tsq.rollup_for), or the candles of timeframe;
--   raw         the candles always;
--   trades      the trades, through the trade rollups (trades_1d, _1h, _1m)
--               where the interval is a whole number of their buckets;
--               open and close are the first and last trade by time, then
--               trade_id; volume the exact sum of sizes; trades the number
--               of trades; vwap sum(price * size) / sum(size);
--   raw-trades  the raw trades always (the same bars);
--   quotes      the mid price (bid + ask) / 2 of the quotes with both
--               prices; trades counts the quotes; volume and vwap are empty.
-- Rollup buckets start on the same boundaries as time_bucket, so a rollup
-- and its raw rows give the same bars.  On plain PostgreSQL and Citus a
-- rollup answers only up to where it was last refreshed (tsq-compress
-- --run); the rest comes from the raw rows.  The bars are those of the
-- indicators' interval=, from the bar that holds from.
WITH need AS (SELECT 0 AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, open, high, low, close, volume, trades, vwap
FROM candles
ORDER BY time
