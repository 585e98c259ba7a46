/*
 * bench_gen.c - the benchmark's deterministic inputs and its outputs: a PRNG,
 * generated rule sets shaped like the shipped ones, generated clients for any
 * rule set, and the outputs of one evaluation collected the same way whichever
 * engine produced the fired rules (see bench.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "lang/value.h"

uint64_t bench_rand(bench_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

uint64_t bench_below(bench_rng *r, uint64_t n) { return bench_rand(r) % n; }

/* ---- generated rule sets ---- */

bench_shape bench_shape_wide(size_t nrules, uint64_t seed)
{
    bench_shape s = {nrules, 20 + nrules / 2, seed};
    return s;
}

bench_shape bench_shape_fixed(size_t nrules, uint64_t seed)
{
    bench_shape s = {nrules, 200, seed};
    return s;
}

#define GEN_STAGES 4

/* Fact i's kind: 0-3 one of (3 to 6 members), 4-6 bool, 7-9 int 0..100. */
static int fact_kind(size_t i) { return i % 10 < 4 ? 0 : i % 10 < 7 ? 1 : 2; }
static size_t fact_members(size_t i) { return 3 + i % 4; }

static size_t nderived(const bench_shape *s) { return 2 + s->nrules / 200; }
static size_t nitems(const bench_shape *s, int kind) { return (kind == 0 ? 10 : 5) + s->nrules / (kind == 0 ? 20 : 40); }

static void gen_atom(const bench_shape *s, bench_rng *r, sw_buf *out)
{
    size_t f = bench_below(r, s->nfacts);
    if (bench_below(r, 100) < 3) {
        sw_buf_printf(out, "f%zu is missing", f);
        return;
    }
    uint64_t form = bench_below(r, 10);
    switch (fact_kind(f)) {
    case 0: {
        size_t m = fact_members(f), a = bench_below(r, m), b = (a + 1 + bench_below(r, m - 1)) % m;
        if (form < 6)
            sw_buf_printf(out, "f%zu is v%zu", f, a);
        else if (form < 9)
            sw_buf_printf(out, "f%zu in { v%zu, v%zu }", f, a, b);
        else
            sw_buf_printf(out, "f%zu is not v%zu", f, a);
        break;
    }
    case 1:
        sw_buf_printf(out, form < 6 ? "f%zu" : "not f%zu", f);
        break;
    default:
        sw_buf_printf(out, form < 5 ? "f%zu >= %u" : "f%zu < %u", f, (unsigned)(1 + bench_below(r, 99)));
        break;
    }
}

static void gen_condition(const bench_shape *s, bench_rng *r, size_t index, int setter, sw_buf *out)
{
    int n = 0;
    if (bench_below(r, 100) < 80) {
        uint64_t x = bench_below(r, GEN_STAGES);
        if (bench_below(r, 10) == 0)
            sw_buf_printf(out, "stage in { s%u, s%u }", (unsigned)x, (unsigned)((x + 1) % GEN_STAGES));
        else
            sw_buf_printf(out, "stage is s%u", (unsigned)x);
        n++;
    }
    int atoms = 2 + (int)bench_below(r, 2);
    for (int k = 0; k < atoms; k++, n++) {
        sw_buf_puts(out, n ? "\n  and " : "  ");
        if (bench_below(r, 100) < 5) {
            sw_buf_putc(out, '(');
            gen_atom(s, r, out);
            sw_buf_puts(out, " or ");
            gen_atom(s, r, out);
            sw_buf_putc(out, ')');
        } else {
            gen_atom(s, r, out);
        }
    }
    if (!setter && bench_below(r, 100) < 5)
        sw_buf_printf(out, "\n  and %sd%zu", bench_below(r, 2) ? "not " : "", index % nderived(s));
}

