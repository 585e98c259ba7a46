/*
 * test_truth_property.c - the three-valued meaning of every operator, checked as a
 * property: random conditions over random partial facts, through every place that
 * decides a condition's truth.
 *
 * The test generates conditions from the operators of the language (and, or, not,
 * comparisons, is / is not, in / not in, contains / contains any, is known / is
 * missing) over the fixture's facts of every type, and clients in which each fact
 * is known or missing at random. For each pair it compares:
 *   - an oracle written here from docs/language.md (Kleene logic: unknown in,
 *     unknown out, except that false wins `and`, true wins `or`, and `is known` /
 *     `is missing` are always decided),
 *   - sw_evaluate (the stage index and the fast form of the conditions, as an
 *     integrator calls it), and sw_eval_reuse made to take each of its four paths
 *     (the pass over every test, the marked readers, every rule specialised to
 *     the stage, the marked ones of those) on one reused state,
 *   - sw_explain (the node evaluator, condition by condition),
 * and checks the two static analyses are sound: a rule lint says can never fire
 * (L002) never fires for any client drawn, and coverage's possible outcomes of
 * every boolean node (what the conditions metric counts as the whole) and its
 * possible stage transitions (computed with only the stage known) hold every
 * outcome and every transition the clients drawn produce.
 *
 * Every one of those takes its truth tables from lang/truth.h; a first test checks
 * those tables themselves against the oracle, exhaustively.
 *
 * The generator is a fixed-seed xorshift, so a failure is reproducible and the test
 * prints the condition and the client that disagree.
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
#include "authoring/coverage.h"
#include "authoring/lint.h"
#include "compile/program.h"
#include "eval/eval.h"
#include "lang/truth.h"

/* ---- clients: the fixture's facts, each known or missing ---- */

static const char *const housing_members[] = {"stable", "temporary", "rough_sleeping"};
static const char *const substance_members[] = {"opioids", "alcohol", "crack"};

typedef struct client {
    int injecting_known, injecting;
    int phq9_known, phq9;
    int bmi_known;
    double bmi;
    int housing_known, housing;        /* index into housing_members */
    int substances_known;
    unsigned substances;               /* bit i: substance_members[i] */
} client;

static client draw_client(rng *r)
{
    client c;
    c.injecting_known = below(r, 5) < 3;
    c.injecting = (int)below(r, 2);
    c.phq9_known = below(r, 5) < 3;
    c.phq9 = (int)below(r, 28);
    c.bmi_known = below(r, 5) < 3;
    c.bmi = 10.0 + 0.5 * below(r, 141);
    c.housing_known = below(r, 5) < 3;
    c.housing = (int)below(r, 3);
    c.substances_known = below(r, 5) < 3;
    c.substances = below(r, 8);
    return c;
}

static sw_facts *client_facts(const sw_ruleset *rs, const client *c)
{
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(rs, &f), SW_OK);
    /* the conditions never test the stage: it is known only so that coverage
     * sees a transition */
    assert_int_equal(sw_facts_set_text(f, "stage", "engagement", NULL), SW_OK);
    if (c->injecting_known)
        assert_int_equal(sw_facts_set_bool(f, "injecting", c->injecting, NULL), SW_OK);
    if (c->phq9_known)
        assert_int_equal(sw_facts_set_int(f, "phq9", c->phq9, NULL), SW_OK);
    if (c->bmi_known)
        assert_int_equal(sw_facts_set_number(f, "bmi", c->bmi, NULL), SW_OK);
    if (c->housing_known)
        assert_int_equal(sw_facts_set_text(f, "housing", housing_members[c->housing], NULL), SW_OK);
    if (c->substances_known) {
        const char *members[3];
        size_t n = 0;
        for (int i = 0; i < 3; i++)
            if (c->substances & (1u << i))
                members[n++] = substance_members[i];
        assert_int_equal(sw_facts_set_members(f, "substances", members, n, NULL), SW_OK);
    }
    return f;
}

