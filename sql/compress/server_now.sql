-- The server's present in microseconds since 1970: policies age by its clock.
SELECT (extract(epoch FROM now()) * 1000000)::bigint
