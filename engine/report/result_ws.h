/*
 * result_ws.h - what the result builder's files share (result.c, result_gaps.c):
 * the workspace a result keeps between evaluations and the builder of one report.
 * Internal to report/; the public face is sw_result in stagewise.h.
 */
#ifndef SW_RESULT_WS_H
#define SW_RESULT_WS_H

#include <stdint.h>

#include "eval/eval.h"
#include "report/report_plan.h"
#include "util/arena.h"
#include "util/buf.h"

typedef struct gap_pair {
    uint32_t slot;             /* a fact slot, or nfacts for the assessment date */
    uint32_t rule;
} gap_pair;

/* The builder's scratch space, sized for the program once and kept by the result,
 * so that a result reused client after client allocates nothing once it has seen
 * its largest client. Per-slot and per-item arrays are left zeroed after each use
 * (only the entries touched are put back), stamps count up across evaluations. */
typedef struct workspace {
    sw_mem mem;                /* the rule set's allocator: every array below is from it */
    const sw_program *p;       /* NULL until first used */
    const sw_report_plan *plan;   /* p's, shared (report_plan.h) */
    sw_eval ev;                /* the evaluator's state, reused (sw_eval_reuse) */
    uint32_t *stamp;           /* nfacts + 1: the visit that last added this slot as a gap */
    uint32_t *visited;         /* nfacts: the visit that last explored this derived slot */
    uint32_t *count;           /* nfacts + 1: pairs per gap slot, zero between uses */
    uint32_t *pos;             /* nfacts + 1: where a gap slot's rules go / its gap */
    uint64_t *touched;         /* nfacts + 1: gap slots seen, (name rank << 32 | slot) */
    uint32_t *order;           /* nfacts + 1, twice: gaps being put in rank order */
    uint32_t *ncount;          /* nrules + 2, SW_RANK_BUCKETS + 1 at least: a counting
                                  sort's buckets, zero between uses */
    uint32_t ntouched;
    uint32_t epoch;            /* the current visit (one undecided rule) */
    /* what makes each derived fact unknown, worked out once per evaluation */
    uint32_t evals;            /* the current evaluation */
    uint32_t *dcached;         /* nfacts: the evaluation its list is for */
    uint32_t *dstart, *dlen;   /* nfacts: its gap slots, in pool */
    uint8_t *dbusy;            /* nfacts: being worked out */
    uint32_t *pool;
    size_t npool, cap_pool;
    uint32_t *ts;              /* the lists being worked out, a stack */
    size_t nts, cap_ts;
    uint32_t *cstamp;          /* nfacts + 1: the list that last took this slot */
    uint32_t cepoch;
    gap_pair *pairs;
    size_t npairs, cap_pairs;
    uint32_t *undecided;       /* nrules: the rules whose truth is unknown, ascending */
    uint32_t *fired;           /* nrules: the rules whose condition is true, ascending */
    uint32_t nundecided;
    uint32_t fills;            /* evaluations into this workspace (vstamp) */
    uint32_t *vstamp;          /* nfacts: the evaluation vtext is for */
    const char **vtext;        /* nfacts: the slot's value as text */
    uint32_t *icount;          /* max items of a kind: reasons per item, zero between uses */
    int32_t *islot;            /* max items of a kind: where the item went */
    uint32_t *itouched;        /* max items of a kind: the items seen */
    sw_item *isorted;          /* max items of a kind: items being sorted */
    sw_fact_value **matched;   /* nrules, full results only; zero between uses */
    /* the data gaps (result_gaps.c) */
    uint32_t *gmask;           /* nfacts + 1: what a gap's rules could decide (rule_dmask, or'ed) */
    uint8_t *tv;               /* the skeletons' truths, a stack */
    size_t ntv, cap_tv;
    sw_data_gap *gaps_out;     /* the report's gaps, kept */
    size_t cap_gaps_out;
    const char **rules_out;    /* their rules, kept */
    size_t cap_rules_out;
    sw_buf text;               /* a value's text, reused */
    sw_buf canon;              /* the facts' canonical form, reused */
} workspace;

/* The pseudo-slot for the assessment date in data gaps. */
#define GAP_ASSESSED_ON (UINT32_MAX - 1)

typedef struct builder {
    const sw_program *p;
    const sw_eval *ev;
    workspace *w;
    sw_arena *arena;
    sw_report *rep;
    sw_fact_value **matched;   /* per rule, built on first use */
    const uint32_t *fired;     /* the rules whose condition is true, ascending */
    uint32_t nfired;
    int failed;
    int full;                  /* SW_RESULT_FULL: reasons, citations, values */
    int provenance;            /* compute the facts' SHA-256 */
} builder;

/* The buckets the gaps' ranks may take in one counting sort (result_gaps.c). */
#define SW_RANK_BUCKETS 2048

/* An array from the report's arena, zeroed; NULL (b->failed set) when memory ran out. */
void *sw_result_alloc(builder *b, size_t n, size_t size);

/* An in-place heap sort (qsort may call malloc); keys must be unique. size is at
 * most sizeof(sw_item). */
void sw_result_heap_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* The data gaps (result_gaps.c): sizes the workspace's gap tables for its
 * program once (0 when memory ran out), frees them, and builds rep->gaps from the
 * undecided rules of the evaluation. */
int sw_result_gaps_init(workspace *w, const sw_program *p);
void sw_result_gaps_free(workspace *w);
void sw_result_build_gaps(builder *b);

#endif
