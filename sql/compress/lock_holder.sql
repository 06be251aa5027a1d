-- Who holds the lock of lock.sql on table oid $1: the server process, when
-- it connected, and the client as it named itself (application_name: a
-- tsq-compress says its process id and host) with its address, if over TCP.
-- A bigint advisory key shows in pg_locks as classid (high half), objid (low
-- half) and objsubid 1.
SELECT l.pid, a.backend_start, nullif(a.application_name, ''),
       coalesce(a.client_hostname, host(a.client_addr))
FROM pg_locks l
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.classid = x'74737100'::bigint::oid AND l.objid = $1::oid
LIMIT 1
