/*
 * tsq-compress - storage policies for cron: refresh the rollups, compress,
 * drop what is too old, create the partitions ahead.
 *
 * The wanted policy of each table is stored in tsq.policies.  A run takes
 * the table's advisory lock, then handles one rollup range, chunk or
 * partition per statement (each its own transaction), records every action
 * in tsq.policy_runs, and goes on past a failure to report all of them.
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
#include "cancel.h"
#include "format.h"
#include "policy.h"
#include "rejects.h"

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

static const char shortopts[] = TSQ_COMMON_SHORTOPTS "F:";
static const struct option long_options[] = {
	{"run", no_argument, NULL, OPT_RUN},
	{"set-policy", required_argument, NULL, OPT_SET_POLICY},
	{"show-policies", no_argument, NULL, OPT_SHOW_POLICIES},
	{"remove-policy", required_argument, NULL, OPT_REMOVE_POLICY},
	{"compress", required_argument, NULL, OPT_COMPRESS},
	{"decompress", required_argument, NULL, OPT_DECOMPRESS},
	{"drop", required_argument, NULL, OPT_DROP},
	{"refresh", required_argument, NULL, OPT_REFRESH},
	{"older-than", required_argument, NULL, OPT_OLDER_THAN},
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO},
	{"keep-tables", no_argument, NULL, OPT_KEEP_TABLES},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"skip-if-locked", no_argument, NULL, OPT_SKIP_IF_LOCKED},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"native", no_argument, NULL, OPT_NATIVE},
	{"format", required_argument, NULL, 'F'},
	{"no-header", no_argument, NULL, OPT_NO_HEADER},
	{"tz", required_argument, NULL, TSQ_OPT_TZ},
	TSQ_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0},
};

struct options {
	struct tsq_common_opts common;
	enum action_kind action;
	const char *action_option;	/* as given, for messages */
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
	printf("Actions:\n"
	    "      --run                apply the stored policies of the TABLEs (default: all):\n"
	    "                           refresh rollups, compress, drop, create partitions\n"
	    "      --set-policy=TABLE   store TABLE's policy; SETTINGs are compress_after,\n"
	    "                           drop_after, refresh_window and premake, each a\n"
	    "                           duration (7d, 12h) or off\n"
	    "      --show-policies      list the stored policies\n"
	    "      --remove-policy=TABLE  forget TABLE's policy\n"
	    "      --compress=TABLE     compress TABLE's chunks older than --older-than\n"
	    "      --decompress=TABLE   decompress TABLE's chunks between --from and --to\n"
	    "      --drop=TABLE         drop TABLE's chunks or partitions older than --older-than\n"
	    "      --refresh=ROLLUP     refresh a rollup between --from and --to (default: all)\n\n");
	printf("Options:\n"
	    "      --older-than=DURATION  the age of data --compress and --drop act on\n"
	    "      --from=TIME          start of the range of --decompress and --refresh\n"
	    "      --to=TIME            end of that range\n"
	    "      --keep-tables        detach old partitions instead of dropping them\n"
	    "                           (plain PostgreSQL)\n"
	    "      --dry-run            print what would be done and change nothing\n"
	    "      --skip-if-locked     exit 0 when another run holds a table\n"
	    "      --native             with --run, --set-policy or --remove-policy: also make\n"
	    "                           TimescaleDB's own policy jobs match the stored policy\n"
	    "      --lock-timeout=DURATION  how long an action waits for a lock held by\n"
	    "                           another session before it fails (default: 1m)\n"
	    "  -F, --format=FORMAT      --show-policies as table, csv, tsv, jsonl, json\n"
	    "                           or markdown\n"
	    "      --no-header          leave out the column names\n"
	    "      --tz=ZONE            time zone for times shown and parsed (default: UTC)\n");
	tsq_help_common(stdout);
}

static bool
set_action(struct options *o, enum action_kind a, const char *opt, const char *target)
{
	if (o->action != ACT_NONE) {
		tsq_error("%s and %s cannot be used together: one action per run",
		    o->action_option, opt);
		return false;
	}
	o->action = a;
	o->action_option = opt;
	o->target = target;
	return true;
}

/* The policy listing's formats: tsq-query's but the sparklines. */
static const struct tsq_opt_choice listing_formats[] = {
	TSQ_OUT_REPORT_FORMATS,
	{ NULL, 0 },
};

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c, v;

	opterr = 0;
	o->older_than = -1;
	o->lock_timeout = 60 * TSQ_USEC_PER_SEC;
	while ((c = getopt_long(argc, argv, shortopts, long_options, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case OPT_RUN:
			ok = set_action(o, ACT_RUN, "--run", NULL);
			break;
		case OPT_SET_POLICY:
			ok = set_action(o, ACT_SET_POLICY, "--set-policy", optarg);
			break;
		case OPT_SHOW_POLICIES:
			ok = set_action(o, ACT_SHOW_POLICIES, "--show-policies", NULL);
			break;
		case OPT_REMOVE_POLICY:
			ok = set_action(o, ACT_REMOVE_POLICY, "--remove-policy", optarg);
			break;
		case OPT_COMPRESS:
			ok = set_action(o, ACT_COMPRESS, "--compress", optarg);
			break;
		case OPT_DECOMPRESS:
			ok = set_action(o, ACT_DECOMPRESS, "--decompress", optarg);
			break;
		case OPT_DROP:
			ok = set_action(o, ACT_DROP, "--drop", optarg);
			break;
		case OPT_REFRESH:
			ok = set_action(o, ACT_REFRESH, "--refresh", optarg);
			break;
		case OPT_OLDER_THAN:
			ok = tsq_opt_duration("older-than", optarg, 1, &o->older_than);
			break;
		case OPT_FROM:
			o->from = optarg;
			break;
		case OPT_TO:
			o->to = optarg;
			break;
		case OPT_KEEP_TABLES:
			o->keep_tables = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_SKIP_IF_LOCKED:
			o->skip_if_locked = true;
			break;
		case OPT_NATIVE:
			o->native = true;
			break;
		case OPT_LOCK_TIMEOUT:
			ok = tsq_opt_duration("lock-timeout", optarg, 1000, &o->lock_timeout);
			break;
		case 'F':
			if (tsq_opt_choose("format", optarg, listing_formats, &v))
				o->format = (enum tsq_out_format)v;
			else
				ok = false;
			o->format_given = true;
			break;
		case OPT_NO_HEADER:
			o->no_header = true;
			break;
		case TSQ_OPT_TZ:
			o->common.conn.tz = optarg;
			break;
		default:
			ok = tsq_opt_common_or_bad(c, optarg, &o->common, argv, shortopts, long_options);
		}
		if (!ok)
			return TSQ_EXIT_USAGE;
	}
	if (o->common.help || o->common.version)
		return -1;
	o->tables = argv + optind;
	o->ntables = argc - optind;
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

/* ---- the session ---- */

struct table {
	uint32_t oid;
	char oid_text[16];
	char *schema, *name;
	char *display;		/* schema.name, quoted where needed: for messages and regclass */
	char relkind;
	bool hypertable;
	bool compressible;	/* a hypertable, or partitioned where partitions are compressed */
};

struct rollup {
	char *reg;		/* schema.name quoted, for regclass and messages */
	char *name;		/* unquoted (plain PostgreSQL: tsq.refresh_rollup's argument) */
	int64_t bucket;		/* microseconds, 0 when unknown */
};

struct session {
	PGconn *conn;
	struct tsq_backend b;
	const struct options *o;
	int64_t now;		/* the server's clock, microseconds since 1970 */
	int failures;		/* actions that failed */
	bool locked_out;	/* a table was held by another run */
	bool has_rollup_tables;	/* plain PostgreSQL: tsq.rollups exists */
	bool has_retention;	/* tsq.retention exists (tsq-init of this version) */
	bool up_to_date;	/* TimescaleDB said the refresh found nothing to do */
	PQnoticeReceiver notices;	/* where the other notices go */
	char run[24];		/* this run's number, in every record it writes */
};

/*
 * TimescaleDB answers a refresh that finds nothing invalidated with a
 * notice, its only sign that nothing was written (the procedure returns
 * nothing): noted for the action in progress, and not passed on.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	struct session *s = arg;
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	static const char done[] = "is already up-to-date";

	if (severity && strcmp(severity, "NOTICE") == 0 && msg &&
	    strlen(msg) >= sizeof done - 1 &&
	    strcmp(msg + strlen(msg) - (sizeof done - 1), done) == 0) {
		s->up_to_date = true;
		return;
	}
	s->notices(NULL, res);
}

static PGresult *
run_sql(struct session *s, const char *path, int n, const char *const *params)
{
	return tsq_exec(s->conn, tsq_sql_file(path), n, params);
}

/* Run SQL whose failure ends the tool: false after reporting it. */
static bool
run_checked(struct session *s, const char *path, int n, const char *const *params,
    PGresult **out)
{
	PGresult *res = run_sql(s, path, n, params);

	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return true;
}

static const char *
backend_sql(const struct session *s, const char *name, char *buf, size_t size)
{
	return tsq_backend_sql(s->b.kind, name, buf, size);
}

static int64_t
value_int64(const PGresult *res, int row, int col, int64_t if_null)
{
	return PQgetisnull(res, row, col) ? if_null : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static void
table_free(struct table *t)
{
	free(t->schema);
	free(t->name);
	free(t->display);
	memset(t, 0, sizeof *t);
}

/* Find table NAME; false (reported) when there is none. */
static bool
table_find(struct session *s, const char *name, struct table *t)
{
	const char *params[1] = { name };
	PGresult *res = tsq_exec(s->conn, tsq_sql_file("catalog/table.sql"), 1, params);

	memset(t, 0, sizeof *t);
	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return false;
	}
	if (PQntuples(res) == 0) {
		tsq_error("table \"%s\" does not exist", name);
		PQclear(res);
		return false;
	}
	t->oid = (uint32_t)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(t->oid_text, sizeof t->oid_text, "%" PRIu32, t->oid);
	t->schema = xstrdup(PQgetvalue(res, 0, 1));
	t->name = xstrdup(PQgetvalue(res, 0, 2));
	t->relkind = PQgetvalue(res, 0, 3)[0];
	PQclear(res);
	const char *names[2] = { t->schema, t->name };
	res = tsq_exec(s->conn, "SELECT format('%I.%I', $1::text, $2::text)", 2, names);
	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		table_free(t);
		return false;
	}
	t->display = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (t->relkind != 'r' && t->relkind != 'p' && t->relkind != 'v' && t->relkind != 'm') {
		tsq_error("\"%s\" is not a table", name);
		table_free(t);
		return false;
	}
	if (s->b.kind == TSQ_BACKEND_TIMESCALEDB) {
		const char *p[2] = { t->schema, t->name };
		res = tsq_exec(s->conn, "SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables"
		    " WHERE hypertable_schema = $1 AND hypertable_name = $2)", 2, p);
		if (!tsq_result_ok(res)) {
			tsq_report_result(res);
			PQclear(res);
			table_free(t);
			return false;
		}
		t->hypertable = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
	}
	t->compressible = t->hypertable ||
	    (t->relkind == 'p' && tsq_backend_compresses_partitions(s->b.kind));
	return true;
}

