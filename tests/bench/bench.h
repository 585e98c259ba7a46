/*
 * bench.h - shared parts of the benchmark (tests/bench/, docs/performance.md).
 *
 * The benchmark runs one workload three ways - Stagewise, CLIPS and generated C
 * if-statements - and checks that all three give the same outputs. This header
 * holds what they share: a deterministic PRNG, the rule-set and client
 * generators, and the outputs of one evaluation (the rules that fired and what
 * they recommend), collected the same way for every engine.
 */
#ifndef SW_BENCH_H
#define SW_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "compile/program.h"
#include "stagewise.h"

/* The seed of every generated rule set and client. */
#define BENCH_SEED 20261120u

/* ---- PRNG: splitmix64, so every run sees the same rules and clients ---- */

typedef struct bench_rng {
    uint64_t s;
} bench_rng;

uint64_t bench_rand(bench_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t bench_below(bench_rng *r, uint64_t n);

/* ---- generated rule sets ---- */

/* The shape of a generated rule set. Rules look like the shipped ones: most test
 * the stage and two or three facts (one-of, bool and int facts, with is, in, not,
 * comparisons, the odd `or` and `is missing`); a few set derived facts that
 * other rules read. */
typedef struct bench_shape {
    size_t nrules;
    size_t nfacts;   /* base facts besides the stage */
    uint64_t seed;
} bench_shape;

/* "wide": the schema grows with the rule set (nfacts = 20 + nrules / 2, so each
 * fact is tested by about six rules); "fixed": 200 facts whatever the size. */
bench_shape bench_shape_wide(size_t nrules, uint64_t seed);
bench_shape bench_shape_fixed(size_t nrules, uint64_t seed);

/* The rule set's text, appended to out: the schema, then the rules. A rule file
 * may hold at most 16 MiB, so the text is cut into files of BENCH_RULES_PER_FILE
 * rules: cuts[k] is where file k + 1 starts (at most maxcuts of them); returns the
 * number of cuts. */
#define BENCH_RULES_PER_FILE 10000
size_t bench_gen_rules(const bench_shape *shape, sw_buf *out, size_t *cuts, size_t maxcuts);

/* The generated rule set loaded (its files cut as above); SW_OK or the load's
 * status, with its diagnostics in diags. */
sw_status bench_gen_load(const bench_shape *shape, sw_ruleset **out, sw_diagnostics *diags,
                         double *seconds);

/* One client document as YAML: the stage (almost always) and `known` other base
 * facts chosen at random, with values drawn within their types; appended to out. */
void bench_gen_client(const sw_program *p, bench_rng *r, size_t known, size_t index,
                      sw_buf *out);

/* ---- outputs ---- */

/* What one evaluation produced: the rules whose condition was true, and from them
 * each item's level (0 absent, else 1 + the highest priority or severity asked
 * for) and the suggested stage (the earliest proposed, else the current one, -1
 * when neither). */
typedef struct bench_out {
    uint32_t nrules;
    uint64_t *fired;       /* bitset */
    uint8_t *level[4];     /* by sw_item_kind, one per item */
    uint32_t nitems[4];
    int32_t stage;
} bench_out;

int bench_out_init(bench_out *o, const sw_program *p);
void bench_out_free(bench_out *o);
void bench_out_clear(bench_out *o);
/* Fills levels and stage from the fired set. current: the client's stage or -1. */
void bench_out_collect(bench_out *o, const sw_program *p, int32_t current);
/* 1 when both hold the same outputs. */
int bench_out_equal(const bench_out *a, const bench_out *b);
/* A line naming the first difference, for the report. */
void bench_out_diff(const bench_out *a, const bench_out *b, const sw_program *p, sw_buf *out);

#define BENCH_FIRE(o, r) ((o)->fired[(r) >> 6] |= (uint64_t)1 << ((r) & 63))

/* ---- CLIPS (bench_clips.c) ---- */

typedef struct bench_clips bench_clips;

/* Translates the compiled program into CLIPS constructs and loads them into a new
 * environment. NULL with a message in err when a construct cannot be translated
 * or loaded. construct_text, when not NULL, receives the whole CLIPS program. */
bench_clips *bench_clips_new(const sw_program *p, sw_buf *err, sw_buf *construct_text);
/* One client: reset, assert its facts, run, collect the fired rules into o. */
int bench_clips_eval(bench_clips *c, const sw_facts *f, bench_out *o);
void bench_clips_free(bench_clips *c);

/* ---- generated C (bench_emit.c, used at build time by bench_emit_c) ---- */

/* Writes a C file with NAME_new(), NAME_load(client, facts),
 * NAME_eval(client, fired) and NAME_eval_gaps(client, fired, undecided, gaps) for
 * the program: if-statements over a struct, and for the second the data gaps as
 * the public outputs-only level reports them (engine/report/result_gaps.c), as
 * straight-line code per rule. */
void bench_emit_c(const sw_program *p, const char *name, sw_buf *out);
/* The most (slot, rule) pairs NAME_eval_gaps can give for one client. */
uint32_t bench_emit_max_pairs(const sw_program *p);

/* One (gap, rule) pair: the undecided rule waits on gap slot `slot` (a fact's
 * slot, or nfacts for the assessment date). */
typedef struct bench_gap_pair {
    uint32_t slot, rule;
} bench_gap_pair;

/* The data gaps of one evaluation by the generated C, and its scratch. Each call
 * of NAME_eval_gaps first zeroes the counts of the previous call (through
 * touched), then fills: count[slot] the undecided rules waiting on the slot (each
 * rule once per slot), touched[0 .. ntouched) the slots with a count, in the order
 * first met, pairs[0 .. npairs) every (slot, rule), undecided rules in rule
 * order. bench_gaps_init sizes it for the program and its generated C. */
typedef struct bench_gaps {
    uint32_t nslots;          /* nfacts + 1 */
    uint32_t *count;          /* nslots, zero between calls but for the last call's */
    uint32_t *touched;        /* nslots */
    uint32_t ntouched;
    bench_gap_pair *pairs;    /* max_pairs (the generated C's bound) */
    uint32_t npairs;
    uint32_t *mark, epoch;    /* nslots: a rule's slots, each once */
    uint32_t *dmark, depoch;  /* nslots: a derived fact's list, each slot once */
} bench_gaps;

int bench_gaps_init(bench_gaps *g, const sw_program *p, uint32_t max_pairs);
void bench_gaps_free(bench_gaps *g);

/* The clients hand-written C functions are called with. */
typedef struct bench_handc {
    const char *name;
    void *(*client_new)(void);
    void (*load)(void *client, const sw_facts *f);
    void (*eval)(const void *client, uint64_t *fired);
    /* fired and undecided: bitsets of nrules / 64 + 1 words, zeroed by the caller */
    void (*eval_gaps)(const void *client, uint64_t *fired, uint64_t *undecided, bench_gaps *gaps);
    uint32_t max_pairs;       /* the most (slot, rule) pairs one client can give */
} bench_handc;

/* Every generated function built in, ended by an entry whose name is NULL
 * (hc_registry.c, written at build time). */
extern const bench_handc bench_handcs[];

#endif
