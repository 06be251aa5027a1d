/* version.h - the version every tool prints. */
#ifndef TSQ_VERSION_H
#define TSQ_VERSION_H

#define TSQ_VERSION "0.1.0"

#endif
