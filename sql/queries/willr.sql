-- description: Williams' %R over period candles (TA-Lib's WILLR: -100 * (highest high - close) / (highest high - lowest low), 0 when they are equal); the period - 1 candles before from are read
-- param: symbol text
-- param: period int = 14
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period - 1, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close,
       CASE WHEN n < :period THEN NULL WHEN hh = ll THEN 0
            ELSE -100 * (hh - close) / (hh - ll) END AS willr
FROM (
    SELECT time, symbol, close::float8, count(*) OVER w AS n,
           max(high::float8) OVER w AS hh, min(low::float8) OVER w AS ll
    FROM candles
    WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
) x
WHERE time >= :from
ORDER BY time
