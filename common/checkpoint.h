/*
 * checkpoint.h - where a load can resume (tsq-load --checkpoint, --resume).
 *
 * For each input: the byte offset and line up to which every record is
 * either committed or in the reject file, whether the input is done, and
 * an identity (a hash of its header and first record) so that a different
 * file of the same name is loaded whole rather than skipped.  The file is
 * JSON, replaced by rename: a crash leaves the old checkpoint or the new.
 */
#ifndef TSQ_CHECKPOINT_H
#define TSQ_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct tsq_checkpoint;

/*
 * The checkpoint in PATH.  READ false starts afresh (--checkpoint without
 * --resume).  A file that is missing is an empty checkpoint; one that cannot
 * be read is too, with WARN saying why.
 */
struct tsq_checkpoint *tsq_checkpoint_load(const char *path, bool read, struct tsq_buf *warn);
void tsq_checkpoint_free(struct tsq_checkpoint *c);

enum tsq_resume {
	TSQ_RESUME_NONE,	/* nothing recorded for the input: load all of it */
	TSQ_RESUME_OTHER,	/* recorded for another file of the same name: load all of it */
	TSQ_RESUME_AT,		/* skip to *offset, the start of line *line */
	TSQ_RESUME_DONE,	/* the input was loaded to its end */
};

enum tsq_resume tsq_checkpoint_find(const struct tsq_checkpoint *c, const char *input,
    const char *identity, int64_t *offset, long *line);

/*
 * Record that INPUT (of IDENTITY) is committed up to OFFSET, the start of
 * LINE, or DONE; TABLE and REJECTS are noted for the reader of the file.
 * False with ERR set when the file cannot be written.
 */
bool tsq_checkpoint_save(struct tsq_checkpoint *c, const char *table, const char *input,
    const char *identity, int64_t offset, long line, bool done, const char *rejects,
    struct tsq_buf *err);

/* The identity of an input: its header and first record, hashed. */
void tsq_checkpoint_identity(const char *header, size_t hlen, const char *first, size_t flen,
    char out[33]);

#endif
