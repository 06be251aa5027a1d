#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "mem.h"
#include "opt.h"
#include "policy.h"
#include "parse.h"
#include "version.h"
#include "exit.h"

static const struct tsq_opt_choice log_formats[] = {
	{ "text", false },
	{ "json", true },
	{ NULL, 0 },
};

bool
tsq_opt_lookup(const char *arg, const struct tsq_opt_choice *choices, int *value)
{
	for (int i = 0; choices[i].name; i++) {
		if (strcmp(arg, choices[i].name) == 0) {
			*value = choices[i].value;
			return true;
		}
	}
	return false;
}

bool
tsq_opt_choose(const char *option, const char *arg, const struct tsq_opt_choice *choices,
    int *value)
{
	struct tsq_buf list = TSQ_BUF_INIT;
	int n;

	if (tsq_opt_lookup(arg, choices, value))
		return true;
	for (n = 0; choices[n].name; n++)
		;
	for (int i = 0; i < n; i++)
		tsq_buf_addf(&list, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", choices[i].name);
	tsq_error("invalid value \"%s\" for option --%s: expected %s", arg, option, list.data);
	tsq_buf_free(&list);
	return false;
}

/* The common options that are not values to store: an action each. */
static bool
common_by_code(void *opts, const struct tsq_optdef *def, const char *arg)
{
	struct tsq_common_opts *o = opts;
	int json;

	switch (def->key) {
	case 'w':
		o->conn.password = TSQ_PASSWORD_NEVER;
		return true;
	case 'W':
		o->conn.password = TSQ_PASSWORD_FORCE;
		return true;
	case 'q':
		tsq_log_set_level(TSQ_LOG_ERROR);
		return true;
	case 'v':
		tsq_log_set_level(TSQ_LOG_VERBOSE);
		return true;
	default:	/* --log-format */
		if (!tsq_opt_choose("log-format", arg, log_formats, &json))
			return false;
		tsq_log_set_json(json);
		return true;
	}
}

/* The options every binary takes, after its own. */
#define COMMON_TEXT(m) { .store = TSQ_OPT_TEXT,					\
	.offset = TSQ_OPT_MEMBER(struct tsq_common_opts, m, const char *) }
#define COMMON_TRUE(m) { .store = TSQ_OPT_TRUE, .offset = TSQ_OPT_MEMBER(struct tsq_common_opts, m, bool) }
static const struct tsq_optdef common_defs[] = {
	{ "dbname", 'd', 'd', "CONNINFO", "database name, conninfo string or postgresql:// URI",
	    "\nConnection options:", COMMON_TEXT(conn.dbname) },
	{ "host", 'h', 'h', "HOST", "server host or socket directory", NULL,
	    COMMON_TEXT(conn.host) },
	{ "port", 'p', 'p', "PORT", "server port", NULL, COMMON_TEXT(conn.port) },
	{ "username", 'U', 'U', "USER", "user name", NULL, COMMON_TEXT(conn.user) },
	{ "no-password", 'w', 'w', NULL, "never prompt for a password", NULL, TSQ_BY_CODE },
	{ "password", 'W', 'W', NULL, "prompt for a password before connecting", NULL, TSQ_BY_CODE },
	{ "quiet", 'q', 'q', NULL, "print errors only", "\nGeneral options:", TSQ_BY_CODE },
	{ "verbose", 'v', 'v', NULL, "print more about what is done", NULL, TSQ_BY_CODE },
	{ "log-format", TSQ_OPT_LOG_FORMAT, 0, "FORMAT", "messages on stderr as text or json", NULL,
	    TSQ_BY_CODE },
	{ "version", 'V', 'V', NULL, "print the version and exit", NULL,
	    COMMON_TRUE(version) },
	{ "help", TSQ_OPT_HELP, '?', NULL, "print this help and exit", NULL,
	    COMMON_TRUE(help) },
	TSQ_OPT_END,
};

/* A tool's options (its own and the common ones) as getopt_long takes them. */
#define TSQ_OPT_MAX 64

struct tsq_optparser {
	struct option longopts[TSQ_OPT_MAX + 1];
	char shortopts[2 * TSQ_OPT_MAX + 1];
	int argc;
	char **argv;
};

