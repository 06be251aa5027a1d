#!/usr/bin/env bats
# tsq-stats on the backend named by TSQ_TEST_BACKEND: the overview against
# the server's own numbers (TimescaleDB's size and compression functions,
# the catalog), every format, the Prometheus text checked by promtool, the
# file written whole or not at all, --policies after tsq-compress runs, and
# --symbols and --quality on candles with planted problems.
# Each test starts from tsq-init's schema and loads the candles it reads.

load lib/suite

setup() {
	suite_setup --keep
}

# The candles most tests read: 1-minute candles of AAA and BBB every 15
# minutes from 2026-09-01 00:00 to 2026-09-15 23:45, 2880 rows in 15 days
# (chunks or daily partitions), loaded with tsq-load.
load_candles() {
	tsq_psql -c "COPY (SELECT t, s, 10 + g % 7, 12 + g % 7, 9 + g % 7, 11 + g % 5, 100 + g % 3
	                   FROM generate_series(timestamptz '2026-09-01', timestamptz '2026-09-15 23:45',
	                                        interval '15 minutes') WITH ORDINALITY AS x(t, g),
	                        unnest(ARRAY['AAA', 'BBB']) AS s)
	             TO STDOUT WITH (FORMAT csv)" >"$BATS_TEST_TMPDIR/candles.csv"
	tsq-load -q --no-header --columns time,symbol,open,high,low,close,volume ohlcv "$BATS_TEST_TMPDIR/candles.csv"
	tsq_psql -c "ANALYZE ohlcv" >/dev/null
}

# The row of TABLE in the overview as csv on stdin, columns COLS.
row_of() {
	awk -F, -v t="$1" '$2 == t' | cut -d, -f"$2"
}

# The overview's row of TABLE as csv, columns COLS.
overview_of() {
	tsq-stats -F csv --no-header | row_of "$1" "$2"
}

@test "the overview: rows, time range, symbols, chunks and sizes as the server has them" {
	suite_fresh_schema
	load_candles
	run -0 --separate-stderr tsq-stats -F csv
	assert_equal "$stderr" ""
	assert_line --index 0 "schema,table,kind,source,rows,time_min,time_max,symbols,chunks,compressed_chunks,total_bytes,table_bytes,index_bytes,toast_bytes,compression_ratio,lag_seconds,last_insert,backend"
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then kind=hypertable; else kind=partitioned; fi
	# Citus's coordinator keeps no column statistics of a distributed table:
	# no estimate of the symbols (--exact counts them, below).
	if [ "$TSQ_TEST_KIND" = citus ]; then symbols=""; else symbols=2; fi
	assert_equal "$(row_of ohlcv 1-8 <<<"$output")" "public,ohlcv,$kind,,2880,2026-09-01 00:00:00+00,2026-09-15 23:45:00+00,$symbols"
	case $TSQ_TEST_KIND in
	timescaledb)
		chunks=$(tsq_psql -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'")
		bytes=$(tsq_psql -c "SELECT hypertable_size('ohlcv')") ;;
	citus)
		chunks=$(tsq_psql -c "SELECT count(*) FROM time_partitions WHERE parent_table = 'ohlcv'::regclass")
		bytes=$(tsq_psql -c "SELECT sum(shard_size) FROM citus_shards WHERE table_name IN
		                     (SELECT partition FROM time_partitions WHERE parent_table = 'ohlcv'::regclass)") ;;
	*)
		chunks=$(tsq_psql -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ohlcv'::regclass")
		bytes=$(tsq_psql -c "SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('ohlcv')") ;;
	esac
	[ "$chunks" -gt 1 ]
	if tsq_compresses; then compressed=0; else compressed=""; fi
	assert_equal "$(row_of ohlcv 9-11 <<<"$output")" "$chunks,$compressed,$bytes"
	# The parts add up to the total.
	assert_equal "$(row_of ohlcv 11-14 <<<"$output" | awk -F, '{ print $1 - $2 - $3 - $4 }')" 0
	# quotes and trades are empty; the rollups follow their table.
	assert_equal "$(row_of trades 5 <<<"$output")" 0
	# last_insert: when tsq-load last committed rows, from the server's clock.
	assert_equal "$(row_of ohlcv 17 <<<"$output")" "$(tsq_psql -c "SELECT last_write FROM tsq.writes WHERE table_name = 'ohlcv'")"
	assert_equal "$(tsq_psql -c "SELECT now() - last_write < interval '5 minutes' FROM tsq.writes WHERE table_name = 'ohlcv'")" t
	assert_equal "$(row_of trades 17 <<<"$output")" ""
	assert_equal "$(row_of ohlcv 18 <<<"$output")" "$TSQ_TEST_KIND"
	before=$(row_of ohlcv 17 <<<"$output")
	printf 'time,symbol,open,high,low,close,volume\n2026-09-16T00:00:00Z,AAA,1,1,1,1,1\n' >one.csv
	tsq-load -q ohlcv one.csv
	after=$(overview_of ohlcv 17)
	[[ "$after" > "$before" ]]
	# A load that changes nothing leaves it as it was.
	tsq-load -q ohlcv one.csv
	assert_equal "$(overview_of ohlcv 17)" "$after"
	tsq_psql -c "DELETE FROM ohlcv WHERE time = '2026-09-16'" -c "ANALYZE ohlcv" >/dev/null
	assert_equal "$(tsq-stats -F csv --no-header | awk -F, '$3 == "rollup" { print $4 }' | sort -u)" "public.ohlcv
public.trades"
	# A table by name; --exact counts.
	run -0 --separate-stderr tsq-stats -F csv --no-header --exact ohlcv
	assert_equal "${#lines[@]}" "$(( 1 + $(tsq-stats -F csv --no-header | grep -c ',rollup,public\.ohlcv,') ))"
	assert_equal "$(echo "${lines[0]}" | cut -d, -f5,8)" "2880,2"
	# A plain table, not partitioned, has its sizes too.
	run -0 --separate-stderr tsq-stats -F csv --no-header symbols
	if [ "$TSQ_TEST_KIND" = citus ]; then
		# A reference table: a copy on every node, as citus_shards has them.
		bytes=$(tsq_psql -c "SELECT sum(shard_size) FROM citus_shards WHERE table_name = 'symbols'::regclass")
	else
		bytes=$(tsq_psql -c "SELECT pg_total_relation_size('symbols')")
	fi
	assert_equal "$(echo "$output" | cut -d, -f3,11)" "table,$bytes"
}

@test "compression shows as TimescaleDB reports it; the rollups' lag after a refresh" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's compression"
	suite_fresh_schema
	load_candles
	tsq-compress --compress=ohlcv --older-than=1s
	run -0 --separate-stderr tsq-stats -F csv --no-header ohlcv
	expected=$(tsq_psql -c "SELECT count(*) FILTER (WHERE is_compressed) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'")
	ratio=$(tsq_psql -c "SELECT round(before_compression_total_bytes::numeric / after_compression_total_bytes, 2) FROM hypertable_compression_stats('ohlcv')")
	assert_equal "$(echo "${lines[0]}" | cut -d, -f10,15)" "$expected,$ratio"
	# Rows still counted with every chunk compressed.
	assert_equal "$(echo "${lines[0]}" | cut -d, -f5)" 2880
	# Refreshed: every rollup holds the bucket of the newest candle (23:45),
	# the hourly one that of 23:00: no lag, in whole seconds.
	tsq-compress --refresh=ohlcv_5m
	tsq-compress --refresh=ohlcv_15m
	tsq-compress --refresh=ohlcv_1h
	run -0 --separate-stderr tsq-stats -F csv --no-header ohlcv
	assert_equal "$(echo "$output" | awk -F, '$2 == "ohlcv_5m" { print $7, $16 }')" "2026-09-15 23:45:00+00 0"
	assert_equal "$(echo "$output" | awk -F, '$2 == "ohlcv_1h" { print $7, $16 }')" "2026-09-15 23:00:00+00 0"
	# A candle in the next hour: the hourly rollup lags by that hour until
	# it is refreshed.
	printf 'time,symbol,open,high,low,close,volume\n2026-09-16 00:10:00Z,AAA,1,1,1,1,1\n' | tsq-load -q ohlcv
	tsq_psql -c "CALL refresh_continuous_aggregate('ohlcv_5m', NULL, '2026-09-17')" >/dev/null
	tsq_psql -c "CALL refresh_continuous_aggregate('ohlcv_15m', NULL, '2026-09-17')" >/dev/null
	run -0 --separate-stderr tsq-stats -F csv --no-header ohlcv
	assert_equal "$(echo "$output" | awk -F, '$2 == "ohlcv_15m" { print $16 }')" 0
	assert_equal "$(echo "$output" | awk -F, '$2 == "ohlcv_1h" { print $16 }')" 3600
	assert_equal "$(echo "$output" | awk -F, '$2 == "ohlcv_1d" { print $7 $16 }')" ""
}

