-- description: weighted moving average of the close (TA-Lib's WMA: weights 1 to period, the newest heaviest); the period - 1 candles before from are read
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
       CASE WHEN cardinality(w) = :period
            THEN (SELECT sum(v * o) FROM unnest(w) WITH ORDINALITY u(v, o))
                 / (:period * (:period + 1) / 2.0) END AS wma
FROM (
    SELECT time, symbol, close, array_agg(close::float8) OVER win AS w
    FROM candles
    WINDOW win AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
) x
WHERE time >= :from
ORDER BY time
