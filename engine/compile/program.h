/*
 * program.h - the compiled rule set: what the evaluator runs.
 *
 * The compiler turns the checked model into this immutable structure. Facts live
 * in slots (base facts first, then derived facts); expressions are a flat array of
 * typed nodes that refer to slots and constants by index, so evaluation never looks
 * a name up. Everything here is owned by the rule set's arena and never changes
 * after compilation, which is what lets many threads share one rule set.
 */
#ifndef SW_PROGRAM_H
#define SW_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "stagewise.h"
#include "util/arena.h"
#include "lang/vocab.h"


typedef struct sw_fact_def {
    const char *name;
    const char *label;
    sw_type type;
    uint32_t slot;          /* index into the values array */
    uint8_t derived;
    uint8_t has_default;    /* derived facts: default when no setter rule can fire */
    sw_value deflt;
    const char *file;
    unsigned line;
    uint32_t group;         /* base facts: the facts block (1-based, within file) */
    const char *group_title;    /* its heading comment, or NULL */
    uint32_t *setters;      /* derived: rules that set it, sorted by rule index */
    uint32_t nsetters;
} sw_fact_def;

/* ---- provenance: sources, statements, citations ---- */

typedef struct sw_statement_def {
    const char *id;         /* local identifier within the source */
    const char *section;
    const char *text;
    const char *excused;    /* reason no rule encodes it, or NULL */
} sw_statement_def;

typedef struct sw_source_def {
    const char *id;
    const char *title;
    const char *file;       /* the document's file name, or NULL */
    sw_statement_def *statements;
    uint32_t nstatements;
} sw_source_def;

/* ---- the catalogue: interventions, practices, challenges, risks ---- */


typedef struct sw_item_def {
    const char *id;
    const char *label;
    const char *kind;            /* intervention kind, or NULL */
    uint8_t severity;            /* risks: default sw_risk_severity */
    sw_citation *citations;
    uint32_t ncitations;
} sw_item_def;

/* ---- expressions ---- */


/* One expression node. Children are earlier nodes (a, b). */
typedef struct sw_node {
    uint8_t op;             /* sw_opcode */
    uint8_t type;           /* sw_type_kind of the result */
    uint8_t numeric;        /* comparisons and arithmetic: operands are numbers (double) */
    uint32_t a, b;          /* child nodes, or slot for LOAD */
    uint32_t list, nlist;   /* IN: constants in program->consts */
    sw_value imm;           /* CONST value; CONTAINS mask in imm.u.bits */
    uint32_t src_off, src_len;  /* the expression's text in its file, for explain */
} sw_node;

/* ---- rules and actions ---- */


typedef struct sw_action {
    uint8_t kind;           /* sw_action_kind */
    uint8_t priority;       /* recommend: sw_priority */
    uint8_t severity;       /* risk: sw_risk_severity */
    uint32_t target;        /* item index, stage index, or derived fact slot */
    uint32_t value;         /* set: expression node */
    const char *because;    /* or NULL */
} sw_action;

typedef enum sw_rule_status {
    SW_STATUS_DRAFT, SW_STATUS_TESTING, SW_STATUS_PRODUCTION, SW_STATUS_RETIRED
} sw_rule_status;

typedef struct sw_allow_def {
    const char *code;       /* lint finding code, e.g. "L003" */
    const char *reason;
} sw_allow_def;

typedef struct sw_rule_def {
    const char *id;
    const char *title;
    const char *file;
    unsigned line;
    uint8_t priority;       /* sw_priority */
    uint32_t cond;          /* root expression node */
    sw_citation *citations;
    uint32_t ncitations;
    sw_action *actions;
    uint32_t nactions;
    uint32_t *reads;        /* slots its condition reads, ascending */
    uint32_t nreads;
    uint8_t reads_assessed_on;  /* uses days/weeks since */
    /* the rule as written, for explanations: nodes' src_off - text_off indexes text */
    const char *text;
    uint32_t text_off;
    /* maintenance metadata (as Arden Syntax's maintenance slots) */
    uint8_t status;         /* sw_rule_status; draft when not given */
    const char *author, *reviewer, *version;   /* or NULL */
    int32_t reviewed;       /* days since 1970-01-01 */
    uint8_t has_reviewed;
    sw_allow_def *allows;
    uint32_t nallows;
} sw_rule_def;

/* The evaluation schedule: rules and derived-fact finalisations in dependency order. */
typedef struct sw_step {
    uint8_t finalize;       /* 0: evaluate rule `index`; 1: finalise derived slot `index` */
    uint32_t index;
} sw_step;

/* ---- the evaluator's fast form and index (compile.c builds them) ----
 *
 * Each rule's condition is also compiled into fast nodes: `not` pushed down to the
 * tests, nested `and`/`or` flattened into lists, and a comparison of a fact with a
 * constant fused into one test. Identical fast nodes are stored once
 * (hash-consing), so a test shared by many rules is one node. The evaluator
 * (eval.c) computes rule truths from these; sw_eval_node still walks the nodes
 * above, which stay as written for explanations. */