static void describe_client(const client *c, char *out, size_t size)
{
    char phq[16] = "?", bmi[16] = "?", subs[64] = "?";
    if (c->phq9_known)
        snprintf(phq, sizeof phq, "%d", c->phq9);
    if (c->bmi_known)
        snprintf(bmi, sizeof bmi, "%.1f", c->bmi);
    if (c->substances_known) {
        subs[0] = '{';
        subs[1] = '\0';
        for (int i = 0; i < 3; i++)
            if (c->substances & (1u << i)) {
                strncat(subs, " ", sizeof subs - strlen(subs) - 1);
                strncat(subs, substance_members[i], sizeof subs - strlen(subs) - 1);
            }
        strncat(subs, " }", sizeof subs - strlen(subs) - 1);
    }
    snprintf(out, size, "injecting=%s phq9=%s bmi=%s housing=%s substances=%s",
             c->injecting_known ? (c->injecting ? "true" : "false") : "?", phq, bmi,
             c->housing_known ? housing_members[c->housing] : "?", subs);
}

/* ---- conditions: generated as text, evaluated by the oracle as they are built ---- */

typedef enum truth { F = 0, T = 1, U = 2 } truth;

static truth of(int b) { return b ? T : F; }

static truth kleene_not(truth a) { return a == U ? U : a == T ? F : T; }

static truth kleene_and(truth a, truth b)
{
    if (a == F || b == F)
        return F;
    return a == T && b == T ? T : U;
}

static truth kleene_or(truth a, truth b)
{
    if (a == T || b == T)
        return T;
    return a == F && b == F ? F : U;
}

enum { NCLIENTS = 48, MAX_TEXT = 2048 };

/* A condition: its text and its truth for each of the drawn clients. */
typedef struct cond {
    char text[MAX_TEXT];
    truth t[NCLIENTS];
} cond;

static int compare_int(int a, int op, int b)
{
    switch (op) {
    case 0: return a < b;
    case 1: return a <= b;
    case 2: return a > b;
    case 3: return a >= b;
    case 4: return a == b;
    default: return a != b;
    }
}

static int compare_num(double a, int op, double b)
{
    switch (op) {
    case 0: return a < b;
    case 1: return a <= b;
    case 2: return a > b;
    default: return a >= b;
    }
}

static const char *const int_ops[] = {"<", "<=", ">", ">=", "is", "is not"};

