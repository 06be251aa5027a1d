-- The symbols table of schema $1 (quoted, for the stale-symbol check) when
-- it has the columns the check reads, symbol and a boolean active; else NULL.
SELECT CASE WHEN (SELECT count(*) FROM pg_attribute a
                  WHERE a.attrelid = to_regclass(format('%I.%I', $1::text, 'symbols'))
                    AND (a.attname = 'symbol'
                         OR (a.attname = 'active' AND a.atttypid = 'boolean'::regtype))
                    AND NOT a.attisdropped) = 2
            THEN format('%I.%I', $1::text, 'symbols') END
