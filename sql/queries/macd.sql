-- description: MACD as TA-Lib computes it: EMA fast - EMA slow, both seeded so that they start on row slow, its signal line (EMA of MACD) and histogram, all from row slow + signal - 1; warmup candles before from are read first (default: until the seed weighs less than 1e-12)
-- compute: macd
-- param: symbol text
-- param: fast int = 12
-- param: slow int = 26
-- param: signal int = 9
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, greatest(:fast, :slow) + :signal - 2 + ceil(ln(1e-12) / ln((greatest(:fast, :slow, :signal) - 1)::float8 / (greatest(:fast, :slow, :signal) + 1)))::int) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, time >= :from AS _shown
FROM candles
ORDER BY time
