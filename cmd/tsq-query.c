/*
 * tsq-query - run a named query (or ad-hoc SQL) with typed parameters and
 * stream its rows as a table, CSV, TSV, JSON lines, JSON, Markdown or
 * sparklines.
 *
 * Rows are fetched a few thousand at a time (rows.h) and written as they
 * come, so memory stays flat however large the result.  Ctrl-C cancels the
 * query on the server and exits 130 (SIGTERM: 143).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tsq.h"
#include "pgcodes.h"
#include "format.h"
#include "indicator.h"
#include "pager.h"
#include "cancel.h"
#include "query.h"
#include "session.h"
#include "stream.h"


enum {
	OPT_DESCRIBE = TSQ_OPT_FIRST_PRIVATE,
	OPT_NO_HEADER,
	OPT_NO_PAGER,
	OPT_NULL,
	OPT_TIMEOUT,
	OPT_DIGITS,
	OPT_EXPLAIN,
	OPT_TIMING,
	OPT_QUERIES_DIR,
};

struct options {
	struct tsq_common_opts common;
	bool list;
	const char *describe;
	bool format_given;
	enum tsq_out_format format;
	bool no_header;
	bool no_pager;
	int digits;		/* --digits, or -1: 12 */
	const char *null_string;
	const char *output;
	int64_t timeout_usec;
	bool explain;
	bool timing;
	const char *command;
	const char *file;
	const char *queries_dir;
	const char *name;
	char **params;		/* NAME=VALUE, from -P and the arguments */
	int nparams;
};

static const struct tsq_optdef option_defs[] = {
	{ "list", 'l', 'l', NULL, "list the named queries, one per line, and exit", "Options:",
	    TSQ_TO_TRUE(list) },
	{ "describe", OPT_DESCRIBE, 0, "NAME",
	    "show a query's parameters, description and SQL", NULL, TSQ_TO_TEXT(describe) },
	{ "format", 'F', 'F', "FORMAT", "table, csv, tsv, jsonl, json, markdown, spark or\nchart "
	    "(default: table on a terminal, csv otherwise)", NULL, TSQ_BY_CODE },
	{ "no-header", OPT_NO_HEADER, 0, NULL, "leave out the column names", NULL,
	    TSQ_TO_TRUE(no_header) },
	{ "no-pager", OPT_NO_PAGER, 0, NULL, "never page the rows on a terminal\n"
	    "(default: through $TSQ_PAGER, $PAGER or less when they\n"
	    "do not fit the screen)", NULL, TSQ_TO_TRUE(no_pager) },
	{ "null", OPT_NULL, 0, "STRING", "how table and tsv show NULL (default: empty)", NULL,
	    TSQ_TO_TEXT(null_string) },
	{ "output", 'o', 'o', "FILE", "write the rows to FILE instead of standard output", NULL,
	    TSQ_TO_TEXT(output) },
	{ "digits", OPT_DIGITS, 0, "N", "table and markdown show floating-point values to N\n"
	    "significant digits (default 12; 0: as stored)", NULL, TSQ_BY_CODE },
	{ "timeout", OPT_TIMEOUT, 0, "DURATION",
	    "cancel the query after this long (exit 75)", NULL,
	    TSQ_TO_DURATION(timeout_usec, 1000) },
	{ "tz", TSQ_OPT_TZ, 0, "ZONE",
	    "time zone for times shown and parsed (default: UTC)", NULL,
	    TSQ_TO_TEXT(common.conn.tz) },
	{ "explain", OPT_EXPLAIN, 0, NULL, "print the query plan instead of the rows", NULL,
	    TSQ_TO_TRUE(explain) },
	{ "timing", OPT_TIMING, 0, NULL, "print how long the query took on standard error", NULL,
	    TSQ_TO_TRUE(timing) },
	{ "command", 'c', 'c', "SQL", "run this SQL; :name marks a parameter", NULL,
	    TSQ_TO_TEXT(command) },
	{ "file", 'f', 'f', "FILE", "run the query file FILE (- for standard input)", NULL,
	    TSQ_TO_TEXT(file) },
	{ "param", 'P', 'P', "NAME=VALUE", "set a parameter (the same as NAME=VALUE)", NULL,
	    TSQ_BY_CODE },
	{ "queries-dir", OPT_QUERIES_DIR, 0, "DIR", "look for query files in DIR first", NULL,
	    TSQ_TO_TEXT(queries_dir) },
	TSQ_OPT_END,
};

