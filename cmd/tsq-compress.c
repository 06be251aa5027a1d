/*
 * tsq-compress - storage policies for cron: refresh the rollups, compress,
 * drop what is too old, create the partitions ahead.
 *
 * Options and exits; the engine is maint.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tsq.h"
#include "format.h"
#include "maint.h"

enum action_kind {
	ACT_NONE,
	ACT_RUN,
	ACT_SET_POLICY,
	ACT_SHOW_POLICIES,
	ACT_REMOVE_POLICY,
	ACT_COMPRESS,
	ACT_DECOMPRESS,
	ACT_DROP,
	ACT_REFRESH,
};

enum {
	OPT_RUN = TSQ_OPT_FIRST_PRIVATE,
	OPT_SET_POLICY,
	OPT_SHOW_POLICIES,
	OPT_REMOVE_POLICY,
	OPT_COMPRESS,
	OPT_DECOMPRESS,
	OPT_DROP,
	OPT_REFRESH,
	OPT_OLDER_THAN,
	OPT_FROM,
	OPT_TO,
	OPT_KEEP_TABLES,
	OPT_DRY_RUN,
	OPT_SKIP_IF_LOCKED,
	OPT_NO_HEADER,
	OPT_LOCK_TIMEOUT,
	OPT_NATIVE,
};

struct options {
	struct tsq_common_opts common;
	enum action_kind action;
	char action_option[24];		/* "--run" ..., for messages */
	const char *target;		/* the TABLE or ROLLUP of the action */
	const char *settings;		/* --set-policy's SETTINGS */
	char **tables;			/* --run, --show-policies */
	int ntables;
	int64_t older_than;		/* -1: not given */
	const char *from, *to;
	bool keep_tables;
	bool dry_run;
	bool skip_if_locked;
	bool native;			/* make TimescaleDB's own jobs match the policies */
	int64_t lock_timeout;		/* microseconds an action waits for a lock */
	bool format_given;
	enum tsq_out_format format;
	bool no_header;
};

/* The policy listing's formats: tsq-query's but the sparklines. */
static const struct tsq_opt_choice listing_formats[] = {
	TSQ_OUT_REPORT_FORMATS,
	{ NULL, 0 },
};

static const struct tsq_optdef option_defs[] = {
	{ "run", OPT_RUN, 0, NULL, "apply the stored policies of the TABLEs (default: all):\n"
	    "refresh rollups, compress, drop, create partitions", "Actions:", TSQ_BY_CODE },
	{ "set-policy", OPT_SET_POLICY, 0, "TABLE", "store TABLE's policy; SETTINGs are compress_after,\n"
	    "drop_after, refresh_window and premake, each a\nduration (7d, 12h) or off", NULL,
	    TSQ_BY_CODE },
	{ "show-policies", OPT_SHOW_POLICIES, 0, NULL, "list the stored policies", NULL, TSQ_BY_CODE },
	{ "remove-policy", OPT_REMOVE_POLICY, 0, "TABLE", "forget TABLE's policy", NULL, TSQ_BY_CODE },
	{ "compress", OPT_COMPRESS, 0, "TABLE", "compress TABLE's chunks older than --older-than", NULL,
	    TSQ_BY_CODE },
	{ "decompress", OPT_DECOMPRESS, 0, "TABLE", "decompress TABLE's chunks between --from and --to",
	    NULL, TSQ_BY_CODE },
	{ "drop", OPT_DROP, 0, "TABLE", "drop TABLE's chunks or partitions older than --older-than",
	    NULL, TSQ_BY_CODE },
	{ "refresh", OPT_REFRESH, 0, "ROLLUP", "refresh a rollup between --from and --to (default: all)",
	    NULL, TSQ_BY_CODE },
	{ "older-than", OPT_OLDER_THAN, 0, "DURATION", "the age of data --compress and --drop act on",
	    "\nOptions:", TSQ_TO_DURATION(older_than, 1) },
	{ "from", OPT_FROM, 0, "TIME", "start of the range of --decompress and --refresh", NULL,
	    TSQ_TO_TEXT(from) },
	{ "to", OPT_TO, 0, "TIME", "end of that range", NULL, TSQ_TO_TEXT(to) },
	{ "keep-tables", OPT_KEEP_TABLES, 0, NULL, "detach old partitions instead of dropping them\n"
	    "(plain PostgreSQL)", NULL, TSQ_TO_TRUE(keep_tables) },
	{ "dry-run", OPT_DRY_RUN, 0, NULL, "print what would be done and change nothing", NULL,
	    TSQ_TO_TRUE(dry_run) },
	{ "skip-if-locked", OPT_SKIP_IF_LOCKED, 0, NULL, "exit 0 when another run holds a table", NULL,
	    TSQ_TO_TRUE(skip_if_locked) },
	{ "native", OPT_NATIVE, 0, NULL, "with --run, --set-policy or --remove-policy: also make\n"
	    "TimescaleDB's own policy jobs match the stored policy", NULL, TSQ_TO_TRUE(native) },
	{ "lock-timeout", OPT_LOCK_TIMEOUT, 0, "DURATION", "how long an action waits for a lock held by\n"
	    "another session before it fails (default: 1m)", NULL,
	    TSQ_TO_DURATION(lock_timeout, 1000) },
	{ "format", 'F', 'F', "FORMAT", "--show-policies as table, csv, tsv, jsonl, json\nor markdown",
	    NULL, TSQ_BY_CODE },
	{ "no-header", OPT_NO_HEADER, 0, NULL, "leave out the column names", NULL,
	    TSQ_TO_TRUE(no_header) },
	{ "tz", TSQ_OPT_TZ, 0, "ZONE", "time zone for times shown and parsed (default: UTC)", NULL,
	    TSQ_TO_TEXT(common.conn.tz) },
	TSQ_OPT_END,
};

