-- description: relative strength index of the close (TA-Lib's RSI: Wilder's smoothing, first value at row period + 1); warmup candles before from are read first (default: until the seed weighs less than 1e-12)
-- compute: rsi
-- param: symbol text
-- param: period int = 14
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, CASE WHEN :period > 1 THEN :period + ceil(ln(1e-12) / ln((:period - 1)::float8 / :period))::int ELSE :period END) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, time >= :from AS _shown
FROM candles
ORDER BY time
