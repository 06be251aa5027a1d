-- tsq-compress dropped the raw data of table $1.$2 up to $3: its rollups
-- before that are final.
INSERT INTO tsq.retention AS r (schema_name, table_name, dropped_before)
VALUES ($1, $2, $3::timestamptz)
ON CONFLICT (schema_name, table_name)
DO UPDATE SET dropped_before = greatest(r.dropped_before, EXCLUDED.dropped_before)
