-- Citus: the daily partitions are made by Citus's own create_time_partitions
-- (so they carry its names, TABLE_pYYYY_MM_DD, and its checks that ranges
-- line up).  These two functions take the place of the plain PostgreSQL ones
-- of the same signature; they are defined first, so postgres/schema.sql,
-- which runs next, finds them and makes the first partitions with them.
-- Both run in UTC: Citus aligns a table's first partition on the session's
-- midnight, and tsq's days are UTC days.

-- step: defined tsq.create_partitions with Citus's create_time_partitions
-- unless: SELECT to_regprocedure('tsq.create_partitions(text,text,timestamp with time zone,timestamp with time zone)') IS NOT NULL
-- version: 2
-- The daily partitions of a table covering [from_time, to_time); returns
-- how many were missing.  tsq-load calls it for the days it is about to
-- write, tsq-compress for the days ahead.
CREATE OR REPLACE FUNCTION tsq.create_partitions(schema_name text, table_name text,
                                                 from_time timestamptz, to_time timestamptz)
RETURNS integer LANGUAGE plpgsql SET timezone = 'UTC' AS $fn$
DECLARE
    parent regclass := format('%I.%I', schema_name, table_name)::regclass;
    lo timestamptz := date_trunc('day', from_time);
    hi timestamptz := date_trunc('day', to_time - interval '1 microsecond') + interval '1 day';
    missing integer;
BEGIN
    SELECT count(*) INTO missing
    FROM get_missing_time_partition_ranges(parent, interval '1 day', hi, lo);
    IF missing > 0 THEN
        PERFORM create_time_partitions(parent, interval '1 day', hi, lo);
    END IF;
    RETURN missing;
END
$fn$;

-- step: defined tsq.has_partitions with Citus's partition ranges, taking no lock
-- unless: SELECT to_regprocedure('tsq.has_partitions(text,text,timestamp with time zone,timestamp with time zone)') IS NOT NULL
-- version: 2
-- Whether every UTC day of [from_time, to_time) lies in a partition, from
-- the partition bounds in the catalog (tsq.partitions).  Citus's
-- get_missing_time_partition_ranges locks the table and every partition
-- first, so a partition another session holds (a long-running copy into a
-- detached day, a LOCK TABLE) would stop tsq-compress's check for days
-- ahead; this reads the catalog only.  PL/pgSQL: tsq.partitions is defined
-- by a later step.
CREATE OR REPLACE FUNCTION tsq.has_partitions(schema_name text, table_name text,
                                              from_time timestamptz, to_time timestamptz)
RETURNS boolean LANGUAGE plpgsql STABLE SET timezone = 'UTC' AS $fn$
BEGIN
    RETURN NOT EXISTS (
        SELECT 1
        FROM generate_series(date_trunc('day', from_time), to_time - interval '1 microsecond',
                             interval '1 day') AS day
        WHERE NOT EXISTS (SELECT 1 FROM tsq.partitions(schema_name, table_name) p
                          WHERE p.range_start <= day AND p.range_end > day));
END
$fn$;
