/*
 * tsq.h - what every part of tsq shares: version, exit codes, and the headers
 * of libtsq.
 */
#ifndef TSQ_H
#define TSQ_H

#include "version.h"
#include "exit.h"

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
