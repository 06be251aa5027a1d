-- description: MACD as TA-Lib computes it: EMA fast - EMA slow, both seeded so that they start on row slow, its signal line (EMA of MACD) and histogram, all from row slow + signal - 1; warmup candles before from are read first (default: until the seed weighs less than 1e-12)
-- param: symbol text
-- param: fast int = 12
-- param: slow int = 26
-- param: signal int = 9
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, greatest(:fast, :slow) + :signal - 2 + ceil(ln(1e-12) / ln((greatest(:fast, :slow, :signal) - 1)::float8 / (greatest(:fast, :slow, :signal) + 1)))::int) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, CASE WHEN signal IS NOT NULL THEN macd END AS macd, signal,
       macd - signal AS histogram
FROM (
    SELECT time, symbol, close, macd,
           tsq.ema(macd, :signal::int) OVER (ORDER BY time ROWS UNBOUNDED PRECEDING) AS signal
    FROM (
        -- The fast EMA skips the first slow - fast rows, so that its seed
        -- (the mean of fast closes) ends on the same row as the slow one's.
        SELECT time, symbol, close,
               tsq.ema(CASE WHEN n > abs(:slow - :fast) THEN close::float8 END,
                       least(:fast, :slow)::int) OVER w
             - tsq.ema(close::float8, greatest(:fast, :slow)::int) OVER w AS macd
        FROM (
            SELECT time, symbol, close, row_number() OVER (ORDER BY time) AS n
            FROM candles
        ) r
        WINDOW w AS (ORDER BY time ROWS UNBOUNDED PRECEDING)
    ) m
) s
WHERE time >= :from
ORDER BY time
