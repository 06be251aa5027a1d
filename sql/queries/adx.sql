-- description: directional movement (TA-Lib's PLUS_DI, MINUS_DI and ADX): +DI and -DI are Wilder's running sums of the up and down moves over that of the true range, from row period + 1; ADX is Wilder's average of 100 * |+DI - -DI| / (+DI + -DI), from row 2 * period; warmup candles before from are read first (default: until the seeds weigh less than 1e-12)
-- compute: adx
-- param: symbol text
-- param: period int = 14
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, CASE WHEN :period > 1 THEN 2 * (:period + ceil(ln(1e-12) / ln((:period - 1)::float8 / :period))::int) ELSE 2 * :period END) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, high AS _high, low AS _low, time >= :from AS _shown
FROM candles
ORDER BY time
