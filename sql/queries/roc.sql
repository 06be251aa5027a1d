-- description: rate of change of the close in percent over period candles (TA-Lib's ROC: 100 * (close / close period candles before - 1)); the period candles before from are read
-- compute: roc
-- param: symbol text
-- param: period int = 10
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, time >= :from AS _shown
FROM candles
ORDER BY time
