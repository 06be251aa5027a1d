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

echo "== loading $(($(wc -l <"$sample") - 1)) candles from tests/fixtures/sample-ohlcv.csv"
# Until tsq-load lands, psql's \copy does the loading: into a staging table,
# then an upsert, so the demo can be run again.  On plain PostgreSQL the
# day's partition is created first, as tsq-load will do by itself.
psql -X -q -v ON_ERROR_STOP=1 "$conninfo" <<SQL
DO \$\$
BEGIN
    IF to_regprocedure('tsq.create_partitions(text,text,timestamptz,timestamptz)') IS NOT NULL THEN
        PERFORM tsq.create_partitions('public', 'ohlcv', '2026-11-20', '2026-11-21');
    END IF;
END
\$\$;
CREATE TEMP TABLE sample (LIKE ohlcv INCLUDING DEFAULTS);
\\copy sample (time, symbol, timeframe, open, high, low, close, volume, trades) FROM '$sample' WITH (FORMAT csv, HEADER true)
INSERT INTO ohlcv SELECT * FROM sample ON CONFLICT DO NOTHING;
SQL
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
