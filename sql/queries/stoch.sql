-- description: stochastic oscillator (TA-Lib's STOCH with simple averages): %K is 100 * (close - lowest low) / (highest high - lowest low) over period candles (0 when they are equal) averaged over smooth_k, %D its average over smooth_d; both from row period + smooth_k + smooth_d - 2, the candles before from that needs are read
-- compute: stoch
-- param: symbol text
-- param: period int = 5
-- param: smooth_k int = 3
-- param: smooth_d int = 3
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT greatest(:period + :smooth_k + :smooth_d - 3, 0) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, high AS _high, low AS _low, time >= :from AS _shown
FROM candles
ORDER BY time
