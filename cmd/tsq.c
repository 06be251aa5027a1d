/*
 * tsq - git-style front door: "tsq load ARGS" runs "tsq-load ARGS".  The
 * tool is looked for next to this binary first, then on the PATH.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsq.h"

static const struct {
	const char *name;
	const char *summary;
} commands[] = {
	{"init", "create the market-data schema, or bring up a local database"},
	{"load", "bulk-load CSV and JSON-lines files, with upserts and reject files"},
	{"query", "run named queries; table, CSV, TSV, JSON lines, JSON or sparklines"},
	{"compress", "apply compression, retention and rollup-refresh policies"},
	{"stats", "sizes, chunks, compression ratios, policies, data quality"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
usage(FILE *out)
{
	fprintf(out, "tsq is a set of small tools for market data in PostgreSQL and TimescaleDB.\n\n"
	    "Usage:\n  tsq COMMAND [ARG]...\n  tsq help [COMMAND]\n  tsq --version\n  tsq --help\n\n"
	    "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n\"tsq COMMAND\" runs tsq-COMMAND; see \"tsq help COMMAND\" and tsq(7).\n");
}

static bool
known(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return true;
	return false;
}

/* Replace this process with tsq-NAME, passing ARGV[0..] as its arguments. */
static int
run(const char *name, char **args)
{
	char self[PATH_MAX];
	char path[PATH_MAX + 80];
	char prog[64];
	ssize_t n;

	snprintf(prog, sizeof prog, "tsq-%s", name);
	args[0] = prog;
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/%s", self, prog);
			if (access(path, X_OK) == 0)
				execv(path, args);
		}
	}
	execvp(prog, args);
	tsq_error("could not run \"%s\": %s", prog, strerror(errno));
	return errno == ENOENT ? TSQ_EXIT_UNAVAILABLE : TSQ_EXIT_FAILURE;
}

static int
tool_main(int argc, char **argv)
{
	tsq_log_init(argv[0]);
	if (argc < 2) {
		usage(stderr);
		return TSQ_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-?") == 0 ||
	    (strcmp(cmd, "help") == 0 && argc == 2)) {
		usage(stdout);
		return TSQ_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		tsq_print_version();
		return TSQ_EXIT_OK;
	}
	if (strcmp(cmd, "help") == 0) {
		if (!known(argv[2])) {
			tsq_error("unknown command \"%s\"", argv[2]);
			tsq_try_help();
			return TSQ_EXIT_USAGE;
		}
		char *args[] = { NULL, "--help", NULL };
		return run(argv[2], args);
	}
	if (cmd[0] == '-') {
		tsq_error("unrecognized option \"%s\"", cmd);
		tsq_try_help();
		return TSQ_EXIT_USAGE;
	}
	if (!known(cmd)) {
		tsq_error("unknown command \"%s\"", cmd);
		tsq_try_help();
		return TSQ_EXIT_USAGE;
	}
	return run(cmd, argv + 1);
}

int
main(int argc, char **argv)
{
	return tsq_stdout_finish(tool_main(argc, argv));
}
