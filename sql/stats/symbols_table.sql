-- The symbols table of schema $1 for the stale-symbol check, when it has the
-- columns the check reads (symbol and a boolean active): a subquery, names
-- quoted, giving symbol, active and tables (the tables tsq-load wrote the
-- symbol to; NULL where it has no such column); else NULL.
WITH c AS (
    SELECT count(*) FILTER (WHERE a.attname = 'symbol'
                               OR (a.attname = 'active' AND a.atttypid = 'boolean'::regtype)) AS needed,
           count(*) FILTER (WHERE a.attname = 'tables' AND a.atttypid = 'text[]'::regtype) AS tables
    FROM pg_attribute a
    WHERE a.attrelid = to_regclass(format('%I.%I', $1::text, 'symbols')) AND NOT a.attisdropped
)
SELECT CASE WHEN needed = 2
            THEN format('(SELECT symbol, active, %s AS tables FROM %I.%I)',
                        CASE WHEN tables = 1 THEN 'tables' ELSE 'NULL::text[]' END, $1::text, 'symbols') END
FROM c
