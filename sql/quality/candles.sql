-- The checks on the candles of @table@ (quoted by the server; @timeframe@ is
-- its timeframe column, or NULL when it has none) from $1 on: one row per
-- check with the count of problems and the first $7 of them, oldest first.
--   $1 since (timestamptz; -infinity: all)
--   $2, $3 the trading session's start and end, times of day in the
--          session's time zone (--tz); NULL: around the clock
--   $4 Monday to Friday only   $5 spike threshold in percent
--   $6 frozen: flat candles repeating the close, more than this many in a row
-- One pass over the rows in (symbol, timeframe, time) order computes every
-- check per row; only the rows with a problem go further.
WITH a AS (
    SELECT symbol, tf, time, open, high, low, close, volume,
           lag(time) OVER w AS prev_time, lag(close) OVER w AS prev_close,
           row_number() OVER w AS rn
    FROM (SELECT symbol::text AS symbol, @timeframe@::text AS tf, time, open, high, low, close, volume
          FROM @table@
          WHERE time >= $1::timestamptz) t
    WINDOW w AS (PARTITION BY symbol, tf ORDER BY time)
), b AS (
    -- run_len: how many flat candles repeating the close before them end
    -- here; froze_at: the last candle before them.
    SELECT *, rn - max(CASE WHEN flat IS NOT TRUE THEN rn END) OVER w AS run_len,
           max(CASE WHEN flat IS NOT TRUE THEN time END) OVER w AS froze_at
    FROM (SELECT a.*,
                 (open = high AND high = low AND low = close AND close = prev_close) AS flat,
                 @step@ AS step
          FROM a) a2
    WINDOW w AS (PARTITION BY symbol, tf ORDER BY time ROWS UNBOUNDED PRECEDING)
), o AS (
    SELECT concat_ws(' ', symbol, tf, time::text) AS key, *,
           NOT (low <= open AND low <= close AND open <= high AND close <= high) AS bad_ohlc,
           (open <= 0 OR high <= 0 OR low <= 0 OR close <= 0
            OR 'NaN' IN (open, high, low, close)) AS bad_price,
           (volume <= 0 OR volume = 'NaN') AS bad_volume,
           CASE WHEN prev_close > 0 AND prev_close <> 'NaN'
                THEN abs(close / prev_close - 1) * 100 > $5::float8 END AS spike,
           time > now() AS future,
           step IS NOT NULL AND time <> date_bin(step, time, timestamptz '2000-01-03 00:00:00+00') AS misaligned,
           step IS NOT NULL AND time - prev_time > step AS gap
    FROM b
), p AS (
    SELECT c.*, g.missing, g.first_missing
    FROM o AS c
    @missing@
    WHERE bad_ohlc OR bad_price OR bad_volume OR spike OR future OR misaligned OR gap
       OR run_len = $6::int + 1
), found AS (
    SELECT v.name, sum(v.n)::bigint AS n, array_to_string((array_agg(v.example ORDER BY v.at, v.example))[1:$7::int], '; ') AS examples
    FROM p
    CROSS JOIN LATERAL (VALUES
        ('gaps', p.missing, p.first_missing,
         concat_ws(' ', p.symbol, p.tf, p.first_missing::text) || ' (' || p.missing || ' missing)'),
        ('ohlc', CASE WHEN p.bad_ohlc THEN 1 END, p.time, p.key),
        ('prices', CASE WHEN p.bad_price THEN 1 END, p.time, p.key),
        ('volumes', CASE WHEN p.bad_volume THEN 1 END, p.time, p.key),
        ('frozen', CASE WHEN p.run_len = $6::int + 1 THEN 1 END, p.froze_at,
         concat_ws(' ', p.symbol, p.tf, 'from', p.froze_at::text)),
        ('spikes', CASE WHEN p.spike THEN 1 END, p.time,
         p.key || ' (' || to_char((p.close / p.prev_close - 1) * 100, 'FMSG999999990.00') || ' %)'),
        ('future', CASE WHEN p.future THEN 1 END, p.time, p.key),
        ('misaligned', CASE WHEN p.misaligned THEN 1 END, p.time, p.key)
    ) AS v(name, n, at, example)
    WHERE v.n > 0
    GROUP BY v.name
)
SELECT k.name, coalesce(f.n, 0), f.examples
FROM (VALUES (1, 'gaps'), (2, 'ohlc'), (3, 'prices'), (4, 'volumes'), (5, 'frozen'),
             (6, 'spikes'), (7, 'future'), (8, 'misaligned')) AS k(ord, name)
LEFT JOIN found f ON f.name = k.name
ORDER BY k.ord
