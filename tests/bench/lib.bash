# Helpers of make bench (tests/bench/run.sh): the data, running a contender
# once, and the tables of medians, ranges and ratios.
#
# Every measured run is one line of $DATA/runs:
#   backend|section|label|rows|seconds|cpu seconds|peak RSS KB|server cpu seconds
# The client's CPU is what /usr/bin/time reports; the server's is the user
# and system time of the backends that served the run (on Citus the
# coordinator's), counted by the kernel against their postmaster once they
# exit (cutime and cstime in /proc/PID/stat): every client connection's
# backend ends with its client, while the server's own processes (WAL
# writer, checkpointer) live on and are not counted.

# bench_generate DIR ROWS SYMBOLS INSERT_ROWS: the CSV, the same rows as JSON
# lines, and INSERT statements for the first INSERT_ROWS of them.  Sets FIRST
# and LAST, the times of the first and last candle.
bench_generate() {
	local dir=$1 rows=$2 nsym=$3 inserts=$4
	if [ ! -s "$dir/ohlcv.csv" ] || [ "$(wc -l <"$dir/ohlcv.csv")" -ne $((rows + 1)) ]; then
		echo "generating $rows rows of 1-minute OHLCV for $nsym symbols..." >&2
		awk -v rows="$rows" -v nsym="$nsym" '
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
		}' >"$dir/ohlcv.csv"
		awk -F, 'NR > 1 { printf "{\"time\":\"%s\",\"symbol\":\"%s\",\"open\":%s,\"high\":%s,\"low\":%s,\"close\":%s,\"volume\":%s,\"trades\":%s}\n", $1, $2, $3, $4, $5, $6, $7, $8 }' \
			"$dir/ohlcv.csv" >"$dir/ohlcv.jsonl"
		awk -F, -v n="$inserts" 'NR > 1 && NR <= n + 1 { printf "INSERT INTO ohlcv (time, symbol, open, high, low, close, volume, trades) VALUES (%c%s%c, %c%s%c, %s, %s, %s, %s, %s, %s);\n", 39, $1, 39, 39, $2, 39, $3, $4, $5, $6, $7, $8 }' \
			"$dir/ohlcv.csv" >"$dir/inserts.sql"
	fi
	FIRST=$(sed -n 2p "$dir/ohlcv.csv" | cut -d, -f1)
	LAST=$(tail -n 1 "$dir/ohlcv.csv" | cut -d, -f1)
	export FIRST LAST
}

# pgloader's command file, for the server just started.
bench_pgloader_file() {
	cat >"$1/pgloader.load" <<LOAD
LOAD CSV
  FROM '$1/ohlcv.csv' (time, symbol, open, high, low, close, volume, trades)
  INTO postgresql://$PGUSER@unix:$PGHOST:$PGPORT/$PGDATABASE
  TARGET TABLE ohlcv
  TARGET COLUMNS (time, symbol, open, high, low, close, volume, trades)
  WITH skip header = 1, fields terminated by ',';
LOAD
}

bench_begin() {
	BENCH_BACKEND=$1
}

bench_server() {
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		echo "TimescaleDB $(tsq_psql -c "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'") on PostgreSQL $(tsq_psql -c 'SHOW server_version' | cut -d' ' -f1)"
	elif [ "$TSQ_TEST_KIND" = citus ]; then
		echo "Citus $(tsq_psql -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'") on PostgreSQL $(tsq_psql -c 'SHOW server_version' | cut -d' ' -f1), a coordinator and two workers on this one machine"
	else
		echo "PostgreSQL $(tsq_psql -c 'SHOW server_version' | cut -d' ' -f1)"
	fi
}

bench_layout() {
	case $TSQ_TEST_KIND in
	timescaledb) echo "hypertable, 1-day chunks, five continuous aggregates" ;;
	citus) echo "distributed by symbol, $(tsq_psql -c "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'ohlcv'::regclass") shards, daily partitions" ;;
	*) echo "daily partitions" ;;
	esac
}

