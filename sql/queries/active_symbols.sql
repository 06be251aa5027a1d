-- description: symbols with candles in [from, to): how many, first and last
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT max(time) AS time, symbol, count(*) AS candles, min(time) AS first, max(time) AS last
FROM ohlcv
WHERE timeframe = :timeframe AND time >= :from AND time < :to
GROUP BY symbol
ORDER BY symbol
