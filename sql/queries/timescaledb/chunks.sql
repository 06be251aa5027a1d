-- description: the chunks (TimescaleDB) or partitions (PostgreSQL) of a table, with their time range and size
-- param: table text = ohlcv
SELECT ch.chunk_name AS chunk, ch.range_start, ch.range_end, ch.is_compressed AS compressed,
       pg_total_relation_size(format('%I.%I', ch.chunk_schema, ch.chunk_name)::regclass) AS bytes
FROM timescaledb_information.chunks ch
JOIN pg_class c ON c.oid = to_regclass(:table)
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ch.hypertable_schema = n.nspname AND ch.hypertable_name = c.relname
ORDER BY 2, 1
