/*
 * test_explain.c - explain and why not (engine/audit/explain.c): the condition tree with
 * every sub-expression's text and value, the blockers and what would satisfy them
 * (comparisons, membership, sets, missing facts, `or` alternatives, `not in`), the
 * answers for items and stages, errors for unknown questions, the JSON rendering,
 * and rule provenance: rule metadata and production mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rules_fixture.h"

#define RULES                                                                        \
    "rule needs_housing \"Housing support for depressed clients without a home\"\n"  \
    "  cites DD.eng_goal\n"                                                          \
    "when phq9 >= 10 and housing in { temporary, rough_sleeping }\n"                 \
    "then recommend housing_support priority high because \"Housing first\"\n"       \
    "end\n"                                                                          \
    "rule overdose_risk \"Injecting or opioids\"\n"                                  \
    "  status production\n"                                                          \
    "when injecting or substances contains opioids\n"                                \
    "then risk overdose\n"                                                           \
    "end\n"                                                                          \
    "rule unstable \"Housing instability in engagement\"\n"                          \
    "  author \"Lead\" reviewer \"Psychiatrist\" reviewed 2026-11-01 version \"2.0.0\"\n" \
    "  status production\n"                                                          \
    "when stage is engagement and housing not in { stable }\n"                       \
    "then challenge housing_instability\n"                                           \
    "end\n"                                                                          \
    "rule to_persuasion \"Engaged: move on\"\n"                                      \
    "  status testing\n"                                                             \
    "when stage is engagement and phq9 < 5\n"                                        \
    "then move persuasion\n"                                                         \
    "end\n"                                                                          \
    "rule back_to_engagement \"Not engaged\"\n"                                      \
    "when stage is persuasion and not injecting\n"                                   \
    "then move engagement\n"                                                         \
    "end\n"

static const char facts_yaml[] =
    "client: c-1\n"
    "facts:\n"
    "  stage: engagement\n"
    "  phq9: 7\n"
    "  injecting: false\n"
    "  substances: [alcohol]\n";

typedef struct fixture {
    sw_ruleset *rules;
    sw_facts *facts;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    char *rendered = NULL;
    if (!fx || fixture_load(FIXTURE_HEADER RULES, &fx->rules, &rendered) != SW_OK) {
        fprintf(stderr, "%s", rendered ? rendered : "");
        return -1;
    }
    sw_free(rendered);
    if (sw_facts_parse(fx->rules, "t.yaml", facts_yaml, strlen(facts_yaml), &fx->facts, NULL) != SW_OK)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!fx)
        return 0;
    sw_facts_free(fx->facts);
    sw_ruleset_free(fx->rules);
    free(fx);
    return 0;
}

static const sw_rule_explanation *rule_in(const sw_explanation_report *rep, const char *id)
{
    for (size_t i = 0; i < rep->nrules; i++)
        if (strcmp(rep->rules[i].rule, id) == 0)
            return &rep->rules[i];
    fail_msg("rule %s not in the explanation", id);
    return NULL;
}

static void check_condition(const sw_condition *c, unsigned depth, const char *text,
                            const char *value, sw_truth_value truth, const char *fact)
{
    assert_int_equal(c->depth, depth);
    assert_string_equal(c->text, text);
    assert_string_equal(c->value, value);
    assert_int_equal(c->truth, truth);
    if (fact)
        assert_string_equal(c->fact, fact);
    else
        assert_null(c->fact);
}

static void check_blocker(const sw_blocker *b, unsigned depth, const char *text,
                          sw_truth_value truth, const char *actual, const char *needs)
{
    assert_int_equal(b->depth, depth);
    assert_string_equal(b->text, text);
    assert_int_equal(b->truth, truth);
    if (actual)
        assert_string_equal(b->actual, actual);
    else
        assert_null(b->actual);
    assert_string_equal(b->needs, needs);
}

/* ---- explain ---- */