/* Why a table's data cannot be compressed, for messages. */
static const char *
why_not_compressible(const struct session *s)
{
	bool partitions = tsq_backend_compresses_partitions(s->b.kind);

	if (!s->b.has_compression)
		return partitions ? "the citus_columnar extension is not installed" :
		    "plain PostgreSQL has none";
	return partitions ? "it is not partitioned by time" : "it is not a hypertable";
}

static enum tsq_policy_table
table_kind(const struct table *t)
{
	if (t->hypertable)
		return TSQ_POLICY_HYPERTABLE;
	return t->relkind == 'p' ? TSQ_POLICY_PARTITIONED : TSQ_POLICY_PLAIN;
}

static void
rollups_free(struct rollup *r, int n)
{
	for (int i = 0; i < n; i++) {
		free(r[i].reg);
		free(r[i].name);
	}
	free(r);
}

/* The rollups that read table T, sources first.  -1 on failure (reported). */
static int
rollups_of(struct session *s, const struct table *t, struct rollup **out)
{
	char path[64];
	const char *params[2] = { t->schema, t->name };
	PGresult *res;

	*out = NULL;
	if (tsq_backend_own_partitions(s->b.kind) && !s->has_rollup_tables)
		return 0;
	if (s->b.kind == TSQ_BACKEND_TIMESCALEDB && !s->b.has_continuous_aggregates)
		return 0;
	if (!run_checked(s, backend_sql(s, "rollups.sql", path, sizeof path), 2, params, &res))
		return -1;
	int n = PQntuples(res);
	struct rollup *r = xcalloc((size_t)n + 1, sizeof *r);
	for (int i = 0; i < n; i++) {
		r[i].reg = xstrdup(PQgetvalue(res, i, 0));
		r[i].bucket = value_int64(res, i, 1, 0);
		r[i].name = xstrdup(PQnfields(res) > 2 ? PQgetvalue(res, i, 2) : PQgetvalue(res, i, 0));
	}
	PQclear(res);
	*out = r;
	return n;
}

static void
widest_rollup(const struct rollup *r, int n, struct tsq_policy_rollups *w)
{
	w->widest = NULL;
	w->widest_bucket = 0;
	for (int i = 0; i < n; i++) {
		if (w->widest == NULL || r[i].bucket > w->widest_bucket) {
			w->widest = r[i].reg;
			w->widest_bucket = r[i].bucket;
		}
	}
}

/* The stored policy of T.  0 none, 1 found, -1 failure (reported). */
static int
policy_load(struct session *s, const struct table *t, struct tsq_policy *p)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;

	tsq_policy_init(p);
	if (!run_checked(s, "compress/policy.sql", 2, params, &res))
		return -1;
	int found = PQntuples(res) > 0;
	for (int i = 0; found && i < TSQ_POLICY_NSETTINGS; i++)
		p->usec[i] = value_int64(res, 0, i, TSQ_POLICY_OFF);
	PQclear(res);
	return found;
}

/* ---- actions: each one recorded, logged, and on --dry-run only printed ---- */

struct action {
	const struct table *table;
	const char *kind;	/* "compress", "drop", ... as recorded */
	const char *what;	/* "chunk", "partition", "rollup" */
	const char *target;	/* its name */
	int64_t from, to;	/* the range, INT64_MIN / INT64_MAX when open */
	int64_t bytes_before, bytes_after;	/* -1 unknown */
	int64_t rows;		/* -1 unknown */
};

static void
format_range_end(int64_t usec, bool low, char out[TSQ_TIME_BUFSIZE])
{
	if (usec == INT64_MIN || usec == INT64_MAX)
		snprintf(out, TSQ_TIME_BUFSIZE, "%s", low ? "-infinity" : "infinity");
	else
		tsq_format_time(usec, out);
}

static void
describe_action(const struct action *a, struct tsq_buf *out)
{
	char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE];

	if (strcmp(a->what, "job") == 0) {
		tsq_buf_adds(out, a->target);
		return;
	}
	tsq_buf_addf(out, "%s %s %s", a->what, a->target,
	    strcmp(a->what, "rollup") == 0 ? "over" : "of");
	if (strcmp(a->what, "rollup") != 0)
		tsq_buf_addf(out, " %s", a->table->display);
	if (a->from != INT64_MIN || a->to != INT64_MAX || strcmp(a->what, "rollup") == 0) {
		format_range_end(a->from, true, from);
		format_range_end(a->to, false, to);
		tsq_buf_addf(out, " [%s, %s)", from, to);
	}
}

static json_t *
json_int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static void
log_action(const struct action *a, const char *status, double seconds, const char *error)
{
	struct tsq_buf msg = TSQ_BUF_INIT;
	json_t *f = json_object();

	json_object_set_new(f, "table", tsq_json_text(a->table->display, strlen(a->table->display)));
	json_object_set_new(f, "action", json_string(a->kind));
	json_object_set_new(f, a->what, tsq_json_text(a->target, strlen(a->target)));
	json_object_set_new(f, "bytes_before", json_int_or_null(a->bytes_before));
	json_object_set_new(f, "bytes_after", json_int_or_null(a->bytes_after));
	json_object_set_new(f, "rows", json_int_or_null(a->rows));
	json_object_set_new(f, "seconds", json_real(seconds));
	json_object_set_new(f, "status", json_string(status));
	if (error)
		json_object_set_new(f, "error", tsq_json_text(error, strlen(error)));
	tsq_buf_addf(&msg, "%s: %s ", status, a->kind);
	describe_action(a, &msg);
	if (a->bytes_before >= 0 && a->bytes_after >= 0)
		tsq_buf_addf(&msg, ", %" PRId64 " -> %" PRId64 " bytes", a->bytes_before, a->bytes_after);
	else if (a->bytes_before >= 0)
		tsq_buf_addf(&msg, ", %" PRId64 " bytes", a->bytes_before);
	if (a->rows >= 0)
		tsq_buf_addf(&msg, ", %" PRId64 " %s", a->rows,
		    strcmp(a->kind, "premake") == 0 ? "partitions created" : "rows written");
	tsq_buf_addf(&msg, " (%.3f s)", seconds);
	tsq_log_event(f, "%s", msg.data);
	tsq_buf_free(&msg);
}

