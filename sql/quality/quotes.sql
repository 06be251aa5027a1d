-- The checks on the quotes of @table@ (quoted by the server) from $1 on: one
-- row per check with the count of problems and the first $3 of them, oldest
-- first.  $2 is the spike threshold in percent.  One pass over the quotes
-- in (symbol, time, quote_id) order; only those with a problem go further.
--   crossed  a bid above the ask
--   locked   a bid equal to the ask
--   prices   a bid or ask price of zero, below zero, or NaN
--   sizes    a bid or ask size of zero, below zero, or NaN
--   spikes   a mid price (bid + ask) / 2 more than $2 % away from the
--            symbol's quote before (quotes with both prices)
--   future   a quote after the server's clock
-- A side that is empty (NULL) is not checked.
WITH a AS (
    SELECT symbol::text AS symbol, time, quote_id, bid_price, ask_price, bid_size, ask_size,
           (bid_price + ask_price) / 2 AS mid,
           lag((bid_price + ask_price) / 2) OVER (PARTITION BY symbol ORDER BY time, quote_id) AS prev_mid
    FROM @table@
    WHERE time >= $1::timestamptz
), p AS (
    SELECT concat_ws(' ', symbol, time::text, '#' || quote_id::text) AS key, *,
           bid_price > ask_price AS crossed,
           bid_price = ask_price AS locked,
           (bid_price <= 0 OR ask_price <= 0 OR 'NaN' IN (bid_price, ask_price)) AS bad_price,
           (bid_size <= 0 OR ask_size <= 0 OR 'NaN' IN (bid_size, ask_size)) AS bad_size,
           CASE WHEN prev_mid > 0 AND prev_mid <> 'NaN' AND mid <> 'NaN'
                THEN abs(mid / prev_mid - 1) * 100 > $2::float8 END AS spike,
           time > now() AS future
    FROM a
), found AS (
    SELECT v.name, count(*) AS n,
           array_to_string((array_agg(v.example ORDER BY p.time, v.example))[1:$3::int], '; ') AS examples
    FROM p
    CROSS JOIN LATERAL (VALUES
        ('crossed', p.crossed, p.key || ' (bid ' || p.bid_price || ' > ask ' || p.ask_price || ')'),
        ('locked', p.locked, p.key),
        ('prices', p.bad_price, p.key),
        ('sizes', p.bad_size, p.key),
        ('spikes', p.spike, p.key || ' (' || to_char((p.mid / p.prev_mid - 1) * 100, 'FMSG999999990.00') || ' %)'),
        ('future', p.future, p.key)
    ) AS v(name, hit, example)
    WHERE v.hit
    GROUP BY v.name
)
SELECT k.name, coalesce(f.n, 0), f.examples
FROM (VALUES (1, 'crossed'), (2, 'locked'), (3, 'prices'), (4, 'sizes'), (5, 'spikes'), (6, 'future')) AS k(ord, name)
LEFT JOIN found f ON f.name = k.name
ORDER BY k.ord
