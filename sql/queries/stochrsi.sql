-- description: stochastic RSI (TA-Lib's STOCHRSI): the stochastic of the RSI of period, %K = 100 * (rsi - lowest rsi) / (highest rsi - lowest rsi) over k_period (0 when they are equal), %D its simple average over d_period; warmup candles before from are read first (default: until the RSI's seed weighs less than 1e-12)
-- compute: stochrsi
-- param: symbol text
-- param: period int = 14
-- param: k_period int = 5
-- param: d_period int = 3
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, :k_period + :d_period - 2 + CASE WHEN :period > 1 THEN :period + ceil(ln(1e-12) / ln((:period - 1)::float8 / :period))::int ELSE :period END) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, time >= :from AS _shown
FROM candles
ORDER BY time
