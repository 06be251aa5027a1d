-- A run killed mid-way: its session notices within a second and ends,
-- freeing the table's lock (PostgreSQL 14 and later, where the platform can
-- tell; elsewhere this fails and changes nothing).
SET client_connection_check_interval = '1s'
