#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit.h"
#include "log.h"
#include "mem.h"
#include "outfile.h"

static bool
fail(struct tsq_outfile *o, struct tsq_buf *err, int e)
{
	tsq_buf_addf(err, "could not write \"%s\": %s", o->path, strerror(e));
	return false;
}

static void
clear(struct tsq_outfile *o)
{
	TSQ_FREE(o->path, o->target, o->tmp);
	memset(o, 0, sizeof *o);
}

bool
tsq_outfile_open(struct tsq_outfile *o, const char *path, struct tsq_buf *err)
{
	struct stat st, lst;
	int fd;
	bool exists = stat(path, &st) == 0;
	bool link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);

	memset(o, 0, sizeof *o);
	o->path = xstrdup(path);
	if (exists && S_ISDIR(st.st_mode)) {
		tsq_buf_addf(err, "could not write \"%s\": it is a directory", path);
		clear(o);
		return false;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		/* A device, a FIFO (/dev/null, /dev/stdout): written through, never replaced. */
		o->target = xstrdup(path);
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0 || (o->f = fdopen(fd, "w")) == NULL) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			fail(o, err, e);
			clear(o);
			return false;
		}
		return true;
	}
	if (link && !exists) {
		tsq_buf_addf(err, "could not write \"%s\": it is a symbolic link to a file that "
		    "does not exist", path);
		clear(o);
		return false;
	}
	o->target = link ? realpath(path, NULL) : xstrdup(path);
	if (o->target == NULL) {
		fail(o, err, errno);
		clear(o);
		return false;
	}
	size_t n = strlen(o->target);
	o->tmp = xmalloc(n + 16);
	memcpy(o->tmp, o->target, n);
	memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
	fd = mkstemp(o->tmp);
	if (fd < 0 || (o->f = fdopen(fd, "w")) == NULL) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		fail(o, err, e);
		clear(o);
		return false;
	}
	/* mkstemp made it 0600: the mode a new file would have, or the old file's. */
	mode_t mask = umask(0);
	umask(mask);
	mode_t mode = exists ? st.st_mode & 07777 : 0666 & ~mask;
	if (fchmod(fd, mode) != 0) {
		fail(o, err, errno);
		tsq_outfile_abort(o);
		return false;
	}
	return true;
}

bool
tsq_outfile_commit(struct tsq_outfile *o, struct tsq_buf *err)
{
	bool ok = fflush(o->f) == 0 && !ferror(o->f);
	int e = errno;

	if (ok && o->tmp && fsync(fileno(o->f)) != 0)
		ok = false, e = errno;
	if (fclose(o->f) != 0 && ok)
		ok = false, e = errno;
	o->f = NULL;
	if (ok && o->tmp && rename(o->tmp, o->target) != 0)
		ok = false, e = errno;
	if (!ok) {
		if (e == 0)
			e = EIO;
		fail(o, err, e);
		if (o->tmp)
			unlink(o->tmp);
	}
	clear(o);
	return ok;
}

void
tsq_outfile_abort(struct tsq_outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	clear(o);
}

bool
tsq_outfile_write(const char *path, const char *data, size_t len, struct tsq_buf *err)
{
	struct tsq_outfile o;

	if (!tsq_outfile_open(&o, path, err))
		return false;
	/* A short write leaves the stream's error set: the commit reports it. */
	if (len > 0)
		(void)fwrite(data, 1, len, o.f);
	return tsq_outfile_commit(&o, err);
}

/* Whether the file tsq-load would write at PATH is the input IN. */
static bool
same_file(const char *path, const struct stat *in)
{
	struct stat out;

	return stat(path, &out) == 0 && out.st_dev == in->st_dev && out.st_ino == in->st_ino &&
	    S_ISREG(out.st_mode);
}

int
tsq_outputs_check(char *const *inputs, int ninputs, const struct tsq_output_use *outputs,
    int noutputs)
{
	struct stat in;

	for (int i = 0; i < ninputs; i++) {
		const char *f = inputs[i];
		bool is_stdin = strcmp(f, "-") == 0;
		if (is_stdin) {
			if (fstat(STDIN_FILENO, &in) != 0)
				continue;
		} else if (stat(f, &in) != 0 || access(f, R_OK) != 0) {
			tsq_error("could not open file \"%s\": %s", f, strerror(errno));
			return TSQ_EXIT_NOINPUT;
		} else if (S_ISDIR(in.st_mode)) {
			tsq_error("could not open file \"%s\": it is a directory", f);
			return TSQ_EXIT_NOINPUT;
		}
		for (int k = 0; k < noutputs; k++) {
			const char *path = outputs[k].path;
			if (path && ((!is_stdin && strcmp(path, f) == 0) || same_file(path, &in))) {
				tsq_error("%s \"%s\" is %s: it would be overwritten", outputs[k].option,
				    path, is_stdin ? "the file on standard input" : "an input file");
				return TSQ_EXIT_USAGE;
			}
		}
	}
	struct stat dev;
	for (int a = 0; a < noutputs; a++)
		for (int b = a + 1; b < noutputs; b++)
			if (outputs[a].path && outputs[b].path &&
			    strcmp(outputs[a].path, outputs[b].path) == 0 &&
			    !(stat(outputs[a].path, &dev) == 0 && !S_ISREG(dev.st_mode))) {
				tsq_error("%s and %s name the same file \"%s\"", outputs[a].option,
				    outputs[b].option, outputs[a].path);
				return TSQ_EXIT_USAGE;
			}
	return TSQ_EXIT_OK;
}