static void
add_defs(struct tsq_optparser *p, const struct tsq_optdef *defs, size_t *n)
{
	for (; defs->name && *n < TSQ_OPT_MAX; defs++) {
		p->longopts[*n] = (struct option){ defs->name,
		    defs->arg ? required_argument : no_argument, NULL, defs->key };
		(*n)++;
		if (defs->letter && defs->letter != '?') {
			size_t len = strlen(p->shortopts);
			p->shortopts[len] = defs->letter;
			if (defs->arg)
				p->shortopts[++len] = ':';
			p->shortopts[len + 1] = '\0';
		}
	}
}

static void
make_parser(struct tsq_optparser *p, const struct tsq_optdef *defs, int argc, char **argv)
{
	size_t n = 0;

	memset(p, 0, sizeof *p);
	add_defs(p, defs, &n);
	add_defs(p, common_defs, &n);
	p->argc = argc;
	p->argv = argv;
	opterr = 0;
}

static void report_bad(const struct tsq_optparser *p);

static const struct tsq_optdef *
def_of(const struct tsq_optdef *defs, int key)
{
	for (; defs->name; defs++)
		if (defs->key == key)
			return defs;
	return NULL;
}

/* Store ARG where D says in OPTS, checked by the parser of its kind. */
static bool
store(const struct tsq_optdef *d, const char *arg, void *opts)
{
	char *at = (char *)opts + d->to.offset;
	int v;

	switch (d->to.store) {
	case TSQ_OPT_TRUE:
		*(bool *)at = true;
		return true;
	case TSQ_OPT_TEXT:
		*(const char **)at = arg;
		return true;
	case TSQ_OPT_CHOICE:
		if (!tsq_opt_choose(d->name, arg, d->to.choices, &v))
			return false;
		memcpy(at, &v, sizeof v);
		return true;
	case TSQ_OPT_CHAR:
		return tsq_opt_char(d->name, arg, at);
	case TSQ_OPT_DURATION:
		return tsq_opt_duration(d->name, arg, d->to.min, (int64_t *)at);
	case TSQ_OPT_DURATION_OFF:
		return tsq_opt_duration_or_off(d->name, arg, (int64_t *)at);
	case TSQ_OPT_SIZE:
		return tsq_opt_size(d->name, arg, (size_t *)at);
	case TSQ_OPT_INT:
		return tsq_opt_int(d->name, arg, d->to.min, d->to.max, (int64_t *)at);
	default:
		return false;
	}
}

/*
 * Parse the options of ARGV by DEFS (and the common ones, into COMMON).
 * TSQ_EXIT_USAGE when an option or its value is bad (reported), -1 when
 * --help or --version was given, else 0; the arguments left start at optind.
 */
static int
tsq_opt_parse(const struct tsq_optdef *defs, int argc, char **argv, void *opts,
    struct tsq_common_opts *common,
    bool (*by_code)(void *opts, const struct tsq_optdef *def, const char *arg))
{
	struct tsq_optparser p;
	int c;

	make_parser(&p, defs, argc, argv);
	while ((c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) != -1) {
		const struct tsq_optdef *d = def_of(defs, c);
		void *base = opts;
		bool (*code)(void *, const struct tsq_optdef *, const char *) = by_code;
		if (d == NULL) {
			d = def_of(common_defs, c);
			base = common;
			code = common_by_code;
		}
		if (d == NULL) {
			report_bad(&p);
			return TSQ_EXIT_USAGE;
		}
		if (!(d->to.store == TSQ_OPT_BY_CODE ? code(base, d, optarg) : store(d, optarg, base)))
			return TSQ_EXIT_USAGE;
	}
	return common->help || common->version ? -1 : 0;
}

void
tsq_opt_help(FILE *out, const struct tsq_optdef *defs)
{
	enum { TEXT_COLUMN = 27 };

	for (; defs->name; defs++) {
		char left[80];
		int n;
		if (defs->heading)
			fprintf(out, "%s\n", defs->heading);
		if (defs->letter)
			n = snprintf(left, sizeof left, "  -%c, --%s", defs->letter, defs->name);
		else
			n = snprintf(left, sizeof left, "      --%s", defs->name);
		if (defs->arg)
			n += snprintf(left + n, sizeof left - (size_t)n, "=%s", defs->arg);
		fprintf(out, "%s%*s", left, n < TEXT_COLUMN - 1 ? TEXT_COLUMN - n : 2, "");
		for (const char *t = defs->help; *t;) {
			size_t len = strcspn(t, "\n");
			fprintf(out, "%.*s\n", (int)len, t);
			t += len;
			if (*t == '\n' && *++t)
				fprintf(out, "%*s", TEXT_COLUMN, "");
		}
	}
}

