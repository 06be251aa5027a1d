-- description: volume-weighted average price since the session began: the typical price (high + low + close) / 3 weighted by volume over the candles from the start of the anchor period (every UTC day by default) up to each one; the candles of that period before from are read
-- param: symbol text
-- param: anchor interval = 1d
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT 0 AS rows, time_bucket(:anchor, :from) AS since),
@candles@
SELECT time, symbol, close, vwap
FROM (
    SELECT time, symbol, close,
           sum(tp * volume) OVER w / nullif(sum(volume) OVER w, 0) AS vwap
    FROM (
        SELECT time, symbol, close, volume::float8 AS volume,
               (high::float8 + low::float8 + close::float8) / 3 AS tp
        FROM candles
    ) t
    WINDOW w AS (PARTITION BY time_bucket(:anchor, time) ORDER BY time ROWS UNBOUNDED PRECEDING)
) x
WHERE time >= :from
ORDER BY time
