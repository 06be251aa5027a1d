/*
 * tsq-stats - reports sizes, chunks, compression ratios, policies and data quality.
 *
 * For now only the options every tool shares; the work itself is still to
 * be written and is refused with exit status 69.
 */
#include "stub.h"

int
main(int argc, char **argv)
{
	return tsq_stub_main(argc, argv, "reports sizes, chunks, compression ratios, policies and data quality", "[OPTION]...");
}
