-- description: the chunks (TimescaleDB) or partitions (PostgreSQL) of a table, with their time range and size
-- param: table text = ohlcv
SELECT c.relname AS chunk,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\)'))[1]::timestamptz AS range_start,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)'))[1]::timestamptz AS range_end,
       false AS compressed,
       pg_total_relation_size(c.oid) AS bytes
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = to_regclass(:table)
ORDER BY 2, 1
