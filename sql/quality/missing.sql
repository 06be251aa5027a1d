-- (A fragment, @missing@ in the other files here.)  For a candle c at
-- c.time whose predecessor of the same symbol and timeframe is at
-- c.prev_time, c.step apart on the grid: how many grid points between them
-- have no candle, and the first of them.  With a trading session ($2 to $3,
-- times of day in the session's time zone, --tz; a session may run past
-- midnight) or Monday to Friday only ($4), only the points inside count.
LEFT JOIN LATERAL (
    SELECT count(*) AS missing, min(pt) AS first_missing
    FROM generate_series(c.prev_time + c.step, c.time - c.step, c.step) AS pt
    WHERE c.time - pt >= c.step
      AND ($2::time IS NULL
           OR CASE WHEN $2::time < $3::time
                   THEN (pt AT TIME ZONE current_setting('TimeZone'))::time >= $2::time
                        AND (pt AT TIME ZONE current_setting('TimeZone'))::time < $3::time
                   ELSE (pt AT TIME ZONE current_setting('TimeZone'))::time >= $2::time
                        OR (pt AT TIME ZONE current_setting('TimeZone'))::time < $3::time
              END)
      AND (NOT $4::bool OR extract(isodow FROM pt AT TIME ZONE current_setting('TimeZone')) < 6)
) g ON c.step IS NOT NULL AND c.time - c.prev_time > c.step
