-- description: money flow index (TA-Lib's MFI): 100 * the money flow (typical price (high + low + close) / 3 times volume) of the candles whose typical price rose over that of those where it rose or fell, over period candles (0 when that total is below 1); the period candles before from are read
-- param: symbol text
-- param: period int = 14
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, mfi
FROM (
    SELECT time, symbol, close,
           CASE WHEN count(up) OVER w < :period THEN NULL
                WHEN sum(up) OVER w + sum(down) OVER w < 1 THEN 0
                ELSE 100 * sum(up) OVER w / (sum(up) OVER w + sum(down) OVER w) END AS mfi
    FROM (
        SELECT time, symbol, close,
               CASE WHEN tp > prev_tp THEN tp * volume WHEN prev_tp IS NOT NULL THEN 0 END AS up,
               CASE WHEN tp < prev_tp THEN tp * volume WHEN prev_tp IS NOT NULL THEN 0 END AS down
        FROM (
            SELECT time, symbol, close, volume::float8 AS volume,
                   (high::float8 + low::float8 + close::float8) / 3 AS tp,
                   lag((high::float8 + low::float8 + close::float8) / 3) OVER (ORDER BY time) AS prev_tp
            FROM candles
        ) t
    ) f
    WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
) x
WHERE time >= :from
ORDER BY time
