-- description: money flow index (TA-Lib's MFI): 100 * the money flow (typical price (high + low + close) / 3 times volume) of the candles whose typical price rose over that of those where it rose or fell, over period candles (0 when that total is below 1); the period candles before from are read
-- compute: mfi
-- param: symbol text
-- param: period int = 14
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, high AS _high, low AS _low, volume AS _volume, time >= :from AS _shown
FROM candles
ORDER BY time
