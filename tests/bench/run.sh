#!/bin/bash
# make bench: tsq against the tools its users would pick instead, measured
# side by side in one run, on plain PostgreSQL 15 and on native TimescaleDB.
#
# Every comparison is a series of rounds; in each round every contender runs
# once, in turn (A B A B ...), so that whatever else the machine is doing
# falls on all of them alike.  The tables give medians and ranges, and each
# ratio is the median of the per-round ratios with their range.  Peak RSS and
# CPU seconds are the client's.
#
#   BENCH_ROWS       rows of 1-minute OHLCV to generate (default 1000000)
#   BENCH_RUNS       rounds per comparison (default 5)
#   BENCH_BACKENDS   default: "postgres timescaledb" (those installed)
#   BENCH_DIR        where to put the data (default: a temporary directory)
#   BENCH_SECTIONS   default: "load query bars stats compress" (compress: TimescaleDB)
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
	bench_target load "tsq-load --on-conflict error" ">=" 1.15
	bench_target load "tsq-load (upsert, empty table)" ">=" 0.9
	bench_target load "tsq-load (reload, all unchanged)" ">=" 1.0
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
	bench_target query "tsq-query -F csv" ">=" 0.9
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

# What is in the table: tsq-stats' overview (catalog, statistics, an index
# probe per end of the time range) against the hand-written count users run
# for the same facts, and against itself with --exact.
stats_section() {
	local r
	echo "reporting ($RUNS rounds)..." >&2
	[ "$(tsq_psql -c 'SELECT count(*) FROM ohlcv')" -gt 0 ] || tsq-load -q ohlcv "$DATA/ohlcv.csv"
	tsq_psql -c "VACUUM ANALYZE ohlcv" >/dev/null
	for r in $(seq 1 "$RUNS"); do
		bench_run stats "psql: count(*), count(DISTINCT symbol), min and max time" "$ROWS" \
			psql -X -q -c "SELECT count(*), count(DISTINCT symbol), min(time), max(time) FROM ohlcv"
		bench_run stats "tsq-stats (the overview)" "$ROWS" tsq-stats -F csv ohlcv
		bench_run stats "tsq-stats --exact" "$ROWS" tsq-stats -F csv --exact ohlcv
		bench_run stats "tsq-stats -F prometheus" "$ROWS" tsq-stats -F prometheus
	done
	bench_table stats "psql: count(*), count(DISTINCT symbol), min and max time" "tsq-stats: what ohlcv ($ROWS rows) holds, $(bench_server)"
	bench_target stats "tsq-stats (the overview)" ">=" 1
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

for backend in ${BENCH_BACKENDS:-postgres timescaledb}; do
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
	for section in ${BENCH_SECTIONS:-load query bars stats compress}; do
		[ "$section" != compress ] || [ "$TSQ_TEST_KIND" = timescaledb ] || continue
		"${section}_section"
	done
	tsq_db_stop >/dev/null
done
