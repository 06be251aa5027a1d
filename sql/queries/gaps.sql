-- description: missing candles: runs of absent timeframe steps between candles in [from, to)
-- param: symbols text[] = null
-- param: timeframe text = 1m
-- param: step interval = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT prev + :step AS time, symbol, :timeframe AS timeframe, time - :step AS last_missing,
       (extract(epoch FROM time - prev) / extract(epoch FROM :step))::bigint - 1 AS missing
FROM (
    SELECT time, symbol, lag(time) OVER (PARTITION BY symbol ORDER BY time) AS prev
    FROM ohlcv
    WHERE timeframe = :timeframe AND time >= :from AND time < :to
      AND (:symbols IS NULL OR symbol = ANY (:symbols))
) g
WHERE time - prev > :step
ORDER BY symbol, time
