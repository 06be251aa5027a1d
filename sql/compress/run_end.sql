-- How action $1 ended: status ok or failed, the error, bytes after, rows,
-- and bytes before when the action itself measured them ($6).
UPDATE tsq.policy_runs
SET finished = clock_timestamp(), status = $2, error = $3, bytes_after = $4::bigint,
    rows = $5::bigint, bytes_before = coalesce($6::bigint, bytes_before)
WHERE id = $1::bigint
