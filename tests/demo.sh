#!/bin/sh
# make demo: bring up the local database, load the bundled sample of 1-minute
# candles with tsq-load, and show hourly bars with the named query "bars".
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
TSQ_DB="$conninfo" tsq-query -F csv --no-header -c "SELECT count(*) || ' candles in ohlcv' FROM ohlcv"

echo "== tsq-query -F table bars symbol=BTC-USD interval=1h from=2026-11-20 to=2026-11-21"
TSQ_DB="$conninfo" tsq-query -F table bars symbol=BTC-USD interval=1h from=2026-11-20 to=2026-11-21
echo
echo "== tsq-query -F spark -c 'SELECT symbol, time, close FROM ohlcv ORDER BY 1, 2'"
TSQ_DB="$conninfo" tsq-query -F spark -c 'SELECT symbol, time, close FROM ohlcv ORDER BY 1, 2'
echo

home=$(echo "$conninfo" | sed 's/^host=\(.*\)\/run port=.*/\1/')
echo "== the database lives in $home"
echo "   connect with:  psql \"$conninfo\""
echo "   stop it with:  $TSQ_BUILD/tsq-init --local --stop"
