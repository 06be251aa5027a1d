#!/usr/bin/env bats
# tsq-query on the backend named by TSQ_TEST_BACKEND (tests/run runs this file
# once per backend: PostgreSQL, native TimescaleDB, PGlite).

load lib/suite

setup() {
	suite_setup
	suite_query_env
}

DAY="from=2026-11-20 to=2026-11-21"

# The schema and the bundled sample: 3 symbols x 360 one-minute candles.
load_sample() {
	tsq_db_init
	tsq-load -q ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
}

# A table with the values output formats find hard.
make_awkward() {
	tsq_psql -c "CREATE TABLE awkward (id integer PRIMARY KEY, t text, f double precision, ok boolean, at timestamptz, j jsonb, n numeric)"
	tsq_psql -c "INSERT INTO awkward VALUES
		(1, 'a,b', 1.5, true, '2024-03-01 12:00:00+00', '{\"k\": [1, \"x\"]}', 12.50),
		(2, '', 'NaN', false, NULL, NULL, NULL),
		(3, NULL, 'Infinity', NULL, '2024-03-01 12:00:00.25+00', 'null', -0.001),
		(4, E'say \"hi\"\nnext|line', -2, true, '1999-12-31 23:59:59+00', '[]', 0),
		(5, 'žluťoučký kůň', 0.1, false, NULL, '\"s\"', 1e20)"
}

@test "--list names every shipped query without a database" {
	run -0 --separate-stderr env TSQ_DB="host=/nonexistent-tsq" tsq-query -l
	assert_equal "$stderr" ""
	for q in tables hypertables chunks compression_stats database_size policies recent_ohlcv \
		recent_trades recent_quotes active_symbols latest_price bars price_change price_range \
		volume_profile vwap sma ema wma rsi bollinger macd atr cci willr roc obv stoch stochrsi \
		adx mfi donchian volatility correlation gaps anomalies spread; do
		assert_line --regexp "^$q	.+"
	done
	assert_equal "${#lines[@]}" 37
}

@test "--describe shows parameters, description and SQL" {
	run -0 --separate-stderr tsq-query --describe bars
	assert_line --index 0 "bars: OHLCV bars at any interval for a symbol, from its candles, trades or quotes; reads the matching rollup when there is one"
	assert_line "  symbol       text         required"
	assert_line "  interval     interval     default 1h"
	assert_line "  from         timestamptz  default -24h"
	assert_line "sql:"
}

@test "parameter errors are exit 64 naming the parameter, before connecting" {
	export TSQ_DB="host=/nonexistent-tsq"
	refused 64 'tsq-query: error: query "bars" needs parameter "symbol" (text)' tsq-query bars interval=1h
	refused 64 'tsq-query: error: query "bars" has no parameter "colour"' tsq-query bars symbol=A colour=red
	refused 64 'tsq-query: error: invalid value "ten" for parameter "period" (int)' tsq-query sma symbol=A period=ten
	refused 64 'tsq-query: error: invalid value "yesterday" for parameter "from" (timestamptz)' tsq-query bars symbol=A from=yesterday
	run --separate-stderr tsq-query no_such_query
	assert_equal "$status" 64
	assert_equal "${stderr_lines[0]}" 'tsq-query: error: no query named "no_such_query"'
	run --separate-stderr tsq-query bars symbol
	assert_equal "$status" 64
	refused 64 'tsq-query: error: the SQL uses :nope, which is not a declared parameter' tsq-query -c 'SELECT :nope'
	run --separate-stderr tsq-query
	assert_equal "$status" 64
}

@test "csv follows COPY's rules: NULL empty, \"\" for the empty string, quotes where needed" {
	make_awkward
	run -0 --separate-stderr tsq-query -F csv -c 'SELECT * FROM awkward ORDER BY id'
	assert_output 'id,t,f,ok,at,j,n
1,"a,b",1.5,t,2024-03-01 12:00:00+00,"{""k"": [1, ""x""]}",12.50
2,"",NaN,f,,,
3,,Infinity,,2024-03-01 12:00:00.25+00,null,-0.001
4,"say ""hi""
next|line",-2,t,1999-12-31 23:59:59+00,[],0
5,žluťoučký kůň,0.1,f,,"""s""",100000000000000000000'
}

@test "csv output loads back through tsq-load unchanged" {
	make_awkward
	tsq_psql -c "CREATE TABLE awkward2 (LIKE awkward INCLUDING ALL)"
	# Through a file: the TimescaleDB test server takes one session at a time,
	# so the two ends of a pipe cannot both be connected there.
	tsq-query -F csv -c 'SELECT * FROM awkward' >awkward.csv
	run -0 --separate-stderr tsq-load awkward2 awkward.csv
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM (SELECT * FROM awkward EXCEPT SELECT * FROM awkward2) d")" 0
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM (SELECT * FROM awkward2 EXCEPT SELECT * FROM awkward) d")" 0
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM awkward2 WHERE t IS NULL")" 1
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM awkward2 WHERE t = ''")" 1
	# And the same for candles, through a named query.
	load_sample
	tsq_psql -c "CREATE TABLE ohlcv2 (time timestamptz, symbol text, open float8, high float8, low float8, close float8, volume float8, trades int, PRIMARY KEY (symbol, time))"
	tsq-query recent_ohlcv $DAY >day.csv
	run -0 --separate-stderr tsq-load ohlcv2 day.csv
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM ohlcv o FULL JOIN ohlcv2 c USING (symbol, time) WHERE o.close IS DISTINCT FROM c.close OR o.volume IS DISTINCT FROM c.volume OR o.trades IS DISTINCT FROM c.trades")" 0
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM ohlcv2")" 1080
}

@test "tsv, jsonl and json: exact bytes" {
	make_awkward
	run -0 --separate-stderr tsq-query -F tsv --null '\N' -c 'SELECT id, t, ok FROM awkward ORDER BY id'
	assert_output 'id	t	ok
1	a,b	t
2		f
3	\N	\N
4	say "hi"\nnext|line	t
5	žluťoučký kůň	f'
	run -0 --separate-stderr tsq-query -F jsonl -c 'SELECT * FROM awkward ORDER BY id'
	assert_output '{"id":1,"t":"a,b","f":1.5,"ok":true,"at":"2024-03-01T12:00:00Z","j":{"k": [1, "x"]},"n":12.50}
{"id":2,"t":"","f":null,"ok":false,"at":null,"j":null,"n":null}
{"id":3,"t":null,"f":null,"ok":null,"at":"2024-03-01T12:00:00.25Z","j":null,"n":-0.001}
{"id":4,"t":"say \"hi\"\nnext|line","f":-2,"ok":true,"at":"1999-12-31T23:59:59Z","j":[],"n":0}
{"id":5,"t":"žluťoučký kůň","f":0.1,"ok":false,"at":null,"j":"s","n":100000000000000000000}'
	# Every line is JSON that jq reads.
	echo "$output" | jq -e . >/dev/null
	run -0 --separate-stderr tsq-query -F json -c 'SELECT id, t FROM awkward WHERE id < 3 ORDER BY id'
	assert_output '[
{"id":1,"t":"a,b"},
{"id":2,"t":""}
]'
	run -0 --separate-stderr tsq-query -F json -c 'SELECT 1 AS x WHERE false'
	assert_output '[]'
	run -0 --separate-stderr tsq-query --tz Asia/Kolkata -F jsonl -c "SELECT timestamptz '2024-03-01 12:00:00+00' AS at"
	assert_output '{"at":"2024-03-01T17:30:00+05:30"}'
}

