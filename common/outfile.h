/*
 * outfile.h - a file a tool was asked to write (-o, --stats, --checkpoint,
 * a reject file rewritten on --resume), written the one way every tool
 * writes one.
 *
 * A regular file (or a name that does not exist yet) is written beside
 * itself under a temporary name, flushed to disk and renamed into place, so
 * that a reader (node_exporter, a later --resume) sees the old file or the
 * new one, never half of one.  A symbolic link is followed: the file it
 * names is replaced and the link is kept.  Anything else that exists under
 * the name (a device such as /dev/null or /dev/stdout, a FIFO, a socket) is
 * written through as it is: it is never replaced by a regular file.
 */
#ifndef TSQ_OUTFILE_H
#define TSQ_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "buf.h"

struct tsq_outfile {
	FILE *f;		/* where to write */
	char *path;		/* as given */
	char *target;		/* the file written: PATH, or what its symlink names */
	char *tmp;		/* the temporary name, or NULL when written through */
};

/*
 * Open PATH for writing.  False with ERR set ("could not write \"PATH\":
 * ...") when it cannot be: a directory, a dangling symbolic link, no
 * permission to write beside it.
 */
bool tsq_outfile_open(struct tsq_outfile *o, const char *path, struct tsq_buf *err);

/*
 * Finish: flush, sync and rename into place.  False with ERR set when any
 * write failed (a full disk): the file under PATH is then left as it was.
 */
bool tsq_outfile_commit(struct tsq_outfile *o, struct tsq_buf *err);

/* Give up: the temporary file is removed, PATH left as it was. */
void tsq_outfile_abort(struct tsq_outfile *o);

/* Write all of DATA to PATH the same way. */
bool tsq_outfile_write(const char *path, const char *data, size_t len, struct tsq_buf *err);

/* A file a tool writes, named by an option ("--stats"); PATH NULL: not asked for. */
struct tsq_output_use {
	const char *option;
	const char *path;
};

/*
 * Before anything is read: the N INPUTS ("-": standard input) exist and are
 * not directories (else exit 66), no output is one of them (an output
 * naming the file being read would truncate it under the tool; standard
 * input counts too, "--stats x < x") and no two outputs name the same file
 * (both exit 64).  Returns the exit status, the problem reported.
 */
int tsq_outputs_check(char *const *inputs, int ninputs, const struct tsq_output_use *outputs,
    int noutputs);

#endif