/* getopt_long returned '?': report the bad option and the "Try --help" line. */
static void
report_bad(const struct tsq_optparser *p)
{
	const char *arg = optind > 0 ? p->argv[optind - 1] : "";

	if (strncmp(arg, "--", 2) == 0) {
		size_t len = strcspn(arg + 2, "=");
		const struct option *found = NULL;
		for (const struct option *o = p->longopts; o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, arg + 2, len) == 0)
				found = o;
		if (found && found->has_arg == required_argument && arg[2 + len] == '\0')
			tsq_error("option \"--%s\" requires an argument", found->name);
		else if (found && found->has_arg == no_argument)
			tsq_error("option \"--%s\" takes no argument", found->name);
		else
			tsq_error("unrecognized option \"%.*s\"", (int)(len + 2), arg);
	} else {
		const char *known = optopt ? strchr(p->shortopts, optopt) : NULL;
		if (known && known[1] == ':')
			tsq_error("option \"-%c\" requires an argument", optopt);
		else
			tsq_error("invalid option \"-%c\"", optopt ? optopt : '?');
	}
	tsq_try_help();
}

/*
 * USAGE into a buffer that holds it whole, so that a failed write is seen
 * (with its reason) when standard output is flushed at the end, not half
 * way through.
 */
static void
print_help(void (*usage)(void))
{
	static char buf[1 << 16];	/* glibc takes no size without a buffer */

	setvbuf(stdout, buf, _IOFBF, sizeof buf);
	usage();
}

bool
tsq_opt_start(int argc, char *const argv[], void (*usage)(void))
{
	tsq_log_init(argv[0]);
	if (argc < 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-?") != 0))
		return false;
	print_help(usage);
	return true;
}

int
tsq_tool_main(int argc, char **argv, const struct tsq_tool *t)
{
	int rc = TSQ_EXIT_OK;

	if (tsq_opt_start(argc, argv, t->usage))
		return tsq_stdout_finish(rc);
	rc = tsq_opt_parse(t->defs, argc, argv, t->opts, t->common, t->by_code);
	if (rc < 0) {
		if (t->common->help)
			print_help(t->usage);
		else
			tsq_print_version();
		rc = TSQ_EXIT_OK;
	} else if (rc == 0 && (rc = t->check(t->opts, argc - optind, argv + optind)) < 0) {
		rc = t->run(t->opts);
		if (rc < 0)
			rc = TSQ_EXIT_OK;
	}
	if (t->done)
		t->done(t->opts);
	return tsq_stdout_finish(rc);
}

void
tsq_help_common(FILE *out)
{
	tsq_opt_help(out, common_defs);
	fputs("\nWith no connection options, TSQ_DB, the PG* variables or the local\n"
	    "database made by tsq-init are used; see tsq(7).\n", out);
}

void
tsq_print_version(void)
{
	printf("%s (tsq) %s\n", tsq_progname(), TSQ_VERSION);
}

/* ---- typed values ---- */

bool
tsq_opt_duration_or_off(const char *option, const char *arg, int64_t *usec)
{
	if (strcmp(arg, "off") == 0 || strcmp(arg, "0") == 0) {
		*usec = 0;
		return true;
	}
	return tsq_opt_duration(option, arg, 1, usec);
}

bool
tsq_opt_size(const char *option, const char *arg, size_t *bytes)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	uint64_t unit = 1;

	if (end != arg && (strcasecmp(end, "k") == 0 || strcasecmp(end, "kb") == 0 ||
	    strcasecmp(end, "kib") == 0))
		unit = 1024;
	else if (end != arg && (strcasecmp(end, "m") == 0 || strcasecmp(end, "mb") == 0 ||
	    strcasecmp(end, "mib") == 0))
		unit = 1024 * 1024;
	else if (end != arg && (strcasecmp(end, "g") == 0 || strcasecmp(end, "gb") == 0 ||
	    strcasecmp(end, "gib") == 0))
		unit = 1024 * 1024 * 1024;
	else if (end == arg || *end != '\0')
		unit = 0;
	if (unit == 0 || errno || !(v * (double)unit >= 1024 * 1024) || v * (double)unit > 1e12) {
		tsq_error("invalid value \"%s\" for option --%s: expected a size from 1MiB, such as "
		    "64MiB or 512k", arg, option);
		return false;
	}
	*bytes = (size_t)(v * (double)unit);
	return true;
}


