-- Return the test database to its first state: no schemas but public and the
-- system ones, nothing in public but what extensions own.
SET client_min_messages = warning;
DO $reset$
DECLARE
    r record;
BEGIN
    IF to_regclass('timescaledb_information.continuous_aggregates') IS NOT NULL THEN
        FOR r IN SELECT view_schema, view_name FROM timescaledb_information.continuous_aggregates
                 ORDER BY view_name DESC
        LOOP
            EXECUTE format('DROP MATERIALIZED VIEW IF EXISTS %I.%I CASCADE', r.view_schema, r.view_name);
        END LOOP;
    END IF;
    FOR r IN SELECT nspname FROM pg_namespace
             WHERE nspname NOT IN ('public', 'information_schema')
               AND nspname NOT LIKE 'pg\_%'
               AND nspname NOT LIKE '\_timescaledb%'
               AND nspname NOT IN ('timescaledb_information', 'timescaledb_experimental')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = 'pg_namespace'::regclass
                                 AND d.objid = pg_namespace.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
    END LOOP;
    FOR r IN SELECT c.relname FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = 'pg_class'::regclass
                                 AND d.objid = c.oid AND d.deptype = 'e')
               AND NOT c.relispartition
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', r.relname);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS sig, p.prokind FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = 'pg_proc'::regclass
                                 AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP %s IF EXISTS %s CASCADE',
                       CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, r.sig);
    END LOOP;
END
$reset$;
