/*
 * test_member_setter.c - a one-of fact set by its member's number
 * (sw_ruleset_member, sw_facts_set_member_h) gives the facts the member's text
 * gives (sw_facts_set_text_h); numbers that are no member's, facts that are not
 * one-ofs and handles of another rule set are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stagewise.h"

static sw_ruleset *load(void)
{
    const char *paths[] = {SW_SOURCE_DIR "/rules"};
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_files(paths, 1, &rules, NULL), SW_OK);
    return rules;
}

/* The report of facts, as JSON (caller frees with sw_free). */
static char *report_of(const sw_ruleset *rules, const sw_facts *facts)
{
    sw_result *res = NULL;
    assert_int_equal(sw_evaluate(rules, facts, &res), SW_OK);
    char *json = NULL;
    assert_int_equal(sw_result_render(res, SW_FORMAT_JSON, &json, NULL), SW_OK);
    sw_result_free(res);
    return json;
}

static void test_member_by_number_is_member_by_text(void **state)
{
    (void)state;
    sw_ruleset *rules = load();
    const char *housing[] = {"stable", "supported", "temporary", "sofa_surfing", "rough_sleeping"};
    sw_fact_handle h = sw_ruleset_fact(rules, "housing"), stage = sw_ruleset_fact(rules, "stage");
    assert_non_null(h.program);
    assert_non_null(stage.program);
    int engagement = sw_ruleset_member(rules, stage, "engagement");
    assert_true(engagement >= 0);
    sw_facts *by_text = NULL, *by_number = NULL;
    assert_int_equal(sw_facts_new(rules, &by_text), SW_OK);
    assert_int_equal(sw_facts_new(rules, &by_number), SW_OK);
    char *prev = NULL;
    for (int k = 0; k < 5; k++) {
        int m = sw_ruleset_member(rules, h, housing[k]);
        assert_int_equal(m, k);   /* the declared order */
        sw_facts_reset(by_text);
        sw_facts_reset(by_number);
        assert_int_equal(sw_facts_set_text_h(by_text, stage, "engagement", NULL), SW_OK);
        assert_int_equal(sw_facts_set_text_h(by_text, h, housing[k], NULL), SW_OK);
        assert_int_equal(sw_facts_set_member_h(by_number, stage, engagement, NULL), SW_OK);
        assert_int_equal(sw_facts_set_member_h(by_number, h, m, NULL), SW_OK);
        char *a = report_of(rules, by_text), *b = report_of(rules, by_number);
        assert_string_equal(a, b);
        /* each member is a different client: the facts' digest in the report tells */
        if (prev)
            assert_string_not_equal(prev, b);
        sw_free(prev);
        sw_free(a);
        prev = b;
    }
    sw_free(prev);
    sw_facts_free(by_text);
    sw_facts_free(by_number);
    sw_ruleset_free(rules);
}

static void test_refusals(void **state)
{
    (void)state;
    sw_ruleset *rules = load(), *other = load();
    sw_fact_handle h = sw_ruleset_fact(rules, "housing");
    sw_fact_handle flag = sw_ruleset_fact(rules, "mistrust_of_services");
    sw_fact_handle elsewhere = sw_ruleset_fact(other, "housing");
    sw_fact_handle none = {NULL, 0};
    assert_non_null(flag.program);
    assert_int_equal(sw_ruleset_member(rules, h, "palace"), -1);
    assert_int_equal(sw_ruleset_member(rules, h, ""), -1);
    assert_int_equal(sw_ruleset_member(rules, h, NULL), -1);
    assert_int_equal(sw_ruleset_member(rules, flag, "true"), -1);   /* not a one-of */
    assert_int_equal(sw_ruleset_member(rules, elsewhere, "stable"), -1);
    assert_int_equal(sw_ruleset_member(rules, none, "stable"), -1);
    assert_int_equal(sw_ruleset_member(NULL, h, "stable"), -1);
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(rules, &f), SW_OK);
    sw_diagnostics *diags = sw_diagnostics_new();
    assert_int_equal(sw_facts_set_member_h(f, h, 5, diags), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_member_h(f, h, -1, diags), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_member_h(f, elsewhere, 0, diags), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_member_h(f, none, 0, diags), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_member_h(NULL, h, 0, diags), SW_ERR_ARG);
    assert_int_equal(sw_diagnostics_count(diags), 0);
    assert_int_equal(sw_facts_set_member_h(f, flag, 0, diags), SW_ERR_FACTS);
    assert_int_equal(sw_diagnostics_count(diags), 1);
    /* nothing refused was stored: the facts are as new */
    sw_facts *fresh = NULL;
    assert_int_equal(sw_facts_new(rules, &fresh), SW_OK);
    char *a = report_of(rules, f), *b = report_of(rules, fresh);
    assert_string_equal(a, b);
    sw_free(a);
    sw_free(b);
    sw_facts_free(fresh);
    sw_diagnostics_free(diags);
    sw_facts_free(f);
    sw_ruleset_free(other);
    sw_ruleset_free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_member_by_number_is_member_by_text),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
