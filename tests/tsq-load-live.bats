#!/usr/bin/env bats
# tsq-load at the end of a pipe that never ends: rows written by time, a
# signal that loses nothing, a server restarted under a stream, a server
# that does not come back, and tsq-stats watching a live load.  On the
# backend named by TSQ_TEST_BACKEND (tests/run: PostgreSQL, TimescaleDB,
# Citus; PGlite where one session suffices).

load lib/suite

setup() {
	suite_setup
	# The test servers run with synchronous_commit off, for speed: a commit
	# they acknowledged may be lost in a crash.  A server as installed has
	# it on, and so do the loads these tests crash servers under.
	export PGOPTIONS="-c synchronous_commit=on"
}

# A table that says when each row reached the server: seen is filled by the
# server as the row is written, written by the producer.
make_feed() {
	tsq_psql -c "CREATE TABLE feed (id integer PRIMARY KEY, written timestamptz NOT NULL,
	             v integer, seen timestamptz DEFAULT clock_timestamp())"
	[ "$TSQ_TEST_BACKEND" != citus ] ||
		tsq_psql -c "SELECT create_distributed_table('feed', 'id')" >/dev/null
}

# produce N PAUSE: N JSON lines of feed, one every PAUSE seconds, each with
# the time it was written.
produce() {
	local i
	for i in $(seq 1 "$1"); do
		printf '{"id": %d, "written": "%s", "v": %d}\n' "$i" "$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)" $((i * 7))
		sleep "$2"
	done
}

# held N: tsq-load reading a FIFO, feed.fifo, with N rows read and held (the
# flush interval is an hour), its pid in $pid, the writing end open on fd 5,
# its messages in err and its counts in s.json.
held() {
	rm -f feed.fifo s.json
	mkfifo feed.fifo
	tsq-load -v --flush-interval 1h --status-interval 100ms --stats s.json feed feed.fifo 2>err &
	pid=$!
	exec 5>feed.fifo
	produce "$1" 0 >&5
	wait_for 10 "the rows read" "grep -q 'status: read $1, committed 0' err"
}

@test "a row every 100 ms is in the table within the flush interval and a second of its writing" {
	make_feed
	produce 40 0.1 | tsq-load -q --flush-interval 300ms feed
	assert_equal "$(tsq_psql -c 'SELECT count(*), sum(v) FROM feed')" "40|5740"
	# Each row's delay, measured: from its writing to the server taking it.
	delays=$(tsq_psql -c "SELECT round(extract(epoch FROM max(seen - written))::numeric, 3),
	                             round(extract(epoch FROM avg(seen - written))::numeric, 3) FROM feed")
	echo "# delay from writing to the table, max|mean: $delays s" >&3
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM feed WHERE seen - written > interval '1.3 s'")" 0
	# And the rows did not all wait for the end: several batches, by time.
	assert [ "$(tsq_psql -c 'SELECT count(DISTINCT date_trunc('\''second'\'', seen)) FROM feed')" -gt 3 ]
}

@test "a file is written by size as before; a pipe by time unless --flush-interval off" {
	make_feed
	produce 5 0 >five.jsonl
	run -0 --separate-stderr tsq-load -v feed five.jsonl
	assert_regex "$stderr" 'read 5, inserted 5, .* 1 batch in'
	refute_regex "$stderr" 'status:'
	tsq_psql -c "TRUNCATE feed"
	# Off: one batch at the end, whatever the waits.
	run -0 --separate-stderr sh -c "{ head -2 five.jsonl; sleep 1.5; tail -3 five.jsonl; } | tsq-load -v --flush-interval off feed"
	assert_regex "$stderr" 'read 5, inserted 5, .* 1 batch in'
	tsq_psql -c "TRUNCATE feed"
	run -0 --separate-stderr sh -c "{ head -2 five.jsonl; sleep 1.5; tail -3 five.jsonl; } | tsq-load -v --flush-interval 500ms --status-interval 1s feed"
	assert_regex "$stderr" 'batch 1: up to line 2:'
	assert_regex "$stderr" 'read 5, inserted 5, .* 2 batches in'
	# A status line with -v, and as a JSON record with --log-format json.
	assert_regex "$stderr" 'status: read 2, committed 2, rejected 0, duplicates 0, held 0;'
	tsq_psql -c "TRUNCATE feed"
	run -0 --separate-stderr sh -c "{ head -2 five.jsonl; sleep 1.3; tail -3 five.jsonl; } | tsq-load --log-format json --flush-interval 300ms --status-interval 1s feed"
	assert_equal "$(echo "$stderr" | jq -c 'select(.message | startswith("status")) | [.read, .committed]' | head -1)" "[2,2]"
}

@test "SIGTERM, SIGINT or SIGHUP after N rows of a pipe: all N written, the summary balances, 143, 130, 129" {
	make_feed
	for sig in TERM INT HUP; do
		tsq_psql -c "TRUNCATE feed"
		held 25
		kill -$sig $pid
		status=0
		wait $pid || status=$?
		exec 5>&-
		case $sig in TERM) want=143 ;; INT) want=130 ;; HUP) want=129 ;; esac
		assert_equal "$status" "$want"
		assert_equal "$(tsq_psql -c 'SELECT count(*), sum(v) FROM feed')" "25|2275"
		assert_equal "$(jq -c '[.read, .inserted, .pending, .stopped]' s.json)" '[25,25,0,"interrupted"]'
		grep -q 'interrupted: every row read is accounted for, up to line 25' err
	done
}

