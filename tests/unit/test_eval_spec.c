/*
 * test_eval_spec.c - the evaluator's paths agree with the node evaluator on random
 * rule sets that test the stage.
 *
 * test_truth_property.c checks one condition at a time with the stage fixed; this
 * test generates whole rule sets whose conditions mix tests of the stage (`is`,
 * `is not`, `in`, `>=`, `is known`) with tests of every other type, nested
 * and/or/not, derived facts set by other rules (so finalisation and the marks it
 * adds are exercised) and `days since`, and clients whose stage, facts and
 * assessment date are each known or missing at random. Each client is evaluated
 * into one reused state through every path of sw_eval_reuse (force_path 1 to 4
 * and the default), and for each: every rule's truth equals its condition
 * evaluated node by node (sw_eval_node) over the evaluation's final values, every
 * derived value equals that of the first path, and the fired and undecided bits
 * are exactly the true and unknown truths.
 *
 * The generator is a fixed-seed xorshift, so a failure is reproducible; the test
 * prints the rule set and the path that disagree.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rules_fixture.h"
#include "test_rng.h"
#include "compile/program.h"
#include "eval/eval.h"
#include "lang/truth.h"

static const char *const stages[] = {"engagement", "persuasion", "active_treatment", "relapse_prevention"};
static const char *const housing[] = {"stable", "temporary", "rough_sleeping"};
static const char *const substances[] = {"opioids", "alcohol", "crack"};

typedef struct text {
    char s[8192];
    size_t n;
} text;

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->s + t->n, sizeof t->s - t->n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof t->s - t->n);
    t->n += (size_t)k;
}

/* One test; reads_derived: the rule may read the derived facts. */
static void atom(rng *r, text *t, int reads_derived)
{
    switch (below(r, reads_derived ? 14 : 12)) {
    case 0: case 1: put(t, "stage is %s", stages[below(r, 4)]); break;
    case 2: put(t, "stage in { %s, %s }", stages[below(r, 2)], stages[2 + below(r, 2)]); break;
    case 3: put(t, below(r, 2) ? "stage is not %s" : "stage >= %s", stages[below(r, 4)]); break;
    case 4: put(t, "%s is %s", below(r, 3) ? "injecting" : "stage", below(r, 2) ? "known" : "missing"); break;
    case 5: put(t, "phq9 %s %u", below(r, 2) ? ">=" : "<", below(r, 28)); break;
    case 6: put(t, "bmi > %u.5", 15 + below(r, 20)); break;
    case 7: put(t, "housing %s %s", below(r, 2) ? "is" : "is not", housing[below(r, 3)]); break;
    case 8: put(t, "substances contains %s", substances[below(r, 3)]); break;
    case 9: put(t, "substances contains any { %s, %s }", substances[below(r, 2)], substances[2]); break;
    case 10: put(t, "%s is %s", below(r, 2) ? "phq9" : "housing", below(r, 2) ? "known" : "missing"); break;
    case 11: put(t, "days since released_on < %u", 1 + below(r, 60)); break;
    case 12: put(t, "at_risk"); break;
    default: put(t, "level >= %u", 1 + below(r, 2)); break;
    }
}

static void condition(rng *r, text *t, unsigned depth, int reads_derived)
{
    uint32_t pick = depth ? below(r, 10) : 0;
    if (pick < 3) {
        atom(r, t, reads_derived);
    } else if (pick < 4) {
        put(t, "not (");
        condition(r, t, depth - 1, reads_derived);
        put(t, ")");
    } else {
        /* mostly the rule set's shape: the stage, and two or three more */
        unsigned n = 2 + below(r, 3);
        const char *op = pick < 8 ? " and " : " or ";
        put(t, "(");
        for (unsigned k = 0; k < n; k++) {
            if (k)
                put(t, "%s", op);
            condition(r, t, depth - 1, reads_derived);
        }
        put(t, ")");
    }
}

enum { NRULES = 14, NSETS = 300, NCLIENTS = 40 };

static void rule_set(rng *r, text *t)
{
    t->n = 0;
    put(t, "%s", FIXTURE_HEADER);
    put(t, "derived at_risk: bool \"At risk\"\n");
    put(t, "derived level: int 0..3 \"Level\" default 0\n");
    for (unsigned k = 0; k < NRULES; k++) {
        put(t, "rule r%u \"R%u\"%s when ", k, k, below(r, 4) == 0 ? " priority high" : "");
        int setter = k < 4;
        condition(r, t, 1 + below(r, 3), !setter);
        put(t, " then ");
        if (setter && k < 2)
            put(t, "set at_risk = %s ", below(r, 2) ? "true" : "false");
        else if (setter)
            put(t, "set level = %u ", 1 + below(r, 3));
        put(t, below(r, 2) ? "recommend outreach" : "risk overdose");
        if (below(r, 4) == 0)
            put(t, " move %s", stages[below(r, 4)]);
        put(t, " end\n");
    }
}

