/*
 * cmd_test.c - `stagewise test RULES... [--scenarios PATH...]`: run scenario
 * tests against a rule set and report failures and coverage of the guidance.
 *
 * Scenario files are read whole, in the order given (a directory contributes its
 * *.yaml and *.yml files in name order), and every scenario is run. Problems in
 * scenario files go to standard error as diagnostics; the report (failures, the
 * summary line, coverage, thresholds not met) goes to standard output. The
 * scenario format and the coverage metrics are in docs/testing.md.
 */
#define _POSIX_C_SOURCE 200809L
#include "cmd_test.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/grow.h"
#include "args.h"
#include "cli.h"
#include "io.h"

/* Some scenario failed, or coverage is below a minimum (docs/testing.md). */
#define TEST_EXIT_FAILED 1

enum { OPT_HELP = 1, OPT_SCENARIOS, OPT_QUIET, OPT_FORMAT, OPT_MIN_COVERAGE };

static const cli_option test_option_table[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_SCENARIOS, 's', "scenarios", 1},
    {OPT_QUIET, 'q', "quiet", 0},
    {OPT_FORMAT, 0, "format", 1},
    {OPT_MIN_COVERAGE, 0, "min-coverage", 1},
};

const char cli_test_help[] =
    "Usage: stagewise test RULES... [--scenarios PATH...] [--quiet] [--format FORMAT]\n"
    "                      [--min-coverage N | --min-coverage METRIC=N,...]\n"
    "\n"
    "Runs scenario tests against a rule set. A scenario gives a client's facts and\n"
    "what the guidance must conclude for them: recommendations, advice, challenges\n"
    "and risks that must (and must not) appear, the stage verdict, data gaps, and\n"
    "rules that must fire, must not fire or must be undecided (docs/testing.md).\n"
    "\n"
    "Each failed expectation is printed as\n"
    "  FILE:LINE: scenario NAME: expected X, got Y\n"
    "with the rules involved, then a summary line \"N passed, M failed\" and the\n"
    "coverage of the guidance: rules fired, condition outcomes seen, stage\n"
    "transitions exercised and statements covered by a passing scenario.\n"
    "\n"
    "Arguments:\n"
    "  RULES                 .sw files, or directories whose .sw files are read\n"
    "\n"
    "Options:\n"
    "  -s, --scenarios PATH  scenario files (YAML streams, one scenario per\n"
    "                        document) or directories whose *.yaml and *.yml files\n"
    "                        are read in name order; every argument after it is a\n"
    "                        scenario path too. Default: the tests/ directory of\n"
    "                        each RULES directory (for a file, next to it)\n"
    "  -q, --quiet           print only the failures and the summary line\n"
    "      --format FORMAT   text (the default) or json\n"
    "      --min-coverage N  fail when fewer than N percent of the rules fired;\n"
    "                        METRIC=N,... sets a minimum for each of rules,\n"
    "                        conditions, transitions and statements\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status:\n"
    "  0   every scenario passed and coverage met every minimum\n"
    "  1   some scenario failed, or coverage is below a minimum\n"
    "  2   usage error\n"
    "  3   the rule set has errors (nothing is run)\n"
    "  4   some scenario file has errors (the other scenarios are still run)\n"
    "  5   a file could not be read or the output could not be written\n"
    "  70  internal error (out of memory)\n";

typedef enum out_format { OUT_TEXT, OUT_JSON } out_format;

/* A growable list of paths (owned strings). */
typedef struct path_list {
    char **v;
    size_t n, cap;
} path_list;

typedef struct test_options {
    const char **rules;
    size_t nrules;
    const char **scenarios;
    size_t nscenarios;
    int quiet;
    out_format format;
    sw_coverage_minimum minimum;
} test_options;

/* ==== Paths ================================================================= */

