-- description: stochastic RSI (TA-Lib's STOCHRSI): the stochastic of the RSI of period, %K = 100 * (rsi - lowest rsi) / (highest rsi - lowest rsi) over k_period (0 when they are equal), %D its simple average over d_period; warmup candles before from are read first (default: until the RSI's seed weighs less than 1e-12)
-- param: symbol text
-- param: period int = 14
-- param: k_period int = 5
-- param: d_period int = 3
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, :k_period + :d_period - 2 + CASE WHEN :period > 1 THEN :period + ceil(ln(1e-12) / ln((:period - 1)::float8 / :period))::int ELSE :period END) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close,
       CASE WHEN nd >= :d_period THEN k END AS stochrsi_k,
       CASE WHEN nd >= :d_period THEN d END AS stochrsi_d
FROM (
    SELECT time, symbol, close, k, avg(k) OVER wd AS d, count(k) OVER wd AS nd
    FROM (
        SELECT time, symbol, close,
               CASE WHEN count(rsi) OVER wk < :k_period THEN NULL
                    WHEN max(rsi) OVER wk = min(rsi) OVER wk THEN 0
                    ELSE 100 * (rsi - min(rsi) OVER wk) / (max(rsi) OVER wk - min(rsi) OVER wk) END AS k
        FROM (
            SELECT time, symbol, close,
                   tsq.rsi(close::float8, :period::int) OVER (ORDER BY time ROWS UNBOUNDED PRECEDING) AS rsi
            FROM candles
        ) r
        WINDOW wk AS (ORDER BY time ROWS BETWEEN :k_period - 1 PRECEDING AND CURRENT ROW)
    ) s
    WINDOW wd AS (ORDER BY time ROWS BETWEEN :d_period - 1 PRECEDING AND CURRENT ROW)
) x
WHERE time >= :from
ORDER BY time
