/*
 * test_levels.c - results at the cost asked for (sw_evaluate_with): an outputs-only
 * result names the same recommendations, advice, challenges, risks, stage verdict
 * and data gaps as the full report, for every example client; one result reused
 * client after client gives what fresh ones give; the facts' SHA-256 is there only
 * when provenance is asked for.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stagewise.h"
#include "support.h"

static void same_items(const sw_item *a, size_t na, const sw_item *b, size_t nb, int outputs)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(a[i].id, b[i].id);
        assert_int_equal(a[i].priority, b[i].priority);
        assert_int_equal(a[i].severity, b[i].severity);
        if (outputs) {
            assert_int_equal(b[i].nreasons, 0);
            assert_int_equal(b[i].ncitations, 0);
        }
    }
}

/* b (outputs only) says what a (full) says. */
static void same_outputs(const sw_report *a, const sw_report *b, int outputs)
{
    same_items(a->recommendations, a->nrecommendations, b->recommendations, b->nrecommendations,
               outputs);
    same_items(a->advice, a->nadvice, b->advice, b->nadvice, outputs);
    same_items(a->challenges, a->nchallenges, b->challenges, b->nchallenges, outputs);
    same_items(a->risks, a->nrisks, b->risks, b->nrisks, outputs);
    assert_int_equal(opt_strcmp(a->stage.current, b->stage.current), 0);
    assert_int_equal(opt_strcmp(a->stage.suggested, b->stage.suggested), 0);
    assert_int_equal(a->stage.direction, b->stage.direction);
    assert_int_equal(a->stage.status, b->stage.status);
    assert_int_equal(a->stage.ncandidates, b->stage.ncandidates);
    for (size_t i = 0; i < a->stage.ncandidates; i++) {
        assert_string_equal(a->stage.candidates[i].stage, b->stage.candidates[i].stage);
        assert_int_equal(a->stage.candidates[i].chosen, b->stage.candidates[i].chosen);
    }
    assert_int_equal(a->stage.nundecided_rules, b->stage.nundecided_rules);
    assert_int_equal(a->ngaps, b->ngaps);
    for (size_t i = 0; i < a->ngaps; i++) {
        assert_string_equal(a->gaps[i].fact, b->gaps[i].fact);
        assert_int_equal(a->gaps[i].rank, b->gaps[i].rank);
        assert_int_equal(a->gaps[i].nrules, b->gaps[i].nrules);
    }
    assert_int_equal(a->rules_fired, b->rules_fired);
    assert_int_equal(a->rules_undecided, b->rules_undecided);
    assert_int_equal(a->rules_total, b->rules_total);
}

