/*
 * local.h - the private PostgreSQL cluster of "tsq-init --local".
 *
 * It lives under $TSQ_HOME (default $XDG_DATA_HOME/tsq, i.e.
 * ~/.local/share/tsq; /var/lib/tsq for root, whose home the server's user
 * cannot enter): data/ is the cluster, run/ its unix socket (no TCP), log/ the
 * server log.  When tsq runs as root the server runs as the "postgres" user.
 */
#ifndef TSQ_LOCAL_H
#define TSQ_LOCAL_H

#include <stdbool.h>

#include "buf.h"

#define TSQ_LOCAL_PORT "5432"
#define TSQ_LOCAL_USER "tsq"
#define TSQ_LOCAL_DBNAME "tsq"

struct tsq_local {
	char *home;
	char *datadir;
	char *sockdir;
	char *logfile;
	const char *run_as;	/* user the server runs as when we are root, or NULL */
};

/* Work out the paths.  False (and ERR, if not NULL) when no home can be found. */
bool tsq_local_paths(struct tsq_local *l, struct tsq_buf *err);
void tsq_local_free(struct tsq_local *l);
/* The cluster has been created. */
bool tsq_local_exists(const struct tsq_local *l);
/* The server is up and accepting connections. */
bool tsq_local_running(const struct tsq_local *l);

/*
 * Create the cluster if it does not exist and start it if it is not running;
 * *changed tells whether anything was done.  On failure ERR says what
 * happened and HINT what the user can do about it.
 */
bool tsq_local_start(struct tsq_local *l, bool *changed, struct tsq_buf *err,
    struct tsq_buf *hint);
bool tsq_local_stop(struct tsq_local *l, bool *changed, struct tsq_buf *err);

/* The conninfo string that reaches the cluster, for messages and psql. */
void tsq_local_conninfo(const struct tsq_local *l, struct tsq_buf *out);

#endif