@test "table and markdown: aligned columns, escaped pipes" {
	make_awkward
	run -0 --separate-stderr tsq-query -F table --null '(null)' -c 'SELECT id, t, f FROM awkward WHERE id IN (1, 3, 5) ORDER BY id'
	assert_output ' id |       t       |    f
----+---------------+----------
  1 | a,b           |      1.5
  3 | (null)        | Infinity
  5 | žluťoučký kůň |      0.1'
	run -0 --separate-stderr tsq-query -F markdown -c 'SELECT id, t FROM awkward WHERE id IN (2, 4) ORDER BY id'
	assert_output '| id | t |
| ---: | --- |
| 2 |  |
| 4 | say "hi"<br>next\|line |'
	# Control characters in values and names cannot drive a terminal; HTML in
	# markdown is shown, not passed on to a renderer.
	run -0 --separate-stderr tsq-query -F table -c "SELECT E'\\x1b[31mRED\\x07' AS \"x\\x1b[2Jy\", E'a\\tb' AS t"
	refute_output --regexp $'[\x01-\x08\x0b-\x1f\x7f]'
	assert_output '    x\x1b[2Jy    |  t
-----------------+------
 \x1b[31mRED\x07 | a\tb'
	run -0 --separate-stderr tsq-query -F markdown -c "SELECT E'<script>x</script> & \\x1b[2J' AS v"
	assert_output '| v |
| --- |
| &lt;script&gt;x&lt;/script&gt; &amp; \x1b[2J |'
	run -0 --separate-stderr tsq-query -F csv --no-header -c 'SELECT 1 AS a, 2 AS b'
	assert_output '1,2'
	# On a terminal: a table by default, with the row count under it.
	run script -qec "tsq-query -c 'SELECT 1 AS a UNION ALL SELECT 22'" /dev/null
	assert_success
	assert_output "$(printf ' a\r\n----\r\n  1\r\n 22\r\n(2 rows)\r')"
}

@test "spark draws one sparkline per series with min, max and last" {
	run -0 --separate-stderr tsq-query -F spark -c "SELECT s, t, v FROM (VALUES ('A', 1, 1.0), ('A', 2, 2.0), ('A', 3, 8.0), ('A', 4, 4.0), ('B', 1, 5.0), ('B', 2, 5.0)) x(s, t, v) ORDER BY s, t"
	assert_output 'A ▁▂█▄  min 1  max 8  last 4
B ▄▄  min 5  max 5  last 5'
}

@test "the default format is csv into a pipe; TSQ_FORMAT and -o" {
	run -0 --separate-stderr tsq-query -c 'SELECT 1 AS a'
	assert_output 'a
1'
	TSQ_FORMAT=jsonl run --separate-stderr tsq-query -c 'SELECT 1 AS a'
	assert_output '{"a":1}'
	run -0 --separate-stderr tsq-query -o out.csv -c 'SELECT 2 AS b'
	assert_output ''
	assert_equal "$(cat out.csv)" 'b
2'
	# A query that fails leaves the file as it was; a device is written through.
	run --separate-stderr tsq-query -o out.csv -c 'SELECT 1/0'
	assert_failure
	assert_equal "$(cat out.csv)" 'b
2'
	run -0 --separate-stderr tsq-query -o /dev/null -c 'SELECT 3'
	assert [ -c /dev/null ]
	run -0 --separate-stderr tsq-query -o /dev/stdout -c 'SELECT 4 AS d'
	assert_output 'd
4'
	run --separate-stderr tsq-query -o /dev/full -c 'SELECT 5'
	assert_equal "$status" 73
	assert [ -c /dev/full ]
}

@test "a user's query replaces the shipped one; --queries-dir and TSQ_QUERY_PATH come first" {
	load_sample
	mkdir -p "$XDG_CONFIG_HOME/tsq/queries" qd pd
	printf -- '-- description: mine\n-- param: symbols text[] = null\nSELECT 42 AS answer\n' >"$XDG_CONFIG_HOME/tsq/queries/latest_price.sql"
	run -0 --separate-stderr tsq-query latest_price
	assert_output 'answer
42'
	run -0 --separate-stderr tsq-query -l
	assert_line --regexp '^latest_price	mine$'
	printf -- '-- description: from the path\nSELECT 7 AS answer\n' >pd/latest_price.sql
	TSQ_QUERY_PATH="$PWD/pd" run --separate-stderr tsq-query latest_price
	assert_output 'answer
7'
	printf -- '-- description: from the option\n-- param: n int = 1\nSELECT :n + 1 AS answer\n' >qd/latest_price.sql
	TSQ_QUERY_PATH="$PWD/pd" run --separate-stderr tsq-query --queries-dir qd latest_price n=41
	assert_output 'answer
42'
	rm "$XDG_CONFIG_HOME/tsq/queries/latest_price.sql"
	run -0 --separate-stderr tsq-query latest_price
	assert_line --index 0 'time,symbol,close'
}

@test "parameters are bound, never pasted: a quote in a value is data" {
	load_sample
	run -0 --separate-stderr tsq-query -F csv recent_ohlcv "symbol=BTC-USD' OR '1'='1" $DAY
	assert_output 'time,symbol,open,high,low,close,volume,trades'
	run -0 --separate-stderr tsq-query -c "-- param: s text
SELECT length(:s) AS n, :s AS s" "s=it's"
	assert_output 'n,s
4,it'"'"'s'
}

@test "market-data queries return the fixture's rows" {
	load_sample
	run -0 --separate-stderr tsq-query recent_ohlcv $DAY
	assert_equal "${#lines[@]}" 1081
	assert_line --index 1 '2026-11-20 00:00:00+00,BTC-USD,91250,91268.67,91220.74,91228.99,2.6243,42'
	run -0 --separate-stderr tsq-query recent_ohlcv symbol=SOL-USD limit=2 $DAY
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 --regexp '^2026-11-20 00:00:00\+00,SOL-USD,'
	# The last close of each symbol is the last line of it in the file.
	run -0 --separate-stderr tsq-query latest_price
	for s in BTC-USD ETH-USD SOL-USD; do
		close=$(grep ",$s," "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv" | tail -n 1 | cut -d, -f7)
		assert_line "2026-11-20 05:59:00+00,$s,$(echo "$close" | sed 's/0*$//; s/\.$//')"
	done
	run -0 --separate-stderr tsq-query latest_price symbols=ETH-USD
	assert_equal "${#lines[@]}" 2
	run -0 --separate-stderr tsq-query active_symbols $DAY
	assert_output 'time,symbol,candles,first,last
2026-11-20 05:59:00+00,BTC-USD,360,2026-11-20 00:00:00+00,2026-11-20 05:59:00+00
2026-11-20 05:59:00+00,ETH-USD,360,2026-11-20 00:00:00+00,2026-11-20 05:59:00+00
2026-11-20 05:59:00+00,SOL-USD,360,2026-11-20 00:00:00+00,2026-11-20 05:59:00+00'
	# Changes and ranges against the same figures computed in SQL here.
	run -0 --separate-stderr tsq-query -F csv --no-header price_change symbols=BTC-USD $DAY
	expected=$(tsq_psql -c "SELECT (array_agg(close ORDER BY time))[1], (array_agg(close ORDER BY time DESC))[1] FROM ohlcv WHERE symbol = 'BTC-USD'" | tr '|' ,)
	assert_regex "$output" "^2026-11-20 05:59:00\+00,BTC-USD,$expected,"
	run -0 --separate-stderr tsq-query -F csv --no-header price_range symbols=ETH-USD $DAY
	expected=$(tsq_psql -c "SELECT max(high), min(low) FROM ohlcv WHERE symbol = 'ETH-USD'" | tr '|' ,)
	assert_regex "$output" "^2026-11-20 05:59:00\+00,ETH-USD,$expected,"
	# VWAP over the day up to the last candle: the same as over all of it.
	run -0 --separate-stderr tsq-query -F csv --no-header vwap symbol=SOL-USD $DAY
	expected=$(tsq_psql -c "SELECT round((sum((high + low + close) / 3 * volume) / sum(volume))::numeric, 6) FROM ohlcv WHERE symbol = 'SOL-USD'")
	assert_equal "$(echo "$output" | tail -n 1 | cut -d, -f4 | awk '{ printf "%.6f", $1 }')" "$expected"
	run -0 --separate-stderr tsq-query -F csv --no-header volume_profile symbol=BTC-USD buckets=10 $DAY
	assert_equal "${#lines[@]}" 10
	assert_equal "$(echo "$output" | awk -F, '{ n += $6; v += $5 } END { printf "%d %.4f", n, v }')" \
		"360 $(tsq_psql -c "SELECT round(sum(volume)::numeric, 4) FROM ohlcv WHERE symbol = 'BTC-USD'")"
}

@test "trades and quotes come back in order" {
	tsq_db_init
	printf 'time,symbol,price,size,side,trade_id\n2026-11-20T00:00:01Z,A,1.5,2,buy,7\n2026-11-20T00:00:00Z,A,1.4,1,sell,6\n' >t.csv
	printf 'time,symbol,bid_price,bid_size,ask_price,ask_size,quote_id\n2026-11-20T00:00:00Z,A,1.4,3,1.6,2,1\n' >q.csv
	tsq-load -q trades t.csv
	tsq-load -q quotes q.csv
	run -0 --separate-stderr tsq-query recent_trades $DAY
	assert_output 'time,symbol,price,size,side,trade_id,exchange
2026-11-20 00:00:00+00,A,1.4,1,sell,6,
2026-11-20 00:00:01+00,A,1.5,2,buy,7,'
	run -0 --separate-stderr tsq-query -F jsonl recent_quotes $DAY
	assert_output --regexp '^\{"time":"2026-11-20T00:00:00Z","symbol":"A","bid_price":1.4,"bid_size":3,"ask_price":1.6,"ask_size":2,"spread":0.2[0-9]*,"exchange":null\}$'
}

@test "bars: the same from the rollups as from the raw candles, at every interval" {
	tsq_db_init
	tsq_hold_jobs
	tsq-load -q ohlcv "$TSQ_ROOT/tests/fixtures/sample-ohlcv.csv"
	# Materialise the first half of the day into the rollups, as tsq-compress
	# (PostgreSQL, Citus) or the refresh policies (TimescaleDB) would; the rest is
	# answered from the candles.
	for r in ohlcv_5m ohlcv_15m ohlcv_1h ohlcv_4h ohlcv_1d; do
		if [ "$TSQ_TEST_KIND" != timescaledb ]; then
			tsq_psql -c "SELECT tsq.refresh_rollup('public', '$r', '2026-11-20', '2026-11-20 03:00')" >/dev/null
		else
			tsq_psql -c "CALL refresh_continuous_aggregate('$r', '2026-11-19', '2026-11-20 03:00')"
		fi
	done
	# And add a candle later, which only the raw data has.
	printf 'time,symbol,open,high,low,close,volume\n2026-11-20T23:59:00Z,ETH-USD,1,2,0.5,1.5,3\n' >late.csv
	tsq-load -q ohlcv late.csv
	for interval in 5m 10m 15m 30m 1h 2h 4h 1d 7m 1m; do
		run -0 --separate-stderr tsq-query -F csv bars symbol=ETH-USD interval=$interval $DAY
		rollup=$(echo "$output" | awk -F, -v OFS=, 'NR > 1 { $7 = sprintf("%.6f", $7) } { print }')
		run -0 --separate-stderr tsq-query -F csv bars symbol=ETH-USD interval=$interval source=raw $DAY
		raw=$(echo "$output" | awk -F, -v OFS=, 'NR > 1 { $7 = sprintf("%.6f", $7) } { print }')
		assert_equal "$rollup" "$raw"
	done
	# A to inside a bucket of the rollups: the last bar is the candles before
	# it, from either (the rollup's whole bucket held later candles).
	for interval in 5m 1h 4h; do
		run -0 --separate-stderr tsq-query -F csv bars symbol=ETH-USD interval=$interval from=2026-11-20 to=2026-11-20T02:07:00Z
		rollup=$(echo "$output" | awk -F, -v OFS=, 'NR > 1 { $7 = sprintf("%.6f", $7) } { print }')
		run -0 --separate-stderr tsq-query -F csv bars symbol=ETH-USD interval=$interval source=raw from=2026-11-20 to=2026-11-20T02:07:00Z
		raw=$(echo "$output" | awk -F, -v OFS=, 'NR > 1 { $7 = sprintf("%.6f", $7) } { print }')
		assert_equal "$rollup" "$raw"
	done
	run -0 --separate-stderr tsq-query -F csv bars symbol=ETH-USD interval=1h $DAY
	assert_equal "${#lines[@]}" 8
	assert_line --index 1 --regexp '^2026-11-20 00:00:00\+00,ETH-USD,'
	assert_line --index 7 '2026-11-20 23:00:00+00,ETH-USD,1,2,0.5,1.5,3,,'
	# Hourly and two-hourly bars read the 1-hour rollup; 7-minute bars cannot.
	for interval in 1h 2h; do
		run -0 --separate-stderr tsq-query --explain bars symbol=ETH-USD interval=$interval $DAY
		assert_output --regexp 'ohlcv_1h|_materialized_hypertable_'
		refute_output --regexp 'ohlcv_(5m|15m|4h|1d)'
	done
	run -0 --separate-stderr tsq-query --explain bars symbol=ETH-USD interval=7m $DAY
	refute_output --regexp 'ohlcv_1h|_materialized_hypertable_'
}

@test "volatility and correlation" {
	load_sample
	run -0 --separate-stderr tsq-query -F csv --no-header volatility symbol=BTC-USD period=20 $DAY
	assert_equal "${#lines[@]}" 360
	# The first value needs 20 returns: row 21.
	assert_equal "$(echo "$output" | sed -n 20p | cut -d, -f5)" ""
	expected=$(tsq_psql -c "SELECT round(stddev_samp(r)::numeric, 12) FROM (SELECT ln(close / lag(close) OVER (ORDER BY time)) AS r FROM ohlcv WHERE symbol = 'BTC-USD' ORDER BY time LIMIT 21) x")
	assert_equal "$(echo "$output" | sed -n 21p | cut -d, -f5 | awk '{ printf "%.12f", $1 }')" "$expected"
	run -0 --separate-stderr tsq-query -F csv --no-header volatility symbol=BTC-USD period=20 periods_per_year=525600 $DAY
	assert_equal "$(echo "$output" | sed -n 21p | cut -d, -f5 | awk '{ printf "%.9f", $1 }')" \
		"$(awk -v v="$expected" 'BEGIN { printf "%.9f", v * sqrt(525600) }')"
	# From later on, the returns before from are read: the first row has its value.
	run -0 --separate-stderr tsq-query -F csv --no-header volatility symbol=BTC-USD period=20 from=2026-11-20T01:00 to=2026-11-20T01:01
	expected=$(tsq_psql -c "SELECT round(stddev_samp(r)::numeric, 12) FROM (SELECT ln(close / lag(close) OVER (ORDER BY time)) AS r FROM ohlcv WHERE symbol = 'BTC-USD' AND time <= '2026-11-20 01:00' ORDER BY time DESC LIMIT 20) x")
	assert_equal "$(echo "$output" | cut -d, -f5 | awk '{ printf "%.12f", $1 }')" "$expected"
	run -0 --separate-stderr tsq-query -F csv --no-header correlation symbols=BTC-USD,ETH-USD period=30 $DAY
	assert_equal "${#lines[@]}" 360
	assert_equal "$(echo "$output" | cut -d, -f4 | grep -c .)" 330
	assert_equal "$(echo "$output" | awk -F, '$4 != "" && ($4 < -1 || $4 > 1)' | wc -l)" 0
	assert_line --index 359 --regexp '^2026-11-20 05:59:00\+00,BTC-USD,ETH-USD,'
	# interval=15m: the correlation of the returns of 15-minute bars, as bars builds them.
	got=$(tsq-query -F csv --no-header correlation symbols=BTC-USD,ETH-USD period=5 interval=15m $DAY | cut -d, -f4)
	for s in BTC-USD ETH-USD; do
		tsq-query -F csv --no-header bars symbol=$s interval=15m source=raw $DAY | cut -d, -f6 >$s.close
	done
	want=$(paste -d, BTC-USD.close ETH-USD.close | awk -F, -v p=5 '
		NR > 1 { n++; a[n] = $1 / pa - 1; b[n] = $2 / pb - 1 }
		{ pa = $1; pb = $2 }
		NR == 1 { print ""; next }
		n < p { print ""; next }
		{ sa = sb = 0; for (i = n - p + 1; i <= n; i++) { sa += a[i]; sb += b[i] }
		  ma = sa / p; mb = sb / p; c = va = vb = 0
		  for (i = n - p + 1; i <= n; i++) { c += (a[i] - ma) * (b[i] - mb); va += (a[i] - ma) ^ 2; vb += (b[i] - mb) ^ 2 }
		  printf "%.17g\n", c / sqrt(va * vb) }')
	assert_equal "$(echo "$got" | wc -l)" 24
	run same_values "$got" "$want"
	assert_success
}

@test "gaps and anomalies find what was broken in the data" {
	load_sample
	tsq_psql -c "DELETE FROM ohlcv WHERE symbol = 'SOL-USD' AND time >= '2026-11-20 01:00' AND time < '2026-11-20 01:03'"
	tsq_psql -c "UPDATE ohlcv SET close = close * 1.2 WHERE symbol = 'ETH-USD' AND time = '2026-11-20 02:00'"
	run -0 --separate-stderr tsq-query gaps $DAY
	assert_output 'time,symbol,timeframe,last_missing,missing
2026-11-20 01:00:00+00,SOL-USD,1m,2026-11-20 01:02:00+00,3'
	run -0 --separate-stderr tsq-query -F csv anomalies threshold=10 $DAY
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 --regexp '^2026-11-20 02:00:00\+00,ETH-USD,.*,1[89]\.[0-9]+$'
	assert_line --index 2 --regexp '^2026-11-20 02:01:00\+00,ETH-USD,.*,-1[5-7]\.[0-9]+$'
}

@test "catalog queries describe the schema on either backend" {
	load_sample
	run -0 --separate-stderr tsq-query tables
	assert_line --regexp '^public,ohlcv,(partitioned|table),'
	run -0 --separate-stderr tsq-query hypertables
	assert_line --regexp '^public,ohlcv,time,[0-9]+,[0-9]+,(t|f)$'
	assert_line --regexp '^public,trades,time,'
	run -0 --separate-stderr tsq-query -F csv --no-header chunks table=ohlcv
	assert_output --regexp '2026-11-20 00:00:00\+00,2026-11-21 00:00:00\+00,f,[0-9]+'
	run -0 --separate-stderr tsq-query compression_stats
	assert_line --regexp '^public,ohlcv,[0-9]+,0,'
	run -0 --separate-stderr tsq-query database_size
	assert_line --regexp '^[a-z0-9_]+,public,[0-9]+,'
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		# tsq-init makes no job of TimescaleDB's: two, as --native would.
		tsq_psql -c "SELECT add_compression_policy('ohlcv', INTERVAL '7 days')" \
			-c "SELECT add_continuous_aggregate_policy('ohlcv_1h', start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 hour')" >/dev/null
	fi
	run -0 --separate-stderr tsq-query policies
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		assert_line --regexp ',policy_compression,public,ohlcv,'
		assert_line --regexp ',policy_refresh_continuous_aggregate,'
	else
		assert_line --regexp '^ohlcv_1h,refresh rollup,public,ohlcv_1h,01:00:00,,ohlcv_15m$'
	fi
}

@test "--explain, --timing and --timeout" {
	run -0 --separate-stderr tsq-query --explain -c 'SELECT 1'
	assert_output --partial 'Result'
	run -0 --separate-stderr tsq-query --timing -c 'SELECT 1 AS a'
	assert_regex "$stderr" '^tsq-query: time: [0-9.]+ ms$'
	if ! tsq_one_session; then
		run --separate-stderr tsq-query --timeout 200ms -c 'SELECT pg_sleep(5)'
		assert_equal "$status" 75
		assert_regex "$stderr" 'canceling statement due to statement timeout'
	fi
	run --separate-stderr tsq-query -c 'SELECT 1/0'
	assert_equal "$status" 1
	assert_regex "$stderr" 'division by zero'
}

@test "Ctrl-C cancels the query on the server: exit 130; statements that are not queries stream too" {
	tsq_one_session && skip "PGlite serves one session at a time: a second could not watch the first"
	# The cursor's FETCH runs the query: watch for it in tsq-query's session.
	# (Not merely an active statement: the session settings sent while
	# connecting are one too, and a signal then would find SIGINT still
	# ignored, as the shell leaves it for a background job.)
	tsq-query -c "SELECT pg_sleep(60) AS slow" 2>err &
	pid=$!
	fetching="SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tsq-query' AND state = 'active' AND query LIKE 'FETCH %'"
	wait_for 10 "the query running" '[ "$(tsq_psql -c "$fetching")" = 1 ]'
	kill -INT "$pid"
	# It ends at once, not when the 60 s query would have.
	wait_for 10 "tsq-query to end" '! kill -0 "$pid" 2>/dev/null'
	run kill -0 "$pid"
	assert_failure
	status=0
	wait "$pid" || status=$?
	assert_equal "$status" 130
	assert_equal "$(cat err)" "tsq-query: error: interrupted"
	# Cancelled, not left running on the server.
	active="SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tsq-query' AND state = 'active'"
	wait_for 5 "the query cancelled on the server" '[ "$(tsq_psql -c "$active")" = 0 ]'
	assert_equal "$(tsq_psql -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tsq-query' AND state = 'active'")" 0
	tsq_psql -c "CREATE TABLE notes (id int, note text)" >/dev/null
	run -0 --separate-stderr tsq-query -F csv -c "INSERT INTO notes VALUES (1, 'a'), (2, 'b') RETURNING id, note"
	assert_output $'id,note\n1,a\n2,b'
	run -0 --separate-stderr tsq-query -F csv -c "/* a comment */ (SELECT count(*) AS n FROM notes)"
	assert_output $'n\n2'
}

@test "Ctrl-C at any moment of the start ends tsq-query at once" {
	tsq_one_session && skip "PGlite's server takes no cancel requests"
	[ -r /proc/self/comm ] || skip "no /proc to tell when tsq-query has started"
	# Whatever step the signal falls between (connecting, BEGIN, DECLARE,
	# the first FETCH sent but not yet waited for), nothing may go on to run
	# the 60 s query.  env restores the default action the shell takes away
	# from a background job, as a terminal's Ctrl-C would find it; the delay
	# counts from env's exec of tsq-query (a signal sent before it, while
	# the shell still ignores SIGINT, would be lost on the way, not by tsq).
	for delay in 0.01 0.02 0.03 0.04 0.05 0.06 0.08 0.1 0.15 0.2; do
		env --default-signal=INT tsq-query -c "SELECT pg_sleep(60) AS slow" >/dev/null 2>&1 &
		pid=$!
		comm=
		while [ "$comm" != tsq-query ] && kill -0 "$pid" 2>/dev/null; do
			read -r comm <"/proc/$pid/comm" 2>/dev/null || comm=
		done
		sleep "$delay"
		kill -INT "$pid"
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid"
			fail "tsq-query still running 5 s after Ctrl-C sent ${delay} s after its start"
		fi
		status=0
		wait "$pid" || status=$?
		assert_equal "$status" 130
	done
}

@test "an unknown --tz is exit 64 with the same words in every tool that takes it" {
	tsq_db_init
	for cmd in "tsq-query -c SELECT\ 1" "tsq-stats" "tsq-compress --show-policies" "tsq-load ohlcv /dev/null"; do
		run --separate-stderr bash -c "$cmd --tz Mars/Base"
		assert_equal "$cmd: $status" "$cmd: 64"
		assert_equal "$stderr" "${cmd%% *}: error: invalid value \"Mars/Base\" for option --tz: unknown time zone"
	done
}

@test "-W asks for the password on the terminal, without echoing it" {
	command -v script >/dev/null || skip "no script(1) to give the tool a terminal"
	run bash -c "(sleep 1; printf 'secret\n') | timeout 20 script -qec \"tsq-query -W -F csv --no-header -c 'SELECT 42'\" /dev/null"
	assert_success
	assert_output "$(printf 'Password: \r\n42\r')"
	refute_output --partial secret
}

@test "rows that cannot be written are exit 1 with one error line" {
	refused 1 "tsq-query: error: could not write the rows: No space left on device" bash -c "tsq-query -c 'SELECT generate_series(1, 200000)' >/dev/full"
	refused 1 "tsq-query: error: could not write the rows: No space left on device" bash -c "tsq-query -F json -c 'SELECT 1 AS one' >/dev/full"
}

@test "results stream: memory stays flat however many rows come back" {
	# 600,000 rows kept would take over 30 MB: the 8 MB bound tells.
	tsq_one_session && n=300000 || n=600000
	# Freed memory must be given back for the comparison to mean anything.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
	/usr/bin/time -f %M -o small tsq-query -F csv -c "SELECT g, md5(g::text) AS h FROM generate_series(1, 20000) g" >/dev/null
	/usr/bin/time -f %M -o big tsq-query -F csv -c "SELECT g, md5(g::text) AS h FROM generate_series(1, $n) g" >rows.csv
	assert_equal "$(wc -l <rows.csv)" $((n + 1))
	/usr/bin/time -f %M -o bigjson tsq-query -F jsonl -c "SELECT g, md5(g::text) AS h FROM generate_series(1, $n) g" >/dev/null
	small=$(cat small) big=$(cat big) bigjson=$(cat bigjson)
	echo "# peak RSS: $small KB for 20000 rows, $big KB (csv) and $bigjson KB (jsonl) for $n" >&3
	[ $((big - small)) -lt 8192 ]
	[ $((bigjson - small)) -lt 8192 ]
}

# The bars of the trades of symbol TX as an independent computation has them:
# buckets by date_bin (months by date_trunc), open and close by a subquery,
# VWAP from numeric sums; the 9 columns of bars, "|" between them.
trade_bars_sql() {
	local bucket="date_bin(INTERVAL '$1', time, timestamptz '2000-01-03')"
	[ "$1" != "1 month" ] || bucket="date_trunc('month', time)"
	tsq_psql -c "SET TimeZone = 'UTC'" -c "
		WITH t AS (SELECT $bucket AS b, time, price, size, trade_id FROM trades WHERE symbol = 'TX')
		SELECT b, 'TX',
		       (SELECT t2.price FROM t t2 WHERE t2.b = t.b ORDER BY t2.time, t2.trade_id LIMIT 1),
		       max(price), min(price),
		       (SELECT t2.price FROM t t2 WHERE t2.b = t.b ORDER BY t2.time DESC, t2.trade_id DESC LIMIT 1),
		       sum(size), count(*), (sum(price::numeric * size::numeric) / sum(size::numeric))::float8
		FROM t GROUP BY b ORDER BY b"
}

@test "bars source=trades: the trades' bars at every interval, from the rollups as from the raw trades, as an independent computation has them" {
	tsq_db_init
	tsq_hold_jobs
	# 3,000 trades over two days ten days ago, three in each microsecond they
	# share, in no order in the file (prices in quarters: sums are exact).
	tsq_psql -c "COPY (SELECT date_trunc('day', now() - INTERVAL '10 days') + (g / 3) * INTERVAL '97 seconds', 'TX',
	                          100 + (g * 7919 % 400) / 4.0, 1 + g % 5, g
	                   FROM generate_series(1, 3000) g ORDER BY md5(g::text))
	             TO STDOUT WITH (FORMAT csv)" >trades.csv
	tsq-load -q --no-header --columns time,symbol,price,size,trade_id trades trades.csv
	range="from=$(date -u -d '40 days ago' +%F) to=$(date -u -d tomorrow +%F)"
	check_all() {
		for interval in 1s 1m 5m 1h 2h 1d "1 month"; do
			want=$(trade_bars_sql "$interval")
			[ "$(echo "$want" | wc -l)" -ge 1 ]
			for source in trades raw-trades; do
				run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=TX "interval=$interval" source=$source $range
				assert_equal "$(tr , '|' <<<"$output")" "$want"
			done
		done
	}
	# Before any refresh (rollup tables empty; continuous aggregates read the
	# trades), after one, and after a late trade and the next one.
	check_all
	run -0 --separate-stderr tsq-compress --run
	if [ "$TSQ_TEST_KIND" = timescaledb ]; then
		[ "$(tsq_psql -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'trades' AND is_compressed")" -ge 1 ]
	else
		[ "$(tsq_psql -c "SELECT count(*) FROM trades_1m")" -eq 1001 ]
	fi
	# Hourly bars come from trades_1h (its table, or its materialization).
	run -0 --separate-stderr tsq-query --explain bars symbol=TX interval=2h source=trades $range
	assert_output --regexp 'trades_1h|_materialized_hypertable_'
	refute_output --regexp 'trades_1m|trades_1d'
	check_all
	# A late trade, the lowest price, into a day already refreshed (and
	# compressed where the backend compresses): the rollups have it after
	# the next run.
	run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=TX interval=1d source=trades $range
	IFS=, read -r -a before <<<"${lines[0]}"
	tsq_psql -c "COPY (SELECT date_trunc('day', now() - INTERVAL '10 days') + INTERVAL '30 minutes 5 seconds', 'TX', 50.5, 2, 99999)
	             TO STDOUT WITH (FORMAT csv)" >late.csv
	tsq-load -q --no-header --columns time,symbol,price,size,trade_id trades late.csv
	run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=TX interval=1d source=raw-trades $range
	IFS=, read -r -a after <<<"${lines[0]}"
	assert_equal "${after[4]} ${after[6]} ${after[7]}" "50.5 $((before[6] + 2)) $((before[7] + 1))"
	run -0 --separate-stderr tsq-compress --run
	check_all
	# The candles' sources read no trade; a month bucket is refused mixed
	# with days.
	run -0 --separate-stderr tsq-query -F csv --no-header bars symbol=TX interval=1h $range
	assert_output ""
	run -64 --separate-stderr tsq-query bars symbol=TX "interval=1 month 2 days" source=trades
	assert_equal "$stderr" 'tsq-query: error: invalid value "1 month 2 days" for parameter "interval" (interval)'
}

@test "indicators over trades: the same values as over candles of those bars" {
	tsq_db_init
	# One trade a minute, the close of each minute, and the same as candles.
	tsq_psql -c "COPY (SELECT timestamptz '2026-11-20' + g * INTERVAL '1 minute', 'TR',
	                          100 + 10 * sin(g / 30.0) + (g % 7) / 8.0, 1 + g % 3, g
	                   FROM generate_series(0, 2879) g) TO STDOUT WITH (FORMAT csv)" >t.csv
	tsq-load -q --no-header --columns time,symbol,price,size,trade_id trades t.csv
	awk -F, -v OFS=, '{ print $1, $2, $3, $3, $3, $3, $4 }' t.csv >c.csv
	tsq-load -q --no-header --columns time,symbol,open,high,low,close,volume ohlcv c.csv
	for q in "rsi period=14" "ema period=20" "macd" "bollinger period=20" "atr period=14" "obv"; do
		for interval in 5m 1h; do
			run -0 --separate-stderr tsq-query -F csv --no-header $q symbol=TR interval=$interval source=raw from=2026-11-21 to=2026-11-22
			want=$output
			[ "$(echo "$want" | wc -l)" -ge 24 ]
			run -0 --separate-stderr tsq-query -F csv --no-header $q symbol=TR interval=$interval source=trades from=2026-11-21 to=2026-11-22
			assert_equal "$output" "$want"
			run -0 --separate-stderr tsq-query -F csv --no-header $q symbol=TR interval=$interval source=raw-trades from=2026-11-21 to=2026-11-22
			assert_equal "$output" "$want"
		done
	done
	# Without interval, ticks give 1-minute bars.
	run -0 --separate-stderr tsq-query -F csv --no-header rsi symbol=TR source=raw from=2026-11-21T10:00 to=2026-11-21T11:00
	want=$output
	run -0 --separate-stderr tsq-query -F csv --no-header rsi symbol=TR source=trades from=2026-11-21T10:00 to=2026-11-21T11:00
	assert_equal "$output" "$want"
}

