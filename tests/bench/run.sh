#!/bin/bash
# make bench: tsq against the tools its users would pick instead, measured
# side by side in one run, on plain PostgreSQL 15, on native TimescaleDB, and
# through a Citus coordinator (the load and the streamed query only: with the
# coordinator and both workers on this one machine it measures what tsq adds,
# not how a cluster scales).
#
# Every comparison is a series of rounds; in each round every contender runs
# once, in turn (A B A B ...), so that whatever else the machine is doing
# falls on all of them alike.  The tables give medians and ranges, and each
# ratio is the median of the per-round ratios with their range.  Peak RSS and
# CPU seconds are the client's.
#
#   BENCH_ROWS       rows of 1-minute OHLCV to generate (default 1000000)
#   BENCH_RUNS       rounds per comparison (default 5)
#   BENCH_BACKENDS   default: "postgres timescaledb citus" (those installed)
#   BENCH_DIR        where to put the data (default: a temporary directory)
#   BENCH_SECTIONS   default: "load query bars trades stats compress memory indicators live"
#                    (compress: TimescaleDB only)
#   BENCH_INDICATORS the indicators section's queries (default: all of them)
#   BENCH_TRADES     trades of the trades section (default 10000000)
set -euo pipefail
: "${TSQ_BUILD:?TSQ_BUILD must name the build directory}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$TSQ_BUILD:$PATH"
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-5}
SYMBOLS=20
INSERT_ROWS=20000
source "$ROOT/tests/lib/db.bash"
source "$ROOT/tests/bench/lib.bash"

DATA=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tsq-bench.XXXXXX")}
mkdir -p "$DATA"
chmod 755 "$DATA"
# The data may be kept between runs (BENCH_DIR); the timings are this run's.
: >"$DATA/runs"
trap 'tsq_db_stop >/dev/null 2>&1 || true' EXIT
bench_generate "$DATA" "$ROWS" "$SYMBOLS" "$INSERT_ROWS"

COPY_COLS="time, symbol, open, high, low, close, volume, trades"
SQL="SELECT $COPY_COLS FROM ohlcv"

empty() { tsq_psql -c "TRUNCATE ohlcv" -c "CHECKPOINT" >/dev/null; }
count_is() { [ "$(tsq_psql -c 'SELECT count(*) FROM ohlcv')" -ge "$1" ] || echo "bench: ohlcv holds fewer than $1 rows" >&2; }

load_section() {
	local r
	echo "loading ($RUNS rounds)..." >&2
	for r in $(seq 1 "$RUNS"); do
		empty; bench_run load "psql \\copy (csv)" "$ROWS" psql -X -q -c "\\copy ohlcv ($COPY_COLS) FROM '$DATA/ohlcv.csv' (FORMAT csv, HEADER)"
		empty; bench_run load "tsq-load --on-conflict error" "$ROWS" tsq-load -q --on-conflict error ohlcv "$DATA/ohlcv.csv"
		empty; bench_run load "tsq-load (upsert, empty table)" "$ROWS" tsq-load -q ohlcv "$DATA/ohlcv.csv"
		count_is "$ROWS"
		bench_run load "tsq-load (reload, all unchanged)" "$ROWS" tsq-load -q ohlcv "$DATA/ohlcv.csv"
		empty; bench_run load "tsq-load (JSON lines, upsert)" "$ROWS" tsq-load -q ohlcv "$DATA/ohlcv.jsonl"
		count_is "$ROWS"
	done
	# Far behind, and slow: one run each.
	empty; bench_run load "pgloader (csv), one run" "$ROWS" pgloader --quiet "$DATA/pgloader.load"
	empty; bench_run load "INSERT per row ($INSERT_ROWS rows), one run" "$INSERT_ROWS" psql -X -q -f "$DATA/inserts.sql"
	bench_table load "psql \\copy (csv)" "tsq-load: $ROWS rows, $SYMBOLS symbols, 1-minute OHLCV into ohlcv (primary key; $(bench_layout)), $(bench_server)"
	if [ "$TSQ_TEST_KIND" = citus ]; then
		# Through a coordinator every row passes: what it spends on each
		# is what limits a cluster.
		bench_target load "tsq-load --on-conflict error" ">=" 1.2
		bench_target load "tsq-load (upsert, empty table)" ">=" 1.0
		bench_target load "tsq-load (reload, all unchanged)" ">=" 1.0
		bench_server_cpu_target load "tsq-load --on-conflict error" 0.7
		bench_server_cpu_target load "tsq-load (upsert, empty table)" 0.7
		bench_server_cpu_target load "tsq-load (reload, all unchanged)" 0.7
	else
		bench_target load "tsq-load --on-conflict error" ">=" 1.3
		bench_target load "tsq-load (upsert, empty table)" ">=" 1.2
		bench_target load "tsq-load (reload, all unchanged)" ">=" 1.0
	fi
	bench_cpu_target load "tsq-load --on-conflict error" 1.0
	bench_cpu_target load "tsq-load (JSON lines, upsert)" 1.2
	bench_peak_target load tsq-load 32
}