static void
usage(void)
{
	printf("%s runs named SQL queries (or SQL given with -c or -f) with typed\n"
	    "parameters, and streams the rows as a table, CSV, TSV, JSON lines, JSON,\n"
	    "Markdown or sparklines.\n\n", tsq_progname());
	printf("Usage:\n"
	    "  %1$s [OPTION]... NAME [PARAM=VALUE]...\n"
	    "  %1$s [OPTION]... -c SQL [PARAM=VALUE]...\n"
	    "  %1$s -l\n\n", tsq_progname());
	tsq_opt_help(stdout, option_defs);
	tsq_help_common(stdout);
}

static void
add_param(struct options *o, const char *arg)
{
	o->params = xreallocarray(o->params, (size_t)o->nparams + 1, sizeof *o->params);
	o->params[o->nparams++] = (char *)arg;
}

/* The options that need more than a place to go. */
static bool
by_code(void *arg, const struct tsq_optdef *def, const char *value)
{
	struct options *o = arg;
	int v;
	int64_t n;

	switch (def->key) {
	case 'F':
		o->format_given = true;
		if (!tsq_opt_choose("format", value, tsq_out_formats, &v))
			return false;
		o->format = (enum tsq_out_format)v;
		return true;
	case OPT_DIGITS:
		if (!tsq_opt_int("digits", value, 0, 17, &n))
			return false;
		o->digits = (int)n;
		return true;
	default:	/* -P */
		add_param(o, value);
		return true;
	}
}

/* The query and its parameters, and what the options say together: -1 to go on, else the exit status. */
static int
check_options(void *arg, int nargs, char **args)
{
	struct options *o = arg;
	int v;

	if (o->list || o->describe)
		return -1;
	if (o->command && o->file) {
		tsq_error("-c and -f cannot be used together");
		return TSQ_EXIT_USAGE;
	}
	if (!o->command && !o->file) {
		if (nargs == 0) {
			tsq_error("no query given");
			tsq_hint("name one (\"%s -l\" lists them), or give SQL with -c", tsq_progname());
			return TSQ_EXIT_USAGE;
		}
		o->name = *args++;
		nargs--;
	}
	for (int i = 0; i < nargs; i++) {
		if (strchr(args[i], '=') == NULL) {
			tsq_error("unexpected argument \"%s\": parameters are given as NAME=VALUE",
			    args[i]);
			return TSQ_EXIT_USAGE;
		}
		add_param(o, args[i]);
	}
	if (!o->format_given) {
		const char *env = getenv("TSQ_FORMAT");
		if (env && *env) {
			if (!tsq_opt_lookup(env, tsq_out_formats, &v)) {
				tsq_error("invalid value \"%s\" in TSQ_FORMAT", env);
				return TSQ_EXIT_USAGE;
			}
			o->format = (enum tsq_out_format)v;
		} else {
			o->format = isatty(STDOUT_FILENO) ? TSQ_OUT_TABLE : TSQ_OUT_CSV;
		}
	}
	return -1;
}

static int
list_queries(const struct tsq_query_path *path)
{
	struct tsq_query_entry *e;
	int n = tsq_query_list(path, &e);

	for (int i = 0; i < n; i++)
		printf("%s\t%s\n", e[i].name, e[i].description);
	tsq_query_list_free(e, n);
	return TSQ_EXIT_OK;
}

