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
    int32_t today;        /* the assessment date, days since 1970-01-01 */
    uint8_t has_today;
    void *scratch;        /* the block holding values, truths and scratch */
    size_t scratch_size;
    sw_mem mem;           /* the allocator scratch came from (the program's) */
    uint8_t force_path;   /* tests: 1 every live step through the pass over the tests,
                             2 only the marked readers; 0 (the default) the cheaper */
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
/* The same in memory the caller owns (sw_eval_block_size bytes, suitably aligned,
 * as from malloc), so that a caller evaluating client after client allocates
 * nothing; never SW_ERR_NOMEM, and the state is not given to sw_eval_free. */
size_t sw_eval_block_size(const sw_program *p);
sw_status sw_eval_run_in(sw_eval *ev, const sw_program *p, const sw_facts *f, void *block);

/* The value of one expression node for this client. */
sw_value sw_eval_node(const sw_eval *ev, uint32_t node);

/* The truth of one fast node (program.h) for this client; the same as the truth
 * of the expression it was compiled from. */
sw_truth sw_eval_fast(const sw_eval *ev, uint32_t fast);

#endif