#define SW_FAST_OPS(OP)                                                            \
    OP(NODE,   "the truth of expression node k.node (anything not fused below)")   \
    OP(AND,    "Kleene and of kids[first .. first + n)")                          \
    OP(OR,     "Kleene or of kids[first .. first + n)")                           \
    OP(INT,    "slot (bool, int, date) lies in k.i.lo .. k.i.hi")                 \
    OP(NUM,    "slot (number, or int when as_number) lies in k.n.lo .. k.n.hi")   \
    OP(MEMBER, "slot (one of, stage) is a member in mask k.mask")                 \
    OP(ALL,    "slot (set) has every member in mask k.mask")                      \
    OP(ANY,    "slot (set) has a member in mask k.mask")                          \
    OP(KNOWN,  "slot is known (never unknown)")

typedef enum sw_fast_op {
#define SW_FAST_ENUM(name, doc) SW_FAST_##name,
    SW_FAST_OPS(SW_FAST_ENUM)
#undef SW_FAST_ENUM
    SW_FAST__COUNT
} sw_fast_op;

/* One fast node. A comparison becomes a range (x < 5 is x in INT64_MIN .. 4,
 * x is not 3 is the negation of 3 .. 3), so a test is two compares. */
typedef struct sw_fast {
    uint8_t op;           /* sw_fast_op */
    uint8_t neg;          /* tests and NODE: the truth is negated (unknown stays unknown) */
    uint8_t as_number;    /* NUM: the slot holds an int */
    uint32_t slot;        /* tests: the slot read */
    uint32_t first, n;    /* AND, OR: children in program->fast_kids */
    union {
        struct { int64_t lo, hi; } i;
        struct { double lo, hi; } n;
        uint64_t mask;
        uint32_t node;
    } k;
} sw_fast;

/* One test of one fact, as in sw_fast (op INT .. KNOWN), packed for the code
 * of sw_index. */
typedef struct sw_test {
    uint8_t op;           /* sw_fast_op, INT .. KNOWN */
    uint8_t neg;
    uint8_t as_number;
    uint8_t end;          /* spec_code: the last test of its group */
    uint32_t slot;
    union {
        struct { int64_t lo, hi; } i;
        struct { double lo, hi; } n;
        uint64_t mask;
    } k;
} sw_test;

/* The index: the key is the one fact most rules discriminate on (the stage). For
 * each value of the key (and unknown, the last), key_truth holds every rule's truth
 * when only the key is known; a rule whose condition cannot change from that
 * truth as other facts become known (a false `stage is X` conjunct, say) has bit
 * `value` set in key_decided. Per client, the evaluator starts from the key's row
 * and evaluates only the rules that read a known fact (readers, by step position)
 * and are not decided, the finalisation steps, and the rules reading the
 * assessment date - or, when the client has so many facts that this would touch
 * more rules, every step of the key value's live list. */
#define SW_LIVE_FINALIZE 0x80000000u

typedef struct sw_index {
    uint32_t key_slot;        /* SW_NONE when there is no key */
    uint32_t nkeys;           /* key values + 1 (unknown); 1 without a key */
    uint8_t *key_truth;       /* nkeys rows of nrules sw_truth */
    uint32_t *key_decided;    /* per rule */
    uint32_t *readers_first;  /* nkeys * nfacts + 1 entries, into readers: key value
                                 u's readers of slot s are readers[readers_first[u *
                                 nfacts + s] .. readers_first[u * nfacts + s + 1]) */
    uint32_t *readers;        /* step positions of the rules reading each slot that
                                 the key value does not decide, ascending */
    uint32_t *always;         /* step positions of finalisations */
    uint32_t nalways;
    uint32_t *dated;          /* step positions of rules reading the assessment date */
    uint32_t ndated;
    uint32_t *live_first;     /* per key value, nkeys + 1 entries, into live */
    uint32_t *live;           /* the steps the key value does not decide, in order:
                                 a rule index, or SW_LIVE_FINALIZE | derived slot */
    /* per key value, the fast nodes its live rules need that read no derived fact,
     * laid out as fast_order (tests grouped by op, then lists and expressions,
     * children first): key u's group g (INT .. KNOWN, then SW_FAST__COUNT for the
     * rest) is need[need_group[u * SW_NEED_GROUPS + g - SW_FAST_INT] ..
     * need_group[u * SW_NEED_GROUPS + g - SW_FAST_INT + 1]) */
    uint32_t *need_group;     /* nkeys * SW_NEED_GROUPS + 1 entries */
    uint32_t *need;
    /* each rule whose condition is one test or one and/or of tests, as its tests
     * in one contiguous run of code (rules in schedule order, so a pass over the
     * marked rules reads forward): rule r's tests are code[code_first[r] ..
     * code_first[r] + (code_n[r] & ~SW_CODE_OR)), an or when SW_CODE_OR is set;
     * code_first[r] is SW_NONE for any other condition (the fast form then) */
    uint32_t *code_first;
    uint32_t *code_n;
    sw_test *code;
    /* the rules specialised per key value (eval/spec.c): for key value u, its
     * steps spec[spec_first[u] .. spec_first[u + 1]) in schedule order, each rule
     * with its condition's tests of the key replaced by their truth for u and
     * simplified (a rule that then cannot depend on anything else is left out:
     * its truth is the row's), so most rules are a few packed tests */
    uint32_t *spec_first;     /* nkeys + 1 entries */
    struct sw_spec_step *spec;
    sw_test *spec_code;
    uint32_t *spec_cost;      /* per key value: the cost of evaluating all its steps
                                 (one unit per step and per test) */
    uint8_t *spec_pass;       /* per key value: evaluating all its steps is cheaper
                                 through the pass over the needed tests (need) */
    /* per key value u and slot s, the positions (from spec_first[u], ascending) of
     * u's rule steps reading s other than the key, and their cost (as spec_cost) */
    uint32_t *sreaders_first; /* nkeys * nfacts + 1 entries */
    uint32_t *sreaders;
    uint32_t *sread_cost;     /* nkeys * nfacts */
    uint32_t *sfinal_first;   /* nkeys + 1 entries: u's finalisation positions */
    uint32_t *sfinal;
    uint32_t *sdated_first;   /* nkeys + 1 entries: u's rules reading the date */
    uint32_t *sdated;
} sw_index;

