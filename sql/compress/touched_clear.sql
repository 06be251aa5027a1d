-- The rollups of table $1.$2 were refreshed over every range recorded up to id $3.
DELETE FROM tsq.touched WHERE schema_name = $1 AND table_name = $2 AND id <= $3::bigint
