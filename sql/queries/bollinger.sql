-- description: Bollinger bands (TA-Lib's BBANDS): SMA of the close ± k population standard deviations; the period - 1 candles before from are read
-- compute: bollinger
-- param: symbol text
-- param: period int = 20
-- param: k float = 2
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period - 1, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, time >= :from AS _shown
FROM candles
ORDER BY time
