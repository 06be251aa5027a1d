#!/bin/bash
# make bench: the same 1-minute OHLCV data loaded into ohlcv (primary key,
# daily partitions) of a private PostgreSQL 15 by psql \copy, tsq-load in its
# modes, pgloader and a row-at-a-time INSERT loop, then read back by
# tsq-query, COPY TO and psql --csv.  Every load but the reload starts from an
# empty table with its partitions made; the figures are ratios to psql's
# measured in the same run.
#
#   BENCH_ROWS   rows to generate (default 1000000)
#   BENCH_DIR    where to put the data (default: a temporary directory)
set -euo pipefail
: "${TSQ_BUILD:?TSQ_BUILD must name the build directory}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$TSQ_BUILD:$PATH"
ROWS=${BENCH_ROWS:-1000000}
SYMBOLS=20
INSERT_ROWS=20000

source "$ROOT/tests/lib/db.bash"
export TSQ_TEST_BACKEND=postgres
tsq_db_start >/dev/null
trap 'tsq_db_stop' EXIT
DATA=${BENCH_DIR:-$TSQ_TEST_TMP}
mkdir -p "$DATA"
chmod 755 "$DATA"

echo "generating $ROWS rows of 1-minute OHLCV for $SYMBOLS symbols..." >&2
awk -v rows="$ROWS" -v nsym="$SYMBOLS" '
function iso(t,   d, s, z, era, doe, yoe, y, doy, mp, dd, m) {
	d = int(t / 86400); s = t - d * 86400
	z = d + 719468; era = int(z / 146097); doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153); dd = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	if (m <= 2) y++
	return sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, dd, int(s / 3600), int(s % 3600 / 60), s % 60)
}
function gauss() { return sqrt(-2 * log(1 - rand())) * cos(6.283185307 * rand()) }
BEGIN {
	srand(42)
	for (k = 0; k < nsym; k++) { price[k] = 10 + 50000 * rand() * rand(); sym[k] = sprintf("SYM%02d-USD", k) }
	print "time,symbol,open,high,low,close,volume,trades"
	t0 = 1735689600	# 2025-01-01
	for (n = 0; n < rows; n++) {
		k = n % nsym; m = int(n / nsym)
		o = price[k]; c = o * exp(gauss() * 0.001)
		h = (o > c ? o : c) * (1 + rand() * 0.0008); l = (o < c ? o : c) * (1 - rand() * 0.0008)
		price[k] = c
		printf "%s,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%d\n", iso(t0 + m * 60), sym[k], o, h, l, c, rand() * 100, 1 + int(rand() * 500)
	}
}' >"$DATA/ohlcv.csv"
awk -F, 'NR > 1 { printf "{\"time\":\"%s\",\"symbol\":\"%s\",\"open\":%s,\"high\":%s,\"low\":%s,\"close\":%s,\"volume\":%s,\"trades\":%s}\n", $1, $2, $3, $4, $5, $6, $7, $8 }' \
	"$DATA/ohlcv.csv" >"$DATA/ohlcv.jsonl"
awk -F, -v n="$INSERT_ROWS" 'NR > 1 && NR <= n + 1 { printf "INSERT INTO ohlcv (time, symbol, open, high, low, close, volume, trades) VALUES (%c%s%c, %c%s%c, %s, %s, %s, %s, %s, %s);\n", 39, $1, 39, 39, $2, 39, $3, $4, $5, $6, $7, $8 }' \
	"$DATA/ohlcv.csv" >"$DATA/inserts.sql"
first=$(sed -n 2p "$DATA/ohlcv.csv" | cut -d, -f1)
last=$(tail -n 1 "$DATA/ohlcv.csv" | cut -d, -f1)

tsq-init -q
tsq_psql -c "SELECT tsq.create_partitions('public', 'ohlcv', '$first', timestamptz '$last' + interval '1 day')" >/dev/null
cat >"$DATA/pgloader.load" <<LOAD
LOAD CSV
  FROM '$DATA/ohlcv.csv' (time, symbol, open, high, low, close, volume, trades)
  INTO postgresql://$PGUSER@unix:$PGHOST:$PGPORT/$PGDATABASE
  TARGET TABLE ohlcv
  TARGET COLUMNS (time, symbol, open, high, low, close, volume, trades)
  WITH skip header = 1, fields terminated by ',';
LOAD

empty() { tsq_psql -c "TRUNCATE ohlcv; CHECKPOINT" >/dev/null; }

