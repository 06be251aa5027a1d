/*
 * Unit tests for the reject file (exact bytes of a record, the 64 KiB cap,
 * text that is not UTF-8, a file that cannot be written, pruning for a
 * resume, reading a record back) and for the checkpoint (every resume
 * outcome, a corrupt file).
 */
#include <stdio.h>
#include <unistd.h>

#include "tap.h"
#include "tsq.h"
#include "checkpoint.h"
#include "rejects.h"

static char dir[] = "/tmp/tsq-test-rejects.XXXXXX";

static const char *
slurp(const char *path)
{
	static char buf[200000];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return f ? buf : "(no file)";
}

static char *
in_dir(const char *name)
{
	static char path[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
	return path[k];
}

/* What the parts of main share: the scratch directory's reject file, a record, the error. */
static char *path;
static struct tsq_buf err = TSQ_BUF_INIT;
static struct tsq_reject rj = { "x.csv", 3, 42, "volume",
	"invalid input syntax for type double precision: \"x\"", NULL, "2024-01-01,A,x", 14, 14,
	TSQ_FORMAT_CSV, "time,symbol,volume", -1, 0 };

/* Records written, their exact bytes, and read back. */
static void
writing(void)
{
	/* Writing. */
	path = in_dir("r.jsonl");
	struct tsq_rejects *r = tsq_rejects_new(path, false);
	ok(!tsq_rejects_written(r), "nothing written: no file yet");
	ok(access(path, F_OK) != 0, "the file is made by the first reject only");
	ok(tsq_rejects_write(r, &rj, &err), "a record is written");
	is_str(slurp(path), "{\"file\":\"x.csv\",\"line\":3,\"offset\":42,\"column\":\"volume\","
	    "\"error\":\"invalid input syntax for type double precision: \\\"x\\\"\",\"sqlstate\":null,"
	    "\"record\":\"2024-01-01,A,x\",\"format\":\"csv\",\"header\":\"time,symbol,volume\"}\n",
	    "its exact bytes, flushed at once");
	struct tsq_reject rj2 = { "y.jsonl", 1, 0, NULL, "bad", "23514", "{\"a\":\"\xff\"}", 9, 9,
		TSQ_FORMAT_JSONL, "ignored", 1, 3 };
	ok(tsq_rejects_write(r, &rj2, &err), "another");
	const char *all = slurp(path);
	is_str(strchr(all, '\n') + 1, "{\"file\":\"y.jsonl\",\"line\":1,\"offset\":0,\"element\":2,\"column\":null,"
	    "\"error\":\"bad\",\"sqlstate\":\"23514\",\"worker\":1,\"record\":\"{\\\"a\\\":\\\"\xef\xbf\xbd\\\"}\","
	    "\"record_base64\":\"eyJhIjoi/yJ9\",\"format\":\"jsonl\",\"header\":null}\n",
	    "bytes that are not UTF-8: U+FFFD to read, the exact bytes in base64; JSON lines have no "
	    "header; an element of a JSON array document has its index");
	char *big = xmalloc(100000);
	memset(big, 'z', 100000);
	struct tsq_reject rj3 = { "x.csv", 9, 100, NULL, "too big", NULL, big, 100000, 9000000,
		TSQ_FORMAT_CSV, NULL, -1, 0 };
	ok(tsq_rejects_write(r, &rj3, &err), "a long record");
	struct tsq_reject rj4 = { "z.csv", 5, 60, NULL, "bad", NULL, "1,2", 3, 3, TSQ_FORMAT_CSV, "a,b", -1, 0 };
	ok(tsq_rejects_write(r, &rj4, &err) && (rj4.line = 6, tsq_rejects_write(r, &rj4, &err)),
	    "two records of one input");
	all = slurp(path);
	const char *fifth = strchr(strchr(strchr(strchr(all, '\n') + 1, '\n') + 1, '\n') + 1, '\n') + 1;
	is_str(strstr(all, "{\"file\":\"z.csv\""), "{\"file\":\"z.csv\",\"line\":5,\"offset\":60,\"column\":null,"
	    "\"error\":\"bad\",\"sqlstate\":null,\"record\":\"1,2\",\"format\":\"csv\",\"header\":\"a,b\"}\n"
	    "{\"file\":\"z.csv\",\"line\":6,\"offset\":60,\"column\":null,"
	    "\"error\":\"bad\",\"sqlstate\":null,\"record\":\"1,2\",\"format\":\"csv\"}\n",
	    "the header goes with the first record of an input only");
	ok(fifth == strstr(all, "{\"file\":\"z.csv\",\"line\":6"), "in the order written");
	ok(tsq_rejects_close(r, &err), "closed");
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	for (int i = 0; i < 3; i++)
		getline(&line, &cap, f);
	fclose(f);
	json_t *o = json_loads(line, 0, NULL);
	is_int(json_string_length(json_object_get(o, "record")), TSQ_RECORD_PREFIX,
	    "keeps the first 64 KiB of its text");
	is_int(json_integer_value(json_object_get(o, "record_bytes")), 9000000, "says its full size");
	ok(json_is_true(json_object_get(o, "truncated")), "and that it is truncated");
	struct tsq_reject back;
	struct tsq_buf raw = TSQ_BUF_INIT, head = TSQ_BUF_INIT;
	const char *why = NULL;
	ok(!tsq_reject_parse(o, &back, &raw, &head, &why), "a truncated record cannot be read back");
	is_str(why, "the reject record keeps only the start of the record, which cannot be loaded from it",
	    "and says why");
	is_int(back.rawsize, 9000000, "its size is kept for the next reject record");
	json_decref(o);
	o = json_loads("{\"record\":\"1,2\",\"format\":\"tsv\",\"header\":\"a\\tb\"}", 0, NULL);
	ok(tsq_reject_parse(o, &back, &raw, &head, &why) && back.format == TSQ_FORMAT_TSV && strcmp(back.raw, "1,2") == 0 &&
	    strcmp(back.header, "a\tb") == 0, "a record read back: text, format and header");
	json_decref(o);
	o = json_loads("{\"line\":1}", 0, NULL);
	ok(!tsq_reject_parse(o, &back, &raw, &head, &why) && strcmp(why, "a reject record needs a \"record\" string") == 0,
	    "an object without a record");
	json_decref(o);
	o = json_loads("{\"record\":\"1,\xef\xbf\xbd\",\"record_base64\":\"MSz/\",\"header\":\"a,\xef\xbf\xbd\","
	    "\"header_base64\":\"YSz+\"}", 0, NULL);
	ok(tsq_reject_parse(o, &back, &raw, &head, &why) && back.rawlen == 3 &&
	    memcmp(back.raw, "1,\xff", 3) == 0 && strcmp(back.header, "a,\xfe") == 0,
	    "bytes that are not UTF-8 come back exactly from base64");
	json_decref(o);
	tsq_buf_free(&raw);
	tsq_buf_free(&head);
	free(line);
	free(big);
}

/* Pruning for a resume, and a file that cannot be written. */
static void
pruning_and_failures(void)
{
	/* Records of that input at or after the offset go. */
	ok(tsq_rejects_prune(path, "x.csv", 100, NULL, 0, &err) == 1, "one record pruned");
	const char *all = slurp(path);
	ok(strstr(all, "\"line\":3") && strstr(all, "y.jsonl") && !strstr(all, "too big"),
	    "the others stay");
	is_int(tsq_rejects_prune(in_dir("none.jsonl"), "x.csv", 0, NULL, 0, &err), 0,
	    "no file, nothing to prune");
	/* A row refused in a batch its worker committed stays: that row is not read again. */
	int64_t committed[2] = { 0, 5 };
	is_int(tsq_rejects_prune(path, "y.jsonl", 0, committed, 2, &err), 0,
	    "worker 1 committed past the record: it stays");
	committed[1] = 0;
	is_int(tsq_rejects_prune(path, "y.jsonl", 0, committed, 2, &err), 1,
	    "worker 1 had not: it goes");

	/* A file that cannot be written. */
	struct tsq_rejects *r = tsq_rejects_new("/dev/full", false);
	tsq_buf_reset(&err);
	ok(!tsq_rejects_write(r, &rj, &err), "a full disk is a failure");
	is_str(err.data, "could not write reject file \"/dev/full\": No space left on device", "with the reason");
	tsq_buf_reset(&err);
	ok(!tsq_rejects_write(r, &rj, &err), "and stays one");
	tsq_buf_reset(&err);
	ok(tsq_rejects_close(r, &err) && err.len == 0, "closing does not say it again");
	r = tsq_rejects_new(in_dir("no/such/dir.jsonl"), false);
	tsq_buf_reset(&err);
	ok(!tsq_rejects_write(r, &rj, &err) && strstr(err.data, "No such file or directory"),
	    "a path that cannot be made");
	tsq_rejects_close(r, &err);
}

static void
checkpoints(void)
{
	char *cp = in_dir("cp.json");
	struct tsq_buf warn = TSQ_BUF_INIT;
	struct tsq_checkpoint *c = tsq_checkpoint_load(cp, true, &warn);
	struct tsq_resume_point rp, back_rp;
	is_int(tsq_checkpoint_find(c, "x.csv", &back_rp), TSQ_RESUME_NONE, "no file: nothing recorded");
	rp = (struct tsq_resume_point){ 120, 7, "crc32c:0a0b0c0d-120", false };
	ok(tsq_checkpoint_save(c, "t", "x.csv", &rp, "x.rej", &err), "saved");
	tsq_checkpoint_free(c);
	c = tsq_checkpoint_load(cp, true, &warn);
	is_int(tsq_checkpoint_find(c, "x.csv", &back_rp), TSQ_RESUME_AT, "read back: resume");
	is_int(back_rp.offset, 120, "at the offset");
	is_int(back_rp.line, 7, "and line");
	is_str(back_rp.hash, "crc32c:0a0b0c0d-120", "with the bytes' hash");
	ok(!back_rp.done, "not done");
	is_int(tsq_checkpoint_find(c, "y.csv", &back_rp), TSQ_RESUME_NONE, "another input");
	rp = (struct tsq_resume_point){ 500, 20, "crc32c:ffffffff-500", true };
	ok(tsq_checkpoint_save(c, "t", "x.csv", &rp, NULL, &err), "done");
	ok(tsq_checkpoint_find(c, "x.csv", &back_rp) == TSQ_RESUME_AT && back_rp.done &&
	    back_rp.offset == 500, "done is recorded, with where it ended");
	tsq_checkpoint_free(c);
	c = tsq_checkpoint_load(cp, false, &warn);
	is_int(tsq_checkpoint_find(c, "x.csv", &back_rp), TSQ_RESUME_NONE,
	    "without --resume the file is not read");
	tsq_checkpoint_free(c);
	FILE *f2 = fopen(cp, "w");
	fputs("{\"files\": {\"x.csv\": {\"identity\": 1", f2);
	fclose(f2);
	c = tsq_checkpoint_load(cp, true, &warn);
	ok(strncmp(warn.data, "ignoring checkpoint \"", 21) == 0, "a corrupt file is ignored with a warning");
	is_int(tsq_checkpoint_find(c, "x.csv", &back_rp), TSQ_RESUME_NONE, "and is empty");
	tsq_checkpoint_free(c);
	f2 = fopen(cp, "w");
	fputs("{\"files\": {\"x.csv\": {\"identity\": \"0123456789abcdef0123456789abcdef\", "
	    "\"offset\": 100, \"line\": 3}}}", f2);
	fclose(f2);
	tsq_buf_reset(&warn);
	c = tsq_checkpoint_load(cp, true, &warn);
	is_int(tsq_checkpoint_find(c, "x.csv", &back_rp), TSQ_RESUME_OLD,
	    "a checkpoint of an earlier tsq-load, without the bytes' hash, is told apart");
	tsq_checkpoint_free(c);
	f2 = fopen(cp, "w");
	fputs("{\"files\": {\"x.csv\": {\"hash\": \"x\", \"offset\": -5, \"line\": 0}}}", f2);
	fclose(f2);
	c = tsq_checkpoint_load(cp, true, &warn);
	is_int(tsq_checkpoint_find(c, "x.csv", &back_rp), TSQ_RESUME_NONE,
	    "an impossible position is not resumed from");
	tsq_checkpoint_free(c);
	c = tsq_checkpoint_load(in_dir("no/dir/cp.json"), false, &warn);
	tsq_buf_reset(&err);
	ok(!tsq_checkpoint_save(c, "t", "x.csv", &rp, NULL, &err) &&
	    strncmp(err.data, "checkpoint: could not write \"", 29) == 0, "a checkpoint that cannot be written");
	tsq_checkpoint_free(c);
	tsq_buf_free(&warn);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	writing();
	pruning_and_failures();
	checkpoints();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	tsq_buf_free(&err);
	return done_testing();
}