@test "every format: jsonl and json keep numbers, markdown, tsv; a bad format is exit 64" {
	suite_fresh_schema
	load_candles
	run -0 --separate-stderr tsq-stats -F jsonl --exact ohlcv
	assert_equal "$(echo "${lines[0]}" | jq -r '[.table, .rows, .symbols, .time_min] | @csv')" \
		'"ohlcv",2880,2,"2026-09-01T00:00:00Z"'
	assert_equal "$(echo "${lines[0]}" | jq -r '.rows | type')" number
	run -0 --separate-stderr tsq-stats -F json ohlcv
	assert_equal "$(echo "$output" | jq -r '.[0].table')" ohlcv
	run -0 --separate-stderr tsq-stats -F markdown trades
	assert_line --index 0 --regexp '^[a-z0-9_]+: PostgreSQL 1[5-9]\.'
	assert_line --index 1 --regexp '^\| schema \| table +\| kind +\|'
	run -0 --separate-stderr tsq-stats -F tsv --no-header trades
	assert_line --index 0 --regexp $'^public\ttrades\t'
	refused 64 'tsq-stats: error: invalid value "xml" for option --format: expected table, csv, tsv, jsonl, json, markdown or prometheus' tsq-stats -F xml
	refused 64 'tsq-stats: error: table "nosuchtable" does not exist' tsq-stats nosuchtable
}

@test "-F prometheus: the text format promtool accepts, base units, labels escaped" {
	suite_fresh_schema
	load_candles
	# The database's size moves while TimescaleDB's scheduler works: it is
	# checked between a reading before and one after.
	size_before=$(tsq_psql -c 'SELECT pg_database_size(current_database())')
	run -0 --separate-stderr tsq-stats -F prometheus
	prom=$output
	size_after=$(tsq_psql -c 'SELECT pg_database_size(current_database())')
	assert_line "tsq_table_rows{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\"} 2880"
	if [ "$TSQ_TEST_KIND" = citus ]; then
		# No estimate, no series (the overview above).
		refute_line --regexp '^tsq_table_symbols\{database="[^"]*",schema="public",table="ohlcv"\}'
	else
		assert_line "tsq_table_symbols{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\"} 2"
	fi
	assert_line --regexp '^tsq_table_last_insert_timestamp_seconds\{database="[^"]*",schema="public",table="ohlcv"\} [0-9.e+]+$'
	refute_line --regexp '^tsq_table_last_insert_timestamp_seconds\{database="[^"]*",schema="public",table="trades"\}' 
	assert_line "tsq_table_newest_timestamp_seconds{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\"} $(date -u -d '2026-09-15 23:45' +%s)"
	size=$(sed -n 's/^tsq_database_size_bytes{database="'"$DBNAME"'"} \([0-9]*\)$/\1/p' <<<"$prom")
	lo=$((size_before < size_after ? size_before : size_after))
	hi=$((size_before < size_after ? size_after : size_before))
	[ -n "$size" ] && [ "$size" -ge "$lo" ] && [ "$size" -le "$hi" ] ||
		fail "tsq_database_size_bytes $size is not between $lo and $hi"
	# HELP and TYPE once per metric.
	assert_equal "$(grep -c '^# TYPE ' <<<"$prom")" "$(grep -v '^#' <<<"$prom" | sed 's/[{ ].*//' | sort -u | wc -l)"
	if command -v promtool >/dev/null; then
		run promtool check metrics <<<"$prom"
		assert_success
	fi
	# A table whose name needs escaping in a label.
	tsq_psql -c 'CREATE TABLE "we""ird\name" (time timestamptz, symbol text, close float8)'
	tsq_psql -c "INSERT INTO \"we\"\"ird\\name\" VALUES ('2026-01-01', 'X', 1)"
	run -0 --separate-stderr tsq-stats -F prometheus '"we""ird\name"'
	assert_line 'tsq_table_rows{database="'"$DBNAME"'",schema="public",table="we\"ird\\name"} 0'
	if command -v promtool >/dev/null; then
		run promtool check metrics <<<"$output"
		assert_success
	fi
}

@test "--nodes is for a Citus cluster: exit 69 elsewhere, and no node metrics" {
	[ "$TSQ_TEST_KIND" != citus ] || skip "citus.bats checks --nodes on the cluster"
	suite_fresh_schema
	refused 69 "tsq-stats: error: --nodes needs a Citus cluster that tsq-init has set up (tsq.node_stats)" tsq-stats --nodes
	run -0 --separate-stderr tsq-stats -F prometheus
	refute_output --partial tsq_node_
}

@test "a report that cannot be written is exit 1 with one error line" {
	suite_fresh_schema
	run --separate-stderr bash -c "tsq-stats >/dev/full"
	assert_equal "$status" 1
	assert_regex "$stderr" '^tsq-stats: error: could not write to standard output(: No space left on device)?$'
	run --separate-stderr bash -c "tsq-stats --quality -F prometheus >/dev/full"
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 1
}

@test "-o writes the file whole through a rename, or leaves it as it was" {
	suite_fresh_schema
	load_candles
	echo "old" >stats.prom
	run -0 --separate-stderr tsq-stats -F prometheus -o stats.prom
	assert_equal "$output" ""
	grep -q '^tsq_table_rows{database="'"$DBNAME"'",schema="public",table="ohlcv"} 2880$' stats.prom
	assert_equal "$(ls -A | grep -c 'stats.prom.tmp')" 0
	# A failure keeps the old file and no temporary one.
	echo "old" >stats.prom
	run --separate-stderr tsq-stats -F prometheus -o stats.prom nosuchtable
	assert_equal "$status" 64
	assert_equal "$(cat stats.prom)" old
	run --separate-stderr tsq-stats -F prometheus -o nodir/stats.prom
	assert_equal "$status" 73
	assert_regex "$stderr" '^tsq-stats: error: could not write "nodir/stats.prom": No such file or directory$'
	assert_equal "$(ls -A | grep -c 'tmp')" 0
	# A device is written through, never replaced by a regular file (as root too).
	run -0 --separate-stderr tsq-stats -F prometheus -o /dev/null
	assert [ -c /dev/null ]
	run --separate-stderr tsq-stats -F prometheus -o /dev/full
	assert_equal "$status" 73
	assert_regex "$stderr" 'could not write "/dev/full": No space left on device'
	assert [ -c /dev/full ]
	# A symbolic link is followed: its file is replaced, the link kept.
	mkdir real && echo old >real/s.prom && ln -s real/s.prom link.prom
	run -0 --separate-stderr tsq-stats -F prometheus -o link.prom
	assert [ -L link.prom ]
	grep -q '^tsq_table_rows{database="'"$DBNAME"'",schema="public",table="ohlcv"} 2880$' real/s.prom
	ln -s nowhere/x.prom dangling.prom
	run --separate-stderr tsq-stats -F prometheus -o dangling.prom
	assert_equal "$status" 73
	assert_regex "$stderr" 'could not write "dangling.prom": it is a symbolic link to a file that does not exist'
}

@test "--policies: each action's last run and failures, overdue compression as a failure" {
	tsq_one_session && skip "PGlite takes one session at a time"
	suite_fresh_schema
	load_candles
	# Retention reaching 2026-09-08 (in days from today, whatever the date):
	# the candles of 1-7 September go.
	age=$(tsq_psql -c "SELECT extract(day FROM now() - timestamptz '2026-09-08')::int")
	tsq-compress --set-policy=ohlcv drop_after=${age}d
	tsq-compress --run ohlcv
	assert_equal "$(tsq_psql -c "SELECT min(time) FROM ohlcv")" "2026-09-08 00:00:00+00"
	# A run that fails: a lock on the oldest remaining chunk or partition,
	# which a retention three days shorter would drop.
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		target=$(tsq_psql -c "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv' ORDER BY range_start LIMIT 1")
	else
		target=$(tsq_psql -c "SELECT format('%I.%I', partition_schema, partition_name) FROM tsq.partitions('public', 'ohlcv') ORDER BY range_end LIMIT 1")
	fi
	tsq-compress --set-policy=ohlcv drop_after=$((age - 3))d
	tsq_psql -c "BEGIN; LOCK TABLE $target IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20)" >/dev/null 2>&1 3>&- &
	holder=$!
	held="SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND relation = '$target'::regclass AND mode = 'AccessExclusiveLock'"
	wait_for 10 "the chunk's lock held" '[ "$(tsq_psql -c "$held")" = 1 ]'
	run tsq-compress --run --lock-timeout=200ms ohlcv
	assert_equal "$status" 1
	kill "$holder" 2>/dev/null || true
	tsq_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$holder" 2>/dev/null || true
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		# A job of TimescaleDB's own, made by hand and paused, that does not
		# follow the stored policy (7 days).
		tsq_psql -c "SELECT add_compression_policy('ohlcv', INTERVAL '1 day')" >/dev/null
		tsq_hold_jobs
	fi
	run -0 --separate-stderr tsq-stats --policies -F csv --no-header ohlcv
	# The run that failed (on TimescaleDB the refresh before the drop reads
	# the locked chunk first) shows as one failure since the last success.
	assert_line --regexp '^tsq,public,ohlcv,(drop|refresh),,,[^,]+,[^,]+,failed,canceling statement due to lock timeout,[^,]+,,1$'
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		# The runs compressed every chunk due.
		assert_line "tsq,public,ohlcv,compress_after,,,,,ok,,,,0"
		assert_line --regexp '^timescaledb,public,ohlcv,policy_compression \(job [0-9]+\),f,43200,[^,]*,[^,]*,differs,"compress_after 1 day, the stored policy says 7 days",'
		run -0 --separate-stderr tsq-stats -F prometheus --policies ohlcv
		assert_line "tsq_policy_failures{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\",action=\"refresh\"} 1"
		assert_line "tsq_chunks_overdue{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\"} 0"
		assert_line --regexp '^tsq_timescaledb_job_consecutive_failures\{database="[^"]*",schema="public",table="ohlcv",action="policy_compression"\} 0$'
		if command -v promtool >/dev/null; then
			run promtool check metrics <<<"$output"
			assert_success
		fi
	fi
}

