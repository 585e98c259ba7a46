/*
 * cmd_store.c - `stagewise store init|migrate URL`: create or update the schema of
 * the decision store in PostgreSQL (docs/audit.md), and cli_store_open, which eval,
 * audit verify and replay use to connect.
 *
 * Messages name the store by its URL with the password replaced by "***".
 */
#include "cmd_audit.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"

enum { OPT_HELP = 1 };

static const cli_option store_options[] = {
    {OPT_HELP, 'h', "help", 0},
};

const char cli_store_help[] =
    "Usage: stagewise store init URL\n"
    "       stagewise store migrate URL\n"
    "\n"
    "Creates the tables of the decision store in the PostgreSQL database at URL\n"
    "(postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAMETERS], as libpq reads\n"
    "it), or brings them up to the schema version this Stagewise uses. Both are\n"
    "idempotent: on a store already up to date they change nothing. Decisions are\n"
    "then recorded with 'stagewise eval --store URL', verified with 'stagewise audit\n"
    "verify URL' and replayed with 'stagewise replay URL'.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n"
    "\n"
    "Exit status:\n"
    "  0   the schema is up to date\n"
    "  2   usage error\n"
    "  5   the database could not be reached or changed\n"
    "  70  internal error\n";

int cli_store_open(const char *url, sw_store **out)
{
    sw_diagnostics *diags = sw_diagnostics_new();
    if (!diags)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    sw_status st = sw_store_open(url, out, diags);
    int code = CLI_EXIT_OK;
    if (st == SW_ERR_IO) {
        cli_print_diagnostics(diags);
        code = CLI_EXIT_IO;
    } else if (st != SW_OK) {
        code = cli_fail_status(st, "connecting to the decision store");
    }
    sw_diagnostics_free(diags);
    return code;
}

static int migrate(const char *url, int init)
{
    sw_store *store = NULL;
    int code = cli_store_open(url, &store);
    if (code != CLI_EXIT_OK)
        return code;
    sw_diagnostics *diags = sw_diagnostics_new();
    int from = 0, to = 0;
    sw_status st = diags ? sw_store_migrate(store, &from, &to, diags) : SW_ERR_NOMEM;
    char where[256];
    sw_store_redact_url(url, where, sizeof where);
    if (st == SW_OK && from == to)
        printf("%s: schema version %d, up to date; nothing changed\n", where, to);
    else if (st == SW_OK && from == 0)
        printf("%s: %s the decision store, schema version %d\n", where,
               init ? "created" : "created (it was empty)", to);
    else if (st == SW_OK)
        printf("%s: migrated from schema version %d to %d\n", where, from, to);
    else if (st == SW_ERR_IO)
        code = (cli_print_diagnostics(diags), CLI_EXIT_IO);
    else
        code = cli_fail_status(st, "migrating the decision store");
    sw_diagnostics_free(diags);
    sw_store_close(store);
    return code;
}

int cli_cmd_store(int argc, char **argv)
{
    const char *positional[2] = {NULL, NULL}, *value;
    size_t npos = 0;
    cli_args args;
    int id;
    cli_args_init(&args, argc, argv, 1, store_options, sizeof store_options / sizeof store_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            return cli_usage_error("store", "%s", args.error);
        if (kind == CLI_ARG_OPTION) {
            fputs(cli_store_help, stdout);
            return CLI_EXIT_OK;
        }
        if (npos == 2)
            return cli_usage_error("store", "unexpected argument '%s'", value);
        positional[npos++] = value;
    }
    if (npos == 0)
        return cli_usage_error("store", "no subcommand given (expected 'init URL' or 'migrate URL')");
    int init = strcmp(positional[0], "init") == 0;
    if (!init && strcmp(positional[0], "migrate") != 0)
        return cli_usage_error("store", "unknown subcommand '%s' (expected 'init' or 'migrate')",
                               positional[0]);
    if (npos < 2)
        return cli_usage_error("store", "no database given (store %s URL)", positional[0]);
    if (!sw_store_is_url(positional[1]))
        return cli_usage_error("store", "'%s' is not a PostgreSQL URL (postgresql://...)",
                               positional[1]);
    return migrate(positional[1], init);
}
