#!/usr/bin/env bats
# tsq-stats on the backend named by TSQ_TEST_BACKEND: the overview against
# the server's own numbers (TimescaleDB's size and compression functions,
# the catalog), every format, the Prometheus text checked by promtool, the
# file written whole or not at all, and --policies after tsq-compress runs.
# The data: hourly 1-minute candles of two symbols over 60 days.

setup_file() {
	load lib/db
	tsq_db_start
}

teardown_file() {
	load lib/db
	tsq_db_stop
}

setup() {
	load lib/common
	load lib/db
	tsq_db_reset
	tsq-init -q
	tsq_hold_jobs
	tsq_psql -c "COPY (SELECT t, s, 10 + g % 7, 12 + g % 7, 9 + g % 7, 11 + g % 5, 100 + g % 3
	                   FROM generate_series(timestamptz '2026-09-01', timestamptz '2026-10-30 23:00',
	                                        interval '1 hour') WITH ORDINALITY AS x(t, g),
	                        unnest(ARRAY['AAA', 'BBB']) AS s)
	             TO STDOUT WITH (FORMAT csv)" >"$BATS_TEST_TMPDIR/ohlcv.csv"
	tsq-load -q --no-header --columns time,symbol,open,high,low,close,volume ohlcv "$BATS_TEST_TMPDIR/ohlcv.csv"
	tsq_psql -c "ANALYZE ohlcv" >/dev/null
}

# The overview's row of TABLE as csv, columns COLS.
overview_of() {
	tsq-stats -F csv --no-header | awk -F, -v t="$1" '$2 == t' | cut -d, -f"$2"
}