@test "--policies: chunks past compress_after left uncompressed are a failure, whatever the jobs say" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's compression"
	suite_fresh_schema
	load_candles
	overdue=$(tsq_psql -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv' AND range_end <= now() - interval '7 days'")
	[ "$overdue" -gt 0 ]
	run -0 --separate-stderr tsq-stats --policies -F csv --no-header
	assert_line "tsq,public,ohlcv,compress_after,,,,,failed,$overdue chunks older than compress_after not compressed,,,$overdue"
	assert_line "tsq,public,trades,compress_after,,,,,ok,,,,0"
	run -0 --separate-stderr tsq-stats --policies -F prometheus
	assert_line "tsq_chunks_overdue{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\"} $overdue"
	# One chunk compressed: one fewer.
	chunk=$(tsq_psql -c "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv' ORDER BY range_start LIMIT 1")
	tsq_psql -c "SELECT compress_chunk('$chunk')" >/dev/null
	run -0 --separate-stderr tsq-stats --policies -F prometheus ohlcv
	assert_line "tsq_chunks_overdue{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\"} $((overdue - 1))"
}

@test "--chunks: one row per chunk or partition, rows adding up, state after compression and backfill" {
	suite_fresh_schema
	load_candles
	run -0 --separate-stderr tsq-stats --chunks -F csv ohlcv
	assert_line --index 0 "schema,table,chunk,range_start,range_end,rows,bytes,bytes_before_compression,state"
	n=$(tsq_psql -c "SELECT count(*) FROM $(tsq_parts ohlcv)")
	assert_equal "$(( ${#lines[@]} - 1 ))" "$n"
	assert_equal "$(echo "$output" | awk -F, 'NR > 1 { s += $6 } END { print s }')" 2880
	assert_equal "$(echo "$output" | awk -F, 'NR > 1 && $7 > 0 && $9 == "uncompressed"' | wc -l)" "$n"
	assert_line --index 1 --regexp '^public,ohlcv,[^,]+,[^,]*,[^,]+,[0-9]+,[0-9]+,,uncompressed$'
	if [ "$TSQ_TEST_KIND" = citus ]; then
		# Each partition's bytes: those of its shards in Citus's citus_shards.
		assert_equal "$(echo "$output" | awk -F, 'NR > 1 { print $3 "|" $7 }')" \
			"$(tsq_psql -c "SELECT 'public.' || p.partition::text, sum(s.shard_size) FROM time_partitions p
			                JOIN citus_shards s ON s.table_name = p.partition
			                WHERE p.parent_table = 'ohlcv'::regclass
			                GROUP BY p.partition, p.from_value ORDER BY p.from_value::timestamptz")"
	fi
	run --separate-stderr tsq-stats --chunks -F prometheus
	assert_equal "$status" 64
	tsq_compresses || return 0
	tsq-compress --compress=ohlcv --older-than=1s
	old=$(tsq_psql -c "SELECT count(*) FROM $(tsq_parts ohlcv) WHERE range_end <= now()")
	[ "$old" -gt 1 ]
	run -0 --separate-stderr tsq-stats --chunks -F csv --no-header ohlcv
	assert_equal "$(echo "$output" | awk -F, '$9 == "compressed"' | wc -l)" "$old"
	assert_equal "$(echo "$output" | awk -F, '{ s += $6 } END { print s }')" 2880
	if [ "$TSQ_TEST_KIND" = citus ]; then
		# Before compression: the column data Citus's columnar.chunk records
		# in every shard.
		want=$(tsq_psql -c "SELECT sum(r.result::bigint) FROM time_partitions p,
		                    LATERAL run_command_on_shards(p.partition,
		                        \$\$SELECT coalesce(sum(value_decompressed_length), 0) FROM columnar.chunk
		                          WHERE relation = '%s'::regclass\$\$) r
		                    WHERE p.parent_table = 'ohlcv'::regclass AND p.access_method = 'columnar'")
	else
		want=$(tsq_psql -c "SELECT before_compression_total_bytes FROM hypertable_compression_stats('ohlcv')")
	fi
	assert_equal "$(echo "$output" | awk -F, '{ s += $8 } END { print s }')" "$want"
	[ "$TSQ_TEST_KIND" = timescaledb ] || return 0
	# Compressed and analyzed: the symbols are still counted (from the chunks' statistics).
	tsq_psql -c "ANALYZE ohlcv" >/dev/null
	assert_equal "$(overview_of ohlcv 8)" 2
	# A backfill into a compressed chunk leaves it partial.
	tsq_psql -c "INSERT INTO ohlcv (time, symbol, timeframe, open, high, low, close, volume)
	             VALUES ('2026-09-01 00:30', 'CCC', '1m', 1, 1, 1, 1, 1)"
	run -0 --separate-stderr tsq-stats --chunks -F csv --no-header ohlcv
	assert_line --index 0 --regexp ',(partial|unordered)$'
	assert_equal "$(echo "$output" | awk -F, '$9 == "compressed"' | wc -l)" "$((n - 1))"
	# Recompressed: its rows are the ones it holds now, not those of its first compression.
	tsq-compress --compress=ohlcv --older-than=1s
	run -0 --separate-stderr tsq-stats --chunks -F csv --no-header ohlcv
	assert_equal "$(echo "$output" | awk -F, '$9 == "compressed"' | wc -l)" "$n"
	assert_equal "$(echo "$output" | awk -F, '{ s += $6 } END { print s }')" 2881
	assert_equal "$(overview_of ohlcv 5)" 2881
	tsq_psql -c "ANALYZE ohlcv" >/dev/null
	assert_equal "$(overview_of ohlcv 5)" 2881
	# (an estimate: each chunk's own statistics)
	assert [ "$(overview_of ohlcv 8)" -ge 2 ]
}

@test "a stored policy or a record of a table since dropped does not stop the report" {
	suite_fresh_schema
	tsq_psql -c "CREATE TABLE gone (time timestamptz, symbol text, close float8)"
	tsq-compress --set-policy=gone compress_after=1d
	tsq_psql -c "INSERT INTO tsq.policy_runs (schema_name, table_name, action, status, finished)
	             VALUES ('public', 'gone', 'compress', 'failed', now())"
	tsq_psql -c "DROP TABLE gone"
	run -0 --separate-stderr tsq-stats -F csv --no-header
	refute_output --partial gone
	assert_line --regexp '^public,ohlcv,'
	run -0 --separate-stderr tsq-stats --policies -F csv --no-header ohlcv
	refute_output --partial gone
	run -0 --separate-stderr tsq-stats --policies -F prometheus
}

# --symbols and --quality: three days of 1-minute candles of AAA and BBB
# (2026-10-01 to 2026-10-03, a Thursday to a Saturday), clean: prices that
# move by well under 1 % a minute, every minute there.
clean_candles() {
	tsq_psql -c "COPY (SELECT t, s, '1m', o, greatest(o, c) + 0.5, least(o, c) - 0.5, c, 10 + g % 7
	                   FROM (SELECT t, g, s, 100 + sin((g - 1) / 50.0) AS o, 100 + sin(g / 50.0) AS c
	                         FROM generate_series(timestamptz '2026-10-01', timestamptz '2026-10-03 23:59',
	                                              interval '1 minute') WITH ORDINALITY AS x(t, g),
	                              unnest(ARRAY['AAA', 'BBB']) AS s) x)
	             TO STDOUT WITH (FORMAT csv)" >"$BATS_TEST_TMPDIR/clean.csv"
	tsq-load -q --no-header --columns time,symbol,timeframe,open,high,low,close,volume ohlcv "$BATS_TEST_TMPDIR/clean.csv"
}