static void
usage(void)
{
	printf("%s applies storage policies: it refreshes the OHLCV rollups, compresses\n"
	    "chunks, drops data past its retention and creates partitions ahead, one\n"
	    "chunk or partition per transaction, and records every action.  Meant for\n"
	    "cron: quiet on success, one run per table at a time.\n\n", tsq_progname());
	printf("Usage:\n"
	    "  %1$s [OPTION]... --run [TABLE]...\n"
	    "  %1$s [OPTION]... --set-policy=TABLE SETTING=VALUE[,SETTING=VALUE]...\n"
	    "  %1$s [OPTION]... --show-policies [TABLE]...\n"
	    "  %1$s [OPTION]... --remove-policy=TABLE\n"
	    "  %1$s [OPTION]... --compress=TABLE --older-than=DURATION\n"
	    "  %1$s [OPTION]... --decompress=TABLE --from=TIME --to=TIME\n"
	    "  %1$s [OPTION]... --drop=TABLE --older-than=DURATION\n"
	    "  %1$s [OPTION]... --refresh=ROLLUP [--from=TIME] [--to=TIME]\n\n", tsq_progname());
	tsq_opt_help(stdout, option_defs);
	tsq_help_common(stdout);
}

/* An action (--run ...), or the format of --show-policies. */
static bool
by_code(void *arg, const struct tsq_optdef *def, const char *value)
{
	struct options *o = arg;
	int v;

	if (def->key == 'F') {
		o->format_given = true;
		if (!tsq_opt_choose("format", value, listing_formats, &v))
			return false;
		o->format = (enum tsq_out_format)v;
		return true;
	}
	if (o->action != ACT_NONE) {
		tsq_error("%s and --%s cannot be used together: one action per run",
		    o->action_option, def->name);
		return false;
	}
	o->action = ACT_RUN + (def->key - OPT_RUN);
	snprintf(o->action_option, sizeof o->action_option, "--%s", def->name);
	o->target = value;
	return true;
}

