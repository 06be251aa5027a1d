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

-- step: created function tsq.note_symbols
-- unless: SELECT to_regprocedure('tsq.note_symbols(text,text[],timestamp with time zone[],timestamp with time zone[])') IS NOT NULL
-- version: 3
-- tsq-load, in the transaction of each batch: the symbols it wrote to a
-- table of SCHEMA_NAME with the oldest and newest time of each, added to
-- that schema's symbols table or widening first_seen and last_seen (a row
-- that already covers them is not touched).  Rows are taken in symbol order,
-- so that two loads lock the same rows in the same order.
CREATE OR REPLACE FUNCTION tsq.note_symbols(schema_name text, syms text[],
                                            firsts timestamptz[], lasts timestamptz[])
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format($q$
        INSERT INTO %I.symbols AS s (symbol, first_seen, last_seen)
        SELECT * FROM unnest($1, $2, $3) ORDER BY 1
        ON CONFLICT (symbol) DO UPDATE
        SET first_seen = least(s.first_seen, excluded.first_seen),
            last_seen = greatest(s.last_seen, excluded.last_seen)
        WHERE s.first_seen IS DISTINCT FROM least(s.first_seen, excluded.first_seen)
           OR s.last_seen IS DISTINCT FROM greatest(s.last_seen, excluded.last_seen)$q$,
        schema_name) USING syms, firsts, lasts;
END
$fn$;

-- step: created function tsq.note_symbols of a table
-- unless: SELECT to_regprocedure('tsq.note_symbols(text,text,text[],timestamp with time zone[],timestamp with time zone[])') IS NOT NULL
-- The same, naming the table written (a table of SCHEMA_NAME): added to the
-- symbol's tables, so that the stale check of one table does not ask for
-- the symbols of another.  (Parameters only in the SELECT, cast: Citus
-- plans it apart from the INSERT into the reference table and its ON
-- CONFLICT clause.)
CREATE OR REPLACE FUNCTION tsq.note_symbols(schema_name text, table_name text, syms text[],
                                            firsts timestamptz[], lasts timestamptz[])
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format($q$
        INSERT INTO %I.symbols AS s (symbol, first_seen, last_seen, tables)
        SELECT u.symbol, u.first_seen, u.last_seen, ARRAY[$4::text]
        FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS u(symbol, first_seen, last_seen)
        ORDER BY 1
        ON CONFLICT (symbol) DO UPDATE
        SET first_seen = least(s.first_seen, excluded.first_seen),
            last_seen = greatest(s.last_seen, excluded.last_seen),
            tables = CASE WHEN excluded.tables[1] = ANY(s.tables) THEN s.tables
                          ELSE coalesce(s.tables, '{}') || excluded.tables END
        WHERE s.first_seen IS DISTINCT FROM least(s.first_seen, excluded.first_seen)
           OR s.last_seen IS DISTINCT FROM greatest(s.last_seen, excluded.last_seen)
           OR NOT coalesce(excluded.tables[1] = ANY(s.tables), false)$q$,
        schema_name) USING syms, firsts, lasts, table_name;
END
$fn$;

-- step: created function tsq.text_id
-- unless: SELECT to_regprocedure('tsq.text_id(text)') IS NOT NULL
-- The bigint tsq-load stores in a key column such as trade_id for a feed's
-- id that is not an integer (hex, a UUID): the first 8 bytes of the SHA-256
-- of its UTF-8 text, big-endian, the top bit cleared.  To find a trade by
-- the feed's id: WHERE trade_id = tsq.text_id('5f2b...').
CREATE FUNCTION tsq.text_id(id text) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT ('x' || left(encode(sha256(convert_to(id, 'UTF8')), 'hex'), 16))::bit(64)::bigint
           & 9223372036854775807
$fn$;