# measure LABEL ROWS COMMAND...: seconds and peak RSS (KB) into RESULTS.
RESULTS=()
measure() {
	local label=$1 rows=$2
	shift 2
	/usr/bin/time -f "%e %M" -o "$DATA/time" "$@" >/dev/null 2>"$DATA/err" || {
		echo "bench: \"$label\" failed:" >&2
		cat "$DATA/err" >&2
		RESULTS+=("$label|$rows|fail|0")
		return 0
	}
	read -r secs rss <"$DATA/time"
	local got
	got=$(tsq_psql -c "SELECT count(*) FROM ohlcv")
	[ "$got" -ge "$rows" ] || echo "bench: \"$label\" left $got rows, expected $rows" >&2
	RESULTS+=("$label|$rows|$secs|$rss")
	echo "  $label: $secs s" >&2
}

echo "loading..." >&2
empty; measure 'psql \copy (csv)' "$ROWS" psql -X -q -c "\\copy ohlcv (time, symbol, open, high, low, close, volume, trades) FROM '$DATA/ohlcv.csv' (FORMAT csv, HEADER)"
empty; measure 'tsq-load --on-conflict error' "$ROWS" tsq-load -q --on-conflict error ohlcv "$DATA/ohlcv.csv"
empty; measure 'tsq-load (upsert, empty table)' "$ROWS" tsq-load -q ohlcv "$DATA/ohlcv.csv"
measure 'tsq-load (reload, all unchanged)' "$ROWS" tsq-load -q ohlcv "$DATA/ohlcv.csv"
empty; measure 'tsq-load (JSON lines, upsert)' "$ROWS" tsq-load -q ohlcv "$DATA/ohlcv.jsonl"
empty; measure 'pgloader (csv)' "$ROWS" pgloader --quiet "$DATA/pgloader.load"
empty; measure "INSERT per row ($INSERT_ROWS rows)" "$INSERT_ROWS" psql -X -q -f "$DATA/inserts.sql"

copy_rate=
printf '\ntsq-load: %s rows, %s symbols, 1-minute OHLCV into ohlcv (primary key, daily partitions),\nPostgreSQL %s on a local socket; peak RSS is the client'"'"'s.\n\n' \
	"$ROWS" "$SYMBOLS" "$(tsq_psql -c 'SHOW server_version' | cut -d' ' -f1)"
printf '%-34s %9s %11s %9s %10s\n' "" seconds rows/s "x \\copy" "peak RSS"
declare -A rate
for r in "${RESULTS[@]}"; do
	IFS='|' read -r label rows secs rss <<<"$r"
	if [ "$secs" = fail ]; then
		printf '%-34s %9s\n' "$label" failed
		continue
	fi
	rps=$(awk -v n="$rows" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
	[ -z "$copy_rate" ] && copy_rate=$rps
	rate[$label]=$rps
	printf '%-34s %9.2f %11s %8.2fx %7.1f MB\n' "$label" "$secs" "$rps" \
		"$(awk -v a="$rps" -v b="$copy_rate" 'BEGIN { print a / b }')" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
done

ratio() { awk -v a="${rate[$1]:-0}" -v b="${rate[$2]:-1}" 'BEGIN { printf "%.2f", a / b }'; }
check() {
	local what=$1 got=$2 op=$3 want=$4
	local ok
	ok=$(awk -v g="$got" -v w="$want" -v op="$op" 'BEGIN { print (op == ">=" ? g >= w : g <= w) ? "met" : "MISSED" }')
	printf '  %-48s %6s (target %s %s)  %s\n' "$what" "$got" "$op" "$want" "$ok"
}
echo
echo "targets:"
check "--on-conflict error / psql \\copy" "$(ratio 'tsq-load --on-conflict error' 'psql \copy (csv)')" ">=" 1.15
check "upsert into an empty table / psql \\copy" "$(ratio 'tsq-load (upsert, empty table)' 'psql \copy (csv)')" ">=" 0.9
check "JSON lines / CSV (both upserts, empty table)" "$(ratio 'tsq-load (JSON lines, upsert)' 'tsq-load (upsert, empty table)')" ">=" 0.8
maxrss=0
for r in "${RESULTS[@]}"; do
	IFS='|' read -r label rows secs rss <<<"$r"
	case $label in tsq-load*) [ "$rss" -gt "$maxrss" ] && maxrss=$rss ;; esac
done
check "tsq-load peak RSS, MB" "$(awk -v k="$maxrss" 'BEGIN { printf "%.1f", k / 1024 }')" "<=" 32

