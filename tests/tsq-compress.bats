#!/usr/bin/env bats
# tsq-compress on the backend named by TSQ_TEST_BACKEND: stored policies,
# --run (refresh, compress, drop, premake), the lock, the record of actions,
# the one-shot actions.  The data (load_hours, in the tests that act on
# data): hourly 1-minute candles of two symbols over the last 16 days, loaded
# with tsq-load (which records the days it wrote, for the rollups).

load lib/suite

setup() {
	suite_setup --keep
}

# The candles of the tests that act on data (called after their skip lines):
# one 1-minute candle an hour for AAA and BBB from midnight 16 days ago to now.
load_hours() {
	tsq_psql -c "COPY (SELECT t, s, 10 + g % 7, 12 + g % 7, 9 + g % 7, 11 + g % 5, 100 + g % 3
	                   FROM generate_series(date_trunc('day', now()) - interval '16 days', now(),
	                                        interval '1 hour') WITH ORDINALITY AS x(t, g),
	                        unnest(ARRAY['AAA', 'BBB']) AS s)
	             TO STDOUT WITH (FORMAT csv)" >"$BATS_TEST_TMPDIR/ohlcv.csv"
	tsq-load -q --no-header --columns time,symbol,open,high,low,close,volume ohlcv "$BATS_TEST_TMPDIR/ohlcv.csv"
}

# What the daily rollup must hold: the raw candles summed per day.
raw_days() {
	tsq_psql -c "SELECT to_char(d, 'YYYY-MM-DD'), symbol, sum(volume), count(*)
	             FROM (SELECT date_trunc('day', time) AS d, symbol, volume FROM ohlcv) x
	             GROUP BY 1, 2 ORDER BY 1, 2"
}

rollup_days() {
	tsq_psql -c "SELECT to_char(time, 'YYYY-MM-DD'), symbol, volume, candles FROM ohlcv_1d ORDER BY 1, 2"
}

# One line per chunk or partition of ohlcv: its range end and whether it is
# compressed (status bits, tsq_parts).
storage() {
	tsq_psql -c "SELECT range_end, status FROM $(tsq_parts ohlcv) ORDER BY 1"
}

@test "tsq-init stores the default policies; --show-policies prints them" {
	suite_fresh_schema
	run -0 --separate-stderr tsq-compress --show-policies -F csv
	# Partitions ahead: on plain PostgreSQL and Citus (TimescaleDB creates
	# chunks as rows arrive).
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then ahead=""; else ahead="7 days"; fi
	assert_equal "$(cut -d, -f1-6 <<<"$output")" "schema,table,compress_after,drop_after,refresh_window,premake
public,ohlcv,7 days,365 days,7 days,$ahead
public,quotes,2 days,90 days,,$ahead
public,trades,2 days,90 days,,$ahead"
	run -0 --separate-stderr tsq-compress --show-policies -F jsonl trades
	assert_regex "$output" '^\{"schema":"public","table":"trades","compress_after":"2 days","drop_after":"90 days","refresh_window":null,'
}

@test "--set-policy changes only the settings given; --remove-policy forgets the table" {
	suite_fresh_schema
	run -0 --separate-stderr tsq-compress --set-policy=ohlcv compress_after=36h,drop_after=off
	assert_equal "$stderr" ""
	run -0 tsq_psql -c "SELECT compress_after, drop_after IS NULL, refresh_window FROM tsq.policies WHERE table_name = 'ohlcv'"
	assert_output "1 day 12:00:00|t|7 days"
	run -0 --separate-stderr tsq-compress --remove-policy=ohlcv
	run -0 tsq_psql -c "SELECT count(*) FROM tsq.policies WHERE table_name = 'ohlcv'"
	assert_output 0
	refused 64 "tsq-compress: error: public.ohlcv has no stored policy" tsq-compress --remove-policy=ohlcv
	run --separate-stderr tsq-compress --run ohlcv
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "tsq-compress: error: public.ohlcv has no stored policy"
}

@test "a policy that cannot work is exit 64 with one line naming the conflict" {
	suite_fresh_schema
	refused 64 "tsq-compress: error: policy of public.ohlcv: compress_after (7d) is not shorter than drop_after (5d): chunks would be dropped before they were ever compressed" tsq-compress --set-policy=ohlcv drop_after=5d
	refused 64 "tsq-compress: error: policy of public.ohlcv: drop_after (7d) reaches into the rollups' refresh window: refresh_window (7d) plus the bucket of public.ohlcv_1d (1d) must end before raw data is dropped" tsq-compress --set-policy=ohlcv compress_after=3d,drop_after=7d
	refused 64 'tsq-compress: error: invalid value "0" for compress_after: expected a positive duration such as 7d or 12h, or off' tsq-compress --set-policy=ohlcv compress_after=0
	refused 64 'tsq-compress: error: unknown setting "keep": expected compress_after, drop_after, refresh_window or premake' tsq-compress --set-policy=ohlcv keep=3d
	refused 64 "tsq-compress: error: setting compress_after given twice" tsq-compress --set-policy=ohlcv compress_after=2d,compress_after=3d
	refused 64 'tsq-compress: error: table "nosuchtable" does not exist' tsq-compress --set-policy=nosuchtable compress_after=2d
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		refused 64 "tsq-compress: error: policy of public.ohlcv: premake applies to tables partitioned by time on plain PostgreSQL (TimescaleDB creates chunks as rows arrive)" tsq-compress --set-policy=ohlcv premake=3d
	fi
	# Nothing of a refused policy was stored.
	run -0 tsq_psql -c "SELECT compress_after, drop_after FROM tsq.policies WHERE table_name = 'ohlcv'"
	assert_output "7 days|365 days"
}

