-- The tables --quality checks when none is named: ohlcv, trades and quotes,
-- those the search path finds.
SELECT t FROM unnest(ARRAY['ohlcv', 'trades', 'quotes']) WITH ORDINALITY AS u(t, n)
WHERE to_regclass(quote_ident(t)) IS NOT NULL
ORDER BY n
