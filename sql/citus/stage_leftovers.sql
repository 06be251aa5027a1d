-- Drop the staging tables of tsq-load runs that are gone: a writer's table
-- is named after its coordinator backend (tsq_load_stage_PID), and a load
-- killed before it could drop its own leaves it behind.  Only tables the
-- user may drop; one that another session drops meanwhile is passed over.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT n.nspname, c.relname
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_dist_partition d ON d.logicalrelid = c.oid
        WHERE c.relname ~ '^tsq_load_stage_[0-9]{1,9}$'
          AND pg_has_role(c.relowner, 'USAGE')
          AND substr(c.relname, 16)::integer NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
    LOOP
        BEGIN
            EXECUTE format('DROP TABLE IF EXISTS %I.%I', r.nspname, r.relname);
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END;
    END LOOP;
END
$$
