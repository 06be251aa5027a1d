-- description: simple moving average of the close over period candles
-- param: symbol text
-- param: period int = 20
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT time, symbol, close,
       CASE WHEN count(close) OVER w = :period THEN avg(close) OVER w END AS sma
FROM ohlcv
WHERE symbol = :symbol AND timeframe = :timeframe AND time >= :from AND time < :to
WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
ORDER BY time