-- step: created function tsq.analyze_new
-- unless: SELECT to_regprocedure('tsq.analyze_new(regclass)') IS NOT NULL
-- version: 6
-- tsq-load, after a load: ANALYZE the parts of table REL never analyzed
-- (reltuples -1, and no ANALYZE counted: the partitions or chunks the load
-- created or first filled, or a new plain table), so that the planner, and
-- tsq-stats' row counts, know their rows at once instead of after
-- autovacuum's next round.  Once in a part's life: a part emptied by
-- TRUNCATE (reltuples -1 again) is left to autovacuum, not analyzed by every
-- load that fills it again.  One column only, the first of the part's
-- primary key (else its first): that counts the rows and the values the
-- planner looks up first, in a fifth of the time of every column (a backfill
-- of 35 new chunks paid 1.5 s of a 5 s load), and leaves the part's changes
-- counted, so autovacuum still analyzes it whole.  From a sample of 3,000
-- rows (statistics target 10, unless the column has its own), not 30,000:
-- the row count is read from every page all the same, and sorting the
-- sample was most of the time (35 new chunks: 0.39-0.44 s, now 0.14).
-- Parts the user does not own are left to autovacuum (ANALYZE would only
-- warn).  Returns how many.
CREATE OR REPLACE FUNCTION tsq.analyze_new(rel regclass)
RETURNS integer LANGUAGE plpgsql SET default_statistics_target = 10 AS $fn$
DECLARE
    part regclass;
    col name;
    n integer := 0;
BEGIN
    FOR part IN
        SELECT t.relid FROM pg_partition_tree(rel) t WHERE t.isleaf
        UNION
        SELECT i.inhrelid::regclass FROM pg_inherits i WHERE i.inhparent = rel
        UNION
        SELECT rel WHERE NOT EXISTS (SELECT 1 FROM pg_partition_tree(rel))
                     AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = rel)
    LOOP
        IF (SELECT c.reltuples < 0
                   AND coalesce(s.analyze_count + s.autoanalyze_count, 0) = 0
                   -- only the owner may ANALYZE: another role's load leaves it to autovacuum
                   AND pg_has_role(c.relowner, 'USAGE')
            FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
            WHERE c.oid = part) THEN
            SELECT a.attname INTO col
            FROM pg_attribute a
            LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
            WHERE a.attrelid = part AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum = i.indkey[0] DESC NULLS LAST, a.attnum
            LIMIT 1;
            EXECUTE format('ANALYZE %s (%I)', part, col);
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END
$fn$;

-- step: created function tsq.newest_row
-- unless: SELECT to_regprocedure('tsq.newest_row(text,text,text,text,timestamp with time zone)') IS NOT NULL
-- version: 3
-- The newest TIME_COLUMN of a table (of one SYMBOL when it is not NULL)
-- from SINCE on (NULL: any), read from its newest partition or chunk that
-- has such a row, one after the other back to SINCE: the table is never
-- read whole for it (one that is neither partitioned nor a hypertable is
-- read as max() reads it).  NULL when there is none.
CREATE OR REPLACE FUNCTION tsq.newest_row(schema_name text, table_name text,
                                          time_column text, symbol text, since timestamptz)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    rel regclass := format('%I.%I', schema_name, table_name)::regclass;
    cond text := format(' WHERE %I >= $2', time_column)
                 || CASE WHEN symbol IS NULL THEN '' ELSE ' AND symbol = $1' END;
    lo timestamptz := coalesce(since, '-infinity');
    part record;
    newest timestamptz;
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = rel) = 'p' THEN
        FOR part IN SELECT p.partition_schema AS s, p.partition_name AS n
                    FROM tsq.partitions(schema_name, table_name) p
                    WHERE p.range_end IS NULL OR p.range_end > lo
                    ORDER BY p.range_end DESC NULLS FIRST LOOP
            EXECUTE format('SELECT max(%I) FROM %I.%I', time_column, part.s, part.n) || cond
                INTO newest USING symbol, lo;
            IF newest IS NOT NULL THEN RETURN newest; END IF;
        END LOOP;
        RETURN NULL;
    END IF;
    IF to_regclass('_timescaledb_catalog.hypertable') IS NOT NULL THEN
        FOR part IN EXECUTE 'SELECT chunk_schema AS s, chunk_name AS n
                             FROM timescaledb_information.chunks
                             WHERE hypertable_schema = $1 AND hypertable_name = $2
                               AND range_end > $3
                             ORDER BY range_end DESC' USING schema_name, table_name, lo LOOP
            EXECUTE format('SELECT max(%I) FROM %I.%I', time_column, part.s, part.n) || cond
                INTO newest USING symbol, lo;
            IF newest IS NOT NULL THEN RETURN newest; END IF;
        END LOOP;
        IF EXISTS (SELECT 1 FROM _timescaledb_catalog.hypertable h
                   WHERE h.schema_name = newest_row.schema_name
                     AND h.table_name = newest_row.table_name) THEN
            RETURN NULL;
        END IF;
    END IF;
    EXECUTE format('SELECT max(%I) FROM %s', time_column, rel) || cond
        INTO newest USING symbol, lo;
    RETURN newest;
