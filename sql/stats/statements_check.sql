-- What --queries needs: the schema of the pg_stat_statements extension in
-- this database, quoted (NULL: not created here), whether the server loads
-- its library (shared_preload_libraries, as the server has it), that list,
-- and whether the extension is available to be created at all.
SELECT (SELECT quote_ident(n.nspname) FROM pg_extension e
        JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_stat_statements'),
       current_setting('shared_preload_libraries') ~ '(^|[ ,])"?pg_stat_statements"?($|[ ,])',
       current_setting('shared_preload_libraries'),
       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements')
