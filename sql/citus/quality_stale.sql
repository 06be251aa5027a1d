-- Citus: quality/stale.sql without its recursive walk, which Citus cannot
-- run over a distributed table: the symbols with rows in the last $1 come
-- from one DISTINCT pushed down to the workers (a scan of the look-back on
-- each, in parallel).  The same parameters and columns.
WITH candidates AS (
    SELECT DISTINCT t.symbol::text AS symbol FROM @table@ t
    WHERE t.time >= now() - $1::interval AND t.symbol IS NOT NULL
    UNION
    SELECT s.symbol::text FROM @symbols@ s WHERE s.active
)
SELECT c.symbol, n.newest, extract(epoch FROM n.newest),
       n.newest IS NULL OR n.newest < now() - $4::interval
FROM candidates c, LATERAL (SELECT tsq.newest_row($2, $3, 'time', c.symbol, now() - $1::interval) AS newest) n
ORDER BY c.symbol
