-- description: average true range (TA-Lib's ATR: Wilder's smoothing of the true range, first value at row period + 1); warmup candles before from are read first (default: until the seed weighs less than 1e-12)
-- param: symbol text
-- param: period int = 14
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, CASE WHEN :period > 1 THEN :period + ceil(ln(1e-12) / ln((:period - 1)::float8 / :period))::int ELSE :period END) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, atr
FROM (
  SELECT time, symbol, close,
         tsq.wilder(tr, :period::int) OVER (ORDER BY time ROWS UNBOUNDED PRECEDING) AS atr
  FROM (
    SELECT time, symbol, close,
           -- The first candle read has no true range: no close before it.
           CASE WHEN lag(close) OVER w IS NOT NULL
                THEN greatest(high::float8 - low::float8,
                              abs(high::float8 - lag(close::float8) OVER w),
                              abs(low::float8 - lag(close::float8) OVER w)) END AS tr
    FROM candles
    WINDOW w AS (ORDER BY time)
  ) t
) x
WHERE time >= :from
ORDER BY time
