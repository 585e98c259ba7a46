/*
 * bench.c - the Stagewise benchmark (docs/performance.md says how to run it and
 * what it found).
 *
 * On the shipped rule base (rules/, the example clients and generated ones) it
 * measures load and compile time, the compiled rule set's memory, evaluations per
 * second on one core for the engine alone and end to end (facts parsed from YAML),
 * libyaml's own cost for the same documents, and runs the same workload in CLIPS
 * (bench_clips.c) and in generated C if-statements (bench_emit.c), checking that
 * all three fire the same rules and give the same outputs for every client. Then
 * it does the same for generated rule sets of 100 to 100,000 rules to show how
 * time and memory grow with the rule count.
 *
 * Usage: stagewise_bench [--quick] [--max-rules N] [--clips-max N] [--seconds S]
 *                        [--profile engine|report|api|apifull|parse|handc|handcgaps|clips]
 *                        [--profile-rules N]
 *
 * "api" is the integrator's path through the public API only: one sw_facts reset
 * and filled by handle (sw_facts_set_*_h), one sw_result reused, sw_evaluate_with
 * at SW_RESULT_OUTPUTS; "apifull" the same at SW_RESULT_FULL with provenance.
 * "handc" is the generated C (fired rules only), "handcgaps" the generated C that
 * also computes the data gaps, the same work as outputs only: its gaps are
 * checked against the public path's report on every client.
 *
 * Exits 1 when any engine disagrees with Stagewise on any client (each
 * disagreement is named on stderr).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <yaml.h>

#include "bench.h"
#include "eval/eval.h"
#include "facts/facts.h"
#include "lang/value.h"

typedef struct options {
    double seconds;       /* minimum measuring time per figure */
    size_t max_rules;     /* largest generated rule set */
    size_t clips_max;     /* largest rule set CLIPS is run on */
    size_t clients;       /* generated clients for the shipped rule base */
    size_t gen_clients;   /* clients for each generated rule set */
    const char *profile;  /* --profile NAME: run only that figure of the shipped rule base */
    size_t profile_rules; /* --profile-rules N: ... of the generated wide set of N rules instead */
} options;

/* ---- clients ---- */

typedef struct client_set {
    size_t n;
    sw_buf *docs;
    sw_facts **facts;
    int32_t *current;
    void **handc;         /* per client, the generated C's struct, or NULL */
    struct api_client *api; /* per client, the setter calls of the public path */
} client_set;

/* One client as an integrator's code holds it: the facts to set, by handle. */
typedef struct api_op {
    sw_fact_handle h;
    uint8_t kind;                 /* sw_type_kind */
    int64_t i;
    double n;
    const char *s;                /* date and text: the value's text */
    int member;                   /* one-of: the member's number (sw_ruleset_member) */
    const char *members[SW_SET_MAX_MEMBERS];
    size_t nmembers;
} api_op;

typedef struct api_client {
    api_op *ops;
    size_t nops;
    const char *client;           /* or NULL */
    char date[11];                /* "" when there is none */
    char *texts;                  /* the one-of and date texts */
} api_client;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void die(const char *what)
{
    fprintf(stderr, "stagewise_bench: %s\n", what);
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("out of memory");
    return p;
}

static void add_doc(client_set *cs, const sw_ruleset *rs, const char *text, size_t len, const char *name)
{
    const sw_program *p = &rs->prog;
    sw_buf *b = &cs->docs[cs->n];
    *b = (sw_buf)SW_BUF_INIT;
    sw_buf_append(b, text, len);
    sw_diagnostics *d = sw_diagnostics_new();
    sw_facts *f = NULL;
    if (!d || sw_facts_parse(rs, name, text, len, &f, d) != SW_OK) {
        char *r = NULL;
        sw_diagnostics_render(d, &r, NULL);
        fprintf(stderr, "%s", r ? r : "");
        die("a benchmark client does not parse");
    }
    sw_diagnostics_free(d);
    cs->facts[cs->n] = f;
    cs->current[cs->n] = p->stage_slot != SW_NONE && f->values[p->stage_slot].known
                             ? (int32_t)f->values[p->stage_slot].u.i
                             : -1;
    cs->n++;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sw_buf b = SW_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sw_buf_append(&b, chunk, n);
    fclose(f);
    return sw_buf_take(&b, len);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The example clients (examples/clients/), then `generated` more. */
static void make_clients(client_set *cs, const sw_ruleset *rs, const char *examples, size_t generated,
                         size_t known)
{
    const sw_program *p = &rs->prog;
    char *names[256];
    size_t nnames = 0;
    DIR *dir = examples ? opendir(examples) : NULL;
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL && nnames < 256;) {
        size_t l = strlen(e->d_name);
        if (l > 5 && (strcmp(e->d_name + l - 5, ".yaml") == 0 || strcmp(e->d_name + l - 5, ".json") == 0))
            names[nnames++] = strdup(e->d_name);
    }
    if (dir)
        closedir(dir);
    qsort(names, nnames, sizeof *names, cmp_str);
    size_t total = nnames + generated;
    cs->n = 0;
    cs->docs = xcalloc(total, sizeof *cs->docs);
    cs->facts = xcalloc(total, sizeof *cs->facts);
    cs->current = xcalloc(total, sizeof *cs->current);
    cs->handc = xcalloc(total, sizeof *cs->handc);
    cs->api = xcalloc(total, sizeof *cs->api);
    for (size_t i = 0; i < nnames; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", examples, names[i]);
        size_t len;
        char *text = slurp(path, &len);
        if (!text)
            die("cannot read an example client");
        add_doc(cs, rs, text, len, names[i]);
        free(text);
        free(names[i]);
    }
    bench_rng r = {BENCH_SEED ^ p->nrules};
    for (size_t i = 0; i < generated; i++) {
        sw_buf b = SW_BUF_INIT;
        bench_gen_client(p, &r, known, i, &b);
        if (b.failed)
            die("out of memory");
        add_doc(cs, rs, b.data, b.len, "generated.yaml");
        sw_buf_free(&b);
    }
}

