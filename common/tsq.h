/*
 * tsq.h - what every part of tsq shares: version, exit codes, and the headers
 * of libtsq.
 */
#ifndef TSQ_H
#define TSQ_H

#define TSQ_VERSION "0.1.0"

/*
 * Exit codes, the same in every tool (see tsq(7), EXIT STATUS).  Only cmd/
 * turns an outcome into one of these, and tsq_conn_exit() for connecting,
 * which every tool does alike; common/ otherwise returns errors to cmd/.
 */
enum tsq_exit {
	TSQ_EXIT_OK = 0,
	TSQ_EXIT_FAILURE = 1,
	TSQ_EXIT_CONNECT = 2,
	TSQ_EXIT_USAGE = 64,
	TSQ_EXIT_DATAERR = 65,
	TSQ_EXIT_NOINPUT = 66,
	TSQ_EXIT_UNAVAILABLE = 69,
	TSQ_EXIT_CANTCREAT = 73,
	TSQ_EXIT_TEMPFAIL = 75,
	TSQ_EXIT_SIGHUP = 129,
	TSQ_EXIT_SIGINT = 130,
	TSQ_EXIT_SIGTERM = 143,
};

#include "log.h"
#include "mem.h"
#include "buf.h"
#include "parse.h"
#include "datetime.h"
#include "ident.h"
#include "conn.h"
#include "backend.h"
#include "local.h"
#include "script.h"
#include "opt.h"
#include "input.h"
#include "reader.h"
#include "convert.h"
#include "catalog.h"
#include "loader.h"
#include "progress.h"
#include "outfile.h"

#endif
