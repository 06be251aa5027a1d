-- (A fragment: the text tsq-query puts in place of the candles token in the
-- SQL of the indicator queries.)  Two common table expressions for a
-- query that declares the parameters symbol, timeframe, interval, source,
-- from and to, and defines need(rows, since) before them: how many bars
-- before from the indicator reads to warm up (NULL: all of them), or from
-- when (since, when not NULL; rows 0 then).
--
-- candles: time, symbol, open, high, low, close, volume, trades and vwap,
-- from the warm-up bars to to, built from what source names:
--   auto, raw    the 1-minute candles (or those of timeframe).  Without
--                interval, the symbol's stored candles; with one, bars of
--                that interval: from the coarsest rollup whose bucket
--                divides it (source=auto, 1-minute candles; on plain
--                PostgreSQL the rollup answers up to where it was
--                refreshed, the candles after that), else from the candles.
--                trades is the candles' own count summed; vwap is the
--                candle's own without interval, NULL for bars.
--   trades       the trades: the coarsest trade rollup whose bucket divides
--                the interval (trades_1d, _1h, _1m), the raw trades after it
--                (and for any other interval).  open and close are the first
--                and last trade by (time, trade_id), volume the exact sum of
--                sizes, trades their number, vwap sum(price * size) /
--                sum(size).
--   raw-trades   the same from the raw trades alone.
--   quotes       bars of the mid price (bid + ask) / 2 of the quotes that
--                have both, first and last by (time, quote_id); trades is
--                the number of quotes, volume and vwap NULL.
-- Ticks without interval give 1-minute bars.
--
-- The warm-up: for candles, counted in rows read (N bars need at most N
-- times as many rows as a bar holds, so reading that many back gives at
-- least N bars); for ticks, the bars before from's are found one by one,
-- one probe of the symbol's index a bar.
warm AS (
    -- For bars, from the start of the bar: never a part of one.
    SELECT CASE WHEN :interval IS NULL AND :source IN ('auto', 'raw') THEN s
                ELSE time_bucket(coalesce(:interval, INTERVAL '1 minute'), s) END AS since
    FROM (SELECT coalesce((SELECT since FROM need), min(time), :from) AS s
    FROM (
-- repeat: rollups
        (SELECT time FROM @rollup@
         WHERE tsq.rollup_for(:interval, CASE WHEN :timeframe = '1m' THEN :source END) = '@rollup@'
           AND symbol = :symbol AND time < time_bucket(:interval, :from)
         ORDER BY time DESC
         LIMIT (SELECT rows FROM need) * ceil(tsq.bucket_seconds(:interval) / @seconds@)::bigint)
        UNION ALL
-- end repeat
        -- The candles themselves: one row per candle without interval; for
        -- bars, a candle a minute at most (candles of a longer timeframe
        -- only make this read further back than it needs).
        (SELECT time FROM ohlcv
         WHERE :source IN ('auto', 'raw') AND symbol = :symbol AND timeframe = :timeframe
           AND time < CASE WHEN :interval IS NULL THEN :from ELSE time_bucket(:interval, :from) END
           AND (tsq.rollup_for(:interval, CASE WHEN :timeframe = '1m' THEN :source END) IS NULL
                OR time >= tsq.rollup_horizon(tsq.rollup_for(:interval,
                                              CASE WHEN :timeframe = '1m' THEN :source END)))
         ORDER BY time DESC
         LIMIT (SELECT rows FROM need)
               * coalesce(ceil(tsq.bucket_seconds(:interval) / 60)::bigint, 1))
        UNION ALL
        -- Ticks: the start of each bar before from's, bar by bar.
        (WITH RECURSIVE back(n, time) AS (
             SELECT 0, time_bucket(coalesce(:interval, INTERVAL '1 minute'), :from)
             WHERE :source IN ('trades', 'raw-trades', 'quotes')
             UNION ALL
             SELECT n + 1, time_bucket(coalesce(:interval, INTERVAL '1 minute'), greatest(
                 (SELECT max(time) FROM trades
                  WHERE :source IN ('trades', 'raw-trades') AND symbol = :symbol AND time < back.time),
                 (SELECT max(time) FROM quotes
                  WHERE :source = 'quotes' AND symbol = :symbol AND time < back.time)))
             FROM back
             WHERE back.time IS NOT NULL AND n < (SELECT rows FROM need)
         )
         SELECT time FROM back WHERE n > 0)
        UNION ALL
        -- Ticks, all of them (rows NULL).
        (SELECT min(time) FROM trades
         WHERE :source IN ('trades', 'raw-trades') AND (SELECT rows FROM need) IS NULL
           AND symbol = :symbol)
        UNION ALL
        (SELECT min(time) FROM quotes
         WHERE :source = 'quotes' AND (SELECT rows FROM need) IS NULL AND symbol = :symbol)
    ) h) w
),
candles AS (
    SELECT time, symbol, open, high, low, close, volume, trades::bigint, vwap::float8
    FROM ohlcv
    WHERE :interval IS NULL AND symbol = :symbol AND timeframe = :timeframe
      AND :source IN ('auto', 'raw')
      AND time >= (SELECT since FROM warm) AND time < :to
    UNION ALL
    SELECT time_bucket(:interval, time), :symbol, first(open, time), max(high), min(low),
           last(close, time), sum(volume), sum(trades)::bigint, NULL::float8
    FROM (
        -- A rollup's buckets that end by to; the candles after the last of
        -- them (to need not be on a bucket's edge: the last bar is then made
        -- of the candles before to, as from the candles alone).
-- repeat: rollups
        SELECT time, open, high, low, close, volume, trades FROM @rollup@
        WHERE tsq.rollup_for(:interval, CASE WHEN :timeframe = '1m' THEN :source END) = '@rollup@'
          AND symbol = :symbol AND time >= (SELECT since FROM warm)
          AND time <= :to - INTERVAL '@seconds@ seconds'
          AND time < tsq.rollup_horizon('@rollup@')
        UNION ALL
-- end repeat
        SELECT time, open, high, low, close, volume, trades FROM ohlcv
        WHERE timeframe = :timeframe AND symbol = :symbol
          AND :source IN ('auto', 'raw')
          AND time >= (SELECT since FROM warm) AND time < :to
          AND (tsq.rollup_for(:interval, CASE WHEN :timeframe = '1m' THEN :source END) IS NULL
               OR time >= tsq.rollup_horizon(tsq.rollup_for(:interval,
                                             CASE WHEN :timeframe = '1m' THEN :source END))
               OR time >= CASE tsq.rollup_for(:interval, CASE WHEN :timeframe = '1m' THEN :source END)
-- repeat: rollups
                          WHEN '@rollup@' THEN time_bucket(INTERVAL '@seconds@ seconds', :to)
-- end repeat
                          END)
    ) r
    WHERE :interval IS NOT NULL
    GROUP BY 1
    UNION ALL
    -- Ticks: trade rollup rows (id NULL: a bucket's start, before any raw
    -- row of the same bar), raw trades or quotes, ordered by (time, id).
    SELECT time_bucket(coalesce(:interval, INTERVAL '1 minute'), time), :symbol,
           (array_agg(open ORDER BY time, id))[1], max(high), min(low),
           (array_agg(close ORDER BY time DESC, id DESC))[1],
           sum(volume), sum(n)::bigint, (sum(notional) / nullif(sum(volume), 0))::float8
    FROM (
-- repeat: trade_rollups
        SELECT time, NULL::bigint AS id, open, high, low, close, volume, trades AS n, notional
        FROM @rollup@
        WHERE tsq.rollup_for(coalesce(:interval, INTERVAL '1 minute'), :source) = '@rollup@'
          AND symbol = :symbol AND time >= (SELECT since FROM warm)
          AND time <= :to - INTERVAL '@seconds@ seconds'
          AND time < tsq.rollup_horizon('@rollup@')
        UNION ALL
-- end repeat
        SELECT time, trade_id, price, price, price, price, size::numeric, 1, price::numeric * size::numeric
        FROM trades
        WHERE :source IN ('trades', 'raw-trades') AND symbol = :symbol
          AND time >= (SELECT since FROM warm) AND time < :to
          AND (tsq.rollup_for(coalesce(:interval, INTERVAL '1 minute'), :source) IS NULL
               OR time >= tsq.rollup_horizon(tsq.rollup_for(coalesce(:interval, INTERVAL '1 minute'), :source))
               OR time >= CASE tsq.rollup_for(coalesce(:interval, INTERVAL '1 minute'), :source)
-- repeat: trade_rollups
                          WHEN '@rollup@' THEN time_bucket(INTERVAL '@seconds@ seconds', :to)
-- end repeat
                          END)
        UNION ALL
        SELECT time, quote_id, (bid_price + ask_price) / 2, (bid_price + ask_price) / 2,
               (bid_price + ask_price) / 2, (bid_price + ask_price) / 2, NULL::numeric, 1, NULL::numeric
        FROM quotes
        WHERE :source = 'quotes' AND symbol = :symbol
          AND bid_price IS NOT NULL AND ask_price IS NOT NULL
          AND time >= (SELECT since FROM warm) AND time < :to
    ) t
    GROUP BY 1
)
