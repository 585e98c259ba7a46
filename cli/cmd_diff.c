/*
 * cmd_diff.c - `stagewise diff OLD_RULES NEW_RULES --clients DIR`: the impact of a rule
 * change on a corpus of clients.
 *
 * Every client in every facts file of DIR (*.yaml, *.yml, *.json, *.jsonl, in name
 * order) is evaluated under both rule sets, and the two reports are compared: the
 * items of every output kind (sw_kind_at: recommendations, advice, challenges, risks
 * and any kind the language adds) added, removed or changed (what they carry:
 * priority, severity), the suggested stage, and the data gaps, each with the rules
 * behind it (from the report that has it). Rules whose text changed between the two sets are
 * listed first and marked with '*' wherever they appear.
 */
#define _POSIX_C_SOURCE 200809L

#include "cmd_audit.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "io.h"
#include "util/grow.h"

enum { OPT_HELP = 1, OPT_CLIENTS };

static const cli_option diff_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_CLIENTS, 'c', "clients", 1},
};

const char cli_diff_help[] =
    "Usage: stagewise diff OLD_RULES NEW_RULES --clients DIR\n"
    "\n"
    "Shows what a rule change does to decisions: evaluates every client in the facts\n"
    "files of DIR (*.yaml, *.yml, *.json, *.jsonl) under the old and the new rule set\n"
    "and lists, client by client, every recommendation, piece of advice, challenge and\n"
    "risk added, removed or changed, the suggested stage when it changes, and the data\n"
    "gaps that appear or go, each with the rules responsible. Rules whose text changed\n"
    "are listed first and marked with '*'. Ends with summary counts.\n"
    "\n"
    "OLD_RULES and NEW_RULES are each a .sw file or a directory of them.\n"
    "\n"
    "Options:\n"
    "  -c, --clients DIR  the directory of client facts files\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status:\n"
    "  0   compared (whether or not decisions changed)\n"
    "  2   usage error\n"
    "  3   a rule set has errors\n"
    "  4   some client could not be read under one of the rule sets (the others are\n"
    "      compared)\n"
    "  5   a file could not be read\n"
    "  70  internal error\n";

/* A section is an output kind (numbered as sw_kind_at) or, after the kinds, the
 * data gaps. */
typedef struct diff_totals {
    size_t clients, changed, unreadable;
    size_t *added, *removed, *altered;   /* by section: sw_kind_count() + 1 */
    size_t stage;
} diff_totals;

typedef struct differ {
    const sw_ruleset *old_rules, *new_rules;
    diff_totals t;
    size_t client_changes;   /* changes printed for the current client */
    const char *client_name;
} differ;

/* ---- which rules changed ---- */

static int find_rule(const sw_ruleset *rules, const char *id, sw_rule_info *out)
{
    for (size_t i = 0; i < sw_ruleset_rule_count(rules); i++)
        if (sw_ruleset_rule(rules, i, out) == SW_OK && strcmp(out->id, id) == 0)
            return 1;
    return 0;
}

/* A rule added, removed or with a different text (or status) in the new set. */
static int rule_changed(const differ *d, const char *id)
{
    sw_rule_info a, b;
    int in_old = find_rule(d->old_rules, id, &a), in_new = find_rule(d->new_rules, id, &b);
    return in_old != in_new || (in_old && strcmp(a.text, b.text) != 0);
}

static void print_rule_list(const char *what, const char *const *ids, size_t n)
{
    printf(" %zu %s", n, what);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : " (", ids[i]);
    printf("%s", n ? ")" : "");
}

/* ids in `from` that are missing from `other` (added/removed) or differ (modified). */
static size_t collect(const sw_ruleset *from, const sw_ruleset *other, int modified, const char **ids)
{
    size_t n = 0;
    for (size_t i = 0; i < sw_ruleset_rule_count(from); i++) {
        sw_rule_info a, b;
        if (sw_ruleset_rule(from, i, &a) != SW_OK)
            continue;
        int there = find_rule(other, a.id, &b);
        if (modified ? there && strcmp(a.text, b.text) != 0 : !there)
            ids[n++] = a.id;
    }
    return n;
}

static int print_rule_changes(const differ *d)
{
    size_t cap = sw_ruleset_rule_count(d->old_rules) + sw_ruleset_rule_count(d->new_rules) + 1;
    const char **ids = malloc(cap * sizeof *ids);
    if (!ids)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    printf("rule changes:");
    print_rule_list("modified", ids, collect(d->old_rules, d->new_rules, 1, ids));
    printf(",");
    print_rule_list("added", ids, collect(d->new_rules, d->old_rules, 0, ids));
    printf(",");
    print_rule_list("removed", ids, collect(d->old_rules, d->new_rules, 0, ids));
    printf("\n");
    free(ids);
    return CLI_EXIT_OK;
}

