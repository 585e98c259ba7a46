/*
 * cmd_coverage.c - `stagewise coverage RULES...`: which rules encode each
 * statement of the guidance, and which statements are neither encoded nor
 * excused (docs/testing.md).
 *
 * Static: nothing is evaluated. The table lists every statement the rule set's
 * sources declare with the rules that cite it, its reason for being excused, or
 * NOT ENCODED; the command fails when any statement is NOT ENCODED, so the suite
 * can hold the rule base to "every statement accounted for".
 *
 * With --hazards it prints the clinical hazard log instead (hazards.yaml next to
 * the rules, or --hazard-log FILE), checked against the rules and the scenarios
 * (the rules' tests/ directory, or --scenarios PATH...): every control must be a
 * rule, every piece of evidence a scenario, and the command fails when a hazard
 * has no control, or a control is not shown both firing and not firing by
 * passing evidence scenarios (docs/clinical-safety.md).
 */
#define _POSIX_C_SOURCE 200809L
#include "cmd_test.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "io.h"

/* Some statement is neither cited by a rule nor excused; or some hazard is not
 * controlled and evidenced. */
#define COVERAGE_EXIT_MISSING 1

enum { OPT_HELP = 1, OPT_FORMAT, OPT_HAZARDS, OPT_HAZARD_LOG, OPT_SCENARIOS };

static const cli_option coverage_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_FORMAT, 0, "format", 1},
    {OPT_HAZARDS, 0, "hazards", 0},
    {OPT_HAZARD_LOG, 0, "hazard-log", 1},
    {OPT_SCENARIOS, 's', "scenarios", 1},
};

const char cli_coverage_help[] =
    "Usage: stagewise coverage RULES... [--format FORMAT]\n"
    "       stagewise coverage RULES... --hazards [--hazard-log FILE] [--scenarios PATH...]\n"
    "\n"
    "Prints, for every statement of the guidance the rule set's sources declare, the\n"
    "rules that cite it, or \"excused: REASON\" when no rule can encode it, or\n"
    "NOT ENCODED; then a summary. Nothing is evaluated: to see which statements\n"
    "passing scenarios cover, use 'stagewise test'.\n"
    "\n"
    "With --hazards, prints the clinical hazard log instead: each hazard's DCB0129\n"
    "risk ratings, status, the rules that control it and, for each, in how many of\n"
    "its passing evidence scenarios it fires and does not fire.\n"
    "\n"
    "Arguments:\n"
    "  RULES                .sw files, or directories whose .sw files are read\n"
    "\n"
    "Options:\n"
    "      --format FORMAT  text (the default) or json\n"
    "      --hazards        print and check the hazard log\n"
    "      --hazard-log FILE  the log (default: hazards.yaml in the first RULES\n"
    "                       directory, or next to the first RULES file)\n"
    "  -s, --scenarios PATH  the scenario files or directories (default: the\n"
    "                       tests/ directory of each RULES path); every argument\n"
    "                       after it is a scenario path too\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status:\n"
    "  0   every statement is cited by a rule or excused\n"
    "  1   some statement is NOT ENCODED; with --hazards, some hazard has no\n"
    "      control, or a control is not shown firing and not firing\n"
    "  4   the hazard log or a scenario file has errors\n"
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

/* The default hazard log: hazards.yaml in (or next to) the first RULES path. */
static char *default_log(const char *rules)
{
    struct stat st;
    size_t len = strlen(rules);
    if (stat(rules, &st) != 0 || !S_ISDIR(st.st_mode)) {
        const char *slash = strrchr(rules, '/');
        len = slash ? (size_t)(slash - rules) : 0;
    }
    while (len > 1 && rules[len - 1] == '/')
        len--;
    char *path = malloc(len + 16);
    if (path && len)
        snprintf(path, len + 16, "%.*s/hazards.yaml", (int)len, rules);
    else if (path)
        strcpy(path, "hazards.yaml");
    return path;
}

