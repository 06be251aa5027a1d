-- description: the last close of each symbol (or of the symbols listed)
-- param: symbols text[] = null
-- param: timeframe text = 1m
SELECT DISTINCT ON (symbol) time, symbol, close
FROM ohlcv
WHERE timeframe = :timeframe AND (:symbols IS NULL OR symbol = ANY (:symbols))
ORDER BY symbol, time DESC
