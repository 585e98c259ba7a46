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
} sw_eval;

/* Allocates the state (free with sw_eval_free) and evaluates every step. */
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
