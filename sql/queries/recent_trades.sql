-- description: trades of the last 24 hours, or of [from, to)
-- param: symbol text = null
-- param: from timestamptz = -24h
-- param: to timestamptz = now
-- param: limit int = 10000
SELECT time, symbol, price, size, side, trade_id, exchange
FROM trades
WHERE time >= :from AND time < :to AND (:symbol IS NULL OR symbol = :symbol)
ORDER BY symbol, time, trade_id
LIMIT :limit
