-- description: rolling correlation of two symbols' close-to-close returns (symbols=A,B)
-- param: symbols text[]
-- param: period int = 20
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH r AS (
    SELECT time, symbol, close::float8 / lag(close::float8) OVER (PARTITION BY symbol ORDER BY time) - 1 AS ret
    FROM ohlcv
    WHERE symbol IN ((:symbols)[1], (:symbols)[2]) AND timeframe = :timeframe
      AND time >= :from AND time < :to
), j AS (
    SELECT a.time, a.ret AS ret_a, b.ret AS ret_b
    FROM r a JOIN r b ON b.time = a.time AND b.symbol = (:symbols)[2]
    WHERE a.symbol = (:symbols)[1]
)
SELECT time, (:symbols)[1] AS symbol, (:symbols)[2] AS other,
       CASE WHEN count(ret_a * ret_b) OVER w = :period THEN corr(ret_a, ret_b) OVER w END AS correlation
FROM j
WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
ORDER BY time