static int path_add(path_list *l, const char *path, size_t len)
{
    if (!sw_grow(&l->v, &l->cap, l->n, sizeof *l->v, 16))
        return 0;
    char *copy = malloc(len + 1);
    if (!copy)
        return 0;
    memcpy(copy, path, len);
    copy[len] = '\0';
    l->v[l->n++] = copy;
    return 1;
}

static void path_list_free(path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && strcmp(name + n - k, suffix) == 0;
}

static int cmp_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir's *.yaml and *.yml files, sorted. 0 with errno set on failure. */
static int add_directory(path_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t first = l->n;
    int ok = 1;
    struct dirent *e;
    size_t dlen = strlen(dir);
    int slash = dlen > 0 && dir[dlen - 1] == '/';
    while (ok && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !(has_suffix(e->d_name, ".yaml") || has_suffix(e->d_name, ".yml")))
            continue;
        size_t len = dlen + !slash + strlen(e->d_name);
        char *path = malloc(len + 1);
        ok = path != NULL;
        if (ok) {
            snprintf(path, len + 1, "%s%s%s", dir, slash ? "" : "/", e->d_name);
            ok = is_directory(path) || path_add(l, path, len);
            free(path);
        }
        if (!ok)
            errno = ENOMEM;
    }
    closedir(d);
    if (l->n > first)
        qsort(l->v + first, l->n - first, sizeof *l->v, cmp_paths);
    return ok;
}

/* The default scenario directories: tests/ in (or next to) each RULES path. */
static int default_scenarios(const test_options *o, path_list *dirs)
{
    for (size_t i = 0; i < o->nrules; i++) {
        const char *r = o->rules[i];
        size_t len = strlen(r);
        if (!is_directory(r)) {
            const char *slash = strrchr(r, '/');
            len = slash ? (size_t)(slash - r) : 0;
        }
        while (len > 1 && r[len - 1] == '/')
            len--;
        char *dir = malloc(len + 8);
        if (!dir)
            return 0;
        if (len == 0)
            strcpy(dir, "tests");
        else
            snprintf(dir, len + 8, "%.*s/tests", (int)len, r);
        int dup = 0;
        for (size_t k = 0; k < dirs->n; k++)
            dup |= strcmp(dirs->v[k], dir) == 0;
        int ok = dup || !is_directory(dir) || path_add(dirs, dir, strlen(dir));
        free(dir);
        if (!ok)
            return 0;
    }
    return 1;
}

/* The scenario files to read, in order. Returns an exit code. */
static int scenario_files(const test_options *o, path_list *files)
{
    path_list defaults = {0};
    const char *const *paths = o->scenarios;
    size_t npaths = o->nscenarios;
    if (npaths == 0) {
        if (!default_scenarios(o, &defaults))
            return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        if (defaults.n == 0) {
            path_list_free(&defaults);
            return cli_usage_error("test", "no scenarios given, and no tests/ directory next to the rules; "
                                           "name them with --scenarios PATH");
        }
        paths = (const char *const *)defaults.v;
        npaths = defaults.n;
    }
    int code = CLI_EXIT_OK;
    for (size_t i = 0; i < npaths && code == CLI_EXIT_OK; i++) {
        int error_number = 0;
        if (is_directory(paths[i])) {
            errno = 0;
            if (!add_directory(files, paths[i]))
                code = errno == ENOMEM ? cli_fail(CLI_EXIT_INTERNAL, "out of memory")
                                       : cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", paths[i],
                                                  strerror(errno ? errno : EIO));
        } else if (!cli_can_open(paths[i], 1, &error_number))
            code = cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", paths[i], strerror(error_number));
        else if (!path_add(files, paths[i], strlen(paths[i])))
            code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    if (code == CLI_EXIT_OK && files->n == 0)
        code = cli_fail(CLI_EXIT_FACTS, "no scenario files (*.yaml, *.yml) in %s%s", paths[0],
                        npaths > 1 ? " or the other paths given" : "");
    path_list_free(&defaults);
    return code;
}

/* ==== Reading and running =================================================== */

