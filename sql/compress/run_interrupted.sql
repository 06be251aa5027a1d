-- Actions on table $1.$2 still marked running belong to a run that was
-- killed: the caller holds the table's lock, so none of them is running now.
UPDATE tsq.policy_runs
SET status = 'interrupted', finished = clock_timestamp()
WHERE schema_name = $1 AND table_name = $2 AND status = 'running'