query_section() {
	local r
	echo "reading ($RUNS rounds)..." >&2
	empty
	tsq-load -q ohlcv "$DATA/ohlcv.csv"
	tsq_psql -c "VACUUM ANALYZE ohlcv" >/dev/null
	for r in $(seq 1 "$RUNS"); do
		bench_run query "COPY (...) TO STDOUT (csv) via psql" "$ROWS" psql -X -q -c "COPY ($SQL) TO STDOUT (FORMAT csv, HEADER)"
		bench_run query "psql --csv" "$ROWS" psql -X -q --csv -c "$SQL"
		bench_run query "psql --csv, FETCH_COUNT=5000" "$ROWS" psql -X -q --csv -v FETCH_COUNT=5000 -c "$SQL"
		bench_run query "tsq-query -F csv" "$ROWS" tsq-query -F csv -c "$SQL"
		bench_run query "tsq-query -F jsonl" "$ROWS" tsq-query -F jsonl -c "$SQL"
	done
	bench_table query "COPY (...) TO STDOUT (csv) via psql" "tsq-query: all $ROWS rows of ohlcv to a file, $(bench_server)"
	if [ "$TSQ_TEST_KIND" = citus ]; then
		bench_target query "tsq-query -F csv" ">=" 0.95
	else
		bench_target query "tsq-query -F csv" ">=" 0.9
	fi
	bench_target query "tsq-query -F jsonl" ">=" 0.75
	bench_peak_target query tsq-query 16
}

