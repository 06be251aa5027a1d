# The indicator queries against TA-Lib (tests/lib/talib.mjs runs TA-Lib's own
# C code built to WebAssembly, from npm): a random walk of candles, the
# windows read, and every indicator case with its TA-Lib function.  Loaded by
# the bats files that check indicator values (tsq-query on every backend, and
# the Citus cluster).

# Candles of SYMBOL in time order as "open,high,low,close,volume" lines.
candles() {
	tsq_psql -c "SELECT concat_ws(',', open, high, low, close, volume) FROM ohlcv
	             WHERE symbol = '$1' ORDER BY time"
}

# Compare two columns of numbers line by line, to 1e-9 relative (absolute
# below 1); an empty line must be empty in both.
same_values() {
	paste -d'|' <(echo "$1") <(echo "$2") | awk -F'|' '
		{ n++ }
		$1 == "" && $2 == "" { next }
		$1 == "" || $2 == "" { bad++; if (bad < 5) print "row " NR ": " $1 " vs " $2; next }
		{ d = $1 - $2; if (d < 0) d = -d; m = ($2 < 0 ? -$2 : $2); if (d > 1e-9 * (m > 1 ? m : 1)) { bad++; if (bad < 5) print "row " NR ": " $1 " vs " $2 } }
		END { if (bad) { print bad " of " n " differ"; exit 1 } }'
}

# A few thousand candles of a random walk, deterministic, from
# 2026-01-05 00:00 one a minute (the last at 2026-01-07 01:59).
load_walk() {
	awk 'BEGIN { srand(7); p = 100; print "time,symbol,open,high,low,close,volume"
		for (i = 0; i < 3000; i++) { o = p; p = p * (1 + (rand() - 0.5) / 50); p = int(p * 100 + 0.5) / 100
			printf "%d,W,%.2f,%.2f,%.2f,%.2f,%d\n", 1767571200 + i * 60, o, (o > p ? o : p) + 0.1, (o < p ? o : p) - 0.1, p, 1 + i % 7 } }' >walk.csv
	tsq-load -q ohlcv walk.csv
	candles W >candles.csv
}

# TA-Lib's FUNCTION over the whole history with PARAMS, rows FIRST..LAST (1-based).
talib() {
	local first=$1 last=$2
	shift 2
	node "$TSQ_ROOT/tests/lib/talib.mjs" "$TSQ_ROOT/tests/lib/node" "$@" <candles.csv | sed -n "${first},${last}p"
}

# The windows [from, to) of the walk and their rows: at the first candle,
# in the middle, at the last.
WINDOWS="2026-01-05T00:00 2026-01-05T06:00 1 360
2026-01-06T00:00 2026-01-06T06:00 1441 1800
2026-01-07T01:00 2026-01-08T00:00 2941 3000"

# tsq-query's QUERY with ARGS against TA-Lib's lines in file TALIB (its
# function over the whole history; each window is a slice of it), columns
# COLS of the csv, over every window: each value within 1e-9 relative (of 1
# for values under 1), NULL exactly where TA-Lib has none.
against_talib() {
	local cols=$1 query=$2 args=$3 talib=$4 from to first last
	while read -r from to first last; do
		# shellcheck disable=SC2086
		tsq-query -F csv --no-header "$query" symbol=W $args from="$from" to="$to" >window.csv || return 1
		# Rows first..last of TA-Lib's lines against the window's, column by
		# column; the rows are counted with their times (a column of NULLs
		# is only blank lines).
		awk -F, -v first="$first" -v last="$last" -v c1="${cols%-*}" -v c2="${cols#*-}" \
			-v what="$query $args from $from" '
			NR == FNR { if (FNR >= first && FNR <= last) want[FNR - first + 1] = $0; next }
			{
				n++; split(want[n], w, ",")
				for (c = c1; c <= c2; c++) {
					g = $c; t = w[c - c1 + 1]
					if (g == "" && t == "") continue
					if (g == "" || t == "") { bad++; if (bad < 5) print what ", row " n ", column " c ": " g " vs " t; continue }
					d = g - t; if (d < 0) d = -d; m = (t < 0 ? -t : t)
					if (d > 1e-9 * (m > 1 ? m : 1)) { bad++; if (bad < 5) print what ", row " n ", column " c ": " g " vs " t }
				}
			}
			END {
				if (n != last - first + 1) { print what ": " n " rows, not " last - first + 1; exit 1 }
				if (bad) { print what ": " bad " values differ"; exit 1 }
			}' "$talib" window.csv || return 1
	done <<<"$WINDOWS"
}