static void test_explain_tree(void **state)
{
    fixture *fx = *state;
    const char *ids[] = {"needs_housing"};
    sw_explain_options o = {ids, 1, 0};
    sw_explanation *x = NULL;
    assert_int_equal(sw_explain(fx->rules, fx->facts, &o, &x, NULL), SW_OK);
    const sw_explanation_report *rep = sw_explanation_get(x);
    assert_int_equal(rep->nrules, 1);
    assert_null(rep->question);
    assert_string_equal(rep->client, "c-1");
    const sw_rule_explanation *r = &rep->rules[0];
    /* Kleene: false and unknown is false */
    assert_string_equal(r->outcome, "did not fire");
    assert_int_equal(r->truth, SW_TRUTH_FALSE);
    assert_int_equal(r->status, SW_VALIDATION_DRAFT);
    assert_int_equal(r->nconditions, 5);
    check_condition(&r->conditions[0], 0, "phq9 >= 10 and housing in { temporary, rough_sleeping }",
                    "false", SW_TRUTH_FALSE, NULL);
    check_condition(&r->conditions[1], 1, "phq9 >= 10", "false", SW_TRUTH_FALSE, NULL);
    check_condition(&r->conditions[2], 2, "phq9", "7", SW_TRUTH_NONE, "phq9");
    check_condition(&r->conditions[3], 1, "housing in { temporary, rough_sleeping }", "unknown",
                    SW_TRUTH_UNKNOWN, NULL);
    check_condition(&r->conditions[4], 2, "housing", "unknown", SW_TRUTH_NONE, "housing");
    assert_int_equal(r->nactions, 1);
    assert_string_equal(r->actions[0], "recommend housing_support priority high");
    assert_int_equal(r->nbecause, 1);
    assert_string_equal(r->because[0], "Housing first");
    assert_int_equal(r->ncitations, 1);
    assert_string_equal(r->citations[0].statement, "eng_goal");
    assert_int_equal(r->nfacts, 2);
    assert_int_equal(r->nblockers, 0);   /* explain lists no blockers */
    sw_explanation_free(x);
}

static void test_explain_fired_and_all(void **state)
{
    fixture *fx = *state;
    sw_explanation *x = NULL;
    assert_int_equal(sw_explain(fx->rules, fx->facts, NULL, &x, NULL), SW_OK);
    const sw_explanation_report *rep = sw_explanation_get(x);
    /* no rule fires for this client: unstable is undecided (housing is missing),
     * the others are false */
    assert_int_equal(rep->nrules, 0);
    char *text = NULL;
    assert_int_equal(sw_explanation_render(x, SW_FORMAT_TEXT, &text, NULL), SW_OK);
    assert_non_null(strstr(text, "\nno rules selected (no rule fired for this client)\n"));
    sw_free(text);
    sw_explanation_free(x);

    sw_explain_options all = {NULL, 0, 1};
    assert_int_equal(sw_explain(fx->rules, fx->facts, &all, &x, NULL), SW_OK);
    rep = sw_explanation_get(x);
    assert_int_equal(rep->nrules, 5);
    assert_string_equal(rep->rules[0].rule, "back_to_engagement");   /* by identifier */
    assert_string_equal(rep->rules[4].rule, "unstable");
    const sw_rule_explanation *r = rule_in(rep, "unstable");
    /* `not in` is one node of the text: the NOT and the IN are shown once */
    check_condition(&r->conditions[3], 1, "housing not in { stable }", "unknown", SW_TRUTH_UNKNOWN, NULL);
    check_condition(&r->conditions[4], 2, "housing", "unknown", SW_TRUTH_NONE, "housing");
    assert_int_equal(r->nconditions, 5);
    sw_explanation_free(x);
}

static void test_explain_unknown_rule(void **state)
{
    fixture *fx = *state;
    const char *ids[] = {"needs_housng"};
    sw_explain_options o = {ids, 1, 0};
    sw_diagnostics *d = sw_diagnostics_new();
    sw_explanation *x = (sw_explanation *)1;
    assert_int_equal(sw_explain(fx->rules, fx->facts, &o, &x, d), SW_ERR_ARG);
    assert_null(x);
    assert_int_equal(sw_diagnostics_count(d), 1);
    const sw_diagnostic *g = sw_diagnostics_at(d, 0);
    assert_string_equal(g->code, "A002");
    assert_string_equal(g->message, "unknown rule 'needs_housng'");
    assert_string_equal(g->hint, "did you mean 'needs_housing'?");
    sw_diagnostics_free(d);
}

/* ---- why not ---- */

