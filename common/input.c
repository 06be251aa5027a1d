#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "input.h"
#include "mem.h"

#define RAW_BUFSIZE (128 * 1024)

const char *
tsq_compression_name(enum tsq_compression c)
{
	switch (c) {
	case TSQ_COMPRESSION_GZIP:
		return "gzip";
	case TSQ_COMPRESSION_ZSTD:
		return "zstd";
	default:
		return "none";
	}
}

/* Keep compressed bytes read from a pipe in the spool file (see check_whole). */
static bool
spool_write(struct tsq_input *in, const unsigned char *p, size_t n, struct tsq_buf *err)
{
	while (n > 0) {
		ssize_t w = write(in->spool, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : ENOSPC;
			tsq_buf_addf(err, "could not keep the compressed input of \"%s\" in a temporary "
			    "file: %s", in->display, strerror(e));
			errno = e;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* read(2) from IN's file: -1 on failure, reported but for EINTR (errno kept). */
static ssize_t
read_file(struct tsq_input *in, void *buf, size_t size, struct tsq_buf *err)
{
	ssize_t n = read(in->fd, buf, size);

	if (n < 0) {
		int e = errno;
		if (e != EINTR)
			tsq_buf_addf(err, "could not read \"%s\": %s", in->display, strerror(e));
		errno = e;
	}
	return n;
}

/* Fill the raw buffer; returns bytes added, 0 at end of file, -1 on error. */
static ssize_t
fill_raw(struct tsq_input *in, struct tsq_buf *err)
{
	if (in->raw_pos > 0 && in->raw_pos == in->raw_len)
		in->raw_pos = in->raw_len = 0;
	if (in->raw_len == in->raw_cap) {
		if (in->raw_pos == 0)
			return 0;	/* full and nothing consumed: caller's bug */
		memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
		in->raw_len -= in->raw_pos;
		in->raw_pos = 0;
	}
	ssize_t n = read_file(in, in->raw + in->raw_len, in->raw_cap - in->raw_len, err);
	if (n < 0)
		return -1;
	if (in->spool >= 0 && n > 0 && !spool_write(in, in->raw + in->raw_len, (size_t)n, err))
		return -1;
	in->raw_len += (size_t)n;
	in->raw_read += n;
	return n;
}

static ssize_t read_decompressed(struct tsq_input *in, void *buf, size_t size, struct tsq_buf *err);

/*
 * gzip and zstd check their data only at the end of a member or frame (the
 * CRC, the content checksum): a flipped byte decodes into plausible garbage
 * long before the check fails.  So a compressed input is decompressed once
 * to its end, and checked, before any of it is handed out: a regular file
 * is read again from its start; a pipe is kept in a temporary file (in
 * TMPDIR, unlinked, as big as the compressed input) while it is checked,
 * and read back from there.
 */
static bool
check_whole(struct tsq_input *in, struct tsq_buf *err)
{
	struct stat st;
	bool seekable = fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    lseek(in->fd, 0, SEEK_CUR) >= 0;
	size_t scratch_size = 256 * 1024;
	unsigned char *scratch;
	ssize_t n;

	if (!seekable) {
		const char *dir = getenv("TMPDIR");
		in->spool = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (in->spool < 0) {
			tsq_buf_addf(err, "could not make a temporary file for the compressed input of "
			    "\"%s\" (in %s): %s", in->display, dir && *dir ? dir : "/tmp", strerror(errno));
			return false;
		}
		if (!spool_write(in, in->raw, in->raw_len, err))
			return false;
	}
	scratch = xmalloc(scratch_size);
	do {
		n = read_decompressed(in, scratch, scratch_size, err);
	} while (n > 0);
	free(scratch);
	if (n < 0) {
		if (errno == EINTR)
			tsq_buf_addf(err, "interrupted while checking the compressed input \"%s\"",
			    in->display);
		return false;
	}
	/* Checked: read it again from the start. */
	if (!seekable) {
		in->fd = in->spool;
		in->spool = -1;
		in->size = -1;
	}
	if (lseek(in->fd, 0, SEEK_SET) < 0) {
		tsq_buf_addf(err, "could not read \"%s\" again: %s", in->display, strerror(errno));
		return false;
	}
	in->raw_len = in->raw_pos = 0;
	in->raw_read = 0;
	in->eof = in->frame_end = false;
	if (in->compression == TSQ_COMPRESSION_GZIP)
		inflateReset(in->codec);
	else
		ZSTD_initDStream(in->codec);
	return true;
}

bool
tsq_input_open(struct tsq_input *in, const char *name, struct tsq_buf *err)
{
	struct stat st;

	memset(in, 0, sizeof *in);
	in->name = name;
	in->size = -1;
	in->spool = -1;
	if (strcmp(name, "-") == 0) {
		in->display = "stdin";
		in->fd = STDIN_FILENO;
	} else {
		in->display = name;
		in->fd = open(name, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			int e = errno;
			tsq_buf_addf(err, "could not open file \"%s\": %s", name, strerror(e));
			errno = e;
			return false;
		}
	}
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
		in->size = st.st_size;
#ifdef F_SETPIPE_SZ
	/*
	 * A pipe of 1 MiB rather than 64 KiB: a producer at full speed and the
	 * reader wake each other sixteen times less (the kernel may refuse:
	 * then the pipe stays as it was).
	 */
	if (fstat(in->fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(in->fd, F_SETPIPE_SZ, 1 << 20);
#endif
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		tsq_buf_addf(err, "could not read \"%s\": %s", name, strerror(EISDIR));
		close(in->fd);
		errno = EISDIR;
		return false;
	}
	in->raw_cap = RAW_BUFSIZE;
	in->raw = xmalloc(in->raw_cap);

	/* Sniff the magic bytes; a short read at the start is retried. */
	while (in->raw_len < 4) {
		ssize_t n = fill_raw(in, err);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			tsq_input_close(in);
			return false;
		}
		if (n == 0)
			break;
	}
	const unsigned char *m = in->raw;
	if (in->raw_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		z_stream *z = xcalloc(1, sizeof *z);
		if (inflateInit2(z, 15 + 32) != Z_OK) {
			free(z);
			tsq_buf_addf(err, "could not start gzip decompression");
			tsq_input_close(in);
			return false;
		}
		in->codec = z;
		in->compression = TSQ_COMPRESSION_GZIP;
	} else if (in->raw_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f &&
	    m[3] == 0xfd) {
		ZSTD_DStream *z = ZSTD_createDStream();
		if (z == NULL) {
			tsq_buf_addf(err, "could not start zstd decompression");
			tsq_input_close(in);
			return false;
		}
		ZSTD_initDStream(z);
		in->codec = z;
		in->compression = TSQ_COMPRESSION_ZSTD;
	}
	if (in->compression != TSQ_COMPRESSION_NONE && !check_whole(in, err)) {
		int e = errno;
		tsq_input_close(in);
		errno = e;
		return false;
	}
	return true;
}

/* Refill the raw buffer when it is used up; false on a read error. */
static bool
refill(struct tsq_input *in, struct tsq_buf *err)
{
	if (in->raw_pos < in->raw_len || in->eof)
		return true;
	ssize_t n = fill_raw(in, err);
	if (n < 0)
		return false;
	if (n == 0)
		in->eof = true;
	return true;
}

/* The compressed data of IN is bad: WHY.  -1, errno EIO. */
static ssize_t
corrupt(struct tsq_input *in, struct tsq_buf *err, const char *why)
{
	if (why)
		tsq_buf_addf(err, "could not decompress \"%s\": %s", in->display, why);
	else
		tsq_buf_addf(err, "could not decompress \"%s\": unexpected end of %s data",
		    in->display, tsq_compression_name(in->compression));
	errno = EIO;
	return -1;
}

/* A step of decompression found no output yet: read on. */
enum { READ_ON = -2 };

/*
 * One step of gzip's inflate over what refill() holds: bytes into BUF, 0 at
 * the end of the input, -1 on bad data (reported), or READ_ON.
 */
static ssize_t
gunzip_step(struct tsq_input *in, void *buf, size_t size, struct tsq_buf *err)
{
	z_stream *z = in->codec;

	if (in->frame_end) {
		if (in->raw_pos == in->raw_len)
			return 0;	/* refill found the end of the file */
		/* Concatenated members (cat a.gz b.gz) go on. */
		inflateReset(z);
		in->frame_end = false;
	}
	z->next_in = in->raw + in->raw_pos;
	z->avail_in = (uInt)(in->raw_len - in->raw_pos);
	z->next_out = buf;
	z->avail_out = (uInt)size;
	int rc = inflate(z, Z_NO_FLUSH);
	in->raw_pos = in->raw_len - z->avail_in;
	size_t got = size - z->avail_out;
	if (rc == Z_STREAM_END)
		in->frame_end = true;
	else if (rc != Z_OK && rc != Z_BUF_ERROR)
		return corrupt(in, err, z->msg ? z->msg : "corrupt gzip data");
	if (got > 0)
		return (ssize_t)got;
	if (!in->frame_end && in->eof && in->raw_pos == in->raw_len)
		return corrupt(in, err, NULL);
	return READ_ON;
}

/* One step of zstd's decompression, as gunzip_step. */
static ssize_t
unzstd_step(struct tsq_input *in, void *buf, size_t size, struct tsq_buf *err)
{
	if (in->eof && in->raw_pos == in->raw_len && in->frame_end)
		return 0;
	ZSTD_inBuffer ib = { in->raw, in->raw_len, in->raw_pos };
	ZSTD_outBuffer ob = { buf, size, 0 };
	size_t hint = ZSTD_decompressStream(in->codec, &ob, &ib);
	in->raw_pos = ib.pos;
	if (ZSTD_isError(hint))
		return corrupt(in, err, ZSTD_getErrorName(hint));
	in->frame_end = hint == 0;
	if (ob.pos > 0)
		return (ssize_t)ob.pos;
	if (in->eof && in->raw_pos == in->raw_len && !in->frame_end)
		return corrupt(in, err, NULL);
	return READ_ON;
}

/* Decompressed bytes into BUF: how many, 0 at the end, -1 on failure (reported). */
static ssize_t
read_decompressed(struct tsq_input *in, void *buf, size_t size, struct tsq_buf *err)
{
	ssize_t got = READ_ON;

	while (got == READ_ON && refill(in, err))
		got = in->compression == TSQ_COMPRESSION_GZIP ? gunzip_step(in, buf, size, err) :
		    unzstd_step(in, buf, size, err);
	return got == READ_ON ? -1 : got;
}

ssize_t
tsq_input_read(struct tsq_input *in, void *buf, size_t size, struct tsq_buf *err)
{
	if (in->compression != TSQ_COMPRESSION_NONE)
		return read_decompressed(in, buf, size, err);
	/* Uncompressed: hand out what the sniffing read first, then read directly. */
	if (in->raw_pos < in->raw_len) {
		size_t n = in->raw_len - in->raw_pos;
		if (n > size)
			n = size;
		memcpy(buf, in->raw + in->raw_pos, n);
		in->raw_pos += n;
		return (ssize_t)n;
	}
	ssize_t n = read_file(in, buf, size, err);
	if (n < 0)
		return -1;
	in->raw_read += n;
	return n;
}

void
tsq_input_close(struct tsq_input *in)
{
	if (in->compression == TSQ_COMPRESSION_GZIP) {
		inflateEnd(in->codec);
		free(in->codec);
	} else if (in->compression == TSQ_COMPRESSION_ZSTD) {
		ZSTD_freeDStream(in->codec);
	}
	in->codec = NULL;
	if (in->spool >= 0)
		close(in->spool);
	in->spool = -1;
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
	free(in->raw);
	in->raw = NULL;
}