# Hourly bars of one symbol over 30 days: from the 1-hour rollup against the
# 1-minute candles, by the query's own time (--timing), so that starting the
# process and connecting, the same for both, do not hide the difference.
bars_section() {
	local r to
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		for r in ohlcv_5m ohlcv_15m ohlcv_1h ohlcv_4h ohlcv_1d; do
			tsq_psql -c "CALL refresh_continuous_aggregate('$r', NULL, NULL)"
		done
	else
		for r in ohlcv_5m ohlcv_15m ohlcv_1h ohlcv_4h ohlcv_1d; do
			tsq_psql -c "SELECT tsq.refresh_rollup('public', '$r', NULL, NULL)" >/dev/null
		done
	fi
	tsq_psql -c "ANALYZE" >/dev/null
	to=$(tsq_psql -c "SELECT to_char(timestamptz '$FIRST' + interval '30 days', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
	for r in $(seq 1 "$RUNS"); do
		bench_timed bars "bars from the rollup" tsq-query --timing -F csv bars symbol=SYM00-USD interval=1h from="$FIRST" to="$to"
		cp "$DATA/out" "$DATA/bars.rollup"
		bench_timed bars "bars from the 1-minute candles" tsq-query --timing -F csv bars symbol=SYM00-USD interval=1h from="$FIRST" to="$to" source=raw
		cp "$DATA/out" "$DATA/bars.raw"
	done
	# Sums of doubles added in another order may differ in the last digits.
	norm() { awk -F, -v OFS=, 'NR > 1 { $7 = sprintf("%.6f", $7) } { print }' "$1"; }
	local same="the same bars"
	[ "$(norm "$DATA/bars.rollup")" = "$(norm "$DATA/bars.raw")" ] || same="DIFFERENT bars"
	bench_table bars "bars from the 1-minute candles" "bars: 1-hour bars of one symbol over 30 days ($(($(wc -l <"$DATA/bars.rollup") - 1)) bars, $same), query time, $(bench_server)"
	bench_target bars "bars from the rollup" ">=" 20
}

# Candles from trades: BENCH_TRADES (default 10 million) trades of one
# symbol over 30 days, made by the server.  One symbol's 1-minute bars over
# the 30 days from the trade rollup (trades_1m) against the raw trades, by
# the query's own time; then a day of trades more, loaded by tsq-load, and
# what tsq-compress --run takes to refresh the three trade rollups over it
# (compression and drops off, so that the refresh is all it does).
trades_section() {
	local n=${BENCH_TRADES:-10000000} r from to day
	from=$(tsq_psql -c "SELECT to_char(date_trunc('day', now()) - interval '40 days', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
	to=$(tsq_psql -c "SELECT to_char(timestamptz '$from' + interval '30 days', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
	tsq_psql -c "SELECT tsq.create_partitions('public', 'trades', '$from', timestamptz '$to' + interval '2 days')" \
		>/dev/null 2>&1 || true
	tsq_psql -c "DELETE FROM trades WHERE symbol = 'TRD'" >/dev/null
	tsq_psql -c "INSERT INTO trades (time, symbol, price, size, trade_id)
	             SELECT timestamptz '$from' + g * (interval '30 days' / $n), 'TRD',
	                    100 + 5 * sin(g / 50000.0) + (g % 13) / 100.0, 1 + g % 7, g
	             FROM generate_series(0, $n - 1) g" >/dev/null
	tsq_psql -c "ANALYZE trades" >/dev/null
	tsq-compress -q --set-policy=trades compress_after=off,drop_after=off
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		for r in trades_1m trades_1h trades_1d; do
			tsq_psql -c "CALL refresh_continuous_aggregate('$r', NULL, NULL)"
		done
	else
		for r in trades_1m trades_1h trades_1d; do
			tsq_psql -c "SELECT tsq.refresh_rollup('public', '$r', NULL, NULL)" >/dev/null
		done
	fi
	tsq_psql -c "ANALYZE" >/dev/null
	for r in $(seq 1 "$RUNS"); do
		bench_timed trades "bars from trades_1m" tsq-query --timing -F csv bars symbol=TRD interval=1m from="$from" to="$to" source=trades
		cp "$DATA/out" "$DATA/tbars.rollup"
		bench_timed trades "bars from the raw trades" tsq-query --timing -F csv bars symbol=TRD interval=1m from="$from" to="$to" source=raw-trades
		cp "$DATA/out" "$DATA/tbars.raw"
	done
	local same="the same bars"
	cmp -s "$DATA/tbars.rollup" "$DATA/tbars.raw" || same="DIFFERENT bars"
	bench_table trades "bars from the raw trades" "trades: 1-minute bars of one symbol over 30 days from $n trades ($(($(wc -l <"$DATA/tbars.rollup") - 1)) bars, $same), query time, $(bench_server)"
	bench_target trades "bars from trades_1m" ">=" 20
	# A day of trades more, as a feed's backfill, then the refresh.
	day=$((n / 30))
	tsq_psql -c "COPY (SELECT timestamptz '$to' + g * (interval '1 day' / $day), 'TRD', 100 + (g % 13) / 100.0, 1 + g % 7, $n + g
	                   FROM generate_series(0, $day - 1) g) TO STDOUT WITH (FORMAT csv)" >"$DATA/trades-day.csv"
	tsq-load -q --no-header --columns time,symbol,price,size,trade_id trades "$DATA/trades-day.csv"
	bench_run refresh "tsq-compress --run: trade rollups after a day of $day trades" "$day" tsq-compress --run trades
	tsq_psql -c "DELETE FROM trades WHERE symbol = 'TRD'" >/dev/null
}

# What is in the table: tsq-stats' overview (catalog, statistics, an index
# probe per end of the time range) against the hand-written count users run
# for the same facts, and against itself with --exact, on BENCH_STATS_ROWS
# (default 10 million) candles made by the server; then the quality checks
# over the last day.  The usual rows are loaded back afterwards.
stats_section() {
	local r n=${BENCH_STATS_ROWS:-10000000}
	echo "making $n candles for the report..." >&2
	tsq_psql -c "SELECT tsq.create_partitions('public', 'ohlcv', '2025-01-01',
	                 timestamptz '2025-01-02' + ($n / $SYMBOLS) * interval '1 minute')" >/dev/null 2>&1 || true
	tsq_psql -c "TRUNCATE ohlcv" \
		-c "INSERT INTO ohlcv (time, symbol, open, high, low, close, volume, trades)
		    SELECT timestamptz '2025-01-01' + (i / $SYMBOLS) * interval '1 minute',
		           format('SYM%s-USD', lpad((i % $SYMBOLS)::text, 2, '0')),
		           100 + i % 7, 107, 99, 100 + (i + 3) % 7, 10 + i % 3, 1 + i % 9
		    FROM generate_series(0, $n - 1) AS i" >/dev/null
	tsq_psql -c "VACUUM ANALYZE ohlcv" >/dev/null
	local last
	last=$(tsq_psql -c "SELECT max(time) - interval '1 day' FROM ohlcv")
	echo "reporting ($RUNS rounds)..." >&2
	for r in $(seq 1 "$RUNS"); do
		bench_run stats "psql: count(*), count(DISTINCT symbol), min and max time" "$n" \
			psql -X -q -c "SELECT count(*), count(DISTINCT symbol), min(time), max(time) FROM ohlcv"
		bench_run stats "tsq-stats (the overview)" "$n" tsq-stats -F csv ohlcv
		bench_run stats "tsq-stats --exact" "$n" tsq-stats -F csv --exact ohlcv
		bench_run stats "tsq-stats -F prometheus" "$n" tsq-stats -F prometheus
		bench_run stats "tsq-stats --quality --since (1 day)" "$n" tsq-stats -F csv --quality --since "$last"
	done
	bench_table stats "psql: count(*), count(DISTINCT symbol), min and max time" "tsq-stats: what ohlcv ($n rows) holds, $(bench_server)"
	bench_target stats "tsq-stats (the overview)" ">=" 1
	bench_stats stats "psql: count(*), count(DISTINCT symbol), min and max time" |
		awk -F'|' '$1 == "tsq-stats (the overview)" { printf "  target: %-38s %5.2f s (< 1 s)  %s\n", $1 " time", $4, $4 < 1 ? "met" : "MISSED" }'
	empty
	tsq-load -q ohlcv "$DATA/ohlcv.csv"
}

# TimescaleDB: compressing every chunk, as tsq-init sets compression up.
compress_section() {
	local r
	echo "compressing ($RUNS rounds)..." >&2
	[ "$(tsq_psql -c 'SELECT count(*) FROM ohlcv')" -gt 0 ] || tsq-load -q ohlcv "$DATA/ohlcv.csv"
	# The run compresses every chunk and does nothing else.
	tsq-compress --set-policy=ohlcv compress_after=1s,drop_after=off,refresh_window=off
	for r in $(seq 1 "$RUNS"); do
		tsq_psql -c "SET client_min_messages = warning" -c "SELECT count(decompress_chunk(c, true)) FROM show_chunks('ohlcv') c" >/dev/null
		tsq_psql -c "VACUUM ohlcv" >/dev/null
		bench_run compress "SELECT compress_chunk(c) FROM show_chunks('ohlcv') c" "$ROWS" \
			psql -X -q -c "SELECT count(compress_chunk(c)) FROM show_chunks('ohlcv') c"
		tsq_psql -c "SET client_min_messages = warning" -c "SELECT count(decompress_chunk(c, true)) FROM show_chunks('ohlcv') c" >/dev/null
		tsq_psql -c "VACUUM ohlcv" >/dev/null
		tsq_psql -c "TRUNCATE tsq.touched" >/dev/null
		bench_run compress "tsq-compress --run (policy compress_after=1s)" "$ROWS" \
			tsq-compress -q --run ohlcv
	done
	bench_table compress "SELECT compress_chunk(c) FROM show_chunks('ohlcv') c" "compression: every chunk of ohlcv ($ROWS rows), $(bench_server)"
	# At most 1.05 times the plain loop's time: at least 1 / 1.05 of its rate.
	bench_target compress "tsq-compress --run (policy compress_after=1s)" ">=" 0.95
	tsq_psql -c "SELECT 'compressed ' || count(*) FILTER (WHERE is_compressed) || ' of ' || count(*) || ' chunks' FROM timescaledb_information.chunks WHERE hypertable_name = 'ohlcv'"
	tsq_psql -c "SELECT format('bytes before %s, after %s: ratio %s', before_compression_total_bytes, after_compression_total_bytes, round(before_compression_total_bytes::numeric / nullif(after_compression_total_bytes, 0), 2)) FROM hypertable_compression_stats('ohlcv')"
}

# Client memory under inputs built to exhaust it: a compression bomb (600 rows
# of 4 MiB each, 2.4 GB of CSV in a zstd file of well under a megabyte) loaded
# for real, and one 8 MiB record of commas, which is rejected.  tsq-load's
# bound: 64 MB plus two rounds of batches (32 MiB each).  psql \copy reading
# the same bytes through zstd is the reference; one run each, as memory does
# not wander like time.
memory_section() {
	local n=600
	echo "loading a compression bomb..." >&2
	if [ ! -s "$DATA/bomb.csv.zst" ]; then
		head -c $((4 << 20)) /dev/zero | tr '\0' a >"$DATA/four"
		{ echo "id,t"; for i in $(seq 1 "$n"); do printf '%d,' "$i"; cat "$DATA/four"; echo; done; } |
			zstd -q -19 -c >"$DATA/bomb.csv.zst"
		{ echo "id,t"; head -c $(((8 << 20) - 16)) /dev/zero | tr '\0' ,; echo; } | zstd -q -c >"$DATA/commas.csv.zst"
		rm -f "$DATA/four"
	fi
	tsq_psql -c "DROP TABLE IF EXISTS bomb" -c "CREATE TABLE bomb (id integer PRIMARY KEY, t text)" >/dev/null
	bench_run memory "psql \\copy FROM PROGRAM 'zstd -dc'" "$n" \
		psql -X -q -c "\\copy bomb FROM PROGRAM 'zstd -dc $DATA/bomb.csv.zst' (FORMAT csv, HEADER)"
	tsq_psql -c "TRUNCATE bomb" >/dev/null
	bench_run memory "tsq-load (the bomb, $(($(stat -c %s "$DATA/bomb.csv.zst") / 1024)) KB of zstd)" "$n" \
		tsq-load -q --on-conflict error bomb "$DATA/bomb.csv.zst"
	[ "$(tsq_psql -c "SELECT count(*) FROM bomb WHERE length(t) = 4194304")" = "$n" ] ||
		echo "bench: the bomb did not load whole" >&2
	rm -f "$DATA/commas.rej"
	bench_run memory "tsq-load (one record of 8 million commas)" 1 \
		sh -c 'tsq-load -q --rejects "$1" bomb "$2"; [ $? = 65 ]' sh "$DATA/commas.rej" "$DATA/commas.csv.zst"
	tsq_psql -c "DROP TABLE bomb" >/dev/null
	bench_table memory "psql \\copy FROM PROGRAM 'zstd -dc'" "memory: $n rows of 4 MiB from $(($(stat -c %s "$DATA/bomb.csv.zst") / 1024)) KB of zstd into a table, $(bench_server)"
	bench_peak_target memory tsq-load 128
}

# A feed that never ends (tsq-load(1), Live input).  Latency: a producer
# writes 1,000 rows a second for LIVE_SECONDS, each with the time it wrote
# it; the server stamps each row as it takes it (clock_timestamp() in a
# default); with --flush-interval 200ms the delays' median must be at most
# 0.3 s and their 99th percentile 1 s.  Throughput: the candles through a
# pipe (a batch also written by time) against the same file by name, in
# alternating rounds: at least 0.95 x.  Memory: a producer at full speed with
# the server stopped must leave tsq-load under --buffer + 32 MiB (rounds of
# bytes, not rows: --batch-size is set out of the way).
LIVE_SECONDS=${BENCH_LIVE_SECONDS:-10}
live_produce() {
	perl -MTime::HiRes=time,sleep -e '
		my ($n, $rate) = @ARGV; $| = 1;
		my $t0 = time;
		for my $i (1 .. $n) {
			my $due = $t0 + ($i - 1) / $rate;
			my $now = time;
			sleep($due - $now) if $due > $now;
			my ($s, $us) = (int(time), int((time - int(time)) * 1e6));
			my @g = gmtime($s);
			printf "{\"id\": %d, \"written\": \"%04d-%02d-%02dT%02d:%02d:%02d.%06dZ\", \"v\": %d}\n",
				$i, $g[5] + 1900, $g[4] + 1, $g[3], $g[2], $g[1], $g[0], $us, $i;
		}' "$1" "$2"
}
live_section() {
	local r n=$((LIVE_SECONDS * 1000)) pid peak
	echo "a live feed: latency at 1,000 rows/s for $LIVE_SECONDS s..." >&2
	tsq_psql -c "DROP TABLE IF EXISTS feed" -c "CREATE TABLE feed (id integer PRIMARY KEY,
	             written timestamptz NOT NULL, v integer, seen timestamptz DEFAULT clock_timestamp())" >/dev/null
	[ "$backend" != citus ] || tsq_psql -c "SELECT create_distributed_table('feed', 'id')" >/dev/null
	live_produce "$n" 1000 | tsq-load -q --flush-interval 200ms feed
	local lat
	lat=$(tsq_psql -c "SELECT count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM seen - written))::numeric, 3),
	                          round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM seen - written))::numeric, 3),
	                          round(max(extract(epoch FROM seen - written))::numeric, 3) FROM feed")
	echo
	echo "live: $n rows written at 1,000 rows/s into a pipe to tsq-load --flush-interval 200ms, $(bench_server)"
	echo "$lat" | awk -F'|' '{ printf "  rows %d; delay from writing to the table: median %.3f s, p99 %.3f s, max %.3f s\n", $1, $2, $3, $4
		printf "  target: %-38s %5.3f s (<= 0.3 s)  %s\n", "latency median", $2, $2 <= 0.3 ? "met" : "MISSED"
		printf "  target: %-38s %5.3f s (<= 1 s)  %s\n", "latency p99", $3, $3 <= 1 ? "met" : "MISSED" }'
	echo "full speed through a pipe ($RUNS rounds)..." >&2
	for r in $(seq 1 "$RUNS"); do
		empty; bench_run live "tsq-load FILE" "$ROWS" tsq-load -q --on-conflict error ohlcv "$DATA/ohlcv.csv"
		empty; bench_run live "tsq-load from a pipe (cat FILE)" "$ROWS" sh -c 'cat "$1" | tsq-load -q --on-conflict error ohlcv' sh "$DATA/ohlcv.csv"
	done
	bench_table live "tsq-load FILE" "live: the candles through a pipe (written by time too) against the file by name, $(bench_server)"
	bench_target live "tsq-load from a pipe (cat FILE)" ">=" 0.95
	# The server stopped, the producer at full speed: reading waits at --buffer.
	empty
	rm -f "$DATA/live.pending.jsonl"
	{ while :; do cat "$DATA/ohlcv.csv"; done; } 2>/dev/null |
		tsq-load -q --buffer 64MiB --batch-size 10000000 --retry 1h --pending "$DATA/live.pending.jsonl" ohlcv 2>/dev/null &
	pid=$(jobs -p | tail -n 1)
	sleep 2
	tsq_server stop
	sleep 8
	peak=$(awk '/^VmHWM/ { print $2 }' /proc/"$(pgrep -n -x tsq-load)"/status 2>/dev/null || echo 0)
	pkill -KILL -x tsq-load || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	tsq_server start
	echo "  tsq-load --buffer 64MiB, the server stopped, the producer at full speed: peak RSS $((peak / 1024)) MB"
	awk -v k="$peak" 'BEGIN { printf "  target: %-38s %5.1f MB (<= 96 MB)  %s\n", "memory, server down", k / 1024, k / 1024 <= 96 ? "met" : "MISSED" }'
	tsq_psql -c "DROP TABLE feed" >/dev/null
}

