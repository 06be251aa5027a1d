/* version.h - the version every tool prints. */
#ifndef TSQ_VERSION_H
#define TSQ_VERSION_H

#define TSQ_VERSION "0.1.0"

/*
 * The version of tsq's schema that tsq-init makes, recorded in
 * tsq.installations; what changed in each is listed in sql/finish.sql.
 */
#define TSQ_SCHEMA_VERSION 6

#endif
