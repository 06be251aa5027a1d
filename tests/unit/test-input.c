/*
 * Unit tests for common/input.c: plain, gzip and zstd files read back byte
 * for byte (compressed here by zlib and libzstd themselves), concatenated
 * members and frames, read sizes down to one byte, and the errors: a missing
 * file, a directory, truncated and corrupt data.
 */
#include <errno.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "tap.h"
#include "tsq.h"

static char dir[] = "/tmp/tsq-test-input.XXXXXX";

static const char *
write_file(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
	return path;
}

/* DATA as one gzip member, appended to OUT. */
static void
gzip_to(struct tsq_buf *out, const char *data, size_t len)
{
	z_stream z;
	unsigned char chunk[4096];

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	int rc;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		rc = deflate(&z, Z_FINISH);
		tsq_buf_add(out, (char *)chunk, sizeof chunk - z.avail_out);
	} while (rc == Z_OK);
	deflateEnd(&z);
}

static void
zstd_to(struct tsq_buf *out, const char *data, size_t len)
{
	size_t cap = ZSTD_compressBound(len);
	char *c = xmalloc(cap);
	size_t n = ZSTD_compress(c, cap, data, len, 3);

	if (ZSTD_isError(n))
		abort();
	tsq_buf_add(out, c, n);
	free(c);
}

/*
 * Read PATH to the end in pieces of STEP bytes.  Returns the bytes, or NULL
 * with *ERR set when a read failed.
 */
static char *
read_all(const char *path, size_t step, size_t *len, enum tsq_compression *comp,
    struct tsq_buf *err)
{
	struct tsq_input in;
	struct tsq_buf got = TSQ_BUF_INIT;
	char *piece = xmalloc(step);
	ssize_t n;

	if (!tsq_input_open(&in, path, err)) {
		free(piece);
		return NULL;
	}
	*comp = in.compression;
	while ((n = tsq_input_read(&in, piece, step, err)) > 0)
		tsq_buf_add(&got, piece, (size_t)n);
	tsq_input_close(&in);
	free(piece);
	*len = got.len;
	if (n < 0) {
		tsq_buf_free(&got);
		return NULL;
	}
	return tsq_buf_detach(&got);
}

static void
reads_back(const char *name, const struct tsq_buf *file, const char *want, size_t want_len,
    enum tsq_compression want_comp)
{
	static const size_t steps[] = { 1, 7, 4096, 1 << 20 };
	const char *path = write_file(name, file->data, file->len);

	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		struct tsq_buf err = TSQ_BUF_INIT;
		enum tsq_compression comp = TSQ_COMPRESSION_NONE;
		size_t len = 0;
		char *got = read_all(path, steps[i], &len, &comp, &err);
		ok(got && len == want_len && memcmp(got, want, want_len) == 0,
		    "%s read %zu bytes at a time: the same %zu bytes", name, steps[i], want_len);
		if (err.len)
			printf("#   %s\n", err.data);
		is_int(comp, want_comp, "%s: recognised as %s", name, tsq_compression_name(want_comp));
		free(got);
		tsq_buf_free(&err);
	}
}

/* Reading FILE fails with `could not decompress "PATH": WHY`. */
static void
fails_with(const char *name, const struct tsq_buf *file, const char *why)
{
	const char *path = write_file(name, file->data, file->len);
	struct tsq_buf err = TSQ_BUF_INIT, want = TSQ_BUF_INIT;
	enum tsq_compression comp;
	size_t len;

	tsq_buf_addf(&want, "could not decompress \"%s\": %s", path, why);
	char *got = read_all(path, 4096, &len, &comp, &err);
	ok(got == NULL, "%s: the read fails", name);
	is_str(err.data, want.data, "%s: the message", name);
	free(got);
	tsq_buf_free(&err);
	tsq_buf_free(&want);
}

