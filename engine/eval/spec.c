/*
 * spec.c - the rules specialised per value of the key (sw_index.spec, program.h).
 *
 * For each value of the key (the stage, and unknown), every live step of the
 * schedule is kept with its rule's condition partially evaluated: a test of the
 * key is replaced by its truth for that value, and the and/or around it
 * simplified (a test that cannot change the result is dropped, one that decides
 * it decides the rule). A rule left with nothing to test is left out: its truth
 * for that value is constant, the row's (sw_index.key_truth). The rest are short
 * runs of packed tests, an and of ors or an or of ands (most often of single
 * tests), which the evaluator
 * (eval.c) runs with early exits; any other shape keeps its fast form. Also per
 * key value: which of these steps read each fact (for a client with few facts),
 * the finalisations and the rules reading the assessment date, the cost of the
 * whole list, and whether the pass over every needed test (eval.c) is the cheaper
 * way to take the whole list.
 *
 * Built once per rule set by sw_index_build; lives in eval/ because it evaluates
 * the key's tests with the evaluator.
 *
 * May use: util/, lang/, compile/, facts/, eval/eval.h.
 */
#include "eval/spec.h"

#include <string.h>

#include "eval/eval.h"

/* What evaluating fast node idx's whole tree costs, in tests (an expression node
 * about four). */
static uint32_t fast_cost(const sw_program *p, uint32_t idx)
{
    const sw_fast *x = &p->fast[idx];
    if (x->op == SW_FAST_NODE)
        return 4;
    if (x->op != SW_FAST_AND && x->op != SW_FAST_OR)
        return 1;
    uint32_t c = 1;
    for (uint32_t k = 0; k < x->n; k++)
        c += fast_cost(p, p->fast_kids[x->first + k]);
    return c;
}

/* A test packed for spec_code. A member test whose members are consecutive
 * (`housing is stable`, `stage >= persuasion`) becomes the range test it is
 * (a one-of value is a member's index, below 64), so that nearly every test the
 * evaluator meets is a range or a member test, which it takes without a jump
 * table. */
static void put_test(sw_test *t, const sw_fast *x, uint8_t end)
{
    memset(t, 0, sizeof *t);
    t->op = x->op;
    t->neg = x->neg;
    t->as_number = x->as_number;
    t->end = end;
    t->slot = x->slot;
    memcpy(&t->k, &x->k, sizeof t->k);
    if (x->op == SW_FAST_MEMBER && x->k.mask) {
        int lo = __builtin_ctzll(x->k.mask);
        uint64_t run = x->k.mask >> lo;
        if ((run & (run + 1)) == 0) { /* 2^k - 1: consecutive members */
            t->op = SW_FAST_INT;
            t->k.i.lo = lo;
            t->k.i.hi = lo + __builtin_popcountll(run) - 1;
        }
    }
}

/* About how often test t holds for a known value, from the fact's declared values
 * (bool, one of, a ranged int; a half for anything else). */
static double true_share(const sw_program *p, const sw_test *t)
{
    const sw_type *ty = &p->facts[t->slot].type;
    int64_t lo = 0, hi = -1;
    if (ty->kind == SW_T_BOOL)
        hi = 1;
    else if (ty->kind == SW_T_ENUM)
        hi = (int64_t)p->enums[ty->enumeration].nmembers - 1;
    else if (ty->kind == SW_T_INT && ty->has_range && ty->imin >= -(INT64_C(1) << 52) &&
             ty->imax <= INT64_C(1) << 52)
        lo = ty->imin, hi = ty->imax;
    double share = 0.5;
    if (hi >= lo && t->op == SW_FAST_INT) {
        int64_t a = t->k.i.lo > lo ? t->k.i.lo : lo, b = t->k.i.hi < hi ? t->k.i.hi : hi;
        share = a > b ? 0.0 : (double)(b - a + 1) / (double)(hi - lo + 1);
    } else if (hi >= lo && hi < 64 && t->op == SW_FAST_MEMBER) {
        uint64_t all = hi == 63 ? ~(uint64_t)0 : ((uint64_t)1 << (hi + 1)) - 1;
        share = (double)__builtin_popcountll(t->k.mask & all) / (double)(hi + 1);
    }
    return t->neg ? 1.0 - share : share;
}