@test "--run refreshes the rollups, then drops exactly what is older than drop_after" {
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=off,drop_after=12d
	expected=$(raw_days)
	rows_before=$(tsq_psql -c "SELECT count(*) FROM ohlcv")
	run -0 --separate-stderr tsq-compress --run
	assert_equal "$stderr" ""
	# Every chunk or partition that ended 12 days ago or earlier is gone, no other.
	run -0 tsq_psql -c "SELECT count(*) FILTER (WHERE range_end <= now() - interval '12 days'),
	                        count(*) FILTER (WHERE range_end > now() - interval '12 days')
	                 FROM $(tsq_parts ohlcv)"
	assert_output --regexp '^0\|[1-9][0-9]*$'
	run -0 tsq_psql -c "SELECT min(time) >= now() - interval '13 days', min(time) < now() - interval '11 days' FROM ohlcv"
	assert_output "t|t"
	dropped=$(tsq_psql -c "SELECT $rows_before - count(*) FROM ohlcv")
	[ "$dropped" -gt 0 ]
	# The daily rollup still holds every day, the dropped ones included, and
	# every rollup still counts every candle (a bucket left unmaterialized
	# under the watermark would read as empty now that its rows are gone).
	assert_equal "$(rollup_days)" "$expected"
	for r in ohlcv_5m ohlcv_15m ohlcv_1h ohlcv_4h ohlcv_1d; do
		assert_equal "$r $(tsq_psql -c "SELECT sum(candles) FROM $r")" "$r $rows_before"
	done
	# Every action on ohlcv is recorded (on Citus the other tables' old
	# partitions, empty, are compressed too).
	run -0 tsq_psql -c "SELECT action, status, count(*) > 0 FROM tsq.policy_runs WHERE table_name LIKE 'ohlcv%' GROUP BY 1, 2 ORDER BY 1, 2"
	assert_output "drop|ok|t
refresh|ok|t"
}

@test "--run drops old trades only after the trade rollups hold them" {
	suite_fresh_schema
	# A trade every 10 minutes for 16 days, none refreshed yet.
	tsq_psql -c "COPY (SELECT date_trunc('day', now()) - INTERVAL '16 days' + g * INTERVAL '10 minutes', 'TT', 100 + g % 9, 1 + g % 4, g
	                   FROM generate_series(0, 16 * 144 - 1) g) TO STDOUT WITH (FORMAT csv)" >trades.csv
	tsq-load -q --no-header --columns time,symbol,price,size,trade_id trades trades.csv
	want=$(tsq-query -F csv --no-header bars symbol=TT interval=1d source=raw-trades from=-20d to=now)
	[ "$(echo "$want" | wc -l)" -eq 16 ]
	tsq-compress --set-policy=trades drop_after=12d
	run -0 --separate-stderr tsq-compress --run
	assert_equal "$stderr" ""
	run -0 tsq_psql -c "SELECT min(time) >= now() - interval '13 days', count(*) < 16 * 144 FROM trades"
	assert_output "t|t"
	# Every day's bar is still there, from the rollups, as before the drop.
	run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=TT interval=1d source=trades from=-20d to=now
	assert_equal "$output" "$want"
	assert_equal "$(tsq_psql -c "SELECT sum(trades) FROM trades_1d")" "$((16 * 144))"
}

