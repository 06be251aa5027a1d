-- description: rolling correlation of two symbols' close-to-close returns (symbols=A,B), over their candles or bars of interval
-- param: symbols text[]
-- param: period int = 20
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: from timestamptz = -24h
-- param: to timestamptz = now
-- With interval, each symbol's bars end at the close of their last candle,
-- as the bars query builds them.
WITH c AS (
    SELECT CASE WHEN :interval IS NULL THEN time ELSE time_bucket(:interval, time) END AS time,
           symbol, last(close, time) AS close
    FROM ohlcv
    WHERE symbol IN ((:symbols)[1], (:symbols)[2]) AND timeframe = :timeframe
      AND time >= CASE WHEN :interval IS NULL THEN :from ELSE time_bucket(:interval, :from) END
      AND time < :to
    GROUP BY 1, 2
), r AS (
    SELECT time, symbol, close::float8 / lag(close::float8) OVER (PARTITION BY symbol ORDER BY time) - 1 AS ret
    FROM c
), j AS (
    SELECT a.time, a.ret AS ret_a, b.ret AS ret_b
    FROM r a JOIN r b ON b.time = a.time AND b.symbol = (:symbols)[2]
    WHERE a.symbol = (:symbols)[1]
)
SELECT time, (:symbols)[1] AS symbol, (:symbols)[2] AS other,
       CASE WHEN count(ret_a * ret_b) OVER w = :period THEN corr(ret_a, ret_b) OVER w END AS correlation
FROM j
WHERE time >= :from
WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
ORDER BY time