static void gen_action(const bench_shape *s, bench_rng *r, sw_buf *out)
{
    static const char *const pri[] = {"low", "normal", "high", "urgent"};
    static const char *const sev[] = {"info", "warning", "critical"};
    uint64_t a = bench_below(r, 100);
    if (a < 40)
        sw_buf_printf(out, "  recommend i%zu priority %s\n", (size_t)bench_below(r, nitems(s, 0)),
                      pri[bench_below(r, 4)]);
    else if (a < 60)
        sw_buf_printf(out, "  advise p%zu\n", (size_t)bench_below(r, nitems(s, 1)));
    else if (a < 75)
        sw_buf_printf(out, "  challenge c%zu\n", (size_t)bench_below(r, nitems(s, 2)));
    else if (a < 90)
        sw_buf_printf(out, "  risk k%zu severity %s\n", (size_t)bench_below(r, nitems(s, 3)),
                      sev[bench_below(r, 3)]);
    else
        sw_buf_printf(out, "  move s%u\n", (unsigned)bench_below(r, GEN_STAGES));
}

size_t bench_gen_rules(const bench_shape *s, sw_buf *out, size_t *cuts, size_t maxcuts)
{
    size_t ncuts = 0;
    bench_rng r = {s->seed};
    sw_buf_puts(out, "guideline generated \"Generated rule set\" version \"1.0.0\"\n"
                     "source G \"Generated source\"\n");
    for (int i = 0; i < GEN_STAGES; i++)
        sw_buf_printf(out, "stage s%d \"Stage %d\"\n", i, i);
    sw_buf_puts(out, "order s0 -> s1 -> s2 -> s3\nfacts {\n  stage: stage \"Current stage\"\n");
    for (size_t i = 0; i < s->nfacts; i++) {
        switch (fact_kind(i)) {
        case 0:
            sw_buf_printf(out, "  f%zu: one of {", i);
            for (size_t m = 0; m < fact_members(i); m++)
                sw_buf_printf(out, "%s v%zu", m ? "," : "", m);
            sw_buf_printf(out, " } \"Fact %zu\"\n", i);
            break;
        case 1: sw_buf_printf(out, "  f%zu: bool \"Fact %zu\"\n", i, i); break;
        default: sw_buf_printf(out, "  f%zu: int 0..100 \"Fact %zu\"\n", i, i); break;
        }
    }
    sw_buf_puts(out, "}\n");
    for (size_t d = 0; d < nderived(s); d++)
        sw_buf_printf(out, "derived d%zu: bool \"Derived %zu\" default false\n", d, d);
    static const char *const kinds[] = {"intervention", "practice", "challenge", "risk"};
    static const char *const prefix[] = {"i", "p", "c", "k"};
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < nitems(s, k); i++)
            sw_buf_printf(out, "%s %s%zu \"Item %zu\"%s\n", kinds[k], prefix[k], i, i,
                          k == 0 ? " kind generated" : "");
    size_t setters = 3 * nderived(s);
    for (size_t i = 0; i < s->nrules; i++) {
        int setter = i < setters;
        if (i % BENCH_RULES_PER_FILE == 0 && ncuts < maxcuts)
            cuts[ncuts++] = out->len;
        sw_buf_printf(out, "\nrule r%zu \"Rule %zu\" cites G\n", i, i);
        if (bench_below(&r, 10) == 0)
            sw_buf_puts(out, "  priority high\n");
        sw_buf_puts(out, "when\n  ");
        gen_condition(s, &r, i, setter, out);
        sw_buf_puts(out, "\nthen\n");
        if (setter)
            sw_buf_printf(out, "  set d%zu = true\n", i % nderived(s));
        int actions = 1 + (int)bench_below(&r, 2);
        for (int a = 0; a < actions; a++)
            gen_action(s, &r, out);
        sw_buf_puts(out, "end\n");
    }
    return ncuts;
}

