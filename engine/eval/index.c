/*
 * index.c - the stage index: which rules the stage alone decides.
 *
 * Built once per rule set, after compilation, by evaluating every rule's fast form
 * with only the key fact (the stage) known; the evaluator then skips, per client,
 * the rules that this row already decides (see sw_index in compile/program.h).
 * It lives in eval/ because it runs the evaluator: compile/ never calls eval/.
 *
 * May use: util/, lang/, compile/, facts/, eval/eval.h.
 */
#include "eval/index.h"

#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "eval/spec.h"

static void *index_array(sw_program *p, int *failed, size_t n, size_t size)
{
    void *v = sw_arena_array(&p->arena, n ? n : 1, size);
    if (!v)
        *failed = 1;
    return v;
}

/* Marks (with tag) the fast nodes rule root needs, through its lists. */
static void mark_need(const sw_program *p, uint8_t *mark, uint32_t *stack, uint32_t root, uint8_t tag)
{
    uint32_t n = 0;
    if (mark[root] == tag)
        return;
    mark[root] = tag;
    stack[n++] = root;
    while (n) {
        const sw_fast *x = &p->fast[stack[--n]];
        if (x->op != SW_FAST_AND && x->op != SW_FAST_OR)
            continue;
        for (uint32_t k = 0; k < x->n; k++) {
            uint32_t kid = p->fast_kids[x->first + k];
            if (mark[kid] != tag) {
                mark[kid] = tag;
                stack[n++] = kid;
            }
        }
    }
}

/* Fills need and need_group (sw_index): a pass that counts, then one that fills. */
static sw_status build_need(sw_program *p)
{
    sw_index *ix = &p->index;
    uint8_t *mark = sw_mem_calloc(p->arena.mem, p->nfast ? p->nfast : 1, 1);
    uint32_t *stack = sw_mem_alloc(p->arena.mem, (p->nfast ? p->nfast : 1) * sizeof *stack);
    int failed = !mark || !stack;
    ix->need_group = index_array(p, &failed, (size_t)ix->nkeys * SW_NEED_GROUPS + 1, sizeof *ix->need_group);
    size_t total = 0;
    for (int pass = 0; pass < 2 && !failed; pass++) {
        size_t n = 0;
        memset(mark, 0, p->nfast);
        for (uint32_t u = 0; u < ix->nkeys; u++) {
            uint8_t tag = (uint8_t)(u + 1);
            for (uint32_t k = ix->live_first[u]; k < ix->live_first[u + 1]; k++)
                if (!(ix->live[k] & SW_LIVE_FINALIZE))
                    mark_need(p, mark, stack, p->rule_fast[ix->live[k]], tag);
            for (int g = SW_FAST_INT; g <= SW_FAST__COUNT; g++) {
                uint32_t from = p->fast_group[g];
                uint32_t to = g < SW_FAST__COUNT ? p->fast_group[g + 1] : p->nfast_order;
                if (pass)
                    ix->need_group[(size_t)u * SW_NEED_GROUPS + (size_t)(g - SW_FAST_INT)] = (uint32_t)n;
                for (uint32_t k = from; k < to; k++)
                    if (mark[p->fast_order[k]] == tag) {
                        if (pass)
                            ix->need[n] = p->fast_order[k];
                        n++;
                    }
            }
        }
        if (pass) {
            ix->need_group[(size_t)ix->nkeys * SW_NEED_GROUPS] = (uint32_t)n;
        } else {
            total = n;
            ix->need = index_array(p, &failed, total, sizeof *ix->need);
        }
    }
    sw_mem_free(p->arena.mem, mark, 0);
    sw_mem_free(p->arena.mem, stack, 0);
    return failed ? SW_ERR_NOMEM : SW_OK;
}

static void put_test(sw_test *t, const sw_fast *x)
{
    memset(t, 0, sizeof *t);
    t->op = x->op;
    t->neg = x->neg;
    t->as_number = x->as_number;
    t->slot = x->slot;
    memcpy(&t->k, &x->k, sizeof t->k);
}

