-- The symbols of @table@ whose freshness the stale check looks at, each with
-- its newest row (NULL: none) read from the data (tsq.newest_row: the newest
-- partition or chunk that has one, back to the look-back): the symbols
-- marked active in @symbols@ (a subquery over the symbols table, names the
-- server quoted; with no symbols table, an empty one), unless tsq-load
-- wrote them to other tables only, and those with rows in the last $1 (the look-back:
-- the fragment quality/seen.sql, or the backend's own).  $2, $3: the schema and
-- table, for tsq.newest_row; $4: how old a newest row may be (the last
-- column says whether it is older: stale).
WITH RECURSIVE @seen@,
candidates AS (
    SELECT symbol FROM seen WHERE symbol IS NOT NULL
    UNION
    SELECT s.symbol::text FROM @symbols@ s
    WHERE s.active AND (s.tables IS NULL OR $3 = ANY(s.tables))
)
SELECT c.symbol, n.newest, extract(epoch FROM n.newest),
       n.newest IS NULL OR n.newest < now() - $4::interval
FROM candidates c, LATERAL (SELECT tsq.newest_row($2, $3, 'time', c.symbol, now() - $1::interval) AS newest) n
ORDER BY c.symbol
