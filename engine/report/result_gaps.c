/*
 * result_gaps.c - the data gaps of a report: the facts whose knowing could change
 * an undecided rule, each with the rules waiting on it, what they could decide
 * and its rank (docs/result-format.md).
 *
 * For every undecided rule, in rule order, the missing facts behind its condition,
 * each once per rule; each gap slot counts its rules and is noted once. The gaps
 * are the slots noted, in fact-name order; their rules go where a counting pass
 * puts them, so each gap's rules stay in rule order. Ranks come from two stable
 * counting sorts.
 *
 * Most conditions are one `and` (or one `or`) of tests that are unknown exactly
 * when a fact they read is unknown: their missing facts are simply the unknown
 * facts they read. Those are worked out once per rule set (a plan per rule), so
 * such a rule costs a pass over its few facts. Any other condition is walked
 * (gaps_of), following only the parts whose value is unknown.
 */
#include <string.h>

#include "report/result_ws.h"
#include "report/report.h"
#include "util/grow.h"

typedef struct gap_ctx {
    const sw_eval *ev;
    workspace *w;
    uint32_t rule;
    int collecting;   /* working out a derived fact's list (into ts), not a rule's gaps */
    uint32_t cep;     /* that list's stamp */
    int failed;
} gap_ctx;

static void add_gap(gap_ctx *g, uint32_t slot)
{
    workspace *w = g->w;
    if (slot == GAP_ASSESSED_ON)
        slot = w->p->nfacts;
    if (g->collecting) {
        if (w->cstamp[slot] == g->cep)
            return;
        w->cstamp[slot] = g->cep;
        if (w->nts == w->cap_ts && !sw_grow_m(w->mem, &w->ts, &w->cap_ts, w->nts, sizeof *w->ts, 64)) {
            g->failed = 1;
            return;
        }
        w->ts[w->nts++] = slot;
        return;
    }
    if (w->stamp[slot] == w->epoch)
        return;
    w->stamp[slot] = w->epoch;
    if (w->npairs == w->cap_pairs && !sw_grow_m(w->mem, &w->pairs, &w->cap_pairs, w->npairs, sizeof *w->pairs, 64)) {
        g->failed = 1;
        return;
    }
    if (w->count[slot]++ == 0)
        w->touched[w->ntouched++] = (uint64_t)w->plan->name_rank[slot] << 32 | slot;
    gap_pair pair = {slot, g->rule};
    w->pairs[w->npairs++] = pair;
}

static void gaps_of(gap_ctx *g, uint32_t node);
static void derived_gaps(gap_ctx *g, uint32_t slot);

/* The missing facts of a planned rule's condition (unknown, so every test of it
 * whose value is unknown is reached). */
static void plan_gaps(gap_ctx *g, uint32_t r)
{
    const workspace *w = g->w;
    const sw_eval *ev = g->ev;
    const uint32_t *s = w->plan->plan_slots + w->plan->plan_first[r];
    uint32_t n = w->plan->plan_first[r + 1] - w->plan->plan_first[r], nd = w->plan->plan_nderived[r];
    for (uint32_t k = 0; k < n - nd; k++)
        if (!ev->values[s[k]].known)
            add_gap(g, s[k]);
    for (uint32_t k = n - nd; k < n; k++)
        if (!ev->values[s[k]].known)
            derived_gaps(g, s[k]);
    if ((w->plan->plan_kind[r] & PLAN_DATED) && !ev->has_today)
        add_gap(g, GAP_ASSESSED_ON);
}

/* A test's missing facts: the unknown ones it reads, and the assessment date
 * when it reads it and there is none. */
static void test_gaps(gap_ctx *g, const skel *t)
{
    const workspace *w = g->w;
    const sw_eval *ev = g->ev;
    const uint32_t *s = w->plan->skel_leaves + t->first;
    for (uint32_t k = 0; k < t->nbase; k++)
        if (!ev->values[s[k]].known)
            add_gap(g, s[k]);
    for (uint32_t k = t->nbase; k < t->nbase + t->nderived; k++)
        if (!ev->values[s[k]].known)
            derived_gaps(g, s[k]);
    if (t->dated && !ev->has_today)
        add_gap(g, GAP_ASSESSED_ON);
}

/* gaps_of over a rule's skeleton, whose truths are at w->tv + at: from entry e
 * down through the unknown parts. The truths are read through w->tv each time: a
 * derived fact's list, worked out on the way, may walk another skeleton and move
 * the stack. */
