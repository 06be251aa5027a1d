#include <stdio.h>

#include "log.h"
#include "opt.h"
#include "stub.h"
#include "tsq.h"

static const char shortopts[] = TSQ_COMMON_SHORTOPTS;
static const struct option long_options[] = {
	TSQ_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0},
};

static void
usage(const char *summary, const char *synopsis)
{
	printf("%s %s.\n\nUsage:\n  %s %s\n", tsq_progname(), summary, tsq_progname(), synopsis);
	tsq_help_common(stdout);
}

int
tsq_stub_main(int argc, char **argv, const char *summary, const char *synopsis)
{
	struct tsq_common_opts o = { 0 };
	int c;

	tsq_log_init(argv[0]);
	if (tsq_opt_early(argc, argv)) {
		usage(summary, synopsis);
		return TSQ_EXIT_OK;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, long_options, NULL)) != -1) {
		if (!tsq_opt_common_or_bad(c, optarg, &o, argv, shortopts, long_options))
			return TSQ_EXIT_USAGE;
	}
	if (o.help) {
		usage(summary, synopsis);
		return TSQ_EXIT_OK;
	}
	if (o.version) {
		tsq_print_version();
		return TSQ_EXIT_OK;
	}
	tsq_error("not implemented yet");
	return TSQ_EXIT_UNAVAILABLE;
}
