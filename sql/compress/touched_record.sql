-- tsq-load wrote rows with times in [$3, $4) to table $1.$2, in the
-- transaction that commits them.
INSERT INTO tsq.touched (schema_name, table_name, from_time, to_time)
VALUES ($1, $2, $3::timestamptz, $4::timestamptz)