static void test_why_not_comparison_and_missing(void **state)
{
    fixture *fx = *state;
    sw_explanation *x = NULL;
    assert_int_equal(sw_why_not(fx->rules, fx->facts, "recommend:housing_support", &x, NULL), SW_OK);
    const sw_explanation_report *rep = sw_explanation_get(x);
    assert_string_equal(rep->question, "recommend:housing_support");
    assert_string_equal(rep->target_label, "Housing support");
    assert_false(rep->produced);
    assert_string_equal(rep->answer, "housing_support was not recommended: 1 rule could have "
                                     "produced it and none fired");
    assert_int_equal(rep->nrules, 1);
    const sw_rule_explanation *r = &rep->rules[0];
    assert_int_equal(r->nblockers, 2);
    check_blocker(&r->blockers[0], 0, "phq9 >= 10", SW_TRUTH_FALSE, "phq9 = 7", "10 or more");
    check_blocker(&r->blockers[1], 0, "housing in { temporary, rough_sleeping }", SW_TRUTH_UNKNOWN,
                  "housing is missing", "record it");
    sw_explanation_free(x);
}

static void test_why_not_or_alternatives(void **state)
{
    fixture *fx = *state;
    sw_explanation *x = NULL;
    assert_int_equal(sw_why_not(fx->rules, fx->facts, "risk:overdose", &x, NULL), SW_OK);
    const sw_rule_explanation *r = &sw_explanation_get(x)->rules[0];
    assert_int_equal(r->nblockers, 3);
    check_blocker(&r->blockers[0], 0, "injecting or substances contains opioids", SW_TRUTH_FALSE, NULL,
                  "any one of");
    assert_true(r->blockers[0].any_of);
    check_blocker(&r->blockers[1], 1, "injecting", SW_TRUTH_FALSE, "injecting = false", "true");
    check_blocker(&r->blockers[2], 1, "substances contains opioids", SW_TRUTH_FALSE,
                  "substances = {alcohol}", "to include opioids");
    sw_explanation_free(x);
}

static void test_why_not_produced_and_not_in(void **state)
{
    fixture *fx = *state;
    static const char yaml[] = "facts:\n  stage: engagement\n  housing: stable\n";
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_parse(fx->rules, "t", yaml, strlen(yaml), &f, NULL), SW_OK);
    sw_explanation *x = NULL;
    assert_int_equal(sw_why_not(fx->rules, f, "challenge:housing_instability", &x, NULL), SW_OK);
    const sw_rule_explanation *r = &sw_explanation_get(x)->rules[0];
    check_blocker(&r->blockers[0], 0, "housing not in { stable }", SW_TRUTH_FALSE, "housing = stable",
                  "none of stable");
    sw_explanation_free(x);
    sw_facts_free(f);

    assert_int_equal(sw_why_not(fx->rules, fx->facts, "stage:engagement", &x, NULL), SW_OK);
    const sw_explanation_report *rep = sw_explanation_get(x);
    assert_true(rep->produced);
    assert_string_equal(rep->answer, "engagement is the current stage and no rule proposed a move, "
                                     "so it stays the suggestion");
    assert_int_equal(rep->nrules, 1);
    check_blocker(&rep->rules[0].blockers[0], 0, "stage is persuasion", SW_TRUTH_FALSE,
                  "stage = engagement", "persuasion");
    sw_explanation_free(x);
}

static void test_why_not_stage_policy(void **state)
{
    fixture *fx = *state;
    static const char yaml[] = "facts:\n  stage: engagement\n  phq9: 2\n";
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_parse(fx->rules, "t", yaml, strlen(yaml), &f, NULL), SW_OK);
    sw_explanation *x = NULL;
    assert_int_equal(sw_why_not(fx->rules, f, "stage:persuasion", &x, NULL), SW_OK);
    const sw_explanation_report *rep = sw_explanation_get(x);
    assert_true(rep->produced);
    assert_string_equal(rep->answer, "stage persuasion was suggested, by 1 rule");
    assert_string_equal(rep->rules[0].outcome, "fired");
    sw_explanation_free(x);
    sw_facts_free(f);
}

static void test_why_not_bad_questions(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *q, *message, *hint;
    } cases[] = {
        {"recommend:housing_suport", "unknown intervention 'housing_suport'",
         "did you mean 'housing_support'?"},
        {"stage:persuason", "unknown stage 'persuason'", "did you mean 'persuasion'?"},
        {"prescribe:cbt", "unknown kind 'prescribe' in a why-not question",
         "the kinds are recommend, advise, challenge, risk and stage"},
        {"cbt", "a why-not question needs a kind and an identifier",
         "ask KIND:ID, e.g. recommend:cbt or stage:active_treatment"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sw_diagnostics *d = sw_diagnostics_new();
        sw_explanation *x = NULL;
        assert_int_equal(sw_why_not(fx->rules, fx->facts, cases[i].q, &x, d), SW_ERR_ARG);
        assert_null(x);
        assert_string_equal(sw_diagnostics_at(d, 0)->message, cases[i].message);
        assert_string_equal(sw_diagnostics_at(d, 0)->hint, cases[i].hint);
        sw_diagnostics_free(d);
    }
}