@test "the overview: rows, time range, symbols, chunks and sizes as the server has them" {
	run --separate-stderr tsq-stats -F csv
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 "schema,table,kind,source,rows,time_min,time_max,symbols,chunks,compressed_chunks,total_bytes,table_bytes,index_bytes,toast_bytes,compression_ratio,lag_seconds"
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then kind=hypertable; else kind=partitioned; fi
	assert_equal "$(overview_of ohlcv 1-8)" "public,ohlcv,$kind,,2880,2026-09-01 00:00:00+00,2026-10-30 23:00:00+00,2"
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		chunks=$(tsq_psql -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'")
		bytes=$(tsq_psql -c "SELECT hypertable_size('ohlcv')")
	else
		chunks=$(tsq_psql -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ohlcv'::regclass")
		bytes=$(tsq_psql -c "SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('ohlcv')")
	fi
	[ "$chunks" -gt 1 ]
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then compressed=0; else compressed=""; fi
	assert_equal "$(overview_of ohlcv 9-11)" "$chunks,$compressed,$bytes"
	# The parts add up to the total.
	assert_equal "$(overview_of ohlcv 11-14 | awk -F, '{ print $1 - $2 - $3 - $4 }')" 0
	# quotes and trades are empty; the rollups follow their table.
	assert_equal "$(overview_of trades 5)" 0
	assert_equal "$(tsq-stats -F csv --no-header | awk -F, '$3 == "rollup" { print $4 }' | sort -u)" "public.ohlcv"
	# A table by name; --exact counts.
	run --separate-stderr tsq-stats -F csv --no-header --exact ohlcv
	assert_success
	assert_equal "${#lines[@]}" "$(( 1 + $(tsq-stats -F csv --no-header | grep -c ',rollup,') ))"
	assert_equal "$(echo "${lines[0]}" | cut -d, -f5,8)" "2880,2"
}

@test "compression shows as TimescaleDB reports it; the rollups' lag after a refresh" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's compression"
	tsq-compress --compress=ohlcv --older-than=1s
	run --separate-stderr tsq-stats -F csv --no-header ohlcv
	assert_success
	expected=$(tsq_psql -c "SELECT count(*) FILTER (WHERE is_compressed) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'")
	ratio=$(tsq_psql -c "SELECT round(before_compression_total_bytes::numeric / after_compression_total_bytes, 2) FROM hypertable_compression_stats('ohlcv')")
	assert_equal "$(echo "${lines[0]}" | cut -d, -f10,15)" "$expected,$ratio"
	# Rows still counted with every chunk compressed.
	assert_equal "$(echo "${lines[0]}" | cut -d, -f5)" 2880
	# Refreshed: every rollup's newest bucket is within its width of the newest candle.
	tsq-compress --refresh=ohlcv_5m
	tsq-compress --refresh=ohlcv_15m
	tsq-compress --refresh=ohlcv_1h
	run --separate-stderr tsq-stats -F csv --no-header ohlcv
	assert_equal "$(echo "$output" | awk -F, '$2 == "ohlcv_5m" { print $7, $16 }')" "2026-10-30 23:00:00+00 0.000000"
	assert_equal "$(echo "$output" | awk -F, '$2 == "ohlcv_1h" { print $16 }')" "0.000000"
	assert_equal "$(echo "$output" | awk -F, '$2 == "ohlcv_1d" { print $7 $16 }')" ""
}

@test "every format: jsonl and json keep numbers, markdown, tsv; a bad format is exit 64" {
	run --separate-stderr tsq-stats -F jsonl ohlcv
	assert_success
	assert_equal "$(echo "${lines[0]}" | jq -r '[.table, .rows, .symbols, .time_min] | @csv')" \
		'"ohlcv",2880,2,"2026-09-01T00:00:00Z"'
	assert_equal "$(echo "${lines[0]}" | jq -r '.rows | type')" number
	run --separate-stderr tsq-stats -F json ohlcv
	assert_equal "$(echo "$output" | jq -r '.[0].table')" ohlcv
	run --separate-stderr tsq-stats -F markdown trades
	assert_line --index 0 --regexp '^[a-z0-9_]+: PostgreSQL 1[5-9]\.'
	assert_line --index 1 --regexp '^\| schema \| table +\| kind +\|'
	run --separate-stderr tsq-stats -F tsv --no-header trades
	assert_line --index 0 --regexp $'^public\ttrades\t'
	run --separate-stderr tsq-stats -F xml
	assert_equal "$status" 64
	assert_equal "$stderr" 'tsq-stats: error: invalid value "xml" for option --format: expected table, csv, tsv, jsonl, json, markdown or prometheus'
	run --separate-stderr tsq-stats nosuchtable
	assert_equal "$status" 64
	assert_equal "$stderr" 'tsq-stats: error: table "nosuchtable" does not exist'
}

@test "-F prometheus: the text format promtool accepts, base units, labels escaped" {
	run --separate-stderr tsq-stats -F prometheus
	assert_success
	prom=$output
	assert_line "tsq_table_rows{schema=\"public\",table=\"ohlcv\"} 2880"
	assert_line "tsq_table_symbols{schema=\"public\",table=\"ohlcv\"} 2"
	assert_line "tsq_table_newest_timestamp_seconds{schema=\"public\",table=\"ohlcv\"} $(date -u -d '2026-10-30 23:00' +%s)"
	assert_line "tsq_database_size_bytes $(tsq_psql -c 'SELECT pg_database_size(current_database())')"
	# HELP and TYPE once per metric.
	assert_equal "$(grep -c '^# TYPE ' <<<"$prom")" "$(grep -v '^#' <<<"$prom" | sed 's/[{ ].*//' | sort -u | wc -l)"
	if command -v promtool >/dev/null; then
		run promtool check metrics <<<"$prom"
		assert_success
	fi
	# A table whose name needs escaping in a label.
	tsq_psql -c 'CREATE TABLE "we""ird\name" (time timestamptz, symbol text, close float8)'
	tsq_psql -c "INSERT INTO \"we\"\"ird\\name\" VALUES ('2026-01-01', 'X', 1)"
	run --separate-stderr tsq-stats -F prometheus '"we""ird\name"'
	assert_success
	assert_line 'tsq_table_rows{schema="public",table="we\"ird\\name"} 0'
	if command -v promtool >/dev/null; then
		run promtool check metrics <<<"$output"
		assert_success
	fi
}

@test "-o writes the file whole through a rename, or leaves it as it was" {
	echo "old" >stats.prom
	run --separate-stderr tsq-stats -F prometheus -o stats.prom
	assert_success
	assert_equal "$output" ""
	grep -q '^tsq_table_rows{schema="public",table="ohlcv"} 2880$' stats.prom
	assert_equal "$(ls -A | grep -c 'stats.prom.tmp')" 0
	# A failure keeps the old file and no temporary one.
	echo "old" >stats.prom
	run --separate-stderr tsq-stats -F prometheus -o stats.prom nosuchtable
	assert_equal "$status" 64
	assert_equal "$(cat stats.prom)" old
	run --separate-stderr tsq-stats -F prometheus -o nodir/stats.prom
	assert_equal "$status" 1
	assert_regex "$stderr" '^tsq-stats: error: cannot write next to "nodir/stats.prom": No such file or directory$'
	assert_equal "$(ls -A | grep -c 'tmp')" 0
}

@test "--policies: each action's last run and failures, overdue compression as a failure" {
	tsq_one_session && skip "PGlite takes one session at a time"
	tsq-compress --set-policy=ohlcv drop_after=30d
	tsq-compress --run ohlcv
	# A run that fails: a lock on the oldest remaining chunk or partition.
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		target=$(tsq_psql -c "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv' ORDER BY range_start LIMIT 1")
	else
		target=$(tsq_psql -c "SELECT format('%I.%I', partition_schema, partition_name) FROM tsq.partitions('public', 'ohlcv') ORDER BY range_end LIMIT 1")
	fi
	tsq-compress --set-policy=ohlcv drop_after=20d
	tsq_psql -c "BEGIN; LOCK TABLE $target IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20)" >/dev/null 2>&1 3>&- &
	holder=$!
	for _ in $(seq 1 100); do
		[ "$(tsq_psql -c "SELECT count(*) FROM pg_locks WHERE relation = '$target'::regclass AND mode = 'AccessExclusiveLock'")" = 1 ] && break
		sleep 0.1
	done
	run tsq-compress --run --lock-timeout=200ms ohlcv
	assert_equal "$status" 1
	kill "$holder" 2>/dev/null || true
	tsq_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$holder" 2>/dev/null || true
	run --separate-stderr tsq-stats --policies -F csv --no-header ohlcv
	assert_success
	# The run that failed (on TimescaleDB the refresh before the drop reads
	# the locked chunk first) shows as one failure since the last success.
	assert_line --regexp '^tsq,public,ohlcv,(drop|refresh),,,[^,]+,[^,]+,failed,canceling statement due to lock timeout,[^,]+,,1$'
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		# The runs compressed every chunk due.
		assert_line "tsq,public,ohlcv,compress_after,,,,,ok,,,,0"
		# TimescaleDB's own job, paused by the test set-up.
		assert_line --regexp '^timescaledb,public,ohlcv,policy_compression \(job [0-9]+\),f,43200,'
		run --separate-stderr tsq-stats -F prometheus --policies ohlcv
		assert_line "tsq_policy_failures{schema=\"public\",table=\"ohlcv\",action=\"refresh\"} 1"
		assert_line "tsq_chunks_overdue{schema=\"public\",table=\"ohlcv\"} 0"
		assert_line --regexp '^tsq_timescaledb_job_consecutive_failures\{schema="public",table="ohlcv",action="policy_compression"\} 0$'
		if command -v promtool >/dev/null; then
			run promtool check metrics <<<"$output"
			assert_success
		fi
	fi
}

@test "--policies: chunks past compress_after left uncompressed are a failure, whatever the jobs say" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's compression"
	overdue=$(tsq_psql -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv' AND range_end <= now() - interval '7 days'")
	[ "$overdue" -gt 0 ]
	run --separate-stderr tsq-stats --policies -F csv --no-header
	assert_success
	assert_line "tsq,public,ohlcv,compress_after,,,,,failed,$overdue chunks older than compress_after not compressed,,,$overdue"
	assert_line "tsq,public,trades,compress_after,,,,,ok,,,,0"
	run --separate-stderr tsq-stats --policies -F prometheus
	assert_line "tsq_chunks_overdue{schema=\"public\",table=\"ohlcv\"} $overdue"
	# One chunk compressed: one fewer.
	chunk=$(tsq_psql -c "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv' ORDER BY range_start LIMIT 1")
	tsq_psql -c "SELECT compress_chunk('$chunk')" >/dev/null
	run --separate-stderr tsq-stats --policies -F prometheus ohlcv
	assert_line "tsq_chunks_overdue{schema=\"public\",table=\"ohlcv\"} $((overdue - 1))"
}

@test "--chunks: one row per chunk or partition, rows adding up, state after compression and backfill" {
	run --separate-stderr tsq-stats --chunks -F csv ohlcv
	assert_success
	assert_line --index 0 "schema,table,chunk,range_start,range_end,rows,bytes,bytes_before_compression,state"
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		n=$(tsq_psql -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'")
	else
		n=$(tsq_psql -c "SELECT count(*) FROM tsq.partitions('public', 'ohlcv')")
	fi
	assert_equal "$(( ${#lines[@]} - 1 ))" "$n"
	assert_equal "$(echo "$output" | awk -F, 'NR > 1 { s += $6 } END { print s }')" 2880
	assert_equal "$(echo "$output" | awk -F, 'NR > 1 && $7 > 0 && $9 == "uncompressed"' | wc -l)" "$n"
	assert_line --index 1 --regexp '^public,ohlcv,[^,]+,[^,]*,[^,]+,[0-9]+,[0-9]+,,uncompressed$'
	run --separate-stderr tsq-stats --chunks -F prometheus
	assert_equal "$status" 64
	[ "$TSQ_TEST_KIND" = timescaledb ] || return 0
	tsq-compress --compress=ohlcv --older-than=1s
	run --separate-stderr tsq-stats --chunks -F csv --no-header ohlcv
	assert_equal "$(echo "$output" | awk -F, '$9 == "compressed"' | wc -l)" "$n"
	assert_equal "$(echo "$output" | awk -F, '{ s += $6 } END { print s }')" 2880
	assert_equal "$(echo "$output" | awk -F, '{ s += $8 } END { print s }')" \
		"$(tsq_psql -c "SELECT before_compression_total_bytes FROM hypertable_compression_stats('ohlcv')")"
	# A backfill into a compressed chunk leaves it partial.
	tsq_psql -c "INSERT INTO ohlcv (time, symbol, timeframe, open, high, low, close, volume)
	             VALUES ('2026-09-01 00:30', 'CCC', '1m', 1, 1, 1, 1, 1)"
	run --separate-stderr tsq-stats --chunks -F csv --no-header ohlcv
	assert_line --index 0 --regexp ',(partial|unordered)$'
	assert_equal "$(echo "$output" | awk -F, '$9 == "compressed"' | wc -l)" "$((n - 1))"
}

@test "a stored policy or a record of a table since dropped does not stop the report" {
	tsq_psql -c "CREATE TABLE gone (time timestamptz, symbol text, close float8)"
	tsq-compress --set-policy=gone compress_after=1d
	tsq_psql -c "INSERT INTO tsq.policy_runs (schema_name, table_name, action, status, finished)
	             VALUES ('public', 'gone', 'compress', 'failed', now())"
	tsq_psql -c "DROP TABLE gone"
	run --separate-stderr tsq-stats -F csv --no-header
	assert_success
	refute_output --partial gone
	assert_line --regexp '^public,ohlcv,'
	run --separate-stderr tsq-stats --policies -F csv --no-header ohlcv
	assert_success
	refute_output --partial gone
	run --separate-stderr tsq-stats --policies -F prometheus
	assert_success
}
