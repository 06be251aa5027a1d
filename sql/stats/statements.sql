-- The statements of this database that cost the most time, from
-- pg_stat_statements (in schema @schema@, quoted by the server): the first
-- $1 by total execution time, with their calls, total, mean and largest
-- time in seconds, rows, shared blocks read from outside the buffer cache,
-- and since when the figures count (their last reset, pg_stat_statements_info).
-- The text as the server normalized it, white space folded, at most 2,000
-- characters.
SELECT s.queryid::text,
       regexp_replace(left(s.query, 2000), '\s+', ' ', 'g'),
       s.calls,
       round((s.total_exec_time / 1000)::numeric, 6),
       round((s.mean_exec_time / 1000)::numeric, 6),
       round((s.max_exec_time / 1000)::numeric, 6),
       s.rows,
       s.shared_blks_read,
       (SELECT i.stats_reset FROM @schema@.pg_stat_statements_info i),
       extract(epoch FROM (SELECT i.stats_reset FROM @schema@.pg_stat_statements_info i))
FROM @schema@.pg_stat_statements s
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY s.total_exec_time DESC, s.queryid
LIMIT $1