/* Orders an and (or) of single tests so that the test most likely to decide it,
 * the least (most) often true, comes first: the evaluator stops there more often.
 * The order of an and's tests does not change its truth. */
static void order_tests(const sw_program *p, sw_test *t, uint32_t n, int is_or)
{
    for (uint32_t i = 1; i < n; i++) {
        sw_test x = t[i];
        double key = is_or ? -true_share(p, &x) : true_share(p, &x);
        uint32_t j = i;
        for (; j > 0 && (is_or ? -true_share(p, &t[j - 1]) : true_share(p, &t[j - 1])) > key; j--)
            t[j] = t[j - 1];
        t[j] = x;
    }
}

enum { RES_CONSTANT, RES_FLAT, RES_OTHER };

/* What is left of rule's condition for the key value in ev (only the key known):
 * RES_CONSTANT when its truth cannot depend on anything else, RES_FLAT with *n
 * tests (written to out unless NULL) and *is_or, or RES_OTHER. A test of the key
 * is folded when its truth decides its list (the list is decided) or cannot change
 * it (it is dropped); an unknown one stays a test. *peak is how many tests were
 * written before those of dropped groups were taken back. */
static int residual(const sw_program *p, const sw_eval *ev, uint32_t rule, sw_test *out, uint32_t *n, int *is_or,
                    int *single, uint32_t *peak)
{
    uint32_t key = p->index.key_slot;
    const sw_fast *x = &p->fast[p->rule_fast[rule]];
    if (x->op >= SW_FAST_INT) {
        if (x->slot == key && sw_eval_fast(ev, p->rule_fast[rule]) != SW_UNKNOWN)
            return RES_CONSTANT;
        if (out)
            put_test(out, x, 1);
        *n = 1;
        *peak = 1;
        *is_or = 0;
        *single = 1;
        return RES_FLAT;
    }
    if (x->op != SW_FAST_AND && x->op != SW_FAST_OR)
        return RES_OTHER;
    sw_truth wins = sw_truth_wins(x->op == SW_FAST_AND); /* decides the root */
    sw_truth inner_wins = sw_truth_not(wins);             /* decides a group */
    uint32_t m = 0, groups = 0;
    for (uint32_t k = 0; k < x->n; k++) {
        uint32_t kid = p->fast_kids[x->first + k];
        const sw_fast *y = &p->fast[kid];
        if (y->op >= SW_FAST_INT) {
            if (y->slot == key) {
                sw_truth t = sw_eval_fast(ev, kid);
                if (t == wins)
                    return RES_CONSTANT;
                if (t != SW_UNKNOWN)
                    continue;
            }
            if (out)
                put_test(&out[m], y, 1);
            m++;
            *peak = m > *peak ? m : *peak;
            groups++;
            continue;
        }
        if (y->op == x->op || (y->op != SW_FAST_AND && y->op != SW_FAST_OR))
            return RES_OTHER;
        uint32_t start = m;
        int decided = 0;
        for (uint32_t j = 0; j < y->n && !decided; j++) {
            uint32_t g = p->fast_kids[y->first + j];
            const sw_fast *z = &p->fast[g];
            if (z->op < SW_FAST_INT)
                return RES_OTHER;
            if (z->slot == key) {
                sw_truth t = sw_eval_fast(ev, g);
                decided = t == inner_wins;
                if (t != SW_UNKNOWN)
                    continue;
            }
            if (out)
                put_test(&out[m], z, 0);
            m++;
            *peak = m > *peak ? m : *peak;
        }
        if (decided) { /* the group is the root's identity */
            m = start;
            continue;
        }
        if (m == start) /* an empty group: the group's identity, which decides the root */
            return RES_CONSTANT;
        if (out)
            out[m - 1].end = 1;
        groups++;
    }
    if (!groups)
        return RES_CONSTANT;
    *n = m;
    *is_or = x->op == SW_FAST_OR;
    *single = groups == m;
    if (out && *single)
        order_tests(p, out, m, *is_or);
    return RES_FLAT;
}

