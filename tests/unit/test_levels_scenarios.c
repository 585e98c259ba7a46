/*
 * test_levels_scenarios.c - outputs only (SW_RESULT_OUTPUTS) says what the full
 * report says for every scenario of the shipped rule base (every .yaml file in
 * rules/tests): the items of every kind with their priorities and severities, the stage verdict
 * with its candidates and undecided move rules, and every data gap with its rules,
 * rank and what it could decide. Both results are reused scenario after scenario,
 * as an integrator would, and the full one is checked against a fresh
 * sw_evaluate as well. And a rule reading a derived fact whose setter's
 * condition is long and mixed (its gaps worked out while the reader's are)
 * names the setter's missing facts.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stagewise.h"
#include "rules_fixture.h"
#include "support.h"

static void same_items(const sw_item_list *a, const sw_item_list *b)
{
    assert_string_equal(a->key, b->key);
    assert_int_equal(a->nitems, b->nitems);
    for (size_t i = 0; i < a->nitems; i++) {
        assert_string_equal(a->items[i].id, b->items[i].id);
        assert_int_equal(a->items[i].priority, b->items[i].priority);
        assert_int_equal(a->items[i].severity, b->items[i].severity);
        assert_int_equal(b->items[i].nreasons, 0);   /* outputs only: no reasons */
    }
}

/* out (outputs only) says what full says; counts what was compared in *seen. */
static void same_outputs(const sw_report *full, const sw_report *out, size_t seen[4])
{
    assert_int_equal(full->nkinds, out->nkinds);
    for (size_t k = 0; k < full->nkinds; k++) {
        same_items(&full->kinds[k], &out->kinds[k]);
        seen[0] += full->kinds[k].nitems;
    }
    const sw_stage_verdict *a = &full->stage, *b = &out->stage;
    assert_int_equal(opt_strcmp(a->current, b->current), 0);
    assert_int_equal(opt_strcmp(a->suggested, b->suggested), 0);
    assert_int_equal(a->direction, b->direction);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->provisional, b->provisional);
    assert_int_equal(a->conflicting, b->conflicting);
    assert_int_equal(a->ncandidates, b->ncandidates);
    for (size_t i = 0; i < a->ncandidates; i++) {
        assert_string_equal(a->candidates[i].stage, b->candidates[i].stage);
        assert_int_equal(a->candidates[i].direction, b->candidates[i].direction);
        assert_int_equal(a->candidates[i].chosen, b->candidates[i].chosen);
    }
    assert_int_equal(a->nundecided_rules, b->nundecided_rules);
    for (size_t i = 0; i < a->nundecided_rules; i++)
        assert_string_equal(a->undecided_rules[i], b->undecided_rules[i]);
    seen[1] += a->ncandidates;
    assert_int_equal(full->ngaps, out->ngaps);
    for (size_t i = 0; i < full->ngaps; i++) {
        const sw_data_gap *x = &full->gaps[i], *y = &out->gaps[i];
        assert_string_equal(x->fact, y->fact);
        assert_int_equal(opt_strcmp(x->label, y->label), 0);
        assert_int_equal(x->rank, y->rank);
        assert_int_equal(x->could_raise_risk, y->could_raise_risk);
        assert_int_equal(x->risk_severity, y->risk_severity);
        assert_int_equal(x->could_recommend, y->could_recommend);
        assert_int_equal(x->priority, y->priority);
        assert_int_equal(x->could_move_stage, y->could_move_stage);
        assert_int_equal(x->nrules, y->nrules);
        for (size_t r = 0; r < x->nrules; r++)
            assert_string_equal(x->rules[r], y->rules[r]);
        seen[2] += x->nrules;
        seen[3] += x->could_raise_risk || x->could_recommend || x->could_move_stage;
    }
    assert_int_equal(full->rules_fired, out->rules_fired);
    assert_int_equal(full->rules_undecided, out->rules_undecided);
    assert_int_equal(full->rules_total, out->rules_total);
}