/* Reads, checks, judges and prints the hazard log; returns an exit code. */
static int print_hazards(const sw_ruleset *rules, const char **paths, size_t npaths,
                         const char **scenarios, size_t nscenarios, const char *log_path, int json)
{
    sw_scenarios *set = NULL;
    sw_hazards *log = NULL;
    int code = sw_scenarios_new(rules, &set) == SW_OK && sw_hazards_new(rules, set, &log) == SW_OK
                   ? CLI_EXIT_OK : cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    if (code == CLI_EXIT_OK)
        code = cli_load_scenarios(paths, npaths, scenarios, nscenarios, set);
    char *owned = log_path ? NULL : default_log(paths[0]);
    const char *file = log_path ? log_path : owned;
    sw_diagnostics *diags = NULL;
    if (code == CLI_EXIT_OK && !file)
        code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    if (code == CLI_EXIT_OK) {
        cli_input in;
        cli_read_status rs = cli_read_input(file, CLI_FACTS_LIMIT, &in);
        if (rs == CLI_READ_NOMEM)
            code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        else if (rs == CLI_READ_TOO_BIG)
            code = cli_fail(CLI_EXIT_IO, CLI_TOO_BIG_FMT, CLI_TOO_BIG_ARGS(file, in, "hazard log"));
        else if (rs != CLI_READ_OK)
            code = cli_fail(CLI_EXIT_IO, "cannot read the hazard log '%s': %s", file, strerror(in.error_number));
        else {
            diags = sw_diagnostics_new();
            sw_status st = diags ? sw_hazards_read(log, file, in.data, in.len, diags) : SW_ERR_NOMEM;
            cli_input_free(&in);
            if (st == SW_ERR_NOMEM || (diags && cli_print_diagnostics(diags) != CLI_EXIT_OK))
                code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
            else if (st != SW_OK)
                code = CLI_EXIT_FACTS;
        }
    }
    if (code == CLI_EXIT_OK) {
        char *out = NULL;
        size_t len = 0, bad = 0;
        sw_status st = sw_hazards_render(log, json ? SW_FORMAT_JSON : SW_FORMAT_TEXT, &out, &len, &bad);
        if (st != SW_OK)
            code = cli_fail_status(st, "judging the hazard log");
        else if (cli_write(stdout, out, len) != 0)
            code = cli_fail(CLI_EXIT_IO, "cannot write to standard output: %s", strerror(errno ? errno : EIO));
        else
            code = bad ? COVERAGE_EXIT_MISSING : CLI_EXIT_OK;
        sw_free(out);
    }
    sw_diagnostics_free(diags);
    sw_hazards_free(log);
    sw_scenarios_free(set);
    free(owned);
    return code;
}

int cli_cmd_coverage(int argc, char **argv)
{
    const char **paths = malloc((size_t)argc * sizeof *paths);
    const char **scenarios = malloc((size_t)argc * sizeof *scenarios);
    const char *log_path = NULL;
    size_t npaths = 0, nscenarios = 0;
    int json = 0, hazards = 0, in_scenarios = 0, id, code = CLI_EXIT_OK;
    const char *value;
    cli_args args;
    if (!paths || !scenarios) {
        free(paths);
        free(scenarios);
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
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
        if (kind == CLI_ARG_OPTION && id == OPT_HAZARDS) {
            hazards = 1;
            continue;
        }
        if (kind == CLI_ARG_OPTION && id == OPT_HAZARD_LOG) {
            log_path = value;
            continue;
        }
        if (kind == CLI_ARG_OPTION && id == OPT_SCENARIOS) {
            in_scenarios = 1;
            scenarios[nscenarios++] = value;
            continue;
        }
        if (kind == CLI_ARG_POSITIONAL && in_scenarios && strcmp(value, "-") != 0) {
            scenarios[nscenarios++] = value;
            continue;
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
    if (!hazards && (log_path || nscenarios)) {
        code = cli_usage_error("coverage", "--hazard-log and --scenarios go with --hazards");
        goto done;
    }
    sw_ruleset *rules = NULL;
    code = cli_load_rules(paths, npaths, &rules);
    if (code == CLI_EXIT_OK)
        code = hazards ? print_hazards(rules, paths, npaths, scenarios, nscenarios, log_path, json)
                       : print_table(rules, json);
    sw_ruleset_free(rules);
done:
    free(paths);
    free(scenarios);
    return code;
}
