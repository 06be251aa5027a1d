-- Citus: quality/stale.sql without its correlated subquery, which Citus
-- cannot plan next to a reference table (@symbols@ is one).  The symbols
-- written in the interval $1 are found on the workers first (one pushed-down
-- DISTINCT on the distribution column); the active symbols not among them
-- are stale: how many, and the first $2 by name.
SELECT count(*), array_to_string((array_agg(s.symbol ORDER BY s.symbol))[1:$2::int], '; ')
FROM @symbols@ s
WHERE s.active
  AND s.symbol::text NOT IN (SELECT DISTINCT t.symbol::text FROM @table@ t
                             WHERE t.time >= now() - $1::interval AND t.symbol IS NOT NULL)