@test "--run compresses exactly the chunks older than compress_after" {
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=7d
	sum_before=$(tsq_psql -c "SELECT count(*), sum(volume), sum(close) FROM ohlcv")
	run tsq-compress --run -v ohlcv
	assert_success
	if [ "$TSQ_TEST_KIND" = postgres ]; then
		assert_line --partial "tsq-compress: skipped compression of public.ohlcv: plain PostgreSQL has none"
		refused 69 "tsq-compress: error: --compress needs TimescaleDB, or Citus with citus_columnar: plain PostgreSQL has no compression" tsq-compress --compress=ohlcv --older-than=7d
		return
	fi
	# Compressed: the nine days from 16 days ago to 8 days ago, no other.
	run -0 tsq_psql -c "SELECT count(*) FILTER (WHERE range_end <= now() - interval '7 days' AND status <> 1),
	                        count(*) FILTER (WHERE range_end > now() - interval '7 days' AND status <> 0),
	                        count(*) FILTER (WHERE status = 1)
	                 FROM $(tsq_parts ohlcv)"
	assert_output "0|0|9"
	assert_equal "$(tsq_psql -c "SELECT count(*), sum(volume), sum(close) FROM ohlcv")" "$sum_before"
	# One record per chunk or partition, its size before and after.
	run -0 tsq_psql -c "SELECT count(*), bool_and(bytes_before > 0 AND bytes_after > 0) FROM tsq.policy_runs WHERE action = 'compress' AND status = 'ok'"
	assert_output "9|t"
}

@test "a second --run does nothing: no chunk touched, every refresh writes no row" {
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=7d,drop_after=12d
	tsq-compress --run
	before=$(storage)
	last=$(tsq_psql -c "SELECT max(id) FROM tsq.policy_runs")
	run -0 --separate-stderr tsq-compress --run -v
	# Only TimescaleDB re-checks its trailing window, and finds it up to date
	# (tsq refreshes the other backends' rollups over the days loaded since).
	checks=0
	for line in "${stderr_lines[@]}"; do
		[[ $line =~ ^tsq-compress:\ skipped\ compression\ of\ public\.[a-z]+:\ plain\ PostgreSQL\ has\ none$ ]] &&
			continue
		[[ $line =~ ^tsq-compress:\ ok:\ refresh\ rollup\ .*,\ 0\ rows\ written\ \( ]] ||
			fail "the second run did something: $line"
		checks=$((checks + 1))
	done
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then expected=5; else expected=0; fi
	assert_equal "$checks" "$expected"
	assert_equal "$(storage)" "$before"
	assert_equal "$(tsq_psql -c "SELECT count(*), count(*) FILTER (WHERE action = 'refresh' AND rows = 0)
	                             FROM tsq.policy_runs WHERE id > $last")" "$expected|$expected"
}

@test "--dry-run prints the actions and changes nothing" {
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=7d,drop_after=12d
	before=$(storage)
	rows=$(tsq_psql -c "SELECT count(*) FROM ohlcv")
	run -0 --separate-stderr tsq-compress --run --dry-run
	assert_line --regexp '^refresh rollup public\.ohlcv_5m over \['
	case $TSQ_TEST_KIND in
	timescaledb)
		assert_line --regexp '^compress chunk _timescaledb_internal\.[a-z_0-9]+ of public\.ohlcv \['
		assert_line --regexp '^drop chunk _timescaledb_internal\.[a-z_0-9]+ of public\.ohlcv \[' ;;
	citus)
		# Partitions named as Citus's create_time_partitions names them.
		assert_line --regexp '^compress partition public\.ohlcv_p[0-9]{4}_[0-9]{2}_[0-9]{2} of public\.ohlcv \['
		assert_line --regexp '^drop partition public\.ohlcv_p[0-9]{4}_[0-9]{2}_[0-9]{2} of public\.ohlcv \[' ;;
	*)
		assert_line --regexp '^drop partition public\.ohlcv_p[0-9]{8} of public\.ohlcv \[' ;;
	esac
	assert_equal "$(storage)" "$before"
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM ohlcv")" "$rows"
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM tsq.policy_runs")" 0
	if [ "$TSQ_TEST_KIND" != timescaledb ]; then
		assert_equal "$(tsq_psql -c "SELECT count(*) FROM ohlcv_1d")" 0
	fi
	# "12 days" is twelve days, as PostgreSQL writes it (it was once read as seconds).
	run -0 --separate-stderr tsq-compress --drop=ohlcv --older-than=12d --dry-run
	short=$output
	[ -n "$short" ]
	run -0 --separate-stderr tsq-compress --drop=ohlcv --older-than='12 days' --dry-run
	assert_equal "$output" "$short"
	run --separate-stderr tsq-compress --drop=ohlcv --older-than='12 days ago' --dry-run
	assert_equal "$status" 64
	run --separate-stderr tsq-compress --set-policy=ohlcv 'drop_after=1 month'
	assert_equal "$status" 64
}

