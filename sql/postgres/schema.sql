-- Plain PostgreSQL: native daily range partitions, the OHLCV rollups as
-- ordinary tables that tsq refreshes (tsq.refresh_rollup, driven by
-- tsq-compress), and portable time_bucket/first/last in the tsq schema so the
-- named queries run unchanged on both backends.  Runs after tables.sql.

-- step: created function tsq.time_bucket
-- unless: SELECT to_regprocedure('tsq.time_bucket(interval,timestamp with time zone)') IS NOT NULL
-- Buckets are aligned as TimescaleDB aligns them: fixed-width buckets on
-- 2000-01-03 00:00 UTC (a Monday), month buckets on 2000-01-01.
CREATE FUNCTION tsq.time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN extract(year FROM bucket_width) <> 0 OR extract(month FROM bucket_width) <> 0 THEN
            (SELECT make_timestamptz(2000 + floor(b / 12)::int, (b - floor(b / 12) * 12)::int + 1, 1, 0, 0, 0, 'UTC')
             FROM (SELECT floor(((extract(year FROM ts AT TIME ZONE 'UTC') - 2000) * 12
                                 + extract(month FROM ts AT TIME ZONE 'UTC') - 1)
                                / (extract(year FROM bucket_width) * 12
                                   + extract(month FROM bucket_width))) * (extract(year FROM bucket_width) * 12
                                   + extract(month FROM bucket_width)) AS b) AS m)
        ELSE
            to_timestamp(floor((extract(epoch FROM ts) - 946857600) / extract(epoch FROM bucket_width))
                         * extract(epoch FROM bucket_width) + 946857600)
    END
$fn$;

-- step: created aggregates tsq.first and tsq.last
-- unless: SELECT to_regprocedure('tsq.first(double precision,timestamp with time zone)') IS NOT NULL
-- TimescaleDB's first(value, time) and last(value, time): the value at the
-- earliest (latest) time.  One pair per value type the named queries use.
DO $do$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('float8', 'double precision'), ('numeric', 'numeric'),
                                   ('int8', 'bigint'), ('int4', 'integer'), ('text', 'text'))
                          AS v(short, full_name)
    LOOP
        EXECUTE format('CREATE TYPE tsq.%I AS (t timestamptz, v %s)', 'at_' || t.short, t.full_name);
        EXECUTE format($f$CREATE FUNCTION tsq.%I(s tsq.%I, v %s, t timestamptz) RETURNS tsq.%I
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            'SELECT CASE WHEN t IS NULL THEN s WHEN s IS NULL OR t < (s).t THEN ROW(t, v)::tsq.%I ELSE s END'$f$,
            'first_step_' || t.short, 'at_' || t.short, t.full_name, 'at_' || t.short, 'at_' || t.short);
        EXECUTE format($f$CREATE FUNCTION tsq.%I(s tsq.%I, v %s, t timestamptz) RETURNS tsq.%I
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            'SELECT CASE WHEN t IS NULL THEN s WHEN s IS NULL OR t >= (s).t THEN ROW(t, v)::tsq.%I ELSE s END'$f$,
            'last_step_' || t.short, 'at_' || t.short, t.full_name, 'at_' || t.short, 'at_' || t.short);
        EXECUTE format($f$CREATE FUNCTION tsq.%I(s tsq.%I) RETURNS %s
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT (s).v'$f$,
            'at_value_' || t.short, 'at_' || t.short, t.full_name);
        EXECUTE format('CREATE AGGREGATE tsq.first(%s, timestamptz) (SFUNC = tsq.%I, STYPE = tsq.%I, FINALFUNC = tsq.%I)',
            t.full_name, 'first_step_' || t.short, 'at_' || t.short, 'at_value_' || t.short);
        EXECUTE format('CREATE AGGREGATE tsq.last(%s, timestamptz) (SFUNC = tsq.%I, STYPE = tsq.%I, FINALFUNC = tsq.%I)',
            t.full_name, 'last_step_' || t.short, 'at_' || t.short, 'at_value_' || t.short);
    END LOOP;
END
$do$;

-- step: created function tsq.create_partitions
-- unless: SELECT to_regprocedure('tsq.create_partitions(text,text,timestamp with time zone,timestamp with time zone)') IS NOT NULL
-- Daily partitions TABLE_pYYYYMMDD (UTC days) covering [from_time, to_time);
-- returns how many it created.  tsq-load calls it for the days it is about
-- to write.
CREATE FUNCTION tsq.create_partitions(schema_name text, table_name text,
                                      from_time timestamptz, to_time timestamptz)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
    day timestamp;
    part text;
    created integer := 0;
BEGIN
    FOR day IN SELECT generate_series(date_trunc('day', from_time AT TIME ZONE 'UTC'),
                                      to_time AT TIME ZONE 'UTC' - interval '1 microsecond',
                                      interval '1 day')
    LOOP
        part := table_name || '_p' || to_char(day, 'YYYYMMDD');
        CONTINUE WHEN tsq.has_relation(schema_name, part);
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                       schema_name, part, schema_name, table_name,
                       to_char(day, 'YYYY-MM-DD HH24:MI:SS') || '+00',
                       to_char(day + interval '1 day', 'YYYY-MM-DD HH24:MI:SS') || '+00');
        created := created + 1;
    END LOOP;
    RETURN created;
