-- description: OHLCV bars at any interval for a symbol; reads the matching rollup when there is one
-- param: symbol text
-- param: interval interval = 1h
-- param: from timestamptz = -24h
-- param: to timestamptz = now
-- param: source text = auto
--
-- source=auto reads the coarsest rollup whose bucket divides the interval
-- (ohlcv_1d, _4h, _1h, _15m, _5m), raw 1-minute candles otherwise;
-- source=raw always reads the candles.  Rollup buckets start on the same
-- boundaries as time_bucket, so both give the same bars.  On plain
-- PostgreSQL a rollup answers only up to where it was last refreshed; the
-- rest comes from the candles.
WITH p AS (
    SELECT extract(epoch FROM :interval)::numeric AS s
), rows AS (
    SELECT time, open, high, low, close, volume FROM ohlcv_1d
    WHERE :source = 'auto' AND extract(epoch FROM :interval)::numeric % 86400 = 0
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_1d')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv_4h
    WHERE :source = 'auto' AND extract(epoch FROM :interval)::numeric % 86400 <> 0
      AND extract(epoch FROM :interval)::numeric % 14400 = 0
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_4h')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv_1h
    WHERE :source = 'auto' AND extract(epoch FROM :interval)::numeric % 14400 <> 0
      AND extract(epoch FROM :interval)::numeric % 86400 <> 0
      AND extract(epoch FROM :interval)::numeric % 3600 = 0
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_1h')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv_15m
    WHERE :source = 'auto' AND extract(epoch FROM :interval)::numeric % 3600 <> 0
      AND extract(epoch FROM :interval)::numeric % 900 = 0
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_15m')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv_5m
    WHERE :source = 'auto' AND extract(epoch FROM :interval)::numeric % 900 <> 0
      AND extract(epoch FROM :interval)::numeric % 300 = 0
      AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND time < tsq.rollup_horizon('ohlcv_5m')
    UNION ALL
    SELECT time, open, high, low, close, volume FROM ohlcv
    WHERE timeframe = '1m' AND symbol = :symbol AND time >= time_bucket(:interval, :from) AND time < :to
      AND (:source <> 'auto' OR extract(epoch FROM :interval)::numeric % 300 <> 0
           OR time >= tsq.rollup_horizon(CASE
                  WHEN extract(epoch FROM :interval)::numeric % 86400 = 0 THEN 'ohlcv_1d'
                  WHEN extract(epoch FROM :interval)::numeric % 14400 = 0 THEN 'ohlcv_4h'
                  WHEN extract(epoch FROM :interval)::numeric % 3600 = 0 THEN 'ohlcv_1h'
                  WHEN extract(epoch FROM :interval)::numeric % 900 = 0 THEN 'ohlcv_15m'
                  ELSE 'ohlcv_5m' END))
)
SELECT time_bucket(:interval, time) AS time, :symbol AS symbol,
       first(open, time) AS open, max(high) AS high, min(low) AS low,
       last(close, time) AS close, sum(volume) AS volume
FROM rows
GROUP BY 1
ORDER BY 1