@test "a backfill into compressed chunks is recompressed by the next --run" {
	tsq_compresses || skip "plain PostgreSQL has no compression"
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=7d
	tsq-compress --run
	# Half-hour candles into days that are compressed now.
	tsq_psql -c "COPY (SELECT t + interval '30 minutes', 'AAA', 1, 2, 0.5, 1.5, 7
	                   FROM generate_series(date_trunc('day', now()) - interval '12 days',
	                                        date_trunc('day', now()) - interval '10 days',
	                                        interval '1 hour') t)
	             TO STDOUT WITH (FORMAT csv)" >"$BATS_TEST_TMPDIR/backfill.csv"
	run tsq-load -q --no-header --columns time,symbol,open,high,low,close,volume ohlcv "$BATS_TEST_TMPDIR/backfill.csv"
	assert_success
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		# The new rows sit beside the compressed ones: partial chunks.
		run -0 tsq_psql -c "SELECT count(*) FROM $(tsq_parts ohlcv) WHERE status & 8 = 8"
		assert_output --regexp '^[1-9]'
		again="recompress chunk"
	else
		# Citus's columnar takes no upsert: the three days written are heap again.
		run -0 tsq_psql -c "SELECT count(*) FROM $(tsq_parts ohlcv) WHERE range_end <= now() - interval '7 days' AND status = 0"
		assert_output 3
		again="compress partition"
	fi
	run tsq-compress --run -v
	assert_success
	assert_line --regexp "ok: $again "
	run -0 tsq_psql -c "SELECT count(*) FROM $(tsq_parts ohlcv) WHERE range_end <= now() - interval '7 days' AND status <> 1"
	assert_output 0
	run -0 tsq_psql -c "SELECT count(*), sum(volume) FROM ohlcv WHERE volume = 7"
	assert_output "49|343"
	# The rollups saw the backfill (tsq-load recorded the days).
	run -0 tsq_psql -c "SELECT sum(volume) FROM ohlcv_1d WHERE symbol = 'AAA'"
	assert_output "$(tsq_psql -c "SELECT sum(volume) FROM ohlcv WHERE symbol = 'AAA'")"
}

