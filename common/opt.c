#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opt.h"
#include "policy.h"
#include "tsq.h"

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

enum tsq_opt_result
tsq_opt_common(int c, const char *arg, struct tsq_common_opts *o)
{
	switch (c) {
	case 'd':
		o->conn.dbname = arg;
		break;
	case 'h':
		o->conn.host = arg;
		break;
	case 'p':
		o->conn.port = arg;
		break;
	case 'U':
		o->conn.user = arg;
		break;
	case 'w':
		o->conn.password = TSQ_PASSWORD_NEVER;
		break;
	case 'W':
		o->conn.password = TSQ_PASSWORD_FORCE;
		break;
	case 'q':
		tsq_log_set_level(TSQ_LOG_ERROR);
		break;
	case 'v':
		tsq_log_set_level(TSQ_LOG_VERBOSE);
		break;
	case TSQ_OPT_LOG_FORMAT:
	{
		int json;
		if (!tsq_opt_choose("log-format", arg, log_formats, &json))
			return TSQ_OPT_BAD;
		tsq_log_set_json(json);
		break;
	}
	case 'V':
		o->version = true;
		break;
	case TSQ_OPT_HELP:
		o->help = true;
		break;
	default:
		return TSQ_OPT_UNKNOWN;
	}
	return TSQ_OPT_DONE;
}

void
tsq_opt_report_bad(char *const argv[], const char *shortopts, const struct option *longopts)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (strncmp(arg, "--", 2) == 0) {
		size_t len = strcspn(arg + 2, "=");
		const struct option *found = NULL;
		for (const struct option *o = longopts; o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, arg + 2, len) == 0)
				found = o;
		if (found && found->has_arg == required_argument && arg[2 + len] == '\0')
			tsq_error("option \"--%s\" requires an argument", found->name);
		else if (found && found->has_arg == no_argument)
			tsq_error("option \"--%s\" takes no argument", found->name);
		else
			tsq_error("unrecognized option \"%.*s\"", (int)(len + 2), arg);
	} else {
		const char *known = optopt ? strchr(shortopts, optopt) : NULL;
		if (known && known[1] == ':')
			tsq_error("option \"-%c\" requires an argument", optopt);
		else
			tsq_error("invalid option \"-%c\"", optopt ? optopt : '?');
	}
	tsq_try_help();
}

bool
tsq_opt_start(int argc, char *const argv[], void (*usage)(void))
{
	tsq_log_init(argv[0]);
	if (argc < 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-?") != 0))
		return false;
	usage();
	return true;
}

void
tsq_help_common(FILE *out)
{
	fputs("\nConnection options:\n"
	    "  -d, --dbname=CONNINFO    database name, conninfo string or postgresql:// URI\n"
	    "  -h, --host=HOST          server host or socket directory\n"
	    "  -p, --port=PORT          server port\n"
	    "  -U, --username=USER      user name\n"
	    "  -w, --no-password        never prompt for a password\n"
	    "  -W, --password           prompt for a password before connecting\n"
	    "\nGeneral options:\n"
	    "  -q, --quiet              print errors only\n"
	    "  -v, --verbose            print more about what is done\n"
	    "      --log-format=FORMAT  messages on stderr as text or json\n"
	    "  -V, --version            print the version and exit\n"
	    "  -?, --help               print this help and exit\n"
	    "\nWith no connection options, TSQ_DB, the PG* variables or the local\n"
	    "database made by tsq-init are used; see tsq(7).\n", out);
}

void
tsq_print_version(void)
{
	printf("%s (tsq) %s\n", tsq_progname(), TSQ_VERSION);
}

bool
tsq_opt_common_or_bad(int c, const char *arg, struct tsq_common_opts *o, char *const argv[],
    const char *shortopts, const struct option *longopts)
{
	switch (tsq_opt_common(c, arg, o)) {
	case TSQ_OPT_DONE:
		return true;
	case TSQ_OPT_UNKNOWN:
		tsq_opt_report_bad(argv, shortopts, longopts);
		return false;
	default:
		return false;
	}
}

/* ---- typed values ---- */

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
