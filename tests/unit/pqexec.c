/*
 * pqexec - test helper, not a test: runs one statement through libpq's
 * extended protocol (PQexecParams) against $TSQ_DB and prints the rows,
 * fields separated by '|', NULL as "<null>".
 *
 * usage: pqexec SQL [PARAM]...
 */
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

int
main(int argc, char **argv)
{
	const char *keys[] = { "dbname", NULL };
	const char *vals[] = { getenv("TSQ_DB"), NULL };
	PGconn *conn;
	PGresult *res;

	if (argc < 2) {
		fprintf(stderr, "usage: pqexec SQL [PARAM]...\n");
		return 64;
	}
	conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "%s", PQerrorMessage(conn));
		return 2;
	}
	res = PQexecParams(conn, argv[1], argc - 2, NULL, (const char *const *)argv + 2, NULL,
	    NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "%s", PQresultErrorMessage(res));
		PQclear(res);
		PQfinish(conn);
		return 1;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		for (int c = 0; c < PQnfields(res); c++)
			printf("%s%s", c ? "|" : "", PQgetisnull(res, r, c) ? "<null>" : PQgetvalue(res, r, c));
		printf("\n");
	}
	PQclear(res);
	PQfinish(conn);
	return 0;
}
