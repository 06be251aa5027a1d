#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "json.h"

static const char *progname = "tsq";
static enum tsq_log_level level = TSQ_LOG_INFO;
static bool json_format;

void
tsq_log_init(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	progname = slash ? slash + 1 : argv0;
	if (*progname == '\0')
		progname = "tsq";
}

const char *
tsq_progname(void)
{
	return progname;
}

static bool stdout_reported;

void
tsq_stdout_reported(void)
{
	stdout_reported = true;
}

int
tsq_stdout_finish(int rc)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	if (!stdout_reported && errno != 0)
		tsq_error("could not write to standard output: %s", strerror(errno));
	else if (!stdout_reported)
		tsq_error("could not write to standard output");
	return rc == 0 ? 1 : rc;	/* TSQ_EXIT_OK becomes TSQ_EXIT_FAILURE */
}

void
tsq_log_set_level(enum tsq_log_level l)
{
	level = l;
}

enum tsq_log_level
tsq_log_get_level(void)
{
	return level;
}

void
tsq_log_set_json(bool json)
{
	json_format = json;
}

/* Control characters (from data, or a stray newline) become '?'. */
static void
sanitize(struct tsq_buf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		if (c < 0x20 || c == 0x7f)
			b->data[i] = '?';
	}
}

static void
emit(const char *kind, const char *prefix, const char *fmt, va_list ap)
{
	struct tsq_buf msg = TSQ_BUF_INIT;
	struct tsq_buf line = TSQ_BUF_INIT;

	if (prefix)
		tsq_buf_adds(&msg, prefix);
	tsq_buf_vaddf(&msg, fmt, ap);
	/* Strip what PQerrorMessage and friends leave at the end. */
	tsq_buf_rtrim(&msg);
	sanitize(&msg);
	if (json_format) {
		tsq_buf_adds(&line, "{\"program\":");
		tsq_json_quote(&line, progname, strlen(progname));
		tsq_buf_adds(&line, ",\"level\":");
		kind = kind ? kind : "info";
		tsq_json_quote(&line, kind, strlen(kind));
		tsq_buf_adds(&line, ",\"message\":");
		tsq_json_quote(&line, msg.data, msg.len);
		tsq_buf_adds(&line, "}\n");
	} else if (kind) {
		tsq_buf_addf(&line, "%s: %s: %s\n", progname, kind, msg.data);
	} else {
		tsq_buf_addf(&line, "%s: %s\n", progname, msg.data);
	}
	fflush(stdout);
	fwrite(line.data, 1, line.len, stderr);
	fflush(stderr);
	tsq_buf_free(&msg);
	tsq_buf_free(&line);
}

/*
 * A detail or hint belongs to the message before it: it is shown when that
 * message was (a warning's hint goes with the warning under -q).
 */
static bool last_shown = true;

#define EMIT(min, kind, prefix) do { \
	va_list ap; \
	if (level < (min)) { \
		last_shown = false; \
		return; \
	} \
	last_shown = true; \
	va_start(ap, fmt); \
	emit(kind, prefix, fmt, ap); \
	va_end(ap); \
} while (0)

#define EMIT_MORE(kind) do { \
	va_list ap; \
	if (!last_shown) \
		return; \
	va_start(ap, fmt); \
	emit(kind, NULL, fmt, ap); \
	va_end(ap); \
} while (0)

void tsq_error(const char *fmt, ...) { EMIT(TSQ_LOG_ERROR, "error", NULL); }
void tsq_warning(const char *fmt, ...) { EMIT(TSQ_LOG_WARNING, "warning", NULL); }
void tsq_detail(const char *fmt, ...) { EMIT_MORE("detail"); }
void tsq_hint(const char *fmt, ...) { EMIT_MORE("hint"); }
void tsq_info(const char *fmt, ...) { EMIT(TSQ_LOG_INFO, NULL, NULL); }
void tsq_verbose(const char *fmt, ...) { EMIT(TSQ_LOG_VERBOSE, NULL, NULL); }

void
tsq_data_error(const char *file, long line, const char *fmt, ...)
{
	char prefix[512];

	snprintf(prefix, sizeof prefix, "%s:%ld: ", file, line);
	EMIT(TSQ_LOG_ERROR, "error", prefix);
}

void
tsq_log_event(json_t *fields, const char *fmt, ...)
{
	va_list ap;

	if (!json_format) {
		json_decref(fields);
		if (level < TSQ_LOG_VERBOSE)
			return;
		va_start(ap, fmt);
		emit(NULL, NULL, fmt, ap);
		va_end(ap);
		return;
	}
	if (level < TSQ_LOG_INFO) {
		json_decref(fields);
		return;
	}
	struct tsq_buf msg = TSQ_BUF_INIT;
	va_start(ap, fmt);
	tsq_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	sanitize(&msg);
	json_t *o = json_object();
	json_object_set_new(o, "program", tsq_json_text(progname, strlen(progname)));
	json_object_set_new(o, "level", json_string("info"));
	json_object_update(o, fields);
	json_decref(fields);
	json_object_set_new(o, "message", tsq_json_text(msg.data, msg.len));
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	fflush(stdout);
	if (text) {
		fprintf(stderr, "%s\n", text);
		free(text);
	}
	fflush(stderr);
	json_decref(o);
	tsq_buf_free(&msg);
}

void
tsq_try_help(void)
{
	fprintf(stderr, "Try \"%s --help\" for more information.\n", progname);
}