/* The record of action A, started; its id in ID ("" when it could not be written). */
static void
record_begin(struct session *s, const struct action *a, char id[32])
{
	char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE], bytes[32];
	const char *params[8] = { a->table->schema, a->table->name, a->kind, a->target,
	    NULL, NULL, NULL, s->run };

	if (a->from != INT64_MIN) {
		tsq_format_time(a->from, from);
		params[4] = from;
	}
	if (a->to != INT64_MAX) {
		tsq_format_time(a->to, to);
		params[5] = to;
	}
	if (a->bytes_before >= 0) {
		snprintf(bytes, sizeof bytes, "%" PRId64, a->bytes_before);
		params[6] = bytes;
	}
	id[0] = '\0';
	if (s->run[0] == '\0') {
		/* The run's number, taken when it first records an action. */
		PGresult *r = tsq_exec(s->conn, "SELECT nextval('tsq.policy_run_ids')", 0, NULL);
		if (tsq_result_ok(r))
			snprintf(s->run, sizeof s->run, "%s", PQgetvalue(r, 0, 0));
		else
			tsq_report_result(r);
		PQclear(r);
	}
	params[7] = s->run[0] ? s->run : NULL;
	PGresult *res = run_sql(s, "compress/run_begin.sql", 8, params);
	if (tsq_result_ok(res))
		snprintf(id, 32, "%s", PQgetvalue(res, 0, 0));
	else
		tsq_report_result(res);
	PQclear(res);
}

static void
record_end(struct session *s, const struct action *a, const char *id, const char *status,
    const char *error)
{
	char bytes[32], rows[32], before[32];
	const char *params[6] = { id, status, error, NULL, NULL, NULL };

	if (*id == '\0')
		return;
	if (a->bytes_after >= 0) {
		snprintf(bytes, sizeof bytes, "%" PRId64, a->bytes_after);
		params[3] = bytes;
	}
	if (a->rows >= 0) {
		snprintf(rows, sizeof rows, "%" PRId64, a->rows);
		params[4] = rows;
	}
	if (a->bytes_before >= 0) {
		snprintf(before, sizeof before, "%" PRId64, a->bytes_before);
		params[5] = before;
	}
	PGresult *res = run_sql(s, "compress/run_end.sql", 6, params);
	if (!tsq_result_ok(res))
		tsq_report_result(res);
	PQclear(res);
}

/*
 * Do action A: run SQL file PATH with PARAMS (one statement, its own
 * transaction).  When AFTER is given it reads the result (rows, bytes).
 * A failure is reported and counted; the run goes on.
 */
static bool
act(struct session *s, struct action *a, const char *path, int n, const char *const *params,
    void (*after)(struct session *, struct action *, const PGresult *))
{
	if (s->o->dry_run) {
		struct tsq_buf line = TSQ_BUF_INIT;
		tsq_buf_addf(&line, "%s ", a->kind);
		describe_action(a, &line);
		printf("%s\n", line.data);
		tsq_buf_free(&line);
		return true;
	}
	char id[32];
	record_begin(s, a, id);
	int64_t started = tsq_now_usec();
	tsq_cancel_running(true);
	PGresult *res = run_sql(s, path, n, params);
	tsq_cancel_running(false);
	double seconds = (double)(tsq_now_usec() - started) / 1e6;
	if (!tsq_result_ok(res)) {
		struct tsq_buf msg = TSQ_BUF_INIT, what = TSQ_BUF_INIT;
		tsq_result_message(res, s->conn, &msg);
		describe_action(a, &what);
		tsq_error("could not %s %s: %s", a->kind, what.data, msg.data);
		tsq_report_details(res);
		record_end(s, a, id, tsq_cancel_signal() ? "interrupted" : "failed", msg.data);
		log_action(a, "failed", seconds, msg.data);
		tsq_buf_free(&msg);
		tsq_buf_free(&what);
		PQclear(res);
		s->failures++;
		return false;
	}
	if (after)
		after(s, a, res);
	PQclear(res);
	record_end(s, a, id, "ok", NULL);
	log_action(a, "ok", seconds, NULL);
	return true;
}

/* ---- TimescaleDB chunks ---- */

struct chunk {
	char *name;
	int64_t start, end;
	int status;
};

enum {
	CHUNK_COMPRESSED = 1,
	CHUNK_UNORDERED = 2,
	CHUNK_PARTIAL = 8,
};

static void
chunks_free(struct chunk *c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

/* What compression acts on, in messages and records: "chunk" or "partition". */
static const char *
piece(const struct session *s)
{
	return tsq_backend_compresses_partitions(s->b.kind) ? "partition" : "chunk";
}

/*
 * T's chunks (on Citus its partitions), oldest first; -1 on failure
 * (reported).  *ENABLED: compression is on.
 */
static int
chunks_of(struct session *s, const struct table *t, struct chunk **out, bool *enabled)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;
	char path[64];

	*out = NULL;
	*enabled = false;
	if (!run_checked(s, backend_sql(s, "chunks.sql", path, sizeof path), 2, params, &res))
		return -1;
	int n = PQntuples(res);
	struct chunk *c = xcalloc((size_t)n + 1, sizeof *c);
	for (int i = 0; i < n; i++) {
		c[i].name = xstrdup(PQgetvalue(res, i, 0));
		c[i].start = value_int64(res, i, 1, INT64_MIN);
		c[i].end = value_int64(res, i, 2, INT64_MAX);
		c[i].status = (int)value_int64(res, i, 3, 0);
		*enabled = PQgetvalue(res, i, 4)[0] == 't';
	}
	PQclear(res);
	*out = c;
	return n;
}

/* Bytes of chunk A->target now, and before compression (-1 unknown). */
static void
chunk_bytes(struct session *s, const struct action *a, int64_t *now, int64_t *uncompressed)
{
	const char *params[2] = { a->table->display, a->target };
	char path[64];
	PGresult *res = run_sql(s, backend_sql(s, "chunk_bytes.sql", path, sizeof path), 2, params);

	*now = *uncompressed = -1;
	if (tsq_result_ok(res) && PQntuples(res) == 1) {
		*now = value_int64(res, 0, 0, -1);
		*uncompressed = value_int64(res, 0, 1, -1);
	}
	PQclear(res);
}

static void
after_compress(struct session *s, struct action *a, const PGresult *res)
{
	int64_t uncompressed;

	(void)res;
	chunk_bytes(s, a, &a->bytes_after, &uncompressed);
}

static void
compress_chunk(struct session *s, const struct table *t, const struct chunk *c)
{
	struct action a = { t, (c->status & CHUNK_COMPRESSED) ? "recompress" : "compress",
	    piece(s), c->name, c->start, c->end, -1, -1, -1 };
	const char *params[1] = { c->name };

	if (!s->o->dry_run) {
		int64_t uncompressed;
		chunk_bytes(s, &a, &a.bytes_before, &uncompressed);
	}
	char path[64];
	act(s, &a, backend_sql(s, "compress_chunk.sql", path, sizeof path), 1, params, after_compress);
}

/*
 * Compress every chunk of T that ended before CUT and is not fully
 * compressed, but none that ended before DROP_CUT (about to be dropped).
 */
static void
compress_older(struct session *s, const struct table *t, int64_t cut, int64_t drop_cut)
{
	struct chunk *c;
	bool enabled;
	int n = chunks_of(s, t, &c, &enabled);

	if (n < 0) {
		s->failures++;
		return;
	}
	if (n > 0 && !enabled) {
		tsq_error("compression is not enabled on %s", t->display);
		if (tsq_backend_compresses_partitions(s->b.kind))
			tsq_hint("CREATE EXTENSION citus_columnar brings it (tsq-init does)");
		else
			tsq_hint("ALTER TABLE %s SET (timescaledb.compress) enables it", t->display);
		s->failures++;
		chunks_free(c, n);
		return;
	}
	for (int i = 0; i < n && !tsq_cancel_signal(); i++) {
		bool full = (c[i].status & CHUNK_COMPRESSED) &&
		    !(c[i].status & (CHUNK_UNORDERED | CHUNK_PARTIAL));
		if (c[i].end <= cut && c[i].end > drop_cut && !full)
			compress_chunk(s, t, &c[i]);
	}
	chunks_free(c, n);
}

