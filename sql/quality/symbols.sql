-- Each symbol and timeframe of @table@ (quoted by the server; @timeframe@ is
-- its timeframe column, or NULL when it has none) from $1 on: first and last
-- time, rows, and the candles missing from the timeframe's grid (NULL when
-- the timeframe has no fixed step); $2 to $4 as in candles.sql.
WITH c AS (
    SELECT symbol, tf, time, prev_time, @step@ AS step
    FROM (SELECT symbol, tf, time, lag(time) OVER w AS prev_time
          FROM (SELECT symbol::text AS symbol, @timeframe@::text AS tf, time
                FROM @table@
                WHERE time >= $1::timestamptz) t
          WINDOW w AS (PARTITION BY symbol, tf ORDER BY time)) a
)
SELECT c.symbol, c.tf, min(c.time), max(c.time), count(*),
       CASE WHEN bool_and(c.step IS NOT NULL) THEN coalesce(sum(g.missing), 0) END
FROM c
@missing@
GROUP BY c.symbol, c.tf
ORDER BY c.symbol, c.tf