int
main(void)
{
	struct tsq_buf text = TSQ_BUF_INIT, plain = TSQ_BUF_INIT, gz = TSQ_BUF_INIT,
	    zs = TSQ_BUF_INIT, bad = TSQ_BUF_INIT;
	struct tsq_buf err = TSQ_BUF_INIT;
	struct tsq_input in;

	if (mkdtemp(dir) == NULL)
		return 1;
	/*
	 * 60,000 lines (3 MB; 690 KB of gzip, 540 KB of zstd): past every buffer
	 * of the reader (128 KiB of compressed input, a zstd block, the largest
	 * read below) several times over, and small enough to be read a byte at a
	 * time in a second.
	 */
	tsq_buf_adds(&text, "time,symbol,open,high,low,close,volume\n");
	for (int i = 0; i < 60000; i++)
		tsq_buf_addf(&text, "2024-01-01T00:%02d:%02dZ,S%d,%d.5,%d,1,2,%d\n", i / 60 % 60,
		    i % 60, i % 97, i, i + 1, i * 7);

	tsq_buf_add(&plain, text.data, text.len);
	reads_back("plain.csv", &plain, text.data, text.len, TSQ_COMPRESSION_NONE);

	gzip_to(&gz, text.data, text.len);
	reads_back("data.csv.gz", &gz, text.data, text.len, TSQ_COMPRESSION_GZIP);
	/* Named .csv: recognised by its bytes, not its name. */
	reads_back("gzip-named.csv", &gz, text.data, text.len, TSQ_COMPRESSION_GZIP);

	/* cat a.gz b.gz: both members, one after the other. */
	struct tsq_buf two = TSQ_BUF_INIT, want2 = TSQ_BUF_INIT;
	gzip_to(&two, "a,1\n", 4);
	gzip_to(&two, text.data, text.len);
	tsq_buf_adds(&want2, "a,1\n");
	tsq_buf_add(&want2, text.data, text.len);
	reads_back("two.csv.gz", &two, want2.data, want2.len, TSQ_COMPRESSION_GZIP);

	zstd_to(&zs, text.data, text.len);
	reads_back("data.csv.zst", &zs, text.data, text.len, TSQ_COMPRESSION_ZSTD);
	tsq_buf_free(&two);
	zstd_to(&two, "a,1\n", 4);
	zstd_to(&two, text.data, text.len);
	reads_back("two.csv.zst", &two, want2.data, want2.len, TSQ_COMPRESSION_ZSTD);

	struct tsq_buf empty = TSQ_BUF_INIT;
	reads_back("empty.csv", &empty, "", 0, TSQ_COMPRESSION_NONE);
	/* Shorter than any magic number. */
	tsq_buf_adds(&empty, "\x1f");
	reads_back("one-byte.csv", &empty, "\x1f", 1, TSQ_COMPRESSION_NONE);

	/* Errors. */
	tsq_buf_add(&bad, gz.data, gz.len / 2);
	fails_with("cut.csv.gz", &bad, "unexpected end of gzip data");
	tsq_buf_reset(&bad);
	tsq_buf_add(&bad, zs.data, zs.len - 3);
	fails_with("cut.csv.zst", &bad, "unexpected end of zstd data");
	tsq_buf_reset(&bad);
	tsq_buf_add(&bad, gz.data, gz.len);
	bad.data[gz.len / 2] ^= 0x55;
	bad.data[gz.len / 2 + 1] ^= 0x55;
	const char *path = write_file("corrupt.csv.gz", bad.data, bad.len);
	size_t len;
	enum tsq_compression comp;
	char *got = read_all(path, 4096, &len, &comp, &err);
	ok(got == NULL && strstr(err.data, "could not decompress") != NULL,
	    "corrupt gzip data: the read fails (%s)", err.data);
	free(got);
	tsq_buf_reset(&err);

	ok(!tsq_input_open(&in, "/tmp/tsq-no-such-file.csv", &err) && errno == ENOENT,
	    "a missing file: not opened, errno ENOENT");
	is_str(err.data, "could not open file \"/tmp/tsq-no-such-file.csv\": No such file or directory",
	    "a missing file: the message");
	tsq_buf_reset(&err);
	ok(!tsq_input_open(&in, dir, &err) && errno == EISDIR, "a directory: not opened, errno EISDIR");
	tsq_buf_reset(&err);

	tsq_buf_free(&text);
	tsq_buf_free(&plain);
	tsq_buf_free(&gz);
	tsq_buf_free(&zs);
	tsq_buf_free(&bad);
	tsq_buf_free(&two);
	tsq_buf_free(&want2);
	tsq_buf_free(&empty);
	tsq_buf_free(&err);
	const char *names[] = { "plain.csv", "data.csv.gz", "gzip-named.csv", "two.csv.gz",
		"data.csv.zst", "two.csv.zst", "empty.csv", "one-byte.csv", "cut.csv.gz",
		"cut.csv.zst", "corrupt.csv.gz" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char p[256];
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
	return done_testing();
}
