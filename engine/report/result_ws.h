/*
 * result_ws.h - what the result builder's files share (result.c, result_gaps.c):
 * the workspace a result keeps between evaluations and the builder of one report.
 * Internal to report/; the public face is sw_result in stagewise.h.
 */
#ifndef SW_RESULT_WS_H
#define SW_RESULT_WS_H

#include <stdint.h>

#include "eval/eval.h"
#include "util/arena.h"
#include "util/buf.h"

/* One entry of a rule's skeleton (result_gaps.c): a test, or a junction or not
 * of earlier entries. */
typedef struct skel {
    uint8_t op;                /* SKEL_TEST, SKEL_AND, SKEL_OR, SKEL_NOT */
    uint8_t dated;             /* a test that reads the assessment date */
    uint32_t a, b;             /* junctions and not: entries, relative to the rule's first */
    uint32_t node;             /* a test: its expression node */
    uint32_t first, nbase, nderived;   /* a test: its facts in skel_leaves, base then derived */
} skel;

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
    sw_eval ev;                /* the evaluator's state, reused (sw_eval_reuse) */
    uint32_t *stamp;           /* nfacts + 1: the visit that last added this slot as a gap */
    uint32_t *visited;         /* nfacts: the visit that last explored this derived slot */
    uint32_t *count;           /* nfacts + 1: pairs per gap slot, zero between uses */
    uint32_t *pos;             /* nfacts + 1: where a gap slot's rules go / its gap */
    uint32_t *name_rank;       /* nfacts + 1: the slot's place in name order */
    uint64_t *touched;         /* nfacts + 1: gap slots seen, (name rank << 32 | slot) */
    uint32_t *by_name;         /* nfacts + 1: the gap slots in name order */
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
    uint32_t *rule_kinds;      /* nrules: bit k when it has an action giving an item of kind k */
    uint32_t nundecided;
    uint8_t *rule_flags;       /* nrules: RULE_MOVES, RULE_RISKS, RULE_RECOMMENDS */
    uint32_t fills;            /* evaluations into this workspace (vstamp) */
    uint32_t *vstamp;          /* nfacts: the evaluation vtext is for */
    const char **vtext;        /* nfacts: the slot's value as text */
    uint8_t *rule_severity;    /* nrules */
    uint8_t *rule_priority;    /* nrules */
    uint32_t *icount;          /* max items of a kind: reasons per item, zero between uses */
    int32_t *islot;            /* max items of a kind: where the item went */
    uint32_t *itouched;        /* max items of a kind: the items seen */
    sw_item *isorted;          /* max items of a kind: items being sorted */
    uint32_t ids_sorted;       /* bit k: kind k's catalogue is in id order */
    sw_fact_value **matched;   /* nrules, full results only; zero between uses */
    /* the data gaps (result_gaps.c): each rule's plan, worked out once */
    uint32_t *plan_first;      /* nrules + 1: the rule's slots in plan_slots */
    uint32_t *plan_slots;      /* base slots ascending, then derived ones */
    size_t cap_plan_slots;
    uint32_t *plan_nderived;   /* nrules: how many of its slots are derived */
    uint8_t *plan_kind;        /* nrules: PLAN_SIMPLE, PLAN_DATED, PLAN_DERIVED */
    uint32_t *rule_dmask;      /* nrules: what it could decide, as bits (result_gaps.c) */
    uint32_t *gmask;           /* nfacts + 1: the same or'ed over a gap's rules */
    const char **gap_fact;     /* nfacts + 1: a gap slot's name ("assessed_on" last) */
    const char **gap_label;    /* nfacts + 1: and its label */
    uint32_t *skel_first;      /* nrules: the rule's skeleton in skel, when skel_n */
    uint32_t *skel_n;          /* nrules: 0 for none (planned, or walked by gaps_of) */
    skel *skel;
    uint32_t *skel_leaves;
    uint8_t *tv;               /* the skeletons' truths, a stack */
    size_t ntv, cap_tv;
    sw_data_gap *gaps_out;     /* the report's gaps, kept */
    size_t cap_gaps_out;
    const char **rules_out;    /* their rules, kept */
    size_t cap_rules_out;
    sw_buf text;               /* a value's text, reused */
    sw_buf canon;              /* the facts' canonical form, reused */
} workspace;

#define RULE_MOVES 1u        /* has a move action */
#define RULE_RISKS 2u        /* flags a risk (rule_severity: the highest) */
#define RULE_RECOMMENDS 4u   /* recommends (rule_priority: the highest) */

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

/* The data gaps (result_gaps.c): sizes the gap tables for the workspace's
 * program once (0 when memory ran out), frees them, and builds rep->gaps from the
 * undecided rules of the evaluation. */
int sw_result_gaps_init(workspace *w, const sw_program *p);
void sw_result_gaps_free(workspace *w);
void sw_result_build_gaps(builder *b);

#endif