static void atom(rng *r, const client *clients, cond *out)
{
    uint32_t kind = below(r, 12);
    int i;
    switch (kind) {
    case 0:
        snprintf(out->text, sizeof out->text, "injecting");
        for (i = 0; i < NCLIENTS; i++)
            out->t[i] = clients[i].injecting_known ? of(clients[i].injecting) : U;
        break;
    case 1:
    case 2: {
        int op = (int)below(r, 6), k = (int)below(r, 28);
        snprintf(out->text, sizeof out->text, "phq9 %s %d", int_ops[op], k);
        for (i = 0; i < NCLIENTS; i++)
            out->t[i] = clients[i].phq9_known ? of(compare_int(clients[i].phq9, op, k)) : U;
        break;
    }
    case 3: {
        int op = (int)below(r, 4);
        double k = 10.25 + 0.5 * below(r, 140);
        snprintf(out->text, sizeof out->text, "bmi %s %.2f", int_ops[op], k);
        for (i = 0; i < NCLIENTS; i++)
            out->t[i] = clients[i].bmi_known ? of(compare_num(clients[i].bmi, op, k)) : U;
        break;
    }
    case 4: {
        int m = (int)below(r, 3), negate = (int)below(r, 2);
        snprintf(out->text, sizeof out->text, "housing is %s%s", negate ? "not " : "", housing_members[m]);
        for (i = 0; i < NCLIENTS; i++)
            out->t[i] = clients[i].housing_known ? of((clients[i].housing == m) != negate) : U;
        break;
    }
    case 5: {
        unsigned set = 1u + below(r, 6);   /* a non-empty, proper or whole subset */
        int negate = (int)below(r, 2);
        char list[128] = "";
        for (int m = 0; m < 3; m++)
            if (set & (1u << m)) {
                strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, housing_members[m], sizeof list - strlen(list) - 1);
            }
        snprintf(out->text, sizeof out->text, "housing %sin { %s }", negate ? "not " : "", list);
        for (i = 0; i < NCLIENTS; i++)
            out->t[i] = clients[i].housing_known
                            ? of(((set >> clients[i].housing) & 1u) != (unsigned)negate) : U;
        break;
    }
    case 6: {
        int m = (int)below(r, 3);
        snprintf(out->text, sizeof out->text, "substances contains %s", substance_members[m]);
        for (i = 0; i < NCLIENTS; i++)
            out->t[i] = clients[i].substances_known ? of((clients[i].substances >> m) & 1u) : U;
        break;
    }
    case 7: {
        unsigned set = 1u + below(r, 7);
        char list[128] = "";
        for (int m = 0; m < 3; m++)
            if (set & (1u << m)) {
                strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, substance_members[m], sizeof list - strlen(list) - 1);
            }
        snprintf(out->text, sizeof out->text, "substances contains any { %s }", list);
        for (i = 0; i < NCLIENTS; i++)
            out->t[i] = clients[i].substances_known ? of((clients[i].substances & set) != 0) : U;
        break;
    }
    default: {
        static const char *const names[] = {"injecting", "phq9", "bmi", "housing", "substances"};
        int which = (int)below(r, 5), missing = (int)below(r, 2);
        snprintf(out->text, sizeof out->text, "%s is %s", names[which], missing ? "missing" : "known");
        for (i = 0; i < NCLIENTS; i++) {
            const client *c = &clients[i];
            int known = which == 0 ? c->injecting_known : which == 1 ? c->phq9_known
                      : which == 2 ? c->bmi_known : which == 3 ? c->housing_known
                      : c->substances_known;
            out->t[i] = of(known != missing);
        }
        break;
    }
    }
}

static void condition(rng *r, const client *clients, unsigned depth, cond *out)
{
    uint32_t pick = depth == 0 ? 0 : below(r, 10);
    if (pick < 4) {
        atom(r, clients, out);
        return;
    }
    cond *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    condition(r, clients, depth - 1, a);
    /* the combined text is built in a buffer that always holds it, then kept when it
     * fits; a combination too long keeps its first side */
    static const size_t room = 2 * MAX_TEXT + 32;
    char *joined = malloc(room);
    assert_non_null(joined);
    int is_not = pick < 6, is_and = pick < 8;
    if (is_not) {
        snprintf(joined, room, "not (%s)", a->text);
        for (int i = 0; i < NCLIENTS; i++)
            b->t[i] = kleene_not(a->t[i]);
    } else {
        condition(r, clients, depth - 1, b);
        snprintf(joined, room, "(%s %s %s)", a->text, is_and ? "and" : "or", b->text);
        for (int i = 0; i < NCLIENTS; i++)
            b->t[i] = is_and ? kleene_and(a->t[i], b->t[i]) : kleene_or(a->t[i], b->t[i]);
    }
    size_t len = strlen(joined);
    if (len < sizeof out->text) {
        memcpy(out->text, joined, len + 1);
        memcpy(out->t, b->t, sizeof out->t);
    } else {
        memcpy(out, a, sizeof *out);
    }
    free(joined);
    free(a);
    free(b);
}

/* ---- the property ---- */

static const char *truth_name(truth t) { return t == T ? "true" : t == F ? "false" : "unknown"; }

static truth from_value(sw_truth_value v)
{
    return v == SW_TRUTH_TRUE ? T : v == SW_TRUTH_FALSE ? F : U;
}