END
$fn$;

-- step: created function tsq.has_partitions
-- unless: SELECT to_regprocedure('tsq.has_partitions(text,text,timestamp with time zone,timestamp with time zone)') IS NOT NULL
CREATE FUNCTION tsq.has_partitions(schema_name text, table_name text,
                                   from_time timestamptz, to_time timestamptz)
RETURNS boolean LANGUAGE sql STABLE AS $fn$
    SELECT bool_and(tsq.has_relation(schema_name, table_name || '_p' || to_char(day, 'YYYYMMDD')))
    FROM generate_series(date_trunc('day', from_time AT TIME ZONE 'UTC'),
                         to_time AT TIME ZONE 'UTC' - interval '1 microsecond',
                         interval '1 day') AS day
$fn$;

-- step: defined function tsq.partitions
-- unless: SELECT to_regprocedure('tsq.partitions(text,text)') IS NOT NULL
-- version: 2
-- The range partitions of a table on its time column, read from the
-- catalog: a MINVALUE or MAXVALUE bound, or the default partition, gives
-- NULL on that side.  The bounds are deparsed without opening the
-- partitions (relation 0: they hold constants only), so a partition another
-- session has locked does not block the listing.
CREATE OR REPLACE FUNCTION tsq.partitions(schema_name text, table_name text)
RETURNS TABLE (partition_schema text, partition_name text,
               range_start timestamptz, range_end timestamptz)
LANGUAGE sql STABLE AS $fn$
    SELECT n.nspname::text, c.relname::text,
           (regexp_match(b.bound, 'FROM \(''([^'']*)''\)'))[1]::timestamptz,
           (regexp_match(b.bound, 'TO \(''([^'']*)''\)'))[1]::timestamptz
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, 0) AS bound) b
    WHERE i.inhparent = (SELECT p.oid FROM pg_class p JOIN pg_namespace pn ON pn.oid = p.relnamespace
                         WHERE pn.nspname = schema_name AND p.relname = table_name)
$fn$;

-- step: created function tsq.drop_partition
-- unless: SELECT to_regprocedure('tsq.drop_partition(text,text,text,text,boolean)') IS NOT NULL
-- Drop one partition of schema_name.table_name, or with keep only detach it
-- (it stays as a table of its own).  The names are quoted here, by the
-- server, from parameters.
CREATE FUNCTION tsq.drop_partition(schema_name text, table_name text,
                                   partition_schema text, partition_name text, keep boolean)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    IF keep THEN
        EXECUTE format('ALTER TABLE %I.%I DETACH PARTITION %I.%I',
                       schema_name, table_name, partition_schema, partition_name);
    ELSE
        EXECUTE format('DROP TABLE %I.%I', partition_schema, partition_name);
    END IF;
END
$fn$;