@test "daily partitions: created ahead; --keep-tables detaches old ones" {
	[ "$TSQ_TEST_KIND" != timescaledb ] || skip "TimescaleDB creates chunks as rows arrive"
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv drop_after=12d,premake=20d
	rows=$(tsq_psql -c "SELECT count(*) FROM ohlcv")
	run tsq-compress --run --keep-tables -v ohlcv
	assert_success
	assert_line --regexp 'ok: premake partitions ahead'
	run -0 tsq_psql -c "SELECT tsq.has_partitions('public', 'ohlcv', now(), now() + interval '20 days')"
	assert_output t
	# The old partitions are tables of their own now, with their rows.
	detached=$(tsq_psql -c "SELECT string_agg(format('(SELECT count(*) FROM %I)', relname), ' + ')
	                        FROM pg_class WHERE relname LIKE 'ohlcv\_p%' AND relkind = 'r' AND NOT relispartition")
	[ -n "$detached" ]
	assert_equal "$(tsq_psql -c "SELECT (SELECT count(*) FROM ohlcv) + $detached")" "$rows"
	assert_equal "$(tsq_psql -c "SELECT min(time) >= now() - interval '13 days' FROM ohlcv")" t
	run -0 tsq_psql -c "SELECT count(*) FROM tsq.policy_runs WHERE action = 'detach' AND status = 'ok'"
	assert_output --regexp '^[1-9][0-9]*$'
}

@test "--log-format json writes one object per action" {
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv drop_after=12d
	run -0 --separate-stderr tsq-compress --run --log-format=json ohlcv
	assert_equal "$output" ""
	while IFS= read -r line; do
		assert_regex "$line" '^\{"program":"tsq-compress","level":"info","table":"public.ohlcv","action":"(refresh|compress|drop)","(rollup|chunk|partition)":"[^"]+","bytes_before":(null|[0-9]+),"bytes_after":(null|[0-9]+),"rows":(null|[0-9]+),"seconds":[0-9]+\.[0-9]+,"status":"ok","message":"ok: [^"]+"\}$'
	done <<<"$stderr"
	[ "$(grep -c '"action":"drop"' <<<"$stderr")" -gt 0 ]
}

@test "one-shot actions: --drop, --refresh, --decompress" {
	suite_fresh_schema
	load_hours
	run -0 --separate-stderr tsq-compress --drop=ohlcv --older-than=14d
	run -0 tsq_psql -c "SELECT min(time) >= now() - interval '15 days' FROM ohlcv"
	assert_output t
	run -0 --separate-stderr tsq-compress --refresh=ohlcv_1d --from=2000-01-01 --to=2100-01-01
	run --separate-stderr tsq-compress --refresh=ohlcv
	assert_equal "$status" 64
	assert_regex "$stderr" '^tsq-compress: error: public\.ohlcv is not a rollup'
	if tsq_compresses; then
		tsq-compress --compress=ohlcv --older-than=7d
		run tsq-compress --decompress=ohlcv --from=12d --to=9d -v
		assert_success
		assert_line --regexp 'ok: decompress (chunk|partition) '
		# The four days the window touches, from 12 days ago to 9 days ago.
		run -0 tsq_psql -c "SELECT count(*) FROM $(tsq_parts ohlcv)
		                 WHERE status = 0 AND range_end <= now() - interval '7 days'"
		assert_output 4
	fi
}

@test "rollups of days whose raw data was dropped are final: a late candle or a --refresh without a range leaves them" {
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=off,drop_after=12d
	tsq-compress --run
	before=$(rollup_days)
	fives=$(tsq_psql -c "SELECT count(*), sum(volume) FROM ohlcv_5m")
	# A late candle for a day already dropped (14 days ago), then the next run.
	day=$(tsq_psql -c "SELECT to_char(date_trunc('day', now()) - interval '14 days' + interval '30 minutes', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
	printf 'time,symbol,open,high,low,close,volume\n%s,AAA,1,1,1,1,1\n' "$day" >late.csv
	tsq-load -q ohlcv late.csv
	run -0 --separate-stderr tsq-compress --run
	# The day's bars are the ones made from all its candles, not from the late one.
	assert_equal "$(rollup_days)" "$before"
	assert_equal "$(tsq_psql -c "SELECT count(*), sum(volume) FROM ohlcv_5m")" "$fives"
	# The late row itself went with the next drop.
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM ohlcv WHERE time = '$day'")" 0
	# A refresh of a rollup without a range goes no further back than the drops,
	# and its log line says the range it covered.
	run -0 --separate-stderr tsq-compress -v --refresh=ohlcv_5m
	assert_regex "$stderr" 'refresh rollup public\.ohlcv_5m over \[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z, infinity\)'
	refute_regex "$stderr" 'over,'
	assert_equal "$(tsq_psql -c "SELECT count(*), sum(volume) FROM ohlcv_5m")" "$fives"
	run -0 --separate-stderr tsq-compress --refresh=ohlcv_1d --from=2000-01-01 --to=2100-01-01
	assert_equal "$(rollup_days)" "$before"
}

@test "a --run between two batches of one load: the later batch's days are refreshed too" {
	tsq_one_session && skip "PGlite takes one session at a time"
	suite_fresh_schema
	today=$(tsq_psql -c "SELECT to_char(date_trunc('day', now()), 'YYYY-MM-DD')")
	mkfifo feed
	tsq-load -q --batch-size 3 ohlcv feed 2>load.err &
	loader=$!
	exec 5>feed
	printf 'time,symbol,open,high,low,close,volume\n' >&5
	for m in 01 02 03; do printf '%sT00:%s:00Z,AAA,1,2,1,2,10\n' "$today" "$m" >&5; done
	wait_for 20 "the first batch" '[ "$(tsq_psql -c "SELECT count(*) FROM ohlcv")" = 3 ]'
	tsq-compress --run ohlcv
	# Later rows of the same day, in the same load, after the run.
	for m in 04 05 06; do printf '%sT00:%s:00Z,AAA,1,9,1,9,20\n' "$today" "$m" >&5; done
	exec 5>&-
	wait "$loader"
	tsq-compress --run ohlcv
	assert_equal "$(tsq_psql -c "SELECT high, close, volume, candles FROM ohlcv_1d WHERE symbol = 'AAA'")" \
		"$(tsq_psql -c "SELECT max(high), (array_agg(close ORDER BY time DESC))[1], sum(volume), count(*) FROM ohlcv WHERE symbol = 'AAA'")"
	assert_equal "$(tsq_psql -c "SELECT volume FROM ohlcv_1d WHERE symbol = 'AAA'")" 90
}

@test "--refresh of a rollup takes the lock of its raw table: it waits for no --run, it is refused" {
	tsq_one_session && skip "PGlite takes one session at a time"
	suite_fresh_schema
	oid=$(tsq_psql -c "SELECT 'public.ohlcv'::regclass::oid")
	tsq_psql -c "SELECT pg_advisory_lock(x'7473710000000000'::bigint + $oid), pg_sleep(30)" >/dev/null 2>&1 3>&- &
	holder=$!
	locks="SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory' AND objid = $oid"
	wait_for 10 "the lock" '[ "$(tsq_psql -c "$locks")" = 1 ]'
	run --separate-stderr tsq-compress --refresh=ohlcv_1h
	assert_equal "$status" 75
	assert_regex "$stderr" 'public\.ohlcv is being worked on by another run'
	kill "$holder" 2>/dev/null || true
	tsq_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$holder" 2>/dev/null || true
}

@test "a second run while one holds the table exits 75, or 0 with --skip-if-locked" {
	tsq_one_session && skip "PGlite takes one session at a time"
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv drop_after=12d
	oid=$(tsq_psql -c "SELECT 'public.ohlcv'::regclass::oid")
	tsq_psql -c "SELECT pg_advisory_lock(x'7473710000000000'::bigint + $oid), pg_sleep(30)" >/dev/null 2>&1 3>&- &
	holder=$!
	locks="SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory' AND objid = $oid"
	wait_for 10 "the lock held" '[ "$(tsq_psql -c "$locks")" = 1 ]'
	run --separate-stderr tsq-compress --run ohlcv
	assert_equal "$status" 75
	assert_regex "$stderr" '^tsq-compress: error: public\.ohlcv is being worked on by another run \(psql, server pid [0-9]+, connected 20[0-9-]+ '
	run -0 --separate-stderr tsq-compress --run --skip-if-locked ohlcv
	assert_equal "$stderr" ""
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM tsq.policy_runs")" 0
	kill "$holder" 2>/dev/null || true
	tsq_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$holder" 2>/dev/null || true
}

# A session holding the lock of one old chunk or partition until killed.
hold_one_old_chunk() {
	local target skip=0
	# On TimescaleDB one the compression reaches, not the oldest, which the
	# retention the tests set would drop first.
	[ "$TSQ_TEST_KIND" = timescaledb ] && skip=4
	target=$(tsq_psql -c "SELECT name FROM $(tsq_parts ohlcv) ORDER BY range_start OFFSET $skip LIMIT 1")
	# SHARE mode: reads (the rollups' refresh) go on, compressing and dropping wait.
	tsq_psql -c "BEGIN; LOCK TABLE $target IN SHARE MODE; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/holder"
	local held="SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND relation = '$target'::regclass AND mode = 'ShareLock' AND granted"
	wait_for 10 "the chunk's lock held" '[ "$(tsq_psql -c "$held")" = 1 ]'
}

release_chunk() {
	tsq_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$(cat "$BATS_TEST_TMPDIR/holder")" 2>/dev/null || true
}

@test "a chunk that cannot be handled is reported, the rest done, and the exit is 1" {
	tsq_one_session && skip "PGlite takes one session at a time"
	suite_fresh_schema
	load_hours
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		tsq-compress --set-policy=ohlcv compress_after=7d
	else
		tsq-compress --set-policy=ohlcv drop_after=12d
	fi
	hold_one_old_chunk
	run --separate-stderr tsq-compress --run --lock-timeout=200ms ohlcv
	release_chunk
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^tsq-compress: error: could not (compress|drop) (chunk|partition) .* of public\.ohlcv \[.*\): canceling statement due to lock timeout$'
	run -0 tsq_psql -c "SELECT status, count(*) > 1 FROM tsq.policy_runs WHERE action IN ('compress', 'drop') GROUP BY 1 ORDER BY 1"
	assert_output "failed|f
ok|t"
	# The next run finishes the job.
	run -0 --separate-stderr tsq-compress --run ohlcv
}

@test "a run killed half-way, then run again, ends where one run would" {
	tsq_one_session && skip "PGlite takes one session at a time"
	tsq_compresses || skip "plain PostgreSQL has no compression"
	suite_fresh_schema
	load_hours
	# What compresses one chunk or partition.
	if [ "$TSQ_TEST_KIND" = citus ]; then call=alter_table_set_access_method; else call=compress_chunk; fi
	tsq-compress --set-policy=ohlcv compress_after=7d
	hold_one_old_chunk
	tsq-compress --run ohlcv 3>&- &
	run_pid=$!
	waiting="SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%$call%'"
	wait_for 20 "the run waiting for the lock" '[ "$(tsq_psql -c "$waiting")" = 1 ]'
	kill -KILL "$run_pid"
	wait "$run_pid" 2>/dev/null || true
	release_chunk
	# The killed run's server session notices its client is gone and ends.
	oid=$(tsq_psql -c "SELECT 'public.ohlcv'::regclass::oid")
	locks="SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory' AND objid = $oid"
	wait_for 10 "the lock released" '[ "$(tsq_psql -c "$locks")" = 0 ]'
	run -0 --separate-stderr tsq-compress --run ohlcv
	run -0 tsq_psql -c "SELECT count(*) FROM $(tsq_parts ohlcv) WHERE range_end <= now() - interval '7 days' AND status <> 1"
	assert_output 0
	run -0 tsq_psql -c "SELECT count(*) FROM tsq.policy_runs WHERE status = 'interrupted'"
	assert_output 1
	run -0 tsq_psql -c "SELECT count(*) FROM ohlcv"
	assert_output "$(wc -l <"$BATS_TEST_TMPDIR/ohlcv.csv")"
}

# TimescaleDB's own policy jobs on ohlcv and its rollups: kind, target, the
# intervals of the config, whether scheduled.
native_jobs() {
	tsq_psql -c "SELECT proc_name, hypertable_name,
	                    coalesce(config ->> 'compress_after', config ->> 'drop_after',
	                             (config ->> 'start_offset') || '..' || (config ->> 'end_offset')),
	                    scheduled
	             FROM timescaledb_information.jobs
	             WHERE hypertable_name LIKE 'ohlcv%' ORDER BY 1, 2, 3"
}

@test "--native makes TimescaleDB's jobs match the stored policy, stale ones replaced" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's jobs"
	suite_fresh_schema
	# tsq-init makes no job; these, made by hand, are stale: compression
	# after 1 day instead of 7, a refresh job on ohlcv_5m over another window.
	tsq_psql -c "SELECT add_compression_policy('ohlcv', INTERVAL '1 day')" >/dev/null
	tsq_psql -c "SELECT add_continuous_aggregate_policy('ohlcv_5m', start_offset => INTERVAL '40 days',
	             end_offset => INTERVAL '20 days', schedule_interval => INTERVAL '1 hour')" >/dev/null
	run -0 --separate-stderr tsq-compress --set-policy=ohlcv refresh_window=10d --native -v
	assert_stderr_count 1 "compression on public.ohlcv, compress_after 1d"
	assert_stderr_count 1 "^tsq-compress: ok: delete job .*refresh of public.ohlcv_5m, start_offset 40d, end_offset 20d"
	run -0 native_jobs
	assert_output "policy_compression|ohlcv|7 days|t
policy_refresh_continuous_aggregate|ohlcv_15m|10 days..00:15:00|t
policy_refresh_continuous_aggregate|ohlcv_1d|10 days..1 day|t
policy_refresh_continuous_aggregate|ohlcv_1h|10 days..01:00:00|t
policy_refresh_continuous_aggregate|ohlcv_4h|10 days..04:00:00|t
policy_refresh_continuous_aggregate|ohlcv_5m|10 days..00:05:00|t
policy_retention|ohlcv|365 days|t"
	# Every change is recorded; a second sync finds nothing to do.
	run -0 tsq_psql -c "SELECT action, count(*) FROM tsq.policy_runs WHERE status = 'ok' GROUP BY 1 ORDER BY 1"
	assert_output "add job|7
delete job|2"
	# (Not with --run here: the scheduler is already running the new jobs,
	# and a run alongside them would meet their locks.)
	run -0 --separate-stderr tsq-compress --set-policy=ohlcv refresh_window=10d --native -v
	refute_regex "$stderr" "job"
	# Without --native the jobs there are kept in step with the policy, and
	# none is added: the retention job, once deleted, stays away.
	tsq-compress --set-policy=ohlcv compress_after=3d
	assert_equal "$(native_jobs | head -1)" "policy_compression|ohlcv|3 days|t"
	tsq_psql -c "SELECT delete_job(job_id) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'" >/dev/null
	tsq-compress --set-policy=ohlcv drop_after=400d
	assert_equal "$(native_jobs | grep -c policy_retention)" 0
	# Removing the policy with --native removes the jobs.
	run -0 --separate-stderr tsq-compress --remove-policy=ohlcv --native
	assert_equal "$(native_jobs)" ""
}