#define SW_CODE_OR 0x80000000u

/* One step of a key value's specialised list (sw_index.spec): n is its kind
 * (sw_spec_kind) << SW_SPEC_KIND_SHIFT | its tests' count. A rule's residual
 * condition is spec_code[first .. first + (n & SW_SPEC_COUNT)): an and (or) of
 * single tests, or an and of groups (an or of groups), each group an or (an
 * and) of tests ending at a test with `end` set. A rule of another shape keeps
 * its fast form (SW_SPEC_FAST: evaluated as written, key tests and all; first is
 * SW_NONE). */
typedef enum sw_spec_kind {
    SW_SPEC_FINALIZE, SW_SPEC_FAST, SW_SPEC_AND1, SW_SPEC_OR1, SW_SPEC_AND, SW_SPEC_OR
} sw_spec_kind;
#define SW_SPEC_KIND_SHIFT 29
#define SW_SPEC_COUNT 0x1fffffffu
typedef struct sw_spec_step {
    uint32_t what;            /* rule index, or SW_LIVE_FINALIZE | derived slot */
    uint32_t first;
    uint32_t n;
} sw_spec_step;

#define SW_NEED_GROUPS (SW_FAST__COUNT - SW_FAST_INT + 1)

typedef struct sw_program {
    sw_arena arena;
    sw_ruleset_info info;
    const char *guideline, *title, *version;
    char sha256[65];

    sw_enum *enums;            uint32_t nenums;
    uint32_t stage_enum;       /* SW_NONE when no stages are declared */
    const char **stage_titles; const char **stage_goals;
    uint32_t stage_slot;       /* slot of the fact named "stage", or SW_NONE */

    sw_fact_def *facts;        uint32_t nfacts;   /* base facts then derived, by slot */
    uint32_t nbase;            /* slots [0, nbase) are base facts */
    uint32_t *facts_by_name;   /* indexes into facts, sorted by name */

    sw_source_def *sources;    uint32_t nsources;
    sw_item_def *items[SW_ITEM__COUNT];     uint32_t nitems[SW_ITEM__COUNT];   /* by sw_item_kind */

    sw_node *nodes;            uint32_t nnodes;
    sw_value *consts;          uint32_t nconsts;
    sw_rule_def *rules;        uint32_t nrules;
    sw_fhir_source *fhir;      uint32_t nfhir;    /* where facts come from in FHIR, by slot */
    sw_step *steps;            uint32_t nsteps;

    sw_fast *fast;             uint32_t nfast;
    uint32_t *fast_kids;       uint32_t nfast_kids;
    uint32_t *rule_fast;       /* per rule: the fast node of its condition */
    uint8_t *fast_derived;     /* per fast node: reads a derived fact */
    uint8_t *fast_nonmono;     /* per fast node: reads `is known`/`is missing` (index.c) */
    /* the fast nodes that read no derived fact, in the order a client's pass
     * computes them all (eval.c): tests grouped by op, op k's in
     * fast_order[fast_group[k] .. fast_group[k + 1]), then the lists and
     * expressions, children before parents, up to nfast_order */
    uint32_t *fast_order;      uint32_t nfast_order;
    uint32_t fast_group[SW_FAST__COUNT + 1];
    sw_index index;
    /* what the result builder reads of the program for every client: rules' data-gap
     * plans, what each could decide (report/report_plan.h); built after the index */
    const struct sw_report_plan *report_plan;
} sw_program;

struct sw_ruleset {
    sw_program prog;
    _Atomic unsigned long refs;   /* sw_ruleset_retain / sw_ruleset_free; 1 when loaded */
};

/* The fact definition with this name, or NULL (binary search). */
const sw_fact_def *sw_program_fact(const sw_program *p, const char *name, size_t len);

#endif
