-- description: rate of change of the close in percent over period candles (TA-Lib's ROC: 100 * (close / close period candles before - 1)); the period candles before from are read
-- param: symbol text
-- param: period int = 10
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close,
       CASE WHEN prev = 0 THEN 0 ELSE 100 * (close / prev - 1) END AS roc
FROM (
    SELECT time, symbol, close::float8, lag(close::float8, :period::int) OVER (ORDER BY time) AS prev
    FROM candles
) x
WHERE time >= :from
ORDER BY time