static void *spec_array(sw_program *p, int *failed, size_t n, size_t size)
{
    void *v = sw_arena_array(&p->arena, n ? n : 1, size);
    if (!v)
        *failed = 1;
    else
        memset(v, 0, (n ? n : 1) * size);
    return v;
}

/* One pass over every key value's live steps: counts (fill 0) or fills (fill 1). */
static void spec_walk(sw_program *p, sw_eval *ev, int fill, size_t *nsteps, size_t *ncode, size_t *ncode_room,
                      size_t *nreaders, size_t *nfinal, size_t *ndated)
{
    sw_index *ix = &p->index;
    size_t ns = 0, nc = 0, nf = 0, nd = 0;
    for (uint32_t u = 0; u < ix->nkeys; u++) {
        if (ix->key_slot != SW_NONE) {
            ev->values[ix->key_slot].known = u + 1 < ix->nkeys;
            ev->values[ix->key_slot].u.i = u;
        }
        if (fill) {
            ix->spec_first[u] = (uint32_t)ns;
            ix->sfinal_first[u] = (uint32_t)nf;
            ix->sdated_first[u] = (uint32_t)nd;
        }
        uint32_t cost = 0;
        for (uint32_t k = ix->live_first[u]; k < ix->live_first[u + 1]; k++) {
            uint32_t what = ix->live[k];
            uint32_t pos = (uint32_t)(ns - (fill ? ix->spec_first[u] : 0));
            if (what & SW_LIVE_FINALIZE) {
                if (fill) {
                    ix->spec[ns].what = what;
                    ix->spec[ns].first = SW_NONE;
                    ix->spec[ns].n = (uint32_t)SW_SPEC_FINALIZE << SW_SPEC_KIND_SHIFT;
                    ix->sfinal[nf] = pos;
                }
                cost += 1 + p->facts[what & ~SW_LIVE_FINALIZE].nsetters;
                ns++;
                nf++;
                continue;
            }
            uint32_t n = 0, peak = 0;
            int is_or = 0, single = 0;
            int shape = residual(p, ev, what, fill ? ix->spec_code + nc : NULL, &n, &is_or, &single, &peak);
            if (shape == RES_FLAT && n > SW_SPEC_COUNT)
                shape = RES_OTHER;
            /* room for the tests written then taken back */
            *ncode_room = nc + peak > *ncode_room ? nc + peak : *ncode_room;
            if (shape == RES_CONSTANT)
                continue;
            uint32_t step_cost = 1 + (shape == RES_FLAT ? n : fast_cost(p, p->rule_fast[what]));
            const sw_rule_def *r = &p->rules[what];
            if (fill) {
                sw_spec_step *st = &ix->spec[ns];
                st->what = what;
                sw_spec_kind kind = shape != RES_FLAT ? SW_SPEC_FAST
                                    : single ? (is_or ? SW_SPEC_OR1 : SW_SPEC_AND1)
                                             : (is_or ? SW_SPEC_OR : SW_SPEC_AND);
                st->first = shape == RES_FLAT ? (uint32_t)nc : SW_NONE;
                st->n = (shape == RES_FLAT ? n : 0) | (uint32_t)kind << SW_SPEC_KIND_SHIFT;
                for (uint32_t i = 0; i < r->nreads; i++) {
                    if (r->reads[i] == ix->key_slot)
                        continue;
                    size_t at = (size_t)u * p->nfacts + r->reads[i];
                    ix->sreaders[ix->sreaders_first[at] + ix->sread_cost[at]++] = pos;
                }
                if (r->reads_assessed_on)
                    ix->sdated[nd] = pos;
            } else {
                for (uint32_t i = 0; i < r->nreads; i++)
                    if (r->reads[i] != ix->key_slot)
                        ix->sreaders_first[(size_t)u * p->nfacts + r->reads[i] + 1]++;
            }
            nd += r->reads_assessed_on;
            if (shape == RES_FLAT)
                nc += n;
            cost += step_cost;
            ns++;
        }
        if (fill) {
            /* the pass over every test (eval.c) shares the tests and lists that
             * rules have in common, which the specialised steps do not: it is the
             * cheaper way to evaluate every step when they have much in common */
            const uint32_t *g = ix->need_group + (size_t)u * SW_NEED_GROUPS;
            uint32_t pass = g[SW_NEED_GROUPS] - g[0] + (ix->live_first[u + 1] - ix->live_first[u]) / 2 + p->nrules / 8;
            ix->spec_cost[u] = cost < pass ? cost : pass;
            ix->spec_pass[u] = pass < cost;
        }
    }
    if (fill) {
        ix->spec_first[ix->nkeys] = (uint32_t)ns;
        ix->sfinal_first[ix->nkeys] = (uint32_t)nf;
        ix->sdated_first[ix->nkeys] = (uint32_t)nd;
    }
    *nsteps = ns;
    *ncode = nc;
    *nfinal = nf;
    *ndated = nd;
    if (!fill) {
        size_t nrf = (size_t)ix->nkeys * p->nfacts;
        for (size_t s = 0; s < nrf; s++)
            ix->sreaders_first[s + 1] += ix->sreaders_first[s];
        *nreaders = ix->sreaders_first[nrf];
    }
}

