#!/usr/bin/env bats
# tsq-load converts time values on the client.  Thousands of generated
# values (tests/lib/gen-times.awk) are loaded into timestamptz, timestamp and
# date columns by tsq-load and cast by the server itself, in UTC and in zones
# with daylight-saving changes: every value must come out the same, or be
# refused by both.  Dates of six or eight digits are the server's too; other
# epoch numbers, which the server does not read as times, are compared with
# the server's arithmetic on the documented rule, and fourteen digits
# (YYYYMMDDHHMMSS or milliseconds?) must be refused.  On
# Citus the tables loaded are distributed.

load lib/suite

setup() {
	suite_setup
	tsq_psql <<'SQL'
CREATE TABLE src (id integer PRIMARY KEY, v text);
CREATE TABLE t_tz (id integer PRIMARY KEY, v timestamptz);
CREATE TABLE t_ts (id integer PRIMARY KEY, v timestamp);
CREATE TABLE t_d (id integer PRIMARY KEY, v date);
-- The server's verdict on one value: its value as text, or 'refused'.
CREATE FUNCTION srv(v text, typ text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    IF typ = 'tz' THEN RETURN extract(epoch FROM v::timestamptz)::text; END IF;
    IF typ = 'ts' THEN RETURN v::timestamp::text; END IF;
    RETURN v::date::text;
EXCEPTION WHEN others THEN
    RETURN 'refused';
END $$;
-- Epoch numbers: the unit by the magnitude of the whole part, rounded half
-- to even to the microsecond (tsq-load(1)); the rest is the server's.
CREATE FUNCTION epoch_usec(n numeric) RETURNS numeric LANGUAGE sql AS $$
    SELECT CASE WHEN abs(x - trunc(x)) = 0.5 THEN 2 * round(x / 2) ELSE round(x) END
    FROM (SELECT CASE WHEN abs(trunc(n)) < 1e11 THEN n * 1e6 WHEN abs(trunc(n)) < 1e14 THEN n * 1e3
                      WHEN abs(trunc(n)) < 1e17 THEN n ELSE n / 1e3 END AS x) s
$$;
CREATE FUNCTION srv_epoch(v text, typ text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    us bigint := epoch_usec(trim(v)::numeric);
    -- Whole seconds and microseconds apart: an interval times a large number loses digits.
    t timestamptz := timestamptz 'epoch' + div(us, 1000000) * interval '1 second'
                     + mod(us, 1000000) * interval '1 microsecond';
BEGIN
    IF typ = 'tz' THEN RETURN extract(epoch FROM t)::text; END IF;
    IF typ = 'ts' THEN RETURN (t AT TIME ZONE current_setting('TimeZone'))::text; END IF;
    RETURN (t AT TIME ZONE current_setting('TimeZone'))::date::text;
EXCEPTION WHEN others THEN
    RETURN 'refused';
END $$;
SQL
	# On Citus the loaded tables are distributed: the values go through the
	# coordinator's COPY to the workers' shards.
	if [ "$TSQ_TEST_BACKEND" = citus ]; then
		tsq_psql -c "SELECT create_distributed_table(t, 'id') FROM unnest(array['t_tz', 't_ts', 't_d']) t" >/dev/null
	fi
}

# compare ZONE COUNT SEED: generate, load with tsq-load --tz ZONE, cast on
# the server in ZONE, print every value on which they differ.
compare() {
	local zone=$1 count=$2 seed=$3 t
	awk -v seed="$seed" -v count="$count" -f "$TSQ_ROOT/tests/lib/gen-times.awk" >values.csv
	sed '1i id,v' values.csv >with-header.csv
	tsq_psql -c "TRUNCATE src, t_tz, t_ts, t_d" -c "\\copy src FROM values.csv (FORMAT csv)"
	for t in t_tz t_ts t_d; do
		rm -f with-header.csv.rejects.jsonl
		tsq-load -q --tz "$zone" "$t" with-header.csv || [ $? = 65 ]
	done
	# What tsq-load stored, as text that does not depend on the session's
	# zone, gathered first (from the workers, on Citus); then set against
	# the casts of the session in ZONE.
	tsq_psql -c "SET TimeZone = '$zone'" -c "
		CREATE TEMP TABLE stored AS
		    SELECT id, 'tz' AS typ, extract(epoch FROM v)::text AS tsq FROM t_tz
		    UNION ALL SELECT id, 'ts', v::text FROM t_ts
		    UNION ALL SELECT id, 'd', v::text FROM t_d" -c "
		WITH cmp AS (
		    SELECT s.id, s.v, k.typ, st.tsq,
		           CASE WHEN s.v ~ '^\\s*([0-9]{6}|[0-9]{8})\\s*\$' THEN srv(s.v, k.typ)
		                WHEN s.v ~ '^\\s*[0-9]{14}\\s*\$' THEN 'refused'
		                WHEN s.v ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*\$' THEN srv_epoch(s.v, k.typ)
		                ELSE srv(s.v, k.typ) END AS server
		    FROM src s CROSS JOIN (VALUES ('tz'), ('ts'), ('d')) AS k(typ)
		    LEFT JOIN stored st ON st.id = s.id AND st.typ = k.typ)
		SELECT id || ' [' || v || '] ' || typ || ': tsq ' || coalesce(tsq, 'refused') || ', server ' || server
		FROM cmp WHERE coalesce(tsq, 'refused') <> server ORDER BY id, typ"
}

@test "times: tsq-load stores what the server's own casts give, or refuses with it (UTC)" {
	n=4000
	tsq_one_session && n=1500
	run -0 compare UTC "$n" 1
	assert_output ""
	# The generated values reach every outcome: good values of each kind and refusals.
	assert [ "$(tsq_psql -c 'SELECT count(*) FROM t_tz')" -gt $((n / 3)) ]
	assert [ "$(tsq_psql -c 'SELECT count(*) FROM t_d')" -gt "$(tsq_psql -c 'SELECT count(*) FROM t_tz')" ]
	assert [ "$(tsq_psql -c 'SELECT count(*) FROM t_tz')" -lt $((n * 9 / 10)) ]
}

@test "times: the same in zones with daylight-saving changes (--tz)" {
	n=1500
	tsq_one_session && n=600
	for zone in America/New_York Europe/Prague Australia/Lord_Howe Asia/Kathmandu; do
		run -0 compare "$zone" "$n" 7
		assert_output ""
	done
}
