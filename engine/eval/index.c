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

static void *index_array(sw_program *p, int *failed, size_t n, size_t size)
{
    void *v = sw_arena_array(&p->arena, n ? n : 1, size);
    if (!v)
        *failed = 1;
    return v;
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
    ix->readers_first = index_array(p, &failed, p->nfacts + 1, sizeof *ix->readers_first);
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
    /* the readers of each fact, and the steps always taken */
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
        for (uint32_t i = 0; i < r->nreads; i++)
            if (r->reads[i] != ix->key_slot) {
                ix->readers_first[r->reads[i] + 1]++;
                nreads++;
            }
    }
    for (uint32_t s = 0; s < p->nfacts; s++)
        ix->readers_first[s + 1] += ix->readers_first[s];
    ix->readers = index_array(p, &failed, nreads, sizeof *ix->readers);
    ix->always = index_array(p, &failed, ix->nalways, sizeof *ix->always);
    ix->dated = index_array(p, &failed, ix->ndated, sizeof *ix->dated);
    uint32_t *fill = sw_mem_calloc(p->arena.mem, p->nfacts + 1, sizeof *fill);
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
        for (uint32_t i = 0; i < r->nreads; i++)
            if (r->reads[i] != ix->key_slot)
                ix->readers[ix->readers_first[r->reads[i]] + fill[r->reads[i]]++] = k;
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
done:
    sw_mem_free(p->arena.mem, pos, 0);
    sw_mem_free(p->arena.mem, ev.values, 0);
    return failed ? SW_ERR_NOMEM : SW_OK;
}
