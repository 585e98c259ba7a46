/*
 * diag.h - queuing diagnostics as records; only renderers print them.
 *
 * A diagnostic is found at a byte offset in a named text; line, column and the
 * source line are worked out here, once, when the record is queued.
 */
#ifndef SW_DIAG_H
#define SW_DIAG_H

#include <stddef.h>

#include "stagewise.h"

/* Where a diagnostic points: a text (file name and contents) and a byte span. */
typedef struct sw_where {
    const char *file;        /* NULL for no location */
    const char *text;        /* the whole file, to find the line; may be NULL */
    size_t textlen;
    size_t offset, length;
} sw_where;

/* Whether memory ran out while queuing a diagnostic (one was lost): a caller that
 * reports errors must then answer SW_ERR_NOMEM, not SW_ERR_RULES. */
int sw_diag_nomem(const sw_diagnostics *d);

/* Records that a facts input was not a well-formed document (the facts reader
 * calls it with F001 and F013); sw_diagnostics_malformed tells. d may be NULL. */
void sw_diag_mark_malformed(sw_diagnostics *d);

/* Adds a related place to the diagnostic queued last (if it was queued): where
 * and a note saying what it is ("the first declaration is here"). */
void sw_diag_relate(sw_diagnostics *d, sw_where where, const char *note);

/* Queues a diagnostic. hint and field may be NULL. Returns 0 when memory ran out
 * (the list then records that it is incomplete). */
int sw_diag_add(sw_diagnostics *d, sw_severity sev, const char *code, sw_where where,
                const char *field, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* As sw_diag_add with line and column already known (libyaml marks). */
int sw_diag_add_at(sw_diagnostics *d, sw_severity sev, const char *code, const char *file,
                   unsigned line, unsigned column, const char *source_line,
                   const char *field, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

#endif
