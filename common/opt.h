/*
 * opt.h - the options of the tsq binaries: each declares its own in one
 * table (struct tsq_optdef), from which the parser and --help are made; the
 * options every binary takes (connection, logging) are added to it.
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
 * Where the parser puts an option's value when the tool needs no code of
 * its own for it: at OFFSET in the tool's options, checked by the parser of
 * its kind (the messages of tsq_opt_choose, tsq_opt_duration...).  Written
 * with the TSQ_TO_* macros below, which refuse a member of the wrong type.
 */
enum tsq_opt_store {
	TSQ_OPT_BY_CODE,	/* the tool's own function takes it */
	TSQ_OPT_TRUE,		/* bool: true */
	TSQ_OPT_TEXT,		/* const char *: the argument itself */
	TSQ_OPT_CHOICE,		/* an int or enum: the value of the word in CHOICES */
	TSQ_OPT_CHAR,		/* char: tsq_opt_char */
	TSQ_OPT_DURATION,	/* int64_t microseconds, at least MIN */
	TSQ_OPT_DURATION_OFF,	/* int64_t: tsq_opt_duration_or_off */
	TSQ_OPT_SIZE,		/* size_t: tsq_opt_size */
	TSQ_OPT_INT,		/* int64_t from MIN to MAX */
};

struct tsq_opt_to {
	enum tsq_opt_store store;
	size_t offset;
	const struct tsq_opt_choice *choices;
	int64_t min, max;
};

/*
 * The offset of MEMBER in T, which must be of type TYPE (a compile error
 * otherwise).  The TSQ_TO_* macros take a member of the tool's options,
 * which every tool calls struct options.
 */
#define TSQ_OPT_MEMBER(T, member, type)							\
	(offsetof(T, member) + 0 * sizeof(_Generic(((T *)0)->member, type: 1)))

#define TSQ_BY_CODE { TSQ_OPT_BY_CODE, 0, NULL, 0, 0 }
#define TSQ_OPT_AT(m, type) TSQ_OPT_MEMBER(struct options, m, type)
#define TSQ_TO_TRUE(m) { .store = TSQ_OPT_TRUE, .offset = TSQ_OPT_AT(m, bool) }
#define TSQ_TO_TEXT(m) { .store = TSQ_OPT_TEXT, .offset = TSQ_OPT_AT(m, const char *) }
#define TSQ_TO_CHAR(m) { .store = TSQ_OPT_CHAR, .offset = TSQ_OPT_AT(m, char) }
#define TSQ_TO_SIZE(m) { .store = TSQ_OPT_SIZE, .offset = TSQ_OPT_AT(m, size_t) }
#define TSQ_TO_DURATION(m, least)							\
	{ .store = TSQ_OPT_DURATION, .offset = TSQ_OPT_AT(m, int64_t), .min = (least) }
#define TSQ_TO_DURATION_OFF(m) { .store = TSQ_OPT_DURATION_OFF, .offset = TSQ_OPT_AT(m, int64_t) }
#define TSQ_TO_INT(m, lo, hi)								\
	{ .store = TSQ_OPT_INT, .offset = TSQ_OPT_AT(m, int64_t), .min = (lo), .max = (hi) }
/* An enum member: of the size of an int, which the parser stores. */
#define TSQ_TO_CHOICE(m, words)								\
	{ .store = TSQ_OPT_CHOICE, .choices = (words), .offset = offsetof(struct options, m)	\
	    + 0 * sizeof(char[sizeof(((struct options *)0)->m) == sizeof(int) ? 1 : -1]) }

/*
 * One option of a tool, declared once: getopt_long's table, the short
 * option string, the lines of --help and where its value goes are all made
 * from a table of these (ending with TSQ_OPT_END); the test of the man page
 * and the completions goes by --help.
 */
struct tsq_optdef {
	const char *name;	/* the long name */
	int key;		/* its letter or an OPT_ value, as the tool's code sees it */
	char letter;		/* its one-letter form, or 0 */
	const char *arg;	/* its argument as --help names it ("FORMAT"); NULL: none */
	const char *help;	/* what it does; '\n' starts another line */
	const char *heading;	/* --help prints this line ("\nInput:") before it, or NULL */
	struct tsq_opt_to to;	/* where its value goes (TSQ_BY_CODE: the tool's code) */
};

#define TSQ_OPT_END { NULL, 0, 0, NULL, NULL, NULL, TSQ_BY_CODE }

/* What every tool takes: the connection, --help and --version. */
struct tsq_common_opts {
	struct tsq_conn_opts conn;
	bool help;
	bool version;
};

/* The lines of --help for DEFS: headings, each option, its text aligned. */
void tsq_opt_help(FILE *out, const struct tsq_optdef *defs);

/*
 * The start of every binary: name the log after ARGV[0], and when the first
 * argument asks for help ("--help" or "-?") print USAGE.  True when that was
 * all there was to do (exit 0).
 */
bool tsq_opt_start(int argc, char *const argv[], void (*usage)(void));

/*
 * What a tool is to tsq_tool_main: its --help text; its options (DEFS, the
 * table of struct tsq_optdef, and BY_CODE for those declared TSQ_BY_CODE:
 * given the option's def and its argument or NULL, false for a bad value,
 * reported); CHECK, which sees the arguments left after the options and
 * what the options say together (-1 to go on, else the exit status,
 * reported); what it does; what frees its options
 * (NULL: nothing).  OPTS is the tool's struct options; COMMON points into it.
 */
struct tsq_tool {
	void (*usage)(void);
	const struct tsq_optdef *defs;
	bool (*by_code)(void *opts, const struct tsq_optdef *def, const char *arg);
	int (*check)(void *opts, int nargs, char **args);
	int (*run)(void *opts);
	void (*done)(void *opts);
	void *opts;
	struct tsq_common_opts *common;
};

/*
 * The main of every tool: tsq_opt_start, the options (common ones included,
 * the values declared with a place stored there), the tool's check, then
 * --help, --version or the tool's run (a negative status is 0); standard
 * output flushed and checked (tsq_stdout_finish).  Returns the exit status.
 */
int tsq_tool_main(int argc, char **argv, const struct tsq_tool *tool);

/* A tool's main(): tsq_tool_main with these parts, OPTS a static struct options. */
#define TSQ_TOOL_MAIN(usage, defs, by_code, check, run, done, opts)			\
	int										\
	main(int argc, char **argv)							\
	{										\
		static const struct tsq_tool tool_ = { usage, defs, by_code, check,	\
			run, done, opts, &(opts)->common };				\
		return tsq_tool_main(argc, argv, &tool_);				\
	}

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