@test "bars source=quotes and spread: the mid price's bars, the time-weighted spread" {
	tsq_db_init
	# Quotes every 20 s, two in one microsecond at 00:10 (quote_id decides),
	# one without an ask (not read).
	cat >q.csv <<-'EOF'
	time,symbol,bid_price,bid_size,ask_price,ask_size,quote_id
	2026-11-20T00:00:00Z,QX,100,1,101,1,1
	2026-11-20T00:00:20Z,QX,100.5,1,101.5,2,2
	2026-11-20T00:00:40Z,QX,99,1,102,2,3
	2026-11-20T00:01:00Z,QX,99.5,1,100.5,1,4
	2026-11-20T00:01:30Z,QX,98,1,,,5
	2026-11-20T00:10:00Z,QX,97,1,99,1,7
	2026-11-20T00:10:00Z,QX,96,1,98,1,6
	EOF
	tsq-load -q quotes q.csv
	run -0 --separate-stderr tsq-query -F csv bars symbol=QX interval=1m source=quotes from=2026-11-20 to=2026-11-20T00:11
	assert_output 'time,symbol,open,high,low,close,volume,trades,vwap
2026-11-20 00:00:00+00,QX,100.5,101,100.5,100.5,,3,
2026-11-20 00:01:00+00,QX,100,100,100,100,,1,
2026-11-20 00:10:00+00,QX,97,98,97,98,,2,'
	# Time-weighted: 20 s at 1, 20 s at 1, 20 s at 3 (to the minute's end);
	# the 00:01 quote stands to to (00:01:30 has no ask); 00:10 both 0 s long
	# but the second, which stands to to: 60 s at 2.
	run -0 --separate-stderr tsq-query -F csv spread symbol=QX interval=1m from=2026-11-20 to=2026-11-20T00:11
	assert_output 'time,symbol,open,high,low,close,mean_spread,max_spread,quotes
2026-11-20 00:00:00+00,QX,100.5,101,100.5,100.5,1.6666666666666667,3,3
2026-11-20 00:01:00+00,QX,100,100,100,100,1,1,1
2026-11-20 00:10:00+00,QX,97,98,97,98,2,2,2'
}

