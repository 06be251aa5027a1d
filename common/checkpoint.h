/*
 * checkpoint.h - where a load can resume (tsq-load --checkpoint, --resume).
 *
 * For each input: the byte offset and line up to which every record is
 * either committed or in the reject file, whether the input is done, and a
 * hash of the bytes before that offset, so that a file that changed is not
 * taken for the one loaded (a file that only grew continues).  The file is
 * JSON, replaced by rename: a crash leaves the old checkpoint or the new.
 * Where tsq's schema has tsq.loads, the database's own record of each
 * committed batch comes first; the file is then a copy for people.
 */
#ifndef TSQ_CHECKPOINT_H
#define TSQ_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "reader.h"

struct tsq_checkpoint;

/*
 * The checkpoint in PATH.  READ false starts afresh (--checkpoint without
 * --resume).  A file that is missing is an empty checkpoint; one that cannot
 * be read is too, with WARN saying why.
 */
struct tsq_checkpoint *tsq_checkpoint_load(const char *path, bool read, struct tsq_buf *warn);
void tsq_checkpoint_free(struct tsq_checkpoint *c);

/* Where an input's committed part ends, and what its bytes were. */
struct tsq_resume_point {
	int64_t offset;			/* every record before this byte is committed or rejected */
	long line;			/* the line at that byte */
	char hash[TSQ_PREFIX_HASH_SIZE];	/* of the bytes before it (reader.h) */
	bool done;			/* the input was read to its end */
};

enum tsq_resume {
	TSQ_RESUME_NONE,	/* nothing recorded for the input: load all of it */
	TSQ_RESUME_AT,		/* the point is recorded */
	TSQ_RESUME_OLD,		/* recorded by an earlier tsq-load, without the bytes' hash */
};

enum tsq_resume tsq_checkpoint_find(const struct tsq_checkpoint *c, const char *input,
    struct tsq_resume_point *rp);

/*
 * Record INPUT's point RP; TABLE and REJECTS are noted for the reader of
 * the file.  False with ERR set when the file cannot be written.
 */
bool tsq_checkpoint_save(struct tsq_checkpoint *c, const char *table, const char *input,
    const struct tsq_resume_point *rp, const char *rejects, struct tsq_buf *err);

#endif
