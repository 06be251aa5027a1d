-- Compress chunk $1, or recompress what a backfill left uncompressed in it.
SELECT compress_chunk($1::regclass, if_not_compressed => true)