static sw_facts *client(rng *r, const sw_ruleset *rs)
{
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(rs, &f), SW_OK);
    if (below(r, 5))
        assert_int_equal(sw_facts_set_text(f, "stage", stages[below(r, 4)], NULL), SW_OK);
    if (below(r, 2))
        assert_int_equal(sw_facts_set_assessed_on(f, "2026-11-20", NULL), SW_OK);
    if (below(r, 5) < 3)
        assert_int_equal(sw_facts_set_bool(f, "injecting", (int)below(r, 2), NULL), SW_OK);
    if (below(r, 5) < 3)
        assert_int_equal(sw_facts_set_int(f, "phq9", below(r, 28), NULL), SW_OK);
    if (below(r, 5) < 3)
        assert_int_equal(sw_facts_set_number(f, "bmi", 10.0 + 0.5 * below(r, 60), NULL), SW_OK);
    if (below(r, 5) < 3)
        assert_int_equal(sw_facts_set_text(f, "housing", housing[below(r, 3)], NULL), SW_OK);
    if (below(r, 5) < 3) {
        const char *m[3];
        size_t n = 0;
        for (int i = 0; i < 3; i++)
            if (below(r, 2))
                m[n++] = substances[i];
        assert_int_equal(sw_facts_set_members(f, "substances", m, n, NULL), SW_OK);
    }
    if (below(r, 5) < 3) {
        char d[16];
        snprintf(d, sizeof d, "2026-10-%02u", 1 + below(r, 28));
        assert_int_equal(sw_facts_set_text(f, "released_on", d, NULL), SW_OK);
    }
    return f;
}

static sw_truth truth_of(sw_value v) { return !v.known ? SW_UNKNOWN : v.u.i ? SW_TRUE : SW_FALSE; }

static int same(sw_value a, sw_value b) { return a.known == b.known && (!a.known || a.u.i == b.u.i); }

static void test_every_path_agrees_with_the_node_evaluator(void **state)
{
    (void)state;
    rng r = {0x2545F4914F6CDD1Dull};
    text *t = malloc(sizeof *t);
    assert_non_null(t);
    unsigned loaded = 0, seen[3] = {0, 0, 0}, specialised = 0, folded = 0;
    for (unsigned set = 0; set < NSETS; set++) {
        rule_set(&r, t);
        sw_ruleset *rs = NULL;
        if (fixture_load(t->s, &rs, NULL) != SW_OK)
            continue; /* a condition the checker proves constant, say */
        loaded++;
        const sw_program *p = &rs->prog;
        const sw_index *ix = &p->index;
        assert_int_not_equal(ix->key_slot, SW_NONE);
        for (uint32_t u = 0; u < ix->nkeys; u++) {
            specialised += ix->spec_first[u + 1] - ix->spec_first[u];
            folded += (ix->live_first[u + 1] - ix->live_first[u]) - (ix->spec_first[u + 1] - ix->spec_first[u]);
        }
        sw_eval ev;
        sw_eval_init(&ev);
        uint8_t first_truth[NRULES];
        sw_value first_values[2];
        for (unsigned c = 0; c < NCLIENTS; c++) {
            sw_facts *f = client(&r, rs);
            for (uint8_t path = 1; path <= 5; path++) {
                ev.force_path = path % 5; /* 1, 2, 3, 4, then the default */
                assert_int_equal(sw_eval_reuse(&ev, p, f), SW_OK);
                for (uint32_t k = 0; k < p->nrules; k++) {
                    sw_truth want = truth_of(sw_eval_node(&ev, p->rules[k].cond));
                    if (ev.truth[k] != want)
                        fail_msg("set %u client %u path %u: rule r%u is %d, its condition %d\n%s", set, c,
                                 path % 5, k, ev.truth[k], want, t->s);
                    int fired = (int)(ev.fired[k >> 6] >> (k & 63) & 1);
                    int undecided = (int)(ev.undecided[k >> 6] >> (k & 63) & 1);
                    if (fired != (want == SW_TRUE) || undecided != (want == SW_UNKNOWN))
                        fail_msg("set %u client %u path %u: rule r%u's bits are %d %d for truth %d\n%s", set,
                                 c, path % 5, k, fired, undecided, want, t->s);
                    if (path == 1) {
                        first_truth[k] = ev.truth[k];
                        seen[want]++;
                    }
                }
                for (uint32_t w = p->nrules; w < (p->nrules / 64 + 1) * 64; w++)
                    assert_int_equal(ev.fired[w >> 6] >> (w & 63) & 1, 0);
                for (uint32_t s = p->nbase; s < p->nfacts; s++) {
                    if (path == 1)
                        first_values[s - p->nbase] = ev.values[s];
                    else if (!same(first_values[s - p->nbase], ev.values[s]))
                        fail_msg("set %u client %u path %u: derived %s differs from path 1\n%s", set, c,
                                 path % 5, p->facts[s].name, t->s);
                }
                assert_memory_equal(first_truth, ev.truth, p->nrules);
            }
            sw_facts_free(f);
        }
        sw_eval_free(&ev);
        sw_ruleset_free(rs);
    }
    free(t);
    printf("  %u rule sets of %u loaded; truths %u false, %u true, %u unknown; "
           "%u specialised steps, %u left to the row by folding\n",
           loaded, NSETS, seen[SW_FALSE], seen[SW_TRUE], seen[SW_UNKNOWN], specialised, folded);
    /* the test means something only if it reached every case */
    assert_true(loaded > NSETS / 2);
    assert_true(seen[SW_FALSE] && seen[SW_TRUE] && seen[SW_UNKNOWN]);
    assert_true(specialised > 0 && folded > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_path_agrees_with_the_node_evaluator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
