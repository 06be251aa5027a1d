/*
 * pager.c - output through a pager when it does not fit the terminal (pager.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <unistd.h>

#include "buf.h"
#include "mem.h"
#include "pager.h"

struct tsq_pager {
	FILE *out;		/* the terminal */
	FILE *stream;		/* what callers write to */
	FILE *pipe;		/* the pager's standard input, once it started */
	struct tsq_buf held;	/* written before it started */
	size_t rows, cols;	/* the terminal's size */
	size_t lines, width;	/* lines held, and the width of the line being written */
	bool wide;		/* a line wider than the terminal was held */
};

static bool gone;

bool
tsq_pager_gone(void)
{
	return gone;
}

/* The pager's command: TSQ_PAGER, else PAGER, else less. */
static const char *
pager_command(void)
{
	const char *v = getenv("TSQ_PAGER");

	if (v == NULL)
		v = getenv("PAGER");
	return v ? v : "less";
}

bool
tsq_pager_wanted(FILE *out, bool enabled)
{
	const char *cmd = pager_command();

	return enabled && isatty(fileno(out)) && cmd[strspn(cmd, " \t")] != '\0' &&
	    strcmp(cmd, "cat") != 0;
}

void
tsq_terminal_size(FILE *out, size_t *rows, size_t *cols)
{
	struct winsize ws = { 0 };
	const char *l = getenv("LINES"), *c = getenv("COLUMNS");

	*rows = l && atoi(l) > 0 ? (size_t)atoi(l) : 24;
	*cols = c && atoi(c) > 0 ? (size_t)atoi(c) : 80;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* Start the pager and give it what was held.  False when it could not start. */
static bool
start(struct tsq_pager *p)
{
	fflush(p->out);
	if (getenv("LESS") == NULL)
		setenv("LESS", "FRSX", 1);
	p->pipe = popen(pager_command(), "w");
	if (p->pipe == NULL)
		return false;
	/* A pager the user leaves makes writes fail with EPIPE, not end tsq. */
	signal(SIGPIPE, SIG_IGN);
	if (p->held.len && fwrite(p->held.data, 1, p->held.len, p->pipe) != p->held.len)
		gone = errno == EPIPE;
	tsq_buf_free(&p->held);
	return true;
}

static ssize_t
pager_write(void *cookie, const char *buf, size_t size)
{
	struct tsq_pager *p = cookie;

	if (gone) {
		errno = EPIPE;
		return -1;
	}
	if (p->pipe == NULL) {
		tsq_buf_add(&p->held, buf, size);
		for (size_t i = 0; i < size; i++) {
			unsigned char ch = (unsigned char)buf[i];
			if (ch == '\n') {
				p->lines++;
				p->width = 0;
			} else if ((ch & 0xc0) != 0x80 && ++p->width > p->cols) {
				p->wide = true;
			}
		}
		/* A line for the prompt after it: the screen holds rows - 1. */
		if ((p->lines >= p->rows || p->wide) && !start(p)) {
			/* No pager after all: to the terminal, as it comes. */
			if (fwrite(p->held.data, 1, p->held.len, p->out) != p->held.len)
				return -1;
			tsq_buf_free(&p->held);
			p->pipe = p->out;
		}
		return (ssize_t)size;
	}
	if (fwrite(buf, 1, size, p->pipe) != size || fflush(p->pipe) != 0) {
		gone = errno == EPIPE && p->pipe != p->out;
		return -1;
	}
	return (ssize_t)size;
}

FILE *
tsq_pager_open(struct tsq_pager **pp, FILE *out)
{
	struct tsq_pager *p = xcalloc(1, sizeof *p);
	cookie_io_functions_t io = { NULL, pager_write, NULL, NULL };

	p->out = out;
	tsq_buf_init(&p->held);
	tsq_terminal_size(out, &p->rows, &p->cols);
	p->stream = fopencookie(p, "w", io);
	if (p->stream == NULL) {
		free(p);
		return NULL;
	}
	*pp = p;
	return p->stream;
}

int
tsq_pager_close(struct tsq_pager *p)
{
	int rc = fclose(p->stream) == 0 || gone ? 0 : -1;
	int saved = errno;

	if (p->pipe == NULL && p->held.len &&
	    (fwrite(p->held.data, 1, p->held.len, p->out) != p->held.len || fflush(p->out) != 0)) {
		rc = -1;
		saved = errno;
	}
	if (p->pipe && p->pipe != p->out)
		pclose(p->pipe);
	tsq_buf_free(&p->held);
	free(p);
	errno = saved;
	return rc;
}