/* Fills code_first, code_n and code (sw_index): the flat rules, in schedule order. */
static sw_status build_code(sw_program *p)
{
    sw_index *ix = &p->index;
    int failed = 0;
    ix->code_first = index_array(p, &failed, p->nrules, sizeof *ix->code_first);
    ix->code_n = index_array(p, &failed, p->nrules, sizeof *ix->code_n);
    if (failed)
        return SW_ERR_NOMEM;
    size_t n = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        const sw_fast *x = &p->fast[p->rule_fast[r]];
        ix->code_first[r] = SW_NONE;
        if (x->op >= SW_FAST_INT) {
            ix->code_n[r] = 1;
        } else if (x->op == SW_FAST_AND || x->op == SW_FAST_OR) {
            uint32_t k = 0;
            while (k < x->n && p->fast[p->fast_kids[x->first + k]].op >= SW_FAST_INT)
                k++;
            if (k < x->n || x->n == 0)
                continue;
            ix->code_n[r] = x->n | (x->op == SW_FAST_OR ? SW_CODE_OR : 0);
        } else {
            continue;
        }
        ix->code_first[r] = 0;
        n += ix->code_n[r] & ~SW_CODE_OR;
    }
    ix->code = index_array(p, &failed, n, sizeof *ix->code);
    if (failed)
        return SW_ERR_NOMEM;
    uint32_t at = 0;
    for (uint32_t s = 0; s < p->nsteps; s++) {
        if (p->steps[s].finalize || ix->code_first[p->steps[s].index] == SW_NONE)
            continue;
        uint32_t r = p->steps[s].index;
        const sw_fast *x = &p->fast[p->rule_fast[r]];
        ix->code_first[r] = at;
        if (x->op >= SW_FAST_INT)
            put_test(&ix->code[at++], x);
        else
            for (uint32_t k = 0; k < x->n; k++)
                put_test(&ix->code[at++], &p->fast[p->fast_kids[x->first + k]]);
    }
    return SW_OK;
}