static int
describe_query(const struct tsq_query_path *path, const char *name)
{
	struct tsq_query q;
	struct tsq_buf err = TSQ_BUF_INIT;

	if (tsq_query_load(path, name, NULL, &q, &err) != TSQ_QUERY_LOADED) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return TSQ_EXIT_USAGE;
	}
	printf("%s: %s\n", q.name, q.description);
	printf("source: %s\n", q.source);
	printf("parameters:\n");
	if (q.nparams == 0)
		printf("  (none)\n");
	for (int i = 0; i < q.nparams; i++) {
		const struct tsq_param *p = &q.params[i];
		printf("  %-12s %-12s %s%s", p->name, tsq_param_type_name(p->type),
		    p->def ? "default " : "required", p->def ? p->def : "");
		if (p->choices)
			printf("  values: %s", p->choices);
		putchar('\n');
	}
	printf("sql:\n%s", q.text);
	if (q.text[0] && q.text[strlen(q.text) - 1] != '\n')
		putchar('\n');
	tsq_query_free(&q);
	return TSQ_EXIT_OK;
}

/* Set every NAME=VALUE parameter; false (reported) on the first bad one. */
static bool
set_params(struct tsq_query *q, const struct options *o, int64_t now)
{
	struct tsq_buf err = TSQ_BUF_INIT;

	for (int i = 0; i < o->nparams; i++) {
		char *name = xstrdup(o->params[i]), *eq = strchr(name, '=');
		if (eq == NULL || eq == name) {
			tsq_error("invalid parameter \"%s\": expected NAME=VALUE", o->params[i]);
			free(name);
			return false;
		}
		*eq = '\0';
		bool ok = tsq_query_set(q, name, eq + 1, now, &err);
		free(name);
		if (!ok) {
			tsq_error("%s", err.data);
			tsq_buf_free(&err);
			return false;
		}
	}
	if (!tsq_query_bind(q, now, &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return false;
	}
	tsq_buf_free(&err);
	return true;
}

/*
 * The query the options name (BACKEND: its version for that backend, if it
 * has one), its parameters bound.  *TEXT holds the SQL of -c or -f.  An
 * exit status; the problem reported.
 */
static int
load_query(const struct options *o, const struct tsq_query_path *path, const char *backend,
    int64_t now, struct tsq_query *q, char **text)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	enum tsq_query_found found = TSQ_QUERY_INVALID;

	if (o->name) {
		found = tsq_query_load(path, o->name, backend, q, &err);
	} else {
		*text = o->command ? xstrdup(o->command) : tsq_query_read_text(o->file);
		if (*text == NULL) {
			tsq_error("could not read \"%s\": %s", o->file, strerror(errno));
			return TSQ_EXIT_NOINPUT;
		}
		if (tsq_query_parse(o->command ? "command" : o->file, o->command ? "-c" : o->file,
		    *text, q, &err))
			found = TSQ_QUERY_LOADED;
	}
	if (found != TSQ_QUERY_LOADED) {
		tsq_error("%s", err.data);
		if (found == TSQ_QUERY_NOT_FOUND)
			tsq_hint("\"%s -l\" lists the named queries", tsq_progname());
		tsq_buf_free(&err);
		return TSQ_EXIT_USAGE;
	}
	tsq_buf_free(&err);
	return set_params(q, o, now) ? TSQ_EXIT_OK : TSQ_EXIT_USAGE;
}

