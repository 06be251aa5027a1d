-- Load $1 read source $2 to its end, byte $3 (line $4, bytes identified by
-- $5): every worker is done with it.
UPDATE tsq.loads
SET committed_offset = $3::bigint, committed_line = $4::bigint, prefix_hash = $5, done = true,
    updated_at = now()
WHERE load_id = $1 AND source = $2