-- step: created daily partitions of @table@ from yesterday to 7 days ahead
-- each: table=ohlcv
-- each: table=trades
-- each: table=quotes
-- unless: SELECT tsq.has_partitions($1, '@table@', date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 day', date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '8 days')
-- params: schema
-- Yesterday takes the rows that arrive late for it; older days are made when
-- rows for them are loaded (tsq-load creates the partitions it needs), not
-- ahead as empty tables that tsq-compress would later compress.
SELECT tsq.create_partitions($1, '@table@',
    date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 day',
    date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '8 days');

-- step: created table tsq.rollups
-- only: rollups
-- unless: SELECT to_regclass('tsq.rollups') IS NOT NULL
-- What each rollup table is built from, for tsq.refresh_rollup.
CREATE TABLE tsq.rollups (
    schema_name   text NOT NULL,
    name          text NOT NULL,
    source        text NOT NULL,
    bucket        interval NOT NULL,
    refreshed_to  timestamptz,
    PRIMARY KEY (schema_name, name)
);

-- step: created function tsq.refresh_rollup
-- only: rollups
-- unless: SELECT to_regprocedure('tsq.refresh_rollup(text,text,timestamp with time zone,timestamp with time zone)') IS NOT NULL
-- version: 4
-- Recompute the buckets of one rollup that start in [from_time, to_time)
-- from its source (raw 1m candles, raw trades, or the next finer rollup), in
-- one statement pair, so a refresh can be repeated at will.  Returns the
-- number of buckets written.  The trade rollups (sql/lists/trade_rollups.sql)
-- take open and close by (time, trade_id) and sum sizes and notionals
-- exactly, as numeric.
CREATE OR REPLACE FUNCTION tsq.refresh_rollup(schema_name text, rollup text,
                                              from_time timestamptz, to_time timestamptz)
RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
    r tsq.rollups;
    lo timestamptz;
    hi timestamptz;
    written bigint;
    q text;
BEGIN
    SELECT * INTO STRICT r FROM tsq.rollups
    WHERE rollups.schema_name = refresh_rollup.schema_name AND name = rollup;
    lo := tsq.time_bucket(r.bucket, coalesce(from_time, '-infinity'::timestamptz));
    IF from_time IS NULL THEN lo := '-infinity'; END IF;
    hi := coalesce(to_time, 'infinity'::timestamptz);
    EXECUTE format('DELETE FROM %I.%I WHERE time >= $1 AND time < $2', r.schema_name, r.name)
        USING lo, hi;
    IF r.source = 'ohlcv' THEN
        q := $q$
            INSERT INTO %I.%I (time, symbol, open, high, low, close, volume, trades, candles)
            SELECT tsq.time_bucket($3, time), symbol, tsq.first(open, time), max(high), min(low),
                   tsq.last(close, time), sum(volume), sum(trades), count(*)
            FROM %I.%I
            WHERE timeframe = '1m' AND time >= $1 AND time < $2
            GROUP BY 1, 2$q$;
    ELSIF r.source = 'trades' THEN
        q := $q$
            INSERT INTO %I.%I (time, symbol, open, high, low, close, volume, trades, notional)
            SELECT tsq.time_bucket($3, time), symbol,
                   (array_agg(price ORDER BY time, trade_id))[1], max(price), min(price),
                   (array_agg(price ORDER BY time DESC, trade_id DESC))[1],
                   sum(size::numeric), count(*), sum(price::numeric * size::numeric)
            FROM %I.%I
            WHERE time >= $1 AND time < $2
            GROUP BY 1, 2$q$;
    ELSE
        -- From a finer rollup: its candles summed (the OHLCV ladder), or its
        -- notional (the trade ladder).
        q := $q$
            INSERT INTO %1$I.%2$I (time, symbol, open, high, low, close, volume, trades, %5$I)
            SELECT tsq.time_bucket($3, time), symbol, tsq.first(open, time), max(high), min(low),
                   tsq.last(close, time), sum(volume), sum(trades), sum(%5$I)
            FROM %3$I.%4$I
            WHERE time >= $1 AND time < $2
            GROUP BY 1, 2$q$;
    END IF;
    EXECUTE format(q, r.schema_name, r.name, r.schema_name, r.source,
                   CASE WHEN r.source LIKE 'trades\_%' THEN 'notional' ELSE 'candles' END)
        USING lo, hi, r.bucket;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE tsq.rollups SET refreshed_to = greatest(refreshed_to, hi)
    WHERE rollups.schema_name = r.schema_name AND name = r.name;
    -- The first rows of a rollup table: analyzed once, so that its row
    -- count (tsq-stats) and the planner know them before autovacuum does.
    IF written > 0 AND to_regprocedure('tsq.analyze_new(regclass)') IS NOT NULL THEN
        PERFORM tsq.analyze_new(format('%I.%I', r.schema_name, r.name)::regclass);
    END IF;
    RETURN written;
END
$fn$;

-- step: created rollup table @rollup@
-- only: rollups
-- each-of: rollups
-- unless: SELECT tsq.has_relation($1, '@rollup@')
-- params: schema
CREATE TABLE @rollup@ (
    time     timestamptz NOT NULL,
    symbol   text NOT NULL,
    open     @price@ NOT NULL,
    high     @price@ NOT NULL,
    low      @price@ NOT NULL,
    close    @price@ NOT NULL,
    volume   @price@ NOT NULL,
    trades   bigint,
    candles  bigint NOT NULL,
    PRIMARY KEY (symbol, time)
);

-- step: registered rollup @rollup@
-- only: rollups
-- each-of: rollups
-- each-of: trade_rollups
-- unless: SELECT EXISTS (SELECT 1 FROM tsq.rollups WHERE schema_name = $1 AND name = '@rollup@')
-- params: schema
INSERT INTO tsq.rollups (schema_name, name, source, bucket)
VALUES ($1, '@rollup@', '@source@', INTERVAL '@bucket@');

-- step: created trade rollup table @rollup@
-- only: rollups
-- each-of: trade_rollups
-- unless: SELECT tsq.has_relation($1, '@rollup@')
-- params: schema
-- Candles built from the trades (sql/lists/trade_rollups.sql): volume and
-- notional (the sum of price times size) exact, the number of trades.
CREATE TABLE @rollup@ (
    time      timestamptz NOT NULL,
    symbol    text NOT NULL,
    open      @price@ NOT NULL,
    high      @price@ NOT NULL,
    low       @price@ NOT NULL,
    close     @price@ NOT NULL,
    volume    numeric NOT NULL,
    trades    bigint NOT NULL,
    notional  numeric NOT NULL,
    PRIMARY KEY (symbol, time)
);

-- step: created function tsq.rollup_horizon
-- only: rollups
-- unless: SELECT to_regprocedure('tsq.rollup_horizon(text)') IS NOT NULL
-- Up to when a rollup table answers for its source: the end of its last
-- refresh, or -infinity before the first.  The bars query reads a rollup
-- before this point and the 1-minute candles after it.
CREATE FUNCTION tsq.rollup_horizon(rollup text) RETURNS timestamptz
LANGUAGE sql STABLE AS $fn$
    SELECT coalesce((SELECT max(refreshed_to) FROM tsq.rollups WHERE name = rollup),
                    '-infinity'::timestamptz)
$fn$;
