-- Before rows with times in [$3, $4] are written to $1.$2: create the daily
-- partitions they need, and turn the compressed (columnar) ones they fall in
-- back into heap tables, because a columnar table takes no upsert and no
-- update.  The next tsq-compress run compresses them again.  Returns how
-- many partitions were created or decompressed.
SELECT tsq.create_partitions($1, $2, $3::timestamptz, $4::timestamptz + interval '1 microsecond')
     + (SELECT count(*)
        FROM (SELECT alter_table_set_access_method(format('%I.%I', p.partition_schema,
                                                          p.partition_name)::regclass, 'heap')
              FROM tsq.partitions($1, $2) p
              JOIN pg_namespace n ON n.nspname = p.partition_schema
              JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.partition_name
              JOIN pg_am am ON am.oid = c.relam AND am.amname = 'columnar'
              WHERE p.range_start <= $4::timestamptz AND p.range_end > $3::timestamptz) AS decompressed)