/* ---- comparing two reports ---- */

static void change_header(differ *d)
{
    if (d->client_changes++ == 0)
        printf("\n%s\n", d->client_name);
}

static void print_reasons(const differ *d, const sw_reason *r, size_t n)
{
    printf("  [");
    for (size_t i = 0; i < n; i++)
        printf("%s%s%s", i ? ", " : "", r[i].rule, rule_changed(d, r[i].rule) ? "*" : "");
    printf("]\n");
}

/* What an item of kind `section` carries, in words, or NULL when it carries none. */
static const char *level_of(size_t section, const sw_item *it)
{
    const char *carries = sw_kind_at(section)->carries;
    if (!carries)
        return NULL;
    return strcmp(carries, "priority") == 0 ? sw_priority_name(it->priority)
                                            : sw_severity_name(it->severity);
}

static const sw_item *find_item(const sw_item *list, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].id, id) == 0)
            return &list[i];
    return NULL;
}

static void item_line(differ *d, char sign, size_t section, const sw_item *it)
{
    change_header(d);
    const char *level = level_of(section, it);
    printf("  %c %s %s%s%s%s", sign, sw_kind_at(section)->action, it->id, level ? " (" : "",
           level ? level : "", level ? ")" : "");
    print_reasons(d, it->reasons, it->nreasons);
}

static void compare_items(differ *d, size_t section, const sw_report *ra, const sw_report *rb)
{
    const sw_item *a, *b;
    size_t na = sw_report_items(ra, section, &a), nb = sw_report_items(rb, section, &b);
    for (size_t i = 0; i < na; i++) {
        const sw_item *other = find_item(b, nb, a[i].id);
        if (!other) {
            item_line(d, '-', section, &a[i]);
            d->t.removed[section]++;
        } else if (level_of(section, &a[i]) && strcmp(level_of(section, &a[i]), level_of(section, other)) != 0) {
            change_header(d);
            printf("  ~ %s %s: %s -> %s", sw_kind_at(section)->action, a[i].id, level_of(section, &a[i]),
                   level_of(section, other));
            print_reasons(d, other->reasons, other->nreasons);
            d->t.altered[section]++;
        }
    }
    for (size_t i = 0; i < nb; i++) {
        if (find_item(a, na, b[i].id))
            continue;
        item_line(d, '+', section, &b[i]);
        d->t.added[section]++;
    }
}

static const sw_stage_candidate *chosen(const sw_stage_verdict *v)
{
    for (size_t i = 0; i < v->ncandidates; i++)
        if (v->candidates[i].chosen)
            return &v->candidates[i];
    return NULL;
}

static void compare_stage(differ *d, const sw_stage_verdict *a, const sw_stage_verdict *b)
{
    const char *sa = a->suggested ? a->suggested : "unknown", *sb = b->suggested ? b->suggested : "unknown";
    if (strcmp(sa, sb) == 0)
        return;
    change_header(d);
    d->t.stage++;
    const sw_stage_candidate *c = chosen(b) ? chosen(b) : chosen(a);
    printf("  ~ stage suggested: %s -> %s", sa, sb);
    if (c)
        print_reasons(d, c->reasons, c->nreasons);
    else
        printf("\n");
}

static const sw_data_gap *find_gap(const sw_report *r, const char *fact)
{
    for (size_t i = 0; i < r->ngaps; i++)
        if (strcmp(r->gaps[i].fact, fact) == 0)
            return &r->gaps[i];
    return NULL;
}

static void gap_line(differ *d, char sign, const sw_data_gap *g)
{
    change_header(d);
    printf("  %c data gap %s  [", sign, g->fact);
    for (size_t i = 0; i < g->nrules; i++)
        printf("%s%s%s", i ? ", " : "", g->rules[i], rule_changed(d, g->rules[i]) ? "*" : "");
    printf("]\n");
}

static void compare_gaps(differ *d, const sw_report *a, const sw_report *b)
{
    for (size_t i = 0; i < a->ngaps; i++)
        if (!find_gap(b, a->gaps[i].fact)) {
            gap_line(d, '-', &a->gaps[i]);
            d->t.removed[sw_kind_count()]++;
        }
    for (size_t i = 0; i < b->ngaps; i++)
        if (!find_gap(a, b->gaps[i].fact)) {
            gap_line(d, '+', &b->gaps[i]);
            d->t.added[sw_kind_count()]++;
        }
}

