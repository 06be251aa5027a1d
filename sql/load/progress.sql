-- Worker $2 (of $3) of load $1 into $4.$5 has committed, in this very
-- transaction, every record of source $6 before byte $7 (line $8) that it
-- writes; $9 identifies those bytes.  This batch inserted $10, updated $11,
-- left $12 unchanged and had $13 refused.
INSERT INTO tsq.loads AS l (load_id, worker, workers, schema_name, table_name, source,
                            committed_offset, committed_line, prefix_hash, batches,
                            last_inserted, last_updated, last_unchanged, last_rejected)
VALUES ($1, $2::int, $3::int, $4, $5, $6, $7::bigint, $8::bigint, $9, 1,
        $10::bigint, $11::bigint, $12::bigint, $13::bigint)
ON CONFLICT (load_id, source, worker) DO UPDATE
SET committed_offset = EXCLUDED.committed_offset,
    committed_line = EXCLUDED.committed_line, prefix_hash = EXCLUDED.prefix_hash,
    batches = l.batches + 1, done = false, updated_at = now(),
    last_inserted = EXCLUDED.last_inserted, last_updated = EXCLUDED.last_updated,
    last_unchanged = EXCLUDED.last_unchanged, last_rejected = EXCLUDED.last_rejected
