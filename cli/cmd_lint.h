/*
 * cmd_lint.h - the authoring commands `stagewise lint` and `stagewise fmt`, and
 * what they share: finding the rule files behind the paths a user names.
 *
 * Both commands read rule files themselves (the library formats and lints texts
 * in memory), so both expand a directory into its *.sw files the way rule sets
 * are loaded everywhere else: in name order, not recursively, skipping hidden
 * files.
 */
#ifndef CLI_CMD_LINT_H
#define CLI_CMD_LINT_H

#include <stddef.h>

int cli_cmd_lint(int argc, char **argv);
int cli_cmd_fmt(int argc, char **argv);

extern const char cli_lint_help[];
extern const char cli_fmt_help[];

/* The most bytes read from one rule file (the library's own limit). */
#define CLI_RULES_LIMIT ((size_t)16 * 1024 * 1024)

/* Rule files named on the command line, directories expanded. */
typedef struct cli_rule_files {
    char **paths;
    size_t n, cap;
} cli_rule_files;

/* Appends path, or the *.sw files of a directory in name order. "-" is kept as it
 * is when allow_stdin is set. On a problem prints "stagewise: ..." to standard
 * error and returns the exit code (5 for a missing or unreadable path or a
 * directory without rule files, 70 when memory runs out); else returns 0. */
int cli_rule_files_add(cli_rule_files *files, const char *path, int allow_stdin);
void cli_rule_files_free(cli_rule_files *files);

#endif