@test "tsq-compress --run leaves to TimescaleDB's scheduled jobs what they apply: one applier of each part of a policy" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's jobs"
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=3d,drop_after=12d --native
	# Scheduled, but not due before the test ends (held first: the scheduler
	# may have begun them, and their locks would meet the run's).
	tsq_hold_jobs
	tsq_psql -c "SELECT count(*) FROM timescaledb_information.jobs j, alter_job(j.job_id, scheduled => true, next_start => now() + INTERVAL '1 day')
	             WHERE j.job_id >= 1000" >/dev/null
	run -0 --separate-stderr tsq-compress --run -v ohlcv
	assert_regex "$stderr" "left the compression of public\.ohlcv to TimescaleDB's job [0-9]+"
	assert_regex "$stderr" "left the drops of public\.ohlcv to TimescaleDB's job [0-9]+"
	run -0 tsq_psql -c "SELECT count(*) FILTER (WHERE is_compressed), count(*) FILTER (WHERE range_end <= now() - INTERVAL '12 days')
	                    FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'"
	assert_output "0|4"
	# Paused jobs apply nothing: tsq-compress does it all again.
	tsq_psql -c "SELECT count(*) FROM timescaledb_information.jobs j, alter_job(j.job_id, scheduled => false)
	             WHERE j.job_id >= 1000" >/dev/null
	run -0 --separate-stderr tsq-compress --run ohlcv
	run -0 tsq_psql -c "SELECT count(*) FILTER (WHERE is_compressed) > 0, count(*) FILTER (WHERE range_end <= now() - INTERVAL '12 days')
	                    FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'"
	assert_output "t|0"
}

