-- description: Donchian channel over period candles: the highest high (upper), the lowest low (lower) and their midpoint (TA-Lib's MAX of the high and MIN of the low); the period - 1 candles before from are read
-- compute: donchian
-- param: symbol text
-- param: period int = 20
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period - 1, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, high AS _high, low AS _low, time >= :from AS _shown
FROM candles
ORDER BY time
