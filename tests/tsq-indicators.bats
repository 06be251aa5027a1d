#!/usr/bin/env bats
# tsq-query's indicators on the backend named by TSQ_TEST_BACKEND, against
# TA-Lib's own code (tests/lib/indicators.bash): every indicator over the
# candles and over bars of other intervals, the SQL aggregates, warm-up and
# anchors, and memory while they stream.  A file of its own, apart from
# tsq-query.bats, so that tests/run can run the two side by side.

# The indicators are computed by the same C code whatever the server; what
# the backend changes is the SQL that reads the candles (the @candles@
# fragment every indicator query shares, and the rollups interval= reads).
# So every case runs on plain PostgreSQL and, on the other backends, fewer:
# each query's SQL and every column.  pick ALL FEW prints the one that applies.
pick() {
	if [ "$TSQ_TEST_BACKEND" = postgres ]; then echo "$1"; else echo "$2"; fi
}

load lib/suite

setup() {
	suite_setup
	suite_query_env
}

@test "indicators equal TA-Lib's over the whole history, from the first row shown" {
	tsq_db_init
	load_walk
	run every_indicator '.*' '' "$(pick all first)"
	assert_success
	assert_output "$(pick 27 19) cases"
	# The middle line is the midpoint of the two.
	run -0 bash -c "tsq-query -F csv --no-header donchian symbol=W from=2026-01-06 to=2026-01-06T01:00 | awk -F, '\$5 != (\$4 + \$6) / 2'"
	assert_output ""
}