# The problems planted in the clean candles, each counted in the comment.
plant_problems() {
	tsq_psql -c "
	-- gaps: 10 minutes of AAA on Friday 10:00 UTC, 5 at 14:00, 3 on Saturday 14:00
	DELETE FROM ohlcv WHERE symbol = 'AAA' AND (time BETWEEN '2026-10-02 10:00' AND '2026-10-02 10:09'
	    OR time BETWEEN '2026-10-02 14:00' AND '2026-10-02 14:04' OR time BETWEEN '2026-10-03 14:00' AND '2026-10-03 14:02');
	-- ohlc: 1 (high below low)
	UPDATE ohlcv SET high = low - 1 WHERE symbol = 'BBB' AND time = '2026-10-02 12:00';
	-- prices: 1 (a low of 0)
	UPDATE ohlcv SET low = 0 WHERE symbol = 'AAA' AND time = '2026-10-02 13:00';
	-- volumes: 2 (zero, NaN)
	UPDATE ohlcv SET volume = 0 WHERE symbol = 'AAA' AND time = '2026-10-02 15:00';
	UPDATE ohlcv SET volume = 'NaN' WHERE symbol = 'BBB' AND time = '2026-10-02 15:00';
	-- frozen: 1 run, 15 flat candles of BBB repeating the close of 23:59
	UPDATE ohlcv o SET open = p.close, high = p.close, low = p.close, close = p.close
	FROM ohlcv p WHERE p.symbol = 'BBB' AND p.time = '2026-10-02 23:59'
	    AND o.symbol = 'BBB' AND o.time BETWEEN '2026-10-03 00:00' AND '2026-10-03 00:14';
	-- spikes: 2 (AAA jumps 50 % at 06:00 and falls back at 06:01)
	UPDATE ohlcv SET close = close * 1.5, high = close * 1.5 + 1 WHERE symbol = 'AAA' AND time = '2026-10-03 06:00';
	-- future: 1 (an hourly candle of CCC two hours ahead)
	INSERT INTO ohlcv (time, symbol, timeframe, open, high, low, close, volume)
	VALUES (date_trunc('hour', now()) + interval '2 hours', 'CCC', '1h', 5, 6, 4, 5, 1);
	-- misaligned: 1 (an hourly candle at half past)
	INSERT INTO ohlcv (time, symbol, timeframe, open, high, low, close, volume)
	VALUES ('2026-10-02 10:30', 'BBB', '1h', 100, 101, 99, 100, 1);
	-- stale: AAA, BBB and DDD are active with nothing in the last day; CCC has
	-- its future candle; EEE is not active.
	-- (tsq-load added AAA and BBB, active.)
	INSERT INTO symbols (symbol, active) VALUES ('CCC', true), ('DDD', true), ('EEE', false);" >/dev/null
}

@test "--quality: clean tables pass every check (the candles, trades and quotes there are); --fail-on-quality exits 0" {
	suite_fresh_schema
	clean_candles
	# The candles are from October: fresh enough within a year.
	run -0 --separate-stderr tsq-stats --quality --fail-on-quality --stale-after 365d -F csv
	assert_equal "$stderr" ""
	assert_output "schema,table,check,status,problems,examples,rule
public,ohlcv,gaps,ok,0,,\"a candle every timeframe step, around the clock\"
public,ohlcv,ohlc,ok,0,,\"low <= open, close <= high\"
public,ohlcv,prices,ok,0,,\"open, high, low and close above 0, not NaN\"
public,ohlcv,volumes,ok,0,,\"volume above 0, not NaN\"
public,ohlcv,frozen,ok,0,,at most 10 flat candles in a row repeating the close
public,ohlcv,spikes,ok,0,,close-to-close moves within 10 %
public,ohlcv,future,ok,0,,no candle after now
public,ohlcv,misaligned,ok,0,,times on the timeframe's grid (from midnight UTC)
public,ohlcv,stale,ok,0,,\"each symbol (active, or with rows in the last 2555d) has rows in the last 365d\"
public,trades,prices,ok,0,,\"price above 0, not NaN\"
public,trades,sizes,ok,0,,\"size above 0, not NaN\"
public,trades,duplicates,ok,0,,a trade_id at one time only for its symbol
public,trades,spikes,ok,0,,trade-to-trade price moves within 10 %
public,trades,future,ok,0,,no trade after now
public,trades,stale,ok,0,,\"each symbol (active, or with rows in the last 2555d) has rows in the last 365d\"
public,quotes,crossed,ok,0,,bid not above ask
public,quotes,locked,ok,0,,bid not equal to ask
public,quotes,prices,ok,0,,\"bid and ask prices above 0, not NaN\"
public,quotes,sizes,ok,0,,\"bid and ask sizes above 0, not NaN\"
public,quotes,spikes,ok,0,,quote-to-quote mid price moves within 10 %
public,quotes,future,ok,0,,no quote after now
public,quotes,stale,ok,0,,\"each symbol (active, or with rows in the last 2555d) has rows in the last 365d\""
}

@test "--quality finds exactly the problems planted, with the first of each; --fail-on-quality exits 65" {
	suite_fresh_schema
	clean_candles
	plant_problems
	run -0 --separate-stderr tsq-stats --quality -F csv --no-header ohlcv
	assert_equal "$stderr" ""
	future=$(tsq_psql -c "SELECT date_trunc('hour', now()) + interval '2 hours'")
	assert_output "public,ohlcv,gaps,failed,18,AAA 1m 2026-10-02 10:00:00+00 (10 missing); AAA 1m 2026-10-02 14:00:00+00 (5 missing); AAA 1m 2026-10-03 14:00:00+00 (3 missing),\"a candle every timeframe step, around the clock\"
public,ohlcv,ohlc,failed,1,BBB 1m 2026-10-02 12:00:00+00,\"low <= open, close <= high\"
public,ohlcv,prices,failed,1,AAA 1m 2026-10-02 13:00:00+00,\"open, high, low and close above 0, not NaN\"
public,ohlcv,volumes,failed,2,AAA 1m 2026-10-02 15:00:00+00; BBB 1m 2026-10-02 15:00:00+00,\"volume above 0, not NaN\"
public,ohlcv,frozen,failed,1,BBB 1m from 2026-10-02 23:59:00+00,at most 10 flat candles in a row repeating the close
public,ohlcv,spikes,failed,2,AAA 1m 2026-10-03 06:00:00+00 (+49.99 %); AAA 1m 2026-10-03 06:01:00+00 (-33.34 %),close-to-close moves within 10 %
public,ohlcv,future,failed,1,CCC 1h $future,no candle after now
public,ohlcv,misaligned,failed,1,BBB 1h 2026-10-02 10:30:00+00,times on the timeframe's grid (from midnight UTC)
public,ohlcv,stale,failed,3,AAA (none in the last 7d); BBB (none in the last 7d); DDD (none in the last 7d),\"each symbol (active, or with rows in the last 7d) has rows in the last 1d\""
	refused 65 "" tsq-stats --quality --fail-on-quality -F csv
	# The thresholds move what counts: a 60 % spike threshold, runs of 20.
	run -0 --separate-stderr tsq-stats --quality --spike-threshold 60 --frozen-after=20 --stale-after 3650d -F csv --no-header
	assert_line --regexp '^public,ohlcv,spikes,ok,0,,close-to-close moves within 60 %$'
	assert_line --regexp '^public,ohlcv,frozen,ok,0,,at most 20 flat candles'
	assert_line "public,ohlcv,stale,failed,1,DDD (none in the last 25550d),\"each symbol (active, or with rows in the last 25550d) has rows in the last 3650d\""
	# -F prometheus: one series per check, for an alert on any above 0.
	run -0 --separate-stderr tsq-stats --quality -F prometheus
	assert_line 'tsq_quality_problems{database="'"$DBNAME"'",schema="public",table="ohlcv",check="gaps"} 18'
	assert_line 'tsq_quality_problems{database="'"$DBNAME"'",schema="public",table="ohlcv",check="stale"} 3'
	if command -v promtool >/dev/null; then
		run promtool check metrics <<<"$output"
		assert_success
	fi
}

@test "--quality --session and --weekdays: only the candles due in trading hours are missing" {
	suite_fresh_schema
	clean_candles
	plant_problems
	# 10:00 UTC is 06:00 in New York, 14:00 UTC is 10:00; 2026-10-03 is a Saturday.
	run -0 --separate-stderr tsq-stats --quality --session 09:30-16:00 --tz America/New_York -F csv --no-header
	assert_line --index 0 --regexp '^public,ohlcv,gaps,failed,8,AAA 1m 2026-10-02 10:00:00-04 \(5 missing\); AAA 1m 2026-10-03 10:00:00-04 \(3 missing\),"a candle every timeframe step, from 09:30 to 16:00"$'
	run -0 --separate-stderr tsq-stats --quality --session 09:30-16:00 --weekdays --tz America/New_York -F csv --no-header
	assert_line --index 0 --regexp '^public,ohlcv,gaps,failed,5,AAA 1m 2026-10-02 10:00:00-04 \(5 missing\),'
	# A session past midnight: 22:00 to 06:00 UTC holds none of the gaps.
	run -0 --separate-stderr tsq-stats --quality --session 22:00-06:00 -F csv --no-header
	assert_line --index 0 --regexp '^public,ohlcv,gaps,ok,0,,'
	refused 64 'tsq-stats: error: invalid value "9:30-16:00" for option --session: expected two different times of day as HH:MM-HH:MM, such as 09:30-16:00' tsq-stats --quality --session 9:30-16:00
}

