-- tsq-init --backend timescaledb --migrate, on a schema tsq-init made for
-- plain PostgreSQL on a server that now loads TimescaleDB: before
-- timescaledb/schema.sql, the daily-partitioned tables become hypertables
-- with every row, and the rollup tables (which schema.sql then makes again
-- as continuous aggregates, and migrate_refresh.sql materializes) go.  The
-- search path is the target schema ($1).

-- step: created function tsq.to_hypertable
-- unless: SELECT to_regprocedure('tsq.to_hypertable(text,text,interval)') IS NOT NULL
-- Table SCHEMA_NAME.TABLE_NAME, partitioned by day, made again as a
-- hypertable with the same columns, defaults, constraints and indexes, and
-- its rows; in one transaction: all of it or nothing.  Returns the rows.
CREATE FUNCTION tsq.to_hypertable(schema_name text, table_name text, chunk interval)
RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
    old text := table_name || '_tsq_partitioned';
    n bigint;
BEGIN
    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', schema_name, table_name, old);
    EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS '
                   'INCLUDING INDEXES)', schema_name, table_name, schema_name, old);
    PERFORM create_hypertable(format('%I.%I', schema_name, table_name)::regclass, 'time',
                              chunk_time_interval => chunk);
    EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I', schema_name, table_name,
                   schema_name, old);
    GET DIAGNOSTICS n = ROW_COUNT;
    EXECUTE format('DROP TABLE %I.%I', schema_name, old);
    RETURN n;
END
$fn$;

-- step: moved @table@ into a hypertable, every row with it
-- each: table=ohlcv
-- each: table=trades
-- each: table=quotes
-- unless: SELECT NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = '@table@' AND c.relkind = 'p')
-- params: schema, chunk_interval
SELECT tsq.to_hypertable($1, '@table@', $2::interval);

-- step: dropped rollup table @rollup@ (a continuous aggregate takes its place)
-- each-of: rollups
-- each-of: trade_rollups
-- unless: SELECT NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = '@rollup@' AND c.relkind = 'r')
-- params: schema
DROP TABLE @rollup@;

-- step: forgot the rollup tables of the schema in tsq.rollups
-- unless: SELECT to_regclass('tsq.rollups') IS NULL OR NOT EXISTS (SELECT 1 FROM tsq.rollups WHERE schema_name = $1)
-- params: schema
DELETE FROM tsq.rollups WHERE schema_name = $1;

-- step: partitions ahead are TimescaleDB's to make: premake off in the schema's policies
-- unless: SELECT NOT EXISTS (SELECT 1 FROM tsq.policies WHERE schema_name = $1 AND premake IS NOT NULL)
-- params: schema
UPDATE tsq.policies SET premake = NULL, updated_at = now() WHERE schema_name = $1;

-- step: tsq.rollup_horizon answers for continuous aggregates
-- unless: SELECT EXISTS (SELECT 1 FROM tsq.installations WHERE backend <> 'timescaledb' AND schema_name <> $1) OR NOT EXISTS (SELECT 1 FROM pg_proc WHERE oid = to_regprocedure('tsq.rollup_horizon(text)') AND provolatile <> 'i')
-- params: schema
-- (Not while another schema of this database keeps tsq's own rollup tables,
-- which it reads; its bars then read the candles past every horizon: right,
-- and slower.)  As timescaledb/schema.sql defines it.
CREATE OR REPLACE FUNCTION tsq.rollup_horizon(rollup text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT 'infinity'::timestamptz
$fn$;
