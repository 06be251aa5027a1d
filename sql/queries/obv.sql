-- description: on-balance volume (TA-Lib's OBV: the first candle's volume, then each candle's volume added when the close rose and taken away when it fell); a running total, so the symbol's whole history before from is read
-- param: symbol text
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT NULL::int AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, obv
FROM (
    SELECT time, symbol, close,
           first_value(volume::float8) OVER w
           + sum(CASE WHEN close > prev THEN volume::float8 WHEN close < prev THEN -volume::float8
                      ELSE 0 END) OVER w AS obv
    FROM (
        SELECT time, symbol, close, volume, lag(close) OVER (ORDER BY time) AS prev
        FROM candles
    ) p
    WINDOW w AS (ORDER BY time ROWS UNBOUNDED PRECEDING)
) x
WHERE time >= :from
ORDER BY time