@test "--symbols: per symbol and timeframe, first and last candle, rows, candles missing" {
	suite_fresh_schema
	clean_candles
	plant_problems
	run -0 --separate-stderr tsq-stats --symbols -F csv
	assert_equal "$stderr" ""
	future=$(tsq_psql -c "SELECT date_trunc('hour', now()) + interval '2 hours'")
	assert_output "schema,table,symbol,timeframe,first,last,rows,missing
public,ohlcv,AAA,1m,2026-10-01 00:00:00+00,2026-10-03 23:59:00+00,4302,18
public,ohlcv,BBB,1h,2026-10-02 10:30:00+00,2026-10-02 10:30:00+00,1,0
public,ohlcv,BBB,1m,2026-10-01 00:00:00+00,2026-10-03 23:59:00+00,4320,0
public,ohlcv,CCC,1h,$future,$future,1,0"
	# The counts are the table's own.
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM ohlcv WHERE symbol = 'AAA'")" 4302
	# --since: from Saturday on.
	run -0 --separate-stderr tsq-stats --symbols --since 2026-10-03 -F csv --no-header
	assert_line --index 0 "public,ohlcv,AAA,1m,2026-10-03 00:00:00+00,2026-10-03 23:59:00+00,1437,3"
	# A table without a timeframe: no grid to miss candles from.
	tsq_psql -c "CREATE TABLE ticks (time timestamptz, symbol text, price float8)" \
		-c "INSERT INTO ticks VALUES ('2026-10-01 00:00', 'X', 1), ('2026-10-01 00:07', 'X', 2)"
	run -0 --separate-stderr tsq-stats --symbols -F csv --no-header ticks
	assert_output "public,ticks,X,,2026-10-01 00:00:00+00,2026-10-01 00:07:00+00,2,"
	refused 64 "tsq-stats: error: --symbols has no Prometheus form: a series per symbol is more than a monitoring system should keep" tsq-stats --symbols -F prometheus
}

@test "--quality: trades and quotes get their own checks; a table of neither the stale check alone; a table without symbols is exit 64; without a timeframe, no grid checks" {
	suite_fresh_schema
	printf 'time,symbol,price,size,trade_id\n2026-10-01 00:00:00Z,X,1,1,1\n' | tsq-load -q trades
	run -65 --separate-stderr tsq-stats --quality --fail-on-quality -F csv --no-header trades
	assert_equal "$stderr" ""
	assert_output "public,trades,prices,ok,0,,\"price above 0, not NaN\"
public,trades,sizes,ok,0,,\"size above 0, not NaN\"
public,trades,duplicates,ok,0,,a trade_id at one time only for its symbol
public,trades,spikes,ok,0,,trade-to-trade price moves within 10 %
public,trades,future,ok,0,,no trade after now
public,trades,stale,failed,1,X (none in the last 7d),\"each symbol (active, or with rows in the last 7d) has rows in the last 1d\""
	# Symbols tsq-load wrote to trades are not asked of quotes or ohlcv.
	run -0 --separate-stderr tsq-stats --quality --fail-on-quality -F csv --no-header quotes ohlcv
	refute_output --partial X
	tsq_psql -c "CREATE TABLE ticks (time timestamptz, symbol text, value float8)" \
		-c "INSERT INTO ticks VALUES (now(), 'T', 1)"
	run -0 --separate-stderr tsq-stats --quality -F csv --no-header ticks
	assert_output "public,ticks,stale,ok,0,,\"each symbol (active, or with rows in the last 7d) has rows in the last 1d\""
	tsq_psql -c "CREATE TABLE readings (time timestamptz, value float8)"
	run -64 --separate-stderr tsq-stats --quality readings
	assert_equal "$stderr" "tsq-stats: error: --quality needs columns time and symbol: public.readings has no symbol"
	tsq_psql -c "CREATE TABLE bars (time timestamptz, symbol text, open float8, high float8, low float8, close float8, volume float8)" \
		-c "INSERT INTO bars VALUES ('2026-10-01 00:00', 'X', 1, 2, 0.5, 1.5, 10), ('2026-10-01 00:07', 'X', 1.5, 1.6, 1.4, 1.5, 0)"
	run -0 --separate-stderr tsq-stats --quality -F csv --no-header bars
	assert_line --index 0 "public,bars,gaps,skipped,,,no timeframe column"
	assert_line --index 3 "public,bars,volumes,failed,1,X 2026-10-01 00:07:00+00,\"volume above 0, not NaN\""
	assert_line --index 7 "public,bars,misaligned,skipped,,,no timeframe column"
	# Options of --quality alone, and of the views that read rows.
	refused 64 "tsq-stats: error: --spike-threshold goes with --quality" tsq-stats --spike-threshold 5
	refused 64 "tsq-stats: error: --since goes with --symbols or --quality" tsq-stats --since 7d --chunks
	refused 64 "tsq-stats: error: --quality and --symbols cannot be used together" tsq-stats --quality --symbols
	for bad in "--spike-threshold=0" "--frozen-after=0" "--stale-after=0" "--since=yesterday"; do
		run --separate-stderr tsq-stats --quality "$bad"
		assert_equal "$status" 64
		assert_regex "$stderr" "^tsq-stats: error: invalid value \"[^\"]*\" for option ${bad%%=*}: expected"
	done
}

# Rows read from each chunk or partition of ohlcv whose range satisfies the
# SQL condition $1 (by sequential scans and from indexes), as the server's
# statistics count them: "name|rows" lines, in range order.  (Not the number
# of scans: the planner looks up the ends of an analyzed chunk's time index
# for its estimates, an index scan of one or two entries.)
scans() {
	if [ "$TSQ_TEST_KIND" = citus ]; then
		# The scans happen in the partitions' shards (PARTITION_SHARDID), on
		# the workers: each asked once for all of them.
		tsq_psql -c "SELECT parts.name, coalesce(sum(s.n), 0)
		             FROM $(tsq_parts ohlcv)
		             LEFT JOIN (SELECT substring(split_part(e, ':', 1) FROM '^(.*)_[0-9]+\$') AS part,
		                               split_part(e, ':', 2)::bigint AS n
		                        FROM run_command_on_workers(\$\$SELECT string_agg(relname || ':' ||
		                                 (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), ';')
		                             FROM pg_stat_user_tables
		                             WHERE relname ~ '^ohlcv_p[0-9]{4}_[0-9]{2}_[0-9]{2}_[0-9]+\$'\$\$) w,
		                             unnest(string_to_array(w.result, ';')) AS e) s ON s.part = parts.name
		             WHERE $1 GROUP BY parts.name, parts.range_start ORDER BY parts.range_start"
		return
	fi
	# A session's counts arrive as its server process exits, which may be
	# after its client has gone: wait until every earlier session has.
	local i
	for i in $(seq 1 100); do
		[ "$(tsq_psql -c "SELECT count(*) FROM pg_stat_activity
		                  WHERE datname = current_database() AND backend_type = 'client backend'
		                    AND pid <> pg_backend_pid()")" = 0 ] && break
		sleep 0.05
	done
	tsq_psql -c "SELECT c.oid::regclass, coalesce(s.seq_tup_read, 0) + coalesce(s.idx_tup_fetch, 0)
	             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
	             LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
	             WHERE i.inhparent = 'ohlcv'::regclass
	               AND c.oid IN (SELECT name::regclass FROM $(tsq_parts ohlcv) WHERE $1)
	             ORDER BY 1"
}

@test "--quality --since reads only the chunks or partitions from then on" {
	tsq_one_session && skip "PGlite keeps no statistics of scans"
	suite_fresh_schema
	clean_candles
	plant_problems
	old=$(scans "range_end <= '2026-10-03'")
	new=$(scans "range_end > '2026-10-03'")
	[ -n "$old" ] && [ -n "$new" ]
	run -0 --separate-stderr tsq-stats --quality --since 2026-10-03 -F csv --no-header
	assert_line --index 0 --regexp '^public,ohlcv,gaps,failed,3,'
	# The statistics arrive when the server's session ends: wait until the
	# newer chunks show their rows read, then the older ones must show none
	# (a few index entries at most: the planner's look at their ends; a day
	# holds 2,880 rows).
	for i in $(seq 1 50); do
		[ "$(scans "range_end > '2026-10-03'")" != "$new" ] && break
		sleep 0.1
	done
	refute [ "$(scans "range_end > '2026-10-03'")" = "$new" ]
	grew=$(join -t '|' <(echo "$old") <(scans "range_end <= '2026-10-03'") | awk -F'|' '{ print $1, $3 - $2 }')
	[ -n "$grew" ]
	awk '$2 >= 10 { bad = 1 } END { exit bad }' <<<"$grew" || fail "rows read from chunks before --since: $grew"
}