static int lint_says_never(const char *text)
{
    sw_source_text src = {"property.sw", text, strlen(text)};
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    sw_lint_summary summary;
    assert_int_equal(sw_lint_texts(&src, 1, d, &summary), SW_OK);
    int never = 0;
    for (size_t i = 0; i < sw_diagnostics_count(d); i++)
        never |= strcmp(sw_diagnostics_at(d, i)->code, "L002") == 0;
    sw_diagnostics_free(d);
    return never;
}

static void test_every_evaluator_agrees_with_the_oracle(void **state)
{
    (void)state;
    rng r = {0x9E3779B97F4A7C15ull};
    enum { NCONDITIONS = 3000 };
    unsigned loaded = 0, decided[3] = {0, 0, 0}, never = 0;
    client clients[NCLIENTS];
    cond *c = malloc(sizeof *c);
    assert_non_null(c);
    char *text = malloc(strlen(FIXTURE_HEADER) + MAX_TEXT + 128);
    assert_non_null(text);
    for (unsigned k = 0; k < NCONDITIONS; k++) {
        for (int i = 0; i < NCLIENTS; i++)
            clients[i] = draw_client(&r);
        condition(&r, clients, 1 + k % 5, c);
        sprintf(text, "%srule r \"R\" when %s then recommend outreach move persuasion end\n",
                FIXTURE_HEADER, c->text);
        sw_ruleset *rs = NULL;
        char *rendered = NULL;
        sw_status st = fixture_load(text, &rs, &rendered);
        if (st != SW_OK) {
            /* only a condition the checker proves constant may be refused */
            if (strstr(rendered, "E216") == NULL)
                fail_msg("'%s' was refused:\n%s", c->text, rendered);
            sw_free(rendered);
            continue;
        }
        sw_free(rendered);
        loaded++;
        int lint_never = lint_says_never(text);
        never += lint_never;
        sw_coverage cov;
        assert_int_equal(sw_coverage_init(&cov, &rs->prog), SW_OK);
        uint8_t possible_moves[16];
        assert_true(cov.nstages * cov.nstages <= sizeof possible_moves);
        memcpy(possible_moves, cov.trans_possible, cov.nstages * cov.nstages);
        for (int i = 0; i < NCLIENTS; i++) {
            char who[256];
            describe_client(&clients[i], who, sizeof who);
            sw_facts *f = client_facts(rs, &clients[i]);
            sw_result *res = NULL;
            assert_int_equal(sw_evaluate(rs, f, &res), SW_OK);
            const sw_report *rep = sw_result_report(res);
            truth engine = rep->rules_fired ? T : rep->rules_undecided ? U : F;
            if (engine != c->t[i])
                fail_msg("sw_evaluate: '%s' is %s for %s; the oracle says %s", c->text,
                         truth_name(engine), who, truth_name(c->t[i]));
            sw_explain_options all = {NULL, 0, 1};
            sw_explanation *ex = NULL;
            assert_int_equal(sw_explain(rs, f, &all, &ex, NULL), SW_OK);
            const sw_explanation_report *er = sw_explanation_get(ex);
            assert_int_equal(er->nrules, 1);
            truth node = from_value(er->rules[0].truth);
            if (node != c->t[i])
                fail_msg("sw_explain: '%s' is %s for %s; the oracle says %s", c->text,
                         truth_name(node), who, truth_name(c->t[i]));
            if (lint_never && c->t[i] == T)
                fail_msg("lint says '%s' can never fire, but it fires for %s", c->text, who);
            sw_eval ev;
            sw_eval_init(&ev);
            for (uint8_t path = 1; path <= 4; path++) {
                ev.force_path = path;
                assert_int_equal(sw_eval_reuse(&ev, &rs->prog, f), SW_OK);
                truth t = ev.truth[0] == SW_TRUE ? T : ev.truth[0] == SW_FALSE ? F : U;
                if (t != c->t[i])
                    fail_msg("sw_eval_reuse path %u: '%s' is %s for %s; the oracle says %s", path,
                             c->text, truth_name(t), who, truth_name(c->t[i]));
            }
            sw_eval_free(&ev);
            assert_int_equal(sw_eval_run(&ev, &rs->prog, f), SW_OK);
            sw_coverage_record(&cov, &ev, rep, 1);
            sw_eval_free(&ev);
            for (uint32_t m = 0; m < cov.nstages * cov.nstages; m++)
                if (cov.trans_seen[m] && !possible_moves[m])
                    fail_msg("coverage: '%s' moves %s to %s for %s, a transition it called impossible",
                             c->text, rep->stage.current, rep->stage.suggested, who);
            decided[c->t[i]]++;
            sw_explanation_free(ex);
            sw_result_free(res);
            sw_facts_free(f);
        }
        for (uint32_t n = 0; n < cov.ncond; n++)
            if (cov.cond_seen[n] & ~cov.cond_possible[n])
                fail_msg("coverage: a node of '%s' was seen with outcomes %u beyond its possible %u",
                         c->text, cov.cond_seen[n], cov.cond_possible[n]);
        /* the root is the first node collected: it was seen with every truth the oracle gave */
        uint8_t root = 0;
        for (int i = 0; i < NCLIENTS; i++)
            root |= c->t[i] == T ? SW_SEEN_TRUE : c->t[i] == F ? SW_SEEN_FALSE : SW_SEEN_UNKNOWN;
        assert_int_equal(cov.cond_seen[cov.cond_first[0]], root);
        sw_coverage_free(&cov);
        sw_ruleset_free(rs);
    }
    free(text);
    free(c);
    print_message("%u of %u conditions loaded; %u client evaluations: %u true, %u false, %u unknown; "
                  "lint: %u never fire\n", loaded, NCONDITIONS, loaded * NCLIENTS, decided[T],
                  decided[F], decided[U], never);
    /* the generator must reach every truth, or the test proves little */
    assert_true(loaded > NCONDITIONS * 9 / 10);
    assert_true(decided[T] > 1000 && decided[F] > 1000 && decided[U] > 1000);
}