/* Run Q on CONN into standard output or -o's file; an exit status. */
static int
write_result(const struct options *o, PGconn *conn, const struct tsq_query *q,
    struct tsq_indicator *ind)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_out out = { 0 };
	struct tsq_outfile file = { 0 };
	struct tsq_pager *pager = NULL;
	int rc;

	out.f = stdout;
	out.footer = o->format == TSQ_OUT_TABLE && isatty(STDOUT_FILENO) && !o->output;
	if (!o->output && tsq_pager_wanted(stdout, !o->no_pager) && !o->explain) {
		FILE *f = tsq_pager_open(&pager, stdout);
		if (f)
			out.f = f;
	}
	if (o->output) {
		if (!tsq_outfile_open(&file, o->output, &err)) {
			tsq_error("%s", err.data);
			tsq_buf_free(&err);
			return TSQ_EXIT_CANTCREAT;
		}
		out.f = file.f;
	}
	/* Large writes: the rows go out in 64 KiB pieces. */
	setvbuf(out.f, NULL, _IOFBF, 64 * 1024);
	out.format = o->format;
	out.header = !o->no_header;
	out.null_string = o->null_string;
	out.digits = o->digits < 0 ? 12 : o->digits;
	size_t rows, cols;
	tsq_terminal_size(stdout, &rows, &cols);
	out.term_width = (int)cols;
	out.term_height = (int)rows;
	const char *term = getenv("TERM");
	out.colour = isatty(STDOUT_FILENO) && !o->output && getenv("NO_COLOR") == NULL &&
	    !(term && strcmp(term, "dumb") == 0);
	int64_t started = tsq_now_usec();
	rc = tsq_stream_query(conn, q, &out, o->explain, o->timeout_usec, ind);
	if (o->timing)
		tsq_info("time: %.3f ms", (double)(tsq_now_usec() - started) / 1000.0);
	tsq_out_free(&out);
	if (pager && tsq_pager_close(pager) != 0 && rc == TSQ_EXIT_OK) {
		tsq_error("could not write the rows: %s", strerror(errno));
		tsq_stdout_reported();
		rc = TSQ_EXIT_FAILURE;
	}
	if (pager)
		out.f = stdout;
	/* A write that failed mid-way was reported by tsq_stream_query(). */
	if ((fflush(out.f) != 0 || ferror(out.f)) && rc == TSQ_EXIT_OK) {
		tsq_error("could not write the rows: %s", strerror(errno));
		if (out.f == stdout)
			tsq_stdout_reported();
		rc = TSQ_EXIT_FAILURE;
	}
	if (o->output && rc != TSQ_EXIT_OK) {
		/* The file asked for could not be written (a full disk): 73, as for any output file. */
		if (rc == TSQ_EXIT_FAILURE && ferror(file.f))
			rc = TSQ_EXIT_CANTCREAT;
		tsq_outfile_abort(&file);
	} else if (o->output && !tsq_outfile_commit(&file, &err)) {
		tsq_error("%s", err.data);
		rc = TSQ_EXIT_CANTCREAT;
	}
	tsq_buf_free(&err);
	return rc;
}

static int
run(struct options *o, const struct tsq_query_path *path)
{
	struct tsq_query q;
	struct tsq_session sess = { 0 };
	struct tsq_buf err = TSQ_BUF_INIT;
	int64_t now = tsq_now_usec();
	char *text = NULL;
	struct tsq_indicator *ind = NULL;

	/* Parameters are checked before connecting: a typo costs no round trip. */
	memset(&q, 0, sizeof q);
	int rc = load_query(o, path, NULL, now, &q, &text);
	if (rc == TSQ_EXIT_OK)
		rc = tsq_session_open(&sess, &o->common.conn, "public");
	if (rc == TSQ_EXIT_OK) {
		tsq_cancel_setup();
		tsq_cancel_register(sess.conn);
	}
	if (rc == TSQ_EXIT_OK && q.shipped) {
		/* The backend's own version of a shipped query, if it has one. */
		tsq_query_free(&q);
		memset(&q, 0, sizeof q);
		rc = load_query(o, path, tsq_backend_name(sess.b.kind), now, &q, &text);
	}
	if (rc == TSQ_EXIT_OK && q.compute && !o->explain &&
	    (ind = tsq_indicator_new(q.compute, &q, &err)) == NULL) {
		tsq_error("%s", err.data);
		rc = TSQ_EXIT_USAGE;
	}
	if (rc == TSQ_EXIT_OK)
		rc = write_result(o, sess.conn, &q, ind);
	tsq_cancel_release();
	tsq_session_close(&sess);
	tsq_indicator_free(ind);
	tsq_query_free(&q);
	tsq_buf_free(&err);
	free(text);
	return rc;
}

/* What the options ask for: the list, a description or a query run. */
static int
act(void *arg)
{
	struct options *o = arg;
	struct tsq_query_path path;
	int rc;

	tsq_query_path_init(&path, o->queries_dir);
	if (o->list)
		rc = list_queries(&path);
	else if (o->describe)
		rc = describe_query(&path, o->describe);
	else
		rc = run(o, &path);
	tsq_query_path_free(&path);
	return rc;
}

static void
options_free(void *arg)
{
	struct options *o = arg;
	free(o->params);
}

static struct options options = { .digits = -1 };

TSQ_TOOL_MAIN(usage, option_defs, by_code, check_options, act, options_free, &options)
