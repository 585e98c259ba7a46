/*
 * cmd_replay.c - `stagewise replay RECORD_OR_LOG[:LINE] --rules RULES...`: re-evaluate
 * logged decisions and say whether the result is the recorded one.
 *
 * Each line of the file is one decision record (a decision log, or a file holding a
 * single record); :LINE picks one. The library (sw_record_replay) refuses a record
 * made with another rule set, naming both hashes, and otherwise lists every field
 * of the result that differs, by JSON path.
 */
#define _POSIX_C_SOURCE 200809L

#include "cmd_audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "cli.h"
#include "io.h"

enum { OPT_HELP = 1, OPT_RULES };

static const cli_option replay_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_RULES, 'r', "rules", 1},
};

const char cli_replay_help[] =
    "Usage: stagewise replay RECORD_OR_LOG[:LINE] --rules RULES [--rules RULES]...\n"
    "       stagewise replay URL --rules RULES [--rules RULES]...\n"
    "\n"
    "Re-evaluates the facts held in decision records (written by 'stagewise eval\n"
    "--log') with the rule set RULES and compares the result with the recorded one.\n"
    "Every line of the file is replayed, or only line LINE. For each record one line\n"
    "says 'identical', or which fields of the result differ (as JSON paths, with the\n"
    "recorded and the new value). A record made with a different rule set is not\n"
    "replayed: the command names both SHA-256 hashes. A PostgreSQL URL\n"
    "(postgresql://...) replays every record of the decision store written by 'eval\n"
    "--store URL', in seq order.\n"
    "\n"
    "Options:\n"
    "  -r, --rules RULES  .sw files or directories of the rule set (may be repeated)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status:\n"
    "  0   every result is identical to the recorded one\n"
    "  2   usage error\n"
    "  3   the rule set has errors\n"
    "  4   a line is not a decision record, or its facts do not read back\n"
    "  5   a file could not be read\n"
    "  8   some result differs from the recorded one\n"
    "  9   some record was made with a different rule set (refused)\n"
    "  70  internal error\n";

typedef struct replay_run {
    const sw_ruleset *rules;
    const char *name;
    int differs, refused, bad;
} replay_run;

static void print_report(replay_run *run, unsigned long line, const sw_replay_report *r)
{
    const char *id = r->decision_id[0] ? r->decision_id : "(none)";
    if (!r->hash_ok)
        printf("%s:%lu: warning: the record does not match its own hash; it was changed after "
               "it was written (run 'stagewise audit verify')\n", run->name, line);
    if (r->state == SW_REPLAY_RULES_DIFFER) {
        run->refused = 1;
        printf("%s:%lu: decision %s: refused: recorded with rule set %s, but these rules are %s\n",
               run->name, line, id, r->recorded_ruleset_sha256, r->ruleset_sha256);
        return;
    }
    if (r->state == SW_REPLAY_IDENTICAL) {
        printf("%s:%lu: decision %s: identical\n", run->name, line, id);
        return;
    }
    run->differs = 1;
    printf("%s:%lu: decision %s: differs in %zu field%s\n", run->name, line, id, r->ndifferences,
           r->ndifferences == 1 ? "" : "s");
    for (size_t i = 0; i < r->ndifferences; i++) {
        const sw_replay_difference *d = &r->differences[i];
        printf("  %s: recorded %s, replayed %s\n", d->path[0] ? d->path : ".",
               d->recorded ? d->recorded : "(absent)", d->replayed ? d->replayed : "(absent)");
    }
}

/* Replays one line. Returns CLI_EXIT_OK or a fatal exit code. */
static int replay_line(replay_run *run, unsigned long line, const char *text, size_t len)
{
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_replay *replay = NULL;
    if (!diags)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    sw_status st = sw_record_replay(run->rules, text, len, &replay, diags);
    int code = CLI_EXIT_OK;
    if (st == SW_OK) {
        print_report(run, line, sw_replay_get(replay));
    } else if (st == SW_ERR_FACTS) {
        fflush(stdout);
        fprintf(stderr, "%s:%lu: cannot replay this line:\n", run->name, line);
        cli_print_diagnostics(diags);
        run->bad = 1;
    } else {
        code = cli_fail_status(st, "replaying a record");
    }
    sw_replay_free(replay);
    sw_diagnostics_free(diags);
    return code;
}

/* Replays the lines of f (closed here); path names it in messages. */
static int replay_stream(replay_run *run, FILE *f, const char *path, unsigned long only)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long n = 0, done = 0;
    int code = CLI_EXIT_OK;
    while (code == CLI_EXIT_OK && (len = getline(&line, &cap, f)) > 0) {
        n++;
        if ((only && n != only) || (len == 1 && line[0] == '\n'))
            continue;
        done++;
        code = replay_line(run, n, line, (size_t)len);
    }
    int failed = ferror(f);
    free(line);
    fclose(f);
    if (code != CLI_EXIT_OK)
        return code;
    if (failed)
        return cli_fail(CLI_EXIT_IO, "cannot read '%s'", path);
    if (only && n < only)
        return cli_fail(CLI_EXIT_USAGE, "'%s' has %lu line%s, not %lu", path, n, n == 1 ? "" : "s", only);
    if (done == 0)
        return cli_fail(CLI_EXIT_FACTS, "'%s' holds no decision records", path);
    return run->bad ? CLI_EXIT_FACTS : run->refused ? CLI_EXIT_REPLAY_REFUSED
         : run->differs ? CLI_EXIT_REPLAY_DIFFERS : CLI_EXIT_OK;
}

