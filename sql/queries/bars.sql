-- description: OHLCV bars at any interval for a symbol; reads the matching rollup when there is one
-- param: symbol text
-- param: interval interval = 1h
-- param: from timestamptz = -24h
-- param: to timestamptz = now
-- param: source text = auto
--
-- source=auto reads the coarsest rollup whose bucket divides the interval
-- (ohlcv_1d, _4h, _1h, _15m, _5m: tsq.rollup_for), raw 1-minute candles
-- otherwise; source=raw always reads the candles.  Rollup buckets start on the same
-- boundaries as time_bucket, so both give the same bars.  On plain
-- PostgreSQL a rollup answers only up to where it was last refreshed; the
-- rest comes from the candles.
WITH rows AS (
    SELECT time, open, high, low, close, volume FROM ohlcv_1d
    WHERE tsq.rollup_for(:interval, :source) = 'ohlcv_1d'
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_1d')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv_4h
    WHERE tsq.rollup_for(:interval, :source) = 'ohlcv_4h'
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_4h')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv_1h
    WHERE tsq.rollup_for(:interval, :source) = 'ohlcv_1h'
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_1h')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv_15m
    WHERE tsq.rollup_for(:interval, :source) = 'ohlcv_15m'
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_15m')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv_5m
    WHERE tsq.rollup_for(:interval, :source) = 'ohlcv_5m'
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_5m')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv
    WHERE timeframe = '1m' AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND (tsq.rollup_for(:interval, :source) IS NULL
           OR time >= tsq.rollup_horizon(tsq.rollup_for(:interval, :source)))
)
SELECT time_bucket(:interval, time) AS time, :symbol AS symbol,
       first(open, time) AS open, max(high) AS high, min(low) AS low,
       last(close, time) AS close, sum(volume) AS volume
FROM rows
GROUP BY 1
ORDER BY 1
