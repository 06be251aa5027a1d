#!/usr/bin/env bats
# The Citus test cluster (a coordinator and two workers) works, and what is
# Citus's own in tsq: tsq-init distributes its schema, tsq-load loads through
# the coordinator onto both workers and survives one that stops, the bars
# from the rollups tsq-compress refreshes equal those from the candles,
# columnar compression, partition upkeep and tsq-stats by node.  What tsq
# makes is checked in Citus's own views.  The suites of tsq-init, tsq-load
# and tsq-query run on this cluster too (tests/run).

export TSQ_TEST_BACKEND=citus
load lib/suite

setup() {
	suite_setup
}

@test "citus: the coordinator knows two active workers" {
	run -0 tsq_psql -c "SELECT count(*) FROM citus_get_active_worker_nodes()"
	assert_output 2
	run -0 tsq_psql -c "SELECT nodeport, noderole, isactive FROM pg_dist_node ORDER BY nodeport"
	assert_output "5432|primary|t
5433|primary|t
5434|primary|t"
}

@test "citus: a distributed table takes COPY through the coordinator and a query reaches both workers" {
	tsq_psql -c "CREATE TABLE dist (symbol text, time timestamptz, price float8, PRIMARY KEY (symbol, time))" \
		-c "SELECT create_distributed_table('dist', 'symbol')" >/dev/null
	awk 'BEGIN { for (i = 0; i < 4000; i++)
		printf "S%02d,2026-01-01T%02d:%02d:%02dZ,%d\n", i % 40, int(i / 3600), int(i / 60) % 60, i % 60, i }' >rows.csv
	tsq_psql -c "\\copy dist FROM rows.csv (FORMAT csv)"
	run -0 tsq_psql -c "SELECT count(*), count(DISTINCT symbol), sum(price) FROM dist"
	assert_output "4000|40|7998000"
	# Both workers hold rows, and asked shard by shard they add up to the whole.
	run -0 tsq_psql -c "SELECT s.nodeport, sum(r.result::bigint) > 0 FROM run_command_on_shards('dist', 'SELECT count(*) FROM %s') r
		JOIN citus_shards s USING (shardid) GROUP BY 1 ORDER BY 1"
	assert_output "5433|t
5434|t"
	run -0 tsq_psql -c "SELECT sum(result::bigint) FROM run_command_on_shards('dist', 'SELECT count(*) FROM %s')"
	assert_output 4000
}

@test "citus: tsq-init distributes the market-data tables by symbol, colocated; symbols and tsq.rollups are reference tables" {
	run -0 --separate-stderr tsq-init --shards 4
	assert_regex "$stderr" '"public" is ready \(citus\)'
	run -0 tsq_psql -c "SELECT table_name, citus_table_type, distribution_column, shard_count FROM citus_tables
		WHERE table_name::text NOT LIKE '%\_p2%' ORDER BY 1::text"
	assert_output "ohlcv|distributed|symbol|4
ohlcv_15m|distributed|symbol|4
ohlcv_1d|distributed|symbol|4
ohlcv_1h|distributed|symbol|4
ohlcv_4h|distributed|symbol|4
ohlcv_5m|distributed|symbol|4
quotes|distributed|symbol|4
symbols|reference|<none>|1
trades|distributed|symbol|4
trades_1d|distributed|symbol|4
trades_1h|distributed|symbol|4
trades_1m|distributed|symbol|4
tsq.rollups|reference|<none>|1"
	# One colocation group for all the distributed tables and their partitions:
	# the three tables, their nine days (yesterday to 7 days ahead), the five
	# rollups of candles and the three of trades.
	run -0 tsq_psql -c "SELECT count(DISTINCT colocation_id), count(*) FROM citus_tables WHERE citus_table_type = 'distributed'"
	assert_output "1|38"
	# The shards are spread over both workers.
	run -0 tsq_psql -c "SELECT nodeport, count(*) FROM citus_shards WHERE table_name = 'ohlcv'::regclass GROUP BY 1 ORDER BY 1"
	assert_output "5433|2
5434|2"
	run -0 --separate-stderr tsq-init
	assert_equal "$stderr" 'tsq-init: "public" is up to date (citus): nothing to do'
	run -0 tsq_psql -c "SELECT backend FROM tsq.installations"
	assert_output citus
}

@test "citus: --dry-run shows the distribution; --shards elsewhere is 64; --backend citus without Citus is 69" {
	run -0 --separate-stderr tsq-init --dry-run --backend citus
	assert_output --partial "SELECT create_distributed_table(format('%I.%I', \$1::text, 'ohlcv')::regclass, 'symbol',"
	assert_output --partial "-- made symbols a reference table"
	run -0 tsq_psql -c "SELECT count(*) FROM citus_tables"
	assert_output 0
	refused 64 "tsq-init: error: option --shards is for Citus, not postgres" tsq-init --backend postgres --shards 4
	run --separate-stderr tsq-init --shards 0
	assert_equal "$status" 64
	tsq_psql -c "DROP DATABASE IF EXISTS plain" -c "CREATE DATABASE plain" >/dev/null 2>&1
	run --separate-stderr tsq-init -d plain --backend citus
	assert_equal "$status" 69
	assert_equal "${stderr_lines[0]}" "tsq-init: error: Citus is not installed in this database"
}

