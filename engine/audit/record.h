/*
 * record.h - decision records: one evaluation written down for auditors (record.c).
 *
 * A record is one line of compact JSON (docs/audit.md): who decided (engine,
 * guideline, rule set hash), on what (the facts as read, typed, with the hash of
 * their canonical text), what was decided (format 2.0: the outcome by id and value,
 * and the SHA-256 of the full result document, which replay renders again) and when,
 * sealed with "hash", the SHA-256 of the line without its hash member. Format 1.0
 * records, which carried the whole result, are still read. In a decision log (auditlog.c) records also carry "seq" and "prev",
 * which chain each to the line before it. record.c also reads records back, to
 * replay them (sw_record_replay).
 */
#ifndef SW_RECORD_H
#define SW_RECORD_H

#include <stdint.h>

#include "util/buf.h"
#include "util/json.h"
#include "stagewise.h"

#define SW_RECORD_FORMAT_NAME "stagewise-decision-record"

/* The hash member that ends every record: `,"hash":"` 64 hex digits `"}`. */
#define SW_RECORD_HASH_KEY ",\"hash\":\""
#define SW_RECORD_HASH_TAIL (sizeof SW_RECORD_HASH_KEY - 1 + 64 + 2)

/* Appends one record line (ending in '\n') to out. seq 0 and prev NULL write null
 * (a record on its own); a log passes its position and the previous line's hash.
 * id_out (65 bytes, may be NULL) receives the decision id. */
sw_status sw_record_build(const sw_ruleset *rules, const sw_facts *facts, const sw_result *result,
                          const sw_record_options *options, uint64_t seq, const char *prev,
                          sw_buf *out, char *id_out);

/* The SHA-256 a record line's "hash" must hold: over the line (without its newline)
 * with the hash member removed, i.e. the bytes before `,"hash":"` followed by "}".
 * Returns 0 when the line does not end with a hash member. */
int sw_record_seal(const char *line, size_t len, char hex[65]);

/* Whether a 64-character string is lowercase hex. */
int sw_is_hex64(const char *s, size_t len);

/* The "result_sha256" of a format 2 record: the SHA-256 of the compact result
 * document (json, without its newline) with every rule location ("at") reduced to
 * its base name, as the rule set's hash is, so a replay from another directory
 * gives the same digest. Returns 0 when out of memory. */
int sw_result_digest(const char *json, size_t len, char hex[65]);

/* The "outcome" member of a format 2 record: what was decided, by id and value. */
void sw_record_put_outcome(sw_json *w, const sw_report *rep);

#endif
