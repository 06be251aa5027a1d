-- The checks on the trades of @table@ (quoted by the server) from $1 on: one
-- row per check with the count of problems and the first $3 of them, oldest
-- first.  $2 is the spike threshold in percent.  One pass over the trades in
-- (symbol, time, trade_id) order; only the trades with a problem go further.
--   prices      a price of zero, below zero, or NaN
--   sizes       a size of zero, below zero, or NaN
--   duplicates  a trade_id the symbol has at another time as well: a feed's
--               id names one trade (counted once per extra time).  Negative
--               ids are tsq-load's numbering of trades that came without
--               one (-1, -2 ... within each time), not checked.
--   spikes      a price more than $2 % away from the symbol's trade before
--   future      a trade after the server's clock
WITH a AS (
    SELECT symbol::text AS symbol, time, price, size, trade_id,
           lag(price) OVER (PARTITION BY symbol ORDER BY time, trade_id) AS prev_price,
           count(*) OVER (PARTITION BY symbol, trade_id) AS same_id,
           row_number() OVER (PARTITION BY symbol, trade_id ORDER BY time) AS id_rank
    FROM @table@
    WHERE time >= $1::timestamptz
), p AS (
    SELECT concat_ws(' ', symbol, time::text, '#' || trade_id::text) AS key, *,
           (price <= 0 OR price = 'NaN') AS bad_price,
           (size <= 0 OR size = 'NaN') AS bad_size,
           same_id > 1 AND id_rank > 1 AND trade_id >= 0 AS duplicate,
           CASE WHEN prev_price > 0 AND prev_price <> 'NaN' AND price <> 'NaN'
                THEN abs(price / prev_price - 1) * 100 > $2::float8 END AS spike,
           time > now() AS future
    FROM a
), found AS (
    SELECT v.name, count(*) AS n,
           array_to_string((array_agg(v.example ORDER BY p.time, v.example))[1:$3::int], '; ') AS examples
    FROM p
    CROSS JOIN LATERAL (VALUES
        ('prices', p.bad_price, p.key),
        ('sizes', p.bad_size, p.key),
        ('duplicates', p.duplicate, p.key),
        ('spikes', p.spike, p.key || ' (' || to_char((p.price / p.prev_price - 1) * 100, 'FMSG999999990.00') || ' %)'),
        ('future', p.future, p.key)
    ) AS v(name, hit, example)
    WHERE v.hit
    GROUP BY v.name
)
SELECT k.name, coalesce(f.n, 0), f.examples
FROM (VALUES (1, 'prices'), (2, 'sizes'), (3, 'duplicates'), (4, 'spikes'), (5, 'future')) AS k(ord, name)
LEFT JOIN found f ON f.name = k.name
ORDER BY k.ord
