/*
 * log.h - messages on stderr, in the style of PostgreSQL's frontend tools:
 *
 *	tsq-load: error: could not open file "x.csv": No such file or directory
 *	tsq-load: detail: ...
 *	tsq-load: hint: ...
 *
 * Lower case, no trailing period.  Control characters coming from data are
 * shown as '?'.  With --log-format json each message is one JSON object per
 * line instead, for cron mail and log collectors.
 */
#ifndef TSQ_LOG_H
#define TSQ_LOG_H

#include <stdbool.h>

enum tsq_log_level {
	TSQ_LOG_ERROR,		/* -q: errors only */
	TSQ_LOG_WARNING,
	TSQ_LOG_INFO,		/* default */
	TSQ_LOG_VERBOSE,	/* -v */
};

void tsq_log_init(const char *argv0);
const char *tsq_progname(void);

/*
 * The end of every tool: flush standard output, and when anything written
 * to it was lost (a full disk, a closed pipe, /dev/full) say so, unless
 * tsq_stdout_reported() said it already, and turn exit status RC into a
 * failure.  main() returns what this returns.
 */
int tsq_stdout_finish(int rc);
/* A write to standard output failed and the error was reported. */
void tsq_stdout_reported(void);
void tsq_log_set_level(enum tsq_log_level level);
enum tsq_log_level tsq_log_get_level(void);
/* Messages as JSON objects (--log-format=json) or as text lines. */
void tsq_log_set_json(bool json);

void tsq_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tsq_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tsq_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tsq_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tsq_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tsq_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error about input data, prefixed with "FILE:LINE: ". */
void tsq_data_error(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A record of work done (an action tsq-compress took, say).  In text it is
 * the message, shown under -v; with --log-format json it is one object of
 * FIELDS (taken over) plus "program", "level" and "message", shown unless
 * -q, so that a log collector gets every action without -v.
 */
struct json_t;
void tsq_log_event(struct json_t *fields, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "Try "PROG --help" for more information." on stderr. */
void tsq_try_help(void);

#endif
