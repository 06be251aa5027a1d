/* Unit tests for common/log.c: prefixes, levels, control characters, JSON lines. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "tsq.h"

static char path[] = "/tmp/tsq-test-log.XXXXXX";

/* What the log wrote to stderr since the last call. */
static const char *
captured(void)
{
	static char buf[4096];
	FILE *f;
	size_t n;

	fflush(stderr);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	if (freopen(path, "w", stderr) == NULL)
		abort();
	return buf;
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd < 0 || freopen(path, "w", stderr) == NULL)
		return 1;
	close(fd);
	tsq_log_init("/usr/local/bin/tsq-load");
	is_str(tsq_progname(), "tsq-load", "program name is the base name of argv[0]");

	tsq_error("could not open file \"%s\": %s", "x.csv", "No such file or directory");
	is_str(captured(), "tsq-load: error: could not open file \"x.csv\": No such file or directory\n",
	    "error line");
	tsq_detail("row %d", 3);
	tsq_hint("try %s", "--dry-run");
	is_str(captured(), "tsq-load: detail: row 3\ntsq-load: hint: try --dry-run\n", "detail and hint");
	tsq_data_error("data.csv", 42, "bad value \"%s\"", "a\tb\x01" "c");
	is_str(captured(), "tsq-load: error: data.csv:42: bad value \"a?b?c\"\n",
	    "file:line prefix, control characters shown as ?");
	tsq_error("server said: %s", "oops\n");
	is_str(captured(), "tsq-load: error: server said: oops\n", "trailing newline stripped");

	tsq_info("loaded");
	tsq_verbose("batch 1");
	is_str(captured(), "tsq-load: loaded\n", "info shown, verbose hidden by default");
	tsq_log_set_level(TSQ_LOG_ERROR);
	tsq_info("loaded");
	tsq_warning("careful");
	tsq_hint("a hint of the hidden warning");
	tsq_error("bad");
	tsq_hint("a hint of the error");
	is_str(captured(), "tsq-load: error: bad\ntsq-load: hint: a hint of the error\n",
	    "-q keeps only errors, and the hints of errors");
	tsq_log_set_level(TSQ_LOG_VERBOSE);
	tsq_verbose("batch 1");
	is_str(captured(), "tsq-load: batch 1\n", "-v shows verbose lines");

	/* A word from a fixed set: the value, or the error listing the words. */
	static const struct tsq_opt_choice modes[] = {
		{ "update", 1 }, { "nothing", 2 }, { "error", 3 }, { NULL, 0 },
	};
	int mode = 0;
	ok(tsq_opt_choose("on-conflict", "nothing", modes, &mode) && mode == 2, "a choice's value");
	ok(!tsq_opt_choose("on-conflict", "Nothing", modes, &mode) && mode == 2,
	    "choices are exact words");
	is_str(captured(), "tsq-load: error: invalid value \"Nothing\" for option --on-conflict: "
	    "expected update, nothing or error\n", "the error names the option and every choice");
	static const struct tsq_opt_choice two[] = { { "text", 0 }, { "json", 1 }, { NULL, 0 } };
	ok(!tsq_opt_choose("log-format", "", two, &mode), "an empty value is not a choice");
	is_str(captured(), "tsq-load: error: invalid value \"\" for option --log-format: "
	    "expected text or json\n", "two choices: \"a or b\"");

	tsq_log_set_json(true);
	tsq_error("quote \" and backslash \\ and tab\there");
	is_str(captured(), "{\"program\":\"tsq-load\",\"level\":\"error\",\"message\":"
	    "\"quote \\\" and backslash \\\\ and tab?here\"}\n", "json line, escaped");
	tsq_info("done");
	is_str(captured(), "{\"program\":\"tsq-load\",\"level\":\"info\",\"message\":\"done\"}\n",
	    "json info line");

	unlink(path);
	return done_testing();
}