/* Prints "N errors, M warnings in the scenario files" when there were any. */
static void print_scenario_counts(size_t errors, size_t warnings)
{
    char e[48], w[48];
    cli_count(e, sizeof e, errors, "error", "errors");
    cli_count(w, sizeof w, warnings, "warning", "warnings");
    if (errors && warnings)
        fprintf(stderr, "%s, %s in the scenario files\n", e, w);
    else if (errors || warnings)
        fprintf(stderr, "%s in the scenario files\n", errors ? e : w);
}

static size_t count_warnings(const sw_diagnostics *d)
{
    size_t n = 0;
    for (size_t i = 0; i < sw_diagnostics_count(d); i++)
        n += sw_diagnostics_at(d, i)->severity == SW_SEV_WARNING;
    return n;
}

/* Reads every scenario file into set. Returns an exit code: OK, FACTS (some file
 * had errors), IO or INTERNAL. */
static int read_scenarios(const path_list *files, sw_scenarios *set)
{
    int code = CLI_EXIT_OK;
    size_t errors = 0, warnings = 0;
    sw_diagnostics *diags = sw_diagnostics_new();
    if (!diags)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    for (size_t i = 0; i < files->n && code != CLI_EXIT_INTERNAL; i++) {
        cli_input in;
        cli_read_status rs = cli_read_input(files->v[i], CLI_FACTS_LIMIT, &in);
        if (rs != CLI_READ_OK) {
            if (rs == CLI_READ_NOMEM)
                code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
            else if (rs == CLI_READ_TOO_BIG)
                code = cli_fail(CLI_EXIT_IO, CLI_TOO_BIG_FMT,
                                CLI_TOO_BIG_ARGS(files->v[i], in, "scenario file"));
            else
                code = cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", files->v[i], strerror(in.error_number));
            continue;
        }
        sw_status st = sw_scenarios_read(set, files->v[i], in.data, in.len, diags);
        cli_input_free(&in);
        if (cli_print_diagnostics(diags) != CLI_EXIT_OK || st == SW_ERR_NOMEM)
            code = cli_fail_status(SW_ERR_NOMEM, "reading the scenarios");
        else if (st == SW_ERR_FACTS && code == CLI_EXIT_OK)
            code = CLI_EXIT_FACTS;
        else if (st != SW_OK && st != SW_ERR_FACTS)
            code = cli_fail_status(st, "reading the scenarios");
        errors += sw_diagnostics_error_count(diags);
        warnings += count_warnings(diags);
        sw_diagnostics_clear(diags);
    }
    sw_diagnostics_free(diags);
    print_scenario_counts(errors, warnings);
    return code;
}

/* Runs every scenario and prints the report. Returns an exit code. */
static int run_and_report(const test_options *o, const sw_scenarios *set)
{
    if (sw_scenarios_count(set) == 0 && sw_scenarios_rejected(set) == 0)
        return cli_fail(CLI_EXIT_FACTS, "no scenarios to run: the scenario files hold none");
    sw_test_report *report = NULL;
    char *out = NULL;
    size_t len = 0;
    sw_status st = sw_scenarios_run(set, &report);
    if (st == SW_OK)
        st = sw_test_report_render(report, o->format == OUT_JSON ? SW_FORMAT_JSON : SW_FORMAT_TEXT,
                                   o->quiet, &o->minimum, &out, &len);
    int code;
    if (st != SW_OK)
        code = cli_fail_status(st, "running the scenarios");
    else if (cli_write(stdout, out, len) != 0)
        code = cli_fail(CLI_EXIT_IO, "cannot write to standard output: %s", strerror(errno ? errno : EIO));
    else
        code = sw_test_report_ok(report, &o->minimum) ? CLI_EXIT_OK : TEST_EXIT_FAILED;
    sw_free(out);
    sw_test_report_free(report);
    return code;
}

/* ==== For other commands ===================================================== */