/* The TABLEs, and what the options given say together: an exit status, or -1 to go on. */
static int
check_options(void *arg, int nargs, char **args)
{
	struct options *o = arg;

	o->tables = args;
	o->ntables = nargs;
	switch (o->action) {
	case ACT_NONE:
		tsq_error("no action given");
		tsq_hint("use --run to apply the stored policies; \"%s --help\" lists the others",
		    tsq_progname());
		return TSQ_EXIT_USAGE;
	case ACT_SET_POLICY:
		if (o->ntables != 1) {
			tsq_error(o->ntables == 0 ? "--set-policy needs the settings, such as "
			    "compress_after=7d,drop_after=365d" : "--set-policy takes one argument, "
			    "the settings separated by commas");
			return TSQ_EXIT_USAGE;
		}
		o->settings = o->tables[0];
		o->ntables = 0;
		break;
	case ACT_RUN:
	case ACT_SHOW_POLICIES:
		break;
	default:
		if (o->ntables > 0) {
			tsq_error("unexpected argument \"%s\"", o->tables[0]);
			return TSQ_EXIT_USAGE;
		}
	}
	if ((o->action == ACT_COMPRESS || o->action == ACT_DROP) && o->older_than < 0) {
		tsq_error("%s needs --older-than", o->action_option);
		return TSQ_EXIT_USAGE;
	}
	if (o->older_than >= 0 && o->action != ACT_COMPRESS && o->action != ACT_DROP) {
		tsq_error("--older-than goes with --compress or --drop");
		return TSQ_EXIT_USAGE;
	}
	if (o->action == ACT_DECOMPRESS && (!o->from || !o->to)) {
		tsq_error("--decompress needs --from and --to");
		return TSQ_EXIT_USAGE;
	}
	if ((o->from || o->to) && o->action != ACT_DECOMPRESS && o->action != ACT_REFRESH) {
		tsq_error("--from and --to go with --decompress or --refresh");
		return TSQ_EXIT_USAGE;
	}
	if (o->native && o->action != ACT_RUN && o->action != ACT_SET_POLICY &&
	    o->action != ACT_REMOVE_POLICY) {
		tsq_error("--native goes with --run, --set-policy or --remove-policy");
		return TSQ_EXIT_USAGE;
	}
	if (o->keep_tables && o->action != ACT_DROP && o->action != ACT_RUN) {
		tsq_error("--keep-tables goes with --drop or --run");
		return TSQ_EXIT_USAGE;
	}
	if (!o->format_given)
		o->format = isatty(STDOUT_FILENO) ? TSQ_OUT_TABLE : TSQ_OUT_CSV;
	return -1;
}



/* A time option's value; false (reported) when it is not one. */
static bool
option_time(int64_t now, const char *opt, const char *value, int64_t *usec)
{
	struct tsq_time t;
	size_t pos;

	if (value == NULL)
		return true;
	if (tsq_parse_time(value, now, &t, &pos) != TSQ_PARSE_OK) {
		tsq_error("invalid value \"%s\" for option %s: expected a time such as "
		    "2024-03-01, 2024-03-01T09:30:00Z or 7d (ago)", value, opt);
		return false;
	}
	*usec = t.usec;
	return true;
}

static int
show_policies(struct tsq_maint *m, const struct options *o)
{
	PGresult *res;
	int rc = tsq_maint_policies(m, o->tables, o->ntables, &res);

	if (rc == TSQ_EXIT_OK) {
		struct tsq_out out = { 0 };
		out.f = stdout;
		out.format = o->format;
		out.header = !o->no_header;
		out.footer = o->format == TSQ_OUT_TABLE && isatty(STDOUT_FILENO);
		tsq_out_result(&out, res);
		tsq_out_free(&out);
	}
	PQclear(res);
	return rc;
}

static int
act(struct tsq_maint *m, const struct options *o)
{
	static const enum tsq_maint_action kinds[] = {
		[ACT_COMPRESS] = TSQ_MAINT_COMPRESS,
		[ACT_DECOMPRESS] = TSQ_MAINT_DECOMPRESS,
		[ACT_DROP] = TSQ_MAINT_DROP,
	};
	int64_t from = INT64_MIN, to = INT64_MAX;

	if (!option_time(m->now, "--from", o->from, &from) ||
	    !option_time(m->now, "--to", o->to, &to))
		return TSQ_EXIT_USAGE;
	if (from >= to) {
		tsq_error("--from must come before --to");
		return TSQ_EXIT_USAGE;
	}
	switch (o->action) {
	case ACT_RUN:
		return tsq_maint_run(m, o->tables, o->ntables);
	case ACT_SHOW_POLICIES:
		return show_policies(m, o);
	case ACT_REFRESH:
		return tsq_maint_refresh(m, o->target, from, to);
	case ACT_SET_POLICY:
		return tsq_maint_set_policy(m, o->target, o->settings);
	case ACT_REMOVE_POLICY:
		return tsq_maint_remove_policy(m, o->target);
	default:
		return tsq_maint_act(m, kinds[o->action], o->action_option, o->target,
		    m->now - o->older_than, from, to);
	}
}

static int
run(void *arg)
{
	const struct options *o = arg;
	struct tsq_maint m;
	struct tsq_maint_opts mo = { o->dry_run, o->native, o->keep_tables, o->skip_if_locked,
	    o->lock_timeout };
	int rc = tsq_maint_open(&m, &mo, &o->common.conn);

	if (rc == TSQ_EXIT_OK)
		rc = tsq_maint_finish(&m, act(&m, o));
	tsq_maint_close(&m);
	return rc;
}

static struct options options = { .older_than = -1, .lock_timeout = 60 * TSQ_USEC_PER_SEC };

TSQ_TOOL_MAIN(usage, option_defs, by_code, check_options, run, NULL, &options)