static void
decompress_range(struct session *s, const struct table *t, int64_t from, int64_t to)
{
	struct chunk *c;
	bool enabled;
	int n = chunks_of(s, t, &c, &enabled);

	if (n < 0) {
		s->failures++;
		return;
	}
	for (int i = 0; i < n && !tsq_cancel_signal(); i++) {
		if (!(c[i].status & CHUNK_COMPRESSED) || c[i].end <= from || c[i].start >= to)
			continue;
		struct action a = { t, "decompress", piece(s), c[i].name, c[i].start, c[i].end,
		    -1, -1, -1 };
		const char *params[1] = { c[i].name };
		if (!s->o->dry_run)
			chunk_bytes(s, &a, &a.bytes_before, &a.bytes_after);
		a.bytes_after = -1;
		char path[64];
		act(s, &a, backend_sql(s, "decompress_chunk.sql", path, sizeof path), 1, params, NULL);
	}
	chunks_free(c, n);
}

/* ---- rollups ---- */

static int64_t
floor_to(int64_t t, int64_t step)
{
	/* Buckets are aligned as TimescaleDB aligns them: on 2000-01-03 UTC. */
	const int64_t origin = INT64_C(946857600) * TSQ_USEC_PER_SEC;
	if (step <= 0 || t == INT64_MIN || t == INT64_MAX)
		return t;
	int64_t d = t - origin, q = d / step;
	if (d % step < 0)
		q--;
	return origin + q * step;
}

static int64_t
ceil_to(int64_t t, int64_t step)
{
	int64_t f = floor_to(t, step);
	return f == t || t == INT64_MAX ? t : f + step;
}

static void
after_refresh(struct session *s, struct action *a, const PGresult *res)
{
	(void)s;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		a->rows = value_int64(res, 0, 0, -1);
}

/* TimescaleDB: how many rows a refresh wrote is known only when it is none. */
static void
after_ts_refresh(struct session *s, struct action *a, const PGresult *res)
{
	(void)res;
	if (s->up_to_date)
		a->rows = 0;
}

/*
 * The time before which T's raw data may be (partly) gone: what tsq-compress
 * dropped (tsq.retention), or where TimescaleDB's own retention job drops.
 * Rollups before it are final: recomputing them from what is left would
 * replace a day's bars with those of a few late rows.  INT64_MIN when none.
 */
static int64_t
retention_horizon(struct session *s, const struct table *t)
{
	int64_t h = INT64_MIN;
	const char *params[2] = { t->schema, t->name };
	PGresult *res;

	if (s->has_retention && run_checked(s, "compress/horizon.sql", 2, params, &res)) {
		if (PQntuples(res) == 1)
			h = value_int64(res, 0, 0, INT64_MIN);
		PQclear(res);
	}
	if (t->hypertable && s->b.kind == TSQ_BACKEND_TIMESCALEDB) {
		char now[32];
		snprintf(now, sizeof now, "%" PRId64, s->now);
		const char *p[2] = { t->display, now };
		if (run_checked(s, "timescaledb/retention_horizon.sql", 2, p, &res)) {
			if (PQntuples(res) == 1 && value_int64(res, 0, 0, INT64_MIN) > h)
				h = value_int64(res, 0, 0, INT64_MIN);
			PQclear(res);
		}
	}
	return h;
}

/* Record that T's raw data before END was dropped. */
static void
horizon_record(struct session *s, const struct table *t, int64_t end)
{
	char to[TSQ_TIME_BUFSIZE];
	const char *params[3] = { t->schema, t->name, to };

	if (!s->has_retention || s->o->dry_run || end == INT64_MAX)
		return;
	tsq_format_time(end, to);
	if (!run_checked(s, "compress/horizon_record.sql", 3, params, NULL))
		s->failures++;
}

/* Refresh rollup R of T over [FROM, TO), widened to whole buckets. */
static bool
refresh_one(struct session *s, const struct table *t, const struct rollup *r, int64_t from,
    int64_t to, int64_t horizon)
{
	char f[TSQ_TIME_BUFSIZE], e[TSQ_TIME_BUFSIZE];
	struct action a = { t, "refresh", "rollup", r->reg, floor_to(from, r->bucket),
	    ceil_to(to, r->bucket), -1, -1, -1 };

	/* Never a bucket with raw data dropped from it: only whole buckets after the horizon. */
	if (horizon != INT64_MIN && a.from < ceil_to(horizon, r->bucket))
		a.from = ceil_to(horizon, r->bucket);
	if (a.from >= a.to) {
		format_range_end(horizon, true, f);
		tsq_verbose("not refreshing %s before %s: %s's raw data there was dropped, its "
		    "buckets are final", r->reg, f, t->display);
		return true;
	}

	if (a.from != INT64_MIN)
		tsq_format_time(a.from, f);
	if (a.to != INT64_MAX)
		tsq_format_time(a.to, e);
	if (s->b.kind == TSQ_BACKEND_TIMESCALEDB) {
		const char *params[3] = { r->reg, a.from == INT64_MIN ? NULL : f,
		    a.to == INT64_MAX ? NULL : e };
		s->up_to_date = false;
		return act(s, &a, s->b.refresh_in_batches ? "timescaledb/refresh_one_batch.sql" :
		    "timescaledb/refresh.sql", 3, params, after_ts_refresh);
	}
	const char *params[4] = { t->schema, r->name, a.from == INT64_MIN ? NULL : f,
	    a.to == INT64_MAX ? NULL : e };
	return act(s, &a, "postgres/refresh.sql", 4, params, after_refresh);
}

struct range {
	int64_t from, to;
};

static void
range_add(struct range **v, int *n, int64_t from, int64_t to)
{
	*v = xreallocarray(*v, (size_t)*n + 1, sizeof **v);
	(*v)[*n].from = from;
	(*v)[*n].to = to;
	(*n)++;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* Sort and merge overlapping or adjacent ranges in place; the new count. */
static int
ranges_merge(struct range *v, int n)
{
	int m = 0;

	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, range_cmp);
	for (int i = 0; i < n; i++) {
		if (m > 0 && v[i].from <= v[m - 1].to) {
			if (v[i].to > v[m - 1].to)
				v[m - 1].to = v[i].to;
		} else {
			v[m++] = v[i];
		}
	}
	return m;
}

/*
 * Refresh T's rollups, sources first, over: the ranges tsq-load recorded,
 * the trailing WINDOW (TimescaleDB; -1 none), and EXTRA (what the drop step
 * is about to remove: it must be materialized first).  The recorded ranges
 * are cleared once every refresh succeeded.
 */
static int
refresh_rollups(struct session *s, const struct table *t, int64_t window,
    const struct range *extra, int nextra)
{
	const char *params[3] = { t->schema, t->name, NULL };
	struct rollup *r;
	struct range *ranges = NULL;
	int nranges = 0, nr;
	PGresult *res;

	if ((nr = rollups_of(s, t, &r)) < 0) {
		s->failures++;
		return 1;
	}
	if (!run_checked(s, "compress/touched.sql", 2, params, &res)) {
		s->failures++;
		rollups_free(r, nr);
		return 1;
	}
	/* The ids of the records read, as one array literal: exactly these are cleared. */
	struct tsq_buf ids = TSQ_BUF_INIT;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *a = PQgetvalue(res, i, 2);
		size_t n = strlen(a);
		tsq_buf_adds(&ids, ids.len ? "," : "{");
		if (n >= 2)
			tsq_buf_add(&ids, a + 1, n - 2);
		range_add(&ranges, &nranges, value_int64(res, i, 0, INT64_MIN),
		    value_int64(res, i, 1, INT64_MAX));
	}
	char *last_id = NULL;
	if (ids.len) {
		tsq_buf_addc(&ids, '}');
		last_id = tsq_buf_detach(&ids);
	}
	tsq_buf_free(&ids);
	PQclear(res);
	if (window >= 0 && s->b.kind == TSQ_BACKEND_TIMESCALEDB)
		range_add(&ranges, &nranges, s->now - window, INT64_MAX);
	for (int i = 0; i < nextra; i++)
		range_add(&ranges, &nranges, extra[i].from, extra[i].to);
	nranges = ranges_merge(ranges, nranges);

	int failed = 0;
	int64_t horizon = retention_horizon(s, t);
	for (int i = 0; i < nr && !tsq_cancel_signal(); i++)
		for (int k = 0; k < nranges; k++)
			failed += !refresh_one(s, t, &r[i], ranges[k].from, ranges[k].to, horizon);
	if (last_id && failed == 0 && !s->o->dry_run && !tsq_cancel_signal()) {
		params[2] = last_id;
		if (!run_checked(s, "compress/touched_clear.sql", 3, params, NULL)) {
			s->failures++;
			failed++;
		}
	}
	free(last_id);
	free(ranges);
	rollups_free(r, nr);
	return failed;
}