@test "the README's tick tour: a trade stream becomes candles" {
	tsq_db_init
	# An hour of Binance trade messages as the stream sends them (prices and
	# sizes as strings, T in epoch milliseconds), in place of websocat.
	tsq_psql -c "COPY (SELECT json_build_object('e', 'trade', 'E', ms + 3, 's', 'XRPETH', 't', 5000 + g,
	                                            'p', to_char(0.0004 + (g % 17) * 0.000001, 'FM0.00000000'),
	                                            'q', to_char(1 + g % 900, 'FM9990.00'), 'T', ms, 'm', g % 2 = 0)
	                   FROM (SELECT g, (extract(epoch FROM now() - INTERVAL '50 minutes') * 1000)::bigint + g * 2900 AS ms
	                         FROM generate_series(1, 1000) g) x) TO STDOUT" >stream.jsonl
	sed -n '/^#### From ticks to candles/,/^```$/p' "$TSQ_ROOT/README.md" | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d' |
		sed 's|^websocat .*|cat stream.jsonl \||; s|tsq-load trades &$|tsq-load -q trades|' >tour.sh
	grep -q '^cat stream.jsonl |$' tour.sh
	run -0 --separate-stderr bash -e tour.sh
	assert_equal "$stderr" ""
	assert_equal "$(tsq_psql -c "SELECT count(*), count(DISTINCT trade_id) FROM trades WHERE symbol = 'XRPETH'")" "1000|1000"
	run -0 --separate-stderr tsq-query bars symbol=XRPETH interval=1m source=raw-trades from=-1h
	bars=$output
	[ "$(echo "$bars" | wc -l)" -ge 49 ]
	run -0 --separate-stderr bash -e tour.sh
	assert_equal "$(head -n "$(echo "$bars" | wc -l)" <<<"$output")" "$bars"
	assert_line "time,symbol,close,rsi"
	assert_line "time,symbol,open,high,low,close,mean_spread,max_spread,quotes"
	# Each minute's trades, counted independently.
	assert_equal "$(echo "$bars" | awk -F, 'NR > 1 { n += $8 } END { print n }')" 1000
}

