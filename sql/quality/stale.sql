-- The symbols marked active in @symbols@ with no row in @table@ (both quoted
-- by the server) for the interval $1: how many, and the first $2 by name.
-- Reads only the recent chunks or partitions of @table@.
SELECT count(*), array_to_string((array_agg(s.symbol ORDER BY s.symbol))[1:$2::int], '; ')
FROM @symbols@ s
WHERE s.active
  AND NOT EXISTS (SELECT 1 FROM @table@ t
                  WHERE t.symbol = s.symbol AND t.time >= now() - $1::interval)