static void skel_gaps(gap_ctx *g, const skel *sk, size_t at, uint32_t e)
{
    const skel *x = &sk[e];
    if (x->op == SKEL_TEST) {
        test_gaps(g, x);
        return;
    }
    if (g->w->tv[at + x->a] == SW_UNKNOWN)
        skel_gaps(g, sk, at, x->a);
    if (x->op != SKEL_NOT && g->w->tv[at + x->b] == SW_UNKNOWN)
        skel_gaps(g, sk, at, x->b);
}

/* The truths of a rule's skeleton, children first: a test that reads an unknown
 * fact (or the missing assessment date) is unknown without evaluating it. */
static void skel_truths(const gap_ctx *g, const skel *sk, uint32_t n, uint8_t *tv)
{
    const sw_eval *ev = g->ev;
    const uint32_t *leaves = g->w->plan->skel_leaves;
    for (uint32_t e = 0; e < n; e++) {
        const skel *x = &sk[e];
        switch (x->op) {
        case SKEL_TEST: {
            sw_truth t = x->dated && !ev->has_today ? SW_UNKNOWN : SW_TRUE;
            for (uint32_t k = 0; t != SW_UNKNOWN && k < x->nbase + x->nderived; k++)
                if (!ev->values[leaves[x->first + k]].known)
                    t = SW_UNKNOWN;
            if (t != SW_UNKNOWN) {
                sw_value v = sw_eval_node(ev, x->node);
                t = !v.known ? SW_UNKNOWN : v.u.i ? SW_TRUE : SW_FALSE;
            }
            tv[e] = (uint8_t)t;
            break;
        }
        case SKEL_NOT:
            tv[e] = (uint8_t)sw_truth_not((sw_truth)tv[x->a]);
            break;
        default:
            tv[e] = (uint8_t)sw_truth_junction(x->op == SKEL_AND, (sw_truth)tv[x->a], (sw_truth)tv[x->b]);
            break;
        }
    }
}

/* The missing facts behind an undecided rule's condition. */
static void rule_gaps(gap_ctx *g, uint32_t r)
{
    workspace *w = g->w;
    if (w->plan->plan_kind[r] & PLAN_SIMPLE) {
        plan_gaps(g, r);
    } else if (w->plan->skel_n[r]) {
        /* the truths go on a stack: a derived fact's list may walk another rule */
        uint32_t n = w->plan->skel_n[r];
        if (w->ntv + n > w->cap_tv &&
            !sw_grow_to_m(w->mem, &w->tv, &w->cap_tv, w->ntv + n, sizeof *w->tv, 256, SIZE_MAX)) {
            g->failed = 1;
            return;
        }
        size_t at = w->ntv;
        w->ntv += n;
        const skel *sk = w->plan->skel + w->plan->skel_first[r];
        skel_truths(g, sk, n, w->tv + at);   /* evaluates, adds no gap: the stack stays */
        skel_gaps(g, sk, at, n - 1);
        w->ntv -= n;
    } else {
        gaps_of(g, w->p->rules[r].cond);
    }
}

/* Works out, once per evaluation, why a derived fact is unknown: the gaps of its
 * undecided setters (and of the unknown values of those that fired), or the fact
 * itself when no rule could set it. The list may name a slot twice. */
static void derived_list(gap_ctx *g, uint32_t slot)
{
    workspace *w = g->w;
    const sw_eval *ev = g->ev;
    const sw_program *p = ev->prog;
    if (w->dcached[slot] == w->evals || w->dbusy[slot])
        return;
    w->dbusy[slot] = 1;
    int was_collecting = g->collecting;
    uint32_t was_cep = g->cep;
    if (++w->cepoch == 0) {
        memset(w->cstamp, 0, (p->nfacts + 1) * sizeof *w->cstamp);
        w->cepoch = 1;
    }
    g->collecting = 1;
    g->cep = w->cepoch;
    size_t base = w->nts;
    const sw_fact_def *f = &p->facts[slot];
    int found = 0;
    for (uint32_t k = 0; k < f->nsetters; k++) {
        const sw_rule_def *r = &p->rules[f->setters[k]];
        if (ev->truth[f->setters[k]] == SW_UNKNOWN) {
            rule_gaps(g, f->setters[k]);
            found = 1;
        } else if (ev->truth[f->setters[k]] == SW_TRUE) {
            for (uint32_t a = 0; a < r->nactions; a++)
                if (r->actions[a].kind == SW_ACT_SET && r->actions[a].target == slot &&
                    !sw_eval_node(ev, r->actions[a].value).known) {
                    gaps_of(g, r->actions[a].value);
                    found = 1;
                }
        }
    }
    if (!found)
        add_gap(g, slot);
    size_t n = w->nts - base;
    if (sw_grow_to_m(w->mem, &w->pool, &w->cap_pool, w->npool + n, sizeof *w->pool, 256, SIZE_MAX / sizeof *w->pool)) {
        if (n)
            memcpy(w->pool + w->npool, w->ts + base, n * sizeof *w->pool);
        w->dstart[slot] = (uint32_t)w->npool;
        w->dlen[slot] = (uint32_t)n;
        w->npool += n;
        w->dcached[slot] = w->evals;
    } else {
        g->failed = 1;
    }
    w->nts = base;
    g->collecting = was_collecting;
    g->cep = was_cep;
    w->dbusy[slot] = 0;
}

