-- description: simple moving average of the close over period candles (TA-Lib's SMA); the period - 1 candles before from are read so the first rows shown have values
-- param: symbol text
-- param: period int = 20
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period - 1, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, sma
FROM (
    SELECT time, symbol, close,
           CASE WHEN count(close) OVER w = :period THEN avg(close) OVER w END AS sma
    FROM candles
    WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
) x
WHERE time >= :from
ORDER BY time