END
$fn$;

-- step: created table tsq.policies
-- unless: SELECT to_regclass('tsq.policies') IS NOT NULL
-- The storage policy wanted for each table, set with tsq-compress
-- --set-policy and applied by tsq-compress --run.  A NULL setting is off.
CREATE TABLE tsq.policies (
    schema_name     text NOT NULL,
    table_name      text NOT NULL,
    compress_after  interval,
    drop_after      interval,
    refresh_window  interval,
    premake         interval,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schema_name, table_name)
);

-- step: created table tsq.policy_runs
-- unless: SELECT to_regclass('tsq.policy_runs') IS NOT NULL
-- One row per action tsq-compress took (or was taking when it was stopped):
-- what tsq-stats reports as the health of the policies.
CREATE TABLE tsq.policy_runs (
    id            bigserial PRIMARY KEY,
    schema_name   text NOT NULL,
    table_name    text NOT NULL,
    action        text NOT NULL,
    target        text,
    range_start   timestamptz,
    range_end     timestamptz,
    started       timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished      timestamptz,
    status        text NOT NULL DEFAULT 'running',
    error         text,
    bytes_before  bigint,
    bytes_after   bigint,
    rows          bigint
);
CREATE INDEX ON tsq.policy_runs (schema_name, table_name, action, started);

-- step: numbered the runs of tsq-compress
-- unless: SELECT to_regclass('tsq.policy_run_ids') IS NOT NULL
-- Every action a run of tsq-compress takes carries the run's number, so that
-- tsq-stats can tell a run that failed on one chunk from one that did not.
CREATE SEQUENCE tsq.policy_run_ids;
ALTER TABLE tsq.policy_runs ADD COLUMN IF NOT EXISTS run bigint;
CREATE INDEX ON tsq.policy_runs (schema_name, table_name, action, run);

-- step: created table tsq.touched
-- unless: SELECT to_regclass('tsq.touched') IS NOT NULL
-- The time ranges tsq-load wrote to, kept until tsq-compress has refreshed
-- the rollups over them.
CREATE TABLE tsq.touched (
    id           bigserial PRIMARY KEY,
    schema_name  text NOT NULL,
    table_name   text NOT NULL,
    from_time    timestamptz NOT NULL,
    to_time      timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

-- step: created table tsq.retention
-- unless: SELECT to_regclass('tsq.retention') IS NOT NULL
-- How far back tsq-compress has dropped each table's raw data: before
-- dropped_before some rows may be gone, so its rollups there are final and
-- are never computed again from what is left (a late row loaded there stays
-- in the raw table until the next drop, and changes no rollup).
CREATE TABLE tsq.retention (
    schema_name     text NOT NULL,
    table_name      text NOT NULL,
    dropped_before  timestamptz NOT NULL,
    PRIMARY KEY (schema_name, table_name)
);

-- step: created table tsq.loads
-- unless: SELECT to_regclass('tsq.loads') IS NOT NULL
-- How far each tsq-load has come, written by each of its workers in the
-- transaction of every batch it commits: every record of SOURCE before byte
-- committed_offset that this worker writes (rows go to workers by key) is
-- in the table or was rejected.  prefix_hash identifies those bytes, so that
-- a resume knows the input it continues is the one it began (a file that
-- grew continues; one that changed does not).  --resume, a batch re-sent
-- after a lost connection and tsq-stats read it.
CREATE TABLE tsq.loads (
    load_id           text NOT NULL,
    worker            integer NOT NULL,
    workers           integer NOT NULL,
    schema_name       text NOT NULL,
    table_name        text NOT NULL,
    source            text NOT NULL,
    committed_offset  bigint NOT NULL,
    committed_line    bigint NOT NULL,
    prefix_hash       text NOT NULL,
    batches           bigint NOT NULL DEFAULT 0,
    last_inserted     bigint NOT NULL DEFAULT 0,
    last_updated      bigint NOT NULL DEFAULT 0,
    last_unchanged    bigint NOT NULL DEFAULT 0,
    last_rejected     bigint NOT NULL DEFAULT 0,
    done              boolean NOT NULL DEFAULT false,
    started_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (load_id, source, worker)
);
CREATE INDEX ON tsq.loads (schema_name, table_name, source, updated_at);

-- step: created table tsq.writes
-- unless: SELECT to_regclass('tsq.writes') IS NOT NULL
-- When tsq-load last committed rows to each table, for tsq-stats.
CREATE TABLE tsq.writes (
    schema_name  text NOT NULL,
    table_name   text NOT NULL,
    last_write   timestamptz NOT NULL,
    PRIMARY KEY (schema_name, table_name)
);

-- step: created the target schema
-- unless: SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)
-- params: schema
SELECT tsq.ensure_schema($1);