static void compare_reports(differ *d, const sw_report *a, const sw_report *b)
{
    for (size_t k = 0; k < sw_kind_count(); k++)
        compare_items(d, k, a, b);
    compare_stage(d, &a->stage, &b->stage);
    compare_gaps(d, a, b);
}

/* ---- clients ---- */

static int evaluate_pair(differ *d, const sw_facts *fa, const sw_facts *fb)
{
    sw_result *ra = NULL, *rb = NULL;
    sw_status st = sw_evaluate(d->old_rules, fa, &ra);
    if (st == SW_OK)
        st = sw_evaluate(d->new_rules, fb, &rb);
    if (st == SW_OK) {
        d->client_changes = 0;
        compare_reports(d, sw_result_report(ra), sw_result_report(rb));
        d->t.changed += d->client_changes > 0;
    }
    sw_result_free(ra);
    sw_result_free(rb);
    return st == SW_OK ? CLI_EXIT_OK : cli_fail_status(st, "evaluating a client");
}

/* One document, read under both rule sets; st_a/st_b are their statuses. */
static int one_client(differ *d, const char *file, size_t k, sw_facts *fa, sw_facts *fb,
                      sw_diagnostics *diags)
{
    char name[600];
    const char *client = fa ? sw_facts_client(fa) : fb ? sw_facts_client(fb) : NULL;
    snprintf(name, sizeof name, "%s #%zu%s%s%s", file, k, client ? " (client " : "",
             client ? client : "", client ? ")" : "");
    d->client_name = name;
    d->t.clients++;
    if (fa && fb)
        return evaluate_pair(d, fa, fb);
    d->t.unreadable++;
    fflush(stdout);
    cli_print_diagnostics(diags);
    fprintf(stderr, "%s: cannot be read under the %s rules; not compared\n", name,
            !fa && !fb ? "old and the new" : !fa ? "old" : "new");
    return CLI_EXIT_OK;
}

static int diff_input(differ *d, const char *path, const cli_input *in)
{
    sw_facts_stream *sa = NULL, *sb = NULL;
    sw_diagnostics *diags = sw_diagnostics_new();
    int code = CLI_EXIT_OK;
    if (!diags || sw_facts_stream_open(d->old_rules, path, in->data, in->len, &sa) != SW_OK ||
        sw_facts_stream_open(d->new_rules, path, in->data, in->len, &sb) != SW_OK)
        code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    for (size_t k = 1; code == CLI_EXIT_OK; k++) {
        sw_facts *fa = NULL, *fb = NULL;
        sw_diagnostics_clear(diags);
        sw_status a = sw_facts_stream_next(sa, &fa, diags);
        sw_status b = sw_facts_stream_next(sb, &fb, diags);
        if (a == SW_END && b == SW_END)
            break;
        if (a == SW_ERR_NOMEM || b == SW_ERR_NOMEM)
            code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        else if (a == SW_END || b == SW_END || (a == SW_ERR_LIMIT && b == SW_ERR_LIMIT))
            code = cli_fail(CLI_EXIT_FACTS, "%s: cannot be read to the end", path);
        else
            code = one_client(d, path, k, a == SW_OK ? fa : NULL, b == SW_OK ? fb : NULL, diags);
        sw_facts_free(fa);
        sw_facts_free(fb);
    }
    sw_facts_stream_free(sa);
    sw_facts_stream_free(sb);
    sw_diagnostics_free(diags);
    return code;
}

/* ---- the directory ---- */

