-- tsq-load committed rows to table $1.$2 just now.
INSERT INTO tsq.writes (schema_name, table_name, last_write)
VALUES ($1, $2, now())
ON CONFLICT (schema_name, table_name) DO UPDATE SET last_write = EXCLUDED.last_write
