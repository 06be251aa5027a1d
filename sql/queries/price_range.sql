-- description: high, low and range of each symbol in [from, to)
-- param: symbols text[] = null
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT max(time) AS time, symbol, max(high) AS high, min(low) AS low,
       max(high) - min(low) AS range,
       round(((max(high) - min(low)) / nullif(min(low), 0) * 100)::numeric, 4) AS range_pct
FROM ohlcv
WHERE timeframe = :timeframe AND time >= :from AND time < :to
  AND (:symbols IS NULL OR symbol = ANY (:symbols))
GROUP BY symbol
ORDER BY symbol