/* Why a derived fact is unknown, into the rule's gaps or the list being made. */
static void derived_gaps(gap_ctx *g, uint32_t slot)
{
    workspace *w = g->w;
    if (!g->collecting) {
        if (w->visited[slot] == w->epoch)
            return;
        w->visited[slot] = w->epoch;
    }
    derived_list(g, slot);
    if (w->dcached[slot] != w->evals)
        return;   /* being worked out further up (a cycle), or out of memory */
    for (uint32_t k = 0; k < w->dlen[slot]; k++)
        add_gap(g, w->pool[w->dstart[slot] + k]);
}

/* Called for a node whose value is unknown: finds the missing facts behind it. */
static void gaps_of(gap_ctx *g, uint32_t node)
{
    const sw_eval *ev = g->ev;
    const sw_program *p = ev->prog;
    const sw_node *n = &p->nodes[node];
    switch ((sw_opcode)n->op) {
    case SW_OP_CONST:
    case SW_OP_IS_KNOWN:
    case SW_OP_IS_MISSING:
        return;
    case SW_OP_LOAD:
        if (n->a < p->nbase)
            add_gap(g, n->a);
        else
            derived_gaps(g, n->a);
        return;
    case SW_OP_DAYS_SINCE:
    case SW_OP_WEEKS_SINCE:
    case SW_OP_MONTHS_SINCE:
        if (!ev->has_today)
            add_gap(g, GAP_ASSESSED_ON);
        break;
    default:
        break;
    }
    if (!sw_eval_node(ev, n->a).known)
        gaps_of(g, n->a);
    if (n->op >= SW_OP_AND && n->op <= SW_OP_DIV && !sw_eval_node(ev, n->b).known)
        gaps_of(g, n->b);
}

/* The highest bit set in m (0 for 0 or 1). */
static uint32_t top_bit(uint32_t m)
{
#if defined(__GNUC__)
    return m ? 31u - (uint32_t)__builtin_clz(m) : 0;
#else
    uint32_t b = 0;
    while (m >>= 1)
        b++;
    return b;
#endif
}

int sw_result_gaps_init(workspace *w, const sw_program *p)
{
    w->gmask = sw_mem_calloc(w->mem, (size_t)p->nfacts + 1, sizeof *w->gmask);
    return w->gmask != NULL;
}

void sw_result_gaps_free(workspace *w)
{
    sw_mem_free(w->mem, w->gmask, 0);
    sw_mem_free(w->mem, w->tv, 0);
    sw_mem_free(w->mem, w->gaps_out, 0);
    sw_mem_free(w->mem, w->rules_out, 0);
}

/* ---- ranks ----
 *
 * Which question first, most decisive first: the highest risk severity a gap's
 * rules could raise, then the highest priority they could recommend, then whether
 * they could move the stage, then how many rules wait on it, then the fact's name.
 * The level folds the first three into 0 (most decisive) .. GAP_LEVELS - 1. */
#define GAP_RISKS (SW_SEVERITY_CRITICAL + 2)
#define GAP_PRIORITIES (SW_PRIORITY_URGENT + 2)
#define GAP_LEVELS (GAP_RISKS * GAP_PRIORITIES * 2)