@test "a second signal gives up at once: what was not written goes to the pending file, which loads later" {
	make_feed
	held 30
	kill -TERM $pid
	kill -TERM $pid
	status=0
	wait $pid || status=$?
	exec 5>&-
	assert_equal "$status" 143
	# Every row read is in the table or the pending file, and the figures say so.
	in_table=$(tsq_psql -c 'SELECT count(*) FROM feed')
	pending=$(jq -r .pending s.json)
	assert_equal "$((in_table + pending))" 30
	assert_equal "$(jq -r .read s.json)" 30
	if [ "$pending" -gt 0 ]; then
		assert_equal "$(wc -l <feed.fifo.pending.jsonl)" "$pending"
		assert_equal "$(jq -r .error feed.fifo.pending.jsonl | sort -u)" "not written: interrupted before it was written"
		tsq-load -q --format rejects feed feed.fifo.pending.jsonl
	fi
	assert_equal "$(tsq_psql -c 'SELECT count(*), sum(v) FROM feed')" "30|3255"
}

# A stream of N rows, one every 20 ms, into feed with --on-conflict MODE,
# with the server (or Citus node PORT) restarted as a crash after 1 s.
stream_through_restart() {
	local mode=$1 port=${2:-}
	tsq_psql -c "TRUNCATE feed"
	rm -f stdin.*
	{ produce 150 0.02; } | tsq-load --on-conflict "$mode" --flush-interval 100ms feed 2>err &
	local pid=$!
	sleep 1
	tsq_server restart $port
	local status=0
	wait $pid || status=$?
	sed "s/^/# /" err >&3
	assert_equal "$status" 0
	# Exactly the input: no row lost, none twice (a batch written twice with
	# --on-conflict error would have its rows rejected).
	assert_equal "$(tsq_psql -c 'SELECT count(*), count(DISTINCT id), sum(v) FROM feed')" "150|150|79275"
	assert_file_not_exists stdin.rejects.jsonl
	grep -q 'connection lost' err
}

@test "a server restarted under a stream: the stream goes on, the table ends as the input, with update and with error" {
	tsq_one_session && skip "PGlite cannot be restarted"
	make_feed
	if [ "$TSQ_TEST_BACKEND" = citus ]; then
		# A worker first, then the coordinator.
		stream_through_restart update 5433
		stream_through_restart error 5434
		stream_through_restart error 5432
	else
		stream_through_restart update
		stream_through_restart error
	fi
}

@test "a server that stays down past --retry: exit 75; table, reject file and pending file hold the input" {
	tsq_one_session && skip "PGlite cannot be stopped"
	make_feed
	mkfifo feed.fifo
	tsq-load --retry 2s --flush-interval 100ms --stats s.json feed feed.fifo 2>err &
	pid=$!
	exec 5>feed.fifo
	produce 20 0.02 >&5
	wait_for 10 "the first rows" '[ "$(tsq_psql -c "SELECT count(*) FROM feed")" = 20 ]'
	tsq_server stop
	produce 10 0.02 | sed 's/"id": \([0-9]*\)/"id": 2\1/' >&5
	status=0
	wait $pid || status=$?
	exec 5>&-
	tsq_server start
	sed "s/^/# /" err >&3
	assert_equal "$status" 75
	grep -q 'the server did not come back within --retry (2 s)' err
	assert_equal "$(jq -c '[.read, .inserted, .pending]' s.json)" "[30,20,10]"
	assert_equal "$(jq -r .record feed.fifo.pending.jsonl | jq -r .id | tr '\n' ' ')" \
		"21 22 23 24 25 26 27 28 29 210 "
	# Loaded later, the pending file completes the table exactly.
	run -0 --separate-stderr tsq-load --format rejects feed feed.fifo.pending.jsonl
	assert_equal "$(tsq_psql -c 'SELECT count(*) FROM feed')" 30
}

@test "tsq-stats shows the last insert moving while a stream writes" {
	tsq_one_session && skip "PGlite takes one session at a time"
	tsq_db_init
	mkfifo t.fifo
	tsq-load -q --flush-interval 200ms trades t.fifo &
	pid=$!
	exec 5>t.fifo
	printf 'time,symbol,price,size,trade_id\n' >&5
	printf '2026-12-01T00:00:01Z,X,1,1,1\n' >&5
	wait_for 10 "the first write" '[ -n "$(tsq-stats -F csv --no-header | awk -F, '\''$2 == "trades" { print $17 }'\'')" ]'
	first=$(tsq-stats -F csv --no-header | awk -F, '$2 == "trades" { print $17 }')
	sleep 1.1
	printf '2026-12-01T00:00:02Z,X,1,1,2\n' >&5
	wait_for 10 "the second write" '[ "$(tsq-stats -F csv --no-header | awk -F, '\''$2 == "trades" { print $17 }'\'')" != "$first" ]'
	exec 5>&-
	wait $pid
	# The Prometheus gauge too.
	run -0 --separate-stderr tsq-stats -F prometheus
	assert_line --regexp '^tsq_table_last_insert_timestamp_seconds\{database="[^"]*",schema="public",table="trades"\} [0-9.]+(e\+[0-9]+)?$'
}
