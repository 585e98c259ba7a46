/*
 * auditlog.h - the tamper-evident decision log (auditlog.c).
 *
 * A decision log is a file of JSON lines, one decision record (record.h) per line.
 * Line k carries "seq": k and "prev": the SHA-256 of line k-1's bytes (64 zeros for
 * the first line), and every line ends with its own "hash". Editing a record breaks
 * its hash; removing, reordering or replacing one breaks the sequence or the chain of
 * the line after it; a crash mid-write leaves a last line without its newline. The
 * public functions (sw_decision_log_append, sw_decision_log_verify) are declared in
 * stagewise.h; this header only adds what the unit tests reach for.
 */
#ifndef SW_AUDITLOG_H
#define SW_AUDITLOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stagewise.h"

/* The "prev" of the first record of a log. */
#define SW_LOG_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Reads "seq" and "prev" from the start of a record line. Returns 0 when the line
 * does not begin as a decision record does. prev receives 64 hex digits and a NUL. */
int sw_log_parse_chain(const char *line, size_t len, uint64_t *seq, char prev[65]);
/* The same for records of another format: feedback records ("stagewise-feedback-record",
 * docs/audit.md), chained in their own chain in the store. */
int sw_log_parse_chain_of(const char *format, const char *line, size_t len, uint64_t *seq,
                          char prev[65]);

/* The "format" of feedback records. */
#define SW_FEEDBACK_FORMAT_NAME "stagewise-feedback-record"

/* Where a record appended after this line (without its newline) goes: *seq the
 * next position, prev the line's SHA-256. Returns 0 when the line is not an intact,
 * sealed record. The file log and the store (store_pg.c) chain with it. */
int sw_log_chain_after(const char *line, size_t len, uint64_t *seq, char prev[65]);
int sw_log_chain_after_of(const char *format, const char *line, size_t len, uint64_t *seq,
                          char prev[65]);

/* The verifier of sw_decision_log_verify on any stream of record lines (f NULL: no
 * lines). The store verifies its records, read in seq order, with it. Returns SW_OK
 * whatever the verdict; SW_ERR_IO on a read error. */
sw_status sw_log_verify_stream(FILE *f, const char *expect_head, sw_log_verdict *out);

/* Gives the next line: *line its bytes (valid until the next call), *len its length,
 * with the newline when it has one. Returns 1 for a line, 0 at the end, -1 when it
 * cannot be read. */
typedef int (*sw_log_next_line)(void *ctx, const char **line, size_t *len);

/* The verifier on lines pulled one at a time (so memory does not grow with the
 * log), of records of the given format: the store feeds it rows from a cursor. */
sw_status sw_log_verify_lines(const char *format, sw_log_next_line next, void *ctx,
                              const char *expect_head, sw_log_verdict *out);

#endif