sw_status bench_gen_load(const bench_shape *shape, sw_ruleset **out, sw_diagnostics *diags,
                         double *seconds)
{
    sw_buf text = SW_BUF_INIT;
    size_t cuts[64];
    size_t ncuts = bench_gen_rules(shape, &text, cuts, 64);
    if (text.failed) {
        sw_buf_free(&text);
        return SW_ERR_NOMEM;
    }
    static const char *const names[] = {"generated-schema.sw", "generated-rules.sw"};
    sw_source_text src[65];
    size_t from = 0;
    for (size_t k = 0; k <= ncuts; k++) {
        size_t to = k < ncuts ? cuts[k] : text.len;
        src[k].name = names[k > 0];
        src[k].text = text.data + from;
        src[k].len = to - from;
        from = to;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sw_status st = sw_ruleset_load_texts(src, ncuts + 1, out, diags);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (seconds)
        *seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    sw_buf_free(&text);
    return st;
}

/* ---- generated clients ---- */

static void gen_value(const sw_program *p, const sw_fact_def *fd, bench_rng *r, sw_buf *out)
{
    const sw_type *t = &fd->type;
    switch ((sw_type_kind)t->kind) {
    case SW_T_BOOL: sw_buf_puts(out, bench_below(r, 2) ? "true" : "false"); break;
    case SW_T_INT: {
        int64_t lo = t->has_range ? t->imin : 0, hi = t->has_range ? t->imax : 100;
        sw_buf_printf(out, "%lld", (long long)(lo + (int64_t)bench_below(r, (uint64_t)(hi - lo + 1))));
        break;
    }
    case SW_T_NUMBER: {
        double lo = t->has_range ? t->nmin : 0, hi = t->has_range ? t->nmax : 100;
        double x = lo + (hi - lo) * (double)bench_below(r, 1001) / 1000.0;
        sw_buf_printf(out, "%.1f", x < lo ? lo : x > hi ? hi : x);
        break;
    }
    case SW_T_ENUM: {
        const sw_enum *e = &p->enums[t->enumeration];
        sw_buf_puts(out, e->members[bench_below(r, e->nmembers)]);
        break;
    }
    case SW_T_SET: {
        const sw_enum *e = &p->enums[t->enumeration];
        sw_buf_putc(out, '[');
        int first = 1;
        for (uint32_t m = 0; m < e->nmembers; m++)
            if (bench_below(r, 10) < 3) {
                sw_buf_printf(out, "%s%s", first ? "" : ", ", e->members[m]);
                first = 0;
            }
        sw_buf_putc(out, ']');
        break;
    }
    case SW_T_DATE: {
        char d[11];
        int32_t today;
        sw_date_parse("2026-11-20", 10, &today);
        sw_date_format(today - (int32_t)bench_below(r, 730), d);
        sw_buf_puts(out, d);
        break;
    }
    case SW_T_TEXT: sw_buf_puts(out, "\"a note\""); break;
    }
}

void bench_gen_client(const sw_program *p, bench_rng *r, size_t known, size_t index, sw_buf *out)
{
    sw_buf_printf(out, "client: c%zu\nassessed_on: 2026-11-20\nfacts:\n", index);
    uint32_t n = p->nbase;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        out->failed = 1;
        return;
    }
    uint32_t m = 0;
    for (uint32_t s = 0; s < n; s++)
        if (s != p->stage_slot)
            order[m++] = s;
    if (p->stage_slot != SW_NONE && bench_below(r, 100) < 95) {
        sw_buf_puts(out, "  stage: ");
        gen_value(p, &p->facts[p->stage_slot], r, out);
        sw_buf_putc(out, '\n');
    }
    for (uint32_t k = 0; k < m && k < known; k++) {
        uint32_t j = k + (uint32_t)bench_below(r, m - k);
        uint32_t t = order[k];
        order[k] = order[j];
        order[j] = t;
        sw_buf_printf(out, "  %s: ", p->facts[order[k]].name);
        gen_value(p, &p->facts[order[k]], r, out);
        sw_buf_putc(out, '\n');
    }
    free(order);
}

/* ---- outputs ---- */

int bench_out_init(bench_out *o, const sw_program *p)
{
    memset(o, 0, sizeof *o);
    o->nrules = p->nrules;
    o->fired = calloc(p->nrules / 64 + 1, sizeof *o->fired);
    int ok = o->fired != NULL;
    for (int k = 0; k < 4; k++) {
        o->level[k] = calloc(p->nitems[k] + 1, 1);
        o->nitems[k] = p->nitems[k];
        ok = ok && o->level[k];
    }
    if (!ok)
        bench_out_free(o);
    return ok;
}

