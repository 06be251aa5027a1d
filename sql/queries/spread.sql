-- description: the quotes of a symbol per interval: the mid price's open, high, low and close, the time-weighted mean and the largest spread, the number of quotes
-- param: symbol text
-- param: interval interval = 1m
-- param: from timestamptz = -24h
-- param: to timestamptz = now
--
-- Reads the quotes that have both a bid and an ask price.  The mid price is
-- (bid + ask) / 2, open and close the first and last quote's by (time,
-- quote_id); the spread is ask - bid.  mean_spread is time-weighted: each
-- quote's spread counts for as long as it stood, until the next quote, the
-- end of its bar or to, whichever comes first (a bar whose quotes all stood
-- for no time at all gets their simple mean).  max_spread is the widest,
-- quotes their number.  A crossed quote (bid above ask) counts with its
-- negative spread: tsq-stats --quality reports them.  The bars are those
-- of bars: interval= from seconds to months, from the bar that holds from.
WITH q AS (
    SELECT time, quote_id, (bid_price + ask_price) / 2 AS mid, ask_price - bid_price AS spread,
           time_bucket(:interval, time) AS bar,
           lead(time) OVER (ORDER BY time, quote_id) AS next
    FROM quotes
    WHERE symbol = :symbol AND bid_price IS NOT NULL AND ask_price IS NOT NULL
      AND time >= time_bucket(:interval, :from) AND time < :to
), w AS (
    SELECT *, extract(epoch FROM least(coalesce(next, :to), bar + :interval, :to) - time)::float8 AS stood
    FROM q
)
SELECT bar AS time, :symbol AS symbol,
       (array_agg(mid ORDER BY time, quote_id))[1] AS open, max(mid) AS high, min(mid) AS low,
       (array_agg(mid ORDER BY time DESC, quote_id DESC))[1] AS close,
       coalesce(sum(spread::float8 * stood) / nullif(sum(stood), 0), avg(spread::float8)) AS mean_spread,
       max(spread) AS max_spread, count(*) AS quotes
FROM w
GROUP BY bar
ORDER BY bar
