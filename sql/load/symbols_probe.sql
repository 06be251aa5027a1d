-- Whether tsq-load adds the symbols it writes to the symbols table of schema
-- $1: tsq-init's (schema version 3: first_seen and last_seen), with
-- tsq.note_symbols to write it.
SELECT to_regprocedure('tsq.note_symbols(text,text[],timestamp with time zone[],timestamp with time zone[])') IS NOT NULL
       AND (SELECT count(*) = 2 FROM pg_attribute
            WHERE attrelid = to_regclass(format('%I.%I', $1::text, 'symbols'))
              AND attname IN ('first_seen', 'last_seen') AND NOT attisdropped)
