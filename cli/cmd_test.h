/*
 * cmd_test.h - the commands of the scenario tests and guidance coverage:
 * `stagewise test` (cmd_test.c) and `stagewise coverage` (cmd_coverage.c).
 *
 * Both read the library's internal scenario and coverage modules
 * (engine/authoring/scenario.h, engine/authoring/coverage.h), which are not part of the public API.
 */
#ifndef CLI_CMD_TEST_H
#define CLI_CMD_TEST_H

int cli_cmd_test(int argc, char **argv);
int cli_cmd_coverage(int argc, char **argv);

extern const char cli_test_help[];
extern const char cli_coverage_help[];

#endif