/* ---- dropping ---- */

/*
 * The range of what a drop at CUT removes from T: chunks or partitions whose
 * range ended by then (never a table's last partition).  False when there is
 * none; -1 on failure.
 */
static int
drop_region(struct session *s, const struct table *t, int64_t cut, struct range *gone)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;
	int found = 0;

	if (!run_checked(s, t->hypertable ? "timescaledb/chunks.sql" : "postgres/partitions.sql",
	    2, params, &res))
		return -1;
	int n = PQntuples(res), from_col = t->hypertable ? 1 : 3;
	for (int i = 0; i < (t->hypertable ? n : n - 1); i++) {
		int64_t start = value_int64(res, i, from_col, INT64_MIN);
		int64_t end = value_int64(res, i, from_col + 1, INT64_MAX);
		if (end > cut)
			break;
		if (!found)
			gone->from = start;
		gone->to = end;
		found = 1;
	}
	PQclear(res);
	return found;
}

static void
drop_chunks_older(struct session *s, const struct table *t, int64_t cut)
{
	struct chunk *c;
	bool enabled;
	int n = chunks_of(s, t, &c, &enabled);

	if (n < 0) {
		s->failures++;
		return;
	}
	for (int i = 0; i < n && c[i].end <= cut && !tsq_cancel_signal(); i++) {
		char from[TSQ_TIME_BUFSIZE], to[TSQ_TIME_BUFSIZE];
		struct action a = { t, "drop", "chunk", c[i].name, c[i].start, c[i].end, -1, -1, -1 };
		tsq_format_time(c[i].start, from);
		tsq_format_time(c[i].end, to);
		const char *params[3] = { t->display, from, to };
		if (!s->o->dry_run) {
			int64_t uncompressed;
			chunk_bytes(s, &a, &a.bytes_before, &uncompressed);
		}
		if (act(s, &a, "timescaledb/drop_chunk.sql", 3, params, NULL))
			horizon_record(s, t, c[i].end);
	}
	chunks_free(c, n);
}

static void
after_drop_partition(struct session *s, struct action *a, const PGresult *res)
{
	(void)s;
	a->bytes_before = value_int64(res, 0, 0, -1);
}

static void
drop_partitions_older(struct session *s, const struct table *t, int64_t cut)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;
	char path[64];

	/* Citus measures the partition over the cluster; elsewhere PostgreSQL's. */
	if (backend_sql(s, "drop_partition.sql", path, sizeof path) == NULL)
		snprintf(path, sizeof path, "postgres/drop_partition.sql");
	if (!run_checked(s, "postgres/partitions.sql", 2, params, &res)) {
		s->failures++;
		return;
	}
	/* Never the last partition: the table keeps somewhere to put rows. */
	int n = PQntuples(res);
	for (int i = 0; i < n - 1 && !tsq_cancel_signal(); i++) {
		int64_t start = value_int64(res, i, 3, INT64_MIN), end = value_int64(res, i, 4, INT64_MAX);
		if (end > cut)
			break;
		struct action a = { t, s->o->keep_tables ? "detach" : "drop", "partition",
		    PQgetvalue(res, i, 0), start, end, -1, -1, -1 };
		const char *p[5] = { t->schema, t->name, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
		    s->o->keep_tables ? "true" : "false" };
		if (act(s, &a, path, 5, p, after_drop_partition))
			horizon_record(s, t, end);
	}
	PQclear(res);
}

/* ---- a table's policy, step by step ---- */

static void
premake(struct session *s, const struct table *t, int64_t ahead)
{
	char usec[32];
	const char *params[3] = { t->schema, t->name, usec };
	int64_t today = floor_to(s->now, TSQ_USEC_PER_DAY);
	struct action a = { t, "premake", "partitions", "ahead", today,
	    today + ahead + TSQ_USEC_PER_DAY, -1, -1, -1 };
	PGresult *res;

	snprintf(usec, sizeof usec, "%" PRId64, ahead);
	/* Only when one is missing: a run with nothing to do records nothing. */
	char f[TSQ_TIME_BUFSIZE], e[TSQ_TIME_BUFSIZE];
	tsq_format_time(a.from, f);
	tsq_format_time(a.to, e);
	const char *probe[4] = { t->schema, t->name, f, e };
	res = tsq_exec(s->conn, "SELECT tsq.has_partitions($1, $2, $3::timestamptz, $4::timestamptz)",
	    4, probe);
	if (!tsq_result_ok(res)) {
		struct tsq_buf msg = TSQ_BUF_INIT;
		tsq_result_message(res, s->conn, &msg);
		tsq_error("could not check the partitions ahead of %s: %s", t->display, msg.data);
		tsq_report_details(res);
		tsq_buf_free(&msg);
		PQclear(res);
		s->failures++;
		return;
	}
	bool have = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!have)
		act(s, &a, "postgres/premake.sql", 3, params, after_refresh);
}

/* Take T's lock.  False when another run holds it (reported, or quietly skipped). */
static bool
lock_table(struct session *s, const struct table *t)
{
	const char *params[2] = { t->oid_text, NULL };
	PGresult *res;

	if (!run_checked(s, "compress/lock.sql", 1, params, &res)) {
		s->failures++;
		return false;
	}
	bool got = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (got) {
		const char *p[2] = { t->schema, t->name };
		if (!s->o->dry_run && !run_checked(s, "compress/run_interrupted.sql", 2, p, NULL))
			s->failures++;
		return true;
	}
	struct tsq_buf holder = TSQ_BUF_INIT;
	res = run_sql(s, "compress/lock_holder.sql", 1, params);
	if (tsq_result_ok(res) && PQntuples(res) == 1)
		tsq_buf_addf(&holder, " (pid %s, connected %s)", PQgetvalue(res, 0, 0),
		    PQgetisnull(res, 0, 1) ? "at an unknown time" : PQgetvalue(res, 0, 1));
	PQclear(res);
	if (s->o->skip_if_locked) {
		tsq_verbose("skipped %s: another run holds it%s", t->display, holder.data);
	} else {
		tsq_error("%s is being worked on by another run%s", t->display, holder.data);
		s->locked_out = true;
	}
	tsq_buf_free(&holder);
	return false;
}

static void
unlock_table(struct session *s, const struct table *t)
{
	const char *params[1] = { t->oid_text };
	PGresult *res = run_sql(s, "compress/unlock.sql", 1, params);
	PQclear(res);
}

/*
 * Drop what T holds from before CUT, its rollups refreshed over it first:
 * raw data never goes before the aggregates of it are materialized.
 */
static void
drop_older(struct session *s, const struct table *t, int64_t cut, int64_t window,
    bool refreshed)
{
	struct range gone;
	int found = drop_region(s, t, cut, &gone);

	if (found < 0) {
		s->failures++;
		return;
	}
	if (!refreshed && refresh_rollups(s, t, window, &gone, found) > 0) {
		tsq_error("not dropping anything from %s: its rollups could not be refreshed first",
		    t->display);
		return;
	}
	if (found == 0 || tsq_cancel_signal())
		return;
	if (t->hypertable)
		drop_chunks_older(s, t, cut);
	else
		drop_partitions_older(s, t, cut);
}

/* ---- TimescaleDB's own policy jobs (--native) ---- */

/* One policy job, as TimescaleDB has it or as the stored policy wants it. */
struct job {
	int64_t id;		/* 0: wanted, not there yet */
	char kind[12];		/* "compression", "retention", "refresh" */
	char *target;		/* the hypertable, or the rollup refreshed */
	int64_t after;		/* compress_after, drop_after or start_offset; -1 none */
	int64_t end_offset;	/* refresh only; -1 none */
	int64_t schedule;	/* schedule_interval; -1: TimescaleDB's default */
	bool scheduled;
	bool one_batch;		/* refreshes in one transaction (see job_add.sql) */
	bool matched;
};

static void
jobs_free(struct job *j, int n)
{
	for (int i = 0; i < n; i++)
		free(j[i].target);
	free(j);
}

/* TimescaleDB's policy jobs on T and its rollups; -1 on failure (reported). */
static int
jobs_of(struct session *s, const struct table *t, struct job **out)
{
	const char *params[3] = { t->schema, t->name, s->b.policy_in_batches ? "true" : "false" };
	PGresult *res;

	*out = NULL;
	if (!run_checked(s, "timescaledb/jobs.sql", 3, params, &res))
		return -1;
	int n = PQntuples(res);
	struct job *j = xcalloc((size_t)n + 1, sizeof *j);
	for (int i = 0; i < n; i++) {
		j[i].id = value_int64(res, i, 0, 0);
		snprintf(j[i].kind, sizeof j[i].kind, "%s", PQgetvalue(res, i, 1));
		j[i].target = xstrdup(PQgetvalue(res, i, 2));
		j[i].after = value_int64(res, i, 3, -1);
		j[i].end_offset = value_int64(res, i, 4, -1);
		j[i].scheduled = PQgetvalue(res, i, 5)[0] == 't';
		j[i].schedule = value_int64(res, i, 6, -1);
		j[i].one_batch = PQgetvalue(res, i, 7)[0] == 't';
	}
	PQclear(res);
	*out = j;
	return n;
}

