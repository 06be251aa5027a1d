-- (A fragment: the text tsq-query puts in place of the candles token in the
-- SQL of the indicator queries.)  Two common table expressions for a
-- query that declares the parameters symbol, timeframe, interval, source,
-- from and to, and defines need(rows, since) before them: how many candles
-- before from the indicator reads to warm up (NULL: all of them), or from
-- when (since, when not NULL; rows 0 then).
--
-- candles: time, symbol, open, high, low, close and volume, from the warm-up
-- candles to to.  Without interval, the symbol's stored candles of timeframe.
-- With one, bars of that interval built as the bars query builds them: from
-- the coarsest rollup whose bucket divides it (for 1-minute candles, with
-- source=auto; on plain PostgreSQL the rollup answers up to where it was
-- refreshed, the candles after that), else from the candles of timeframe.
-- The warm-up is counted in rows read: N bars need at most N times as many
-- rows as a bar holds, so reading that many rows back gives at least N bars.
warm AS (
    -- For bars, from the start of the bar: never a part of one.
    SELECT CASE WHEN :interval IS NULL THEN s ELSE time_bucket(:interval, s) END AS since
    FROM (SELECT coalesce((SELECT since FROM need), min(time), :from) AS s
    FROM (
-- repeat: rollups
        (SELECT time FROM @rollup@
         WHERE tsq.rollup_for(:interval, CASE WHEN :timeframe = '1m' THEN :source END) = '@rollup@'
           AND symbol = :symbol AND time < time_bucket(:interval, :from)
         ORDER BY time DESC
         LIMIT (SELECT rows FROM need) * ceil(extract(epoch FROM :interval) / @seconds@)::bigint)
        UNION ALL
-- end repeat
        -- The candles themselves: one row per candle without interval; for
        -- bars, a candle a minute at most (candles of a longer timeframe
        -- only make this read further back than it needs).
        (SELECT time FROM ohlcv
         WHERE symbol = :symbol AND timeframe = :timeframe
           AND time < CASE WHEN :interval IS NULL THEN :from ELSE time_bucket(:interval, :from) END
           AND (tsq.rollup_for(:interval, CASE WHEN :timeframe = '1m' THEN :source END) IS NULL
                OR time >= tsq.rollup_horizon(tsq.rollup_for(:interval,
                                              CASE WHEN :timeframe = '1m' THEN :source END)))
         ORDER BY time DESC
         LIMIT (SELECT rows FROM need)
               * coalesce(ceil(extract(epoch FROM :interval) / 60)::bigint, 1))
    ) h) w
),
candles AS (
    SELECT time, symbol, open, high, low, close, volume
    FROM ohlcv
    WHERE :interval IS NULL AND symbol = :symbol AND timeframe = :timeframe
      AND :source IS DISTINCT FROM 'trades'
      AND time >= (SELECT since FROM warm) AND time < :to
    UNION ALL
    -- source=trades (the queries that offer it): bars of the trades, open
    -- and close the first and last trade by (time, trade_id), so that trades
    -- in one microsecond give one answer.
    SELECT time_bucket(:interval, time), :symbol,
           (array_agg(price ORDER BY time, trade_id))[1], max(price), min(price),
           (array_agg(price ORDER BY time DESC, trade_id DESC))[1], sum(size)
    FROM trades
    WHERE :source = 'trades' AND :interval IS NOT NULL AND symbol = :symbol
      AND time >= (SELECT since FROM warm) AND time < :to
    GROUP BY 1
    UNION ALL
    SELECT time_bucket(:interval, time), :symbol, first(open, time), max(high), min(low),
           last(close, time), sum(volume)
    FROM (
        -- A rollup's buckets that end by to; the candles after the last of
        -- them (to need not be on a bucket's edge: the last bar is then made
        -- of the candles before to, as from the candles alone).
-- repeat: rollups
        SELECT time, open, high, low, close, volume FROM @rollup@
        WHERE tsq.rollup_for(:interval, CASE WHEN :timeframe = '1m' THEN :source END) = '@rollup@'
          AND symbol = :symbol AND time >= (SELECT since FROM warm)
          AND time <= :to - INTERVAL '@seconds@ seconds'
          AND time < tsq.rollup_horizon('@rollup@')
        UNION ALL
-- end repeat
        SELECT time, open, high, low, close, volume FROM ohlcv
        WHERE timeframe = :timeframe AND symbol = :symbol
          AND :source IS DISTINCT FROM 'trades'
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
)
