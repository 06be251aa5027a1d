-- description: volume-weighted average price since the session began: the typical price (high + low + close) / 3 weighted by volume over the candles from the start of the anchor period (every UTC day by default) up to each one; the candles of that period before from are read
-- compute: vwap
-- param: symbol text
-- param: anchor interval = 1d
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto (auto|raw|trades|raw-trades|quotes)
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT 0 AS rows, time_bucket(:anchor, :from) AS since),
@candles@
SELECT time, symbol, close, high AS _high, low AS _low, volume AS _volume, 
       -- The session's number: time_bucket's fixed-width buckets (from 2000-01-03
       -- 00:00 UTC) without a function call per row; calendar months through it.
       CASE WHEN extract(year FROM :anchor) = 0 AND extract(month FROM :anchor) = 0
            THEN floor((date_part('epoch', time) - 946857600) / date_part('epoch', :anchor))::bigint::text
            ELSE time_bucket(:anchor, time)::text END AS _session, time >= :from AS _shown
FROM candles
ORDER BY time