/* "refresh of public.ohlcv_5m, start_offset 7d, end_offset 5m", after "ID (" when known. */
static void
job_describe(const struct job *j, bool settings, struct tsq_buf *out)
{
	static const char *const setting[] = { "compress_after", "drop_after", "start_offset" };
	int k = strcmp(j->kind, "compression") == 0 ? 0 : strcmp(j->kind, "retention") == 0 ? 1 : 2;

	if (j->id)
		tsq_buf_addf(out, "%" PRId64 " (", j->id);
	tsq_buf_addf(out, "%s %s %s", j->kind, k == 2 ? "of" : "on", j->target);
	if (settings) {
		tsq_buf_addf(out, ", %s ", setting[k]);
		if (j->after < 0)
			tsq_buf_adds(out, "unset");
		else
			tsq_policy_format_duration(j->after, out);
		if (k == 2) {
			tsq_buf_adds(out, ", end_offset ");
			if (j->end_offset < 0)
				tsq_buf_adds(out, "unset");
			else
				tsq_policy_format_duration(j->end_offset, out);
			if (!j->one_batch)
				tsq_buf_adds(out, ", in batches");
		}
	}
	if (j->id)
		tsq_buf_addc(out, ')');
}

static bool
job_same(const struct job *have, const struct job *want)
{
	return strcmp(have->kind, want->kind) == 0 && strcmp(have->target, want->target) == 0 &&
	    have->after == want->after && have->end_offset == want->end_offset &&
	    have->one_batch == want->one_batch;
}

/* Do KIND ("add job", ...) on job J with SQL file PATH. */
static void
job_act(struct session *s, const struct table *t, const char *kind, const struct job *j,
    bool settings, const char *path, int n, const char *const *params)
{
	struct tsq_buf target = TSQ_BUF_INIT;
	struct action a = { t, kind, "job", NULL, INT64_MIN, INT64_MAX, -1, -1, -1 };

	job_describe(j, settings, &target);
	a.target = target.data;
	act(s, &a, path, n, params, NULL);
	tsq_buf_free(&target);
}

/*
 * Make TimescaleDB's policy jobs on T and its rollups what policy P asks
 * for: one compression job with P's compress_after, one retention job with
 * its drop_after, and on each rollup one refresh job over the trailing
 * refresh_window that ends a bucket before now.  A job that differs is
 * deleted and added again (several refresh jobs on one rollup, possible
 * since 2.21, become one); a matching job that was paused is resumed.
 */
static void
native_sync(struct session *s, const struct table *t, const struct tsq_policy *p)
{
	struct job *have, *want;
	struct rollup *r;
	int nhave, nr, nwant = 0;

	if (!t->hypertable) {
		tsq_verbose("no TimescaleDB jobs for %s: it is not a hypertable", t->display);
		return;
	}
	if ((nr = rollups_of(s, t, &r)) < 0) {
		s->failures++;
		return;
	}
	if ((nhave = jobs_of(s, t, &have)) < 0) {
		s->failures++;
		rollups_free(r, nr);
		return;
	}
	want = xcalloc((size_t)nr + 3, sizeof *want);
	static const struct {
		const char *kind;
		int setting;
	} own[] = { {"compression", TSQ_POLICY_COMPRESS_AFTER}, {"retention", TSQ_POLICY_DROP_AFTER} };
	for (size_t k = 0; k < sizeof own / sizeof own[0]; k++) {
		if (p->usec[own[k].setting] == TSQ_POLICY_OFF)
			continue;
		struct job *w = &want[nwant++];
		snprintf(w->kind, sizeof w->kind, "%s", own[k].kind);
		w->target = t->display;
		w->after = p->usec[own[k].setting];
		w->end_offset = w->schedule = -1;
		w->one_batch = true;
	}
	for (int i = 0; i < nr && p->usec[TSQ_POLICY_REFRESH_WINDOW] != TSQ_POLICY_OFF; i++) {
		if (r[i].bucket <= 0) {
			tsq_error("no refresh job for %s: its bucket width is not a constant interval",
			    r[i].reg);
			s->failures++;
			continue;
		}
		struct job *w = &want[nwant++];
		snprintf(w->kind, sizeof w->kind, "refresh");
		w->target = r[i].reg;
		w->after = p->usec[TSQ_POLICY_REFRESH_WINDOW];
		w->end_offset = w->schedule = r[i].bucket;
		w->one_batch = true;
	}
	/* Keep the first job that matches each wanted one. */
	for (int i = 0; i < nwant; i++) {
		for (int h = 0; h < nhave && !want[i].matched; h++) {
			if (!have[h].matched && job_same(&have[h], &want[i])) {
				have[h].matched = want[i].matched = true;
				want[i].id = have[h].id;
				want[i].scheduled = have[h].scheduled;
			}
		}
	}
	/* Delete the rest first: TimescaleDB refuses a second job of a kind. */
	for (int h = 0; h < nhave && !tsq_cancel_signal(); h++) {
		if (have[h].matched)
			continue;
		char id[24];
		snprintf(id, sizeof id, "%" PRId64, have[h].id);
		const char *params[1] = { id };
		job_act(s, t, "delete job", &have[h], true, "timescaledb/job_delete.sql", 1, params);
	}
	for (int i = 0; i < nwant && !tsq_cancel_signal(); i++) {
		char id[24], after[24], end[24], sched[24];
		if (want[i].matched) {
			if (want[i].scheduled)
				continue;
			snprintf(id, sizeof id, "%" PRId64, want[i].id);
			const char *params[1] = { id };
			job_act(s, t, "resume job", &want[i], false, "timescaledb/job_resume.sql", 1,
			    params);
			continue;
		}
		/* A replaced job keeps its schedule. */
		for (int h = 0; h < nhave; h++)
			if (strcmp(have[h].kind, want[i].kind) == 0 &&
			    strcmp(have[h].target, want[i].target) == 0 && have[h].schedule > 0) {
				want[i].schedule = have[h].schedule;
				break;
			}
		snprintf(after, sizeof after, "%" PRId64, want[i].after);
		snprintf(end, sizeof end, "%" PRId64, want[i].end_offset);
		snprintf(sched, sizeof sched, "%" PRId64, want[i].schedule);
		const char *params[6] = { want[i].kind, want[i].target, after,
		    want[i].end_offset < 0 ? NULL : end, want[i].schedule < 0 ? NULL : sched,
		    s->b.policy_in_batches ? "true" : "false" };
		job_act(s, t, "add job", &want[i], true, "timescaledb/job_add.sql", 6, params);
	}
	free(want);
	jobs_free(have, nhave);
	rollups_free(r, nr);
}

/* Apply T's stored policy: refresh, compress, drop, premake. */
static void
run_policy(struct session *s, const struct table *t)
{
	struct tsq_policy p;
	int found = policy_load(s, t, &p);

	if (found < 0) {
		s->failures++;
		return;
	}
	if (found == 0) {
		tsq_error("%s has no stored policy", t->display);
		tsq_hint("set one with --set-policy");
		s->failures++;
		return;
	}
	if (!lock_table(s, t))
		return;
	if (s->o->native)
		native_sync(s, t, &p);
	int64_t compress = p.usec[TSQ_POLICY_COMPRESS_AFTER], drop = p.usec[TSQ_POLICY_DROP_AFTER];
	int64_t window = p.usec[TSQ_POLICY_REFRESH_WINDOW], ahead = p.usec[TSQ_POLICY_PREMAKE];
	bool droppable = t->hypertable || t->relkind == 'p';
	struct range gone;
	int ngone = 0;

	/* 1. Rollups: over what was loaded, the trailing window, and what is to be dropped. */
	if (drop != TSQ_POLICY_OFF && droppable && (ngone = drop_region(s, t, s->now - drop, &gone)) < 0) {
		s->failures++;
		ngone = 0;
	}
	int refresh_failed = refresh_rollups(s, t, window, &gone, ngone);
	/* 2. Compression. */
	if (compress != TSQ_POLICY_OFF && t->compressible && s->b.has_compression &&
	    !tsq_cancel_signal())
		compress_older(s, t, s->now - compress,
		    drop != TSQ_POLICY_OFF && ngone ? s->now - drop : INT64_MIN);
	else if (compress != TSQ_POLICY_OFF)
		tsq_verbose("skipped compression of %s: %s", t->display, why_not_compressible(s));
	/* 3. Retention. */
	if (drop != TSQ_POLICY_OFF && droppable && !tsq_cancel_signal()) {
		if (refresh_failed)
			tsq_error("not dropping anything from %s: its rollups could not be refreshed "
			    "first", t->display);
		else if (ngone)
			drop_older(s, t, s->now - drop, window, true);
	}
	/* 4. Partitions ahead. */
	if (ahead != TSQ_POLICY_OFF && t->relkind == 'p' && !t->hypertable && !tsq_cancel_signal())
		premake(s, t, ahead);
	unlock_table(s, t);
}