bool
tsq_opt_int(const char *option, const char *arg, int64_t min, int64_t max, int64_t *value)
{
	size_t pos;

	if (tsq_parse_int64(arg, min, max, value, &pos) == TSQ_PARSE_OK)
		return true;
	tsq_error("invalid value \"%s\" for option --%s: expected a whole number from %lld to %lld",
	    arg, option, (long long)min, (long long)max);
	return false;
}

bool
tsq_opt_real(const char *option, const char *arg, double min, double max, bool above_min,
    double *value)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end != arg && *end == '\0' && errno == 0 && isfinite(v) &&
	    (above_min ? v > min : v >= min) && v <= max) {
		*value = v;
		return true;
	}
	if (isinf(max))
		tsq_error("invalid value \"%s\" for option --%s: expected a number %s %g", arg,
		    option, above_min ? "above" : "of at least", min);
	else
		tsq_error("invalid value \"%s\" for option --%s: expected a number from %g%s to %g",
		    arg, option, min, above_min ? " (not included)" : "", max);
	return false;
}

bool
tsq_opt_duration(const char *option, const char *arg, int64_t min_usec, int64_t *usec)
{
	size_t pos;
	int64_t v;

	if (tsq_parse_duration(arg, &v, &pos) == TSQ_PARSE_OK && v >= min_usec && v > 0) {
		*usec = v;
		return true;
	}
	if (min_usec <= 1) {
		tsq_error("invalid value \"%s\" for option --%s: expected a positive duration such as "
		    "7d, 12h or 30s", arg, option);
	} else {
		struct tsq_buf least = TSQ_BUF_INIT;
		tsq_policy_format_duration(min_usec, &least);
		tsq_error("invalid value \"%s\" for option --%s: expected a duration of at least %s, "
		    "such as 30s or 5m", arg, option, least.data);
		tsq_buf_free(&least);
	}
	return false;
}

bool
tsq_opt_char(const char *option, const char *arg, char *value)
{
	if (strcmp(arg, "\\t") == 0 || strcmp(arg, "tab") == 0) {
		*value = '\t';
		return true;
	}
	if (strlen(arg) != 1 || arg[0] == '\n' || arg[0] == '\r') {
		tsq_error("invalid value \"%s\" for option --%s: expected one character", arg, option);
		return false;
	}
	*value = arg[0];
	return true;
}

char **
tsq_opt_list(const char *arg, int *n)
{
	char **list = xcalloc(1, sizeof *list);
	const char *p = arg;

	*n = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (len > 0) {
			list = xreallocarray(list, (size_t)*n + 2, sizeof *list);
			list[(*n)++] = xstrndup(p, len);
			list[*n] = NULL;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return list;
}

void
tsq_opt_list_free(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

bool
tsq_opt_pairs(const char *option, const char *arg, bool list, struct tsq_pair **pairs, int *n)
{
	const char *p = arg;

	for (;;) {
		size_t len = list ? strcspn(p, ",") : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (eq == NULL || eq == p || (list && eq + 1 == p + len)) {
			tsq_error("invalid value \"%s\" for option --%s: expected NAME=VALUE%s", arg,
			    option, list ? "[,NAME=VALUE]..." : "");
			return false;
		}
		*pairs = xreallocarray(*pairs, (size_t)*n + 1, sizeof **pairs);
		(*pairs)[*n].name = xstrndup(p, (size_t)(eq - p));
		(*pairs)[*n].value = xstrndup(eq + 1, (size_t)(p + len - eq - 1));
		(*n)++;
		if (p[len] != ',')
			return true;
		p += len + 1;
	}
}

void
tsq_opt_pairs_free(struct tsq_pair *pairs, int n)
{
	for (int i = 0; i < n; i++) {
		free(pairs[i].name);
		free(pairs[i].value);
	}
	free(pairs);
}
