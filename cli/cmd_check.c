/*
 * cmd_check.c - `stagewise check RULES...`: load and check a rule set, print a
 * one-line summary of it, or every problem found.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd_audit.h"
#include "io.h"

enum { OPT_HELP = 1 };

static const cli_option check_options[] = {
    {OPT_HELP, 'h', "help", 0},
};

const char cli_check_help[] =
    "Usage: stagewise check RULES...\n"
    "\n"
    "Checks a rule set and prints a one-line summary of it: the guideline's name and\n"
    "version, how many rules, facts and catalogue entries it declares, and the SHA-256\n"
    "of its sources, and a second line counting its rules by status (production,\n"
    "testing, draft, retired). Every problem is reported, not just the first, as\n"
    "FILE:LINE:COLUMN: error[CODE]: MESSAGE with the source line, a caret under the\n"
    "problem and, where it helps, a hint. Warnings are reported but do not fail the\n"
    "check.\n"
    "\n"
    "Arguments:\n"
    "  RULES        .sw files, or directories whose .sw files are read in name order\n"
    "               (not recursively); together they form one rule set\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status:\n"
    "  0   the rule set is valid (it may have warnings)\n"
    "  2   usage error\n"
    "  3   the rule set has errors\n"
    "  5   a rule file could not be read\n"
    "  70  internal error (out of memory)\n";

static void print_count(size_t n, const char *singular, const char *plural)
{
    char text[96];
    cli_count(text, sizeof text, n, singular, plural);
    printf(", %s", text);
}

/* Prints "PATHS ok: NAME VERSION, 12 rules, ..., sha256 HEX": rules, facts and
 * stages, each output kind's catalogue entries (every kind, sw_kind_at), then
 * sources and statements. */
static void print_summary(const char *const *paths, size_t npaths, const sw_ruleset_info *info)
{
    for (size_t i = 0; i < npaths; i++)
        printf("%s%s", i > 0 ? " " : "", paths[i]);
    printf(" ok: %s %s", info->name, info->version);
    print_count(info->rules, "rule", "rules");
    print_count(info->facts, "fact", "facts");
    print_count(info->derived, "derived fact", "derived facts");
    print_count(info->stages, "stage", "stages");
    for (size_t k = 0; k < info->nkinds; k++) {
        const sw_kind_info *kind = sw_kind_at(k);
        if (kind)
            print_count(info->kind_items[k], kind->name, kind->plural);
    }
    print_count(info->sources, "source", "sources");
    print_count(info->statements, "statement", "statements");
    printf(", sha256 %s\n", info->sha256);
}

int cli_cmd_check(int argc, char **argv)
{
    const char **paths = malloc((size_t)argc * sizeof *paths);
    size_t npaths = 0;
    cli_args args;
    int id, code = CLI_EXIT_OK;
    const char *value;

    if (paths == NULL)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");

    cli_args_init(&args, argc, argv, 1, check_options,
                  sizeof check_options / sizeof check_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR) {
            code = cli_usage_error("check", "%s", args.error);
            goto done;
        }
        if (kind == CLI_ARG_OPTION && id == OPT_HELP) {
            fputs(cli_check_help, stdout);
            goto done;
        }
        if (kind == CLI_ARG_POSITIONAL) {
            if (strcmp(value, "-") == 0) {
                code = cli_usage_error("check", "rules cannot be read from standard input");
                goto done;
            }
            paths[npaths++] = value;
        }
    }
    if (npaths == 0) {
        code = cli_usage_error("check", "no rule files given");
        goto done;
    }

    sw_ruleset *rules = NULL;
    code = cli_load_rules(paths, npaths, &rules);
    if (code == CLI_EXIT_OK) {
        print_summary(paths, npaths, sw_ruleset_describe(rules));
        cli_audit_print_status_counts(stdout, rules);
        sw_ruleset_free(rules);
    }

done:
    free(paths);
    return code;
}