static void free_clients(client_set *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        sw_buf_free(&cs->docs[i]);
        sw_facts_free(cs->facts[i]);
        free(cs->handc[i]);
        free(cs->api[i].ops);
        free(cs->api[i].texts);
    }
    free(cs->api);
    free(cs->docs);
    free(cs->facts);
    free(cs->current);
    free(cs->handc);
}

/* ---- the engines, one client each ---- */

typedef struct ctx {
    const sw_ruleset *rs;
    const client_set *cs;
    bench_out out;
    const bench_handc *hc;
    bench_clips *clips;
    long sink;
    sw_facts *api_facts;          /* the public path: one facts object and one result, */
    sw_result *api_result;        /* reused client after client */
    sw_eval ev;           /* reused client after client (sw_eval_reuse) */
    bench_gaps gaps;              /* the generated C's data gaps (eval_gaps) */
    uint64_t *undecided;          /* ... and its undecided rules, nrules / 64 + 1 words */
} ctx;

/* The rules whose truth is true, a word of eight truth bytes at a time. */
static void fired_from_truth(const sw_eval *ev, bench_out *o)
{
    /* the evaluator's bits of the rules that fired (eval.h) */
    memcpy(o->fired, ev->fired, (ev->prog->nrules / 64 + 1) * sizeof *o->fired);
}

static void run_engine(ctx *c, size_t i)
{
    if (sw_eval_reuse(&c->ev, &c->rs->prog, c->cs->facts[i]) != SW_OK)
        die("evaluation failed");
    fired_from_truth(&c->ev, &c->out);
    bench_out_collect(&c->out, &c->rs->prog, c->cs->current[i]);
}

static void run_report(ctx *c, size_t i)
{
    sw_result *res;
    if (sw_evaluate(c->rs, c->cs->facts[i], &res) != SW_OK)
        die("evaluation failed");
    c->sink += (long)sw_result_report(res)->rules_fired;
    sw_result_free(res);
}

static sw_facts *parse(ctx *c, size_t i)
{
    sw_facts *f;
    const sw_buf *b = &c->cs->docs[i];
    if (sw_facts_parse(c->rs, "client.yaml", b->data, b->len, &f, NULL) != SW_OK)
        die("a client does not parse");
    return f;
}

static void run_parse(ctx *c, size_t i) { sw_facts_free(parse(c, i)); }

