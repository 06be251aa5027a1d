-- The database of the private cluster tsq-init --local starts, created from
-- the maintenance database.  @dbname@ is tsq's own fixed name for it.

-- step: created database "@dbname@"
-- unless: SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)
-- params: dbname
CREATE DATABASE @dbname@;
