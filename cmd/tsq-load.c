/*
 * tsq-load - loads CSV and JSON-lines files into a table.
 *
 * For now only the options every tool shares; the work itself is still to
 * be written and is refused with exit status 69.
 */
#include "stub.h"

int
main(int argc, char **argv)
{
	return tsq_stub_main(argc, argv, "loads CSV and JSON-lines files into a table", "[OPTION]... TABLE [FILE]...");
}