# The CPU seconds of the exited children of the server's postmaster (on
# Citus the coordinator's).
bench_server_cpu() {
	local dir pid
	case $TSQ_TEST_BACKEND in
	citus) dir=$TSQ_TEST_TMP/citus5432 ;;
	*) dir=$TSQ_TEST_TMP/pg ;;
	esac
	pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null) && [ -r "/proc/$pid/stat" ] || { echo 0; return; }
	# Fields 16 and 17 counted after the ")" that ends the command name.
	sed 's/.*) //' "/proc/$pid/stat" | awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }'
}

# bench_run SECTION LABEL ROWS COMMAND...: run once, keep the measures.
bench_run() {
	local section=$1 label=$2 rows=$3 secs user sys rss srv0 srv1
	shift 3
	srv0=$(bench_server_cpu)
	if ! /usr/bin/time -f "%e %U %S %M" -o "$DATA/time" "$@" >"$DATA/out" 2>"$DATA/err"; then
		echo "bench: \"$label\" failed:" >&2
		cat "$DATA/err" >&2
		return 0
	fi
	# The postmaster reaps the run's backends as they exit: a moment to do so.
	sleep 0.2
	srv1=$(bench_server_cpu)
	read -r secs user sys rss <"$DATA/time"
	echo "$BENCH_BACKEND|$section|$label|$rows|$secs|$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')|$rss|$(awk -v a="$srv0" -v b="$srv1" 'BEGIN { print b - a }')" >>"$DATA/runs"
	echo "  $label: $secs s" >&2
}

# bench_timed SECTION LABEL COMMAND...: as bench_run, but the seconds are
# what the command reports with --timing ("time: N ms" on stderr).
bench_timed() {
	local section=$1 label=$2 ms rss
	shift 2
	/usr/bin/time -f "%M" -o "$DATA/time" "$@" >"$DATA/out" 2>"$DATA/err" || {
		echo "bench: \"$label\" failed:" >&2
		cat "$DATA/err" >&2
		return 0
	}
	ms=$(grep -o 'time: [0-9.]* ms' "$DATA/err" | grep -o '[0-9.]*' | head -n 1)
	rss=$(cat "$DATA/time")
	echo "$BENCH_BACKEND|$section|$label|1|$(awk -v m="$ms" 'BEGIN { print m / 1000 }')|0|$rss" >>"$DATA/runs"
	echo "  $label: $ms ms" >&2
}

# The statistics of one section on this backend, one line per label:
#   label|runs|rows|median s|min s|max s|median ratio|min ratio|max ratio|cpu s per 1M rows|peak RSS KB|server cpu s per 1M rows
# A ratio is the contender's rows per second over the baseline's in the same
# round (above 1: faster); contenders run once compare with the baseline's
# median.
bench_stats() {
	local section=$1 base=$2
	awk -F'|' -v be="$BENCH_BACKEND" -v sec="$section" -v base="$base" '
	function median(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$1 == be && $2 == sec {
		if (!($3 in n)) order[++nl] = $3
		i = ++n[$3]; secs[$3, i] = $5; rows[$3] = $4; cpu[$3] += $6; srv[$3] += $8
		if ($7 > rss[$3]) rss[$3] = $7
	}
	END {
		for (i = 1; i <= n[base]; i++) b[i] = secs[base, i]
		bmed = median(b, n[base])
		for (k = 1; k <= nl; k++) {
			l = order[k]
			delete s; delete r
			for (i = 1; i <= n[l]; i++) {
				s[i] = secs[l, i]
				bs = n[l] > 1 && i <= n[base] ? secs[base, i] : bmed
				r[i] = s[i] > 0 ? (rows[l] / s[i]) / (rows[base] / bs) : 0
			}
			lo = hi = s[1]; rlo = rhi = r[1]
			for (i = 2; i <= n[l]; i++) {
				if (s[i] < lo) lo = s[i]; if (s[i] > hi) hi = s[i]
				if (r[i] < rlo) rlo = r[i]; if (r[i] > rhi) rhi = r[i]
			}
			cpm = rows[l] > 0 ? cpu[l] / n[l] / rows[l] * 1e6 : 0
			spm = rows[l] > 0 ? srv[l] / n[l] / rows[l] * 1e6 : 0
			printf "%s|%d|%d|%.3f|%.3f|%.3f|%.2f|%.2f|%.2f|%.2f|%d|%.2f\n", l, n[l], rows[l], median(s, n[l]), lo, hi,
				median(r, n[l]), rlo, rhi, cpm, rss[l], spm
		}
	}' "$DATA/runs"
}

# bench_table SECTION BASELINE TITLE: the section's table.
bench_table() {
	local section=$1 base=$2 title=$3
	echo
	echo "$title"
	echo "($BENCH_BACKEND; medians over the rounds, [min-max]; x: rows/s over \"$base\" in the same round)"
	local server=server
	[ "$TSQ_TEST_KIND" != citus ] || server=coordinator
	printf '  %-46s %16s %18s %14s %9s %18s\n' "" "seconds" "x baseline" "CPU s/1M rows" "peak RSS" "$server CPU s/1M"
	bench_stats "$section" "$base" | while IFS='|' read -r label runs rows med lo hi rmed rlo rhi cpu rss srv; do
		printf '  %-46s %7.2f [%.2f-%.2f] %5.2fx [%.2f-%.2f] %14.2f %6.1f MB %18.2f\n' "$label" "$med" "$lo" "$hi" \
			"$rmed" "$rlo" "$rhi" "$cpu" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$srv"
	done
	echo "$base" >"$DATA/base.$BENCH_BACKEND.$section"
}

# bench_target SECTION LABEL OP WANT: a ratio target, met or missed.
bench_target() {
	local section=$1 label=$2 op=$3 want=$4 base line
	base=$(cat "$DATA/base.$BENCH_BACKEND.$section")
	line=$(bench_stats "$section" "$base" | awk -F'|' -v l="$label" '$1 == l')
	[ -n "$line" ] || { echo "  target: $label: not measured"; return 0; }
	echo "$line" | awk -F'|' -v op="$op" -v w="$want" -v base="$base" '{
		ok = (op == ">=" ? $7 >= w : $7 <= w) ? "met" : "MISSED"
		printf "  target: %-38s %5.2fx [%.2f-%.2f] of %s (%s %s)  %s\n", $1, $7, $8, $9, base, op, w, ok
	}'
}