/* ---- one-shot actions ---- */

/* A time option's value; false (reported) when it is not one. */
static bool
option_time(const struct session *s, const char *opt, const char *value, int64_t *usec)
{
	struct tsq_time t;
	size_t pos;

	if (value == NULL)
		return true;
	if (tsq_parse_time(value, s->now, &t, &pos) != TSQ_PARSE_OK) {
		tsq_error("invalid value \"%s\" for option %s: expected a time such as "
		    "2024-03-01, 2024-03-01T09:30:00Z or 7d (ago)", value, opt);
		return false;
	}
	*usec = t.usec;
	return true;
}

static int
one_shot(struct session *s, const struct table *t)
{
	const struct options *o = s->o;
	int64_t from = INT64_MIN, to = INT64_MAX;

	if (!option_time(s, "--from", o->from, &from) || !option_time(s, "--to", o->to, &to))
		return TSQ_EXIT_USAGE;
	if (from >= to) {
		tsq_error("--from must come before --to");
		return TSQ_EXIT_USAGE;
	}
	switch (o->action) {
	case ACT_COMPRESS:
	case ACT_DECOMPRESS:
		if (!s->b.has_compression) {
			tsq_error("%s needs TimescaleDB, or Citus with citus_columnar: plain PostgreSQL "
			    "has no compression", o->action_option);
			return TSQ_EXIT_UNAVAILABLE;
		}
		if (!t->compressible) {
			tsq_error("%s cannot be compressed: %s", t->display, why_not_compressible(s));
			return TSQ_EXIT_USAGE;
		}
		break;
	case ACT_DROP:
		if (!t->hypertable && t->relkind != 'p') {
			tsq_error("%s is neither a hypertable nor partitioned: there is nothing to drop "
			    "by age", t->display);
			return TSQ_EXIT_USAGE;
		}
		break;
	default:
		break;
	}
	if (!lock_table(s, t))
		return s->locked_out ? TSQ_EXIT_TEMPFAIL : s->failures ? TSQ_EXIT_FAILURE : TSQ_EXIT_OK;
	switch (o->action) {
	case ACT_COMPRESS:
		compress_older(s, t, s->now - o->older_than, INT64_MIN);
		break;
	case ACT_DECOMPRESS:
		decompress_range(s, t, from, to);
		break;
	case ACT_DROP:
		drop_older(s, t, s->now - o->older_than, TSQ_POLICY_OFF, false);
		break;
	default:
		break;
	}
	unlock_table(s, t);
	return TSQ_EXIT_OK;
}

/*
 * --refresh ROLLUP: the rollup is named, not the table under it; the run
 * takes the lock of the raw table at the bottom of its ladder (as --run of
 * that table does) and goes no further back than its retention horizon.
 */
static int
refresh_rollup_named(struct session *s, const char *name)
{
	int64_t from = INT64_MIN, to = INT64_MAX;
	struct table v, raw;
	char path[64];
	int rc = TSQ_EXIT_OK;

	if (!option_time(s, "--from", s->o->from, &from) || !option_time(s, "--to", s->o->to, &to))
		return TSQ_EXIT_USAGE;
	if (from >= to) {
		tsq_error("--from must come before --to");
		return TSQ_EXIT_USAGE;
	}
	if (!table_find(s, name, &v))
		return TSQ_EXIT_USAGE;
	if (tsq_backend_own_partitions(s->b.kind) && !s->has_rollup_tables) {
		tsq_error("%s is not a rollup: no rollups are installed here", v.display);
		table_free(&v);
		return TSQ_EXIT_USAGE;
	}
	const char *params[1] = { v.oid_text };
	PGresult *res;
	if (!run_checked(s, backend_sql(s, "rollup_named.sql", path, sizeof path), 1, params, &res)) {
		table_free(&v);
		return TSQ_EXIT_FAILURE;
	}
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 3)) {
		tsq_error("%s is not a rollup (%s)", v.display, s->b.kind == TSQ_BACKEND_TIMESCALEDB ?
		    "a continuous aggregate" : "a table in tsq.rollups");
		PQclear(res);
		table_free(&v);
		return TSQ_EXIT_USAGE;
	}
	struct rollup r = { xstrdup(PQgetvalue(res, 0, 0)), xstrdup(PQgetvalue(res, 0, 2)),
	    value_int64(res, 0, 1, 0) };
	char *source = xstrdup(PQgetvalue(res, 0, 3));
	PQclear(res);
	if (!table_find(s, source, &raw)) {
		rc = TSQ_EXIT_FAILURE;
	} else {
		if (lock_table(s, &raw)) {
			refresh_one(s, &raw, &r, from, to, retention_horizon(s, &raw));
			unlock_table(s, &raw);
		} else if (s->locked_out) {
			rc = TSQ_EXIT_TEMPFAIL;
		}
		table_free(&raw);
	}
	free(source);
	free(r.reg);
	free(r.name);
	table_free(&v);
	return rc;
}

/* ---- policies ---- */

