-- description: quotes of the last 24 hours, or of [from, to), with the spread
-- param: symbol text = null
-- param: from timestamptz = -24h
-- param: to timestamptz = now
-- param: limit int = 10000
SELECT time, symbol, bid_price, bid_size, ask_price, ask_size, ask_price - bid_price AS spread, exchange
FROM quotes
WHERE time >= :from AND time < :to AND (:symbol IS NULL OR symbol = :symbol)
ORDER BY symbol, time, quote_id
LIMIT :limit