@test "citus: tsq-load through the coordinator: rows on both workers, reloads and upserts counted exactly" {
	tsq_db_init
	run -0 --separate-stderr tsq-load ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	assert_regex "$stderr" 'read 1080, inserted 1080, updated 0, unchanged 0, duplicates 0, rejected 0'
	run -0 tsq_psql -c "SELECT count(*), count(DISTINCT symbol) FROM ohlcv"
	assert_output "1080|3"
	# Asked shard by shard the workers hold every row, and both hold some.
	run -0 tsq_psql -c "SELECT sum(r.result::bigint) FROM run_command_on_shards('ohlcv', 'SELECT count(*) FROM %s') r"
	assert_output 1080
	run -0 tsq_psql -c "SELECT count(DISTINCT s.nodeport) FROM run_command_on_shards('ohlcv', 'SELECT count(*) FROM %s') r
		JOIN citus_shards s USING (shardid) WHERE r.result::bigint > 0"
	assert_output 2
	run -0 --separate-stderr tsq-load ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	assert_regex "$stderr" 'read 1080, inserted 0, updated 0, unchanged 1080, duplicates 0, rejected 0'
	# Ten closes changed, one new candle, one bad line.
	{
		head -n 11 "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv" | awk -F, -v OFS=, 'NR > 1 { $7 = $7 + 1 } 1'
		echo "2026-11-21T00:00:00Z,NEW,1m,1,2,0.5,1.5,7,1"
		echo "2026-11-21T00:01:00Z,NEW,1m,1,2,0.5,oops,7,1"
	} >changed.csv
	run --separate-stderr tsq-load ohlcv changed.csv
	assert_equal "$status" 65
	assert_regex "$stderr" 'read 12, inserted 1, updated 10, unchanged 0, duplicates 0, rejected 1'
	run -0 jq -r '[.line, .column] | @tsv' changed.csv.rejects.jsonl
	assert_output "13	close"
	run -0 tsq_psql -c "SELECT count(*), sum(close) FILTER (WHERE symbol = 'NEW') FROM ohlcv"
	assert_output "1081|1.5"
}

@test "citus: upserts and reloads run on the workers: staged in a distributed table of the load's own, pushed down, counted exactly, dropped after" {
	tsq_db_init
	log="$TSQ_TEST_TMP/citus5432/log"
	# A staging table left by a load that was killed (no backend has its pid).
	tsq_psql -c "CREATE UNLOGGED TABLE tsq_load_stage_999999 (symbol text)" \
		-c "SELECT create_distributed_table('tsq_load_stage_999999', 'symbol', colocate_with => 'ohlcv')" >/dev/null
	tsq_psql -c "ALTER TABLE ohlcv ADD CONSTRAINT volume_not_negative CHECK (volume >= 0)"
	run -0 --separate-stderr tsq-load ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	assert_regex "$stderr" 'read 1080, inserted 1080, updated 0, unchanged 0'
	# What the coordinator plans for the loads that follow, every statement
	# logged with its plan.
	from=$(($(wc -l <"$log") + 1))
	export PGOPTIONS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0"
	run -0 --separate-stderr tsq-load -v ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	assert_regex "$stderr" 'read 1080, inserted 0, updated 0, unchanged 1080, duplicates 0, rejected 0'
	assert_regex "$stderr" 'write path: each connection stages its rows in a table distributed like "public"."ohlcv"'
	# Ten volumes changed, five left as they were, two new candles.
	{
		head -n 1 "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
		sed -n 2,16p "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv" | awk -F, -v OFS=, 'NR <= 10 { $8 = $8 + 1 } 1'
		echo "2026-11-20T06:00:00Z,NEW,1m,1,2,0.5,1.5,7,1"
		echo "2026-11-20T06:02:00Z,NEW,1m,1,2,0.5,1.75,7,1"
	} >changed.csv
	run -0 --separate-stderr tsq-load ohlcv changed.csv
	assert_regex "$stderr" 'read 17, inserted 2, updated 10, unchanged 5, duplicates 0, rejected 0'
	unset PGOPTIONS
	tail -n +"$from" "$log" >plans
	# A row the table's CHECK refuses on a worker fails its batch there; the
	# batch is written again without it, and the rest lands.
	printf '%s\n' "time,symbol,timeframe,open,high,low,close,volume,trades" \
		"2026-11-20T06:01:00Z,NEW,1m,1,2,0.5,1.25,-7,1" "2026-11-20T06:03:00Z,NEW,1m,1,2,0.5,1.5,1,1" \
		"2026-11-20T00:00:00Z,BTC-USD,1m,91250.00,91268.67,91220.74,91228.99,2.6243,42" >bad.csv
	run --separate-stderr tsq-load ohlcv bad.csv
	assert_equal "$status" 65
	assert_regex "$stderr" 'read 3, inserted 1, updated 1, unchanged 0, duplicates 0, rejected 1'
	run -0 jq -r '[.line, .sqlstate, .error] | @tsv' bad.csv.rejects.jsonl
	assert_output --regexp '^2	23514	new row for relation "ohlcv_[0-9a-z_]+" violates check constraint "volume_not_negative'
	run -0 tsq_psql -c "SELECT count(*), round(sum(volume)::numeric, 4), sum(close) FILTER (WHERE symbol = 'NEW') FROM ohlcv"
	assert_output "1083|$(awk -F, 'NR > 1 { v += $8 } END { printf "%.4f", v + 10 + 14 - 1 + 1 }' "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv")|4.75"
	# Every write the coordinator planned from a staging table ran as tasks on
	# the shards: no INSERT .. SELECT pulled rows to the coordinator or
	# repartitioned them.
	run -0 grep -c 'Query Text: INSERT INTO "public"."ohlcv" AS t .* FROM "public"."tsq_load_stage_[0-9]*"' plans
	[ "$output" -ge 2 ]
	run -0 grep -c 'Query Text: DELETE FROM "public"."tsq_load_stage_[0-9]*" s USING "public"."ohlcv" t' plans
	run -0 grep -c 'Query Text: SELECT count(\*) FROM "public"."tsq_load_stage_[0-9]*" s, "public"."ohlcv" t' plans
	run -0 awk '/Query Text: (INSERT INTO "public"."ohlcv"|DELETE FROM "public"."tsq_load_stage|SELECT count\(\*\) FROM "public"."tsq_load_stage)/ { q = 1; next }
		q && /Custom Scan \(Citus Adaptive\)/ { adaptive++ }
		q && /Task Count: 4/ { tasks++ }
		/INSERT\/SELECT method|pull to coordinator|repartition|Distributed Subplan/ { bad++ }
		/Query Text:/ { q = 0 }
		END { print adaptive + 0, tasks + 0, bad + 0 }' plans
	local adaptive tasks bad
	read -r adaptive tasks bad <<<"$output"
	assert_equal "$bad" 0
	[ "$adaptive" -ge 4 ] && [ "$tasks" -ge 4 ]
	# The staging tables are gone: the one left behind and the loads' own.
	run -0 tsq_psql -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'tsq\_load\_stage%'"
	assert_output 0
	run -0 tsq_psql -c "SELECT sum(result::int) FROM run_command_on_workers(\$\$SELECT count(*) FROM pg_class WHERE relname LIKE 'tsq\\_load\\_stage%'\$\$)"
	assert_output 0
}