static int facts_file(const char *name)
{
    static const char *const exts[] = {".yaml", ".yml", ".json", ".jsonl"};
    size_t n = strlen(name);
    for (size_t i = 0; i < 4; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(name + n - e, exts[i]) == 0)
            return name[0] != '.';
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Appends dir/name to *names; 0 when memory ran out. */
static int add_name(char ***names, size_t *n, size_t *cap, const char *dir, const char *name)
{
    if (!sw_grow(names, cap, *n, sizeof **names, 16))
        return 0;
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    if (!path)
        return 0;
    sprintf(path, "%s/%s", dir, name);
    (*names)[(*n)++] = path;
    return 1;
}

/* The facts files of dir, sorted; *n set. NULL with errno set on failure. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *dp = opendir(dir);
    char **names = malloc(sizeof *names);
    size_t cap = 1;
    struct dirent *e;
    int ok = dp && names;
    *n = 0;
    while (ok && (e = readdir(dp)) != NULL)
        ok = !facts_file(e->d_name) || add_name(&names, n, &cap, dir, e->d_name);
    int error_number = !dp ? errno : ENOMEM;
    if (dp)
        closedir(dp);
    if (!ok) {
        free_names(names, *n);
        *n = 0;
        errno = error_number;
        return NULL;
    }
    qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

static int diff_file(differ *d, const char *path)
{
    cli_input in;
    switch (cli_read_input(path, CLI_FACTS_LIMIT, &in)) {
    case CLI_READ_OK:
        break;
    case CLI_READ_IO:
        return cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", path, strerror(in.error_number));
    case CLI_READ_TOO_BIG:
        d->t.unreadable++;
        cli_fail(CLI_EXIT_FACTS, CLI_TOO_BIG_FMT, CLI_TOO_BIG_ARGS(path, in, "the input"));
        return CLI_EXIT_OK;
    default:
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    int code = diff_input(d, path, &in);
    cli_input_free(&in);
    return code;
}

static void print_summary(const differ *d)
{
    size_t nkinds = sw_kind_count();
    printf("\nsummary: %zu client%s, %zu changed, %zu unchanged, %zu unreadable\n", d->t.clients,
           d->t.clients == 1 ? "" : "s", d->t.changed,
           d->t.clients - d->t.changed - d->t.unreadable, d->t.unreadable);
    for (size_t s = 0; s < nkinds; s++) {
        const sw_kind_info *kind = sw_kind_at(s);
        printf("  %s: %zu added, %zu removed", kind->key, d->t.added[s], d->t.removed[s]);
        if (kind->carries)
            printf(", %zu changed %s", d->t.altered[s], kind->carries);
        printf("\n");
    }
    printf("  stage: %zu changed suggestion%s\n", d->t.stage, d->t.stage == 1 ? "" : "s");
    printf("  data gaps: %zu added, %zu removed\n", d->t.added[nkinds], d->t.removed[nkinds]);
}

static int run_diff(const char *old_path, const char *new_path, const char *dir)
{
    differ d;
    memset(&d, 0, sizeof d);
    sw_ruleset *a = NULL, *b = NULL;
    size_t n = 0, nsections = sw_kind_count() + 1;
    size_t *totals = calloc(3 * nsections, sizeof *totals);
    if (!totals)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    d.t.added = totals;
    d.t.removed = totals + nsections;
    d.t.altered = totals + 2 * nsections;
    char **files = list_dir(dir, &n);
    int code = files ? CLI_EXIT_OK : cli_fail(CLI_EXIT_IO, "cannot read the directory '%s': %s",
                                              dir, strerror(errno));
    if (code == CLI_EXIT_OK)
        code = cli_load_rules(&old_path, 1, &a);
    if (code == CLI_EXIT_OK)
        code = cli_load_rules(&new_path, 1, &b);
    d.old_rules = a;
    d.new_rules = b;
    if (code == CLI_EXIT_OK)
        code = print_rule_changes(&d);
    for (size_t i = 0; code == CLI_EXIT_OK && i < n; i++)
        code = diff_file(&d, files[i]);
    if (code == CLI_EXIT_OK)
        print_summary(&d);
    if (files)
        free_names(files, n);
    free(totals);
    sw_ruleset_free(a);
    sw_ruleset_free(b);
    return code == CLI_EXIT_OK && d.t.unreadable ? CLI_EXIT_FACTS : code;
}

int cli_cmd_diff(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *dir = NULL, *value;
    size_t npos = 0;
    cli_args args;
    int id;
    cli_args_init(&args, argc, argv, 1, diff_options, sizeof diff_options / sizeof diff_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            return cli_usage_error("diff", "%s", args.error);
        if (kind == CLI_ARG_OPTION && id == OPT_HELP) {
            fputs(cli_diff_help, stdout);
            return CLI_EXIT_OK;
        }
        if (kind == CLI_ARG_OPTION)
            dir = value;
        else if (npos == 2)
            return cli_usage_error("diff", "unexpected argument '%s'", value);
        else
            pos[npos++] = value;
    }
    if (npos < 2)
        return cli_usage_error("diff", "give the old and the new rule set");
    if (!dir)
        return cli_usage_error("diff", "no clients given (--clients DIR)");
    return run_diff(pos[0], pos[1], dir);
}
