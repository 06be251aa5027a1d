-- Store the policy of table $1.$2: settings $3 to $6 in microseconds, NULL
-- for off, kept as intervals in days and hours ("7 days", "36:00:00").
INSERT INTO tsq.policies AS p (schema_name, table_name, compress_after, drop_after,
                               refresh_window, premake)
VALUES ($1, $2, justify_hours($3::bigint * INTERVAL '1 microsecond'),
        justify_hours($4::bigint * INTERVAL '1 microsecond'),
        justify_hours($5::bigint * INTERVAL '1 microsecond'),
        justify_hours($6::bigint * INTERVAL '1 microsecond'))
ON CONFLICT (schema_name, table_name) DO UPDATE
SET compress_after = excluded.compress_after, drop_after = excluded.drop_after,
    refresh_window = excluded.refresh_window, premake = excluded.premake,
    updated_at = now()