# A shard holds only rows whose symbol Citus routes to it, and each
# symbol's rows are found by a query Citus sends to its one shard.
rows_where_citus_routes_them() {
	run -0 tsq_psql -c "SELECT count(*) FROM run_command_on_placements('ohlcv',
	    \$\$SELECT coalesce(string_agg(DISTINCT symbol, ','), '') FROM %s\$\$) p,
	    unnest(string_to_array(p.result, ',')) s WHERE get_shard_id_for_distribution_column('ohlcv', s) <> p.shardid"
	assert_output 0
	for sym in BTC-USD ETH-USD SOL-USD XRP-USD; do
		run -0 tsq_psql -c "SELECT count(*) FROM ohlcv WHERE symbol = '$sym'"
		assert_output "$(tsq_psql -c "SELECT count(*) FILTER (WHERE symbol = '$sym') FROM ohlcv")"
	done
}

@test "citus: batches of thousands of rows go straight to the workers' shards, each row to the one Citus routes it to, counted exactly" {
	tsq_db_init
	# 6,000 candles: four symbols, 1,500 minutes from 2026-11-20.
	awk 'BEGIN { print "time,symbol,open,high,low,close,volume,trades"
		split("BTC-USD ETH-USD SOL-USD XRP-USD", s, " ")
		for (m = 0; m < 1500; m++) for (k = 1; k <= 4; k++)
			printf "%s,%s,%d,%d,%d,%d,%d.5,%d\n", strftime("%Y-%m-%dT%H:%M:00Z", 1795132800 + 60 * m, 1),
			    s[k], 100 + k, 110 + k, 90 + k, 105 + k, m % 97, m % 13 }' >big.csv
	sum() { awk -F, -v add="${2:-0}" 'NR > 1 { v += $7 } END { printf "%.1f", v + add }' "$1"; }
	# Every statement logged, on the coordinator and on the workers (the
	# connections tsq-load makes to them take PGOPTIONS too).
	local from=() port
	for port in 5432 5433 5434; do from+=($(($(wc -l <"$TSQ_TEST_TMP/citus$port/log") + 1))); done
	PGOPTIONS="-c log_statement=all" run -0 --separate-stderr tsq-load -v --on-conflict error ohlcv big.csv
	assert_regex "$stderr" "batches of 5000 rows or more inserted straight into the workers' shards of \"public\".\"ohlcv\", each committed in two phases"
	assert_regex "$stderr" 'read 6000, inserted 6000, updated 0, unchanged 0, duplicates 0, rejected 0'
	# The rows went into the table's own shards, each worker its own, in a
	# transaction prepared there under the id of the coordinator's, then
	# committed: the coordinator copied no row, and no staging table was made.
	tail -n +"${from[0]}" "$TSQ_TEST_TMP/citus5432/log" >coordinator.log
	run -1 grep 'statement: COPY' coordinator.log
	run -1 grep 'tsq_load_stage' coordinator.log
	run -0 grep -c 'statement: SELECT pg_current_xact_id()' coordinator.log
	for i in 1 2; do
		tail -n +"${from[i]}" "$TSQ_TEST_TMP/citus$((5432 + i))/log" >worker.log
		run -0 grep -c 'statement: COPY ohlcv_[0-9]* (.*) FROM STDIN' worker.log
		run -0 grep -c "statement: PREPARE TRANSACTION 'tsq_load_[0-9]*'" worker.log
		run -0 grep -c "statement: COMMIT PREPARED 'tsq_load_[0-9]*'" worker.log
	done
	run -0 tsq_psql -c "SELECT sum(result::int) FROM run_command_on_workers('SELECT count(*) FROM pg_prepared_xacts')"
	assert_output 0
	rows_where_citus_routes_them
	# 5,000 new candles and one that is there: --on-conflict error refuses
	# it on its worker, and the batch is written again without it.
	{ awk -F, -v OFS=, 'NR == 1 { print; next } NR > 5001 { exit } { $1 = "2026-11-19" substr($1, 11); print }' big.csv
		sed -n 2p big.csv; } >more.csv
	run --separate-stderr tsq-load --on-conflict error ohlcv more.csv
	assert_equal "$status" 65
	assert_regex "$stderr" 'read 5001, inserted 5000, updated 0, unchanged 0, duplicates 0, rejected 1'
	run -0 jq -r '[.line, .sqlstate] | @tsv' more.csv.rejects.jsonl
	assert_output "$(printf '5002\t23505')"
	tsq_psql -c "DELETE FROM ohlcv WHERE time < '2026-11-20'"
	# A reload: every row unchanged, found on the workers.
	PGOPTIONS="-c log_statement=all" run -0 --separate-stderr tsq-load -v ohlcv big.csv
	assert_regex "$stderr" "batches of 5000 rows or more staged straight on the workers' shards of \"public\".\"tsq_load_stage_[0-9]+\""
	assert_regex "$stderr" 'read 6000, inserted 0, updated 0, unchanged 6000, duplicates 0, rejected 0'
	for i in 1 2; do
		tail -n +"${from[i]}" "$TSQ_TEST_TMP/citus$((5432 + i))/log" >worker.log
		run -0 grep -c 'statement: COPY tsq_load_stage_[0-9]*_[0-9]* (.*) FROM STDIN' worker.log
	done
	# A hundred volumes changed and fifty new candles, the day before.
	{
		head -n 101 big.csv | awk -F, -v OFS=, 'NR > 1 { $7 = $7 + 1 } 1'
		sed -n '102,$p' big.csv
		sed -n 2,51p big.csv | sed 's/^2026-11-20/2026-11-19/'
	} >changed.csv
	run -0 --separate-stderr tsq-load -v ohlcv changed.csv
	assert_regex "$stderr" 'read 6050, inserted 50, updated 100, unchanged 5900, duplicates 0, rejected 0'
	run -0 tsq_psql -c "SELECT count(*), round(sum(volume)::numeric, 1) FROM ohlcv"
	assert_output "6050|$(sum changed.csv)"
	rows_where_citus_routes_them
	# Upserted into an empty table.  The file has no timeframe column: its
	# default, a constant, is filled in on the workers.
	tsq_psql -c "TRUNCATE ohlcv"
	run -0 --separate-stderr tsq-load -v ohlcv big.csv
	assert_regex "$stderr" 'inserted 6000, updated 0, unchanged 0 \(copied straight in: its time range was empty\)'
	assert_regex "$stderr" 'read 6000, inserted 6000, updated 0, unchanged 0, duplicates 0, rejected 0'
	run -0 tsq_psql -c "SELECT count(*), round(sum(volume)::numeric, 1), count(*) FILTER (WHERE timeframe = '1m') FROM ohlcv"
	assert_output "6000|$(sum big.csv)|6000"
	rows_where_citus_routes_them
	run -0 tsq_psql -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'tsq\_load\_stage%'"
	assert_output 0
	run -0 tsq_psql -c "SELECT sum(result::int) FROM run_command_on_workers(\$\$SELECT count(*) FROM pg_class WHERE relname LIKE 'tsq\\_load\\_stage%'\$\$)"
	assert_output 0
}