@test "a partitioned table's time range covers its default partition" {
	suite_fresh_schema
	load_candles
	tsq_psql -c "CREATE TABLE pt (time timestamptz NOT NULL, symbol text, close float8) PARTITION BY RANGE (time)" \
		-c "CREATE TABLE pt_a PARTITION OF pt FOR VALUES FROM ('2026-01-01') TO ('2026-01-02')" \
		-c "CREATE TABLE pt_rest PARTITION OF pt DEFAULT" \
		-c "INSERT INTO pt VALUES ('2026-01-01 10:00', 'X', 1), ('2025-06-01', 'X', 2), ('2027-03-01', 'Y', 3)"
	run -0 --separate-stderr tsq-stats -F csv --no-header pt
	assert_output --regexp '^public,pt,partitioned,,[0-9]+,2025-06-01 00:00:00\+00,2027-03-01 00:00:00\+00,'
	# tsq's own: the oldest and newest rows, empty partitions ahead skipped.
	assert_equal "$(overview_of ohlcv 6-7)" "2026-09-01 00:00:00+00,2026-09-15 23:45:00+00"
}

# Candles of AAA and BBB every minute from three days ago until 27 hours ago
# (a feed that died), loaded by tsq-load.
dead_feed() {
	tsq_psql -c "COPY (SELECT t, s, 10, 11, 9, 10, 1
	                   FROM generate_series(date_trunc('minute', now()) - interval '3 days',
	                                        date_trunc('minute', now()) - interval '27 hours',
	                                        interval '1 minute') AS t,
	                        unnest(ARRAY['AAA', 'BBB']) AS s)
	             TO STDOUT WITH (FORMAT csv)" >"$BATS_TEST_TMPDIR/dead.csv"
	tsq-load -q --no-header --columns time,symbol,open,high,low,close,volume ohlcv "$BATS_TEST_TMPDIR/dead.csv"
}

@test "a dead feed fails --fail-on-quality: the newest row of each symbol is read from the data" {
	suite_fresh_schema
	dead_feed
	# tsq-load keeps the symbols it wrote, with the first and last time of each.
	run -0 tsq_psql -c "SELECT s.symbol, s.active, s.first_seen = o.first, s.last_seen = o.last
	                    FROM symbols s JOIN (SELECT symbol, min(time) AS first, max(time) AS last
	                                         FROM ohlcv GROUP BY symbol) o USING (symbol) ORDER BY 1"
	assert_output "AAA|t|t|t
BBB|t|t|t"
	newest=$(tsq_psql -c "SELECT max(time) FROM ohlcv")
	epoch=$(tsq_psql -c "SELECT extract(epoch FROM max(time))::bigint FROM ohlcv")
	run -65 --separate-stderr tsq-stats --quality --since 1d --fail-on-quality -F csv --no-header
	assert_equal "$stderr" ""
	assert_line "public,ohlcv,stale,failed,2,AAA (newest $newest); BBB (newest $newest),\"each symbol (active, or with rows in the last 7d) has rows in the last 1d\""
	run -0 --separate-stderr tsq-stats --quality -F prometheus
	assert_line "tsq_quality_problems{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\",check=\"stale\"} 2"
	assert_line "tsq_symbol_newest_timestamp_seconds{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\",symbol=\"AAA\"} $epoch"
	if command -v promtool >/dev/null; then
		run -0 promtool check metrics <<<"$output"
	fi
	# Loaded by other means (nothing in symbols): the rows of the last week
	# still name the symbols to check.
	tsq_psql -c "DELETE FROM symbols"
	run -65 --separate-stderr tsq-stats --quality --since 1d --fail-on-quality -F csv --no-header
	assert_line --regexp '^public,ohlcv,stale,failed,2,AAA \(newest .*\); BBB \(newest .*\),'
	# AAA comes back; BBB is still silent; a longer --stale-after forgives both.
	printf 'time,symbol,open,high,low,close,volume\n%s,AAA,10,11,9,10,1\n' "$(date -u +%Y-%m-%dT%H:%M:00Z)" |
		tsq-load -q ohlcv
	run -65 --separate-stderr tsq-stats --quality --since 1d --fail-on-quality -F csv --no-header
	assert_line "public,ohlcv,stale,failed,1,BBB (newest $newest),\"each symbol (active, or with rows in the last 7d) has rows in the last 1d\""
	run -0 --separate-stderr tsq-stats --quality --since 1d --stale-after 2d --fail-on-quality -F csv --no-header
	assert_line "public,ohlcv,stale,ok,0,,\"each symbol (active, or with rows in the last 14d) has rows in the last 2d\""
}

@test "--timeout: behind a lock held on a chunk or partition, tsq-stats ends within it, exit 75 naming the table" {
	tsq_one_session && skip "PGlite serves one session at a time"
	suite_fresh_schema
	load_candles
	part=$(tsq_psql -c "SELECT name FROM $(tsq_parts ohlcv) ORDER BY range_start LIMIT 1")
	[ -n "$part" ]
	psql -X -q -c "BEGIN" -c "LOCK TABLE $part IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(20)" \
		>/dev/null 2>&1 &
	holder=$!
	wait_for 10 "the lock on $part" \
		"[ \"\$(tsq_psql -c \"SELECT count(*) FROM pg_locks WHERE relation = '$part'::regclass AND mode = 'AccessExclusiveLock' AND granted\")\" = 1 ]"
	# (Citus's --chunks asks the workers for the shards' sizes: the lock on the
	# coordinator's partition does not stand in its way.)
	views=("" --quality --chunks)
	[ "$TSQ_TEST_KIND" != citus ] || views=("" --quality)
	for view in "${views[@]}"; do
		start=$(date +%s%N)
		run -75 --separate-stderr tsq-stats $view --timeout 1s ohlcv
		elapsed=$((($(date +%s%N) - start) / 1000000))
		assert_equal "${stderr_lines[0]}" "tsq-stats: error: could not read public.ohlcv within --timeout 1s: canceling statement due to statement timeout"
		assert_equal "${stderr_lines[1]}" "tsq-stats: hint: another session holds a lock on it (a compression, a drop or a refresh under way?): see pg_locks, or give a longer --timeout"
		[ "$elapsed" -lt 8000 ] || fail "tsq-stats $view took $elapsed ms with --timeout 1s"
	done
	tsq_psql -c "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = '$part'::regclass AND mode = 'AccessExclusiveLock'" >/dev/null
	wait "$holder" 2>/dev/null || true
	run -64 --separate-stderr tsq-stats --timeout 0.1ms
	assert_regex "$stderr" 'invalid value "0.1ms" for option --timeout'
}

# node_exporter serving the textfiles of DIR on a free port: its pid in
# NODE_PID, its address in NODE_URL, its log in DIR.log.
start_node_exporter() {
	local dir=$1 port try
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 30000))
		prometheus-node-exporter --collector.disable-defaults --collector.textfile \
			--collector.textfile.directory="$dir" --web.listen-address="127.0.0.1:$port" \
			>"$dir.log" 2>&1 &
		NODE_PID=$!
		NODE_URL="http://127.0.0.1:$port/metrics"
		if wait_for 5 "node_exporter on port $port" "curl -sf '$NODE_URL' >/dev/null || ! kill -0 $NODE_PID 2>/dev/null" &&
			kill -0 "$NODE_PID" 2>/dev/null; then
			return 0
		fi
	done
	return 1
}

@test "two databases' metrics in one textfile directory: node_exporter serves both, no collision" {
	command -v prometheus-node-exporter >/dev/null || skip "prometheus-node-exporter is not installed"
	tsq_one_session && skip "PGlite holds one database"
	suite_fresh_schema
	load_candles
	other=tsq_other_$$
	tsq_psql -c "DROP DATABASE IF EXISTS $other" -c "CREATE DATABASE $other"
	# The other database, through whichever of TSQ_DB and PGDATABASE is set.
	other_env=(PGDATABASE="$other")
	[ -z "${TSQ_DB:-}" ] || other_env+=(TSQ_DB="${TSQ_DB/dbname=$PGDATABASE/dbname=$other}")
	run -0 env "${other_env[@]}" tsq-init -q
	mkdir -p textfiles
	run -0 tsq-stats -F prometheus --label instance=db1 -o textfiles/one.prom
	run -0 tsq-stats --quality --since 2026-09-15 --stale-after 3650d -F prometheus --label instance=db1 -o textfiles/one-quality.prom
	run -0 env "${other_env[@]}" tsq-stats -F prometheus --label instance=db1 -o textfiles/other.prom
	start_node_exporter "$BATS_TEST_TMPDIR/textfiles"
	run -0 curl -sf "$NODE_URL"
	kill "$NODE_PID"
	assert_line 'node_textfile_scrape_error 0'
	assert_line "tsq_table_rows{database=\"$DBNAME\",instance=\"db1\",schema=\"public\",table=\"ohlcv\"} 2880"
	assert_line "tsq_table_rows{database=\"$other\",instance=\"db1\",schema=\"public\",table=\"ohlcv\"} 0"
	# (node_exporter puts the labels in alphabetical order.)
	assert_line "tsq_quality_problems{check=\"stale\",database=\"$DBNAME\",instance=\"db1\",schema=\"public\",table=\"ohlcv\"} 0"
	refute grep -q 'collected before' "$BATS_TEST_TMPDIR/textfiles.log"
	refute grep -qi 'error' "$BATS_TEST_TMPDIR/textfiles.log"
	tsq_psql -c "DROP DATABASE $other"
	# Labels are checked: Prometheus's grammar, and none of tsq-stats' own.
	run -64 --separate-stderr tsq-stats -F prometheus --label 1x=y
	assert_equal "$stderr" 'tsq-stats: error: invalid label name "1x" in --label: a label name is a letter or _ followed by letters, digits and _'
	run -64 --separate-stderr tsq-stats -F prometheus --label database=x
	assert_equal "$stderr" 'tsq-stats: error: invalid label name "database" in --label: tsq-stats writes that label itself'
	run -64 --separate-stderr tsq-stats --label instance=x
	assert_equal "$stderr" 'tsq-stats: error: --label goes with -F prometheus'
}

