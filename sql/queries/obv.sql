-- description: on-balance volume (TA-Lib's OBV: the first candle's volume, then each candle's volume added when the close rose and taken away when it fell); a running total, so the symbol's whole history before from is read
-- compute: obv
-- param: symbol text
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT NULL::int AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, volume AS _volume, time >= :from AS _shown
FROM candles
ORDER BY time