# Every indicator over a year of one symbol's 1-minute candles (525,600),
# against streaming those rows' time and close with tsq-query; each must
# take at most twice as long, in flat memory.
INDICATORS=${BENCH_INDICATORS:-"sma ema wma rsi macd bollinger atr stoch stochrsi obv adx cci willr roc mfi donchian vwap volatility"}
indicators_section() {
	local r q n=525600
	echo "loading a year of one symbol..." >&2
	if [ ! -s "$DATA/year.csv" ]; then
		awk -v n="$n" 'BEGIN { print "time,symbol,open,high,low,close,volume"
			for (i = 0; i < n; i++) { p = 100 + 10 * sin(i / 500) + (i % 13) / 10
				printf "%d,YEAR,%.4f,%.4f,%.4f,%.4f,%d\n", 1735689600 + i * 60, p, p + 1, p - 1, p + 0.5, 10 + i % 7 } }' >"$DATA/year.csv"
	fi
	tsq-load -q ohlcv "$DATA/year.csv"
	tsq_psql -c "ANALYZE ohlcv" >/dev/null
	for r in $(seq 1 "$RUNS"); do
		bench_run indicators "tsq-query: time, close" "$n" tsq-query -F csv -c \
			"SELECT time, close FROM ohlcv WHERE symbol = 'YEAR' AND timeframe = '1m'
			   AND time >= '2025-01-01' AND time < '2026-01-01' ORDER BY time"
		for q in $INDICATORS; do
			bench_run indicators "indicator $q" "$n" tsq-query -F csv "$q" symbol=YEAR from=2025-01-01 to=2026-01-01
		done
	done
	tsq_psql -c "DELETE FROM ohlcv WHERE symbol = 'YEAR'" >/dev/null
	bench_table indicators "tsq-query: time, close" "indicators: a year of 1-minute candles of one symbol ($n rows), $(bench_server)"
	for q in $INDICATORS; do
		bench_target indicators "indicator $q" ">=" 0.5
	done
	bench_peak_target indicators "indicator " 16
}

for backend in ${BENCH_BACKENDS:-postgres timescaledb citus}; do
	why=$(tsq_backend_missing "$backend")
	if [ -n "$why" ]; then
		echo "== $backend: skipped: $why"
		continue
	fi
	export TSQ_TEST_BACKEND=$backend
	tsq_db_start >/dev/null
	bench_begin "$backend"
	tsq-init -q
	# The benchmark compresses and refreshes by itself, in the open.
	tsq_hold_jobs
	tsq_psql -c "SELECT tsq.create_partitions('public', 'ohlcv', '$FIRST', timestamptz '$LAST' + interval '1 day')" \
		>/dev/null 2>&1 || true
	bench_pgloader_file "$DATA"
	echo "== $backend ($(bench_server))"
	sections=${BENCH_SECTIONS:-load query bars trades stats compress memory indicators live}
	[ "$backend" != citus ] || sections=${BENCH_SECTIONS:-load query live}
	for section in $sections; do
		[ "$section" != compress ] || [ "$TSQ_TEST_KIND" = timescaledb ] || continue
		"${section}_section"
	done
	tsq_db_stop >/dev/null
done