/* ---- rendering ---- */

static void test_render(void **state)
{
    fixture *fx = *state;
    sw_explanation *x = NULL;
    char *text = NULL;
    assert_int_equal(sw_why_not(fx->rules, fx->facts, "recommend:housing_support", &x, NULL), SW_OK);
    assert_int_equal(sw_explanation_render(x, SW_FORMAT_TEXT, &text, NULL), SW_OK);
    assert_non_null(strstr(text, "    - phq9 >= 10 was false: phq9 = 7; needs 10 or more\n"));
    assert_non_null(strstr(text, "    - housing in { temporary, rough_sleeping } was unknown: "
                                 "housing is missing: record it\n"));
    assert_non_null(strstr(text, "      phq9 >= 10: false\n        phq9 = 7\n"));
    sw_free(text);
    assert_int_equal(sw_explanation_render(x, SW_FORMAT_JSON, &text, NULL), SW_OK);
    assert_non_null(strstr(text, "\"format\": \"stagewise-explanation\""));
    assert_non_null(strstr(text, "\"actual\": \"phq9 = 7\",\n"));
    assert_non_null(strstr(text, "\"needs\": \"10 or more\",\n"));
    assert_non_null(strstr(text, "\"produced\": false,\n"));
    sw_free(text);
    assert_int_equal(sw_explanation_render(x, SW_FORMAT_YAML, &text, NULL), SW_ERR_ARG);
    assert_null(text);
    sw_explanation_free(x);
}

/* ---- rule provenance ---- */

static void test_rule_info(void **state)
{
    fixture *fx = *state;
    assert_int_equal(sw_ruleset_rule_count(fx->rules), 5);
    sw_rule_info info;
    assert_int_equal(sw_ruleset_rule(fx->rules, 5, &info), SW_ERR_ARG);
    assert_int_equal(sw_ruleset_rule(fx->rules, 4, &info), SW_OK);
    assert_string_equal(info.id, "unstable");
    assert_int_equal(info.status, SW_VALIDATION_PRODUCTION);
    assert_string_equal(info.author, "Lead");
    assert_string_equal(info.reviewer, "Psychiatrist");
    assert_string_equal(info.version, "2.0.0");
    assert_string_equal(info.reviewed, "2026-11-01");
    assert_int_equal(strncmp(info.text, "rule unstable", 13), 0);
    assert_int_equal(sw_ruleset_rule(fx->rules, 0, &info), SW_OK);
    assert_string_equal(info.id, "back_to_engagement");
    assert_null(info.author);
    assert_string_equal(info.reviewed, "");
    assert_string_equal(sw_validation_name(SW_VALIDATION_RETIRED), "retired");
    assert_string_equal(sw_validation_name((sw_validation)9), "?");
}

static void test_production_mode(void **state)
{
    fixture *fx = *state;
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_ruleset_require_production(fx->rules, d), SW_ERR_RULES);
    assert_int_equal(sw_diagnostics_count(d), 3);
    const sw_diagnostic *g = sw_diagnostics_at(d, 2);
    assert_string_equal(g->code, "A001");
    assert_string_equal(g->message, "rule 'to_persuasion' has status testing, not production");
    assert_string_equal(g->file, "test.sw");
    assert_int_equal(g->column, 6);
    assert_string_equal(g->source_line, "rule to_persuasion \"Engaged: move on\"");
    sw_diagnostics_free(d);

    sw_ruleset *rs = NULL;
    assert_int_equal(fixture_load(FIXTURE_HEADER "rule ok \"x\" status production when phq9 > 1 "
                                  "then risk suicide end\n", &rs, NULL), SW_OK);
    assert_int_equal(sw_ruleset_require_production(rs, NULL), SW_OK);
    sw_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_tree),
        cmocka_unit_test(test_explain_fired_and_all),
        cmocka_unit_test(test_explain_unknown_rule),
        cmocka_unit_test(test_why_not_comparison_and_missing),
        cmocka_unit_test(test_why_not_or_alternatives),
        cmocka_unit_test(test_why_not_produced_and_not_in),
        cmocka_unit_test(test_why_not_stage_policy),
        cmocka_unit_test(test_why_not_bad_questions),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_rule_info),
        cmocka_unit_test(test_production_mode),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
