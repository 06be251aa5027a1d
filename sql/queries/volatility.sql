-- description: volatility: sample standard deviation of log returns over period candles (× sqrt(periods_per_year) if given)
-- param: symbol text
-- param: period int = 20
-- param: periods_per_year float = null
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT time, symbol, close, log_return,
       CASE WHEN count(log_return) OVER w = :period
            THEN stddev_samp(log_return) OVER w * coalesce(sqrt(:periods_per_year), 1) END AS volatility
FROM (
    SELECT time, symbol, close,
           ln(close::float8 / lag(close::float8) OVER (ORDER BY time)) AS log_return
    FROM ohlcv
    WHERE symbol = :symbol AND timeframe = :timeframe AND time >= :from AND time < :to
) r
WINDOW w AS (ORDER BY time ROWS BETWEEN :period - 1 PRECEDING AND CURRENT ROW)
ORDER BY time