# Prepare, on the worker that holds SYMBOL's shard of ohlcv, a transaction
# named tsq_load_XID that inserts one candle of SYMBOL at TIME, as a load
# killed between its PREPARE and its COMMIT PREPARED leaves it.
prepare_on_worker() {
	local xid=$1 symbol=$2 time=$3 shard port
	read -r shard port < <(tsq_psql -F ' ' -c "SELECT shard_name('ohlcv', s), n.nodeport
	    FROM get_shard_id_for_distribution_column('ohlcv', '$symbol') s
	    JOIN pg_dist_placement p ON p.shardid = s JOIN pg_dist_node n ON n.groupid = p.groupid")
	tsq_psql -p "$port" -c "SET citus.enable_manual_changes_to_shards = on" -c "BEGIN" \
		-c "INSERT INTO $shard (time, symbol, open, high, low, close, volume) VALUES ('$time', '$symbol', 1, 2, 0.5, 1.5, 7)" \
		-c "PREPARE TRANSACTION 'tsq_load_$xid'" >/dev/null
}

prepared_on_workers() {
	tsq_psql -c "SELECT coalesce(string_agg(p.result, ' ' ORDER BY p.result), '') FROM run_command_on_workers(
	    \$\$SELECT coalesce(string_agg(gid, ' ' ORDER BY gid), '') FROM pg_prepared_xacts\$\$) p WHERE p.result <> ''"
}

@test "citus: rows a load left prepared on a worker are committed or rolled back as its coordinator transaction ended, by the next load or tsq-compress --run" {
	tsq_db_init
	tsq_psql -c "SELECT tsq.create_partitions('public', 'ohlcv', '2026-11-19', '2026-11-23')" >/dev/null
	# Three coordinator transactions: one committed, one rolled back, one
	# still open (a load still running); a part prepared on a worker for each.
	committed=$(tsq_psql -c "BEGIN" -c "SELECT pg_current_xact_id()" -c "COMMIT")
	aborted=$(tsq_psql -c "BEGIN" -c "SELECT pg_current_xact_id()" -c "ROLLBACK")
	mkfifo hold
	tsq_psql -c "BEGIN" -c "SELECT pg_current_xact_id()" -f hold >running &
	exec 8>hold
	wait_for 10 "an open transaction" '[ -s running ]'
	running=$(cat running)
	prepare_on_worker "$committed" BTC-USD 2026-11-20T00:00:00Z
	prepare_on_worker "$aborted" ETH-USD 2026-11-20T00:00:00Z
	prepare_on_worker "$running" SOL-USD 2026-11-20T00:00:00Z
	run -0 tsq_psql -c "SELECT count(*) FROM ohlcv"
	assert_output 0
	# Any load settles them before it writes: a small one here, through the coordinator.
	printf '%s\n' time,symbol,open,high,low,close,volume 2026-11-20T00:01:00Z,XRP-USD,1,2,0.5,1.5,3 >one.csv
	run -0 --separate-stderr tsq-load -v ohlcv one.csv
	assert_regex "$stderr" "committed the rows of an earlier batch left prepared on .*:543[34] \(tsq_load_$committed\)"
	assert_regex "$stderr" "rolled back the rows of an earlier batch left prepared on .*:543[34] \(tsq_load_$aborted\)"
	run -0 tsq_psql -c "SELECT string_agg(symbol || ' ' || volume, ', ' ORDER BY symbol) FROM ohlcv"
	assert_output "BTC-USD 7, XRP-USD 3"
	# The running one is left alone until its transaction ends.
	run -0 prepared_on_workers
	assert_output "tsq_load_$running"
	exec 8>&-
	wait
	# When no load comes, the cron job's tsq-compress --run settles them.
	run -0 --separate-stderr tsq-compress -v --run
	assert_regex "$stderr" "rolled back the rows of an earlier batch left prepared on .*:543[34] \(tsq_load_$running\)"
	run -0 prepared_on_workers
	assert_output ""
	run -0 tsq_psql -c "SELECT count(*) FROM ohlcv"
	assert_output 2
}

# Start tsq-load ARGS... on 12,000 candles (big.csv) in the background ($pid)
# and hold its first batch once both workers have prepared their parts: the
# batch's transaction on the coordinator records the days it wrote
# (tsq.touched) just before its commit, and a lock held there stops it.
# release_batch lets it go on.
hold_prepared_batch() {
	awk 'BEGIN { print "time,symbol,open,high,low,close,volume"
		for (m = 0; m < 1500; m++) for (k = 1; k <= 8; k++)
			printf "%d,S%d,%d,%d,%d,%d,%d\n", 1795132800 + 60 * m, k, 100 + k, 110 + k, 90 + k, 105 + k, m % 97 }' >big.csv
	mkfifo hold
	tsq_psql -c "BEGIN" -c "LOCK TABLE tsq.touched IN ACCESS EXCLUSIVE MODE" -c "SELECT 'locked'" -f hold >locked &
	exec 8>hold
	wait_for 10 "the lock" '[ -s locked ]'
	tsq-load "$@" ohlcv big.csv 2>err 8>&- &
	pid=$!
	wait_for 30 "the batch prepared on both workers" '[ "$(prepared_on_workers | wc -w)" = 2 ]'
}

