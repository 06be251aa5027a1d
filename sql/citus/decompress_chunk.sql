-- Decompress partition $1: back to the heap access method, where rows can be
-- updated again.
SELECT alter_table_set_access_method($1::regclass, 'heap')