@test "the README's crontab lines run under a real cron daemon" {
	[ "$TSQ_TEST_BACKEND" = postgres ] || skip "cron is the same whatever the server: run on PostgreSQL"
	[ "$(id -u)" = 0 ] || skip "a cron daemon needs root"
	command -v cron >/dev/null && command -v unshare >/dev/null || skip "cron or unshare is missing"
	[ -d /var/spool/cron/crontabs ] || skip "no cron spool directory"
	suite_fresh_schema
	load_candles
	bin=$(dirname "$(command -v tsq-stats)")
	conn="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE"
	log=$BATS_TEST_TMPDIR/cron.log
	prom=$BATS_TEST_TMPDIR/market.prom
	# The README's lines, with the tests' binaries, database and files, and
	# tsq-compress's schedule every minute as well (cron's finest).
	mkdir -p spool cron.d run
	{
		for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
			[ -z "${!v:-}" ] || echo "$v=${!v}"
		done
		sed -n '/^```crontab$/,/^```$/p' "$TSQ_ROOT/README.md" | sed '1d;$d' |
			sed -e "s|/usr/local/bin|$bin|" -e "s|dbname=market|$conn|" \
			    -e "s|/var/log/tsq/cron.log|$log|" \
			    -e "s|/var/lib/prometheus/node-exporter/market.prom|$prom|" \
			    -e 's/^15 \* \* \* \*/* * * * */'
	} >spool/root
	grep -q "^PATH=$bin:/usr/bin:/bin$" spool/root
	[ "$(grep -c '^\* \* \* \* \*' spool/root)" = 2 ]
	chmod 600 spool/root
	: >crontab
	# A cron daemon of its own: its own spool, /etc/cron.d, /etc/crontab and
	# /run (for its pid file), in a mount namespace of its own.
	unshare --mount --propagation private sh -c 'mount --bind "$1" /var/spool/cron/crontabs &&
		mount --bind "$2" /etc/cron.d && mount --bind "$3" /etc/crontab && mount --bind "$4" /run &&
		exec cron -f -L 0' sh "$PWD/spool" "$PWD/cron.d" "$PWD/crontab" "$PWD/run" \
		>cron.out 2>&1 &
	cron_pid=$!
	ok=0
	wait_for 75 "cron to run the jobs" \
		"[ -s '$prom' ] && [ \"\$(tsq_psql -c 'SELECT is_called FROM tsq.policy_run_ids')\" = t ]" && ok=1
	kill "$cron_pid" 2>/dev/null
	wait "$cron_pid" 2>/dev/null || true
	[ "$ok" = 1 ] || fail "cron did not run the jobs: $(cat cron.out "$log" 2>/dev/null)"
	# Both ran, quietly: the metrics are there, tsq-compress took a run number.
	run -0 grep "^tsq_table_rows{database=\"$DBNAME\",schema=\"public\",table=\"ohlcv\"} 2880$" "$prom"
	assert_equal "$(cat "$log")" ""
}

@test "right after a load the overview's row count is the rows loaded: tsq-load analyzes the new partitions or chunks" {
	suite_fresh_schema
	dead_feed
	loaded=$(tsq_psql -c "SELECT count(*) FROM ohlcv")
	[ "$loaded" -gt 5000 ]
	run -0 --separate-stderr tsq-stats -F csv --no-header ohlcv
	assert_equal "$(echo "${lines[0]}" | cut -d, -f2,5)" "ohlcv,$loaded"
	# A second load into the same days analyzes nothing again.
	run -0 --separate-stderr tsq-load -v --no-header --columns time,symbol,open,high,low,close,volume ohlcv "$BATS_TEST_TMPDIR/dead.csv"
	refute_regex "$stderr" 'analyzed'
	# A rollup table's first rows are analyzed by the refresh that writes them.
	if [ "$TSQ_TEST_KIND" != timescaledb ]; then
		tsq-compress -q --run ohlcv
		hourly=$(tsq_psql -c "SELECT count(*) FROM ohlcv_1h")
		[ "$hourly" -gt 0 ]
		run -0 --separate-stderr tsq-stats -F csv --no-header ohlcv
		assert_line --regexp "^public,ohlcv_1h,rollup,public\.ohlcv,$hourly,"
	fi
	# Nor does one after a TRUNCATE, which keeps the partitions (PostgreSQL,
	# Citus; TimescaleDB drops its chunks, and new ones are analyzed): once in
	# a part's life, then autovacuum's.  (PGlite keeps no ANALYZE counts.)
	if [ "$TSQ_TEST_BACKEND" = postgres ] || [ "$TSQ_TEST_BACKEND" = citus ]; then
		tsq_psql -c "TRUNCATE ohlcv"
		run -0 --separate-stderr tsq-load -v --no-header --columns time,symbol,open,high,low,close,volume ohlcv "$BATS_TEST_TMPDIR/dead.csv"
		refute_regex "$stderr" 'analyzed'
	fi
}

@test "--queries: the statements that cost the most, from pg_stat_statements; how to enable it where it is not" {
	suite_fresh_schema
	loaded=$(tsq_psql -c "SELECT current_setting('shared_preload_libraries') ~ 'pg_stat_statements'")
	if [ "$loaded" != t ]; then
		# Plain PostgreSQL and PGlite here: not loaded, or not there at all.
		run -69 --separate-stderr tsq-stats --queries
		assert_regex "${stderr_lines[0]}" '^tsq-stats: error: --queries reads pg_stat_statements, (and the server does not load it|which this server does not have)$'
		assert_regex "$stderr" 'shared_preload_libraries'
		return
	fi
	run -69 --separate-stderr tsq-stats --queries
	assert_equal "$stderr" "tsq-stats: error: --queries reads pg_stat_statements: the server loads it, and this database has not created the extension
tsq-stats: hint: run CREATE EXTENSION pg_stat_statements in this database"
	tsq_psql -c "CREATE EXTENSION pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
	# One slow statement, and many quick ones.
	tsq_psql -c "SELECT pg_sleep(0.6) AS tsq_slow_one" >/dev/null
	for i in 1 2 3; do tsq_psql -c "SELECT count(*) FROM ohlcv WHERE symbol = 'x$i'" >/dev/null; done
	run -0 --separate-stderr tsq-stats --queries --limit 2 -F csv --no-header
	assert_equal "${#lines[@]}" 2
	assert_regex "${lines[0]}" '^-?[0-9]+,SELECT pg_sleep\(\$1\) AS tsq_slow_one,1,0\.6[0-9]*,0\.6[0-9]*,0\.6[0-9]*,1,[0-9]+,20[0-9-]+ '
	run -0 --separate-stderr tsq-stats --queries -F csv
	assert_line --index 0 "queryid,query,calls,total_seconds,mean_seconds,max_seconds,rows,shared_blocks_read,since"
	assert_line --regexp '^-?[0-9]+,SELECT count\(\*\) FROM ohlcv WHERE symbol = \$1,3,'
	run -0 --separate-stderr tsq-stats --queries --limit 1 -F prometheus
	assert_line --regexp '^tsq_statement_info\{database="[^"]*",queryid="-?[0-9]+",query="SELECT pg_sleep\(\$1\) AS tsq_slow_one"\} 1$'
	assert_line --regexp '^tsq_statement_seconds_total\{database="[^"]*",queryid="-?[0-9]+"\} 0\.6[0-9]*$'
	assert_line --regexp '^tsq_statement_stats_reset_timestamp_seconds\{database="[^"]*"\} [0-9.e+]+$'
	if command -v promtool >/dev/null; then
		run -0 promtool check metrics <<<"$output"
	fi
	run -64 --separate-stderr tsq-stats --queries --limit 0
	run -64 --separate-stderr tsq-stats --queries ohlcv
	assert_equal "$stderr" "tsq-stats: error: --queries reports statements, not tables: no TABLE goes with it"
}

