/*
 * cmd_audit.h - the auditor's commands (explain, audit, replay, diff), their exit
 * codes, and the hooks `eval` and `check` call for production mode, decision logging
 * and rule status counts. See docs/audit.md.
 */
#ifndef CLI_CMD_AUDIT_H
#define CLI_CMD_AUDIT_H

#include <stdio.h>

#include "stagewise.h"

/* Exit codes of the audit commands, beyond those of cli.h (docs/audit.md). */
enum {
    CLI_EXIT_LOG_TORN = 6,        /* audit verify: the last line is incomplete; the
                                     records before it are intact */
    CLI_EXIT_LOG_BROKEN = 7,      /* audit verify: a record was altered, removed or
                                     reordered, or the log was truncated */
    CLI_EXIT_REPLAY_DIFFERS = 8,  /* replay: the result is not the recorded one */
    CLI_EXIT_REPLAY_REFUSED = 9   /* replay: the rule set is not the recorded one */
};

int cli_cmd_explain(int argc, char **argv);
int cli_cmd_audit(int argc, char **argv);
int cli_cmd_replay(int argc, char **argv);
int cli_cmd_diff(int argc, char **argv);
int cli_cmd_store(int argc, char **argv);

extern const char cli_explain_help[];
extern const char cli_audit_help[];
extern const char cli_replay_help[];
extern const char cli_diff_help[];
extern const char cli_store_help[];

/* Connects to the decision store at url (cmd_store.c); returns CLI_EXIT_OK with
 * *out set, or the exit code after printing why (never the password). */
int cli_store_open(const char *url, sw_store **out);

/* ---- hooks for `eval` and `check` (cmd_audit.c) ---- */

/* Production mode: prints every rule that is not in production status (as
 * diagnostics, with a count line) and returns CLI_EXIT_RULES; CLI_EXIT_OK when all
 * are in production. */
int cli_audit_require_production(const sw_ruleset *rules);

/* Prints "rules by status: N production, N testing, N draft, N retired" to out. */
void cli_audit_print_status_counts(FILE *out, const sw_ruleset *rules);

/* Decision logging for `eval --log FILE`: the options every record is written with. */
typedef struct cli_audit_log {
    const char *path;             /* NULL: no logging */
    sw_store *store;              /* --store URL: records go to the store, not path */
    sw_record_options options;
    unsigned char *key;           /* the pseudonym key read from its file, or NULL */
    const char *decision_id;      /* --decision-id: the first record's id */
    char id_buf[96];              /* "ID-2", "ID-3", ... for later records */
    unsigned long records;        /* records appended so far */
} cli_audit_log;

/* Reads the pseudonym key file (when key_path is not NULL) into log; returns
 * CLI_EXIT_OK or the exit code after printing why. */
int cli_audit_log_open(cli_audit_log *log, const char *path, const char *key_path,
                       const char *decision_id, const char *timestamp, int production);
/* --store URL: connects; records then go to the store. Returns CLI_EXIT_OK or the
 * exit code after printing why. */
int cli_audit_log_use_store(cli_audit_log *log, const char *url);
/* Appends the record of one evaluation; returns CLI_EXIT_OK or an exit code. */
int cli_audit_log_append(cli_audit_log *log, const sw_ruleset *rules, const sw_facts *facts,
                         const sw_result *result);
void cli_audit_log_close(cli_audit_log *log);

/* Reads a pseudonym key file: at least 16 bytes, at most 4 KiB. Returns
 * CLI_EXIT_OK with *key (free) and *len set, or the exit code after printing why. */
int cli_audit_read_key(const char *path, unsigned char **key, size_t *len);

/* Whether text is a valid --timestamp value ("YYYY-MM-DDTHH:MM:SSZ"). */
int cli_audit_timestamp_ok(const char *text);

#endif
