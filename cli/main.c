/*
 * main.c - the stagewise command: global options (--help, --version) and dispatch
 * to one function per command (cmd_*.c).
 *
 * Every command returns its exit code; main only adds the check that standard
 * output was written completely.
 *
 * Stage cli/ - the `stagewise` command: argument parsing (args.c) and one file per
 * subcommand (cmd_*.c).
 * May use: include/stagewise.h, engine/util/ (the support layer), service/ (for `serve`). (tests/layout checks it.)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "util/text.h"
#include "cli.h"
#include "cmd_audit.h"
#include "cmd_lint.h"
#include "cmd_test.h"
#include "serve_cli.h"

typedef struct cli_command {
    const char *name;
    const char *summary;
    const char *help;               /* NULL for `help` itself */
    int (*run)(int argc, char **argv);
} cli_command;

static int cmd_help(int argc, char **argv);

static const cli_command commands[] = {
    {"check", "check a rule set and print a summary of it", cli_check_help, cli_cmd_check},
    {"eval", "evaluate clients' facts against a rule set", cli_eval_help, cli_cmd_eval},
    {"explain", "explain the rules for a client, or why something was not advised",
     cli_explain_help, cli_cmd_explain},
    {"audit", "verify a decision log (audit verify LOG)", cli_audit_help, cli_cmd_audit},
    {"replay", "re-evaluate a logged decision and compare the result", cli_replay_help,
     cli_cmd_replay},
    {"store", "create or migrate the decision store in PostgreSQL", cli_store_help,
     cli_cmd_store},
    {"diff", "list the decisions that change between two rule sets", cli_diff_help, cli_cmd_diff},
    {"serve", "serve the rules over HTTP (JSON API and CDS Hooks)", cli_serve_help,
     cli_cmd_serve},
    {"test", "run scenario tests and report coverage of the guidance", cli_test_help,
     cli_cmd_test},
    {"coverage", "list which rules encode each statement of the guidance", cli_coverage_help,
     cli_cmd_coverage},
    {"lint", "find rules that can never fire, contradict or repeat each other", cli_lint_help,
     cli_cmd_lint},
    {"fmt", "rewrite rule files in the canonical layout", cli_fmt_help, cli_cmd_fmt},
    {"help", "show the help of a command", NULL, cmd_help},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char main_help_head[] =
    "Usage: stagewise COMMAND [ARGUMENTS]\n"
    "\n"
    "Stagewise evaluates a client's facts against guidance rules and reports the\n"
    "recommended interventions, advice, challenges, risks, stage verdict and data gaps,\n"
    "each with the rules, citations and facts behind it.\n"
    "\n"
    "Commands:\n";

static const char main_help_tail[] =
    "\n"
    "Options:\n"
    "  -h, --help     show this help\n"
    "      --version  show the version of stagewise and of its result format\n"
    "\n"
    "Run 'stagewise COMMAND --help' for the arguments and options of a command.\n"
    "\n"
    "Exit status:\n"
    "  0   success\n"
    "  1   a finding: a failing scenario, a lint finding, a statement not encoded\n"
    "  2   usage error (unknown command or option, missing argument)\n"
    "  3   the rule set has errors\n"
    "  4   some client's facts have errors (the other clients are still evaluated)\n"
    "  5   a file could not be read or the output could not be written\n"
    "  6-9 audit and replay outcomes (see 'stagewise audit --help', 'stagewise replay --help')\n"
    "  70  internal error (out of memory)\n";

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    const char *suggestion = NULL;
    size_t best = 3;

    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t d = sw_edit_distance(commands[i].name, strlen(commands[i].name), name, strlen(name), 2);
        if (d < best) {
            best = d;
            suggestion = commands[i].name;
        }
    }
    if (suggestion != NULL)
        return cli_usage_error(NULL, "unknown command '%s' (did you mean '%s'?)", name,
                               suggestion);
    return cli_usage_error(NULL, "unknown command '%s'", name);
}

static void print_main_help(void)
{
    fputs(main_help_head, stdout);
    for (size_t i = 0; i < NCOMMANDS; i++)
        printf("  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs(main_help_tail, stdout);
}

static const char help_help[] =
    "Usage: stagewise help [COMMAND]\n"
    "\n"
    "Shows the list of commands, or the help of COMMAND (the same as\n"
    "'stagewise COMMAND --help').\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status:\n"
    "  0   success\n"
    "  2   usage error (unknown command)\n";

/* `stagewise help [COMMAND]`. */
static int cmd_help(int argc, char **argv)
{
    static const cli_option options[] = {{1, 'h', "help", 0}};
    const char *topic = NULL, *value;
    cli_args args;
    int id;

    cli_args_init(&args, argc, argv, 1, options, sizeof options / sizeof options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            return cli_usage_error("help", "%s", args.error);
        if (kind == CLI_ARG_OPTION) {
            fputs(help_help, stdout);
            return CLI_EXIT_OK;
        }
        if (topic != NULL)
            return cli_usage_error("help", "unexpected argument '%s'", value);
        topic = value;
    }
    if (topic == NULL) {
        print_main_help();
        return CLI_EXIT_OK;
    }
    const cli_command *cmd = find_command(topic);
    if (cmd == NULL)
        return unknown_command(topic);
    fputs(cmd->help != NULL ? cmd->help : help_help, stdout);
    return CLI_EXIT_OK;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(NULL, "no command given");

    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        if (argc > 2)
            return cli_usage_error(NULL, "unexpected argument '%s'", argv[2]);
        print_main_help();
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "--version") == 0) {
        if (argc > 2)
            return cli_usage_error(NULL, "unexpected argument '%s'", argv[2]);
        printf("stagewise %s (result format %s)\n", sw_version(), SW_RESULT_FORMAT);
        return CLI_EXIT_OK;
    }
    if (first[0] == '-' && first[1] != '\0')
        return cli_usage_error(NULL, "unknown option '%s'", first);

    const cli_command *cmd = find_command(first);
    if (cmd == NULL)
        return unknown_command(first);
    return cmd->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    int code = dispatch(argc, argv);

    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && code == CLI_EXIT_OK)
        code = cli_fail(CLI_EXIT_IO, "cannot write to standard output: %s",
                        strerror(errno != 0 ? errno : EIO));
    return code;
}