# ---- reading: tsq-query against COPY TO and psql --csv ----
echo >&2
echo "reading..." >&2
empty
tsq-load -q ohlcv "$DATA/ohlcv.csv"
tsq_psql -c "VACUUM ANALYZE ohlcv" >/dev/null
SQL="SELECT time, symbol, open, high, low, close, volume, trades FROM ohlcv"
QRESULTS=()
qmeasure() {
	local label=$1
	shift
	local best=999999 rss=0 secs r
	for r in 1 2 3; do
		/usr/bin/time -f "%e %M" -o "$DATA/time" "$@" >"$DATA/out" 2>"$DATA/err" || {
			echo "bench: \"$label\" failed:" >&2
			cat "$DATA/err" >&2
			return 0
		}
		read -r secs rss <"$DATA/time"
		best=$(awk -v a="$secs" -v b="$best" 'BEGIN { print (a < b ? a : b) }')
	done
	QRESULTS+=("$label|$best|$rss|$(wc -l <"$DATA/out")")
	echo "  $label: $best s" >&2
}
qmeasure 'COPY (...) TO STDOUT (csv) via psql' psql -X -q -c "COPY ($SQL) TO STDOUT (FORMAT csv, HEADER)"
qmeasure 'psql --csv' psql -X -q --csv -c "$SQL"
qmeasure 'psql --csv, FETCH_COUNT=5000' psql -X -q --csv -v FETCH_COUNT=5000 -c "$SQL"
qmeasure 'tsq-query -F csv' tsq-query -F csv -c "$SQL"
qmeasure 'tsq-query -F jsonl' tsq-query -F jsonl -c "$SQL"

printf '\ntsq-query: all %s rows of ohlcv to a file; best of 3 runs; peak RSS is the client'"'"'s.\n\n' "$ROWS"
printf '%-40s %9s %9s %10s\n' "" seconds "x COPY" "peak RSS"
copy_secs=
declare -A qsecs qrss
for r in "${QRESULTS[@]}"; do
	IFS='|' read -r label secs rss lines <<<"$r"
	[ -z "$copy_secs" ] && copy_secs=$secs
	qsecs[$label]=$secs
	qrss[$label]=$rss
	printf '%-40s %9.2f %8.2fx %7.1f MB\n' "$label" "$secs" \
		"$(awk -v a="$secs" -v b="$copy_secs" 'BEGIN { print a / b }')" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
done

# Hourly bars over 30 days: the 1-hour rollup against the 1-minute candles.
for r in ohlcv_5m ohlcv_15m ohlcv_1h ohlcv_4h ohlcv_1d; do
	tsq_psql -c "SELECT tsq.refresh_rollup('public', '$r', NULL, NULL)" >/dev/null
done
tsq_psql -c "ANALYZE" >/dev/null
to=$(tsq_psql -c "SELECT to_char(timestamptz '$first' + interval '30 days', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
# The time of the query itself (--timing), so that starting the process and
# connecting, the same for both, do not hide the difference.
bars() {
	local best=999999 r t
	for r in 1 2 3 4 5; do
		tsq-query --timing -F csv bars symbol=SYM00-USD interval=1h from="$first" to="$to" "$@" \
			>"$DATA/bars.$#" 2>"$DATA/timing"
		t=$(grep -o '[0-9.]* ms' "$DATA/timing" | cut -d' ' -f1)
		best=$(awk -v a="$t" -v c="$best" 'BEGIN { print (a < c ? a : c) }')
	done
	echo "$best"
}
rollup=$(bars)
raw=$(bars source=raw)
# Sums of doubles added in another order may differ in the last digits.
norm() { awk -F, -v OFS=, 'NR > 1 { $7 = sprintf("%.6f", $7) } { print }' "$1"; }
[ "$(norm "$DATA/bars.0")" = "$(norm "$DATA/bars.1")" ] && same="the same bars" || same="DIFFERENT bars"
printf '\nbars: 1-hour bars of one symbol over 30 days (%s, %s): rollup %.1f ms, raw candles %.1f ms: %.1fx faster\n' \
	"$(($(wc -l <"$DATA/bars.0") - 1)) bars" "$same" "$rollup" "$raw" "$(awk -v a="$raw" -v b="$rollup" 'BEGIN { print a / b }')"

echo
echo "targets:"
qratio() { awk -v a="${qsecs[$1]:-0}" -v b="${qsecs[$2]:-1}" 'BEGIN { printf "%.2f", a / b }'; }
copy_label='COPY (...) TO STDOUT (csv) via psql'
check "tsq-query -F csv time / COPY time" "$(qratio 'tsq-query -F csv' "$copy_label")" "<=" 1.1
check "tsq-query -F jsonl time / COPY time" "$(qratio 'tsq-query -F jsonl' "$copy_label")" "<=" 1.3
qmax=${qrss['tsq-query -F csv']:-0}
[ "${qrss['tsq-query -F jsonl']:-0}" -gt "$qmax" ] && qmax=${qrss['tsq-query -F jsonl']}
check "tsq-query peak RSS, MB" "$(awk -v k="$qmax" 'BEGIN { printf "%.1f", k / 1024 }')" "<=" 16
check "bars from the rollup, times faster than raw" "$(awk -v a="$raw" -v b="$rollup" 'BEGIN { printf "%.1f", a / b }')" ">=" 20
