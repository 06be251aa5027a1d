/*
 * stub.h - the main() of a tool whose real work has not been written yet: it
 * takes the shared options like every tool, and refuses the work with exit 69.
 */
#ifndef TSQ_STUB_H
#define TSQ_STUB_H

int tsq_stub_main(int argc, char **argv, const char *summary, const char *synopsis);

#endif
