-- description: exponential moving average of the close (alpha 2/(N+1), seeded with the SMA of the first N)
-- param: symbol text
-- param: period int = 20
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT time, symbol, close,
       tsq.ema(close::float8, :period::int) OVER (ORDER BY time ROWS UNBOUNDED PRECEDING) AS ema
FROM ohlcv
WHERE symbol = :symbol AND timeframe = :timeframe AND time >= :from AND time < :to
ORDER BY time
