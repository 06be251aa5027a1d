-- description: change from the first to the last close in [from, to), per symbol, in %
-- param: symbols text[] = null
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT max(time) AS time, symbol,
       first(close, time) AS open, last(close, time) AS close,
       last(close, time) - first(close, time) AS change,
       round(((last(close, time) - first(close, time)) / nullif(first(close, time), 0) * 100)::numeric, 4) AS change_pct
FROM ohlcv
WHERE timeframe = :timeframe AND time >= :from AND time < :to
  AND (:symbols IS NULL OR symbol = ANY (:symbols))
GROUP BY symbol
ORDER BY symbol
