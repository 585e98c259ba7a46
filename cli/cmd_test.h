/*
 * cmd_test.h - the commands of the scenario tests and guidance coverage:
 * `stagewise test` (cmd_test.c) and `stagewise coverage` (cmd_coverage.c).
 *
 * Both read the library's internal scenario and coverage modules
 * (engine/authoring/scenario.h, engine/authoring/coverage.h), which are not part of the public API.
 */
#ifndef CLI_CMD_TEST_H
#define CLI_CMD_TEST_H

#include <stddef.h>

#include "stagewise.h"

int cli_cmd_test(int argc, char **argv);
int cli_cmd_coverage(int argc, char **argv);

/* Reads the scenario files at paths (or, when npaths is 0, the tests/ directory of
 * each RULES path) into set, printing their diagnostics on standard error.
 * Returns an exit code: OK, FACTS (some file had errors), USAGE, IO or INTERNAL. */
int cli_load_scenarios(const char **rules, size_t nrules, const char **paths, size_t npaths,
                       sw_scenarios *set);

extern const char cli_test_help[];
extern const char cli_coverage_help[];

#endif