/* The one definition of the logic (lang/truth.h), which every evaluator and
 * analysis above uses, against the oracle: every pair of truth values, every
 * comparison over every order, and the mirror and negation of each comparison. */
static void test_truth_tables_agree_with_the_oracle(void **state)
{
    (void)state;
    static const truth all[] = {F, T, U};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal((int)sw_truth_not((sw_truth)all[i]), (int)kleene_not(all[i]));
        for (size_t j = 0; j < 3; j++) {
            assert_int_equal((int)sw_truth_and((sw_truth)all[i], (sw_truth)all[j]),
                             (int)kleene_and(all[i], all[j]));
            assert_int_equal((int)sw_truth_or((sw_truth)all[i], (sw_truth)all[j]),
                             (int)kleene_or(all[i], all[j]));
        }
    }
    /* int_ops order: <, <=, >, >=, is, is not */
    static const uint8_t ops[] = {SW_OP_LT, SW_OP_LE, SW_OP_GT, SW_OP_GE, SW_OP_EQ, SW_OP_NE};
    for (int k = 0; k < 6; k++)
        for (int a = -1; a <= 1; a++)
            for (int b = -1; b <= 1; b++) {
                int order = (a > b) - (a < b);
                assert_int_equal(sw_compare_holds(ops[k], order), compare_int(a, k, b));
                assert_int_equal((int)sw_truth_compare(ops[k], 1, order), (int)of(compare_int(a, k, b)));
                assert_int_equal((int)sw_truth_compare(ops[k], 0, order), (int)U);
                assert_int_equal(sw_compare_holds(sw_compare_mirror(ops[k]), -order), compare_int(a, k, b));
                assert_int_equal(sw_compare_holds(sw_compare_negation(ops[k]), order), !compare_int(a, k, b));
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truth_tables_agree_with_the_oracle),
        cmocka_unit_test(test_every_evaluator_agrees_with_the_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
