-- (A fragment, @step@ in the other files here.)  The interval of timeframe
-- tf: a count and a unit, s, m, h, d or w ('1m', '15m', '4h', '1d'); NULL
-- for anything else, whose candles are then not checked against a grid.
CASE WHEN tf ~ '^[1-9][0-9]{0,5}[smhdw]$' THEN
    CASE right(tf, 1)
        WHEN 's' THEN make_interval(secs => left(tf, -1)::int)
        WHEN 'm' THEN make_interval(mins => left(tf, -1)::int)
        WHEN 'h' THEN make_interval(hours => left(tf, -1)::int)
        WHEN 'd' THEN make_interval(days => left(tf, -1)::int)
        ELSE make_interval(weeks => left(tf, -1)::int)
    END
END
