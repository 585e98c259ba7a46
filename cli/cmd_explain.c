/*
 * cmd_explain.c - `stagewise explain RULES... -f FACTS [--rule ID]... [--fired | --all]
 * [--why-not KIND:ID] [--format text|json]`: each selected rule's condition as a tree
 * with the value of every sub-expression for the client, or, with --why-not, why an
 * output was not produced. The library (sw_explain, sw_why_not) does the work; this
 * file reads the inputs and prints.
 */
#include "cmd_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "io.h"
#include "jsontext.h"

enum { OPT_HELP = 1, OPT_FACTS, OPT_RULE, OPT_FIRED, OPT_ALL, OPT_WHY_NOT, OPT_FORMAT };

static const cli_option explain_options[] = {
    {OPT_HELP, 'h', "help", 0},       {OPT_FACTS, 'f', "facts", 1},
    {OPT_RULE, 'r', "rule", 1},       {OPT_FIRED, 0, "fired", 0},
    {OPT_ALL, 0, "all", 0},           {OPT_WHY_NOT, 0, "why-not", 1},
    {OPT_FORMAT, 0, "format", 1},
};

const char cli_explain_help[] =
    "Usage: stagewise explain RULES... -f FACTS [--rule ID]... [--fired | --all]\n"
    "       stagewise explain RULES... -f FACTS --why-not KIND:ID\n"
    "\n"
    "Explains the rules for each client in FACTS: each rule's condition as a tree, in\n"
    "the rule's own words, with the value of every sub-expression (true, false,\n"
    "unknown, or the number, date or set) and the facts it read, then its actions,\n"
    "because texts and citations.\n"
    "\n"
    "With --why-not, answers why something was not produced: every rule that could\n"
    "have produced it, and for each the conditions that were false or unknown, the\n"
    "client's values and what would have satisfied them. KIND is recommend, advise,\n"
    "challenge, risk or stage: --why-not recommend:naloxone, --why-not\n"
    "stage:active_treatment.\n"
    "\n"
    "Options:\n"
    "  -f, --facts FILE     the client's facts (YAML or JSON; '-' is standard input)\n"
    "  -r, --rule ID        explain this rule (may be repeated)\n"
    "      --fired          explain the rules that fired (the default)\n"
    "      --all            explain every rule\n"
    "      --why-not KIND:ID  why KIND:ID was not produced\n"
    "      --format FORMAT  text (the default) or json (docs/audit.md)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status:\n"
    "  0   explained\n"
    "  2   usage error, or an unknown rule or why-not target\n"
    "  3   the rule set has errors\n"
    "  4   the facts have errors\n"
    "  5   a file could not be read\n"
    "  70  internal error\n";

typedef struct explain_args {
    const char **rule_paths;
    size_t nrules;
    const char *facts;
    const char **ids;
    size_t nids;
    int all, fired;
    const char *why_not;
    int json;
} explain_args;

typedef struct explain_out {
    size_t written;
    char *first;          /* json: the first client's document, until a second comes */
} explain_out;

/* Prints one client's explanation (json: as an element of an array once there are
 * two); takes ownership of text. */
static void print_one(explain_out *out, const explain_args *a, char *text, size_t len)
{
    if (!a->json) {
        if (out->written++)
            fputs("\n", stdout);
        cli_write(stdout, text, len);
        sw_free(text);
        return;
    }
    if (out->written++ == 0) {
        out->first = text;
        return;
    }
    if (out->first) {
        fputs("[\n", stdout);
        cli_write(stdout, out->first, cli_trim_newlines(out->first, strlen(out->first)));
        sw_free(out->first);
        out->first = NULL;
    }
    fputs(",\n", stdout);
    cli_write(stdout, text, cli_trim_newlines(text, len));
    sw_free(text);
}

static void finish_output(explain_out *out, const explain_args *a)
{
    if (!a->json)
        return;
    if (out->first) {
        fputs(out->first, stdout);
        sw_free(out->first);
        out->first = NULL;
    } else if (out->written > 1) {
        fputs("\n]\n", stdout);
    }
}

/* Explains one client. Returns CLI_EXIT_OK or an exit code. */
static int explain_client(const sw_ruleset *rules, const sw_facts *facts, const explain_args *a,
                          explain_out *out)
{
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_explanation *x = NULL;
    if (!diags)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    sw_explain_options o = {a->ids, a->nids, a->all};
    sw_status st = a->why_not ? sw_why_not(rules, facts, a->why_not, &x, diags)
                              : sw_explain(rules, facts, &o, &x, diags);
    int code = CLI_EXIT_OK;
    if (st == SW_ERR_ARG && sw_diagnostics_count(diags) > 0) {
        cli_print_diagnostics(diags);
        code = CLI_EXIT_USAGE;
    } else if (st != SW_OK) {
        code = cli_fail_status(st, "explaining");
    } else {
        char *text = NULL;
        size_t len = 0;
        st = sw_explanation_render(x, a->json ? SW_FORMAT_JSON : SW_FORMAT_TEXT, &text, &len);
        if (st == SW_OK)
            print_one(out, a, text, len);
        else
            code = cli_fail_status(st, "rendering the explanation");
    }
    sw_explanation_free(x);
    sw_diagnostics_free(diags);
    return code;
}