@test "--native: the refresh jobs it makes run in one transaction, and batched ones are replaced" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's jobs"
	suite_fresh_schema
	tsq-compress --set-policy=ohlcv refresh_window=10d --native
	# The same jobs in TimescaleDB's batches, as made by hand or by an
	# earlier tsq: replaced, and nothing else.
	tsq_psql -c "SELECT count(*) FROM timescaledb_information.jobs j, alter_job(j.job_id, config => j.config - 'buckets_per_batch')
	             WHERE j.proc_name = 'policy_refresh_continuous_aggregate'" >/dev/null
	run -0 --separate-stderr tsq-compress --set-policy=ohlcv refresh_window=10d --native -v
	assert_stderr_count 5 "^tsq-compress: ok: delete job [0-9]* (refresh of public.ohlcv_[0-9a-z]*, start_offset 10d, end_offset [0-9]*[mhd], in batches) ("
	assert_stderr_count 5 "^tsq-compress: ok: add job refresh of public.ohlcv_[0-9a-z]*, start_offset 10d, end_offset [0-9]*[mhd] ("
	assert_stderr_count 10 " job "
	# Each job stopped after its first transaction leaves every bucket of
	# its window in the rollup: with batches, only the newest ten would be.
	tsq_hold_jobs
	tsq_refresh_jobs_first_batch_only
	since=$(tsq_psql -c "SELECT date_trunc('day', now() - INTERVAL '9 days')")
	for spec in "ohlcv_5m:5 minutes" "ohlcv_15m:15 minutes" "ohlcv_1h:1 hour" "ohlcv_4h:4 hours" "ohlcv_1d:1 day"; do
		run tsq_rollup_agrees "${spec%%:*}" "${spec#*:}" "$since"
		assert_success
	done
}

