#include <string.h>

#include "session.h"
#include "exit.h"
#include "log.h"

int
tsq_session_open(struct tsq_session *s, const struct tsq_conn_opts *o, const char *schema)
{
	struct tsq_buf err = TSQ_BUF_INIT;
	PGresult *res;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = tsq_connect(o, &s->conn)) != 0)
		return rc;
	if ((res = tsq_backend_detect(s->conn, &s->b)) != NULL) {
		tsq_report_result(res);
		PQclear(res);
		return TSQ_EXIT_FAILURE;
	}
	if (!tsq_conn_set_search_path(s->conn, schema, &err)) {
		tsq_error("%s", err.data);
		rc = TSQ_EXIT_FAILURE;
	}
	tsq_buf_free(&err);
	return rc;
}

void
tsq_session_close(struct tsq_session *s)
{
	if (s->conn)
		PQfinish(s->conn);
	s->conn = NULL;
}