static void run_libyaml(ctx *c, size_t i)
{
    const sw_buf *b = &c->cs->docs[i];
    yaml_parser_t parser;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&parser))
        die("out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)b->data, b->len);
    for (int done = 0; !done;) {
        if (!yaml_parser_parse(&parser, &ev))
            die("libyaml refused a client");
        done = ev.type == YAML_STREAM_END_EVENT;
        c->sink += ev.type;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
}

static void run_e2e_engine(ctx *c, size_t i)
{
    sw_facts *f = parse(c, i);
    if (sw_eval_reuse(&c->ev, &c->rs->prog, f) != SW_OK)
        die("evaluation failed");
    fired_from_truth(&c->ev, &c->out);
    bench_out_collect(&c->out, &c->rs->prog, c->cs->current[i]);
    sw_facts_free(f);
}

static void run_e2e_report(ctx *c, size_t i)
{
    sw_facts *f = parse(c, i);
    sw_result *res;
    if (sw_evaluate(c->rs, f, &res) != SW_OK)
        die("evaluation failed");
    c->sink += (long)sw_result_report(res)->rules_fired;
    sw_result_free(res);
    sw_facts_free(f);
}

static void run_e2e_json(ctx *c, size_t i)
{
    sw_facts *f = parse(c, i);
    sw_result *res;
    char *json = NULL;
    size_t len = 0;
    if (sw_evaluate(c->rs, f, &res) != SW_OK || sw_result_render(res, SW_FORMAT_JSON, &json, &len) != SW_OK)
        die("evaluation failed");
    c->sink += (long)len;
    sw_free(json);
    sw_result_free(res);
    sw_facts_free(f);
}

/* The public path: reset, set every fact by handle (a one-of by its member's
 * number), sw_evaluate_with. */
static void api_set(ctx *c, size_t i)
{
    const api_client *a = &c->cs->api[i];
    sw_facts *f = c->api_facts;
    sw_facts_reset(f);
    if (a->client && sw_facts_set_client(f, a->client) != SW_OK)
        die("sw_facts_set_client failed");
    if (a->date[0] && sw_facts_set_assessed_on(f, a->date, NULL) != SW_OK)
        die("sw_facts_set_assessed_on failed");
    for (size_t k = 0; k < a->nops; k++) {
        const api_op *op = &a->ops[k];
        sw_status st;
        switch (op->kind) {
        case SW_T_BOOL: st = sw_facts_set_bool_h(f, op->h, (int)op->i, NULL); break;
        case SW_T_INT: st = sw_facts_set_int_h(f, op->h, op->i, NULL); break;
        case SW_T_NUMBER: st = sw_facts_set_number_h(f, op->h, op->n, NULL); break;
        case SW_T_ENUM: st = sw_facts_set_member_h(f, op->h, op->member, NULL); break;
        case SW_T_SET: st = sw_facts_set_members_h(f, op->h, op->members, op->nmembers, NULL); break;
        default: st = sw_facts_set_text_h(f, op->h, op->s, NULL); break;
        }
        if (st != SW_OK)
            die("a setter by handle refused a client's value");
    }
}

static void run_api(ctx *c, size_t i, int level, int provenance)
{
    api_set(c, i);
    sw_eval_options opt = {level, provenance};
    if (sw_evaluate_with(c->rs, c->api_facts, &opt, c->api_result) != SW_OK)
        die("sw_evaluate_with failed");
    c->sink += (long)sw_result_report(c->api_result)->rules_fired;
}

static void run_api_outputs(ctx *c, size_t i) { run_api(c, i, SW_RESULT_OUTPUTS, 0); }
static void run_api_full(ctx *c, size_t i) { run_api(c, i, SW_RESULT_FULL, 1); }

/* The public path's outputs, read from the report, as bench_out holds them. */
static void run_api_check(ctx *c, size_t i)
{
    run_api_outputs(c, i);
    const sw_program *p = &c->rs->prog;
    const sw_report *rep = sw_result_report(c->api_result);
    bench_out *o = &c->out;
    bench_out_clear(o);
    for (int k = 0; k < 4; k++)
        memset(o->level[k], 0, p->nitems[k] + 1);
    for (int k = 0; k < 4; k++) {
        const sw_item *items;
        size_t n = sw_report_items(rep, (size_t)k, &items);
        for (size_t j = 0; j < n; j++)
            for (uint32_t d = 0; d < p->nitems[k]; d++)
                if (strcmp(p->items[k][d].id, items[j].id) == 0)
                    o->level[k][d] = (uint8_t)(k == SW_REPORT_RISKS             ? 1 + (int)items[j].severity
                                               : k == SW_REPORT_RECOMMENDATIONS ? 1 + (int)items[j].priority
                                                                                : 1);
    }
    o->stage = -1;
    const sw_enum *stages = p->stage_slot != SW_NONE ? &p->enums[p->facts[p->stage_slot].type.enumeration] : NULL;
    for (uint32_t s = 0; stages && rep->stage.suggested && s < stages->nmembers; s++)
        if (strcmp(stages->members[s], rep->stage.suggested) == 0)
            o->stage = (int32_t)s;
}

/* The setter calls that give the same facts as the parsed client. */
static void prepare_api(ctx *c)
{
    const sw_program *p = &c->rs->prog;
    if (sw_facts_new(c->rs, &c->api_facts) != SW_OK || sw_result_new(c->rs, &c->api_result) != SW_OK)
        die("out of memory");
    for (size_t i = 0; i < c->cs->n; i++) {
        const sw_facts *f = c->cs->facts[i];
        api_client *a = &c->cs->api[i];
        a->ops = xcalloc(p->nbase, sizeof *a->ops);
        a->texts = xcalloc(p->nbase + 1, 11);
        a->client = f->client;
        if (f->has_assessed_on)
            sw_date_format(f->assessed_on, a->date);
        for (uint32_t s = 0; s < p->nbase; s++) {
            const sw_fact_def *fd = &p->facts[s];
            sw_value v = f->values[fd->slot];
            if (!v.known)
                continue;
            api_op *op = &a->ops[a->nops++];
            op->h = sw_ruleset_fact(c->rs, fd->name);
            if (!op->h.program)
                die("no handle for a base fact");
            op->kind = fd->type.kind;
            const sw_enum *e = &p->enums[fd->type.enumeration];
            switch (fd->type.kind) {
            case SW_T_BOOL:
            case SW_T_INT: op->i = v.u.i; break;
            case SW_T_NUMBER: op->n = v.u.n; break;
            case SW_T_ENUM:
                op->member = sw_ruleset_member(c->rs, op->h, e->members[v.u.i]);
                if (op->member != (int)v.u.i)
                    die("sw_ruleset_member numbers a member otherwise");
                break;
            case SW_T_SET:
                for (uint32_t m = 0; m < e->nmembers; m++)
                    if (v.u.bits >> m & 1)
                        op->members[op->nmembers++] = e->members[m];
                break;
            case SW_T_DATE:
                sw_date_format((int32_t)v.u.i, a->texts + (size_t)s * 11);
                op->s = a->texts + (size_t)s * 11;
                break;
            default: op->s = v.u.s; break;
            }
        }
    }
    /* The steady state an integrator sees: the result's first evaluation sizes
     * its workspace; one client evaluated here keeps that out of the figures. */
    if (c->cs->n) {
        api_set(c, 0);
        sw_eval_options opt = {SW_RESULT_OUTPUTS, 0};
        if (sw_evaluate_with(c->rs, c->api_facts, &opt, c->api_result) != SW_OK)
            die("sw_evaluate_with failed");
    }
}

static void free_api(ctx *c)
{
    sw_result_free(c->api_result);
    sw_facts_free(c->api_facts);
}

static void run_handc(ctx *c, size_t i)
{
    bench_out_clear(&c->out);
    c->hc->eval(c->cs->handc[i], c->out.fired);
    bench_out_collect(&c->out, &c->rs->prog, c->cs->current[i]);
}

/* Generated C with the data gaps: the same outputs, the undecided rules and the
 * gaps (bench_emit.c). */
static void run_handc_gaps(ctx *c, size_t i)
{
    bench_out_clear(&c->out);
    memset(c->undecided, 0, (c->rs->prog.nrules / 64 + 1) * sizeof *c->undecided);
    c->hc->eval_gaps(c->cs->handc[i], c->out.fired, c->undecided, &c->gaps);
    bench_out_collect(&c->out, &c->rs->prog, c->cs->current[i]);
}

static void run_clips(ctx *c, size_t i)
{
    bench_clips_eval(c->clips, c->cs->facts[i], &c->out);
    bench_out_collect(&c->out, &c->rs->prog, c->cs->current[i]);
}

/* Nanoseconds per client: whole passes over the clients until `seconds` have gone. */
static double measure(ctx *c, void (*run)(ctx *, size_t), double seconds)
{
    size_t n = c->cs->n, done = 0;
    run(c, 0); /* warm up */
    double start = now(), elapsed;
    do {
        for (size_t i = 0; i < n; i++)
            run(c, i);
        done += n;
        elapsed = now() - start;
    } while (elapsed < seconds);
    return elapsed * 1e9 / (double)done;
}

/* The slot of a data gap's fact (nfacts for the assessment date), or UINT32_MAX. */
static uint32_t gap_slot(const sw_program *p, const char *fact)
{
    if (strcmp(fact, "assessed_on") == 0)
        return p->nfacts;
    size_t lo = 0, hi = p->nfacts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(p->facts[p->facts_by_name[mid]].name, fact);
        if (d == 0)
            return p->facts_by_name[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return UINT32_MAX;
}

/* Compares the generated C's undecided rules and data gaps (c->undecided,
 * c->gaps) with the engine's undecided rules (c->ev) and the public path's report
 * (c->api_result, outputs only): the same gap facts, each with the same rules in
 * the same (rule) order. Writes the first difference into why. */
static void gaps_diff(const ctx *c, sw_buf *why)
{
    const sw_program *p = &c->rs->prog;
    const sw_report *rep = sw_result_report(c->api_result);
    const bench_gaps *g = &c->gaps;
    for (uint32_t r = 0; r < p->nrules; r++)
        if ((c->undecided[r >> 6] >> (r & 63) & 1) != (c->ev.undecided[r >> 6] >> (r & 63) & 1)) {
            sw_buf_printf(why, "rule %s: %s by the engine, %s by generated C", p->rules[r].id,
                          c->ev.undecided[r >> 6] >> (r & 63) & 1 ? "undecided" : "decided",
                          c->undecided[r >> 6] >> (r & 63) & 1 ? "undecided" : "decided");
            return;
        }
    /* the pairs by slot, each slot's rules in the order given (rule order) */
    uint32_t *first = xcalloc(g->nslots + 1, sizeof *first), *at = xcalloc(g->nslots, sizeof *at);
    uint32_t *rules = xcalloc(g->npairs, sizeof *rules);
    for (uint32_t k = 0; k < g->npairs; k++)
        first[g->pairs[k].slot + 1]++;
    for (uint32_t s = 0; s < g->nslots; s++)
        first[s + 1] += first[s];
    for (uint32_t k = 0; k < g->npairs; k++) {
        uint32_t s = g->pairs[k].slot;
        rules[first[s] + at[s]++] = g->pairs[k].rule;
    }
    for (size_t k = 0; k < rep->ngaps && !why->len; k++) {
        const sw_data_gap *gap = &rep->gaps[k];
        uint32_t s = gap_slot(p, gap->fact);
        if (s == UINT32_MAX) {
            sw_buf_printf(why, "the report's gap %s names no fact", gap->fact);
        } else if (g->count[s] != gap->nrules || at[s] != gap->nrules) {
            sw_buf_printf(why, "gap %s: %zu rules in the report, %u counted (%u listed) by generated C", gap->fact,
                          gap->nrules, g->count[s], at[s]);
        } else {
            for (size_t j = 0; j < gap->nrules && !why->len; j++)
                if (strcmp(p->rules[rules[first[s] + j]].id, gap->rules[j]) != 0)
                    sw_buf_printf(why, "gap %s: rule %zu is %s in the report, %s in generated C", gap->fact, j + 1,
                                  gap->rules[j], p->rules[rules[first[s] + j]].id);
        }
    }
    if (!why->len && g->ntouched != rep->ngaps) {
        /* every gap of the report is one of generated C's: name one of the others */
        for (uint32_t k = 0; k < g->ntouched && !why->len; k++) {
            uint32_t s = g->touched[k];
            int found = 0;
            for (size_t j = 0; j < rep->ngaps && !found; j++)
                found = gap_slot(p, rep->gaps[j].fact) == s;
            if (!found)
                sw_buf_printf(why, "gap %s (%u rules) in generated C, not in the report",
                              s == p->nfacts ? "assessed_on" : p->facts[s].name, g->count[s]);
        }
        if (!why->len)
            sw_buf_printf(why, "%zu gaps in the report, %u in generated C", rep->ngaps, g->ntouched);
    }
    free(first);
    free(at);
    free(rules);
}

/* Runs every engine on every client and compares their outputs with Stagewise's. */
static size_t check_outputs(ctx *c, const char *label)
{
    const sw_program *p = &c->rs->prog;
    bench_out ref;
    if (!bench_out_init(&ref, p))
        die("out of memory");
    size_t agree = 0;
    for (size_t i = 0; i < c->cs->n; i++) {
        run_engine(c, i);
        memcpy(ref.fired, c->out.fired, (p->nrules / 64 + 1) * sizeof *ref.fired);
        for (int k = 0; k < 4; k++)
            memcpy(ref.level[k], c->out.level[k], p->nitems[k] + 1);
        ref.stage = c->out.stage;
        int ok = 1;
        /* the last (generated C with the data gaps) runs after the public path,
         * whose report it is compared with */
        void (*others[4])(ctx *, size_t) = {c->hc ? run_handc : NULL, c->clips ? run_clips : NULL,
                                            c->api_result ? run_api_check : NULL,
                                            c->hc && c->api_result ? run_handc_gaps : NULL};
        const char *names[4] = {"generated C", "CLIPS", "the public path (sw_evaluate_with)",
                                "generated C with data gaps"};
        for (int e = 0; e < 4; e++) {
            if (!others[e])
                continue;
            others[e](c, i);
            if (e == 2) {
                /* the report names no fired rules, only how many */
                uint64_t nf = 0;
                for (uint32_t w = 0; w <= p->nrules / 64; w++)
                    nf += (uint64_t)__builtin_popcountll(ref.fired[w]);
                if (sw_result_report(c->api_result)->rules_fired != nf)
                    c->out.stage = -2;
                memcpy(c->out.fired, ref.fired, (p->nrules / 64 + 1) * sizeof *ref.fired);
            }
            if (!bench_out_equal(&ref, &c->out)) {
                sw_buf why = SW_BUF_INIT;
                bench_out_diff(&ref, &c->out, p, &why);
                if (!why.data)
                    for (int k = 0; k < 4 && !why.data; k++)
                        for (uint32_t d = 0; d < p->nitems[k] && !why.data; d++)
                            if (ref.level[k][d] != c->out.level[k][d])
                                sw_buf_printf(&why, "item %s: level %d against %d", p->items[k][d].id,
                                              ref.level[k][d], c->out.level[k][d]);
                fprintf(stderr, "%s: client %zu: Stagewise and %s differ: %s\n", label, i, names[e],
                        why.data ? why.data : "in the outputs");
                sw_buf_free(&why);
                ok = 0;
            }
            if (e == 3) {
                sw_buf why = SW_BUF_INIT;
                gaps_diff(c, &why);
                if (why.len) {
                    fprintf(stderr, "%s: client %zu: data gaps of the public path and of %s differ: %s\n", label, i,
                            names[e], why.data);
                    ok = 0;
                }
                sw_buf_free(&why);
            }
        }
        agree += ok;
    }
    bench_out_free(&ref);
    return agree;
}

static const bench_handc *find_handc(const char *name)
{
    for (const bench_handc *h = bench_handcs; h->name; h++)
        if (strcmp(h->name, name) == 0)
            return h;
    return NULL;
}

static void prepare_handc(ctx *c)
{
    if (c->hc) {
        if (!bench_gaps_init(&c->gaps, &c->rs->prog, c->hc->max_pairs))
            die("out of memory");
        c->undecided = xcalloc(c->rs->prog.nrules / 64 + 1, sizeof *c->undecided);
    }
    for (size_t i = 0; c->hc && i < c->cs->n; i++) {
        c->cs->handc[i] = c->hc->client_new();
        if (!c->cs->handc[i])
            die("out of memory");
        c->hc->load(c->cs->handc[i], c->cs->facts[i]);
    }
}

static void print_us(const char *what, double ns)
{
    printf("  %-44s %10.2f us/client %12.0f clients/s\n", what, ns / 1000, 1e9 / ns);
}

/* ---- the shipped rule base ---- */

/* Returns the clients on which the engines disagree. */
static size_t shipped(const options *o)
{
    const char *rules = SW_SOURCE_DIR "/rules";
    sw_ruleset *rs = NULL;
    double best = 1e9, total = 0;
    int reps = 10;
    for (int k = 0; k < reps; k++) {
        sw_ruleset_free(rs);
        rs = NULL;
        sw_diagnostics *d = sw_diagnostics_new();
        double t0 = now();
        sw_status st = sw_ruleset_load_files(&rules, 1, &rs, d);
        double t = now() - t0;
        sw_diagnostics_free(d);
        if (st != SW_OK)
            die("the shipped rules do not load");
        best = t < best ? t : best;
        total += t;
    }
    const sw_program *p = &rs->prog;
    client_set cs;
    make_clients(&cs, rs, SW_SOURCE_DIR "/examples/clients", o->clients, p->nbase * 6 / 10);
    printf("Shipped rule base (rules/): %u rules, %u facts (%u derived), %u nodes; %zu clients "
           "(examples/clients/ and %zu generated, about 60%% of facts known)\n",
           p->nrules, p->nfacts, p->nfacts - p->nbase, p->nnodes, cs.n, o->clients);
    printf("  %-44s %10.2f ms (best of %d; mean %.2f ms)\n", "load + check + compile (from files)", best * 1e3,
           reps, total / reps * 1e3);
    printf("  %-44s %10zu bytes, %zu bytes per rule\n", "compiled rule set (arena)", p->arena.total,
           p->arena.total / p->nrules);

    ctx c = {rs, &cs, {0}, find_handc("shipped"), NULL, 0, NULL, NULL, {0}, {0}, NULL};
    if (!bench_out_init(&c.out, p))
        die("out of memory");
    prepare_handc(&c);
    prepare_api(&c);
    sw_buf err = SW_BUF_INIT;
    double t0 = now();
    c.clips = bench_clips_new(p, &err, NULL);
    double clips_load = now() - t0;
    if (!c.clips)
        printf("  CLIPS: %s\n", err.data ? err.data : "cannot load");
    sw_buf_free(&err);
    if (o->profile && !o->profile_rules) {
        void (*run)(ctx *, size_t) = strcmp(o->profile, "report") == 0 ? run_report
                                     : strcmp(o->profile, "api") == 0 ? run_api_outputs
                                     : strcmp(o->profile, "apifull") == 0 ? run_api_full
                                     : strcmp(o->profile, "parse") == 0 ? run_parse
                                     : strcmp(o->profile, "clips") == 0 && c.clips ? run_clips
                                     : strcmp(o->profile, "handc") == 0 && c.hc   ? run_handc
                                     : strcmp(o->profile, "handcgaps") == 0 && c.hc ? run_handc_gaps
                                                                                  : run_engine;
        print_us(o->profile, measure(&c, run, o->seconds));
        exit(0);
    }
    size_t agree = check_outputs(&c, "shipped");
    printf("  outputs identical (Stagewise%s%s = public path%s): %zu of %zu clients\n", c.hc ? " = generated C" : "",
           c.clips ? " = CLIPS" : "", c.hc ? "; data gaps: public path = generated C with gaps" : "", agree, cs.n);
    size_t disagree = cs.n - agree;

    double engine = measure(&c, run_engine, o->seconds);
    print_us("Stagewise engine (eval + outputs)", engine);
    print_us("Stagewise engine + full report", measure(&c, run_report, o->seconds));
    double yaml = measure(&c, run_libyaml, o->seconds);
    print_us("libyaml alone (events of the same YAML)", yaml);
    double facts = measure(&c, run_parse, o->seconds);
    print_us("facts reader (sw_facts_parse)", facts);
    print_us("end to end: parse + engine", measure(&c, run_e2e_engine, o->seconds));
    print_us("end to end: parse + full report", measure(&c, run_e2e_report, o->seconds));
    print_us("end to end: parse + report + JSON", measure(&c, run_e2e_json, o->seconds));
    printf("  %-44s %10.2f x libyaml alone\n", "facts reader cost", facts / yaml);
    double api = measure(&c, run_api_outputs, o->seconds);
    double apifull = measure(&c, run_api_full, o->seconds);
    print_us("api outputs-only (handles + sw_evaluate_with)", api);
    print_us("api full report (handles + sw_evaluate_with)", apifull);
    printf("  %-44s %10.2f x (target: within 5x)\n", "api full report / api outputs-only", apifull / api);
    if (c.hc) {
        double hc = measure(&c, run_handc, o->seconds);
        print_us("generated C if-statements", hc);
        double hcg = measure(&c, run_handc_gaps, o->seconds);
        print_us("generated C with data gaps", hcg);
        printf("  %-44s %10.2f x (target: within 3x)\n", "Stagewise engine / generated C", engine / hc);
        printf("  %-44s %10.2f x (target: within 3x)\n", "api outputs-only / generated C", api / hc);
        printf("  %-44s %10.2f x\n", "api outputs-only / generated C with gaps", api / hcg);
        printf("  %-44s %10.2f x\n", "api full report / generated C", apifull / hc);
    }
    if (c.clips) {
        printf("  %-44s %10.2f ms\n", "CLIPS load (translate + build)", clips_load * 1e3);
        double cl = measure(&c, run_clips, o->seconds);
        print_us("CLIPS 6.30 (reset, assert, run, collect)", cl);
        printf("  %-44s %10.2f x (target: at least 10x)\n", "CLIPS / Stagewise engine", cl / engine);
        printf("  %-44s %10.2f x (target: at least 40x)\n", "CLIPS / api outputs-only", cl / api);
    }
    printf("  %-44s %10ld KiB\n", "peak RSS so far", peak_rss_kib());
    bench_clips_free(c.clips);
    sw_eval_free(&c.ev);
    bench_out_free(&c.out);
    bench_gaps_free(&c.gaps);
    free(c.undecided);
    free_api(&c);
    free_clients(&cs);
    sw_ruleset_free(rs);
    return disagree;
}

/* ---- generated rule sets ---- */

/* Returns the clients on which the engines disagree, over every set. */
static size_t generated(const options *o, const char *shape_name, int wide)
{
    size_t disagree = 0;
    printf("\nGenerated rule sets, %s schema (%s); %zu clients each, 60 facts known per client\n", shape_name,
           wide ? "20 + rules/2 facts" : "200 facts", o->gen_clients);
    printf("  %7s %6s %10s %9s %9s %10s %10s %10s %10s %10s %10s %10s %7s %7s %7s\n", "rules", "facts", "compile",
           "bytes", "peak", "engine", "api out", "api full", "end2end", "C", "C gaps", "CLIPS", "out/C", "out/Cg",
           "agree");
    printf("  %7s %6s %10s %9s %9s %10s %10s %10s %10s %10s %10s %10s %7s %7s %7s\n", "", "", "ms", "/rule",
           "RSS MiB", "us/client", "us/client", "us/client", "us/client", "us/client", "us/client", "us/client", "x",
           "x", "");
    for (size_t n = 100; n <= o->max_rules; n *= 10) {
        if (o->profile_rules && (n != o->profile_rules || !wide))
            continue;
        bench_shape shape = wide ? bench_shape_wide(n, BENCH_SEED) : bench_shape_fixed(n, BENCH_SEED);
        sw_diagnostics *d = sw_diagnostics_new();
        sw_ruleset *rs = NULL;
        double compile = 0;
        sw_status st = bench_gen_load(&shape, &rs, d, &compile);
        if (st != SW_OK) {
            char *r = NULL;
            sw_diagnostics_render(d, &r, NULL);
            fprintf(stderr, "%.2000s", r ? r : "");
            die("a generated rule set does not load");
        }
        sw_diagnostics_free(d);
        const sw_program *p = &rs->prog;
        client_set cs;
        make_clients(&cs, rs, NULL, o->gen_clients, 60);
        char name[64];
        snprintf(name, sizeof name, "wide-%zu", n);
        ctx c = {rs, &cs, {0}, wide ? find_handc(name) : NULL, NULL, 0, NULL, NULL, {0}, {0}, NULL};
        if (!bench_out_init(&c.out, p))
            die("out of memory");
        prepare_handc(&c);
        prepare_api(&c);
        if (n <= o->clips_max) {
            sw_buf err = SW_BUF_INIT;
            c.clips = bench_clips_new(p, &err, NULL);
            if (!c.clips)
                fprintf(stderr, "CLIPS: %s\n", err.data ? err.data : "cannot load");
            sw_buf_free(&err);
        }
        if (o->profile && o->profile_rules == n && wide) {
            void (*run)(ctx *, size_t) = strcmp(o->profile, "api") == 0       ? run_api_outputs
                                         : strcmp(o->profile, "apifull") == 0 ? run_api_full
                                         : strcmp(o->profile, "report") == 0  ? run_report
                                         : strcmp(o->profile, "handc") == 0 && c.hc ? run_handc
                                         : strcmp(o->profile, "handcgaps") == 0 && c.hc ? run_handc_gaps
                                                                              : run_engine;
            print_us(o->profile, measure(&c, run, o->seconds));
            exit(0);
        }
        size_t agree = check_outputs(&c, name);
        disagree += cs.n - agree;
        double engine = measure(&c, run_engine, o->seconds);
        double api = measure(&c, run_api_outputs, o->seconds);
        double apifull = measure(&c, run_api_full, o->seconds);
        double e2e = measure(&c, run_e2e_report, o->seconds);
        double hc = c.hc ? measure(&c, run_handc, o->seconds) : 0;
        double hcg = c.hc ? measure(&c, run_handc_gaps, o->seconds) : 0;
        double cl = c.clips ? measure(&c, run_clips, o->seconds) : 0;
        char hcs[32] = "-", hcgs[32] = "-", cls[32] = "-", ratio[32] = "-", ratiog[32] = "-";
        if (hc > 0) {
            snprintf(hcs, sizeof hcs, "%.2f", hc / 1000);
            snprintf(ratio, sizeof ratio, "%.2f", api / hc);
            snprintf(hcgs, sizeof hcgs, "%.2f", hcg / 1000);
            snprintf(ratiog, sizeof ratiog, "%.2f", api / hcg);
        }
        if (cl > 0)
            snprintf(cls, sizeof cls, "%.2f", cl / 1000);
        printf("  %7u %6u %10.1f %9zu %9.1f %10.2f %10.2f %10.2f %10.2f %10s %10s %10s %7s %7s %3zu/%zu\n",
               p->nrules, p->nfacts, compile * 1e3, p->arena.total / p->nrules, (double)peak_rss_kib() / 1024,
               engine / 1000, api / 1000, apifull / 1000, e2e / 1000, hcs, hcgs, cls, ratio, ratiog, agree, cs.n);
        fflush(stdout);
        bench_clips_free(c.clips);
        sw_eval_free(&c.ev);
        bench_out_free(&c.out);
        bench_gaps_free(&c.gaps);
        free(c.undecided);
        free_api(&c);
        free_clients(&cs);
        sw_ruleset_free(rs);
    }
    return disagree;
}

static void machine(void)
{
    char model[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            char *v = strchr(line, ':');
            if (v) {
                snprintf(model, sizeof model, "%s", v + 2);
                model[strcspn(model, "\n")] = '\0';
            }
            break;
        }
    if (f)
        fclose(f);
    printf("Stagewise %s benchmark on %s; compiler %s; build %s; one core\n\n", sw_version(), model, __VERSION__,
           BENCH_BUILD_TYPE);
}

int main(int argc, char **argv)
{
    options o = {0.5, 100000, 10000, 2000, 200, NULL, 0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            o.seconds = 0.1;
            o.max_rules = 10000;
            o.clips_max = 1000;
            o.clients = 300;
            o.gen_clients = 100;
        } else if (strcmp(argv[i], "--max-rules") == 0 && i + 1 < argc) {
            o.max_rules = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--clips-max") == 0 && i + 1 < argc) {
            o.clips_max = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
            o.profile = argv[++i]; /* engine, report, api, apifull, parse, handc, handcgaps or clips: for perf */
        } else if (strcmp(argv[i], "--profile-rules") == 0 && i + 1 < argc) {
            o.profile_rules = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            o.seconds = strtod(argv[++i], NULL);
        } else {
            fprintf(stderr, "usage: stagewise_bench [--quick] [--max-rules N] [--clips-max N] [--seconds S] "
                            "[--profile NAME] [--profile-rules N]\n");
            return 2;
        }
    }
    machine();
    size_t disagree = 0;
    if (!o.profile_rules)
        disagree += shipped(&o);
    disagree += generated(&o, "wide", 1);
    disagree += generated(&o, "fixed", 0);
    printf("\npeak RSS of the whole run: %ld KiB\n", peak_rss_kib());
    if (disagree) {
        fprintf(stderr, "stagewise_bench: FAILED: the engines disagree on %zu clients (the lines above name them)\n",
                disagree);
        return 1;
    }
    return 0;
}
