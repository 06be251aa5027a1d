-- description: volatility: sample standard deviation of log returns over period candles (× sqrt(periods_per_year) if given); the period candles before from are read so the first rows shown have values
-- compute: volatility
-- param: symbol text
-- param: period int = 20
-- param: periods_per_year float = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, time >= :from AS _shown
FROM candles
ORDER BY time