void bench_out_free(bench_out *o)
{
    free(o->fired);
    for (int k = 0; k < 4; k++)
        free(o->level[k]);
    memset(o, 0, sizeof *o);
}

int bench_gaps_init(bench_gaps *g, const sw_program *p, uint32_t max_pairs)
{
    memset(g, 0, sizeof *g);
    g->nslots = p->nfacts + 1;
    g->count = calloc(g->nslots, sizeof *g->count);
    g->touched = calloc(g->nslots, sizeof *g->touched);
    g->mark = calloc(g->nslots, sizeof *g->mark);
    g->dmark = calloc(g->nslots, sizeof *g->dmark);
    g->pairs = calloc(max_pairs ? max_pairs : 1, sizeof *g->pairs);
    if (!g->count || !g->touched || !g->mark || !g->dmark || !g->pairs) {
        bench_gaps_free(g);
        return 0;
    }
    return 1;
}

void bench_gaps_free(bench_gaps *g)
{
    free(g->count);
    free(g->touched);
    free(g->mark);
    free(g->dmark);
    free(g->pairs);
    memset(g, 0, sizeof *g);
}

void bench_out_clear(bench_out *o) { memset(o->fired, 0, (o->nrules / 64 + 1) * sizeof *o->fired); }

void bench_out_collect(bench_out *o, const sw_program *p, int32_t current)
{
    for (int k = 0; k < 4; k++)
        memset(o->level[k], 0, p->nitems[k] + 1);
    int32_t stage = -1;
    for (uint32_t w = 0; w <= p->nrules / 64; w++) {
        for (uint64_t m = o->fired[w]; m; m &= m - 1) {
            const sw_rule_def *r = &p->rules[w * 64 + (uint32_t)__builtin_ctzll(m)];
            for (uint32_t a = 0; a < r->nactions; a++) {
                const sw_action *act = &r->actions[a];
                uint8_t level = 1;
                int kind;
                switch ((sw_action_kind)act->kind) {
                case SW_ACT_RECOMMEND: kind = SW_ITEM_INTERVENTION; level = (uint8_t)(1 + act->priority); break;
                case SW_ACT_ADVISE: kind = SW_ITEM_PRACTICE; break;
                case SW_ACT_CHALLENGE: kind = SW_ITEM_CHALLENGE; break;
                case SW_ACT_RISK: kind = SW_ITEM_RISK; level = (uint8_t)(1 + act->severity); break;
                case SW_ACT_MOVE:
                    if (stage < 0 || (int32_t)act->target < stage)
                        stage = (int32_t)act->target;
                    continue;
                default: continue;
                }
                if (o->level[kind][act->target] < level)
                    o->level[kind][act->target] = level;
            }
        }
    }
    o->stage = stage >= 0 ? stage : current;
}

int bench_out_equal(const bench_out *a, const bench_out *b)
{
    if (a->nrules != b->nrules || a->stage != b->stage ||
        memcmp(a->fired, b->fired, (a->nrules / 64 + 1) * sizeof *a->fired) != 0)
        return 0;
    for (int k = 0; k < 4; k++)
        if (a->nitems[k] != b->nitems[k] || memcmp(a->level[k], b->level[k], a->nitems[k]) != 0)
            return 0;
    return 1;
}

void bench_out_diff(const bench_out *a, const bench_out *b, const sw_program *p, sw_buf *out)
{
    for (uint32_t r = 0; r < a->nrules; r++) {
        int x = (int)(a->fired[r >> 6] >> (r & 63) & 1), y = (int)(b->fired[r >> 6] >> (r & 63) & 1);
        if (x != y) {
            sw_buf_printf(out, "rule %s fired in %s only", p->rules[r].id, x ? "the first" : "the second");
            return;
        }
    }
    if (a->stage != b->stage)
        sw_buf_printf(out, "suggested stage %d against %d", (int)a->stage, (int)b->stage);
}
