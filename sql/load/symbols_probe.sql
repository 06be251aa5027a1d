-- How tsq-load adds the symbols it writes to the symbols table of schema
-- $1: 2, naming the table too (schema version 4: tsq.note_symbols of a
-- table, and the column tables); 1, without it (version 3: first_seen and
-- last_seen); 0, not at all.
WITH c AS (
    SELECT count(*) FILTER (WHERE attname IN ('first_seen', 'last_seen')) AS seen,
           count(*) FILTER (WHERE attname = 'tables') AS tables
    FROM pg_attribute
    WHERE attrelid = to_regclass(format('%I.%I', $1::text, 'symbols')) AND NOT attisdropped
)
SELECT CASE
    WHEN seen = 2 AND tables = 1 AND to_regprocedure('tsq.note_symbols(text,text,text[],timestamp with time zone[],timestamp with time zone[])') IS NOT NULL THEN 2
    WHEN seen = 2 AND to_regprocedure('tsq.note_symbols(text,text[],timestamp with time zone[],timestamp with time zone[])') IS NOT NULL THEN 1
    ELSE 0 END
FROM c
