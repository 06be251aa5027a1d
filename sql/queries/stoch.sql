-- description: stochastic oscillator (TA-Lib's STOCH with simple averages): %K is 100 * (close - lowest low) / (highest high - lowest low) over period candles (0 when they are equal) averaged over smooth_k, %D its average over smooth_d; both from row period + smooth_k + smooth_d - 2, the candles before from that needs are read
-- param: symbol text
-- param: period int = 5
-- param: smooth_k int = 3
-- param: smooth_d int = 3
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period + :smooth_k + :smooth_d - 3, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close,
       CASE WHEN nd >= :smooth_d THEN k END AS stoch_k,
       CASE WHEN nd >= :smooth_d THEN d END AS stoch_d
FROM (
    SELECT time, symbol, close, k, avg(k) OVER wd AS d, count(k) OVER wd AS nd
    FROM (
        SELECT time, symbol, close,
               CASE WHEN count(fk) OVER wk >= :smooth_k THEN avg(fk) OVER wk END AS k
        FROM (
            SELECT time, symbol, close,
                   CASE WHEN count(*) OVER wf < :period THEN NULL
                        WHEN max(high::float8) OVER wf = min(low::float8) OVER wf THEN 0
                        ELSE 100 * (close::float8 - min(low::float8) OVER wf)
                             / (max(high::float8) OVER wf - min(low::float8) OVER wf) END AS fk
            FROM candles
            WINDOW wf AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
        ) f
        WINDOW wk AS (ORDER BY time ROWS BETWEEN :smooth_k - 1 PRECEDING AND CURRENT ROW)
    ) s
    WINDOW wd AS (ORDER BY time ROWS BETWEEN :smooth_d - 1 PRECEDING AND CURRENT ROW)
) x
WHERE time >= :from
ORDER BY time