static int
set_policy(struct session *s, const struct table *t)
{
	struct tsq_policy p;
	struct tsq_buf err = TSQ_BUF_INIT;
	struct rollup *r;
	int nr, rc = TSQ_EXIT_OK;

	if (policy_load(s, t, &p) < 0)
		return TSQ_EXIT_FAILURE;
	if (!tsq_policy_parse(s->o->settings, &p, &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return TSQ_EXIT_USAGE;
	}
	if ((nr = rollups_of(s, t, &r)) < 0)
		return TSQ_EXIT_FAILURE;
	struct tsq_policy_rollups w;
	widest_rollup(r, nr, &w);
	if (!tsq_policy_check(&p, table_kind(t), &w, &err)) {
		tsq_error("policy of %s: %s", t->display, err.data);
		rc = TSQ_EXIT_USAGE;
		goto out;
	}
	char v[TSQ_POLICY_NSETTINGS][32];
	const char *params[2 + TSQ_POLICY_NSETTINGS] = { t->schema, t->name };
	for (int i = 0; i < TSQ_POLICY_NSETTINGS; i++) {
		snprintf(v[i], sizeof v[i], "%" PRId64, p.usec[i]);
		params[2 + i] = p.usec[i] == TSQ_POLICY_OFF ? NULL : v[i];
	}
	if (s->o->dry_run) {
		struct tsq_buf line = TSQ_BUF_INIT;
		tsq_buf_addf(&line, "set policy of %s:", t->display);
		for (int i = 0; i < TSQ_POLICY_NSETTINGS; i++) {
			tsq_buf_addf(&line, "%s %s=", i ? "," : "", tsq_policy_setting_name(i));
			if (p.usec[i] == TSQ_POLICY_OFF)
				tsq_buf_adds(&line, "off");
			else
				tsq_policy_format_duration(p.usec[i], &line);
		}
		printf("%s\n", line.data);
		tsq_buf_free(&line);
	} else if (!run_checked(s, "compress/policy_set.sql", 2 + TSQ_POLICY_NSETTINGS, params, NULL)) {
		rc = TSQ_EXIT_FAILURE;
		goto out;
	}
	if (s->o->native)
		native_sync(s, t, &p);
out:
	rollups_free(r, nr);
	tsq_buf_free(&err);
	return rc;
}

static int
remove_policy(struct session *s, const struct table *t)
{
	const char *params[2] = { t->schema, t->name };
	PGresult *res;

	if (s->o->dry_run) {
		printf("remove policy of %s\n", t->display);
	} else {
		if (!run_checked(s, "compress/policy_remove.sql", 2, params, &res))
			return TSQ_EXIT_FAILURE;
		int n = PQntuples(res);
		PQclear(res);
		if (n == 0 && !s->o->native) {
			tsq_error("%s has no stored policy", t->display);
			return TSQ_EXIT_USAGE;
		}
	}
	if (s->o->native) {
		struct tsq_policy none;
		tsq_policy_init(&none);
		native_sync(s, t, &none);
	}
	return TSQ_EXIT_OK;
}

static int
show_policies(struct session *s)
{
	struct tsq_buf oids = TSQ_BUF_INIT;
	const struct options *o = s->o;
	int rc = TSQ_EXIT_OK;

	for (int i = 0; i < o->ntables; i++) {
		struct table t;
		if (!table_find(s, o->tables[i], &t)) {
			tsq_buf_free(&oids);
			return TSQ_EXIT_USAGE;
		}
		tsq_buf_addf(&oids, "%s%s", i ? "," : "{", t.oid_text);
		table_free(&t);
	}
	if (o->ntables)
		tsq_buf_addc(&oids, '}');
	const char *params[1] = { o->ntables ? oids.data : NULL };
	PGresult *res;
	if (!run_checked(s, "compress/policy_show.sql", 1, params, &res)) {
		tsq_buf_free(&oids);
		return TSQ_EXIT_FAILURE;
	}
	int ncols = PQnfields(res);
	char **names = xcalloc((size_t)ncols, sizeof *names), **vals = xcalloc((size_t)ncols, sizeof *vals);
	unsigned int *types = xcalloc((size_t)ncols, sizeof *types);
	for (int c = 0; c < ncols; c++) {
		names[c] = PQfname(res, c);
		types[c] = PQftype(res, c);
	}
	struct tsq_out out = { 0 };
	out.f = stdout;
	out.format = o->format;
	out.header = !o->no_header;
	out.footer = o->format == TSQ_OUT_TABLE && isatty(STDOUT_FILENO);
	tsq_out_begin(&out, ncols, names, types);
	for (int r = 0; r < PQntuples(res); r++) {
		for (int c = 0; c < ncols; c++)
			vals[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
		tsq_out_row(&out, vals);
	}
	tsq_out_end(&out);
	tsq_out_free(&out);
	free(names);
	free(vals);
	free(types);
	PQclear(res);
	tsq_buf_free(&oids);
	return rc;
}

/* ---- the run ---- */

static int
run_all(struct session *s)
{
	const struct options *o = s->o;
	char **names = o->tables;
	int n = o->ntables;
	PGresult *res = NULL;

	if (n == 0) {
		if (!run_checked(s, "compress/policy_tables.sql", 0, NULL, &res))
			return TSQ_EXIT_FAILURE;
		n = PQntuples(res);
		names = xcalloc((size_t)n + 1, sizeof *names);
		for (int i = 0; i < n; i++)
			names[i] = PQgetvalue(res, i, 0);
	}
	for (int i = 0; i < n && !tsq_cancel_signal(); i++) {
		struct table t;
		if (!table_find(s, names[i], &t)) {
			s->failures++;
			continue;
		}
		run_policy(s, &t);
		table_free(&t);
	}
	if (res) {
		free(names);
		PQclear(res);
	}
	/* Keep the record of runs from growing for ever. */
	if (!o->dry_run && !tsq_cancel_signal()) {
		if (!run_checked(s, "compress/runs_prune.sql", 0, NULL, &res)) {
			s->failures++;
		} else {
			long gone = atol(PQgetvalue(res, 0, 0));
			if (gone > 0)
				tsq_verbose("forgot %ld records of runs older than 90 days", gone);
			PQclear(res);
		}
	}
	return TSQ_EXIT_OK;
}

/* Connect and look around: the backend, the server's clock, tsq's schema. */
static int
session_open(struct session *s, const struct options *o)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	PGresult *res;
	int rc = TSQ_EXIT_OK;

	memset(s, 0, sizeof *s);
	s->o = o;
	if ((rc = tsq_connect(&o->common.conn, &s->conn)) != TSQ_EXIT_OK)
		return rc;
	if ((res = tsq_backend_detect(s->conn, &s->b)) != NULL) {
		tsq_report_result(res);
		PQclear(res);
		return TSQ_EXIT_FAILURE;
	}
	if (!tsq_conn_set_search_path(s->conn, "public", &err)) {
		tsq_error("%s", err.data);
		tsq_buf_free(&err);
		return TSQ_EXIT_FAILURE;
	}
	tsq_buf_free(&err);
	/*
	 * Notices come through (shown with -v): TimescaleDB's "already
	 * up-to-date" is how a refresh says it wrote nothing.  A lock another
	 * session holds fails the action after --lock-timeout.
	 */
	s->notices = PQsetNoticeReceiver(s->conn, notice_receiver, s);
	char ms[32];
	snprintf(ms, sizeof ms, "%lld", (long long)(o->lock_timeout / 1000));
	const char *params[1] = { ms };
	res = tsq_exec(s->conn, "SELECT set_config('client_min_messages', 'notice', false),"
	    " set_config('lock_timeout', $1, false)", 1, params);
	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return TSQ_EXIT_FAILURE;
	}
	PQclear(res);
	/* A run killed mid-way: its session notices and ends, freeing the table's lock. */
	if (PQserverVersion(s->conn) >= 140000) {
		res = tsq_exec(s->conn, "SET client_connection_check_interval = '1s'", 0, NULL);
		PQclear(res);
	}
	if (!run_checked(s, "compress/server_now.sql", 0, NULL, &res))
		return TSQ_EXIT_FAILURE;
	s->now = value_int64(res, 0, 0, 0);
	PQclear(res);
	res = tsq_exec(s->conn, "SELECT to_regclass('tsq.policy_run_ids') IS NOT NULL,"
	    " to_regclass('tsq.rollups') IS NOT NULL, to_regclass('tsq.retention') IS NOT NULL",
	    0, NULL);
	if (!tsq_result_ok(res)) {
		tsq_report_result(res);
		PQclear(res);
		return TSQ_EXIT_FAILURE;
	}
	bool installed = PQgetvalue(res, 0, 0)[0] == 't';
	s->has_rollup_tables = PQgetvalue(res, 0, 1)[0] == 't';
	s->has_retention = PQgetvalue(res, 0, 2)[0] == 't';
	PQclear(res);
	if (!installed) {
		tsq_error("tsq's schema is not installed in this database (or is older than "
		    "tsq-compress)");
		tsq_hint("run tsq-init: it adds the tsq.policies and tsq.policy_runs tables");
		rc = TSQ_EXIT_UNAVAILABLE;
	}
	return rc;
}

static int
run(const struct options *o)
{
	struct session s;
	struct table t;
	int rc = session_open(&s, o);

	if (rc != TSQ_EXIT_OK)
		goto out;
	if (o->native && s.b.kind != TSQ_BACKEND_TIMESCALEDB) {
		tsq_error("--native needs TimescaleDB, and this database has no timescaledb "
		    "extension");
		rc = TSQ_EXIT_UNAVAILABLE;
		goto out;
	}
	tsq_cancel_setup();
	tsq_cancel_register(s.conn);
	switch (o->action) {
	case ACT_RUN:
		rc = run_all(&s);
		break;
	case ACT_SHOW_POLICIES:
		rc = show_policies(&s);
		break;
	case ACT_REFRESH:
		rc = refresh_rollup_named(&s, o->target);
		break;
	default:
		if (!table_find(&s, o->target, &t)) {
			rc = TSQ_EXIT_USAGE;
			break;
		}
		if (o->action == ACT_SET_POLICY)
			rc = set_policy(&s, &t);
		else if (o->action == ACT_REMOVE_POLICY)
			rc = remove_policy(&s, &t);
		else
			rc = one_shot(&s, &t);
		table_free(&t);
	}
	tsq_cancel_release();
	if (rc == TSQ_EXIT_OK && tsq_cancel_signal())
		rc = tsq_cancel_signal() == SIGINT ? TSQ_EXIT_SIGINT : TSQ_EXIT_SIGTERM;
	else if (rc == TSQ_EXIT_OK && s.failures)
		rc = TSQ_EXIT_FAILURE;
	else if (rc == TSQ_EXIT_OK && s.locked_out)
		rc = TSQ_EXIT_TEMPFAIL;
	if (s.failures > 1)
		tsq_error("%d actions failed", s.failures);
out:
	if (s.conn)
		PQfinish(s.conn);
	return rc;
}

static int
tool_main(int argc, char **argv)
{
	struct options o;
	int rc;

	if (tsq_opt_start(argc, argv, usage))
		return TSQ_EXIT_OK;
	memset(&o, 0, sizeof o);
	rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.common.help)
		usage();
	else if (o.common.version)
		tsq_print_version();
	else
		rc = run(&o);
	if (rc < 0)
		rc = TSQ_EXIT_OK;
	return rc;
}

int
main(int argc, char **argv)
{
	return tsq_stdout_finish(tool_main(argc, argv));
}