@test "the SQL aggregates tsq.ema, tsq.rsi, tsq.wilder and tsq.wilder_sum equal TA-Lib's too" {
	tsq_db_init
	load_walk
	got=$(tsq-query -F csv --no-header -c "
		SELECT tsq.ema(close, 20) OVER w, tsq.rsi(close, 14) OVER w,
		       tsq.wilder(tr, 14) OVER w, 100 * tsq.wilder_sum(pdm, 14) OVER w / tsq.wilder_sum(tr, 14) OVER w
		FROM (SELECT time, close,
		             CASE WHEN lag(close) OVER o IS NOT NULL THEN greatest(high - low,
		                  abs(high - lag(close) OVER o), abs(low - lag(close) OVER o)) END AS tr,
		             CASE WHEN lag(high) OVER o IS NULL THEN NULL
		                  WHEN high - lag(high) OVER o > 0 AND high - lag(high) OVER o > lag(low) OVER o - low
		                  THEN high - lag(high) OVER o ELSE 0 END AS pdm
		      FROM ohlcv WHERE symbol = 'W' WINDOW o AS (ORDER BY time)) c
		WINDOW w AS (ORDER BY time ROWS UNBOUNDED PRECEDING) ORDER BY time")
	for c in "1 EMA timePeriod=20" "2 RSI timePeriod=14" "3 ATR timePeriod=14" "4 PLUS_DI timePeriod=14"; do
		set -- $c
		run same_values "$(echo "$got" | cut -d, -f"$1")" "$(talib 1 3000 "$2" "$3")"
		assert_success
	done
}

# Bars of INTERVAL over the walk's whole history, from the candles: their
# values in candles.csv (for TA-Lib), and WINDOWS of them as against_talib
# reads it: the first bars, the middle, the last.
bars_of_walk() {
	local times n m
	tsq-query -F csv --no-header bars symbol=W interval="$1" source=raw from=2026-01-01 to=2026-01-08 >bars.csv
	cut -d, -f3-7 bars.csv >candles.csv
	times=$(cut -d, -f1 bars.csv | sed 's/ /T/')
	n=$(echo "$times" | wc -l)
	m=$((n / 2))
	WINDOWS="$(echo "$times" | sed -n 1p) $(echo "$times" | sed -n 7p) 1 6
$(echo "$times" | sed -n ${m}p) $(echo "$times" | sed -n $((m + 6))p) $m $((m + 5))
$(echo "$times" | sed -n $((n - 1))p) 2026-01-08 $((n - 1)) $n"
}

@test "interval=: every indicator over bars of that interval, equal to TA-Lib's over those bars" {
	tsq_db_init
	tsq_hold_jobs
	load_walk
	# Half of the walk in the rollups, which auto reads, the rest from the
	# candles; the bars TA-Lib gets are from the candles.
	tsq-compress -q --refresh=ohlcv_5m --to=2026-01-06T12:00
	tsq-compress -q --refresh=ohlcv_15m --to=2026-01-06T12:00
	tsq-compress -q --refresh=ohlcv_1h --to=2026-01-06T12:00
	# Every indicator and column at 15 minutes (the other parameters are
	# checked on the candles above); elsewhere, one of each input and
	# warm-up kind.
	bars_of_walk 15m
	run every_indicator "$(pick '.*' 'sma|macd|atr|obv|stoch|mfi')" interval=15m first
	assert_success
	assert_output "$(pick 19 6) cases"
	bars_of_walk 1h
	run every_indicator "$(pick 'sma|ema|rsi|macd|atr|stoch|adx|obv' 'rsi|adx')" interval=1h first
	assert_success
	assert_output "$(pick 10 4) cases"
	# 7 minutes: no rollup divides it, the candles are read.
	bars_of_walk 7m
	run every_indicator "$(pick 'sma|rsi|macd|bollinger|mfi' 'bollinger|mfi')" interval=7m first
	assert_success
	assert_output "$(pick 5 2) cases"
	# source=raw reads the candles and gives the same values.
	got=$(tsq-query -F csv --no-header macd symbol=W interval=1h from=2026-01-06 to=2026-01-07 | cut -d, -f4-6)
	want=$(tsq-query -F csv --no-header macd symbol=W interval=1h source=raw from=2026-01-06 to=2026-01-07 | cut -d, -f4-6)
	[ "$(echo "$got" | wc -l)" -eq 24 ]
	for c in 1 2 3; do
		run same_values "$(echo "$got" | cut -d, -f$c)" "$(echo "$want" | cut -d, -f$c)"
		assert_success
	done
}

@test "vwap: from the start of each UTC day, or of each anchor= period, whatever from is" {
	tsq_db_init
	load_walk
	# From 10:00 on 2026-01-06 (row 2041 of the walk): the sums start at
	# midnight (row 1441), ten hours before the first row shown.
	got=$(tsq-query -F csv --no-header vwap symbol=W from=2026-01-06T10:00 to=2026-01-06T10:30 | cut -d, -f4)
	want=$(awk -F, 'NR >= 1441 && NR < 2071 { pv += ($2 + $3 + $4) / 3 * $5; v += $5; if (NR >= 2041) printf "%.17g\n", pv / v }' candles.csv)
	run same_values "$got" "$want"
	assert_success
	# anchor=1h: the hour's first candle is its own typical price.
	got=$(tsq-query -F csv --no-header vwap symbol=W anchor=1h from=2026-01-06T10:00 to=2026-01-06T10:30 | cut -d, -f4)
	want=$(awk -F, 'NR >= 2041 && NR < 2071 { pv += ($2 + $3 + $4) / 3 * $5; v += $5; printf "%.17g\n", pv / v }' candles.csv)
	run same_values "$got" "$want"
	assert_success
	# Written as PostgreSQL writes it, the same hour (it once read as one second).
	assert_equal "$(tsq-query -F csv --no-header vwap symbol=W anchor='1 hour' from=2026-01-06T10:00 to=2026-01-06T10:30 | cut -d, -f4)" "$got"
	# anchor='1 month': from the first candle of January (row 1, on the 5th).
	got=$(tsq-query -F csv --no-header vwap symbol=W anchor='1 month' from=2026-01-06T10:00 to=2026-01-06T10:30 | cut -d, -f4)
	want=$(awk -F, 'NR < 2071 { pv += ($2 + $3 + $4) / 3 * $5; v += $5; if (NR >= 2041) printf "%.17g\n", pv / v }' candles.csv)
	run same_values "$got" "$want"
	assert_success
	run -64 --separate-stderr tsq-query vwap symbol=W anchor='1 month 2 days'
	# Across midnight the sums start again.
	got=$(tsq-query -F csv --no-header vwap symbol=W from=2026-01-06T23:59 to=2026-01-07T00:01 | sed -n 2p | cut -d, -f4)
	run same_values "$got" "$(awk -F, 'NR == 2881 { printf "%.17g\n", ($2 + $3 + $4) / 3 }' candles.csv)"
	assert_success
}

@test "indicators: NULL only where the history is too short; warmup= sets the rows read before from" {
	tsq_db_init
	load_walk
	# At the first candle: MACD's first value is on row slow + signal - 1.
	run -0 --separate-stderr tsq-query -F csv --no-header macd symbol=W from=2026-01-05 to=2026-01-05T01:00
	assert_equal "$(echo "$output" | cut -d, -f4 | grep -c .)" $((60 - 33))
	assert_equal "$(echo "$output" | sed -n 34p | cut -d, -f4 | grep -c .)" 1
	# In the middle every row has a value, and the first is TA-Lib's.
	run -0 --separate-stderr tsq-query -F csv --no-header rsi symbol=W from=2026-01-06 to=2026-01-06T01:00
	assert_equal "$(echo "$output" | cut -d, -f4 | grep -c .)" 60
	# warmup=0 starts cold at from: the first 19 rows are empty and the 20th
	# is the mean of the window's first 20 closes.
	run -0 --separate-stderr tsq-query -F csv --no-header ema symbol=W period=20 warmup=0 from=2026-01-06 to=2026-01-06T01:00
	assert_equal "$(echo "$output" | cut -d, -f4 | head -19 | grep -c .)" 0
	mean=$(sed -n 1441,1460p candles.csv | awk -F, '{ s += $4 } END { printf "%.9f", s / 20 }')
	assert_equal "$(echo "$output" | sed -n 20p | cut -d, -f4 | awk '{ printf "%.9f", $1 }')" "$mean"
	# A warm-up longer than the history reads all of it: TA-Lib's values exactly.
	got=$(tsq-query -F csv --no-header ema symbol=W period=20 warmup=100000 from=2026-01-06 to=2026-01-06T01:00 | cut -d, -f4)
	run same_values "$got" "$(talib 1441 1500 EMA timePeriod=20)"
	assert_success
	# A flat series: RSI 0, as TA-Lib has it.
	printf 'time,symbol,close\n' >flat.csv
	for i in $(seq 0 29); do echo "$((1767571200 + i * 60)),F,5" >>flat.csv; done
	tsq-load -q --set open=5 --set high=5 --set low=5 --set volume=1 ohlcv flat.csv
	run -0 --separate-stderr tsq-query -F csv --no-header rsi symbol=F from=2026-01-05 to=2026-01-06
	assert_equal "$(echo "$output" | sed -n 30p | cut -d, -f4)" 0
}

@test "indicators are computed as the rows stream: memory stays flat; query files can use them" {
	tsq_db_init
	# Enough rows that keeping them all would show: 150,000 rows of output
	# are over 20 MB as PGresults.
	tsq_one_session && n=50000 || n=150000
	awk -v n="$n" 'BEGIN { print "time,symbol,open,high,low,close,volume"
		for (i = 0; i < n; i++) { p = 100 + 10 * sin(i / 500) + (i % 13) / 10
			printf "%d,Z,%.4f,%.4f,%.4f,%.4f,%d\n", 1735689600 + i * 60, p, p + 1, p - 1, p + 0.5, 10 + i % 7 } }' >z.csv
	tsq-load -q ohlcv z.csv
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
	for q in macd adx; do
		/usr/bin/time -f %M -o small tsq-query -F csv $q symbol=Z from=2025-01-01T10:00 to=2025-01-01T11:00 >/dev/null
		/usr/bin/time -f %M -o big tsq-query -F csv $q symbol=Z from=2025-01-01 to=2026-01-01 >rows.csv
		assert_equal "$(wc -l <rows.csv)" $((n + 1))
		echo "# $q peak RSS: $(cat small) KB for 60 rows, $(cat big) KB for $n" >&3
		[ $(($(cat big) - $(cat small))) -lt 8192 ]
	done
	# A query file of one's own: EMA(3) of 1..5, the first row a warm-up.
	cat >ema3.sql <<-'EOF'
	-- compute: ema
	-- param: period int = 3
	SELECT x AS time, x::float8 AS close, x > 1 AS _shown FROM generate_series(1, 5) x ORDER BY x
	EOF
	run -0 --separate-stderr tsq-query -F csv -f ema3.sql
	assert_output "time,close,ema
2,2,
3,3,2
4,4,3
5,5,4"
	sed 's/compute: ema/compute: kama/' ema3.sql >kama.sql
	refused 64 'tsq-query: error: query kama.sql: no indicator "kama" to compute' tsq-query -f kama.sql
	sed 's/, x > 1 AS _shown//' ema3.sql >noshown.sql
	run --separate-stderr tsq-query -f noshown.sql
	assert_equal "$status" 1
	assert_equal "$stderr" 'tsq-query: error: indicator ema needs a column "_shown" in the query'"'"'s result'
	refused 64 'tsq-query: error: invalid value "0" for parameter period: a whole number from 1 to 1000000' tsq-query -f ema3.sql period=0
}