static void test_outputs_agree_with_full_on_every_example_client(void **state)
{
    (void)state;
    const char *paths[] = {SW_SOURCE_DIR "/rules"};
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_files(paths, 1, &rules, diags), SW_OK);
    sw_result *outputs = NULL, *full = NULL;
    assert_int_equal(sw_result_new(rules, &outputs), SW_OK);
    assert_int_equal(sw_result_new(rules, &full), SW_OK);
    sw_eval_options out_opt = {SW_RESULT_OUTPUTS, 0};
    test_file files[64];
    size_t nfiles = read_example_clients(files, 64);
    size_t clients = 0, with_gaps = 0, with_risks = 0;
    for (size_t i = 0; i < nfiles; i++) {
        sw_facts *facts = NULL;
        assert_int_equal(sw_facts_parse(rules, files[i].name, files[i].text, files[i].len, &facts, diags), SW_OK);
        sw_result *fresh = NULL, *fresh_out = NULL;
        assert_int_equal(sw_evaluate(rules, facts, &fresh), SW_OK);
        const sw_report *ref = sw_result_report(fresh);
        /* outputs only, one result reused across clients, and a fresh one */
        assert_int_equal(sw_evaluate_with(rules, facts, &out_opt, outputs), SW_OK);
        same_outputs(ref, sw_result_report(outputs), 1);
        assert_null(sw_result_report(outputs)->provenance.facts_sha256);
        assert_int_equal(sw_result_report(outputs)->nderived, 0);
        assert_int_equal(sw_result_new(rules, &fresh_out), SW_OK);
        assert_int_equal(sw_evaluate_with(rules, facts, &out_opt, fresh_out), SW_OK);
        char *j1 = NULL, *j2 = NULL;
        assert_int_equal(sw_result_render(outputs, SW_FORMAT_JSON, &j1, NULL), SW_OK);
        assert_int_equal(sw_result_render(fresh_out, SW_FORMAT_JSON, &j2, NULL), SW_OK);
        assert_string_equal(j1, j2);
        sw_free(j1);
        sw_free(j2);
        /* full through a reused result renders byte for byte as sw_evaluate */
        assert_int_equal(sw_evaluate_with(rules, facts, NULL, full), SW_OK);
        same_outputs(ref, sw_result_report(full), 0);
        assert_int_equal(sw_result_render(fresh, SW_FORMAT_JSON, &j1, NULL), SW_OK);
        assert_int_equal(sw_result_render(full, SW_FORMAT_JSON, &j2, NULL), SW_OK);
        assert_string_equal(j1, j2);
        assert_non_null(sw_result_report(full)->provenance.facts_sha256);
        sw_free(j1);
        sw_free(j2);
        with_gaps += ref->ngaps > 0;
        with_risks += ref->nrisks > 0;
        sw_result_free(fresh_out);
        sw_result_free(fresh);
        sw_facts_free(facts);
        clients++;
    }
    free_files(files, nfiles);
    assert_true(clients >= 14);
    assert_true(with_gaps > 0 && with_risks > 0);
    sw_result_free(outputs);
    sw_result_free(full);
    sw_ruleset_free(rules);
    sw_diagnostics_free(diags);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const char *paths[] = {SW_SOURCE_DIR "/rules"};
    sw_ruleset *rules = NULL, *other = NULL;
    assert_int_equal(sw_ruleset_load_files(paths, 1, &rules, NULL), SW_OK);
    assert_int_equal(sw_ruleset_load_files(paths, 1, &other, NULL), SW_OK);
    sw_facts *facts = NULL;
    assert_int_equal(sw_facts_new(rules, &facts), SW_OK);
    sw_result *res = NULL;
    assert_int_equal(sw_result_new(NULL, &res), SW_ERR_ARG);
    assert_int_equal(sw_result_new(other, &res), SW_OK);
    /* a result belongs to the rules it was made for */
    assert_int_equal(sw_evaluate_with(rules, facts, NULL, res), SW_ERR_ARG);
    sw_result_free(res);
    assert_int_equal(sw_result_new(rules, &res), SW_OK);
    sw_eval_options bad = {7, 0};
    assert_int_equal(sw_evaluate_with(rules, facts, &bad, res), SW_ERR_ARG);
    sw_eval_options prov = {SW_RESULT_OUTPUTS, 1};
    assert_int_equal(sw_evaluate_with(rules, facts, &prov, res), SW_OK);
    assert_non_null(sw_result_report(res)->provenance.facts_sha256);
    assert_int_equal(strlen(sw_result_report(res)->provenance.facts_sha256), 64);
    /* a decision record needs the full result with provenance: replay reproduces it */
    char *record = NULL;
    assert_int_equal(sw_record_render(rules, facts, res, NULL, &record, NULL), SW_ERR_ARG);
    assert_null(record);
    sw_eval_options noprov = {SW_RESULT_FULL, 0};
    assert_int_equal(sw_evaluate_with(rules, facts, &noprov, res), SW_OK);
    assert_int_equal(sw_record_render(rules, facts, res, NULL, &record, NULL), SW_ERR_ARG);
    assert_int_equal(sw_evaluate_with(rules, facts, NULL, res), SW_OK);
    assert_int_equal(sw_record_render(rules, facts, res, NULL, &record, NULL), SW_OK);
    assert_non_null(record);
    sw_free(record);
    /* a failed evaluation leaves nothing to record */
    assert_int_equal(sw_evaluate_with(rules, facts, &bad, res), SW_ERR_ARG);
    assert_int_equal(sw_record_render(rules, facts, res, NULL, &record, NULL), SW_ERR_ARG);
    sw_result_free(res);
    sw_facts_free(facts);
    sw_ruleset_free(other);
    sw_ruleset_free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outputs_agree_with_full_on_every_example_client),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