release_batch() {
	exec 8>&-
	status=0
	wait "$pid" || status=$?
	wait
}

# The load again: it rolls back what is left prepared on NODES, and the
# table is then exactly the file.
load_after_rollback() {
	run -0 --separate-stderr tsq-load -v --on-conflict error ohlcv big.csv
	for port in "$@"; do
		assert_regex "$stderr" "rolled back the rows of an earlier batch left prepared on .*:$port \(tsq_load_[0-9]+\)"
	done
	assert_regex "$stderr" 'read 12000, inserted 12000, updated 0, unchanged 0, duplicates 0, rejected 0'
	run -0 tsq_psql -c "SELECT count(*), sum(volume) FROM ohlcv"
	assert_output "$(awk -F, 'NR > 1 { n++; v += $7 } END { print n "|" v }' big.csv)"
	run -0 prepared_on_workers
	assert_output ""
}

@test "citus: a load killed with its batch prepared on the workers leaves no row of it; the next load rolls the parts back and completes the table" {
	tsq_db_init
	hold_prepared_batch --on-conflict error
	kill -KILL "$pid"
	release_batch
	run -0 tsq_psql -c "SELECT count(*) FROM ohlcv"
	assert_output 0
	# The coordinator's transaction ended with its client: aborted.
	load_after_rollback 5433 5434
}

@test "citus: a worker lost between its prepare and the batch's commit: the batch fails whole, and once the worker is back the next load rolls its part back" {
	tsq_db_init
	hold_prepared_batch -v --retry 0 --on-conflict error
	worker stop 5434
	release_batch
	worker start 5434
	assert_equal "$status" 1
	run -0 cat err
	assert_line --regexp "^tsq-load: error: stopped: could not write the rows up to line [0-9]+: .*5434"
	# Nothing of the batch is in the table; its part on the lost worker
	# came back with it, prepared, and waits.
	run -0 tsq_psql -c "SELECT count(*) FROM ohlcv"
	assert_output 0
	run -0 prepared_on_workers
	assert_output --regexp '^tsq_load_[0-9]+$'
	load_after_rollback 5434
}

@test "citus: the coordinator's session lost before the batch's commit: its parts rolled back, and --retry writes the batch once on a new session" {
	tsq_db_init
	hold_prepared_batch -v --retry 60s --on-conflict error
	# The load's session on the coordinator waits for the lock: ended there.
	run -0 tsq_psql -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	                    WHERE wait_event_type = 'Lock' AND datname = current_database()"
	assert_output 1
	release_batch
	assert_equal "$status" 0
	run -0 cat err
	assert_line --regexp "^tsq-load: warning: connection lost: "
	assert_line --regexp 'read 12000, inserted 12000, updated 0, unchanged 0, duplicates 0, rejected 0'
	# Its commit was never sent: tsq-load rolled the parts back itself.
	refute_line --partial "an earlier batch left prepared"
	run -0 tsq_psql -c "SELECT count(*), sum(volume) FROM ohlcv"
	assert_output "$(awk -F, 'NR > 1 { n++; v += $7 } END { print n "|" v }' big.csv)"
	run -0 prepared_on_workers
	assert_output ""
}

@test "citus: a table whose shards are placed twice is staged through the coordinator, with the same counts" {
	tsq_db_init
	tsq_psql -c "CREATE TABLE quotes2 (symbol text, time timestamptz, bid double precision,
	             PRIMARY KEY (symbol, time))" \
		-c "SET citus.shard_replication_factor = 2" -c "SELECT create_distributed_table('quotes2', 'symbol')" >/dev/null
	printf '%s\n' symbol,time,bid A,2026-11-20T00:00:00Z,1 B,2026-11-20T00:00:00Z,2 C,2026-11-20T00:01:00Z,3 >q.csv
	run -0 --separate-stderr tsq-load quotes2 q.csv
	assert_regex "$stderr" 'read 3, inserted 3,'
	printf '%s\n' symbol,time,bid A,2026-11-20T00:00:00Z,1.5 B,2026-11-20T00:00:00Z,2 D,2026-11-20T00:02:00Z,4 >q2.csv
	run -0 --separate-stderr tsq-load -v quotes2 q2.csv
	assert_regex "$stderr" 'staging through the coordinator from now on: shard [0-9]+ of "public"."tsq_load_stage_[0-9]+" has more than one placement'
	assert_regex "$stderr" 'read 3, inserted 1, updated 1, unchanged 1, duplicates 0, rejected 0'
	run -0 tsq_psql -c "SELECT string_agg(symbol || '=' || bid, ' ' ORDER BY symbol) FROM quotes2"
	assert_output "A=1.5 B=2 C=3 D=4"
}

