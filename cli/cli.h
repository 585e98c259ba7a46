/*
 * cli.h - what the parts of the stagewise command share: exit codes, the command
 * entry points and their help texts, and helpers for errors and rule loading.
 *
 * main.c dispatches to one cli_cmd_* function per command (cmd_*.c); each receives
 * argv with argv[0] set to the command's name and returns the process exit code.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

#include "stagewise.h"

/* Exit codes, documented in docs/command.md and in `stagewise --help`. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = 2,      /* unknown command or option, missing argument */
    CLI_EXIT_RULES = 3,      /* the rule set has errors */
    CLI_EXIT_FACTS = 4,      /* some client's facts have errors, or are too big */
    CLI_EXIT_IO = 5,         /* a file could not be read, or output not written */
    CLI_EXIT_INTERNAL = 70   /* out of memory or an unexpected library status */
};

/* ---- commands (cmd_*.c) ---- */

int cli_cmd_check(int argc, char **argv);
int cli_cmd_eval(int argc, char **argv);

extern const char cli_check_help[];
extern const char cli_eval_help[];

/* ---- helpers (common.c) ---- */

/* Prints "stagewise COMMAND: MESSAGE" and "try 'stagewise COMMAND --help'" to
 * standard error (COMMAND may be NULL) and returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "stagewise: MESSAGE" to standard error and returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The exit code for a library status that is not a problem in the input the
 * caller expected (SW_ERR_NOMEM, SW_ERR_ARG, ...), after saying so on stderr. */
int cli_fail_status(sw_status status, const char *doing);

/* Writes the rendered diagnostics to standard error. Returns CLI_EXIT_OK, or
 * CLI_EXIT_INTERNAL when rendering ran out of memory. */
int cli_print_diagnostics(const sw_diagnostics *diags);

/* Writes "N things" (singular when N is 1) into buf. */
void cli_count(char *buf, size_t size, size_t n, const char *singular, const char *plural);

/* Loads the rule set from paths, printing its diagnostics (and a count line such as
 * "2 errors, 1 warning") to standard error. Returns CLI_EXIT_OK with *out set, or
 * the exit code to end with (rules, I/O or internal error) and *out NULL. */
int cli_load_rules(const char *const *paths, size_t npaths, sw_ruleset **out);

#endif
