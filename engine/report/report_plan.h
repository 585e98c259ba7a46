/*
 * report_plan.h - what the result builder needs of a rule set that is the same
 * for every client: each rule's data-gap plan or skeleton (result_gaps.c walks
 * them), what each rule could decide and which item kinds it gives, and the gap
 * slots' names in name order. Built once, when the rule set is loaded
 * (sw_report_plan_build), in the program's arena, and only read after that, so
 * the results of many threads share it and a new result costs no planning.
 */
#ifndef SW_REPORT_PLAN_H
#define SW_REPORT_PLAN_H

#include <stdint.h>

#include "compile/program.h"

/* A rule's plan (plan_kind): its condition's missing facts are the unknown ones
 * among its plan slots (base slots, then plan_nderived derived ones), and the
 * assessment date when it reads it and there is none. */
#define PLAN_SIMPLE 1u
#define PLAN_DATED 2u
#define PLAN_DERIVED 4u

#define SKEL_TEST 0
#define SKEL_AND 1
#define SKEL_OR 2
#define SKEL_NOT 3

/* One entry of a rule's skeleton: a test, or a junction or not of earlier entries. */
typedef struct skel {
    uint8_t op;                /* SKEL_TEST, SKEL_AND, SKEL_OR, SKEL_NOT */
    uint8_t dated;             /* a test that reads the assessment date */
    uint32_t a, b;             /* junctions and not: entries, relative to the rule's first */
    uint32_t node;             /* a test: its expression node */
    uint32_t first, nbase, nderived;   /* a test: its facts in skel_leaves, base then derived */
} skel;

#define RULE_MOVES 1u        /* has a move action */
#define RULE_RISKS 2u        /* flags a risk (rule_severity: the highest) */
#define RULE_RECOMMENDS 4u   /* recommends (rule_priority: the highest) */

/* What a rule could decide, as a gap carries it (rule_dmask): bit 1 + severity
 * (bit 0: no risk), bit 8 + 1 + priority (bit 8: no recommendation), DECIDES_MOVE. */
#define DECIDES_MOVE (1u << 16)

struct sw_report_plan {
    /* per rule (nrules) */
    const uint32_t *plan_first;    /* nrules + 1: the rule's slots in plan_slots */
    const uint32_t *plan_slots;    /* base slots ascending, then derived ones */
    const uint32_t *plan_nderived; /* how many of its slots are derived */
    const uint8_t *plan_kind;      /* PLAN_SIMPLE, PLAN_DATED, PLAN_DERIVED; 0: not planned */
    const uint32_t *skel_first;    /* the rule's skeleton in skel, when skel_n */
    const uint32_t *skel_n;        /* 0 for none (planned, or walked by gaps_of) */
    const skel *skel;
    const uint32_t *skel_leaves;
    const uint32_t *rule_dmask;    /* what it could decide (DECIDES_MOVE above) */
    const uint8_t *rule_flags;     /* RULE_MOVES, RULE_RISKS, RULE_RECOMMENDS */
    const uint8_t *rule_severity;  /* the highest severity it could raise */
    const uint8_t *rule_priority;  /* the highest priority it could recommend */
    const uint32_t *rule_kinds;    /* bit k when it has an action giving an item of kind k */
    /* per gap slot (nfacts + 1, the assessment date last) */
    const char *const *gap_fact;   /* its name ("assessed_on" last) */
    const char *const *gap_label;  /* and its label */
    const uint32_t *name_rank;     /* its place in name order, the date among the facts */
    const uint32_t *by_name;       /* the gap slots in name order */
    uint32_t ids_sorted;           /* bit k: kind k's catalogue is in id order (strcmp's) */
};
typedef struct sw_report_plan sw_report_plan;

/* Builds p->report_plan (SW_OK, or SW_ERR_NOMEM with p unchanged but for arena use). */
sw_status sw_report_plan_build(sw_program *p);

#endif
