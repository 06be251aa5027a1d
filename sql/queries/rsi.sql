-- description: relative strength index of the close, Wilder's smoothing (first value at row period+1)
-- param: symbol text
-- param: period int = 14
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT time, symbol, close,
       tsq.rsi(close::float8, :period::int) OVER (ORDER BY time ROWS UNBOUNDED PRECEDING) AS rsi
FROM ohlcv
WHERE symbol = :symbol AND timeframe = :timeframe AND time >= :from AND time < :to
ORDER BY time