# bench_cpu_target SECTION LABEL SECONDS: the client CPU (user + system)
# per million rows of LABEL, averaged over its rounds, at most SECONDS.
bench_cpu_target() {
	local section=$1 label=$2 want=$3 base
	base=$(cat "$DATA/base.$BENCH_BACKEND.$section")
	bench_stats "$section" "$base" | awk -F'|' -v l="$label" -v w="$want" '
		$1 == l { found = 1; printf "  target: %-38s %5.2f s (<= %s s)  %s\n", l " CPU s/1M rows", $10, w, $10 <= w ? "met" : "MISSED" }
		END { if (!found) printf "  target: %s: not measured\n", l }'
}

# bench_server_cpu_target SECTION LABEL RATIO: the server's CPU (on Citus
# the coordinator's) per million rows of LABEL at most RATIO times the
# baseline's.
bench_server_cpu_target() {
	local section=$1 label=$2 want=$3 base who=server
	[ "$TSQ_TEST_KIND" != citus ] || who=coordinator
	base=$(cat "$DATA/base.$BENCH_BACKEND.$section")
	bench_stats "$section" "$base" | awk -F'|' -v l="$label" -v b="$base" -v w="$want" -v who="$who" '
		$1 == b { bs = $12 } $1 == l { ls = $12; found = 1 }
		END {
			if (!found || bs <= 0) { printf "  target: %s: %s CPU not measured\n", l, who; exit }
			printf "  target: %-38s %5.2fx of %s (%.2f s against %.2f s per 1M rows; <= %s)  %s\n", l " " who " CPU", ls / bs, b, ls, bs, w, ls / bs <= w ? "met" : "MISSED"
		}'
}

# bench_peak_target SECTION PREFIX MB: the largest peak RSS of the labels
# starting with PREFIX.
bench_peak_target() {
	local section=$1 prefix=$2 mb=$3 base
	base=$(cat "$DATA/base.$BENCH_BACKEND.$section")
	bench_stats "$section" "$base" | awk -F'|' -v p="$prefix" -v mb="$mb" '
		index($1, p) == 1 && $11 > max { max = $11 }
		END { printf "  target: %-38s %5.1f MB (<= %s MB)  %s\n", p " peak RSS", max / 1024, mb, max / 1024 <= mb ? "met" : "MISSED" }'
}