@test "-c: PostgreSQL's type names for parameters; several statements are refused before connecting" {
	tsq_db_init
	run -0 --separate-stderr tsq-query -F csv --no-header -c "-- param: n integer = 3
-- param: x double precision = 1.5
-- param: t timestamp with time zone = 2026-01-01
-- param: b boolean = yes
-- param: s character varying = a
SELECT :n + 1, :x * 2, :t, :b, :s || 'b', pg_typeof(:n)::text, pg_typeof(:x)::text"
	assert_output "4,3,2026-01-01 00:00:00+00,t,ab,bigint,double precision"
	run -64 --separate-stderr tsq-query -d "host=/nonexistent-tsq" -c "-- param: n widget = 3
SELECT :n"
	assert_equal "$stderr" 'tsq-query: error: parameter "n" has an unknown type "widget"'
	run -64 --separate-stderr tsq-query -d "host=/nonexistent-tsq" -c "SELECT 1 AS a;
SELECT 2 AS b"
	assert_equal "$stderr" 'tsq-query: error: the SQL holds more than one statement (a ";" on line 1 has more after it): tsq-query runs one, its parameters bound; give each its own -c, or run the file with psql -f'
	# A ";" in a literal, or at the end with comments after it, is one statement.
	run -0 --separate-stderr tsq-query -F csv --no-header -c "SELECT ';' AS a; -- done
/* the end */"
	assert_output ";"
}

