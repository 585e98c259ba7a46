/*
 * coverage.h - coverage of the guidance: what scenario tests exercised, and which
 * statements of the guidance the rules encode.
 *
 * Coverage is measured on the guidance, not on lines of C (docs/testing.md):
 *   rules        each rule fired in some scenario (or was only ever undecided, or
 *                never fired);
 *   conditions   each boolean node of each rule's condition (the whole condition,
 *                every operand of and/or/not, every comparison and test) seen true,
 *                false and unknown, counting only the outcomes it can have;
 *   transitions  each move from a current stage to a suggested one (stay, forward,
 *                back) that the move rules make possible, seen in some scenario;
 *   statements   each statement of the sources that is not excused, covered by a
 *                passing scenario in which a rule citing it fired.
 * The accumulator is filled one evaluated scenario at a time (sw_coverage_record)
 * and read when the run is over. The statement table is the static side: for each
 * statement, the rules that cite it, its excuse, or nothing. A statement is
 * encoded only by a rule whose condition tests more than the stage: one cited
 * only by rules whose whole condition is the stage (`stage is engagement`) is
 * "cited, not encoded" unless it is excused.
 */
#ifndef SW_COVERAGE_H
#define SW_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "eval/eval.h"
#include "compile/program.h"
#include "stagewise.h"

/* The metrics, in the order they are reported. */
typedef enum sw_coverage_kind {
    SW_COV_RULES, SW_COV_CONDITIONS, SW_COV_TRANSITIONS, SW_COV_STATEMENTS, SW_COV__COUNT
} sw_coverage_kind;

typedef struct sw_coverage_metric {
    size_t covered, total;
} sw_coverage_metric;

/* Outcomes a boolean node can have and has been seen with: bits of these. */
enum { SW_SEEN_TRUE = 1, SW_SEEN_FALSE = 2, SW_SEEN_UNKNOWN = 4 };

typedef struct sw_coverage {
    const sw_program *prog;
    sw_arena arena;
    size_t scenarios;          /* scenarios recorded */
    size_t passing;            /* of which passed */
    uint32_t *fired;           /* per rule: scenarios in which it was true */
    uint32_t *undecided;       /* per rule: ... unknown */
    /* boolean nodes of each rule's condition: rule r owns [cond_first[r], cond_first[r+1]) */
    uint32_t *cond_first;
    uint32_t *cond_node;
    uint8_t *cond_possible;    /* SW_SEEN_* bits it can have */
    uint8_t *cond_seen;        /* SW_SEEN_* bits seen */
    uint32_t ncond;
    /* transitions: [from * nstages + to] */
    uint32_t nstages;
    uint8_t *trans_possible;
    uint32_t *trans_seen;      /* scenarios */
    /* statements, flattened: source j owns [stmt_first[j], stmt_first[j+1]) */
    uint32_t *stmt_first;
    uint32_t nstatements;
    uint32_t *stmt_covered;    /* passing scenarios in which a citing rule fired */
    uint32_t *stmt_stamp;      /* the passing scenario that last counted it */
    /* the statements each rule cites: rule r owns [cite_first[r], cite_first[r+1]) */
    uint32_t *cite_first;
    uint32_t *cite_stmt;
} sw_coverage;

sw_status sw_coverage_init(sw_coverage *c, const sw_program *p);
void sw_coverage_free(sw_coverage *c);

/* Adds one evaluated scenario: its evaluation state, its report, and whether every
 * expectation of it held. */
void sw_coverage_record(sw_coverage *c, const sw_eval *ev, const sw_report *rep, int passed);

sw_coverage_metric sw_coverage_metric_of(const sw_coverage *c, sw_coverage_kind kind);
/* Rule r's condition outcomes: seen (returned) and possible (*possible). */
uint32_t sw_coverage_rule_outcomes(const sw_coverage *c, uint32_t r, uint32_t *possible);
/* The flattened index of a statement, or SW_NONE. */
uint32_t sw_coverage_statement_index(const sw_program *p, const uint32_t *stmt_first,
                                     const char *source, const char *statement);

/* ---- thresholds (--min-coverage) ---- */

/* "rules", "conditions", "transitions", "statements". */
const char *sw_coverage_kind_name(sw_coverage_kind kind);

/* sw_coverage_minimum and its init and parse are public (stagewise.h). */
/* Whether m reaches percent (a metric with nothing to cover always does). */
int sw_coverage_meets(sw_coverage_metric m, int percent);

/* ---- the statement table (`stagewise coverage`) ---- */

typedef struct sw_statement_row {
    const sw_source_def *source;
    const sw_statement_def *statement;
    const char **rules;        /* ids of the rules citing it, in rule order */
    uint8_t *stage_only;       /* per rule above: its condition tests nothing but the stage */
    uint32_t nrules;
    uint32_t nencoding;        /* of them, rules whose condition tests more than the stage */
} sw_statement_row;

typedef struct sw_statement_table {
    const sw_program *prog;
    sw_arena arena;
    sw_statement_row *rows;    /* by source id, then statement id */
    size_t count;
    size_t encoded;            /* cited by a rule whose condition tests more than the stage */
    size_t cited_only;         /* cited only by rules whose whole condition is the stage, not
                                  excused: CITED, NOT ENCODED */
    size_t excused;            /* not encoded, excused */
    size_t missing;            /* neither cited nor excused: NOT ENCODED */
} sw_statement_table;

sw_status sw_statement_table_build(sw_statement_table *t, const sw_program *p);
void sw_statement_table_free(sw_statement_table *t);

#endif
