-- description: traded volume by price level (closes in equal-width buckets) for one symbol
-- param: symbol text
-- param: buckets int = 20
-- param: timeframe text = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH c AS (
    SELECT close, volume FROM ohlcv
    WHERE symbol = :symbol AND timeframe = :timeframe AND time >= :from AND time < :to
), r AS (
    SELECT min(close) AS lo, max(close) AS hi FROM c
)
SELECT :to AS time, :symbol AS symbol,
       r.lo + (b - 1) * (r.hi - r.lo) / :buckets AS price_low,
       r.lo + b * (r.hi - r.lo) / :buckets AS price_high,
       sum(c.volume) AS volume, count(*) AS candles
FROM c, r, LATERAL (SELECT least(greatest(width_bucket(c.close, r.lo, r.hi + (r.hi - r.lo) * 1e-12 + 1e-12, :buckets::int), 1), :buckets) AS b) w
GROUP BY b, r.lo, r.hi
ORDER BY b
