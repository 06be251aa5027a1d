-- description: exponential moving average of the close (TA-Lib's EMA: alpha 2/(period+1), seeded with the SMA of the first period candles); warmup candles before from are read first (default: until the seed weighs less than 1e-12)
-- compute: ema
-- param: symbol text
-- param: period int = 20
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, CASE WHEN :period > 1 THEN :period - 1 + ceil(ln(1e-12) / ln((:period - 1)::float8 / (:period + 1)))::int ELSE 0 END) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, time >= :from AS _shown
FROM candles
ORDER BY time
