-- tsq-load is about to write rows with times in [$3, $4) to table $1.$2.
INSERT INTO tsq.touched (schema_name, table_name, from_time, to_time)
VALUES ($1, $2, $3::timestamptz, $4::timestamptz)
