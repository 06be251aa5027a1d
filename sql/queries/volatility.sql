-- description: volatility: sample standard deviation of log returns over period candles (× sqrt(periods_per_year) if given); the period candles before from are read so the first rows shown have values
-- param: symbol text
-- param: period int = 20
-- param: periods_per_year float = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, log_return, volatility
FROM (
    SELECT time, symbol, close, log_return,
           CASE WHEN count(log_return) OVER w = :period
                THEN stddev_samp(log_return) OVER w * coalesce(sqrt(:periods_per_year), 1) END AS volatility
    FROM (
        SELECT time, symbol, close,
               ln(close::float8 / lag(close::float8) OVER (ORDER BY time)) AS log_return
        FROM candles
    ) r
    WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
) v
WHERE time >= :from
ORDER BY time
