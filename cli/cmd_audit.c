/*
 * cmd_audit.c - `stagewise audit verify LOG [--expect-head HASH]`, and the audit
 * hooks of `eval` (production mode, --log) and `check` (rule status counts).
 *
 * verify prints one verdict line on standard output and exits with a code that
 * says which verdict it was (cmd_audit.h, docs/audit.md), so scripts need not parse
 * the text.
 */
#include "cmd_audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "io.h"

enum { OPT_HELP = 1, OPT_EXPECT_HEAD };

static const cli_option audit_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_EXPECT_HEAD, 0, "expect-head", 1},
};

const char cli_audit_help[] =
    "Usage: stagewise audit verify LOG|URL [--expect-head HASH]\n"
    "\n"
    "Verifies a decision log written by 'stagewise eval --log LOG': that every record\n"
    "matches its own hash, that the records are numbered 1, 2, 3... without a gap and\n"
    "that each carries the hash of the line before it. Prints one line: the number of\n"
    "intact records and the log's head (the hash of its last line), or the first\n"
    "record that was altered, removed or reordered, by line number. A last line cut\n"
    "short by a crash is reported as torn; the records before it are still intact.\n"
    "A PostgreSQL URL (postgresql://...) verifies the decision store written by 'eval\n"
    "--store URL' instead: its records in seq order, line N being the Nth, and then\n"
    "its chain of CDS Hooks feedback (a second verdict line), each feedback record's\n"
    "decision included.\n"
    "\n"
    "Options:\n"
    "      --expect-head HASH  a head printed by an earlier verify: the log must still\n"
    "                          hold that record, else it was truncated\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status:\n"
    "  0   every record is intact\n"
    "  2   usage error\n"
    "  5   the log could not be read\n"
    "  6   the last line is torn (incomplete); the records before it are intact\n"
    "  7   a record was altered, removed or reordered, or the log was truncated\n"
    "  70  internal error\n";

/* ---- audit verify ---- */

static int print_verdict(const char *path, const sw_log_verdict *v)
{
    if (v->state == SW_LOG_INTACT) {
        printf("%s: intact: %s; head %s\n", path, v->message, v->records ? v->head : "(empty log)");
        return CLI_EXIT_OK;
    }
    printf("%s: %s at line %llu: %s\n", path, sw_log_state_name(v->state),
           (unsigned long long)v->line, v->message);
    if (v->records == 1)
        printf("%s: line 1 is intact (%llu bytes); head %s\n", path,
               (unsigned long long)v->intact_bytes, v->head);
    else if (v->records > 1)
        printf("%s: lines 1 to %llu are intact (%llu bytes); head %s\n", path,
               (unsigned long long)v->records, (unsigned long long)v->intact_bytes, v->head);
    if (v->state == SW_LOG_TORN) {
        printf("%s: to append again, cut the torn line off: truncate -s %llu %s\n", path,
               (unsigned long long)v->intact_bytes, path);
        return CLI_EXIT_LOG_TORN;
    }
    return CLI_EXIT_LOG_BROKEN;
}

/* Verifies the store's two chains, decisions then feedback: one verdict each. */
static int verify_store(const char *url, const char *expect_head)
{
    sw_store *store = NULL;
    int code = cli_store_open(url, &store);
    if (code != CLI_EXIT_OK)
        return code;
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_log_verdict v, fv;
    sw_status st = diags ? sw_store_verify(store, expect_head, &v, diags) : SW_ERR_NOMEM;
    if (st == SW_OK)
        st = sw_store_verify_feedback(store, &fv, diags);
    char where[256], feedback[280];
    sw_store_redact_url(url, where, sizeof where);
    snprintf(feedback, sizeof feedback, "%s feedback", where);
    if (st == SW_OK) {
        code = print_verdict(where, &v);
        int fcode = print_verdict(feedback, &fv);
        if (code == CLI_EXIT_OK)
            code = fcode;
    } else if (st == SW_ERR_IO) {
        code = (cli_print_diagnostics(diags), CLI_EXIT_IO);
    } else {
        code = cli_fail_status(st, "verifying the decision store");
    }
    sw_diagnostics_free(diags);
    sw_store_close(store);
    return code;
}

static int verify(const char *path, const char *expect_head)
{
    sw_log_verdict v;
    if (sw_store_is_url(path))
        return verify_store(path, expect_head);
    int error_number = 0;
    if (!cli_can_open(path, 1, &error_number))
        return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", path, strerror(error_number));
    sw_status st = sw_decision_log_verify(path, expect_head, &v);
    if (st == SW_ERR_IO)
        return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", path, strerror(errno ? errno : EIO));
    if (st != SW_OK)
        return cli_fail_status(st, "verifying the log");
    return print_verdict(path, &v);
}

