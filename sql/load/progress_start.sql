-- Load $1 starts reading source $5 into $3.$4 with $2 workers: its rows,
-- at the start, make it the last load of that source (a --resume after it
-- goes on from what it committed, not from an older load's record).
INSERT INTO tsq.loads (load_id, worker, workers, schema_name, table_name, source,
                       committed_offset, committed_line, prefix_hash)
SELECT $1, w, $2::int, $3, $4, $5, 0, 1, ''
FROM generate_series(0, $2::int - 1) AS w
ON CONFLICT (load_id, source, worker) DO NOTHING
