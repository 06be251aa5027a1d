-- description: Donchian channel over period candles: the highest high (upper), the lowest low (lower) and their midpoint (TA-Lib's MAX of the high and MIN of the low); the period - 1 candles before from are read
-- param: symbol text
-- param: period int = 20
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period - 1, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close,
       CASE WHEN n >= :period THEN hh END AS upper,
       CASE WHEN n >= :period THEN (hh + ll) / 2 END AS middle,
       CASE WHEN n >= :period THEN ll END AS lower
FROM (
    SELECT time, symbol, close, count(*) OVER w AS n,
           max(high::float8) OVER w AS hh, min(low::float8) OVER w AS ll
    FROM candles
    WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
) x
WHERE time >= :from
ORDER BY time