@test "--native: TimescaleDB's scheduler runs the job it made" {
	[ "$TSQ_TEST_KIND" = timescaledb ] || skip "TimescaleDB's jobs"
	tsq_one_session && skip "PGlite has no background workers"
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=10d --native
	id=$(tsq_psql -c "SELECT job_id FROM timescaledb_information.jobs
	                  WHERE hypertable_name = 'ohlcv' AND proc_name = 'policy_compression'")
	tsq_psql -c "SELECT 1 FROM alter_job($id, next_start => now())" >/dev/null
	for _ in $(seq 1 120); do
		# total_runs counts a run from its start: wait for its end.  The
		# scheduler may also have started it on its own by then: count
		# what ended, not how often it ran.
		[ "$(tsq_psql -c "SELECT total_successes + total_failures > 0 FROM timescaledb_information.job_stats WHERE job_id = $id")" = t ] && break
		sleep 0.5
	done
	run -0 tsq_psql -c "SELECT total_successes > 0, total_failures FROM timescaledb_information.job_stats WHERE job_id = $id"
	assert_output "t|0"
	# Exactly the chunks that ended 10 days ago or earlier are compressed.
	run -0 tsq_psql -c "SELECT count(*) FILTER (WHERE range_end <= now() - INTERVAL '10 days' AND NOT is_compressed)
	                      + count(*) FILTER (WHERE range_end > now() - INTERVAL '10 days' AND is_compressed),
	                        count(*) FILTER (WHERE is_compressed) > 0
	                 FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'"
	assert_output "0|t"
}

@test "--native without TimescaleDB is exit 69; with a one-shot action exit 64" {
	suite_fresh_schema
	refused 64 "tsq-compress: error: --native goes with --run, --set-policy or --remove-policy" tsq-compress --compress=ohlcv --older-than=7d --native
	[ "$TSQ_TEST_KIND" != timescaledb ] || skip "this database has TimescaleDB"
	refused 69 "tsq-compress: error: --native needs TimescaleDB, and this database has no timescaledb extension" tsq-compress --run --native
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM tsq.policy_runs")" 0
}

@test "--run forgets records older than 90 days, but never an action's last success" {
	suite_fresh_schema
	load_hours
	tsq-compress --set-policy=ohlcv compress_after=off,drop_after=off
	# trades: an old success, then an old failure after it: both the last
	# success and what came after stay.  quotes: old records with a newer
	# success: they go.
	tsq_psql -c "INSERT INTO tsq.policy_runs (schema_name, table_name, action, status, started, finished) VALUES
	    ('public', 'trades', 'compress', 'ok', now() - interval '200 days', now() - interval '200 days'),
	    ('public', 'trades', 'compress', 'failed', now() - interval '150 days', now() - interval '150 days'),
	    ('public', 'quotes', 'compress', 'ok', now() - interval '300 days', now() - interval '300 days'),
	    ('public', 'quotes', 'compress', 'failed', now() - interval '120 days', now() - interval '120 days'),
	    ('public', 'quotes', 'compress', 'ok', now() - interval '100 days', now() - interval '100 days'),
	    ('public', 'quotes', 'compress', 'ok', now() - interval '10 days', now() - interval '10 days')"
	run -0 --separate-stderr tsq-compress --run --dry-run ohlcv
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM tsq.policy_runs WHERE table_name IN ('trades', 'quotes')")" 6
	run tsq-compress --run -v ohlcv
	assert_success
	assert_line --partial "forgot 3 records of runs older than 90 days"
	run -0 tsq_psql -c "SELECT table_name, status, extract(day FROM now() - finished)::int
	                 FROM tsq.policy_runs WHERE table_name IN ('trades', 'quotes') ORDER BY 1, 3 DESC"
	assert_output "quotes|ok|10
trades|ok|200
trades|failed|150"
}
