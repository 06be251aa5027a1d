/*
 * opt.h - the options every tsq binary takes, for getopt_long.
 *
 * A binary puts TSQ_COMMON_SHORTOPTS in its short option string and
 * TSQ_COMMON_LONGOPTS in its long_options[], and hands every option it does
 * not know itself to tsq_opt_common().
 */
#ifndef TSQ_OPT_H
#define TSQ_OPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conn.h"

/* Long-only options get values above any character. */
enum {
	TSQ_OPT_HELP = 0x100,
	TSQ_OPT_LOG_FORMAT,
	TSQ_OPT_TZ,
	TSQ_OPT_FIRST_PRIVATE = 0x200,	/* binaries number their own from here */
};

#define TSQ_COMMON_SHORTOPTS "d:h:p:U:wWqvV"
#define TSQ_COMMON_LONGOPTS \
	{"dbname", required_argument, NULL, 'd'}, \
	{"host", required_argument, NULL, 'h'}, \
	{"port", required_argument, NULL, 'p'}, \
	{"username", required_argument, NULL, 'U'}, \
	{"no-password", no_argument, NULL, 'w'}, \
	{"password", no_argument, NULL, 'W'}, \
	{"quiet", no_argument, NULL, 'q'}, \
	{"verbose", no_argument, NULL, 'v'}, \
	{"log-format", required_argument, NULL, TSQ_OPT_LOG_FORMAT}, \
	{"version", no_argument, NULL, 'V'}, \
	{"help", no_argument, NULL, TSQ_OPT_HELP}

struct tsq_common_opts {
	struct tsq_conn_opts conn;
	bool help;
	bool version;
};

enum tsq_opt_result {
	TSQ_OPT_UNKNOWN,	/* not a common option: the binary handles it */
	TSQ_OPT_DONE,
	TSQ_OPT_BAD,		/* bad value, already reported: exit 64 */
};

enum tsq_opt_result tsq_opt_common(int c, const char *arg, struct tsq_common_opts *o);

/*
 * The default: branch of every binary's option switch: let tsq_opt_common()
 * take C, and report an option nobody knows.  False means exit 64 (already
 * reported).
 */
bool tsq_opt_common_or_bad(int c, const char *arg, struct tsq_common_opts *o,
    char *const argv[], const char *shortopts, const struct option *longopts);

/*
 * getopt_long returned '?': report the bad option (opterr must be 0) and the
 * "Try --help" line.
 */
void tsq_opt_report_bad(char *const argv[], const char *shortopts,
    const struct option *longopts);
/*
 * The start of every binary: name the log after ARGV[0], and when the first
 * argument asks for help ("--help" or "-?") print USAGE.  True when that was
 * all there was to do (exit 0).
 */
bool tsq_opt_start(int argc, char *const argv[], void (*usage)(void));

/*
 * One value of an option that takes a word from a fixed set.  Each such
 * option has one table of them, ending with { NULL, 0 }: parsing, the error
 * message and the test that help, man page and completions offer exactly
 * these words all go by it.
 */
struct tsq_opt_choice {
	const char *name;
	int value;
};

/*
 * ARG given to option OPTION (its long name, "format"): the value of the
 * choice named ARG in *VALUE.  Anything else is reported as
 * `invalid value "ARG" for option --OPTION: expected a, b or c` and false
 * (exit 64).
 */
bool tsq_opt_choose(const char *option, const char *arg, const struct tsq_opt_choice *choices,
    int *value);
/* The same without a message: for values from elsewhere (a variable, a file). */
bool tsq_opt_lookup(const char *arg, const struct tsq_opt_choice *choices, int *value);

/*
 * Typed values.  Each parser takes the option's long name ("batch-size") and
 * its argument, stores the value and returns true, or reports
 * `invalid value "ARG" for option --NAME: expected ...` and returns false
 * (exit 64).
 */

/* A whole number from MIN to MAX. */
bool tsq_opt_int(const char *option, const char *arg, int64_t min, int64_t max, int64_t *value);
/*
 * A number with or without a fraction, finite, from MIN to MAX; with
 * ABOVE_MIN, greater than MIN (MIN itself refused).
 */
bool tsq_opt_real(const char *option, const char *arg, double min, double max, bool above_min,
    double *value);
/* A duration (tsq_parse_duration: "30s", "1h30m", "7 days") of at least MIN_USEC (>= 1). */
bool tsq_opt_duration(const char *option, const char *arg, int64_t min_usec, int64_t *usec);
/* One character; "tab" and "\t" are a tab.  Line ends are refused. */
bool tsq_opt_char(const char *option, const char *arg, char *value);

/*
 * A comma-separated list of names: a new NULL-terminated array of *N
 * strings (empty items skipped).
 */
char **tsq_opt_list(const char *arg, int *n);
void tsq_opt_list_free(char **list, int n);

/*
 * NAME=VALUE settings appended to *PAIRS.  With LIST the argument may hold
 * several, separated by commas, each with a non-empty VALUE; without, the
 * whole text after the first '=' is the one VALUE (it may hold commas, or be
 * empty).
 */
struct tsq_pair {
	char *name, *value;
};
bool tsq_opt_pairs(const char *option, const char *arg, bool list, struct tsq_pair **pairs,
    int *n);
void tsq_opt_pairs_free(struct tsq_pair *pairs, int n);

/* The "Connection options" and "General options" blocks of --help. */
void tsq_help_common(FILE *out);
/* The line printed by --version. */
void tsq_print_version(void);

#endif
