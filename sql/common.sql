-- tsq's own schema: the record of what tsq-init installed, and the helpers
-- the other scripts use.  Run first, on every backend, by tsq-init.
-- Steps and their headers are described in common/script.h.

-- step: created schema tsq
-- unless: SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'tsq')
CREATE SCHEMA tsq;
COMMENT ON SCHEMA tsq IS 'tsq: schema versions and helper functions';

-- step: created table tsq.installations
-- unless: SELECT to_regclass('tsq.installations') IS NOT NULL
CREATE TABLE tsq.installations (
    schema_name     text PRIMARY KEY,
    version         integer NOT NULL,
    backend         text NOT NULL,
    numeric_prices  boolean NOT NULL,
    installed_at    timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- step: created function tsq.ensure_schema
-- unless: SELECT to_regprocedure('tsq.ensure_schema(text)') IS NOT NULL
-- A schema named by the user is created by the server, from a parameter, so
-- that no name from the command line is ever part of SQL text.
CREATE FUNCTION tsq.ensure_schema(target text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', target);
END
$fn$;

-- step: created function tsq.has_relation
-- unless: SELECT to_regprocedure('tsq.has_relation(text,text)') IS NOT NULL
CREATE FUNCTION tsq.has_relation(schema_name text, relation text) RETURNS boolean
LANGUAGE sql STABLE AS $fn$
    SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = schema_name AND c.relname = relation)
$fn$;

-- step: created the target schema
-- unless: SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)
-- params: schema
SELECT tsq.ensure_schema($1);
