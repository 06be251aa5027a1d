-- Worker $2 (of $3) of load $1 into $4.$5 has committed, in this very
-- transaction, every record of source $6 before byte $7 (line $8) that it
-- writes; $9 identifies those bytes.
INSERT INTO tsq.loads AS l (load_id, worker, workers, schema_name, table_name, source,
                            committed_offset, committed_line, prefix_hash, batches)
VALUES ($1, $2::int, $3::int, $4, $5, $6, $7::bigint, $8::bigint, $9, 1)
ON CONFLICT (load_id, source, worker) DO UPDATE
SET committed_offset = EXCLUDED.committed_offset,
    committed_line = EXCLUDED.committed_line, prefix_hash = EXCLUDED.prefix_hash,
    batches = l.batches + 1, done = false, updated_at = now()
