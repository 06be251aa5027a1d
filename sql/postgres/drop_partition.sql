SELECT tsq.drop_partition($1, $2, $3, $4, $5::boolean)
