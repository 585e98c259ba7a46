/*
 * eval.h - evaluating a compiled program for one client.
 *
 * sw_eval_run fills a per-client state: every slot's value (base facts copied in,
 * derived facts computed) and every rule's truth (true, false or unknown). The
 * result builder (result.c) turns that state into the report. The state belongs to
 * one evaluation; the program is only read.
 */
#ifndef SW_EVAL_H
#define SW_EVAL_H

#include "facts/facts.h"
#include "compile/program.h"
#include "lang/truth.h"

typedef struct sw_eval {
    const sw_program *prog;
    const sw_facts *facts;
    sw_value *values;     /* prog->nfacts */
    uint8_t *truth;       /* prog->nrules, sw_truth */
    /* the same truths as bits, prog->nrules / 64 + 1 words each (bit r & 63 of
     * word r / 64; the bits past the last rule are 0): the rules that fired (true)
     * and the undecided ones (unknown), for a consumer that wants those lists
     * without reading every truth */
    uint64_t *fired;
    uint64_t *undecided;
    int32_t today;        /* the assessment date, days since 1970-01-01 */
    uint8_t has_today;
    void *scratch;        /* the block holding values, truths and scratch */
    size_t scratch_size;
    sw_mem mem;           /* the allocator scratch came from (the program's) */
    uint8_t force_path;   /* tests: 1 every live step through the pass over the tests,
                             2 only the marked readers, 3 every step specialised to
                             the key value, 4 only the marked ones of those; 0 (the
                             default) the cheaper of 3 and 4 */
    uint32_t *known;      /* scratch: the base slots the client has */
} sw_eval;

/* An empty state that holds no memory yet. */
void sw_eval_init(sw_eval *ev);

/* Evaluates every step into ev, reusing the memory of ev's last evaluation (ev as
 * left by sw_eval_init, sw_eval_run or sw_eval_reuse, for any program): it
 * allocates only when this program needs more than ev holds, so a state reused
 * client after client allocates nothing. values and truth are valid until the
 * next evaluation into ev or sw_eval_free. One state per thread; the program is
 * only read. */
sw_status sw_eval_reuse(sw_eval *ev, const sw_program *p, const sw_facts *f);

/* sw_eval_init then sw_eval_reuse: allocates the state (free with sw_eval_free).
 * ev need not be initialised. */
sw_status sw_eval_run(sw_eval *ev, const sw_program *p, const sw_facts *f);
void sw_eval_free(sw_eval *ev);

/* The value of one expression node for this client. */
sw_value sw_eval_node(const sw_eval *ev, uint32_t node);

/* The truth of one fast node (program.h) for this client; the same as the truth
 * of the expression it was compiled from. */
sw_truth sw_eval_fast(const sw_eval *ev, uint32_t fast);

#endif
