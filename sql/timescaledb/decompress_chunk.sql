SELECT decompress_chunk($1::regclass, if_compressed => true)
