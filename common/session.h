/*
 * session.h - what every tool does first on a connection: connect as
 * conn.h says, find out what the server is (backend.h) and put a schema
 * first in the search path.  Problems are reported on standard error.
 */
#ifndef TSQ_SESSION_H
#define TSQ_SESSION_H

#include <libpq-fe.h>

#include "backend.h"
#include "conn.h"

struct tsq_session {
	PGconn *conn;		/* NULL until connected */
	struct tsq_backend b;
};

/*
 * Connect with O, detect the backend, make SCHEMA the first schema of the
 * search path.  Returns the exit status of the outcome (0: ready); S is to
 * be closed either way.
 */
int tsq_session_open(struct tsq_session *s, const struct tsq_conn_opts *o, const char *schema);
void tsq_session_close(struct tsq_session *s);

#endif
