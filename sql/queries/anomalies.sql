-- description: close-to-close moves larger than threshold percent
-- param: symbols text[] = null
-- param: threshold float = 5
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT time, symbol, prev_close, close,
       round(((close - prev_close) / prev_close * 100)::numeric, 4) AS change_pct
FROM (
    SELECT time, symbol, close, lag(close) OVER (PARTITION BY symbol ORDER BY time) AS prev_close
    FROM ohlcv
    WHERE timeframe = :timeframe AND time >= :from AND time < :to
      AND (:symbols IS NULL OR symbol = ANY (:symbols))
) m
WHERE prev_close <> 0 AND abs((close - prev_close) / prev_close * 100) > :threshold
ORDER BY symbol, time