# A pager that says it ran, what it got, and LESS.
fake_pager() {
	cat >pager.sh <<-'EOS'
	#!/bin/sh
	echo "LESS=$LESS" >"$(dirname "$0")/pager.ran"
	cat >"$(dirname "$0")/pager.got"
	EOS
	chmod +x pager.sh
}

@test "a pager on a terminal, for a result that does not fit the screen only; never into a pipe, or with --no-pager" {
	command -v script >/dev/null || skip "no script(1) to give the tool a terminal"
	tsq_db_init
	fake_pager
	on_terminal() { timeout 30 script -qec "stty rows 10 cols 80; PAGER='$PWD/pager.sh' $1; echo \"exit \$?\"" /dev/null; }
	# Five rows fit ten lines: written as they are.
	run -0 on_terminal "tsq-query -c 'SELECT generate_series(1, 5) AS n'"
	assert_output --partial "(5 rows)"
	assert_output --partial "exit 0"
	[ ! -e pager.ran ]
	# Fifty do not: all of them through the pager, LESS set for it.
	run -0 on_terminal "tsq-query -c 'SELECT generate_series(1, 50) AS n'"
	assert_output --partial "exit 0"
	assert_equal "$(cat pager.ran)" "LESS=FRSX"
	assert_equal "$(wc -l <pager.got)" 53
	assert_equal "$(sed -n 3p pager.got)" "  1"
	assert_equal "$(tail -n 1 pager.got)" "(50 rows)"
	rm pager.ran pager.got
	# A line wider than the screen, too.
	run -0 on_terminal "tsq-query -c \"SELECT repeat('x', 100) AS wide\""
	[ -e pager.ran ]
	rm pager.ran
	# --no-pager, a pipe: never.
	run -0 on_terminal "tsq-query --no-pager -c 'SELECT generate_series(1, 50) AS n'"
	assert_output --partial "(50 rows)"
	run -0 on_terminal "tsq-query -c 'SELECT generate_series(1, 50) AS n' | wc -l"
	assert_output --partial "51"
	[ ! -e pager.ran ]
	# The user leaves the pager early: the query ends, status 0.
	run -0 timeout 30 script -qec "stty rows 10 cols 80; PAGER='head -2' tsq-query -c 'SELECT generate_series(1, 2000000) AS n'; echo \"exit \$?\"" /dev/null
	assert_output --partial "exit 0"
	refute_output --partial "error"
}

