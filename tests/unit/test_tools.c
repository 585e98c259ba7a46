/*
 * test_tools.c - the authoring tools through the public API only (stagewise.h), as
 * an embedder or the command calls them: scenario sets read and run into a report
 * (counts, ok with and without a coverage minimum, text and JSON), a refused
 * scenario document counted as not run, lint's findings as JSON read back by the
 * library's own reader's consumer (jq in the golden tests; here the fields), the
 * statement table with its NOT ENCODED count, and the coverage minimum parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rules_fixture.h"

#define RULES                                                                   \
    FIXTURE_HEADER                                                              \
    "rule move_on \"Move on\" cites DD.eng_goal\n"                             \
    "when stage is engagement and not injecting\n"                             \
    "then move persuasion\n"                                                   \
    "end\n"

static sw_ruleset *load(void)
{
    sw_ruleset *rs = NULL;
    char *rendered = NULL;
    sw_status st = fixture_load(RULES, &rs, &rendered);
    if (st != SW_OK)
        print_error("%s", rendered);
    assert_int_equal(st, SW_OK);
    sw_free(rendered);
    return rs;
}

static const char scenarios_yaml[] =
    "scenario: moves_on\n"
    "facts: {stage: engagement, injecting: false}\n"
    "expect: {fired: [move_on], stage: {suggested: persuasion}}\n"
    "---\n"
    "scenario: wrongly_expected\n"
    "facts: {stage: engagement, injecting: true}\n"
    "expect: {fired: [move_on]}\n";

static void test_scenarios_run_and_report(void **state)
{
    (void)state;
    sw_ruleset *rs = load();
    sw_scenarios *set = NULL;
    assert_int_equal(sw_scenarios_new(rs, &set), SW_OK);
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_scenarios_read(set, "t.yaml", scenarios_yaml, strlen(scenarios_yaml), d), SW_OK);
    assert_int_equal(sw_diagnostics_count(d), 0);
    assert_int_equal(sw_scenarios_count(set), 2);
    assert_int_equal(sw_scenarios_rejected(set), 0);

    sw_test_report *report = NULL;
    assert_int_equal(sw_scenarios_run(set, &report), SW_OK);
    size_t passed = 9, failed = 9, not_run = 9;
    sw_test_report_counts(report, &passed, &failed, &not_run);
    assert_int_equal(passed, 1);
    assert_int_equal(failed, 1);
    assert_int_equal(not_run, 0);
    assert_false(sw_test_report_ok(report, NULL));

    char *text = NULL;
    size_t len = 0;
    assert_int_equal(sw_test_report_render(report, SW_FORMAT_TEXT, 1, NULL, &text, &len), SW_OK);
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "wrongly_expected"));
    assert_null(strstr(text, "moves_on"));   /* quiet: failures only */
    sw_free(text);
    assert_int_equal(sw_test_report_render(report, SW_FORMAT_JSON, 0, NULL, &text, NULL), SW_OK);
    assert_non_null(strstr(text, "\"moves_on\""));
    sw_free(text);
    assert_int_equal(sw_test_report_render(report, SW_FORMAT_YAML, 0, NULL, &text, NULL), SW_ERR_ARG);
    assert_null(text);
    sw_test_report_free(report);

    /* a refused document is counted, not run */
    sw_diagnostics_clear(d);
    const char *bad = "scenario: broken\nfacts: {stage: nowhere}\n";
    assert_int_equal(sw_scenarios_read(set, "bad.yaml", bad, strlen(bad), d), SW_ERR_FACTS);
    assert_true(sw_diagnostics_error_count(d) > 0);
    assert_int_equal(sw_scenarios_rejected(set), 1);
    assert_int_equal(sw_scenarios_run(set, &report), SW_OK);
    sw_test_report_counts(report, NULL, NULL, &not_run);
    assert_int_equal(not_run, 1);
    sw_test_report_free(report);
    sw_diagnostics_free(d);
    sw_scenarios_free(set);
    sw_ruleset_free(rs);
}

static void test_coverage_minimum_decides_ok(void **state)
{
    (void)state;
    sw_ruleset *rs = load();
    sw_scenarios *set = NULL;
    assert_int_equal(sw_scenarios_new(rs, &set), SW_OK);
    /* only the passing scenario: the one rule fired, so rules coverage is 100 % */
    size_t first = strstr(scenarios_yaml, "---\n") - scenarios_yaml;
    assert_int_equal(sw_scenarios_read(set, "t.yaml", scenarios_yaml, first, NULL), SW_OK);
    sw_test_report *report = NULL;
    assert_int_equal(sw_scenarios_run(set, &report), SW_OK);
    sw_coverage_minimum min;
    sw_coverage_minimum_init(&min);
    char error[128];
    assert_true(sw_coverage_minimum_parse(&min, "100", error, sizeof error));
    assert_true(sw_test_report_ok(report, &min));
    /* the condition was never seen false or unknown: 100 % of conditions is not met */
    assert_true(sw_coverage_minimum_parse(&min, "conditions=100", error, sizeof error));
    assert_false(sw_test_report_ok(report, &min));
    assert_false(sw_coverage_minimum_parse(&min, "branches=50", error, sizeof error));
    assert_true(strlen(error) > 0);
    assert_false(sw_coverage_minimum_parse(&min, "rules=101", error, sizeof error));
    sw_test_report_free(report);
    sw_scenarios_free(set);
    sw_ruleset_free(rs);
}

static void test_lint_json_and_statements(void **state)
{
    (void)state;
    /* a rule that can never fire: L002 */
    const char *text = RULES "rule never \"Never\" cites DD.eng_goal\n"
                             "when phq9 > 20 and phq9 < 10\nthen recommend outreach\nend\n";
    sw_source_text src = {"never.sw", text, strlen(text)};
    sw_diagnostics *d = sw_diagnostics_new();
    sw_lint_summary summary;
    sw_status st = sw_lint_texts(&src, 1, d, &summary);
    if (st != SW_OK) {
        char *r = NULL;
        sw_diagnostics_render(d, &r, NULL);
        print_error("%s", r);
        sw_free(r);
    }
    assert_int_equal(st, SW_OK);
    assert_true(summary.findings >= 1);
    assert_int_equal(summary.rules, 2);
    char *json = NULL;
    size_t len = 0;
    assert_int_equal(sw_lint_render_json(d, &summary, &json, &len), SW_OK);
    assert_int_equal(strlen(json), len);
    assert_non_null(strstr(json, "\"file\": \"never.sw\""));
    assert_non_null(strstr(json, "\"rules\": 2"));
    assert_int_equal(json[len - 1], '\n');
    sw_free(json);
    sw_diagnostics_free(d);

    sw_ruleset *rs = load();
    char *table = NULL;
    size_t missing = 9;
    assert_int_equal(sw_statements_render(rs, SW_FORMAT_TEXT, &table, &len, &missing), SW_OK);
    assert_int_equal(missing, 0);   /* the one statement is cited */
    assert_non_null(strstr(table, "DD.eng_goal"));
    sw_free(table);
    assert_int_equal(sw_statements_render(rs, SW_FORMAT_YAML, &table, &len, &missing), SW_ERR_ARG);
    assert_null(table);
    sw_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios_run_and_report),
        cmocka_unit_test(test_coverage_minimum_decides_ok),
        cmocka_unit_test(test_lint_json_and_statements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
