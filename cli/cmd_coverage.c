/*
 * cmd_coverage.c - `stagewise coverage RULES...`: which rules encode each
 * statement of the guidance, and which statements are neither encoded nor
 * excused (docs/testing.md).
 *
 * Static: nothing is evaluated. The table lists every statement the rule set's
 * sources declare with the rules that cite it, its reason for being excused, or
 * NOT ENCODED; the command fails when any statement is NOT ENCODED, so the suite
 * can hold the rule base to "every statement accounted for".
 */
#include "cmd_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "io.h"

/* Some statement is neither cited by a rule nor excused. */
#define COVERAGE_EXIT_MISSING 1

enum { OPT_HELP = 1, OPT_FORMAT };

static const cli_option coverage_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_FORMAT, 0, "format", 1},
};

const char cli_coverage_help[] =
    "Usage: stagewise coverage RULES... [--format FORMAT]\n"
    "\n"
    "Prints, for every statement of the guidance the rule set's sources declare, the\n"
    "rules that cite it, or \"excused: REASON\" when no rule can encode it, or\n"
    "NOT ENCODED; then a summary. Nothing is evaluated: to see which statements\n"
    "passing scenarios cover, use 'stagewise test'.\n"
    "\n"
    "Arguments:\n"
    "  RULES                .sw files, or directories whose .sw files are read\n"
    "\n"
    "Options:\n"
    "      --format FORMAT  text (the default) or json\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status:\n"
    "  0   every statement is cited by a rule or excused\n"
    "  1   some statement is NOT ENCODED\n"
    "  2   usage error\n"
    "  3   the rule set has errors\n"
    "  5   a rule file could not be read or the output could not be written\n"
    "  70  internal error (out of memory)\n";

/* Prints the table of rules; returns an exit code. */
static int print_table(const sw_ruleset *rules, int json)
{
    char *out = NULL;
    size_t len = 0, missing = 0;
    sw_status st = sw_statements_render(rules, json ? SW_FORMAT_JSON : SW_FORMAT_TEXT, &out, &len, &missing);
    int code;
    if (st != SW_OK)
        code = cli_fail_status(st, "rendering the statement table");
    else if (cli_write(stdout, out, len) != 0)
        code = cli_fail(CLI_EXIT_IO, "cannot write to standard output: %s", strerror(errno ? errno : EIO));
    else
        code = missing ? COVERAGE_EXIT_MISSING : CLI_EXIT_OK;
    sw_free(out);
    return code;
}

int cli_cmd_coverage(int argc, char **argv)
{
    const char **paths = malloc((size_t)argc * sizeof *paths);
    size_t npaths = 0;
    int json = 0, id, code = CLI_EXIT_OK;
    const char *value;
    cli_args args;
    if (!paths)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    cli_args_init(&args, argc, argv, 1, coverage_options,
                  sizeof coverage_options / sizeof coverage_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR) {
            code = cli_usage_error("coverage", "%s", args.error);
            goto done;
        }
        if (kind == CLI_ARG_OPTION && id == OPT_HELP) {
            fputs(cli_coverage_help, stdout);
            goto done;
        }
        if (kind == CLI_ARG_OPTION && strcmp(value, "text") != 0 && strcmp(value, "json") != 0) {
            code = cli_usage_error("coverage", "unknown format '%s' (expected text or json)", value);
            goto done;
        }
        if (kind == CLI_ARG_OPTION)
            json = strcmp(value, "json") == 0;
        else if (strcmp(value, "-") == 0) {
            code = cli_usage_error("coverage", "rules cannot be read from standard input");
            goto done;
        } else
            paths[npaths++] = value;
    }
    if (npaths == 0) {
        code = cli_usage_error("coverage", "no rule files given");
        goto done;
    }
    sw_ruleset *rules = NULL;
    code = cli_load_rules(paths, npaths, &rules);
    if (code == CLI_EXIT_OK)
        code = print_table(rules, json);
    sw_ruleset_free(rules);
done:
    free(paths);
    return code;
}
