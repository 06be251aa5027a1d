-- description: Bollinger bands (TA-Lib's BBANDS): SMA of the close ± k population standard deviations; the period - 1 candles before from are read
-- param: symbol text
-- param: period int = 20
-- param: k float = 2
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period - 1, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close,
       CASE WHEN n = :period THEN m + :k * sd END AS upper,
       CASE WHEN n = :period THEN m END AS middle,
       CASE WHEN n = :period THEN m - :k * sd END AS lower
FROM (
    SELECT time, symbol, close, count(close) OVER w AS n, avg(close::float8) OVER w AS m,
           stddev_pop(close::float8) OVER w AS sd
    FROM candles
    WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
) b
WHERE time >= :from
ORDER BY time
