-- An action about to start on table $1.$2, in run $8: its record, returned by id.
INSERT INTO tsq.policy_runs (schema_name, table_name, action, target, range_start, range_end,
                             bytes_before, run)
VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::bigint, $8::bigint)
RETURNING id
