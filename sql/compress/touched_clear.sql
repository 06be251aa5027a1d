-- The rollups of table $1.$2 were refreshed over the ranges recorded as ids $3.
DELETE FROM tsq.touched WHERE schema_name = $1 AND table_name = $2 AND id = ANY($3::bigint[])
