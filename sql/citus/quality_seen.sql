-- Citus: quality/seen.sql without its recursive walk, which Citus cannot run
-- over a distributed table: one DISTINCT pushed down to the workers (a scan
-- of the look-back on each, in parallel).
seen(symbol) AS (
    SELECT DISTINCT t.symbol::text FROM @table@ t
    WHERE t.time >= now() - $1::interval
)