/* risk, prio: 0 for none, else 1 + the highest severity, priority. */
static uint32_t gap_level(uint32_t risk, uint32_t prio, int moves)
{
    return ((GAP_RISKS - 1 - risk) * GAP_PRIORITIES + (GAP_PRIORITIES - 1 - prio)) * 2 +
           (moves ? 0u : 1u);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Ranks the gaps (in name order) without comparing: a stable counting sort by
 * rule count (most first), then one by level (level[k], gap_level's), keeps name
 * order among equals; when the two keys take few buckets together (against the
 * gaps), one sort by both, the rank straight from it. maxr: the most rules of a gap. */
static void rank_gaps(workspace *w, sw_data_gap *gaps, const uint32_t *level, size_t ngaps, size_t maxr)
{
    uint32_t *a = w->order, *b = w->order + w->p->nfacts + 1, *cnt = w->ncount;
    size_t nb = (size_t)GAP_LEVELS * (maxr + 1);
    if (nb <= SW_RANK_BUCKETS && nb <= 2 * ngaps) {   /* not many more buckets than gaps */
        for (size_t k = 0; k < ngaps; k++)
            cnt[level[k] * (maxr + 1) + (maxr - gaps[k].nrules) + 1]++;
        for (size_t i = 1; i <= nb; i++)
            cnt[i] += cnt[i - 1];
        for (size_t k = 0; k < ngaps; k++)
            gaps[k].rank = (size_t)cnt[level[k] * (maxr + 1) + (maxr - gaps[k].nrules)]++ + 1;
        memset(cnt, 0, (nb + 1) * sizeof *cnt);
        return;
    }
    /* by rule count, most first: bucket maxr - nrules */
    for (size_t k = 0; k < ngaps; k++)
        cnt[maxr - gaps[k].nrules + 1]++;
    for (size_t i = 1; i <= maxr + 1; i++)
        cnt[i] += cnt[i - 1];
    for (size_t k = 0; k < ngaps; k++)
        a[cnt[maxr - gaps[k].nrules]++] = (uint32_t)k;
    memset(cnt, 0, (maxr + 2) * sizeof *cnt);
    /* by level: GAP_LEVELS buckets, most decisive first */
    uint32_t lcnt[GAP_LEVELS + 1] = {0};
    for (size_t k = 0; k < ngaps; k++)
        lcnt[level[k] + 1]++;
    for (size_t i = 1; i <= GAP_LEVELS; i++)
        lcnt[i] += lcnt[i - 1];
    for (size_t k = 0; k < ngaps; k++)
        b[lcnt[level[a[k]]]++] = a[k];
    for (size_t k = 0; k < ngaps; k++)
        gaps[b[k]].rank = k + 1;   /* the list itself stays in fact-name order */
}

static void next_epoch(workspace *w)
{
    if (++w->epoch == 0) {   /* the stamps wrapped: start them again */
        memset(w->stamp, 0, (w->p->nfacts + 1) * sizeof *w->stamp);
        memset(w->visited, 0, (w->p->nfacts + 1) * sizeof *w->visited);
        w->epoch = 1;
    }
}

/* A planned rule that reads no derived fact: its unknown facts, each once. */
static int plan_pairs(workspace *w, const sw_eval *ev, uint32_t r)
{
    const uint32_t *s = w->plan->plan_slots + w->plan->plan_first[r];
    uint32_t n = w->plan->plan_first[r + 1] - w->plan->plan_first[r];
    if (w->npairs + n + 1 > w->cap_pairs &&
        !sw_grow_to_m(w->mem, &w->pairs, &w->cap_pairs, w->npairs + n + 1, sizeof *w->pairs, 64, SIZE_MAX / sizeof *w->pairs))
        return 0;
    gap_pair *out = w->pairs + w->npairs;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t slot = s[k];
        if (ev->values[slot].known)
            continue;
        if (w->count[slot]++ == 0)
            w->touched[w->ntouched++] = (uint64_t)w->plan->name_rank[slot] << 32 | slot;
        out->slot = slot;
        out->rule = r;
        out++;
    }
    if ((w->plan->plan_kind[r] & PLAN_DATED) && !ev->has_today) {
        uint32_t slot = w->p->nfacts;
        if (w->count[slot]++ == 0)
            w->touched[w->ntouched++] = (uint64_t)w->plan->name_rank[slot] << 32 | slot;
        out->slot = slot;
        out->rule = r;
        out++;
    }
    w->npairs = (size_t)(out - w->pairs);
    return 1;
}

void sw_result_build_gaps(builder *b)
{
    const sw_program *p = b->p;
    workspace *w = b->w;
    const sw_eval *ev = b->ev;
    gap_ctx g = {ev, w, 0, 0, 0, 0};
    w->npairs = 0;
    w->ntouched = 0;
    w->npool = 0;
    w->nts = 0;
    if (++w->evals == 0) {
        memset(w->dcached, 0, (p->nfacts + 1) * sizeof *w->dcached);
        w->evals = 1;
    }
    for (uint32_t u = 0; u < w->nundecided && !g.failed; u++) {
        uint32_t r = w->undecided[u];
        uint8_t kind = w->plan->plan_kind[r];
        if (kind & PLAN_SIMPLE) {
            if (!(kind & PLAN_DERIVED)) {
                g.failed = !plan_pairs(w, ev, r);
                continue;
            }
            g.rule = r;
            next_epoch(w);
            plan_gaps(&g, r);
            continue;
        }
        g.rule = r;
        next_epoch(w);
        rule_gaps(&g, r);
    }
    size_t ngaps = w->ntouched;
    /* the gaps and their rules live in the workspace, as the report does until
     * the next evaluation: kept, not cleared, every field written */
    if (!g.failed &&
        (!sw_grow_to_m(w->mem, &w->gaps_out, &w->cap_gaps_out, ngaps ? ngaps : 1, sizeof *w->gaps_out, 16, SIZE_MAX / sizeof *w->gaps_out) ||
         !sw_grow_to_m(w->mem, &w->rules_out, &w->cap_rules_out, w->npairs ? w->npairs : 1, sizeof *w->rules_out, 64, SIZE_MAX / sizeof *w->rules_out)))
        g.failed = 1;
    if (g.failed) {
        b->failed = 1;
    } else {
        sw_data_gap *gaps = w->gaps_out;
        const char **rules = w->rules_out;
        if (ngaps * 16 > (size_t)p->nfacts) {   /* many: walk the names instead of sorting */
            size_t k = 0;
            for (uint32_t r = 0; r <= p->nfacts; r++)
                if (w->count[w->plan->by_name[r]])
                    w->touched[k++] = (uint64_t)r << 32 | w->plan->by_name[r];
        } else {
            sw_result_heap_sort(w->touched, ngaps, sizeof *w->touched, cmp_u64);   /* fact-name order */
        }
        uint32_t at = 0;
        for (size_t k = 0; k < ngaps; k++) {
            uint32_t slot = (uint32_t)w->touched[k];
            sw_data_gap *gap = &gaps[k];
            gap->fact = w->plan->gap_fact[slot];
            gap->label = w->plan->gap_label[slot];
            gap->rules = &rules[at];
            gap->nrules = 0;
            gap->rank = 0;
            w->pos[slot] = (uint32_t)k;
            w->gmask[k] = 0;
            at += w->count[slot];
        }
        /* what each gap's rules could decide: one bit per level, or'ed */
        const uint32_t *dmask = w->plan->rule_dmask;
        uint32_t *gmask = w->gmask;
        for (size_t i = 0; i < w->npairs; i++) {
            uint32_t r = w->pairs[i].rule, k = w->pos[w->pairs[i].slot];
            sw_data_gap *gap = &gaps[k];
            ((const char **)gap->rules)[gap->nrules++] = p->rules[r].id;
            gmask[k] |= dmask[r];
        }
        size_t maxr = 0;
        for (size_t k = 0; k < ngaps; k++) {
            sw_data_gap *gap = &gaps[k];
            uint32_t rk = top_bit(gmask[k] & 0xFFu), pr = top_bit(gmask[k] >> 8 & 0xFFu);
            gap->could_raise_risk = rk != 0;
            gap->risk_severity = rk ? (sw_risk_severity)(rk - 1) : (sw_risk_severity)0;
            gap->could_recommend = pr != 0;
            gap->priority = pr ? (sw_priority)(pr - 1) : (sw_priority)0;
            gap->could_move_stage = (gmask[k] & DECIDES_MOVE) != 0;
            gmask[k] = gap_level(rk, pr, gap->could_move_stage);
            maxr = gap->nrules > maxr ? gap->nrules : maxr;
        }
        rank_gaps(w, gaps, gmask, ngaps, maxr);
        b->rep->gaps = gaps;
        b->rep->ngaps = ngaps;
    }
    for (size_t k = 0; k < w->ntouched; k++)
        w->count[(uint32_t)w->touched[k]] = 0;
}
