-- (A fragment of stale.sql, @seen@.)  The symbols of @table@ with rows in
-- the last $1, found one after the other through the index that leads with
-- symbol, not by reading those rows.
seen(symbol) AS (
    (SELECT t.symbol::text FROM @table@ t
     WHERE t.time >= now() - $1::interval
     ORDER BY t.symbol LIMIT 1)
    UNION ALL
    SELECT (SELECT t.symbol::text FROM @table@ t
            WHERE t.symbol > seen.symbol AND t.time >= now() - $1::interval
            ORDER BY t.symbol LIMIT 1)
    FROM seen WHERE seen.symbol IS NOT NULL
)