static void test_outputs_agree_with_full_on_every_scenario(void **state)
{
    (void)state;
    const char *paths[] = {SW_SOURCE_DIR "/rules"};
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_files(paths, 1, &rules, diags), SW_OK);
    sw_scenarios *set = NULL;
    assert_int_equal(sw_scenarios_new(rules, &set), SW_OK);
    DIR *d = opendir(SW_SOURCE_DIR "/rules/tests");
    assert_non_null(d);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (!(n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/rules/tests/%s", SW_SOURCE_DIR, e->d_name);
        size_t len;
        char *text = read_whole_file(path, &len);
        assert_int_equal(sw_scenarios_read(set, path, text, len, diags), SW_OK);
        free(text);
        files++;
    }
    closedir(d);
    assert_true(files >= 9);
    assert_int_equal(sw_scenarios_rejected(set), 0);
    size_t count = sw_scenarios_count(set);
    assert_true(count >= 400);

    sw_result *outputs = NULL, *full = NULL;
    assert_int_equal(sw_result_new(rules, &outputs), SW_OK);
    assert_int_equal(sw_result_new(rules, &full), SW_OK);
    sw_eval_options out_opt = {SW_RESULT_OUTPUTS, 0}, full_opt = {SW_RESULT_FULL, 1};
    size_t seen[4] = {0, 0, 0, 0}, with_gaps = 0;
    for (size_t i = 0; i < count; i++) {
        sw_scenario_info info;
        assert_int_equal(sw_scenarios_at(set, i, &info), SW_OK);
        /* outputs first, then full into its own result: neither may lean on the other */
        assert_int_equal(sw_evaluate_with(rules, info.facts, &out_opt, outputs), SW_OK);
        assert_int_equal(sw_evaluate_with(rules, info.facts, &full_opt, full), SW_OK);
        same_outputs(sw_result_report(full), sw_result_report(outputs), seen);
        /* the reused full result is what a fresh evaluation gives */
        sw_result *fresh = NULL;
        assert_int_equal(sw_evaluate(rules, info.facts, &fresh), SW_OK);
        size_t ignored[4] = {0, 0, 0, 0};
        same_outputs(sw_result_report(fresh), sw_result_report(outputs), ignored);
        char *j1 = NULL, *j2 = NULL;
        assert_int_equal(sw_result_render(fresh, SW_FORMAT_JSON, &j1, NULL), SW_OK);
        assert_int_equal(sw_result_render(full, SW_FORMAT_JSON, &j2, NULL), SW_OK);
        assert_string_equal(j1, j2);
        sw_free(j1);
        sw_free(j2);
        sw_result_free(fresh);
        with_gaps += sw_result_report(full)->ngaps > 0;
    }
    /* the comparison compared something: items, candidates, gaps' rules, decisive gaps */
    assert_true(seen[0] > 0 && seen[1] > 0 && seen[2] > 0 && seen[3] > 0);
    assert_true(with_gaps > 0);
    sw_result_free(outputs);
    sw_result_free(full);
    sw_scenarios_free(set);
    sw_ruleset_free(rules);
    sw_diagnostics_free(diags);
}

static void test_derived_fact_behind_a_long_mixed_condition(void **state)
{
    (void)state;
    /* the setter: 150 "or"s under one "and" (a skeleton of some 600 entries, worked
     * out in the middle of the reader's) */
    size_t cap = 64 * 1024, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    n += (size_t)snprintf(text + n, cap - n, "%s", FIXTURE_HEADER "derived wider: bool \"A wider need\"\n"
                          "rule sets_wider \"Sets wider\"\nwhen\n  (housing is stable or injecting)\n");
    for (int k = 1; k <= 150; k++)
        n += (size_t)snprintf(text + n, cap - n, "  and (phq9 > %d or bmi > %d.5)\n", k % 27, 10 + k % 60);
    n += (size_t)snprintf(text + n, cap - n, "then\n  set wider = true\nend\n"
                          "rule reads_wider \"Reads wider\"\nwhen\n  stage is engagement\n"
                          "  and (wider or injecting)\nthen\n  advise empathy\nend\n");
    assert_true(n < cap);
    sw_ruleset *rules = NULL;
    char *diag = NULL;
    sw_status st = fixture_load(text, &rules, &diag);
    if (st != SW_OK)
        fprintf(stderr, "%s\n", diag ? diag : "");
    assert_int_equal(st, SW_OK);
    sw_free(diag);
    free(text);
    sw_facts *facts = NULL;
    assert_int_equal(sw_facts_new(rules, &facts), SW_OK);
    assert_int_equal(sw_facts_set_text(facts, "stage", "engagement", NULL), SW_OK);
    sw_result *outputs = NULL;
    assert_int_equal(sw_result_new(rules, &outputs), SW_OK);
    sw_eval_options out_opt = {SW_RESULT_OUTPUTS, 0};
    for (int pass = 0; pass < 2; pass++) {   /* a fresh workspace, then a reused one */
        assert_int_equal(sw_evaluate_with(rules, facts, &out_opt, outputs), SW_OK);
        sw_result *full = NULL;
        assert_int_equal(sw_evaluate(rules, facts, &full), SW_OK);
        size_t seen[4] = {0, 0, 0, 0};
        same_outputs(sw_result_report(full), sw_result_report(outputs), seen);
        const sw_report *rep = sw_result_report(outputs);
        assert_int_equal(rep->rules_undecided, 2);
        const char *facts_wanted[] = {"bmi", "housing", "injecting", "phq9"};
        assert_int_equal(rep->ngaps, 4);
        for (size_t i = 0; i < 4; i++) {
            assert_string_equal(rep->gaps[i].fact, facts_wanted[i]);
            assert_int_equal(rep->gaps[i].nrules, 2);   /* both rules wait on each */
            assert_string_equal(rep->gaps[i].rules[0], "reads_wider");
            assert_string_equal(rep->gaps[i].rules[1], "sets_wider");
        }
        sw_result_free(full);
    }
    sw_result_free(outputs);
    sw_facts_free(facts);
    sw_ruleset_free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outputs_agree_with_full_on_every_scenario),
        cmocka_unit_test(test_derived_fact_behind_a_long_mixed_condition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