/* sread_cost, which the fill pass used as a fill count: each reader's cost. */
static void reader_costs(sw_program *p)
{
    sw_index *ix = &p->index;
    for (uint32_t u = 0; u < ix->nkeys; u++) {
        const sw_spec_step *steps = ix->spec + ix->spec_first[u];
        for (uint32_t s = 0; s < p->nfacts; s++) {
            size_t at = (size_t)u * p->nfacts + s;
            uint32_t cost = 0;
            for (uint32_t k = ix->sreaders_first[at]; k < ix->sreaders_first[at + 1]; k++) {
                const sw_spec_step *st = &steps[ix->sreaders[k]];
                cost += 2 + (st->first == SW_NONE ? fast_cost(p, p->rule_fast[st->what]) : (st->n & SW_SPEC_COUNT));
            }
            ix->sread_cost[at] = cost;
        }
    }
}

sw_status sw_spec_build(sw_program *p)
{
    sw_index *ix = &p->index;
    int failed = 0;
    size_t nrf = (size_t)ix->nkeys * p->nfacts;
    ix->spec_first = spec_array(p, &failed, ix->nkeys + 1, sizeof *ix->spec_first);
    ix->spec_cost = spec_array(p, &failed, ix->nkeys, sizeof *ix->spec_cost);
    ix->spec_pass = spec_array(p, &failed, ix->nkeys, sizeof *ix->spec_pass);
    ix->sreaders_first = spec_array(p, &failed, nrf + 1, sizeof *ix->sreaders_first);
    ix->sread_cost = spec_array(p, &failed, nrf ? nrf : 1, sizeof *ix->sread_cost);
    ix->sfinal_first = spec_array(p, &failed, ix->nkeys + 1, sizeof *ix->sfinal_first);
    ix->sdated_first = spec_array(p, &failed, ix->nkeys + 1, sizeof *ix->sdated_first);
    sw_eval ev;
    memset(&ev, 0, sizeof ev);
    ev.prog = p;
    ev.values = sw_mem_calloc(p->arena.mem, p->nfacts ? p->nfacts : 1, sizeof *ev.values);
    if (failed || !ev.values) {
        sw_mem_free(p->arena.mem, ev.values, 0);
        return SW_ERR_NOMEM;
    }
    size_t nsteps, ncode, room = 0, nreaders = 0, nfinal, ndated;
    spec_walk(p, &ev, 0, &nsteps, &ncode, &room, &nreaders, &nfinal, &ndated);
    ix->spec = spec_array(p, &failed, nsteps, sizeof *ix->spec);
    ix->spec_code = spec_array(p, &failed, room, sizeof *ix->spec_code);
    ix->sreaders = spec_array(p, &failed, nreaders, sizeof *ix->sreaders);
    ix->sfinal = spec_array(p, &failed, nfinal, sizeof *ix->sfinal);
    ix->sdated = spec_array(p, &failed, ndated, sizeof *ix->sdated);
    if (!failed) {
        spec_walk(p, &ev, 1, &nsteps, &ncode, &room, &nreaders, &nfinal, &ndated);
        reader_costs(p);
    }
    sw_mem_free(p->arena.mem, ev.values, 0);
    return failed ? SW_ERR_NOMEM : SW_OK;
}
