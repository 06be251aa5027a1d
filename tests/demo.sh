#!/bin/sh
# make demo: bring up the local database, load the bundled sample of 1-minute
# candles, and show hourly bars computed from it.
set -eu
: "${TSQ_BUILD:?TSQ_BUILD must name the build directory}"
cd "$(dirname "$0")/.."
export PATH="$TSQ_BUILD:$PATH"
sample="$(pwd)/tests/fixtures/sample-ohlcv.csv"

echo "== tsq-init --local"
conninfo=$(tsq-init --local)
echo "$conninfo"

echo "== tsq-load ohlcv tests/fixtures/sample-ohlcv.csv"
# An upsert: running the demo again reports the candles as unchanged.  On
# plain PostgreSQL tsq-load creates the day's partition by itself.
TSQ_DB="$conninfo" tsq-load ohlcv "$sample"
psql -X -At "$conninfo" -c "SELECT count(*) || ' candles in ohlcv' FROM ohlcv"

echo "== hourly bars for BTC-USD"
psql -X -q "$conninfo" <<'SQL'
SET search_path = public, tsq;
SELECT time_bucket('1 hour', time) AS hour, symbol,
       first(open, time) AS open, max(high) AS high, min(low) AS low,
       last(close, time) AS close, round(sum(volume)::numeric, 2) AS volume
FROM ohlcv
WHERE symbol = 'BTC-USD' AND timeframe = '1m'
GROUP BY 1, 2
ORDER BY 1;
SQL

home=$(echo "$conninfo" | sed 's/^host=\(.*\)\/run port=.*/\1/')
echo "== the database lives in $home"
echo "   connect with:  psql \"$conninfo\""
echo "   stop it with:  $TSQ_BUILD/tsq-init --local --stop"
