-- How action $1 ended: status ok or failed, the error, bytes after, rows.
UPDATE tsq.policy_runs
SET finished = clock_timestamp(), status = $2, error = $3, bytes_after = $4::bigint,
    rows = $5::bigint
WHERE id = $1::bigint