int cli_load_scenarios(const char **rules, size_t nrules, const char **paths, size_t npaths,
                       sw_scenarios *set)
{
    test_options o;
    memset(&o, 0, sizeof o);
    o.rules = rules;
    o.nrules = nrules;
    o.scenarios = paths;
    o.nscenarios = npaths;
    path_list files = {0};
    int code = scenario_files(&o, &files);
    if (code == CLI_EXIT_OK)
        code = read_scenarios(&files, set);
    path_list_free(&files);
    return code;
}

/* ==== Options =============================================================== */

static int parse_format(const char *value, out_format *format)
{
    if (strcmp(value, "text") == 0)
        *format = OUT_TEXT;
    else if (strcmp(value, "json") == 0)
        *format = OUT_JSON;
    else
        return cli_usage_error("test", "unknown format '%s' (expected text or json)", value);
    return CLI_EXIT_OK;
}

/* Parses argv into o; returns OK, USAGE, or -1 after printing the help. */
static int parse_options(int argc, char **argv, test_options *o)
{
    cli_args args;
    int id, in_scenarios = 0;
    const char *value;
    char error[256];
    cli_args_init(&args, argc, argv, 1, test_option_table,
                  sizeof test_option_table / sizeof test_option_table[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            return cli_usage_error("test", "%s", args.error);
        if (kind == CLI_ARG_POSITIONAL && strcmp(value, "-") == 0)
            return cli_usage_error("test", "rules and scenarios cannot be read from standard input");
        if (kind == CLI_ARG_POSITIONAL && in_scenarios)
            o->scenarios[o->nscenarios++] = value;
        else if (kind == CLI_ARG_POSITIONAL)
            o->rules[o->nrules++] = value;
        else if (id == OPT_HELP) {
            fputs(cli_test_help, stdout);
            return -1;
        } else if (id == OPT_SCENARIOS) {
            in_scenarios = 1;
            o->scenarios[o->nscenarios++] = value;
        } else if (id == OPT_QUIET)
            o->quiet = 1;
        else if (id == OPT_FORMAT && parse_format(value, &o->format) != CLI_EXIT_OK)
            return CLI_EXIT_USAGE;
        else if (id == OPT_MIN_COVERAGE &&
                 !sw_coverage_minimum_parse(&o->minimum, value, error, sizeof error))
            return cli_usage_error("test", "--min-coverage: %s", error);
    }
    if (o->nrules == 0)
        return cli_usage_error("test", "no rule files given");
    return CLI_EXIT_OK;
}

int cli_cmd_test(int argc, char **argv)
{
    test_options o;
    memset(&o, 0, sizeof o);
    sw_coverage_minimum_init(&o.minimum);
    o.rules = malloc((size_t)argc * sizeof *o.rules);
    o.scenarios = malloc((size_t)argc * sizeof *o.scenarios);
    if (!o.rules || !o.scenarios) {
        free(o.rules);
        free(o.scenarios);
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    int code = parse_options(argc, argv, &o);
    path_list files = {0};
    if (code == CLI_EXIT_OK)
        code = scenario_files(&o, &files);
    sw_ruleset *rules = NULL;
    if (code == CLI_EXIT_OK)
        code = cli_load_rules(o.rules, o.nrules, &rules);
    sw_scenarios *set = NULL;
    if (code == CLI_EXIT_OK && sw_scenarios_new(rules, &set) != SW_OK)
        code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    if (code == CLI_EXIT_OK) {
        code = read_scenarios(&files, set);
        if (code == CLI_EXIT_OK || code == CLI_EXIT_FACTS) {
            int ran = run_and_report(&o, set);
            if (code == CLI_EXIT_OK || ran == CLI_EXIT_INTERNAL || ran == CLI_EXIT_IO)
                code = ran;
        }
    }
    sw_scenarios_free(set);
    sw_ruleset_free(rules);
    path_list_free(&files);
    free(o.rules);
    free(o.scenarios);
    return code < 0 ? CLI_EXIT_OK : code;
}
