-- description: 1-minute (or timeframe=) candles of the last 24 hours, or of [from, to)
-- param: symbol text = null
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
-- param: limit int = 10000
SELECT time, symbol, open, high, low, close, volume, trades
FROM ohlcv
WHERE timeframe = :timeframe AND time >= :from AND time < :to
  AND (:symbol IS NULL OR symbol = :symbol)
ORDER BY symbol, time
LIMIT :limit