@test "citus: a role that may not create tables in the schema upserts all the same, staging on the coordinator, and leaves what it does not own to autovacuum" {
	tsq_db_init
	tsq_psql -c "SELECT tsq.create_partitions('public', 'ohlcv', '2026-11-19', '2026-11-23')" >/dev/null
	# PostgreSQL 15 lets no one but the owner create tables in public.
	tsq_psql -c "CREATE ROLE loader LOGIN" \
		-c "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, tsq TO loader" \
		-c "GRANT USAGE ON SCHEMA tsq TO loader" -c "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public, tsq TO loader" \
		-c "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tsq TO loader" >/dev/null
	run -0 --separate-stderr tsq-load -U loader ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	assert_equal "$stderr" 'tsq-load: "public"."ohlcv": read 1080, inserted 1080, updated 0, unchanged 0, duplicates 0, rejected 0; 1 batch in '"$(echo "$stderr" | sed -n 's/.*1 batch in //p')"
	{
		head -n 1 "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
		sed -n 2,6p "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv" | awk -F, -v OFS=, '{ $8 = $8 + 1 } 1'
		sed -n 7,9p "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	} >changed.csv
	run -0 --separate-stderr tsq-load -v -U loader ohlcv changed.csv
	assert_regex "$stderr" 'staging on the coordinator: permission denied for schema public'
	assert_regex "$stderr" 'read 8, inserted 0, updated 5, unchanged 3, duplicates 0, rejected 0'
	run -0 tsq_psql -c "SELECT count(*), round(sum(volume)::numeric, 4) FROM ohlcv"
	assert_output "1080|$(awk -F, 'NR > 1 { v += $8 } END { printf "%.4f", v + 5 }' "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv")"
	run -0 tsq_psql -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'tsq\_load\_stage%'"
	assert_output 0
	tsq_psql -c "DROP OWNED BY loader" -c "DROP ROLE loader" >/dev/null
}

@test "citus: bars from the rollups tsq-compress refreshes equal the bars from the candles" {
	tsq_db_init
	tsq-load -q ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	run -0 --separate-stderr tsq-compress --run
	run -0 tsq_psql -c "SELECT sum(candles) FROM ohlcv_5m"
	assert_output 1080
	# Every rollup for one symbol, every symbol for one: times equal, values
	# to 1e-9 (the rollups add the volumes in another order).
	for case in BTC-USD:5m BTC-USD:15m BTC-USD:1h BTC-USD:4h BTC-USD:1d ETH-USD:1h SOL-USD:1h; do
		args="symbol=${case%:*} interval=${case#*:} from=2026-11-19 to=2026-11-22"
		# shellcheck disable=SC2086
		tsq-query -F csv --no-header bars $args >auto.csv
		# shellcheck disable=SC2086
		tsq-query -F csv --no-header bars $args source=raw >raw.csv
		run awk -F, -v what="$case" '
			NR == FNR { split($0, w, ","); for (c = 1; c <= 7; c++) want[FNR, c] = w[c]; rows = FNR; next }
			{
				n++
				if ($1 != want[n, 1] || $2 != want[n, 2]) { bad++; print what " row " n ": " $0 }
				for (c = 3; c <= 7; c++) {
					t = want[n, c]; d = $c - t; if (d < 0) d = -d; m = t < 0 ? -t : t
					if (d > 1e-9 * (m > 1 ? m : 1)) { bad++; print what " row " n ", column " c ": " $c " vs " t }
				}
			}
			END { if (n != rows || n == 0) { print what ": " n " bars from the rollup, " rows " from the candles"; exit 1 }
			      exit bad > 0 }' raw.csv auto.csv
		assert_success
	done
	# The rollup is what the bars of an hour read.
	run -0 --separate-stderr tsq-query --explain bars symbol=BTC-USD interval=1h from=2026-11-19 to=2026-11-22
	assert_output --partial ohlcv_1h
}

# Hourly candles of four symbols over the last 14 UTC days, today's excluded.
recent_candles() {
	tsq_psql -c "COPY (SELECT t, s, 100 + h % 37, 102 + h % 37, 99 + h % 37, 101 + h % 37, h % 11 + 1
		FROM generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') - interval '14 days',
		                     date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 hour',
		                     interval '1 hour') WITH ORDINALITY AS g(ts, h),
		     LATERAL (SELECT ts AT TIME ZONE 'UTC' AS t) AS u,
		     unnest(ARRAY['AAA', 'BBB', 'CCC', 'DDD']) AS s)
		TO STDOUT (FORMAT csv, HEADER)" | sed '1s/.*/time,symbol,open,high,low,close,volume/'
}

# The access method of each partition of ohlcv, as Citus's time_partitions
# has it: "columnar N, heap N".
access_methods() {
	tsq_psql -c "SELECT string_agg(access_method || ' ' || n, ', ' ORDER BY access_method)
		FROM (SELECT access_method, count(*) AS n FROM time_partitions
		      WHERE parent_table = 'ohlcv'::regclass GROUP BY 1) AS a"
}

@test "citus: tsq-compress stores old partitions as Citus columnar, day by day, and a load into one still upserts" {
	tsq_db_init
	recent_candles >recent.csv
	tsq-load -q ohlcv recent.csv
	sums=$(tsq_psql -c "SELECT count(*), sum(volume), sum(close) FROM ohlcv")
	# The default policy: compress after 7 days.  Quiet on success.
	run -0 --separate-stderr tsq-compress --run ohlcv
	assert_output ""
	assert_equal "$stderr" ""
	# 21 partitions from tsq-init and the load (7 ahead); those that ended 7
	# days ago or more, columnar: on the coordinator and in every shard.
	assert_equal "$(access_methods)" "columnar 7, heap 15"
	run -0 tsq_psql -c "SELECT count(*) FROM time_partitions WHERE parent_table = 'ohlcv'::regclass
		AND (access_method = 'columnar') <> (to_value::timestamptz <= now() - interval '7 days')"
	assert_output 0
	run -0 tsq_psql -c "SELECT sum(r.result::int) FROM time_partitions p,
		LATERAL run_command_on_shards(p.partition,
			\$\$SELECT count(*) FROM pg_class c JOIN pg_am a ON a.oid = c.relam
			  WHERE c.oid = '%s'::regclass AND a.amname = 'columnar'\$\$) r
		WHERE p.parent_table = 'ohlcv'::regclass AND p.access_method = 'columnar'"
	assert_output $((7 * $(tsq_psql -c "SELECT current_setting('citus.shard_count')")))
	assert_equal "$(tsq_psql -c "SELECT count(*), sum(volume), sum(close) FROM ohlcv")" "$sums"
	# One record per partition, its size over the cluster after.
	run -0 tsq_psql -c "SELECT count(*), count(*) FILTER (WHERE bytes_after > 0) FROM tsq.policy_runs
		WHERE action = 'compress' AND status = 'ok' AND table_name = 'ohlcv'"
	assert_output "7|7"
	# A second run has nothing to do.
	run tsq-compress --run ohlcv
	assert_success
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM tsq.policy_runs WHERE action = 'compress'")" 7
	# An upsert into a compressed day: columnar takes none, so the day goes
	# back to heap first, and the next run compresses it again.
	day=$(tsq_psql -c "SELECT to_char(now() AT TIME ZONE 'UTC' - interval '10 days', 'YYYY-MM-DD')")
	printf 'time,symbol,open,high,low,close,volume\n%sT05:00:00Z,AAA,1,2,0.5,1.25,3\n%sT05:00:00Z,NEW,1,2,0.5,1.5,7\n' \
		"$day" "$day" >into.csv
	run -0 --separate-stderr tsq-load ohlcv into.csv
	assert_regex "$stderr" 'read 2, inserted 1, updated 1, unchanged 0'
	assert_equal "$(access_methods)" "columnar 6, heap 16"
	run -0 tsq_psql -c "SELECT close FROM ohlcv WHERE symbol = 'AAA' AND time = '${day}T05:00:00Z'"
	assert_output 1.25
	run tsq-compress --run -v ohlcv
	assert_success
	assert_line --partial "ok: compress partition public.ohlcv_p${day//-/_} of public.ohlcv"
	assert_equal "$(access_methods)" "columnar 7, heap 15"
	# --decompress takes a range back to heap.
	from=$(tsq_psql -c "SELECT to_char(now() AT TIME ZONE 'UTC' - interval '12 days', 'YYYY-MM-DD')")
	run tsq-compress --decompress=ohlcv --from="$from" --to="$day"
	assert_success
	assert_equal "$(access_methods)" "columnar 5, heap 17"
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM ohlcv")" $(( $(wc -l <recent.csv) - 1 + 1 ))
}

