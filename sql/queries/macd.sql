-- description: MACD (EMA fast - EMA slow), its signal line (EMA of MACD) and histogram
-- param: symbol text
-- param: fast int = 12
-- param: slow int = 26
-- param: signal int = 9
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
SELECT time, symbol, close, macd,
       tsq.ema(macd, :signal::int) OVER (ORDER BY time ROWS UNBOUNDED PRECEDING) AS signal,
       macd - tsq.ema(macd, :signal::int) OVER (ORDER BY time ROWS UNBOUNDED PRECEDING) AS histogram
FROM (
    SELECT time, symbol, close,
           tsq.ema(close::float8, :fast::int) OVER w - tsq.ema(close::float8, :slow::int) OVER w AS macd
    FROM ohlcv
    WHERE symbol = :symbol AND timeframe = :timeframe AND time >= :from AND time < :to
    WINDOW w AS (ORDER BY time ROWS UNBOUNDED PRECEDING)
) m
ORDER BY time