sw_status sw_index_build(sw_program *p)
{
    const uint8_t *nonmono = p->fast_nonmono;
    int failed = 0;
    sw_index *ix = &p->index;
    ix->key_slot = SW_NONE;
    ix->nkeys = 1;
    if (p->stage_slot != SW_NONE && p->facts[p->stage_slot].type.kind == SW_T_ENUM &&
        p->enums[p->facts[p->stage_slot].type.enumeration].nmembers < 32) {
        ix->key_slot = p->stage_slot;
        ix->nkeys = p->enums[p->facts[p->stage_slot].type.enumeration].nmembers + 1;
    }
    ix->key_truth = index_array(p, &failed, (size_t)ix->nkeys * p->nrules, 1);
    ix->key_decided = index_array(p, &failed, p->nrules, sizeof *ix->key_decided);
    size_t nrf = (size_t)ix->nkeys * p->nfacts + 1;
    ix->readers_first = index_array(p, &failed, nrf, sizeof *ix->readers_first);
    uint32_t *pos = sw_mem_calloc(p->arena.mem, p->nrules ? p->nrules : 1, sizeof *pos);
    sw_eval ev;
    memset(&ev, 0, sizeof ev);
    ev.prog = p;
    ev.values = sw_mem_calloc(p->arena.mem, p->nfacts ? p->nfacts : 1, sizeof *ev.values);
    if (failed || !pos || !ev.values) {
        failed = 1;
        goto done;
    }
    /* every rule's truth when only the key is known, for each of its values */
    for (uint32_t u = 0; u < ix->nkeys; u++) {
        if (ix->key_slot != SW_NONE) {
            ev.values[ix->key_slot].known = u + 1 < ix->nkeys;
            ev.values[ix->key_slot].u.i = u;
        }
        for (uint32_t r = 0; r < p->nrules; r++) {
            sw_truth t = sw_eval_fast(&ev, p->rule_fast[r]);
            ix->key_truth[(size_t)u * p->nrules + r] = (uint8_t)t;
            if (t != SW_UNKNOWN && !nonmono[p->rule_fast[r]])
                ix->key_decided[r] |= (uint32_t)1 << u;
        }
    }
    /* per key value, the readers of each fact it does not decide, and the steps
     * always taken */
    uint32_t nreads = 0;
    for (uint32_t k = 0; k < p->nsteps; k++) {
        const sw_step *st = &p->steps[k];
        if (st->finalize) {
            ix->nalways++;
            continue;
        }
        pos[st->index] = k;
        const sw_rule_def *r = &p->rules[st->index];
        ix->ndated += r->reads_assessed_on;
        for (uint32_t u = 0; u < ix->nkeys; u++)
            for (uint32_t i = 0; i < r->nreads; i++)
                if (r->reads[i] != ix->key_slot && !(ix->key_decided[st->index] >> u & 1)) {
                    ix->readers_first[(size_t)u * p->nfacts + r->reads[i] + 1]++;
                    nreads++;
                }
    }
    for (size_t s = 0; s + 1 < nrf; s++)
        ix->readers_first[s + 1] += ix->readers_first[s];
    ix->readers = index_array(p, &failed, nreads, sizeof *ix->readers);
    ix->always = index_array(p, &failed, ix->nalways, sizeof *ix->always);
    ix->dated = index_array(p, &failed, ix->ndated, sizeof *ix->dated);
    uint32_t *fill = sw_mem_calloc(p->arena.mem, nrf, sizeof *fill);
    if (failed || !fill) {
        sw_mem_free(p->arena.mem, fill, 0);
        failed = 1;
        goto done;
    }
    uint32_t na = 0, nd = 0;
    for (uint32_t k = 0; k < p->nsteps; k++) {
        const sw_step *st = &p->steps[k];
        if (st->finalize) {
            ix->always[na++] = k;
            continue;
        }
        const sw_rule_def *r = &p->rules[st->index];
        if (r->reads_assessed_on)
            ix->dated[nd++] = k;
        for (uint32_t u = 0; u < ix->nkeys; u++)
            for (uint32_t i = 0; i < r->nreads; i++)
                if (r->reads[i] != ix->key_slot && !(ix->key_decided[st->index] >> u & 1)) {
                    size_t at = (size_t)u * p->nfacts + r->reads[i];
                    ix->readers[ix->readers_first[at] + fill[at]++] = k;
                }
    }
    sw_mem_free(p->arena.mem, fill, 0);
    /* per key value, the steps it does not decide */
    size_t nlive = 0;
    for (uint32_t u = 0; u < ix->nkeys; u++)
        for (uint32_t k = 0; k < p->nsteps; k++)
            nlive += p->steps[k].finalize || !(ix->key_decided[p->steps[k].index] >> u & 1);
    ix->live_first = index_array(p, &failed, ix->nkeys + 1, sizeof *ix->live_first);
    ix->live = index_array(p, &failed, nlive, sizeof *ix->live);
    if (failed)
        goto done;
    uint32_t nl = 0;
    for (uint32_t u = 0; u < ix->nkeys; u++) {
        ix->live_first[u] = nl;
        for (uint32_t k = 0; k < p->nsteps; k++)
            if (p->steps[k].finalize)
                ix->live[nl++] = SW_LIVE_FINALIZE | p->steps[k].index;
            else if (!(ix->key_decided[p->steps[k].index] >> u & 1))
                ix->live[nl++] = p->steps[k].index;
    }
    ix->live_first[ix->nkeys] = nl;
    if (build_need(p) != SW_OK || build_code(p) != SW_OK || sw_spec_build(p) != SW_OK)
        failed = 1;
done:
    sw_mem_free(p->arena.mem, pos, 0);
    sw_mem_free(p->arena.mem, ev.values, 0);
    return failed ? SW_ERR_NOMEM : SW_OK;
}