@test "citus: retention drops old partitions and premake creates days ahead with Citus's partition naming" {
	tsq_db_init
	recent_candles >recent.csv
	tsq-load -q ohlcv recent.csv
	tsq-compress --set-policy=ohlcv compress_after=off,drop_after=10d,premake=10d
	run -0 --separate-stderr tsq-compress --run ohlcv
	assert_equal "$stderr" ""
	# Nothing that ended more than 10 days ago is left; the 11 days ahead
	# (today and 10 more) exist, named as create_time_partitions names them.
	run -0 tsq_psql -c "SELECT count(*) FILTER (WHERE to_value::timestamptz <= now() - interval '10 days'),
		min(from_value::timestamptz) = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '10 days',
		max(to_value::timestamptz) = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '11 days',
		bool_and(partition::text = 'ohlcv_p' || to_char(from_value::timestamptz AT TIME ZONE 'UTC', 'YYYY_MM_DD'))
		FROM time_partitions WHERE parent_table = 'ohlcv'::regclass"
	assert_output "0|t|t|t"
	# The candles left: those of the last 10 whole days.
	run -0 tsq_psql -c "SELECT count(*), min(time) = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '10 days' FROM ohlcv"
	assert_output "960|t"
	run -0 tsq_psql -c "SELECT count(*) FROM tsq.policy_runs WHERE action = 'drop' AND status = 'ok' AND bytes_before > 0"
	assert_output 4
	run -0 tsq_psql -c "SELECT count(*) FROM tsq.policy_runs WHERE action = 'premake' AND status = 'ok'"
	assert_output 1
	# Again: nothing to do, nothing recorded.
	runs=$(tsq_psql -c "SELECT count(*) FROM tsq.policy_runs")
	run tsq-compress --run ohlcv
	assert_success
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM tsq.policy_runs")" "$runs"
}

