-- The last load into $1.$2 from source $3: for each of its workers, how far
-- it committed.  Empty when there was none.
WITH last AS (
    SELECT load_id FROM tsq.loads
    WHERE schema_name = $1 AND table_name = $2 AND source = $3
    ORDER BY updated_at DESC, load_id
    LIMIT 1
)
SELECT l.load_id, l.worker, l.workers, l.committed_offset, l.committed_line, l.prefix_hash, l.done
FROM tsq.loads l JOIN last USING (load_id)
WHERE l.source = $3
ORDER BY l.worker
