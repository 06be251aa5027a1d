/*
 * opt.h - the options of the tsq binaries: each declares its own in one
 * table (struct tsq_optdef), from which the parser and --help are made; the
 * options every binary takes (connection, logging) are added to it, and
 * tsq_opt_common() handles them.
 */
#ifndef TSQ_OPT_H
#define TSQ_OPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
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

/*
 * One option of a tool, declared once: getopt_long's table, the short
 * option string and the lines of --help are all made from a table of these
 * (ending with an entry whose NAME is NULL); the test of the man page and
 * the completions goes by --help.
 */
struct tsq_optdef {
	const char *name;	/* the long name */
	int key;		/* what tsq_opt_next() returns for it: its letter or an OPT_ value */
	char letter;		/* its one-letter form, or 0 */
	const char *arg;	/* its argument as --help names it ("FORMAT"); NULL: none */
	const char *help;	/* what it does; '\n' starts another line */
	const char *heading;	/* --help prints this line ("\nInput:") before it, or NULL */
};

/* A tool's options (its own and the common ones) as getopt_long takes them. */
#define TSQ_OPT_MAX 64

struct tsq_optparser {
	struct option longopts[TSQ_OPT_MAX + 1];
	char shortopts[2 * TSQ_OPT_MAX + 1];
	int argc;
	char **argv;
};

/* Make P for the tool's DEFS and the common options (TSQ_OPT_MAX in all, at most). */
void tsq_opt_parser(struct tsq_optparser *p, const struct tsq_optdef *defs, int argc, char **argv);
/* The next option (getopt_long's value; -1 at the end), its argument in optarg. */
int tsq_opt_next(struct tsq_optparser *p);

/* The lines of --help for DEFS: headings, each option, its text aligned. */
void tsq_opt_help(FILE *out, const struct tsq_optdef *defs);

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
    const struct tsq_optparser *p);

/*
 * getopt_long returned '?': report the bad option (opterr must be 0) and the
 * "Try --help" line.
 */
void tsq_opt_report_bad(const struct tsq_optparser *p);
/*
 * The start of every binary: name the log after ARGV[0], and when the first
 * argument asks for help ("--help" or "-?") print USAGE.  True when that was
 * all there was to do (exit 0).
 */
bool tsq_opt_start(int argc, char *const argv[], void (*usage)(void));

/*
 * What a tool is to tsq_tool_main: its --help text, its option parser (the
 * options into OPTS: -1 to go on, also when --help or --version was given,
 * else the exit status, already reported), what it does, and what frees
 * its options (NULL: nothing).  COMMON points into OPTS.
 */
struct tsq_tool {
	void (*usage)(void);
	int (*parse)(int argc, char **argv, void *opts);
	int (*run)(void *opts);
	void (*done)(void *opts);
	void *opts;
	const struct tsq_common_opts *common;
};

/*
 * The main of every tool: tsq_opt_start, the options, then --help,
 * --version or the tool's run (a negative status is 0); standard output
 * flushed and checked (tsq_stdout_finish).  Returns the exit status.
 */
int tsq_tool_main(int argc, char **argv, const struct tsq_tool *tool);

/* A tool's main(): tsq_tool_main with these parts, OPTS a static struct. */
#define TSQ_TOOL_MAIN(usage, parse, run, done, opts)					\
	int										\
	main(int argc, char **argv)							\
	{										\
		static const struct tsq_tool tool_ = { usage, parse, run, done, opts,	\
			&(opts)->common };						\
		return tsq_tool_main(argc, argv, &tool_);				\
	}

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
/* A duration as tsq_opt_duration() takes it, or 0 / "off": never (*USEC 0). */
bool tsq_opt_duration_or_off(const char *option, const char *arg, int64_t *usec);
/*
 * A size in bytes: a number with an optional k, M or G (or KiB, MiB, GiB;
 * powers of 1024), from 1 MiB to 1 TB.
 */
bool tsq_opt_size(const char *option, const char *arg, size_t *bytes);
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
