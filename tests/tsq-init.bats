#!/usr/bin/env bats
# tsq-init on the backend named by TSQ_TEST_BACKEND (tests/run runs this file
# once per backend: PostgreSQL, native TimescaleDB, PGlite).

load lib/suite

setup() {
	suite_setup
}

# Everything tsq-init may create or change, one line per object, so that two
# runs can be compared.
catalog() {
	tsq_psql <<'SQL'
SELECT n.nspname || '.' || c.relname || ' ' || c.relkind || ' ' ||
       coalesce((SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod) ||
                                   CASE WHEN a.attnotnull THEN '!' ELSE '' END, ',' ORDER BY a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
  AND n.nspname NOT IN ('_timescaledb_catalog', '_timescaledb_config', '_timescaledb_cache')
UNION ALL
SELECT 'proc ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'tsq'
UNION ALL
SELECT 'row ' || schema_name || ' ' || version || ' ' || backend || ' ' || installed_at || ' ' || updated_at
FROM tsq.installations
ORDER BY 1;
SQL
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		tsq_psql -c "SELECT 'job ' || proc_name || ' ' || coalesce(hypertable_name, '') || ' ' || schedule_interval || ' ' || coalesce(config::text, '') FROM timescaledb_information.jobs WHERE job_id >= 1000 ORDER BY 1" \
			-c "SELECT 'chunks ' || hypertable_name || ' ' || num_chunks || ' ' || compression_enabled FROM timescaledb_information.hypertables ORDER BY 1"
	fi
}

@test "init: creates the market-data tables with their columns and keys" {
	run -0 --separate-stderr tsq-init
	assert_output ""
	assert_regex "$stderr" 'created table ohlcv'
	assert_regex "${stderr_lines[-1]}" "^tsq-init: \"public\" is ready \\($TSQ_TEST_KIND[^)]*\\): [0-9]+ changes$"
	run -0 tsq_psql -c "SELECT string_agg(column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, ''), ' ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'ohlcv'"
	assert_output "time:timestamp with time zone:NO: symbol:text:NO: timeframe:text:NO:'1m'::text open:double precision:NO: high:double precision:NO: low:double precision:NO: close:double precision:NO: volume:double precision:NO:0 trades:integer:YES: vwap:double precision:YES: source:text:YES:"
	run -0 tsq_psql -c "SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace AND conrelid::regclass::text IN ('symbols', 'ohlcv', 'trades', 'quotes') ORDER BY 1"
	assert_output "ohlcv PRIMARY KEY (symbol, timeframe, \"time\")
quotes PRIMARY KEY (symbol, \"time\", quote_id)
symbols PRIMARY KEY (symbol)
trades PRIMARY KEY (symbol, \"time\", trade_id)"
	run -0 tsq_psql -c "SELECT string_agg(column_name || ':' || data_type, ' ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ('trades') "
	assert_output "time:timestamp with time zone symbol:text price:double precision size:double precision side:text trade_id:bigint exchange:text conditions:ARRAY source:text"
	run -0 tsq_psql -c "SELECT version, backend, numeric_prices FROM tsq.installations WHERE schema_name = 'public'"
	assert_output "6|$TSQ_TEST_KIND|f"
}

@test "init: a second run changes nothing and says so" {
	tsq-init -q
	before=$(catalog)
	run -0 --separate-stderr tsq-init
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^tsq-init: \"public\" is up to date \\($TSQ_TEST_KIND[^)]*\\): nothing to do$"
	assert_equal "$(catalog)" "$before"
}

@test "init: a schema made by an earlier tsq is brought up to date; one made by a later tsq is refused" {
	NL=$'\n'
	tsq-init -q
	# What version 1 had: tsq.rsi_final gave 100 for a flat series, symbols
	# had no first_seen and last_seen.
	tsq_psql -c "UPDATE tsq.installations SET version = 1" \
		-c "ALTER TABLE symbols DROP COLUMN first_seen, DROP COLUMN last_seen" \
		-c "CREATE OR REPLACE FUNCTION tsq.rsi_final(s double precision[]) RETURNS double precision LANGUAGE sql IMMUTABLE AS 'SELECT CASE WHEN s[5] IS NULL OR s[1] < s[5] THEN NULL WHEN s[3] + s[4] = 0 THEN 100 ELSE 100 * (s[3] / (s[3] + s[4])) END'"
	run -0 tsq_psql -c "SELECT tsq.rsi_final('{14,14,0,0,14}')"
	assert_output 100
	run -0 --separate-stderr tsq-init
	assert_regex "$stderr" "(^|$NL)tsq-init: defined tsq.rsi_final as TA-Lib computes RSI($NL|$)"
	assert_regex "$stderr" "(^|$NL)tsq-init: added first_seen and last_seen to symbols($NL|$)"
	assert_regex "$stderr" "tsq-init: brought \"public\" from version 1 of tsq's schema to 6"
	run -0 tsq_psql -c "SELECT tsq.rsi_final('{14,14,0,0,14}')" -c "SELECT version FROM tsq.installations" \
		-c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'symbols' AND column_name IN ('first_seen', 'last_seen')"
	assert_output "0
6
2"
	run -0 --separate-stderr tsq-init
	assert_regex "$stderr" "nothing to do"

	tsq_psql -c "UPDATE tsq.installations SET version = 7"
	before=$(catalog)
	run -65 --separate-stderr tsq-init
	assert_output ""
	assert_equal "$stderr" "tsq-init: error: schema \"public\" is at version 7 of tsq's schema, made by a newer tsq; this tsq-init knows versions up to 6
tsq-init: hint: run the newer release's tsq-init, or install that release"
	assert_equal "$(catalog)" "$before"
}

@test "init: time partitioning on the backend's own terms" {
	tsq-init -q
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		run -0 tsq_psql -c "SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables ORDER BY 1"
		assert_output "ohlcv|t
quotes|t
trades|t"
		run -0 tsq_psql -c "SELECT segmentby, orderby FROM timescaledb_information.hypertable_compression_settings WHERE hypertable = 'ohlcv'::regclass"
		assert_output 'symbol,timeframe|"time" DESC'
		run -0 tsq_psql -c "SELECT d.interval_length FROM _timescaledb_catalog.dimension d JOIN _timescaledb_catalog.hypertable h ON h.id = d.hypertable_id WHERE h.table_name = 'ohlcv'"
		assert_output "86400000000"
		# No policy job of TimescaleDB's: tsq-compress applies the stored
		# policy (its --native hands it to such jobs).
		run -0 tsq_psql -c "SELECT count(*) FROM timescaledb_information.jobs WHERE job_id >= 1000"
		assert_output "0"
	elif [ "$TSQ_TEST_KIND" = citus ]; then
		# Citus's own daily partitions (create_time_partitions), yesterday
		# to 7 days ahead, named by its convention; a row lands in its day's.
		run -0 tsq_psql -c "SELECT parent_table, count(*), min(from_value::timestamptz) = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - INTERVAL '1 day',
		                        max(to_value::timestamptz) = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + INTERVAL '8 days'
		                 FROM time_partitions GROUP BY 1 ORDER BY parent_table::text"
		assert_output "ohlcv|9|t|t
quotes|9|t|t
trades|9|t|t"
		tsq_psql -c "INSERT INTO ohlcv (time, symbol, open, high, low, close) VALUES (now(), 'BTC', 1, 2, 0.5, 1.5)"
		run -0 tsq_psql -c "SELECT count(*) FROM ohlcv_p$(date -u +%Y_%m_%d)"
		assert_output 1
	else
		run -0 tsq_psql -c "SELECT c.relname, c.relkind FROM pg_class c WHERE c.relname IN ('ohlcv', 'trades', 'quotes') ORDER BY 1"
		assert_output "ohlcv|p
quotes|p
trades|p"
		today=$(date -u +%Y%m%d)
		ahead=$(date -u -d '+7 days' +%Y%m%d)
		behind=$(date -u -d '-1 day' +%Y%m%d)
		before=$(date -u -d '-2 days' +%Y%m%d)
		run -0 tsq_psql -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ohlcv'::regclass"
		assert_output "9"
		run -0 tsq_psql -c "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'ohlcv_p$today'"
		assert_output "FOR VALUES FROM ('$(date -u +%Y-%m-%d) 00:00:00+00') TO ('$(date -u -d '+1 day' +%Y-%m-%d) 00:00:00+00')"
		run -0 tsq_psql -c "SELECT to_regclass('ohlcv_p$ahead') IS NOT NULL, to_regclass('ohlcv_p$behind') IS NOT NULL,
		                        to_regclass('trades_p$today') IS NOT NULL, to_regclass('ohlcv_p$before') IS NULL"
		assert_output "t|t|t|t"
		# A row lands in its day's partition.
		tsq_psql -c "INSERT INTO ohlcv (time, symbol, open, high, low, close) VALUES (now(), 'BTC', 1, 2, 0.5, 1.5)"
		run -0 tsq_psql -c "SELECT tableoid::regclass FROM ohlcv"
		assert_output "ohlcv_p$today"
	fi
}

@test "init: the five OHLCV rollups agree with the raw candles; the three trade rollups are there" {
	tsq-init -q
	tsq_psql <<'SQL'
INSERT INTO ohlcv (time, symbol, open, high, low, close, volume, trades)
SELECT now() - interval '3 hours' + i * interval '1 minute', s, 100 + i, 101 + i + (i % 7), 99 + i - (i % 5), 100.5 + i, i, i % 11
FROM generate_series(0, 179) i, unnest(ARRAY['BTC', 'ETH']) s;
SQL
	if [ "$TSQ_TEST_KIND" != timescaledb ]; then
		for r in ohlcv_5m ohlcv_15m ohlcv_1h ohlcv_4h ohlcv_1d; do
			tsq_psql -c "SELECT tsq.refresh_rollup('public', '$r', NULL, NULL)" >/dev/null
		done
		tsq_psql -c "SELECT name || ' ' || source || ' ' || bucket FROM tsq.rollups ORDER BY bucket, name" >"$BATS_TEST_TMPDIR/rollups"
		run -0 cat "$BATS_TEST_TMPDIR/rollups"
		assert_output "trades_1m trades 00:01:00
ohlcv_5m ohlcv 00:05:00
ohlcv_15m ohlcv_5m 00:15:00
ohlcv_1h ohlcv_15m 01:00:00
trades_1h trades_1m 01:00:00
ohlcv_4h ohlcv_1h 04:00:00
ohlcv_1d ohlcv_1h 1 day
trades_1d trades_1h 1 day"
	else
		run -0 tsq_psql -c "SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates ORDER BY 1"
		assert_output "ohlcv_15m|f
ohlcv_1d|f
ohlcv_1h|f
ohlcv_4h|f
ohlcv_5m|f
trades_1d|f
trades_1h|f
trades_1m|f"
	fi
	for spec in "ohlcv_5m:5 minutes" "ohlcv_15m:15 minutes" "ohlcv_1h:1 hour" "ohlcv_4h:4 hours" "ohlcv_1d:1 day"; do
		[ -n "$(tsq_psql -c "SELECT 1 FROM ${spec%%:*} LIMIT 1")" ]
		run tsq_rollup_agrees "${spec%%:*}" "${spec#*:}"
		assert_success
	done
}

@test "init: a refresh job stopped after one batch leaves no bucket out of the rollups" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's refresh jobs"
	tsq-init -q
	# TimescaleDB's refresh jobs, handed the policy by tsq-compress --native,
	# and ohlcv_15m's as an earlier tsq-init made it, in TimescaleDB's
	# batches: tsq-init sets it to one transaction, and only that.
	tsq-compress -q --native --set-policy=ohlcv refresh_window=3d
	tsq_hold_jobs
	tsq_psql -c "SELECT count(*) FROM timescaledb_information.jobs j, alter_job(j.job_id, config => j.config - 'buckets_per_batch')
	             WHERE j.hypertable_name = 'ohlcv_15m'" >/dev/null
	run -0 --separate-stderr tsq-init
	assert_regex "$stderr" "refresh job on ohlcv_15m set to one transaction per run"
	assert_regex "${stderr_lines[-1]}" ": 1 change$"
	# Three hours of candles: tens of buckets in each rollup's window, where
	# TimescaleDB's batches would materialize the newest ten first and leave
	# the others out of the rollup until the next run.
	tsq_psql <<'SQL'
INSERT INTO ohlcv (time, symbol, open, high, low, close, volume, trades)
SELECT date_trunc('minute', now()) - interval '3 hours' + i * interval '1 minute', s,
       100 + i, 101 + i + (i % 7), 99 + i - (i % 5), 100.5 + i, i, i % 11
FROM generate_series(0, 179) i, unnest(ARRAY['BTC', 'ETH']) s;
SQL
	tsq_refresh_jobs_first_batch_only
	for spec in "ohlcv_5m:5 minutes" "ohlcv_15m:15 minutes" "ohlcv_1h:1 hour" "ohlcv_4h:4 hours" "ohlcv_1d:1 day"; do
		run tsq_rollup_agrees "${spec%%:*}" "${spec#*:}"
		assert_success
	done
	# The jobs did materialize (the last complete buckets of the three
	# finest rollups are inside their windows).
	for m in $(tsq_psql -c "SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
	                        FROM timescaledb_information.continuous_aggregates
	                        WHERE view_name IN ('ohlcv_5m', 'ohlcv_15m', 'ohlcv_1h')"); do
		[ "$(tsq_psql -c "SELECT count(*) > 0 FROM $m")" = t ]
	done
}

@test "init: time_bucket, first and last give the same answers on both backends" {
	tsq-init -q
	run -0 tsq_psql -c "SET search_path = public, tsq" -c "SET TimeZone = 'UTC'" -c "SELECT time_bucket('5 minutes', '2024-01-01 00:07:30+00'::timestamptz), time_bucket('1 day', '2024-01-01 13:00+00'::timestamptz), time_bucket('1 week', '2024-01-03 13:00+00'::timestamptz), time_bucket('1 month', '2024-02-15 13:00+00'::timestamptz), time_bucket('4 hours', '1999-12-31 23:00+00'::timestamptz)"
	assert_output "2024-01-01 00:05:00+00|2024-01-01 00:00:00+00|2024-01-01 00:00:00+00|2024-02-01 00:00:00+00|1999-12-31 20:00:00+00"
	run -0 tsq_psql -c "SET search_path = public, tsq" -c "SELECT first(v, t), last(v, t), first(s, t), last(s, t) FROM (VALUES (2.5::float8, 'b', '2024-01-02'::timestamptz), (1.5, 'a', '2024-01-01'), (3.5, 'c', '2024-01-03')) AS x(v, s, t)"
	assert_output "1.5|3.5|a|c"
}

@test "init: --no-rollups creates no rollups" {
	run -0 --separate-stderr tsq-init --no-rollups
	run -0 tsq_psql -c "SELECT count(*) FROM pg_class WHERE relname IN ('ohlcv_5m', 'ohlcv_15m', 'ohlcv_1h', 'ohlcv_4h', 'ohlcv_1d')"
	assert_output "0"
	run -0 tsq_psql -c "SELECT to_regclass('ohlcv') IS NOT NULL"
	assert_output "t"
}

@test "init: --numeric stores prices and volumes as numeric" {
	run -0 --separate-stderr tsq-init --numeric
	run -0 tsq_psql -c "SELECT string_agg(column_name || ':' || data_type, ' ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'ohlcv' AND column_name IN ('open', 'volume', 'vwap', 'trades')"
	assert_output "open:numeric volume:numeric trades:integer vwap:numeric"
	run -0 tsq_psql -c "SELECT numeric_prices FROM tsq.installations"
	assert_output "t"
}

@test "init: --schema puts everything in that schema, whatever its name" {
	run -0 --separate-stderr tsq-init --schema 'Market "data"; x'
	run -0 tsq_psql -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'Market \"data\"; x' AND tablename IN ('symbols', 'ohlcv', 'trades', 'quotes')"
	assert_output "4"
	run -0 tsq_psql -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
	assert_output "0"
	run -0 --separate-stderr tsq-init --schema 'Market "data"; x'
	assert_regex "$stderr" 'is up to date'
}

@test "init: --dry-run prints the SQL and changes nothing" {
	before=$(catalog 2>/dev/null)
	run -0 --separate-stderr tsq-init --dry-run
	assert_line "CREATE SCHEMA tsq;"
	assert_line "CREATE TABLE ohlcv ("
	assert_line -- "-- created table ohlcv"
	assert_equal "$(catalog 2>/dev/null)" "$before"
	run -0 tsq_psql -c "SELECT to_regclass('ohlcv') IS NULL, to_regnamespace('tsq') IS NULL"
	assert_output "t|t"
	tsq-init -q
	run -0 --separate-stderr tsq-init --dry-run
	assert_output "-- the following runs with search_path set to schema E'public'

-- nothing to do"
}

@test "init: --dry-run prints values escaped on one line: its SQL is safe to run" {
	tsq_psql -c "CREATE TABLE victim (x int)"
	run -0 --separate-stderr tsq-init --dry-run --schema $'x\nDROP TABLE victim;\n--'
	assert_line "-- the following runs with search_path set to schema E'x\\nDROP TABLE victim;\\n--'"
	assert_line "--   \$1 = E'x\\nDROP TABLE victim;\\n--'"
	refute_line "DROP TABLE victim;"
	# Fed to psql, the script fails where it needs its parameters, and drops nothing.
	echo "$output" | psql -X -q >/dev/null 2>&1 || true
	run -0 tsq_psql -c "SELECT to_regclass('victim') IS NOT NULL"
	assert_output "t"
}

@test "init: --table turns an existing table into a hypertable, or refuses on PostgreSQL and Citus" {
	tsq_psql -c "CREATE TABLE ticks (ts timestamptz NOT NULL, px float8)" \
		-c "INSERT INTO ticks SELECT '2024-01-01'::timestamptz + i * interval '1 hour', i FROM generate_series(1, 100) i"
	run --separate-stderr tsq-init --table ticks --time-column ts
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		assert_success
		run -0 tsq_psql -c "SELECT hypertable_name, num_chunks > 1 FROM timescaledb_information.hypertables"
		assert_output "ticks|t"
		run -0 tsq_psql -c "SELECT count(*), sum(px) FROM ticks"
		assert_output "100|5050"
		run -0 --separate-stderr tsq-init --table ticks --time-column ts
		assert_regex "$stderr" '"ticks" is up to date'
	else
		assert_equal "$status" 69
		title="plain PostgreSQL"
		[ "$TSQ_TEST_KIND" = citus ] && title=Citus
		assert_equal "${stderr_lines[-2]}" "tsq-init: error: $title cannot turn an existing table into a partitioned table in place"
		run -0 tsq_psql -c "SELECT relkind FROM pg_class WHERE relname = 'ticks'"
		assert_output "r"
	fi
}

@test "init: --table on a missing table fails naming it" {
	run --separate-stderr tsq-init --table nosuch --time-column ts --backend timescaledb
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		assert_equal "$status" 1
		assert_regex "$stderr" 'relation "nosuch" does not exist'
	elif [ "$(tsq_psql -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'")" = 1 ]; then
		assert_equal "$status" 69
		assert_equal "$stderr" "tsq-init: error: TimescaleDB is installed on the server but not loaded
tsq-init: hint: add timescaledb to shared_preload_libraries in postgresql.conf, restart the server, and run tsq-init again"
	else
		assert_equal "$status" 69
		assert_equal "$stderr" "tsq-init: error: TimescaleDB is not available on this server
tsq-init: hint: install the timescaledb extension, or use --backend=postgres"
	fi
}

@test "init: TimescaleDB installed but not loaded: auto falls back with a hint, an explicit choice is refused" {
	[ "$TSQ_TEST_KIND" = postgres ] || skip "the server loads TimescaleDB"
	[ "$(tsq_psql -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'")" = 1 ] ||
		skip "TimescaleDB is not installed on this machine"
	run --separate-stderr tsq-init --backend timescaledb
	assert_equal "$status" 69
	assert_equal "$stderr" "tsq-init: error: TimescaleDB is installed on the server but not loaded
tsq-init: hint: add timescaledb to shared_preload_libraries in postgresql.conf, restart the server, and run tsq-init again"
	run -0 tsq_psql -c "SELECT to_regnamespace('tsq') IS NULL, to_regclass('ohlcv') IS NULL"
	assert_output "t|t"
	run -0 --separate-stderr tsq-init
	assert_equal "${stderr_lines[0]}" "tsq-init: warning: TimescaleDB is installed on the server but not loaded: using plain PostgreSQL"
	assert_equal "${stderr_lines[1]}" "tsq-init: hint: add timescaledb to shared_preload_libraries in postgresql.conf, restart the server, and run tsq-init again"
	assert_regex "${stderr_lines[-1]}" '^tsq-init: "public" is ready \(postgres\): [0-9]+ changes$'
	run -0 tsq_psql -c "SELECT relkind FROM pg_class WHERE relname = 'ohlcv'"
	assert_output "p"
	# The session survived: nothing was tried that makes the server end it.
	run -1 grep -c 'must be preloaded' "$TSQ_TEST_TMP/pg/log"
	assert_output 0
	# Later runs keep the backend the schema was made for, quietly.
	run -0 --separate-stderr tsq-init
	assert_equal "$stderr" 'tsq-init: "public" is up to date (postgres): nothing to do'
	run --separate-stderr tsq-init --backend timescaledb
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq-init: error: schema "public" holds tsq'"'"'s tables for postgres, not timescaledb'
}

@test "init: --backend postgres works on either server" {
	run -0 --separate-stderr tsq-init --backend postgres --no-rollups
	run -0 tsq_psql -c "SELECT relkind FROM pg_class WHERE relname = 'ohlcv'"
	assert_output "p"
}

@test "init: option errors are exit 64" {
	run --separate-stderr tsq-init --chunk-interval=soon
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq-init: error: invalid value "soon" for option --chunk-interval: expected a positive duration such as 7d, 12h or 30s'
	run --separate-stderr tsq-init --backend=oracle
	assert_equal "$status" 64
	run --separate-stderr tsq-init --stop
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq-init: error: option --stop works only with --local'
	run --separate-stderr tsq-init --table x
	assert_equal "$status" 64
	run -0 tsq_psql -c "SELECT to_regnamespace('tsq') IS NULL"
	assert_output "t"
}

@test "init: --chunk-interval sets the chunk width" {
	run -0 --separate-stderr tsq-init --chunk-interval 6h --no-rollups
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		run -0 tsq_psql -c "SELECT d.interval_length FROM _timescaledb_catalog.dimension d JOIN _timescaledb_catalog.hypertable h ON h.id = d.hypertable_id WHERE h.table_name = 'trades'"
		assert_output "21600000000"
	else
		# Plain PostgreSQL partitions by day whatever the chunk width.
		run -0 tsq_psql -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'trades'::regclass"
		assert_output "9"
	fi
}

# A digest of each table's rows (and each rollup's), in key order.
digests() {
	local t
	for t in ohlcv trades quotes ohlcv_5m ohlcv_15m ohlcv_1h ohlcv_4h ohlcv_1d trades_1m trades_1h trades_1d; do
		tsq_psql -c "SELECT '$t', count(*), md5(coalesce(string_agg(r::text, ';' ORDER BY r::text), ''))
		             FROM (SELECT * FROM $t) r"
	done
}

@test "init: a schema made for PostgreSQL moves to TimescaleDB later: every row kept, rollups equal" {
	[ "$TSQ_TEST_BACKEND" = timescaledb ] || skip "a server that loads TimescaleDB"
	# As where TimescaleDB was not loaded when tsq-init first ran: the
	# database without the extension, the schema made for PostgreSQL.
	tsq_psql -c "DROP EXTENSION timescaledb" >/dev/null
	tsq-init -q --backend postgres
	# A month of candles, and trades and quotes.
	tsq_psql -c "COPY (SELECT t, s, '1m', 100 + g % 13, 101 + g % 13 + g % 3, 99 - g % 5, 100 + g % 7, g % 17, g % 5
	                   FROM generate_series(date_trunc('day', now()) - INTERVAL '30 days', date_trunc('day', now()) - INTERVAL '1 minute',
	                                        INTERVAL '5 minutes') WITH ORDINALITY AS x(t, g),
	                        unnest(ARRAY['AAA', 'BBB']) AS s)
	             TO STDOUT WITH (FORMAT csv)" >candles.csv
	tsq-load -q --no-header --columns time,symbol,timeframe,open,high,low,close,volume,trades ohlcv candles.csv
	tsq_psql -c "COPY (SELECT now() - g * INTERVAL '37 minutes', 'AAA', 100 + g % 9, 1 + g % 4, g FROM generate_series(1, 1000) g) TO STDOUT WITH (FORMAT csv)" >trades.csv
	tsq-load -q --no-header --columns time,symbol,price,size,trade_id trades trades.csv
	tsq_psql -c "COPY (SELECT now() - g * INTERVAL '41 minutes', 'AAA', 99 + g % 3, 1, 101 + g % 3, 2, g FROM generate_series(1, 1000) g) TO STDOUT WITH (FORMAT csv)" >quotes.csv
	tsq-load -q --no-header --columns time,symbol,bid_price,bid_size,ask_price,ask_size,quote_id quotes quotes.csv
	tsq-compress --run
	before=$(digests)
	[ "$(grep -c '|0|' <<<"$before")" = 0 ]
	# Run as before, tsq-init says how to move.
	run -0 --separate-stderr tsq-init
	assert_equal "${stderr_lines[0]}" "tsq-init: hint: TimescaleDB is loaded on this server now: \"tsq-init --backend timescaledb --migrate\" turns \"public\"'s tables into hypertables (every row kept) and its rollups into continuous aggregates"
	run -0 --separate-stderr tsq-init --backend timescaledb --migrate
	assert_regex "$stderr" "moved ohlcv into a hypertable, every row with it"
	assert_regex "$stderr" "materialized ohlcv_1d over every candle"
	assert_equal "$(digests)" "$before"
	run -0 tsq_psql -c "SELECT string_agg(hypertable_name, ' ' ORDER BY hypertable_name) FROM timescaledb_information.hypertables WHERE hypertable_schema = 'public'" \
		-c "SELECT count(*) FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'public'" \
		-c "SELECT backend, version FROM tsq.installations"
	assert_output "ohlcv quotes trades
8
timescaledb|6"
	# Materialized: the hourly rollup's rows are in its hypertable.
	mat=$(tsq_psql -c "SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name) FROM timescaledb_information.continuous_aggregates WHERE view_name = 'ohlcv_1h'")
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM $mat")" "$(tsq_psql -c "SELECT count(*) FROM ohlcv_1h")"
	# Done: a second run changes nothing; --migrate again is refused.
	run -0 --separate-stderr tsq-init
	assert_regex "$stderr" "nothing to do"
	run -64 --separate-stderr tsq-init --backend timescaledb --migrate
	assert_equal "$stderr" "tsq-init: error: --migrate moves a schema made for postgres to --backend=timescaledb; \"public\" holds tsq's tables for timescaledb"
	# The tools work on it: bars from the rollups equal those from the candles.
	run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=AAA interval=1h from=-3d to=-1d
	rolled=$output
	run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=AAA interval=1h from=-3d to=-1d source=raw
	assert_equal "$output" "$rolled"
	run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=AAA interval=1h from=-3d to=-1d source=trades
	rolled=$output
	[ -n "$rolled" ]
	run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=AAA interval=1h from=-3d to=-1d source=raw-trades
	assert_equal "$output" "$rolled"
}
