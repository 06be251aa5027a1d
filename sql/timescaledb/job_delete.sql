-- Delete TimescaleDB job $1 (a policy tsq-compress --native replaces).
SELECT delete_job($1::integer)