@test "table and markdown show floats to 12 significant digits (--digits); csv and json keep the exact value" {
	tsq_db_init
	sql="SELECT 172.95219999999995::float8 AS v, 0.1::float8 + 0.2::float8 AS s, 1e-7::float8 AS small, 'NaN'::float8 AS n, 2.5::numeric / 3 AS exact"
	run -0 --separate-stderr tsq-query -F table -c "$sql"
	assert_line --index 2 " 172.9522 | 0.3 | 1e-07 | NaN | 0.83333333333333333333"
	run -0 --separate-stderr tsq-query -F markdown --digits 5 -c "$sql"
	assert_line --index 2 "| 172.95 | 0.3 | 1e-07 | NaN | 0.83333333333333333333 |"
	run -0 --separate-stderr tsq-query -F table --digits 0 -c "$sql"
	assert_line --index 2 " 172.95219999999995 | 0.30000000000000004 | 1e-07 | NaN | 0.83333333333333333333"
	run -0 --separate-stderr tsq-query -F csv --no-header -c "$sql"
	assert_output "172.95219999999995,0.30000000000000004,1e-07,NaN,0.83333333333333333333"
	run -0 --separate-stderr tsq-query -F jsonl -c "$sql"
	assert_output '{"v":172.95219999999995,"s":0.30000000000000004,"small":1e-07,"n":null,"exact":0.83333333333333333333}'
	run -64 --separate-stderr tsq-query --digits 18 -c "$sql"
}

