/*
 * scenario.h - scenario tests of a rule set: reading scenario files, running
 * them, comparing what each expects with what the rules say, and rendering the
 * run (docs/testing.md).
 *
 * A scenario file is a YAML stream, one scenario per document: a client's facts
 * and what the guidance must (and must not) conclude for that client. The reader
 * (scenario.c) turns each document into an sw_scenario whose facts are built with
 * the public setters, so a scenario's facts are checked exactly as a client's
 * are; every problem is a diagnostic with the file, line and column of its YAML
 * node. The runner (scenario_run.c) evaluates each scenario, compares every
 * expectation and records coverage of the guidance (coverage.h). The renderer
 * (scenario_report.c) lays the run out as text or JSON; the command prints it.
 *
 * Ownership: a scenario set owns its scenarios (names, facts, expectations) and
 * borrows the rule set, which must outlive it; a test run owns its failures and
 * borrows both the rule set and the scenarios it ran.
 */
#ifndef SW_SCENARIO_H
#define SW_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "authoring/coverage.h"
#include "compile/program.h"
#include "stagewise.h"

/* What one expectation checks; the key of `expect:` it came from in brackets.
 * First, two per output kind k (sw_item_kind, in the vocabulary's order), under
 * the kind's expect key (lang/vocab.h): SW_EXPECT_ITEM(k) (recommend: the
 * intervention is recommended; risks: the risk is flagged with exactly this
 * severity, as every kind whose items carry a severity) and SW_EXPECT_NOT_ITEM(k)
 * (not_recommend). */
#define SW_EXPECT_ITEM(k) (2 * (k))
#define SW_EXPECT_NOT_ITEM(k) (2 * (k) + 1)
/* The output kind of an item expectation, or -1. */
#define SW_EXPECT_ITEM_KIND(e) ((e) < 2 * SW_ITEM__COUNT ? (int)(e) / 2 : -1)
typedef enum sw_expect_kind {
    SW_EXPECT_STAGE_CURRENT = 2 * SW_ITEM__COUNT,   /* stage.current (target SW_NONE: unknown) */
    SW_EXPECT_STAGE_SUGGESTED, /* stage.suggested (target SW_NONE: unknown) */
    SW_EXPECT_STAGE_DIRECTION, /* stage.direction (target: sw_direction) */
    SW_EXPECT_GAP,             /* gaps: the fact is a data gap */
    SW_EXPECT_NOT_GAP,         /* not_gaps */
    SW_EXPECT_FIRED,           /* fired: the rule's condition is true */
    SW_EXPECT_NOT_FIRED,       /* not_fired: it is false or undecided */
    SW_EXPECT_UNDECIDED,       /* undecided: it is unknown for want of data */
    SW_EXPECT__COUNT
} sw_expect_kind;

/* The slot a gap expectation names when it names the assessment date. */
#define SW_SCENARIO_ASSESSED_ON (UINT32_MAX - 1)

typedef struct sw_expectation {
    uint8_t kind;        /* sw_expect_kind */
    uint8_t severity;    /* SW_EXPECT_RISK: sw_risk_severity */
    uint32_t target;     /* item index, rule index, stage index, fact slot or direction */
    const char *name;    /* the id as written: "risk_assessment", "stay" */
    unsigned line, column;   /* of the value in the scenario file, 1-based */
} sw_expectation;

typedef struct sw_scenario {
    const char *name;
    const char *description;   /* or NULL */
    const char *file;
    unsigned line;             /* where the document's mapping starts */
    sw_facts *facts;
    sw_expectation *expects;   /* in the order written */
    uint32_t nexpects;
} sw_scenario;

/* Every scenario read so far, from any number of files, in reading order. */
typedef struct sw_scenario_set {
    const sw_ruleset *rules;
    sw_arena arena;
    sw_scenario *items;
    size_t count, cap;
    size_t rejected;   /* scenario documents refused because of errors */
} sw_scenario_set;

void sw_scenario_set_init(sw_scenario_set *set, const sw_ruleset *rules);
void sw_scenario_set_free(sw_scenario_set *set);

/* Reads the scenario file `file` (data[0..len), a YAML stream) into set. Each
 * problem is appended to diags; a document with an error is not added (counted in
 * set->rejected) and reading goes on with the next, except after a YAML syntax
 * error, which ends the file. Returns SW_OK when the file had no errors (it may
 * have warnings), SW_ERR_FACTS when it had some, SW_ERR_NOMEM. */
sw_status sw_scenario_read(sw_scenario_set *set, const char *file, const char *data, size_t len,
                           sw_diagnostics *diags);

/* The `expect:` key of a kind ("recommend", "stage.current"). */
const char *sw_expect_key(sw_expect_kind kind);

/* ---- running and comparing (scenario_run.c) ---- */

/* A rule that bears on a failed expectation. */
typedef struct sw_involved {
    const char *rule;
    uint8_t truth;       /* sw_truth (eval.h): 0 false, 1 true, 2 undecided */
    const char *note;    /* "missing phq9", "moves to persuasion", "critical", or NULL */
} sw_involved;

/* One expectation that did not hold: "expected EXPECTED, got GOT", then the rules
 * involved under a label ("could be recommended by"), or `none` when there are no
 * such rules. */
typedef struct sw_failure {
    const sw_expectation *expect;
    const char *expected;
    const char *got;
    const char *label;        /* NULL: no rules line */
    const char *none;         /* said instead of the list when it is empty */
    int show_truth;           /* the list tells each rule's truth */
    sw_involved *rules;
    uint32_t nrules;
} sw_failure;

typedef struct sw_scenario_result {
    const sw_scenario *scenario;
    int passed;
    sw_failure *failures;
    uint32_t nfailures;
} sw_scenario_result;

typedef struct sw_test_run {
    const sw_ruleset *rules;
    sw_arena arena;
    sw_scenario_result *results;
    size_t count, cap;
    size_t passed, failed, not_run;
    sw_coverage coverage;
} sw_test_run;

sw_status sw_test_run_init(sw_test_run *run, const sw_ruleset *rules);
void sw_test_run_free(sw_test_run *run);

/* Evaluates one scenario, compares its expectations, records coverage and adds
 * its result to run->results. SW_OK or SW_ERR_NOMEM. */
sw_status sw_test_run_scenario(sw_test_run *run, const sw_scenario *scenario);

/* ---- rendering (scenario_report.c) ---- */

/* What the rendering shows. */
typedef struct sw_test_render {
    int quiet;                         /* failures and the summary only */
    const sw_coverage_minimum *minimum;   /* thresholds, or NULL */
} sw_test_render;

/* The run as text: each failure ("file:line: scenario NAME: expected X, got Y"
 * and the rules involved), the summary line "N passed, M failed", then (unless
 * quiet) the coverage report, then a line per threshold not met. */
sw_status sw_test_render_text(const sw_test_run *run, const sw_test_render *opts, sw_buf *out);
/* The same as one pretty-printed JSON object, ending with a newline. */
sw_status sw_test_render_json(const sw_test_run *run, const sw_test_render *opts, sw_buf *out);

/* The statement table of `stagewise coverage`: one row per statement, with the
 * rules that cite it, its excuse, or NOT ENCODED, then a summary line. */
sw_status sw_statement_render_text(const sw_statement_table *table, sw_buf *out);
sw_status sw_statement_render_json(const sw_statement_table *table, sw_buf *out);

#endif
