/*
 * libFuzzer target: the record reader over any bytes, in every format
 * (the first byte chooses CSV, TSV, JSON lines or a reject file, and
 * whether JSON array records are named; the data
 * may be gzip or zstd, recognised by their magic bytes), with a small record
 * limit so that oversized records are met.  Invariants: a record's first
 * line is no later than its last, offsets only grow and every record ends
 * past where it starts (but the error of a JSON array cut short), what is kept of a record's text is no longer than
 * the record, and no record has more fields than the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tsq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tsq_format formats[] = {
		TSQ_FORMAT_CSV, TSQ_FORMAT_TSV, TSQ_FORMAT_JSONL, TSQ_FORMAT_REJECTS, TSQ_FORMAT_AUTO,
	};
	char path[64];
	struct tsq_input in;
	struct tsq_record rec;
	struct tsq_buf err = TSQ_BUF_INIT;

	if (size < 1)
		return 0;
	int fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (!tsq_input_open(&in, path, &err)) {
		close(fd);
		tsq_buf_free(&err);
		return 0;
	}
	static char *names[] = { "a", "b", "c" };
	struct tsq_reader_opts o = { formats[data[0] % 5], data[0] & 0x40 ? ';' : 0, 0, 512,
		data[0] & 0x20 ? names : NULL, data[0] & 0x20 ? 3 : 0 };
	struct tsq_reader *r = tsq_reader_open(&in, &o);
	int64_t last_end = 0;
	enum tsq_read_status st = data[0] & 0x80 ? tsq_reader_header(r, &rec, &err) : TSQ_READ_RECORD;
	while (st == TSQ_READ_RECORD && (st = tsq_reader_next(r, &rec, &err)) == TSQ_READ_RECORD) {
		/* A record of no text is only an error: a JSON array document cut short. */
		if (rec.line > rec.last_line || rec.offset < last_end - 1 || rec.end < rec.offset ||
		    (rec.end == rec.offset && (rec.error == NULL || rec.rawlen > 0)) ||
		    (int64_t)rec.rawlen > rec.rawsize || rec.nfields > TSQ_MAX_FIELDS)
			abort();
		if (rec.format != TSQ_FORMAT_REJECTS && rec.format != TSQ_FORMAT_JSONL &&
		    tsq_reader_format(r) != TSQ_FORMAT_REJECTS && rec.rawsize > rec.end - rec.offset)
			abort();
		for (size_t i = 0; i < rec.nfields; i++)
			if (rec.fields[i].val && rec.fields[i].val[rec.fields[i].len] != '\0')
				abort();
		last_end = rec.end;
	}
	tsq_reader_close(r);
	tsq_input_close(&in);
	close(fd);
	tsq_buf_free(&err);
	return 0;
}
