-- description: directional movement (TA-Lib's PLUS_DI, MINUS_DI and ADX): +DI and -DI are Wilder's running sums of the up and down moves over that of the true range, from row period + 1; ADX is Wilder's average of 100 * |+DI - -DI| / (+DI + -DI), from row 2 * period; warmup candles before from are read first (default: until the seeds weigh less than 1e-12)
-- param: symbol text
-- param: period int = 14
-- param: warmup int = null
-- param: timeframe text = 1m
-- param: interval interval = null
-- param: source text = auto
-- param: from timestamptz = -24h
-- param: to timestamptz = now
WITH need AS (SELECT coalesce(:warmup, CASE WHEN :period > 1 THEN 2 * (:period + ceil(ln(1e-12) / ln((:period - 1)::float8 / :period))::int) ELSE 2 * :period END) AS rows, NULL::timestamptz AS since),
@candles@
SELECT time, symbol, close, plus_di, minus_di, adx
FROM (
    SELECT time, symbol, close, plus_di, minus_di,
           tsq.wilder(CASE WHEN plus_di + minus_di >= 1e-8
                           THEN 100 * abs(plus_di - minus_di) / (plus_di + minus_di) END,
                      :period::int) OVER (ORDER BY time ROWS UNBOUNDED PRECEDING) AS adx
    FROM (
        SELECT time, symbol, close,
               CASE WHEN tr_sum < 1e-8 THEN 0 ELSE 100 * up_sum / tr_sum END AS plus_di,
               CASE WHEN tr_sum < 1e-8 THEN 0 ELSE 100 * down_sum / tr_sum END AS minus_di
        FROM (
            SELECT time, symbol, close,
                   tsq.wilder_sum(up, :period::int) OVER w AS up_sum,
                   tsq.wilder_sum(down, :period::int) OVER w AS down_sum,
                   tsq.wilder_sum(tr, :period::int) OVER w AS tr_sum
            FROM (
                -- The first candle read has no moves: nothing before it.
                SELECT time, symbol, close,
                       CASE WHEN prev_close IS NULL THEN NULL
                            WHEN high - prev_high > 0 AND high - prev_high > prev_low - low
                            THEN high - prev_high ELSE 0 END AS up,
                       CASE WHEN prev_close IS NULL THEN NULL
                            WHEN prev_low - low > 0 AND high - prev_high < prev_low - low
                            THEN prev_low - low ELSE 0 END AS down,
                       CASE WHEN prev_close IS NOT NULL
                            THEN greatest(high - low, abs(high - prev_close), abs(low - prev_close))
                       END AS tr
                FROM (
                    SELECT time, symbol, close, high::float8 AS high, low::float8 AS low,
                           lag(high::float8) OVER w AS prev_high, lag(low::float8) OVER w AS prev_low,
                           lag(close::float8) OVER w AS prev_close
                    FROM candles
                    WINDOW w AS (ORDER BY time)
                ) c
            ) m
            WINDOW w AS (ORDER BY time ROWS UNBOUNDED PRECEDING)
        ) s
    ) d
) x
WHERE time >= :from
ORDER BY time