static int explain_input(const sw_ruleset *rules, const explain_args *a, const cli_input *in)
{
    const char *name = cli_input_name(a->facts);
    sw_facts_stream *stream = NULL;
    sw_diagnostics *diags = sw_diagnostics_new();
    explain_out out = {0, NULL};
    int code = CLI_EXIT_OK;
    if (!diags)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    sw_status st = sw_facts_stream_open(rules, name, in->data, in->len, &stream);
    while (st == SW_OK && code == CLI_EXIT_OK) {
        sw_facts *facts = NULL;
        st = sw_facts_stream_next(stream, &facts, diags);
        if (st == SW_OK)
            code = explain_client(rules, facts, a, &out);
        sw_facts_free(facts);
    }
    if (st != SW_OK && st != SW_END && code == CLI_EXIT_OK) {
        cli_print_diagnostics(diags);
        code = st == SW_ERR_FACTS || st == SW_ERR_LIMIT ? CLI_EXIT_FACTS
                                                        : cli_fail_status(st, "reading facts");
        if (code == CLI_EXIT_FACTS && sw_diagnostics_count(diags) == 0)
            cli_fail(code, "%s: %s", name, sw_status_text(st));
    }
    finish_output(&out, a);
    sw_free(out.first);
    sw_facts_stream_free(stream);
    sw_diagnostics_free(diags);
    return code;
}

static int run(const explain_args *a)
{
    cli_input in;
    int error_number = 0;
    if (!cli_can_open(a->facts, 1, &error_number))
        return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", a->facts, strerror(error_number));
    sw_ruleset *rules = NULL;
    int code = cli_load_rules(a->rule_paths, a->nrules, &rules);
    if (code != CLI_EXIT_OK)
        return code;
    switch (cli_read_input(a->facts, CLI_FACTS_LIMIT, &in)) {
    case CLI_READ_OK:
        code = explain_input(rules, a, &in);
        cli_input_free(&in);
        break;
    case CLI_READ_IO:
        code = cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", a->facts, strerror(in.error_number));
        break;
    case CLI_READ_TOO_BIG:
        code = cli_fail(CLI_EXIT_FACTS, CLI_TOO_BIG_FMT,
                        CLI_TOO_BIG_ARGS(cli_input_name(a->facts), in, "facts input"));
        break;
    default:
        code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        break;
    }
    sw_ruleset_free(rules);
    return code;
}

/* Applies one option; returns -1 to go on, else the exit code. */
static int take_option(explain_args *a, int id, const char *value)
{
    switch (id) {
    case OPT_HELP:
        fputs(cli_explain_help, stdout);
        return CLI_EXIT_OK;
    case OPT_FACTS:
        if (a->facts)
            return cli_usage_error("explain", "give one facts input (-f) only");
        a->facts = value;
        return -1;
    case OPT_RULE:
        a->ids[a->nids++] = value;
        return -1;
    case OPT_FIRED:
        a->fired = 1;
        return -1;
    case OPT_ALL:
        a->all = 1;
        return -1;
    case OPT_WHY_NOT:
        a->why_not = value;
        return -1;
    default:
        if (strcmp(value, "text") != 0 && strcmp(value, "json") != 0)
            return cli_usage_error("explain", "unknown format '%s' (expected text or json)", value);
        a->json = strcmp(value, "json") == 0;
        return -1;
    }
}

static int check_args(const explain_args *a)
{
    if (a->nrules == 0)
        return cli_usage_error("explain", "no rule files given");
    if (!a->facts)
        return cli_usage_error("explain", "no facts given (use -f FILE)");
    if ((a->nids > 0) + a->all + a->fired + (a->why_not != NULL) > 1)
        return cli_usage_error("explain", "--rule, --fired, --all and --why-not cannot be combined");
    return -1;
}

int cli_cmd_explain(int argc, char **argv)
{
    explain_args a;
    memset(&a, 0, sizeof a);
    a.rule_paths = malloc((size_t)argc * sizeof *a.rule_paths);
    a.ids = malloc((size_t)argc * sizeof *a.ids);
    int code = -1, id;
    const char *value;
    cli_args args;
    if (!a.rule_paths || !a.ids)
        code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    cli_args_init(&args, argc, argv, 1, explain_options,
                  sizeof explain_options / sizeof explain_options[0]);
    while (code < 0) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            code = cli_usage_error("explain", "%s", args.error);
        else if (kind == CLI_ARG_POSITIONAL)
            a.rule_paths[a.nrules++] = value;
        else
            code = take_option(&a, id, value);
    }
    if (code < 0)
        code = check_args(&a);
    if (code < 0)
        code = run(&a);
    free(a.rule_paths);
    free(a.ids);
    return code;
}