static int hex64(const char *s)
{
    size_t n = strlen(s);
    if (n != 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int cli_cmd_audit(int argc, char **argv)
{
    const char *positional[2] = {NULL, NULL}, *expect_head = NULL, *value;
    size_t npos = 0;
    cli_args args;
    int id;
    cli_args_init(&args, argc, argv, 1, audit_options, sizeof audit_options / sizeof audit_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            return cli_usage_error("audit", "%s", args.error);
        if (kind == CLI_ARG_OPTION && id == OPT_HELP) {
            fputs(cli_audit_help, stdout);
            return CLI_EXIT_OK;
        }
        if (kind == CLI_ARG_OPTION) {
            expect_head = value;
            continue;
        }
        if (npos == 2)
            return cli_usage_error("audit", "unexpected argument '%s'", value);
        positional[npos++] = value;
    }
    if (npos == 0)
        return cli_usage_error("audit", "no subcommand given (expected 'verify LOG')");
    if (strcmp(positional[0], "verify") != 0)
        return cli_usage_error("audit", "unknown subcommand '%s' (expected 'verify')", positional[0]);
    if (npos < 2)
        return cli_usage_error("audit", "no log given (audit verify LOG)");
    if (expect_head && !hex64(expect_head))
        return cli_usage_error("audit", "--expect-head needs 64 lowercase hex digits");
    return verify(positional[1], expect_head);
}

/* ---- hooks for eval and check ---- */

int cli_audit_require_production(const sw_ruleset *rules)
{
    sw_diagnostics *diags = sw_diagnostics_new();
    if (!diags)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    sw_status st = sw_ruleset_require_production(rules, diags);
    int code = CLI_EXIT_OK;
    if (st == SW_ERR_RULES) {
        code = cli_print_diagnostics(diags);
        size_t n = sw_diagnostics_count(diags);
        fprintf(stderr, "production mode: %zu rule%s not in production status; nothing was "
                        "evaluated\n", n, n == 1 ? " is" : "s are");
        if (code == CLI_EXIT_OK)
            code = CLI_EXIT_RULES;
    } else if (st != SW_OK) {
        code = cli_fail_status(st, "checking rule status");
    }
    sw_diagnostics_free(diags);
    return code;
}

void cli_audit_print_status_counts(FILE *out, const sw_ruleset *rules)
{
    size_t count[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < sw_ruleset_rule_count(rules); i++) {
        sw_rule_info info;
        if (sw_ruleset_rule(rules, i, &info) == SW_OK && (unsigned)info.status < 4)
            count[info.status]++;
    }
    fprintf(out, "rules by status: %zu production, %zu testing, %zu draft, %zu retired\n",
            count[SW_VALIDATION_PRODUCTION], count[SW_VALIDATION_TESTING],
            count[SW_VALIDATION_DRAFT], count[SW_VALIDATION_RETIRED]);
}

int cli_audit_timestamp_ok(const char *t)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(t) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != shape[i])
            return 0;
    return 1;
}

int cli_audit_read_key(const char *path, unsigned char **key, size_t *len)
{
    cli_input in;
    *key = NULL;
    switch (cli_read_input(path, 4096, &in)) {
    case CLI_READ_OK:
        break;
    case CLI_READ_IO:
        return cli_fail(CLI_EXIT_IO, "cannot read the pseudonym key '%s': %s", path,
                        strerror(in.error_number));
    case CLI_READ_TOO_BIG:
        return cli_fail(CLI_EXIT_USAGE, "the pseudonym key '%s' is larger than 4 KiB", path);
    default:
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    if (in.len < 16) {
        cli_input_free(&in);
        return cli_fail(CLI_EXIT_USAGE, "the pseudonym key '%s' is shorter than 16 bytes; make "
                        "one with: head -c 32 /dev/urandom > KEYFILE", path);
    }
    *key = (unsigned char *)in.data;
    *len = in.len;
    return CLI_EXIT_OK;
}

int cli_audit_log_open(cli_audit_log *log, const char *path, const char *key_path,
                       const char *decision_id, const char *timestamp, int production)
{
    memset(log, 0, sizeof *log);
    log->path = path;
    log->decision_id = decision_id;
    log->options.timestamp = timestamp;
    log->options.production = production;
    if (!key_path)
        return CLI_EXIT_OK;
    int code = cli_audit_read_key(key_path, &log->key, &log->options.pseudonym_key_len);
    log->options.pseudonym_key = log->key;
    return code;
}

int cli_audit_log_append(cli_audit_log *log, const sw_ruleset *rules, const sw_facts *facts,
                         const sw_result *result)
{
    if (!log || !log->path)
        return CLI_EXIT_OK;
    log->records++;
    log->options.decision_id = log->decision_id;
    if (log->decision_id && log->records > 1) {
        snprintf(log->id_buf, sizeof log->id_buf, "%.64s-%lu", log->decision_id, log->records);
        log->options.decision_id = log->id_buf;
    }
    sw_diagnostics *diags = sw_diagnostics_new();
    if (!diags)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    sw_status st = log->store
        ? sw_store_append(log->store, rules, facts, result, &log->options, NULL, diags)
        : sw_decision_log_append(log->path, rules, facts, result, &log->options, NULL, diags);
    int code = CLI_EXIT_OK;
    if (st == SW_ERR_IO) {
        cli_print_diagnostics(diags);
        code = CLI_EXIT_IO;
    } else if (st == SW_ERR_ARG) {
        code = cli_fail(CLI_EXIT_USAGE, "invalid --decision-id or --timestamp for the log");
    } else if (st != SW_OK) {
        code = cli_fail_status(st, "writing the decision log");
    }
    sw_diagnostics_free(diags);
    return code;
}

int cli_audit_log_use_store(cli_audit_log *log, const char *url)
{
    if (!url)
        return CLI_EXIT_OK;
    int code = cli_store_open(url, &log->store);
    if (code == CLI_EXIT_OK)
        log->path = "store";
    return code;
}

void cli_audit_log_close(cli_audit_log *log)
{
    free(log->key);
    log->key = NULL;
    sw_store_close(log->store);
    log->store = NULL;
}
