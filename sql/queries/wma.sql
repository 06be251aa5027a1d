-- description: weighted moving average of the close (TA-Lib's WMA: weights 1 to period, the newest heaviest); the period - 1 candles before from are read
-- param: symbol text
-- param: period int = 20
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT time, symbol, close,
       CASE WHEN cardinality(w) = :period
            THEN (SELECT sum(v * o) FROM unnest(w) WITH ORDINALITY u(v, o))
                 / (:period * (:period + 1) / 2.0) END AS wma
FROM (
    SELECT time, symbol, close, array_agg(close::float8) OVER win AS w
    FROM ohlcv
    WHERE symbol = :symbol AND timeframe = :timeframe AND time < :to
      AND time >= (SELECT coalesce(min(time), :from)
                   FROM (SELECT time FROM ohlcv
                         WHERE symbol = :symbol AND timeframe = :timeframe AND time < :from
                         ORDER BY time DESC LIMIT greatest(:period - 1, 0)) h)
    WINDOW win AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
) x
WHERE time >= :from
ORDER BY time
