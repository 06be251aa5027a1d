-- description: volume-weighted average price ((high + low + close) / 3) per symbol and interval
-- param: symbols text[] = null
-- param: interval interval = 1h
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT time_bucket(:interval, time) AS time, symbol,
       sum((high + low + close) / 3 * volume) / nullif(sum(volume), 0) AS vwap,
       sum(volume) AS volume
FROM ohlcv
WHERE timeframe = :timeframe AND time >= :from AND time < :to
  AND (:symbols IS NULL OR symbol = ANY (:symbols))
GROUP BY 1, 2
ORDER BY symbol, time
