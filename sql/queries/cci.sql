-- description: commodity channel index over period candles (TA-Lib's CCI: typical price (high + low + close) / 3 minus its SMA, over 0.015 times its mean absolute deviation; 0 when that is 0); the period - 1 candles before from are read
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
       CASE WHEN cardinality(w) < :period THEN NULL WHEN md = 0 THEN 0
            ELSE (tp - m) / (0.015 * md) END AS cci
FROM (
    SELECT time, symbol, close, tp, w, m,
           (SELECT avg(abs(v - m)) FROM unnest(w) v) AS md
    FROM (
        SELECT time, symbol, close, tp, w,
               (SELECT avg(v) FROM unnest(w) v) AS m
        FROM (
            SELECT time, symbol, close, tp, array_agg(tp) OVER win AS w
            FROM (
                SELECT time, symbol, close, (high::float8 + low::float8 + close::float8) / 3 AS tp
                FROM candles
            ) t
            WINDOW win AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
        ) a
    ) b
) x
WHERE time >= :from
ORDER BY time