# Each indicator and its TA-Lib function: columns of tsq-query's csv,
# query, its arguments, TA-Lib's function, its parameters ("-": none).
INDICATORS="4 sma period=20 SMA timePeriod=20
4 sma period=3 SMA timePeriod=3
4 ema period=20 EMA timePeriod=20
4 ema period=50 EMA timePeriod=50
4 rsi - RSI timePeriod=14
4 rsi period=30 RSI timePeriod=30
4-6 bollinger period=20,k=2 BBANDS timePeriod=20,nbDevUp=2,nbDevDn=2
4-6 macd - MACD fastPeriod=12,slowPeriod=26,signalPeriod=9
4-6 macd fast=5,slow=35,signal=5 MACD fastPeriod=5,slowPeriod=35,signalPeriod=5
4 wma period=20 WMA timePeriod=20
4 roc - ROC timePeriod=10
4 willr - WILLR timePeriod=14
4 cci period=20 CCI timePeriod=20
4 atr - ATR timePeriod=14
4 obv - OBV -
4-5 stoch - STOCH -
4-5 stoch period=14,smooth_k=3,smooth_d=5 STOCH fastKPeriod=14,slowKPeriod=3,slowDPeriod=5
4-5 stochrsi - STOCHRSI -
4-5 stochrsi period=20,k_period=10,d_period=4 STOCHRSI timePeriod=20,fastKPeriod=10,fastDPeriod=4
4 adx - PLUS_DI -
5 adx - MINUS_DI -
6 adx - ADX -
6 adx period=30 ADX timePeriod=30
4 mfi - MFI -
4 mfi period=5 MFI timePeriod=5
4 donchian - MAX_HIGH timePeriod=20
6 donchian period=50 MIN_LOW timePeriod=50"

# Every case of INDICATORS (or those whose query matches the pattern $1)
# against TA-Lib, with EXTRA arguments ($2) for tsq-query; the first failure
# is reported, and so is a pattern that matches no case.  With $3 = first,
# only the first case of each query and column.
every_indicator() {
	local only=${1:-.*} extra=${2:-} first=${3:-} cols query args fn params i
	local -a cases=() calls=()
	local -A seen=()
	while read -r cols query args fn params; do
		[[ $query =~ ^($only)$ ]] || continue
		if [ "$first" = first ]; then
			[ -z "${seen[$query $cols]:-}" ] || continue
			seen[$query $cols]=1
		fi
		[ "$params" = - ] && params=
		cases+=("$cols $query $args")
		# shellcheck disable=SC2206
		calls+=(-o "talib.${#cases[@]}" "$fn" ${params//,/ } --)
	done <<<"$INDICATORS"
	[ "${#cases[@]}" -gt 0 ] || { echo "no indicator matches $only"; return 1; }
	# TA-Lib for every case in one run of node.
	node "$TSQ_ROOT/tests/lib/talib.mjs" "$TSQ_ROOT/tests/lib/node" "${calls[@]:0:${#calls[@]}-1}" \
		<candles.csv || return 1
	for i in "${!cases[@]}"; do
		read -r cols query args <<<"${cases[$i]}"
		[ "$args" = - ] && args=
		against_talib "$cols" "$query" "${args//,/ } $extra" "talib.$((i + 1))" ||
			{ echo "($query ${args//,/ } $extra)"; return 1; }
	done
	echo "${#cases[@]} cases"
}
