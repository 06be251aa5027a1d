/*
 * input.h - a byte stream from a file or stdin, decompressed on the fly.
 *
 * gzip and zstd are recognised by their magic bytes, whatever the file is
 * called, so "zcat | tsq-load" and "tsq-load x.csv.gz" both work.  Offsets
 * seen by the readers are offsets in the decompressed data.
 *
 * A compressed input is decompressed and checked to its end when it is
 * opened, before any byte of it is handed out: corrupt data never reaches
 * the table (a pipe is kept in a temporary file for that meanwhile).
 */
#ifndef TSQ_INPUT_H
#define TSQ_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

enum tsq_compression {
	TSQ_COMPRESSION_NONE,
	TSQ_COMPRESSION_GZIP,
	TSQ_COMPRESSION_ZSTD,
};

struct tsq_input {
	const char *name;	/* as given; "-" is stdin */
	const char *display;	/* for messages: the name, or "stdin" */
	int fd;
	enum tsq_compression compression;
	int64_t size;		/* bytes on disk, -1 when unknown (a pipe) */
	int64_t raw_read;	/* bytes read from disk so far, for progress */
	bool eof;
	bool frame_end;		/* the last gzip member or zstd frame is complete */
	void *codec;		/* z_stream or ZSTD_DStream */
	unsigned char *raw;	/* compressed bytes not yet decoded */
	size_t raw_len, raw_pos, raw_cap;
	int spool;		/* a compressed pipe kept while it is checked, or -1 */
};

/* Open NAME ("-" for stdin).  False with ERR set (errno kept) on failure. */
bool tsq_input_open(struct tsq_input *in, const char *name, struct tsq_buf *err);

/*
 * Read up to SIZE decompressed bytes into BUF.  Returns the number read, 0 at
 * the end, -1 with ERR set on a read or decompression error.  EINTR is
 * returned as -1 with errno EINTR so the caller can look at its signal flag.
 */
ssize_t tsq_input_read(struct tsq_input *in, void *buf, size_t size, struct tsq_buf *err);

void tsq_input_close(struct tsq_input *in);

const char *tsq_compression_name(enum tsq_compression c);

#endif