-- step: created function tsq.rollup_for
-- unless: SELECT to_regprocedure('tsq.rollup_for(interval,text)') IS NOT NULL
-- version: 4
-- The rollup the bars query reads for bars of BUCKET: the coarsest of a
-- ladder whose bucket divides it, or NULL for the raw rows (no rollup
-- divides it, or SOURCE asks for raw rows).  SOURCE 'auto' takes the OHLCV
-- ladder (sql/lists/rollups.sql), 'trades' the trade ladder
-- (sql/lists/trade_rollups.sql).  A bucket of whole months is made of whole
-- days, and so of whole buckets of every rung.  Immutable, so a query that
-- calls it with bound values decides at plan time.
CREATE OR REPLACE FUNCTION tsq.rollup_for(bucket interval, source text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT rollup
    FROM (SELECT NULL::text AS rollup, NULL::numeric AS seconds, NULL::text AS ladder WHERE false
-- repeat: rollups
          UNION ALL SELECT '@rollup@', @seconds@, 'auto'
-- end repeat
-- repeat: trade_rollups
          UNION ALL SELECT '@rollup@', @seconds@, 'trades'
-- end repeat
         ) ladder,
         (SELECT extract(epoch FROM bucket)::numeric AS s,
                 bucket = date_trunc('month', bucket) AND bucket >= INTERVAL '1 month' AS months) b
    WHERE ladder = source AND (months OR s % seconds = 0)
    ORDER BY seconds DESC
    LIMIT 1
$fn$;

-- step: created function tsq.bucket_seconds
-- unless: SELECT to_regprocedure('tsq.bucket_seconds(interval)') IS NOT NULL
-- The longest a bucket of BUCKET lasts, in seconds: a month counts 31
-- days (PostgreSQL's own figure for it is 30.44).  The queries' warm-up
-- reads this many seconds of rows back per bar.
CREATE FUNCTION tsq.bucket_seconds(bucket interval) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT (extract(year FROM bucket) * 12 + extract(month FROM bucket)) * 31 * 86400
           + extract(epoch FROM bucket - date_trunc('month', bucket))
$fn$;

-- step: created aggregate tsq.ema
-- unless: SELECT to_regprocedure('tsq.ema(double precision,integer)') IS NOT NULL
-- The exponential moving average as TA-Lib defines it, for use as a window
-- function over one symbol's rows in time order:
--     tsq.ema(close, 20) OVER (PARTITION BY symbol ORDER BY time ROWS UNBOUNDED PRECEDING)
-- alpha = 2 / (N + 1); the first value, at the N-th row, is the simple mean
-- of the first N; rows before it get NULL.  NULL inputs are skipped.
-- The state is {rows seen, sum of the first N, current average}.
CREATE FUNCTION tsq.ema_step(s double precision[], x double precision, n integer)
RETURNS double precision[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN x IS NULL OR n IS NULL OR n < 1 THEN s
        WHEN s[1] + 1 < n THEN ARRAY[s[1] + 1, s[2] + x, NULL]
        WHEN s[1] + 1 = n THEN ARRAY[s[1] + 1, s[2] + x, (s[2] + x) / n]
        ELSE ARRAY[s[1] + 1, s[2], (x - s[3]) * (2.0 / (n + 1)) + s[3]]
    END
$fn$;
CREATE FUNCTION tsq.ema_final(s double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT s[3]';
CREATE AGGREGATE tsq.ema(double precision, integer) (
    SFUNC = tsq.ema_step, STYPE = double precision[], FINALFUNC = tsq.ema_final,
    INITCOND = '{0,0,NULL}'
);

-- step: created aggregate tsq.wilder
-- unless: SELECT to_regprocedure('tsq.wilder(double precision,integer)') IS NOT NULL
-- Wilder's smoothing, as TA-Lib's ATR applies it, for use as a window
-- function like tsq.ema: the first value, at the N-th input, is the mean of
-- the first N; after that avg = (avg * (N - 1) + x) / N.  NULL inputs are
-- skipped.  The state is {inputs seen, sum of the first N, current average}.
CREATE FUNCTION tsq.wilder_step(s double precision[], x double precision, n integer)
RETURNS double precision[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN x IS NULL OR n IS NULL OR n < 1 THEN s
        WHEN s[1] + 1 < n THEN ARRAY[s[1] + 1, s[2] + x, NULL]
        WHEN s[1] + 1 = n THEN ARRAY[s[1] + 1, s[2] + x, (s[2] + x) / n]
        ELSE ARRAY[s[1] + 1, s[2], (s[3] * (n - 1) + x) / n]
    END
$fn$;
CREATE AGGREGATE tsq.wilder(double precision, integer) (
    SFUNC = tsq.wilder_step, STYPE = double precision[], FINALFUNC = tsq.ema_final,
    INITCOND = '{0,0,NULL}'
);

-- step: created aggregate tsq.wilder_sum
-- unless: SELECT to_regprocedure('tsq.wilder_sum(double precision,integer)') IS NOT NULL
-- Wilder's running sum, as TA-Lib smooths the directional movement and the
-- true range of +DI, -DI and ADX, for use as a window function like
-- tsq.ema: the first N - 1 inputs are added up, and from the N-th on
-- sum = sum - sum / N + x, the value.  NULL inputs are skipped.  The state
-- is {inputs seen, current sum, N}.
CREATE FUNCTION tsq.wilder_sum_step(s double precision[], x double precision, n integer)
RETURNS double precision[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN x IS NULL OR n IS NULL OR n < 1 THEN s
        WHEN s[1] + 1 < n THEN ARRAY[s[1] + 1, s[2] + x, n]
        ELSE ARRAY[s[1] + 1, s[2] - s[2] / n + x, n]
    END
$fn$;
CREATE FUNCTION tsq.wilder_sum_final(s double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CASE WHEN s[1] >= s[3] THEN s[2] END';
CREATE AGGREGATE tsq.wilder_sum(double precision, integer) (
    SFUNC = tsq.wilder_sum_step, STYPE = double precision[], FINALFUNC = tsq.wilder_sum_final,
    INITCOND = '{0,0,NULL}'
);

-- step: defined tsq.rsi_final as TA-Lib computes RSI
-- unless: SELECT to_regprocedure('tsq.rsi_final(double precision[])') IS NOT NULL
-- version: 2
-- The value of tsq.rsi (below) from its state: 100 * gain / (gain + loss)
-- as TA-Lib writes it, and 0 where both are below 1e-8 (a flat series, as
-- TA-Lib has it).
CREATE OR REPLACE FUNCTION tsq.rsi_final(s double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN s[5] IS NULL OR s[1] < s[5] THEN NULL
        WHEN s[3] + s[4] < 1e-8 THEN 0
        ELSE 100 * (s[3] / (s[3] + s[4]))
    END
$fn$;

-- step: created aggregate tsq.rsi
-- unless: SELECT to_regprocedure('tsq.rsi(double precision,integer)') IS NOT NULL
-- The relative strength index with Wilder's smoothing, as a window function
-- like tsq.ema.  The average gain and loss start as the simple means of the
-- first N changes, so the first value is at row N + 1; after that
-- avg = (avg * (N - 1) + change) / N.
-- The state is {changes seen, last value, average gain, average loss, N}.
CREATE FUNCTION tsq.rsi_step(s double precision[], x double precision, n integer)
RETURNS double precision[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN x IS NULL OR n IS NULL OR n < 1 THEN s
        WHEN s[2] IS NULL THEN ARRAY[0, x, 0, 0, n]
        WHEN s[1] + 1 <= n THEN ARRAY[s[1] + 1, x,
                                      s[3] + greatest(x - s[2], 0) / n,
                                      s[4] + greatest(s[2] - x, 0) / n, n]
        ELSE ARRAY[s[1] + 1, x,
                   (s[3] * (n - 1) + greatest(x - s[2], 0)) / n,
                   (s[4] * (n - 1) + greatest(s[2] - x, 0)) / n, n]
    END
$fn$;
CREATE AGGREGATE tsq.rsi(double precision, integer) (
    SFUNC = tsq.rsi_step, STYPE = double precision[], FINALFUNC = tsq.rsi_final,
    INITCOND = '{0,NULL,0,0,NULL}'
);