@test "citus: tsq-stats reports rows, bytes and compression over the cluster, and node by node with --nodes" {
	tsq_db_init
	# Straight COPY into the shards (no upsert), the batches on kept connections.
	run -0 --separate-stderr tsq-load --on-conflict error --batch-size 200 ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	assert_regex "$stderr" 'read 1080, inserted 1080, updated 0, unchanged 0, duplicates 0, rejected 0; 6 batches'
	tsq-compress --compress=ohlcv --older-than=1d
	tsq_psql -c "ANALYZE ohlcv"
	# The overview's ohlcv line against Citus's own views: the shards' sizes
	# in citus_shards, the access methods in time_partitions, and the
	# columnar metadata of every shard.
	run -0 --separate-stderr tsq-stats -F csv ohlcv
	line=$(echo "$output" | awk -F, 'NR > 1 && $2 == "ohlcv" { print $5 "|" $9 "|" $10 "|" $11 "|" $15 }')
	want=$(tsq_psql -c "WITH parts AS (SELECT partition FROM time_partitions WHERE parent_table = 'ohlcv'::regclass),
		raw AS (SELECT sum(split_part(r.result, ',', 1)::numeric) AS before, sum(split_part(r.result, ',', 2)::numeric) AS after
		        FROM time_partitions p, LATERAL run_command_on_shards(p.partition,
		            \$\$SELECT coalesce(sum(value_decompressed_length), 0) || ',' || coalesce(sum(value_stream_length + exists_stream_length), 0)
		              FROM columnar.chunk WHERE relation = '%s'::regclass\$\$) r
		        WHERE p.parent_table = 'ohlcv'::regclass AND p.to_value::timestamptz > '2026-11-20' AND p.access_method = 'columnar')
		SELECT 1080 || '|' || (SELECT count(*) FROM parts) || '|'
		    || (SELECT count(*) FROM time_partitions WHERE parent_table = 'ohlcv'::regclass AND access_method = 'columnar') || '|'
		    || (SELECT sum(shard_size) FROM citus_shards WHERE table_name IN (SELECT partition FROM parts)) || '|'
		    || round(before / after, 2) FROM raw")
	assert_equal "$line" "$want"
	# Compressed partitions hold data: the ratio is a real one.
	run awk -F'|' '{ exit !($5 > 1) }' <<<"$line"
	assert_success
	# Node by node: the shards and bytes citus_shards places there, the rows
	# the workers hold, the distribution column.
	run -0 --separate-stderr tsq-stats --nodes -F csv --no-header ohlcv symbols
	want=$(tsq_psql -F, -c "SELECT 'public', t, nodename || ':' || nodeport, count(*), sum(shard_size)
		FROM (SELECT CASE WHEN table_name::text = 'symbols' THEN 'symbols' ELSE 'ohlcv' END AS t, *
		      FROM citus_shards WHERE table_name::text = 'symbols' OR table_name IN
		          (SELECT partition FROM time_partitions WHERE parent_table = 'ohlcv'::regclass)) s
		GROUP BY 1, 2, 3 ORDER BY 2, 3")
	assert_equal "$(echo "$output" | cut -d, -f1-5)" "$want"
	run awk -F, '$2 == "ohlcv" { rows += $6; n++; if ($9 != "symbol") bad++ } $2 == "symbols" && $9 != "" { bad++ }
		END { exit !(rows == 1080 && n == 2 && !bad) }' <<<"$output"
	assert_success
	# Prometheus: the same figures with a node label.
	run -0 --separate-stderr tsq-stats -F prometheus ohlcv
	for node in $(tsq_psql -c "SELECT nodename || ':' || nodeport FROM pg_dist_node WHERE noderole = 'primary' AND groupid > 0"); do
		bytes=$(tsq_psql -c "SELECT sum(shard_size) FROM citus_shards WHERE nodename || ':' || nodeport = '$node'
			AND table_name IN (SELECT partition FROM time_partitions WHERE parent_table = 'ohlcv'::regclass)")
		assert_line "tsq_node_table_size_bytes{database=\"$PGDATABASE\",schema=\"public\",table=\"ohlcv\",node=\"$node\"} $bytes"
	done
	# Elsewhere --nodes is unavailable: exit 69 (checked in tsq-stats.bats on
	# the single-server backends).
}

# Start or stop worker PORT of the test cluster.
worker() {
	local dir="$TSQ_TEST_TMP/citus$2"
	# From / : the server's user cannot enter the test's directory.
	if [ "$1" = stop ]; then
		(cd / && tsq_as_server "$(tsq_pg_bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null)
	else
		(cd / && tsq_as_server "$(tsq_pg_bindir)/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/log" start >/dev/null)
	fi
}

# A worker stops after two batches of BATCH rows are committed: exit 1
# naming the node, the committed batches kept, a rerun completing the load.
worker_stops_mid_load() {
	local batch=$1
	tsq_db_init
	# 2,000 minutes of 8 symbols, interleaved: every batch reaches both workers.
	awk 'BEGIN { print "time,symbol,open,high,low,close,volume"
		for (m = 0; m < 2000; m++) for (k = 1; k <= 8; k++) {
			p = 100 + k + (m % 97) / 10
			printf "%d,S%d,%.2f,%.2f,%.2f,%.2f,%d\n", 1795305600 + m * 60, k, p, p + 1, p - 1, p + 0.5, m % 13 } }' >all.csv
	mkfifo feed
	# --retry 0: the load stops at the failure (by default a pipe rides it out:
	# tsq-load-live.bats).
	tsq-load -v --batch-size "$batch" --retry 0 --checkpoint cp.json ohlcv - <feed 2>err &
	pid=$!
	exec 8>feed
	head -n $((2 * batch + 1)) all.csv >&8
	wait_for 10 "two batches committed" '[ -f cp.json ] && [ "$(jq -r ".files[\"-\"].line" cp.json)" -gt $((2 * batch)) ]'
	worker stop 5434
	# tsq-load stops reading at the failure: the rest may meet a closed pipe.
	tail -n +$((2 * batch + 2)) all.csv >&8 2>/dev/null || true
	status=0
	wait "$pid" || status=$?
	exec 8>&-
	worker start 5434
	assert_equal "$status" 1
	run -0 cat err
	assert_line --regexp "^tsq-load: error: stopped: could not write the rows up to line [0-9]+: connection to the remote node .*:5434 failed"
	assert_line --regexp "^tsq-load: detail: everything up to line [0-9]+ of stdin is committed$"
	# From 5,000 rows a batch, the rows went straight to the workers' shards.
	[ "$batch" -lt 5000 ] || assert_line --regexp "^tsq-load: batches of 5000 rows or more inserted straight into the workers' shards"
	line=$(grep -o 'up to line [0-9]* of stdin is committed' err | grep -o '[0-9]*')
	# Whole batches only: what is committed is exactly the lines before.  A
	# batch whose commit reached the coordinator while the worker went down
	# is prepared there (two-phase commit) and shows once Citus recovers it:
	# its maintenance daemon does within citus.recover_2pc_interval, this
	# test at once.
	tsq_psql -c "SELECT recover_prepared_transactions()" >/dev/null
	assert_equal "$(tsq_psql -c 'SELECT count(*) FROM ohlcv')" $((line - 1))
	# With the worker back, the load resumes from the checkpoint;
	# the table is then exactly the file, as one clean load leaves it.
	run -0 --separate-stderr tsq-load --checkpoint cp.json --resume ohlcv - <all.csv
	assert_regex "$stderr" "inserted $((16001 - line)), updated 0, unchanged 0"
	run -0 tsq_psql -c "SELECT count(*), count(DISTINCT symbol), sum(volume), round(sum(close::numeric), 2) FROM ohlcv"
	assert_output "$(awk -F, 'NR > 1 { n++; v += $7; c += $6; s[$2] = 1 } END { printf "%d|%d|%d|%.2f\n", n, length(s), v, c }' all.csv)"
	run -0 --separate-stderr tsq-load ohlcv all.csv
	assert_regex "$stderr" 'read 16000, inserted 0, updated 0, unchanged 16000'
	# A coordinator that cannot be reached is exit 2, before anything is read.
	run --separate-stderr tsq-load -p 5999 ohlcv all.csv
	assert_equal "$status" 2
	# No transaction left prepared on either worker.
	run -0 tsq_psql -c "SELECT sum(result::int) FROM run_command_on_workers('SELECT count(*) FROM pg_prepared_xacts')"
	assert_output 0
}

@test "citus: a worker that stops mid-load: exit 1 naming the node, committed batches kept, a rerun completes it exactly" {
	worker_stops_mid_load 1000
}

@test "citus: the same when the batches go straight to the workers' shards" {
	worker_stops_mid_load 5000
}