# The widest line of standard input, in characters (UTF-8).
widest() {
	perl -CSD -ne 'chomp; $n = length if length > $n; END { print $n + 0 }'
}

@test "-F chart: a candlestick chart as wide as the terminal, coloured there unless NO_COLOR; spark and chart say what columns they need" {
	command -v script >/dev/null || skip "no script(1) to give the tool a terminal"
	tsq_db_init
	# Two hours of a rise, then two of a fall.
	tsq_psql -c "COPY (SELECT timestamptz '2026-11-20' + g * INTERVAL '1 minute', 'CH', 100 + CASE WHEN g < 120 THEN g ELSE 240 - g END * 0.1,
	                          101 + CASE WHEN g < 120 THEN g ELSE 240 - g END * 0.1, 99 + CASE WHEN g < 120 THEN g ELSE 240 - g END * 0.1,
	                          100 + CASE WHEN g < 120 THEN g + 1 ELSE 239 - g END * 0.1, 10 + g % 7
	                   FROM generate_series(0, 239) g) TO STDOUT WITH (FORMAT csv)" >c.csv
	tsq-load -q --no-header --columns time,symbol,open,high,low,close,volume ohlcv c.csv
	run -0 bash -c "timeout 30 script -qec 'stty rows 24 cols 60; tsq-query --no-pager -F chart bars symbol=CH interval=5m from=2026-11-20 to=2026-11-20T04:00' /dev/null | tr -d '\r'"
	assert_line --index 0 "48 candles  open 100  high 113  low 99  close 100 (+0.00 %)"
	# Every line within 60 columns, escapes aside; green candles, then red.
	[ "$(sed 's/\x1b\[[0-9;]*m//g' <<<"$output" | widest)" -le 60 ]
	[[ "$output" == *$'\e[32m'*$'\e[31m'* ]]
	assert_line --regexp '^ +vol [0-9.]+ │'
	assert_line --regexp '^ +2026-11-20 00:00 +2026-11-20 03:55$'
	run -0 bash -c "timeout 30 script -qec 'stty rows 24 cols 60; NO_COLOR=1 tsq-query --no-pager -F chart bars symbol=CH interval=5m from=2026-11-20 to=2026-11-20T04:00' /dev/null"
	[[ "$output" != *$'\e['* ]]
	# Into a pipe: 80 columns (COLUMNS otherwise), no colour.
	run -0 --separate-stderr tsq-query -F chart bars symbol=CH interval=1m from=2026-11-20 to=2026-11-20T04:00
	assert_line --index 0 --regexp '^240 candles \(merged to fit\)'
	[[ "$output" != *$'\e['* ]]
	[ "$(widest <<<"$output")" -le 80 ]
	run -1 --separate-stderr tsq-query -F chart -c "SELECT 1 AS a, 2 AS close"
	assert_equal "$stderr" "tsq-query: error: -F chart draws candles: the result needs columns named time, open, high, low and close (and volume, if any), and has no time, open, high, low"
	run -1 --separate-stderr tsq-query -F spark -c "SELECT 1 AS a, 'x' AS b"
	assert_equal "$stderr" "tsq-query: error: -F spark draws a line per series: the result needs the columns (time, value) or (key, time, value), the time a time or a number and the value a number; it has a, b"
}