@test "--quality on ticks finds exactly the problems planted in trades and quotes, each kind on its own" {
	suite_fresh_schema
	# Clean trades and quotes of two symbols, a minute apart, for an hour.
	tsq_psql -c "INSERT INTO trades (time, symbol, price, size, trade_id)
	             SELECT now() - INTERVAL '2 hours' + g * INTERVAL '1 minute', s, 100 + g % 3, 1 + g % 2, g
	             FROM generate_series(1, 60) g, unnest(ARRAY['A', 'B']) s" \
		-c "INSERT INTO quotes (time, symbol, bid_price, bid_size, ask_price, ask_size, quote_id)
	             SELECT now() - INTERVAL '2 hours' + g * INTERVAL '1 minute', s, 100 + g % 3, 1, 100.5 + g % 3, 2, g
	             FROM generate_series(1, 60) g, unnest(ARRAY['A', 'B']) s"
	run -0 --separate-stderr tsq-stats --quality --since 1d --fail-on-quality -F csv --no-header trades quotes
	refute_output --partial failed
	plant() {
		tsq_psql -c "$1"
		run -65 --separate-stderr tsq-stats --quality --since 1d --fail-on-quality -F csv --no-header "$2"
		assert_equal "$(grep -c ',failed,' <<<"$output")" 1
		assert_line --regexp "^public,$2,$3,failed,$4"
		tsq_psql -c "$5"
	}
	t=$(tsq_psql -c "SELECT now() - INTERVAL '2 hours' + 30 * INTERVAL '1 minute'")
	plant "UPDATE trades SET price = 'NaN' WHERE symbol = 'A' AND trade_id = 30" trades prices "1,A .* #30," \
		"UPDATE trades SET price = 100 WHERE symbol = 'A' AND trade_id = 30"
	plant "UPDATE trades SET size = 'NaN' WHERE symbol = 'B' AND trade_id = 31" trades sizes "1,B .* #31," \
		"UPDATE trades SET size = 1 WHERE symbol = 'B' AND trade_id = 31"
	plant "INSERT INTO trades (time, symbol, price, size, trade_id) VALUES (now() - INTERVAL '10 minutes', 'A', 100, 1, 12)" \
		trades duplicates "1,A .* #12," "DELETE FROM trades WHERE symbol = 'A' AND time > now() - INTERVAL '11 minutes'"
	plant "UPDATE trades SET price = 130 WHERE symbol = 'A' AND trade_id = 40" trades spikes "2,A .* #40 \\(\\+[0-9.]+ %\\); A .* #41 \\(-[0-9.]+ %\\)," \
		"UPDATE trades SET price = 101 WHERE symbol = 'A' AND trade_id = 40"
	plant "INSERT INTO trades (time, symbol, price, size, trade_id) VALUES (now() + INTERVAL '1 hour', 'B', 100, 1, 500)" \
		trades future "1,B .* #500," "DELETE FROM trades WHERE trade_id = 500"
	plant "UPDATE quotes SET bid_price = 101 WHERE symbol = 'B' AND quote_id = 33" quotes crossed \
		"1,B .* #33 \\(bid 101 > ask 100.5\\)," "UPDATE quotes SET bid_price = 100 WHERE symbol = 'B' AND quote_id = 33"
	plant "UPDATE quotes SET ask_price = bid_price WHERE symbol = 'A' AND quote_id = 20" quotes locked "1,A .* #20," \
		"UPDATE quotes SET ask_price = bid_price + 0.5 WHERE symbol = 'A' AND quote_id = 20"
	plant "UPDATE quotes SET ask_size = -1 WHERE symbol = 'A' AND quote_id = 21" quotes sizes "1,A .* #21," \
		"UPDATE quotes SET ask_size = 2 WHERE symbol = 'A' AND quote_id = 21"
	plant "UPDATE quotes SET ask_price = 'NaN' WHERE symbol = 'A' AND quote_id = 50" quotes prices "1,A .* #50," \
		"UPDATE quotes SET ask_price = bid_price + 0.5 WHERE symbol = 'A' AND quote_id = 50"
	plant "INSERT INTO quotes (time, symbol, bid_price, bid_size, ask_price, ask_size, quote_id) VALUES (now() + INTERVAL '1 day', 'A', 100, 1, 101, 1, 900)" \
		quotes future "1,A .* #900," "DELETE FROM quotes WHERE quote_id = 900"
	# A mid price that jumps: the move to it and the move back.
	plant "UPDATE quotes SET bid_price = 150, ask_price = 150.5 WHERE symbol = 'B' AND quote_id = 45" quotes spikes \
		"2,B .* #45 \\(\\+[0-9.]+ %\\); B .* #46 \\(-[0-9.]+ %\\)," "UPDATE quotes SET bid_price = 100, ask_price = 100.5 WHERE symbol = 'B' AND quote_id = 45"
	run -0 --separate-stderr tsq-stats --quality --since 1d -F prometheus trades quotes
	assert_line "tsq_quality_problems{database=\"$DBNAME\",schema=\"public\",table=\"quotes\",check=\"crossed\"} 0"
	assert_line "tsq_quality_problems{database=\"$DBNAME\",schema=\"public\",table=\"trades\",check=\"duplicates\"} 0"
}

@test "completion offers the database's tables to tsq-load, tsq-stats and tsq-compress; nothing when it does not answer" {
	suite_fresh_schema
	touch data-one.csv
	run bash -c '
		source "$1/completions/tsq.bash"
		COMP_WORDS=(tsq-load ""); COMP_CWORD=1; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq-load --format csv ohlcv data-); COMP_CWORD=4; _tsq_complete; echo "files: ${COMPREPLY[*]}"
		COMP_WORDS=(tsq-stats --quality tr); COMP_CWORD=2; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq-compress --set-policy = q); COMP_CWORD=3; _tsq_complete; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tsq-stats -h /nonexistent-tsq ""); COMP_CWORD=3; _tsq_complete; echo "none: ${COMPREPLY[*]}"' _ "$TSQ_ROOT"
	assert_success
	assert_line --index 0 --regexp '(^| )ohlcv( |$)'
	assert_line --index 0 --regexp '(^| )trades_1m( |$)'
	refute_line --index 0 --regexp 'tsq\.'
	assert_line --index 1 "files: data-one.csv"
	assert_line --index 2 "trades trades_1d trades_1h trades_1m"
	assert_line --index 3 "quotes"
	assert_line --index 4 "none: "
	if command -v fish >/dev/null; then
		run -0 fish -c "source $TSQ_ROOT/completions/tsq.fish; complete -C 'tsq-stats tr'"
		assert_output "trades
trades_1d
trades_1h
trades_1m"
	fi
}

@test "tsq-stats on a terminal pages a report that does not fit the screen" {
	command -v script >/dev/null || skip "no script(1) to give the tool a terminal"
	suite_fresh_schema
	printf '#!/bin/sh\ncat >"%s/pager.got"\n' "$PWD" >pager.sh
	chmod +x pager.sh
	run -0 timeout 30 script -qec "stty rows 5 cols 300; PAGER='$PWD/pager.sh' tsq-stats; echo \"exit \$?\"" /dev/null
	assert_output --partial "exit 0"
	assert_regex "$(cat pager.got)" 'ohlcv'
	rm pager.got
	run -0 timeout 30 script -qec "stty rows 5 cols 300; PAGER='$PWD/pager.sh' tsq-stats --no-pager; echo \"exit \$?\"" /dev/null
	assert_output --partial "ohlcv"
	[ ! -e pager.got ]
}

@test "tsq-stats on a terminal: the overview within 120 columns, sizes for people; --wide and the machine formats keep every column" {
	command -v script >/dev/null || skip "no script(1) to give the tool a terminal"
	suite_fresh_schema
	printf 'time,symbol,open,high,low,close,volume\n2026-10-01T00:00:00Z,AAA,1,2,0.5,1.5,3\n' | tsq-load -q ohlcv
	run -0 bash -c "timeout 30 script -qec 'stty rows 100 cols 250; tsq-stats --no-pager' /dev/null | tr -d '\r'"
	assert_line --index 1 --regexp '^ +table +\| +kind +\| +rows +\| symbols \| +newest +\| chunks \| +size +\| ratio \| lag \| +written *$'
	assert_line --regexp '^ ohlcv +\| (hypertable|partitioned) +\| +1 \| +[0-9]* \| 2026-10-01 00:00 \| [0-9]+/[0-9]+ +\| [0-9.]+ (kB|MB) +\| +\| +\| [0-9]+s ago *$'
	[ "$(awk '{ if (length($0) > n) n = length($0) } END { print n }' <<<"$output")" -le 120 ]
	assert_line --index 0 --regexp ', [0-9.]+ (MB|kB)( on the coordinator)?$'
	run -0 timeout 30 script -qec "stty rows 100 cols 250; tsq-stats --no-pager --wide" /dev/null
	assert_output --partial "compressed_chunks"
	assert_output --partial "total_bytes"
	run -0 --separate-stderr tsq-stats -F table
	assert_output --partial "compressed_chunks"
}