static int replay_file(replay_run *run, const char *path, unsigned long only)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", path, strerror(errno));
    return replay_stream(run, f, path, only);
}

/* The decision store's records, read in seq order through a cursor (a few at a
 * time), replayed as the lines of a log. */
static int replay_cursor(replay_run *run, sw_store *store)
{
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_store_cursor *cursor = NULL;
    if (!diags)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    sw_status st = sw_store_cursor_open(store, &cursor, diags);
    unsigned long n = 0;
    int code = CLI_EXIT_OK;
    while (st == SW_OK && code == CLI_EXIT_OK) {
        const char *record = NULL;
        size_t len = 0;
        st = sw_store_cursor_next(cursor, &record, &len, diags);
        if (st != SW_OK || !record)
            break;
        code = replay_line(run, ++n, record, len);
    }
    sw_store_cursor_close(cursor);
    if (code == CLI_EXIT_OK && st == SW_ERR_IO)
        code = (fflush(stdout), cli_print_diagnostics(diags), CLI_EXIT_IO);
    else if (code == CLI_EXIT_OK && st != SW_OK)
        code = cli_fail_status(st, "reading the decision store");
    sw_diagnostics_free(diags);
    if (code != CLI_EXIT_OK)
        return code;
    if (n == 0)
        return cli_fail(CLI_EXIT_FACTS, "'%s' holds no decision records", run->name);
    return run->bad ? CLI_EXIT_FACTS : run->refused ? CLI_EXIT_REPLAY_REFUSED
         : run->differs ? CLI_EXIT_REPLAY_DIFFERS : CLI_EXIT_OK;
}

static int replay_store(const char *url, const char *const *rule_paths, size_t nrules)
{
    sw_store *store = NULL;
    sw_ruleset *rules = NULL;
    char where[256];
    int code = cli_load_rules(rule_paths, nrules, &rules);
    if (code == CLI_EXIT_OK)
        code = cli_store_open(url, &store);
    sw_store_redact_url(url, where, sizeof where);
    if (code == CLI_EXIT_OK) {
        replay_run run = {rules, where, 0, 0, 0};
        code = replay_cursor(&run, store);
    }
    sw_store_close(store);
    sw_ruleset_free(rules);
    return code;
}

/* Splits "FILE:LINE" when FILE is not itself the name of an existing file. */
static char *split_line(const char *arg, unsigned long *line)
{
    struct stat st;
    char *path = strdup(arg);
    *line = 0;
    if (!path || stat(arg, &st) == 0)
        return path;
    char *colon = strrchr(path, ':');
    if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return path;
    *line = strtoul(colon + 1, NULL, 10);
    *colon = '\0';
    return path;
}

static int run_replay(const char *target, const char *const *rule_paths, size_t nrules)
{
    if (sw_store_is_url(target))
        return replay_store(target, rule_paths, nrules);
    unsigned long line;
    char *path = split_line(target, &line);
    if (!path)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    int error_number = 0, code;
    sw_ruleset *rules = NULL;
    if (!cli_can_open(path, 1, &error_number))
        code = cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", path, strerror(error_number));
    else if (strchr(target, ':') && line == 0 && strcmp(path, target) != 0)
        code = cli_usage_error("replay", "line numbers start at 1");
    else
        code = cli_load_rules(rule_paths, nrules, &rules);
    if (code == CLI_EXIT_OK) {
        replay_run run = {rules, path, 0, 0, 0};
        code = replay_file(&run, path, line);
    }
    sw_ruleset_free(rules);
    free(path);
    return code;
}

int cli_cmd_replay(int argc, char **argv)
{
    const char **rule_paths = malloc((size_t)argc * sizeof *rule_paths), *target = NULL, *value;
    size_t nrules = 0;
    cli_args args;
    int id, code = -1;
    if (!rule_paths)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    cli_args_init(&args, argc, argv, 1, replay_options, sizeof replay_options / sizeof replay_options[0]);
    while (code < 0) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            code = cli_usage_error("replay", "%s", args.error);
        else if (kind == CLI_ARG_OPTION && id == OPT_HELP)
            code = (fputs(cli_replay_help, stdout), CLI_EXIT_OK);
        else if (kind == CLI_ARG_OPTION)
            rule_paths[nrules++] = value;
        else if (target)
            code = cli_usage_error("replay", "unexpected argument '%s'", value);
        else
            target = value;
    }
    if (code < 0 && !target)
        code = cli_usage_error("replay", "no record or log given");
    if (code < 0 && nrules == 0)
        code = cli_usage_error("replay", "no rule set given (--rules RULES)");
    if (code < 0)
        code = run_replay(target, rule_paths, nrules);
    free(rule_paths);
    return code;
}
