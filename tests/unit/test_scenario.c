/*
 * test_scenario.c - scenario tests: the reader (every diagnostic it gives), the
 * comparison (each kind of expectation holding and failing, with its exact
 * message and the rules involved), coverage arithmetic on small rule sets, the
 * --min-coverage thresholds and the statement table of `stagewise coverage`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rules_fixture.h"
#include "authoring/scenario.h"

/* Rules over the fixture's schema that the reader and comparison tests share. */
#define RULES                                                                      \
    "rule housing_first \"Housing first\" cites DD.eng_goal\n"                     \
    "when stage is engagement and housing in { rough_sleeping, temporary }\n"     \
    "then\n"                                                                       \
    "  challenge housing_instability\n"                                            \
    "  recommend housing_support priority urgent\n"                                \
    "end\n"                                                                        \
    "rule reach_out \"Reach out\"\n"                                               \
    "when stage is persuasion and injecting\n"                                     \
    "then\n"                                                                       \
    "  move engagement\n"                                                          \
    "  recommend outreach\n"                                                       \
    "  advise empathy\n"                                                           \
    "  risk overdose severity critical\n"                                          \
    "end\n"                                                                        \
    "rule move_on \"Move on\"\n"                                                   \
    "when stage is engagement and not injecting\n"                                 \
    "then move persuasion\n"                                                       \
    "end\n"                                                                        \
    "rule self_harm \"Self-harm\"\n"                                               \
    "when phq9 >= 20\n"                                                            \
    "then risk suicide\n"                                                          \
    "end\n"

/* ---- helpers ---- */

static sw_ruleset *load(const char *extra)
{
    size_t n = strlen(FIXTURE_HEADER) + strlen(extra) + 1;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s", FIXTURE_HEADER, extra);
    sw_ruleset *rs = NULL;
    char *rendered = NULL;
    sw_status st = fixture_load(text, &rs, &rendered);
    if (st != SW_OK)
        print_error("%s", rendered);
    assert_int_equal(st, SW_OK);
    sw_free(rendered);
    free(text);
    return rs;
}

/* Reads yaml as the file "t.yaml" into set; returns the rendered diagnostics
 * (caller frees with sw_free) and the status in *status. */
static char *read_yaml(sw_scenario_set *set, const char *yaml, sw_status *status)
{
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    *status = sw_scenario_read(set, "t.yaml", yaml, strlen(yaml), d);
    char *text = NULL;
    assert_int_equal(sw_diagnostics_render(d, &text, NULL), SW_OK);
    sw_diagnostics_free(d);
    return text;
}

/* Asserts that yaml gives exactly `expected` as diagnostics and `rejected`
 * refused documents. */
static void assert_read(const char *yaml, const char *expected, size_t rejected)
{
    sw_ruleset *rs = load(RULES);
    sw_scenario_set set;
    sw_scenario_set_init(&set, rs);
    sw_status st;
    char *text = read_yaml(&set, yaml, &st);
    assert_string_equal(text, expected);
    assert_int_equal(set.rejected, rejected);
    assert_int_equal(st, strstr(expected, "error[") ? SW_ERR_FACTS : SW_OK);
    sw_free(text);
    sw_scenario_set_free(&set);
    sw_ruleset_free(rs);
}

/* Runs every scenario of yaml (which must read cleanly) against rules and
 * returns the quiet text report (caller frees). */
static char *run_yaml(const char *rules, const char *yaml)
{
    sw_ruleset *rs = load(rules);
    sw_scenario_set set;
    sw_scenario_set_init(&set, rs);
    sw_status st;
    char *diags = read_yaml(&set, yaml, &st);
    assert_string_equal(diags, "");
    sw_free(diags);
    sw_test_run run;
    assert_int_equal(sw_test_run_init(&run, rs), SW_OK);
    for (size_t i = 0; i < set.count; i++)
        assert_int_equal(sw_test_run_scenario(&run, &set.items[i]), SW_OK);
    sw_buf out = SW_BUF_INIT;
    sw_test_render view = {1, NULL};
    assert_int_equal(sw_test_render_text(&run, &view, &out), SW_OK);
    sw_test_run_free(&run);
    sw_scenario_set_free(&set);
    sw_ruleset_free(rs);
    return sw_buf_take(&out, NULL);
}

/* Asserts the quiet report of one run of yaml against RULES. */
static void assert_run(const char *yaml, const char *expected)
{
    char *text = run_yaml(RULES, yaml);
    assert_string_equal(text, expected);
    free(text);
}

/* ==== The reader ============================================================ */

static void test_reads_every_part(void **state)
{
    (void)state;
    sw_ruleset *rs = load(RULES);
    sw_scenario_set set;
    sw_scenario_set_init(&set, rs);
    sw_status st;
    char *diags = read_yaml(&set,
                            "# two scenarios\n"
                            "---\n"
                            "scenario: first\n"
                            "description: The first one\n"
                            "client: c-1\n"
                            "assessed_on: 2026-11-20\n"
                            "facts:\n"
                            "  stage: engagement\n"
                            "  phq9: 12\n"
                            "  bmi: 22.5\n"
                            "  injecting: false\n"
                            "  substances: [opioids, crack]\n"
                            "  released_on: 2026-11-01\n"
                            "  note: \"Keyworker visits Tuesdays\"\n"
                            "  housing: null\n"
                            "expect:\n"
                            "  recommend: [housing_support]\n"
                            "  risks: {suicide: critical}\n"
                            "  stage: {current: engagement, suggested: unknown, direction: stay}\n"
                            "  gaps: [housing, assessed_on]\n"
                            "  undecided: [housing_first]\n"
                            "---\n"
                            "---\n"
                            "scenario: second\n"
                            "expect: {not_fired: [move_on]}\n",
                            &st);
    assert_string_equal(diags, "");
    assert_int_equal(st, SW_OK);
    assert_int_equal(set.count, 2);
    assert_int_equal(set.rejected, 0);

    const sw_scenario *a = &set.items[0];
    assert_string_equal(a->name, "first");
    assert_string_equal(a->description, "The first one");
    assert_string_equal(a->file, "t.yaml");
    assert_int_equal(a->line, 3);
    assert_string_equal(sw_facts_client(a->facts), "c-1");
    sw_buf canon = SW_BUF_INIT;
    sw_facts_canonical(a->facts, &canon);
    assert_string_equal(canon.data, "assessed_on=2026-11-20\n"
                                    "bmi=22.5\n"
                                    "housing=unknown\n"
                                    "injecting=false\n"
                                    "note=\"Keyworker visits Tuesdays\"\n"
                                    "phq9=12\n"
                                    "released_on=2026-11-01\n"
                                    "stage=engagement\n"
                                    "substances={opioids, crack}\n");
    sw_buf_free(&canon);

    static const struct {
        uint8_t kind;
        const char *name;
        unsigned line, column;
    } want[] = {
        {SW_EXPECT_ITEM(SW_ITEM_INTERVENTION), "housing_support", 17, 15},
        {SW_EXPECT_ITEM(SW_ITEM_RISK), "suicide", 18, 11},
        {SW_EXPECT_STAGE_CURRENT, "engagement", 19, 20},
        {SW_EXPECT_STAGE_SUGGESTED, "unknown", 19, 43},
        {SW_EXPECT_STAGE_DIRECTION, "stay", 19, 63},
        {SW_EXPECT_GAP, "housing", 20, 10},
        {SW_EXPECT_GAP, "assessed_on", 20, 19},
        {SW_EXPECT_UNDECIDED, "housing_first", 21, 15},
    };
    assert_int_equal(a->nexpects, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < a->nexpects; i++) {
        assert_int_equal(a->expects[i].kind, want[i].kind);
        assert_string_equal(a->expects[i].name, want[i].name);
        assert_int_equal(a->expects[i].line, want[i].line);
        assert_int_equal(a->expects[i].column, want[i].column);
    }
    assert_int_equal(a->expects[1].severity, SW_SEVERITY_CRITICAL);
    assert_int_equal(a->expects[3].target, SW_NONE);
    assert_int_equal(a->expects[4].target, SW_DIRECTION_STAY);
    assert_int_equal(a->expects[6].target, SW_SCENARIO_ASSESSED_ON);

    const sw_scenario *b = &set.items[1];
    assert_string_equal(b->name, "second");
    assert_null(b->description);
    assert_int_equal(b->line, 24);
    assert_int_equal(b->nexpects, 1);
    assert_int_equal(b->expects[0].kind, SW_EXPECT_NOT_FIRED);
    sw_free(diags);
    sw_scenario_set_free(&set);
    sw_ruleset_free(rs);
}

static void test_yaml_syntax_error(void **state)
{
    (void)state;
    assert_read("scenario: ok\n"
                "expect: {fired: [move_on]}\n"
                "---\n"
                "scenario: broken\n"
                "expect: {fired: [move_on}\n"
                "---\n"
                "scenario: never_read\n",
                "t.yaml:5:25: error[T001]: the scenario file is not valid YAML: did not find "
                "expected ',' or ']' (while parsing a flow sequence that starts at line 5, "
                "column 17)\n"
                "    5 | expect: {fired: [move_on}\n"
                "      |                         ^\n"
                "      = hint: check the brackets, quotes, colons and indentation here and on the "
                "line before\n",
                1);
}

static void test_document_shapes(void **state)
{
    (void)state;
    assert_read("- one\n"
                "---\n"
                "description: no name\n"
                "expect: {fired: [move_on]}\n"
                "---\n"
                "scenario: [a, b]\n"
                "expect: {fired: [move_on]}\n",
                "t.yaml:1:1: error[T002]: a scenario must be a mapping with scenario, facts and "
                "expect, not a list\n"
                "    1 | - one\n"
                "      | ^\n"
                "      = hint: start the document with scenario: NAME\n"
                "t.yaml:3:1: error[T004]: this scenario has no name\n"
                "    3 | description: no name\n"
                "      | ^\n"
                "      = hint: add scenario: NAME as the document's first line\n"
                "t.yaml:6:11: error[T004]: a scenario's name must be a single value, not a list\n"
                "    6 | scenario: [a, b]\n"
                "      |           ^\n"
                "      = hint: write e.g. scenario: phq9_item9_positive_fires\n",
                3);
}

static void test_unknown_and_repeated_keys(void **state)
{
    (void)state;
    assert_read("scenario: a\n"
                "phq9: 3\n"
                "fired: [move_on]\n"
                "descripton: typo\n"
                "scenario: again\n"
                "expect: {fired: [move_on]}\n"
                "---\n"
                "scenario: a\n"
                "expect: {fired: [move_on]}\n",
                "t.yaml:2:1: error[T003]: unknown key 'phq9' in a scenario\n"
                "    2 | phq9: 3\n"
                "      | ^\n"
                "      = hint: 'phq9' is a fact: put it under facts:\n"
                "t.yaml:3:1: error[T003]: unknown key 'fired' in a scenario\n"
                "    3 | fired: [move_on]\n"
                "      | ^\n"
                "      = hint: 'fired' is an expectation: put it under expect:\n"
                "t.yaml:4:1: error[T003]: unknown key 'descripton' in a scenario\n"
                "    4 | descripton: typo\n"
                "      | ^\n"
                "      = hint: did you mean 'description'?\n"
                "t.yaml:5:1: error[T010]: 'scenario' is given twice; the first is at line 1\n"
                "    5 | scenario: again\n"
                "      | ^\n"
                "      = hint: keep one of them\n"
                "t.yaml:8:11: error[T005]: scenario 'a' is already defined at line 1\n"
                "    8 | scenario: a\n"
                "      |           ^\n"
                "      = hint: give each scenario of a file its own name\n",
                2);
}

static void test_bad_facts(void **state)
{
    (void)state;
    assert_read("scenario: a\n"
                "assessed_on: 20/11/2026\n"
                "facts:\n"
                "  stage: engagment\n"
                "  housng: stable\n"
                "  phq9: \"12\"\n"
                "  bmi: 90.5\n"
                "  injecting: yes\n"
                "  substances: [opioids, opioids, heroin]\n"
                "  released_on: 2026-02-30\n"
                "  note: [a]\n"
                "  phq9: 3\n"
                "expect: {fired: [move_on]}\n",
                "t.yaml:2:14: error[F009]: 'assessed_on' must be a date written YYYY-MM-DD, not "
                "20/11/2026\n"
                "    2 | assessed_on: 20/11/2026\n"
                "      |              ^\n"
                "      = hint: write a real date as YYYY-MM-DD, from 1900-01-01 to 9999-12-31, e.g. "
                "2026-11-20\n"
                "t.yaml:4:10: error[F006]: 'stage' must be one of engagement, persuasion, "
                "active_treatment, relapse_prevention, not engagment\n"
                "    4 |   stage: engagment\n"
                "      |          ^\n"
                "      = hint: did you mean 'engagement'?\n"
                "t.yaml:5:3: error[F003]: unknown fact 'housng': the rule set declares no fact of "
                "that name\n"
                "    5 |   housng: stable\n"
                "      |   ^\n"
                "      = hint: did you mean 'housing'?\n"
                "t.yaml:6:9: error[F004]: 'phq9' must be a whole number from 0 to 27, not the "
                "text \"12\"\n"
                "    6 |   phq9: \"12\"\n"
                "      |         ^\n"
                "      = hint: remove the quotes: a number in quotes is text\n"
                "t.yaml:7:8: error[F005]: 'bmi' must be a number from 10 to 80, not 90.5\n"
                "    7 |   bmi: 90.5\n"
                "      |        ^\n"
                "t.yaml:8:14: error[F004]: 'injecting' must be true or false, not the text "
                "\"yes\"\n"
                "    8 |   injecting: yes\n"
                "      |              ^\n"
                "      = hint: write true or false\n"
                "t.yaml:9:25: error[F007]: 'opioids' is listed twice in 'substances'\n"
                "    9 |   substances: [opioids, opioids, heroin]\n"
                "      |                         ^\n"
                "      = hint: list each member once\n"
                "t.yaml:9:34: error[F006]: each member of 'substances' must be one of opioids, "
                "alcohol, crack, not heroin\n"
                "    9 |   substances: [opioids, opioids, heroin]\n"
                "      |                                  ^\n"
                "t.yaml:10:16: error[F009]: 'released_on' must be a real calendar date, not "
                "2026-02-30\n"
                "   10 |   released_on: 2026-02-30\n"
                "      |                ^\n"
                "      = hint: write a real date as YYYY-MM-DD, from 1900-01-01 to 9999-12-31, e.g. "
                "2026-11-20\n"
                "t.yaml:11:9: error[F004]: 'note' must be text, not a list\n"
                "   11 |   note: [a]\n"
                "      |         ^\n"
                "      = hint: write one value\n"
                "t.yaml:12:3: error[F007]: 'phq9' is given twice; the first is at line 6\n"
                "   12 |   phq9: 3\n"
                "      |   ^\n"
                "      = hint: keep one of them\n",
                1);
}

static void test_bad_expectations(void **state)
{
    (void)state;
    assert_read("scenario: a\n"
                "expect:\n"
                "  recomend: [outreach]\n"
                "  recommend: [outreech, empathy]\n"
                "  advise: {empathy: yes}\n"
                "  challenges: [[housing_instability]]\n"
                "  risks: [suicide]\n"
                "  not_risks: [suicde]\n"
                "  gaps: [hosing]\n"
                "  fired: [move_of]\n"
                "  stage: {current: engagment, direction: sideways, next: persuasion}\n",
                "t.yaml:3:3: error[T006]: unknown key 'recomend' in expect\n"
                "    3 |   recomend: [outreach]\n"
                "      |   ^\n"
                "      = hint: did you mean 'recommend'?\n"
                "t.yaml:4:15: error[T008]: unknown intervention 'outreech': the rule set declares "
                "no intervention of that name\n"
                "    4 |   recommend: [outreech, empathy]\n"
                "      |               ^\n"
                "      = hint: did you mean 'outreach'?\n"
                "t.yaml:4:25: error[T008]: unknown intervention 'empathy': the rule set declares "
                "no intervention of that name\n"
                "    4 |   recommend: [outreech, empathy]\n"
                "      |                         ^\n"
                "      = hint: 'empathy' is a practice: expect it under advise or not_advise\n"
                "t.yaml:5:11: error[T007]: 'advise' must be a list of ids, not a mapping\n"
                "    5 |   advise: {empathy: yes}\n"
                "      |           ^\n"
                "      = hint: write a list, e.g. [a, b]\n"
                "t.yaml:6:16: error[T007]: each entry of 'challenges' must be one id, not a list\n"
                "    6 |   challenges: [[housing_instability]]\n"
                "      |                ^\n"
                "      = hint: write one id per entry, e.g. [a, b]\n"
                "t.yaml:7:10: error[T007]: 'risks' must be a mapping of risk to severity, not a "
                "list\n"
                "    7 |   risks: [suicide]\n"
                "      |          ^\n"
                "      = hint: write each risk with its severity, e.g. risks: {suicide: critical}\n"
                "t.yaml:8:15: error[T008]: unknown risk 'suicde': the rule set declares no risk "
                "of that name\n"
                "    8 |   not_risks: [suicde]\n"
                "      |               ^\n"
                "      = hint: did you mean 'suicide'?\n"
                "t.yaml:9:10: error[T008]: unknown fact 'hosing': the rule set declares no fact "
                "of that name\n"
                "    9 |   gaps: [hosing]\n"
                "      |          ^\n"
                "      = hint: did you mean 'housing'?\n"
                "t.yaml:10:11: error[T008]: unknown rule 'move_of': the rule set declares no rule "
                "of that name\n"
                "   10 |   fired: [move_of]\n"
                "      |           ^\n"
                "      = hint: did you mean 'move_on'?\n"
                "t.yaml:11:20: error[T008]: unknown stage 'engagment': the stages are those of "
                "the rule set's order, or unknown\n"
                "   11 |   stage: {current: engagment, direction: sideways, next: persuasion}\n"
                "      |                    ^\n"
                "      = hint: did you mean 'engagement'?\n"
                "t.yaml:11:42: error[T009]: a direction must be one of stay, forward, back, "
                "unknown, not 'sideways'\n"
                "   11 |   stage: {current: engagment, direction: sideways, next: persuasion}\n"
                "      |                                          ^\n"
                "t.yaml:11:52: error[T006]: unknown key 'next' in stage\n"
                "   11 |   stage: {current: engagment, direction: sideways, next: persuasion}\n"
                "      |                                                    ^\n"
                "      = hint: stage takes current, suggested and direction\n",
                1);
}

static void test_bad_severity_and_shapes(void **state)
{
    (void)state;
    assert_read("scenario: a\n"
                "facts: [stage]\n"
                "expect:\n"
                "  risks: {suicide: high, overdose: [warning]}\n"
                "  stage: engagement\n"
                "---\n"
                "scenario: b\n"
                "expect: [fired]\n",
                "t.yaml:2:8: error[T007]: 'facts' must be a mapping of fact names to values, not a "
                "list\n"
                "    2 | facts: [stage]\n"
                "      |        ^\n"
                "      = hint: write the facts as a mapping, e.g. facts: {phq9: 12}\n"
                "t.yaml:4:20: error[T009]: a severity must be one of info, warning, critical, not "
                "'high'\n"
                "    4 |   risks: {suicide: high, overdose: [warning]}\n"
                "      |                    ^\n"
                "t.yaml:4:36: error[T009]: a severity must be one of info, warning, critical, not "
                "a list\n"
                "    4 |   risks: {suicide: high, overdose: [warning]}\n"
                "      |                                    ^\n"
                "t.yaml:5:10: error[T007]: 'stage' must be a mapping of current, suggested and "
                "direction, not a single value\n"
                "    5 |   stage: engagement\n"
                "      |          ^\n"
                "      = hint: write e.g. stage: {current: engagement, suggested: persuasion}\n"
                "t.yaml:8:9: error[T007]: 'expect' must be a mapping of expectations, not a list\n"
                "    8 | expect: [fired]\n"
                "      |         ^\n"
                "      = hint: write e.g. expect: {recommend: [cbt]}\n",
                2);
}

static void test_contradictions_and_repeats(void **state)
{
    (void)state;
    assert_read("scenario: a\n"
                "expect:\n"
                "  recommend: [outreach, outreach]\n"
                "  not_recommend: [outreach]\n"
                "  gaps: [phq9]\n"
                "  not_gaps: [phq9]\n"
                "  fired: [move_on]\n"
                "  undecided: [move_on]\n"
                "  not_fired: [self_harm]\n"
                "  undecided: [self_harm]\n",
                "t.yaml:10:3: error[T010]: 'undecided' is given twice; the first is at line 8\n"
                "   10 |   undecided: [self_harm]\n"
                "      |   ^\n"
                "      = hint: keep one of them\n"
                "t.yaml:3:25: error[T010]: 'outreach' is listed twice under 'recommend'; the first "
                "is at line 3\n"
                "    3 |   recommend: [outreach, outreach]\n"
                "      |                         ^\n"
                "      = hint: list it once\n"
                "t.yaml:4:19: error[T011]: 'outreach' cannot be expected under both 'recommend' "
                "(line 3) and 'not_recommend'\n"
                "    4 |   not_recommend: [outreach]\n"
                "      |                   ^\n"
                "      = hint: keep the expectation the guidance calls for\n"
                "t.yaml:6:14: error[T011]: 'phq9' cannot be expected under both 'gaps' (line 5) "
                "and 'not_gaps'\n"
                "    6 |   not_gaps: [phq9]\n"
                "      |              ^\n"
                "      = hint: keep the expectation the guidance calls for\n"
                "t.yaml:8:15: error[T011]: 'move_on' cannot be expected under both 'fired' (line "
                "7) and 'undecided'\n"
                "    8 |   undecided: [move_on]\n"
                "      |               ^\n"
                "      = hint: keep the expectation the guidance calls for\n",
                1);
}

static void test_warnings_do_not_refuse(void **state)
{
    (void)state;
    sw_ruleset *rs = load(RULES);
    sw_scenario_set set;
    sw_scenario_set_init(&set, rs);
    sw_status st;
    char *text = read_yaml(&set, "scenario: empty\nfacts: {phq9: 3}\n", &st);
    assert_string_equal(text, "t.yaml:1:1: warning[T012]: scenario 'empty' expects nothing, so "
                              "it cannot fail\n"
                              "    1 | scenario: empty\n"
                              "      | ^\n"
                              "      = hint: add an expect: block saying what the guidance must "
                              "conclude\n");
    assert_int_equal(st, SW_OK);
    assert_int_equal(set.count, 1);
    sw_free(text);
    text = read_yaml(&set, "# only a comment\n", &st);
    assert_string_equal(text, "t.yaml:1:1: warning[T013]: the file holds no scenarios\n"
                              "    1 | # only a comment\n"
                              "      | ^\n"
                              "      = hint: write one scenario per YAML document, each starting "
                              "with ---\n");
    assert_int_equal(st, SW_OK);
    assert_int_equal(set.count, 1);
    sw_free(text);
    sw_scenario_set_free(&set);
    sw_ruleset_free(rs);
}

/* ==== The comparison ======================================================== */

#define CLIENT                                                                     \
    "scenario: s\n"                                                                \
    "facts: {stage: engagement, housing: rough_sleeping, injecting: false, phq9: 3}\n"

static void test_recommendations(void **state)
{
    (void)state;
    assert_run(CLIENT "expect: {recommend: [housing_support], not_recommend: [outreach]}\n",
               "1 passed, 0 failed\n");
    assert_run(CLIENT "expect: {recommend: [outreach], not_recommend: [housing_support]}\n",
               "t.yaml:3: scenario s: expected outreach recommended, got not recommended\n"
               "    could be recommended by: reach_out (false)\n"
               "t.yaml:3: scenario s: expected housing_support not recommended, got "
               "recommended (priority urgent)\n"
               "    recommended by: housing_first\n"
               "\n"
               "0 passed, 1 failed\n");
}

static void test_advice_and_challenges(void **state)
{
    (void)state;
    assert_run(CLIENT "expect: {challenges: [housing_instability], not_advise: [empathy]}\n",
               "1 passed, 0 failed\n");
    assert_run(CLIENT "expect: {advise: [empathy], not_challenges: [housing_instability]}\n",
               "t.yaml:3: scenario s: expected empathy advised, got not advised\n"
               "    could be advised by: reach_out (false)\n"
               "t.yaml:3: scenario s: expected challenge housing_instability not flagged, got flagged\n"
               "    flagged by: housing_first\n"
               "\n"
               "0 passed, 1 failed\n");
    assert_run("scenario: s\n"
               "facts: {stage: persuasion, injecting: true}\n"
               "expect: {not_advise: [empathy], challenges: [housing_instability]}\n",
               "t.yaml:3: scenario s: expected empathy not advised, got advised\n"
               "    advised by: reach_out\n"
               "t.yaml:3: scenario s: expected challenge housing_instability flagged, got not flagged\n"
               "    could be flagged by: housing_first (false)\n"
               "\n"
               "0 passed, 1 failed\n");
}

static void test_risks(void **state)
{
    (void)state;
    assert_run("scenario: s\n"
               "facts: {stage: persuasion, injecting: true, phq9: 22}\n"
               "expect: {risks: {suicide: critical, overdose: critical}}\n",
               "1 passed, 0 failed\n");
    assert_run("scenario: s\n"
               "facts: {stage: persuasion, injecting: true, phq9: 22}\n"
               "expect: {risks: {overdose: warning}, not_risks: [suicide]}\n",
               "t.yaml:3: scenario s: expected risk overdose warning, got flagged critical\n"
               "    flagged by: reach_out (critical)\n"
               "t.yaml:3: scenario s: expected risk suicide not flagged, got flagged critical\n"
               "    flagged by: self_harm (critical)\n"
               "\n"
               "0 passed, 1 failed\n");
    assert_run("scenario: s\n"
               "facts: {stage: persuasion, phq9: 2}\n"
               "expect: {risks: {overdose: critical, suicide: critical}}\n",
               "t.yaml:3: scenario s: expected risk overdose critical, got not flagged\n"
               "    could be flagged by: reach_out (undecided; missing injecting)\n"
               "t.yaml:3: scenario s: expected risk suicide critical, got not flagged\n"
               "    could be flagged by: self_harm (false)\n"
               "\n"
               "0 passed, 1 failed\n");
}

static void test_stage_verdict(void **state)
{
    (void)state;
    assert_run(CLIENT "expect: {stage: {current: engagement, suggested: persuasion, direction: forward}}\n",
               "1 passed, 0 failed\n");
    assert_run(CLIENT "expect: {stage: {current: persuasion, suggested: engagement, direction: stay}}\n",
               "t.yaml:3: scenario s: expected current stage persuasion, got engagement\n"
               "t.yaml:3: scenario s: expected suggested stage engagement, got persuasion\n"
               "    move rules: move_on (fired; moves to persuasion), reach_out (false; would move to engagement)\n"
               "t.yaml:3: scenario s: expected direction stay, got forward\n"
               "    move rules: move_on (fired; moves to persuasion)\n"
               "\n"
               "0 passed, 1 failed\n");
    assert_run("scenario: s\n"
               "facts: {stage: persuasion}\n"
               "expect: {stage: {suggested: engagement, direction: back}}\n",
               "t.yaml:3: scenario s: expected suggested stage engagement, got persuasion\n"
               "    move rules: reach_out (undecided; would move to engagement; missing injecting)\n"
               "t.yaml:3: scenario s: expected direction back, got stay\n"
               "    move rules: reach_out (undecided; would move to engagement; missing injecting)\n"
               "\n"
               "0 passed, 1 failed\n");
    assert_run("scenario: s\n"
               "facts: {phq9: 1}\n"
               "expect: {stage: {current: unknown, suggested: unknown, direction: unknown}}\n",
               "1 passed, 0 failed\n");
    assert_run("scenario: s\n"
               "facts: {phq9: 1}\n"
               "expect: {stage: {current: engagement, direction: stay}}\n",
               "t.yaml:3: scenario s: expected current stage engagement, got unknown\n"
               "t.yaml:3: scenario s: expected direction stay, got unknown\n"
               "    move rules: move_on (undecided; would move to persuasion; missing injecting, stage), reach_out (undecided; would move to engagement; missing injecting, stage)\n"
               "\n"
               "0 passed, 1 failed\n");
}

static void test_gaps(void **state)
{
    (void)state;
    assert_run("scenario: s\n"
               "facts: {stage: engagement}\n"
               "expect: {gaps: [housing, injecting, phq9], not_gaps: [stage, assessed_on]}\n",
               "1 passed, 0 failed\n");
    assert_run("scenario: s\n"
               "assessed_on: 2026-11-20\n"
               "facts: {stage: engagement, housing: stable}\n"
               "expect: {gaps: [housing, bmi, assessed_on], not_gaps: [injecting]}\n",
               "t.yaml:4: scenario s: expected data gap housing, got no gap (housing is stable)\n"
               "t.yaml:4: scenario s: expected data gap bmi, got no gap (no undecided rule needs bmi)\n"
               "t.yaml:4: scenario s: expected data gap assessed_on, got no gap (assessed_on is 2026-11-20)\n"
               "t.yaml:4: scenario s: expected no data gap injecting, got a data gap\n"
               "    needed by undecided rules: move_on\n"
               "\n"
               "0 passed, 1 failed\n");
}

static void test_rule_truths(void **state)
{
    (void)state;
    assert_run(CLIENT "expect: {fired: [housing_first, move_on], not_fired: [reach_out, self_harm]}\n",
               "1 passed, 0 failed\n");
    assert_run("scenario: s\n"
               "facts: {stage: engagement, housing: stable}\n"
               "expect: {undecided: [move_on, self_harm], not_fired: [move_on]}\n",
               "1 passed, 0 failed\n");
    assert_run("scenario: s\n"
               "facts: {stage: engagement, housing: stable}\n"
               "expect: {fired: [housing_first, move_on], undecided: [reach_out], not_fired: [self_harm]}\n",
               "t.yaml:3: scenario s: expected rule housing_first fired, got false (it read housing = stable, stage = engagement)\n"
               "t.yaml:3: scenario s: expected rule move_on fired, got undecided (missing injecting)\n"
               "t.yaml:3: scenario s: expected rule reach_out undecided, got false (it read injecting = unknown, stage = engagement)\n"
               "\n"
               "0 passed, 1 failed\n");
    assert_run(CLIENT "expect: {not_fired: [move_on]}\n",
               "t.yaml:3: scenario s: expected rule move_on not fired, got fired\n"
               "\n"
               "0 passed, 1 failed\n");
}

/* ==== Coverage ============================================================== */

typedef struct cov_fixture {
    sw_ruleset *rs;
    sw_scenario_set set;
    sw_test_run run;
} cov_fixture;

static void cov_run(cov_fixture *fx, const char *rules, const char *yaml)
{
    fx->rs = load(rules);
    sw_scenario_set_init(&fx->set, fx->rs);
    sw_status st;
    char *diags = read_yaml(&fx->set, yaml, &st);
    assert_string_equal(diags, "");
    sw_free(diags);
    assert_int_equal(sw_test_run_init(&fx->run, fx->rs), SW_OK);
    for (size_t i = 0; i < fx->set.count; i++)
        assert_int_equal(sw_test_run_scenario(&fx->run, &fx->set.items[i]), SW_OK);
}

static void cov_free(cov_fixture *fx)
{
    sw_test_run_free(&fx->run);
    sw_scenario_set_free(&fx->set);
    sw_ruleset_free(fx->rs);
}

static void assert_metric(const cov_fixture *fx, sw_coverage_kind kind, size_t covered, size_t total)
{
    sw_coverage_metric m = sw_coverage_metric_of(&fx->run.coverage, kind);
    assert_int_equal(m.covered, covered);
    assert_int_equal(m.total, total);
}

static void test_condition_outcomes(void **state)
{
    (void)state;
    cov_fixture fx;
    /* and (3 outcomes), injecting (3), housing is missing (never unknown: 2), and
     * the literal true (only true: 1) */
    cov_run(&fx,
            "rule a \"A\" when injecting and housing is missing and true then recommend outreach end\n"
            "rule b \"B\" when phq9 >= 20 then risk suicide end\n",
            "scenario: one\nfacts: {injecting: true}\nexpect: {fired: [a]}\n"
            "---\n"
            "scenario: two\nfacts: {housing: stable}\nexpect: {not_fired: [a]}\n");
    uint32_t possible, seen = sw_coverage_rule_outcomes(&fx.run.coverage, 0, &possible);
    /* a: and(and(injecting, missing), true): two ands (3 + 3), injecting 3,
     * missing 2, true 1 = 12; seen: one: T T T T T; two: F F U F T */
    assert_int_equal(possible, 12);
    assert_int_equal(seen, 9);
    seen = sw_coverage_rule_outcomes(&fx.run.coverage, 1, &possible);
    assert_int_equal(possible, 3);
    assert_int_equal(seen, 1);   /* only unknown: phq9 was never given */
    assert_metric(&fx, SW_COV_CONDITIONS, 10, 15);
    assert_metric(&fx, SW_COV_RULES, 1, 2);
    assert_int_equal(fx.run.coverage.fired[0], 1);
    assert_int_equal(fx.run.coverage.undecided[1], 2);
    cov_free(&fx);
}

static void test_transitions(void **state)
{
    (void)state;
    cov_fixture fx;
    cov_run(&fx, RULES
            "rule always \"Always\" when stage is active_treatment then move relapse_prevention end\n"
            "rule maybe \"Maybe\" when stage is relapse_prevention and note is known then move active_treatment end\n",
            "scenario: one\nfacts: {stage: engagement, injecting: false}\nexpect: {fired: [move_on]}\n"
            "---\n"
            "scenario: two\nfacts: {stage: persuasion, injecting: false}\nexpect: {not_fired: [reach_out]}\n"
            "---\n"
            "scenario: three\nfacts: {stage: active_treatment}\nexpect: {fired: [always]}\n");
    const sw_coverage *c = &fx.run.coverage;
    assert_int_equal(c->nstages, 4);
    /* possible: engagement -> engagement, persuasion; persuasion -> engagement,
     * persuasion; active_treatment -> relapse_prevention only (a rule always
     * fires there); relapse_prevention -> active_treatment, relapse_prevention */
    static const uint8_t want[16] = {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1};
    for (int i = 0; i < 16; i++)
        assert_int_equal(c->trans_possible[i], want[i]);
    assert_int_equal(c->trans_seen[0 * 4 + 1], 1);   /* engagement -> persuasion */
    assert_int_equal(c->trans_seen[1 * 4 + 1], 1);   /* persuasion stays */
    assert_int_equal(c->trans_seen[2 * 4 + 3], 1);   /* active -> relapse prevention */
    assert_metric(&fx, SW_COV_TRANSITIONS, 3, 7);
    cov_free(&fx);
}

static void test_statements_need_a_passing_scenario(void **state)
{
    (void)state;
    cov_fixture fx;
    cov_run(&fx,
            "statement DD.eng_c1 \"Engagement / Key Challenges\" \"Difficulty acknowledging substance misuse.\"\n"
            "statement DD.final \"Final Thoughts\" \"Patience.\" excused \"Narrative summary\"\n"
            "statement DD.eng_c2 \"Engagement / Key Challenges\" \"Stigma.\"\n"
            "rule a \"A\" cites DD.eng_goal, DD.eng_c1 when injecting then recommend outreach end\n"
            "rule b \"B\" cites DD.eng_c2, DD when phq9 >= 20 then risk suicide end\n",
            "scenario: passes\nfacts: {injecting: true}\nexpect: {fired: [a]}\n"
            "---\n"
            "scenario: fails\nfacts: {phq9: 21}\nexpect: {not_fired: [b]}\n");
    const sw_coverage *c = &fx.run.coverage;
    assert_int_equal(fx.run.passed, 1);
    assert_int_equal(fx.run.failed, 1);
    /* eng_c1 and eng_goal by the passing scenario; eng_c2's rule fired only in a
     * failing one; final is excused and not counted */
    assert_metric(&fx, SW_COV_STATEMENTS, 2, 3);
    assert_int_equal(c->nstatements, 4);
    uint32_t goal = sw_coverage_statement_index(fx.rs->prog.sources ? &fx.rs->prog : NULL,
                                                c->stmt_first, "DD", "eng_goal");
    assert_int_not_equal(goal, SW_NONE);
    assert_int_equal(c->stmt_covered[goal], 1);
    assert_int_equal(sw_coverage_statement_index(&fx.rs->prog, c->stmt_first, "DD", "nope"), SW_NONE);
    assert_int_equal(sw_coverage_statement_index(&fx.rs->prog, c->stmt_first, "DD", NULL), SW_NONE);
    cov_free(&fx);
}

static void test_coverage_report(void **state)
{
    (void)state;
    cov_fixture fx;
    cov_run(&fx, RULES,
            "scenario: one\nfacts: {stage: engagement, housing: temporary, injecting: false}\n"
            "expect: {fired: [move_on, housing_first]}\n"
            "---\n"
            "scenario: two\nfacts: {stage: persuasion, phq9: 3}\nexpect: {undecided: [reach_out]}\n");
    sw_buf out = SW_BUF_INIT;
    sw_coverage_minimum min;
    sw_coverage_minimum_init(&min);
    char error[128];
    assert_true(sw_coverage_minimum_parse(&min, "statements=100,transitions=50", error, sizeof error));
    sw_test_render view = {0, &min};
    assert_int_equal(sw_test_render_text(&fx.run, &view, &out), SW_OK);
    assert_string_equal(out.data,
                        "2 passed, 0 failed\n"
                        "\n"
                        "Coverage of the guidance by 2 scenarios (2 passing):\n"
                        "  rules fired          2/4         50.0%\n"
                        "  condition outcomes   22/33       66.6%\n"
                        "  stage transitions    2/6         33.3%\n"
                        "  statements           1/1         100.0%\n"
                        "\n"
                        "Rules:\n"
                        "  rule           fired  undecided  conditions\n"
                        "  housing_first      1          0  6/9\n"
                        "  move_on            1          0  8/12\n"
                        "  reach_out          0          1  6/9         only undecided\n"
                        "  self_harm          0          1  2/3         only undecided\n"
                        "\n"
                        "Stage transitions (current -> suggested):\n"
                        "  engagement -> engagement                  stay     not exercised\n"
                        "  engagement -> persuasion                  forward  1\n"
                        "  persuasion -> engagement                  back     not exercised\n"
                        "  persuasion -> persuasion                  stay     1\n"
                        "  active_treatment -> active_treatment      stay     not exercised\n"
                        "  relapse_prevention -> relapse_prevention  stay     not exercised\n"
                        "coverage of stage transitions 2/6 (33.3%) is below the minimum of 50%\n");

    sw_buf_free(&out);
    cov_free(&fx);
}

/* ==== Thresholds ============================================================ */

static void test_minimum_parsing(void **state)
{
    (void)state;
    sw_coverage_minimum min;
    char error[160];
    sw_coverage_minimum_init(&min);
    assert_true(sw_coverage_minimum_parse(&min, "80", error, sizeof error));
    assert_int_equal(min.percent[SW_COV_RULES], 80);
    assert_int_equal(min.percent[SW_COV_STATEMENTS], -1);
    assert_true(sw_coverage_minimum_parse(&min, "statements=100,conditions=0,transitions=5", error,
                                          sizeof error));
    assert_int_equal(min.percent[SW_COV_RULES], 80);
    assert_int_equal(min.percent[SW_COV_STATEMENTS], 100);
    assert_int_equal(min.percent[SW_COV_CONDITIONS], 0);
    assert_int_equal(min.percent[SW_COV_TRANSITIONS], 5);
    assert_false(sw_coverage_minimum_parse(&min, "lines=80", error, sizeof error));
    assert_string_equal(error, "unknown coverage metric 'lines' (use rules, conditions, "
                               "transitions or statements)");
    assert_false(sw_coverage_minimum_parse(&min, "rules=101", error, sizeof error));
    assert_string_equal(error, "'101' is not a whole percentage from 0 to 100");
    assert_false(sw_coverage_minimum_parse(&min, "rules=80,", error, sizeof error));
    assert_string_equal(error, "'' is not a whole percentage from 0 to 100");
    assert_false(sw_coverage_minimum_parse(&min, "85.5", error, sizeof error));
    assert_string_equal(error, "'85.5' is not a whole percentage from 0 to 100");
}

static void test_minimum_arithmetic(void **state)
{
    (void)state;
    sw_coverage_metric m = {2, 3};
    assert_true(sw_coverage_meets(m, 66));
    assert_false(sw_coverage_meets(m, 67));
    assert_true(sw_coverage_meets(m, -1));
    m.covered = 3;
    assert_true(sw_coverage_meets(m, 100));
    m.covered = 0;
    m.total = 0;
    assert_true(sw_coverage_meets(m, 100));   /* nothing to cover */
}

/* ==== The statement table =================================================== */

static void test_statement_table(void **state)
{
    (void)state;
    sw_ruleset *rs = load("statement DD.a_final \"Final\" \"Summary.\" excused \"Narrative\"\n"
                          "statement DD.b_open \"Engagement\" \"Not encoded.\"\n"
                          "rule r1 \"R1\" cites DD.eng_goal when injecting then recommend outreach end\n"
                          "rule r2 \"R2\" cites DD.eng_goal, DD.eng_goal, DD when phq9 >= 1 then recommend outreach end\n"
                          "statement DD.c_stance \"Engagement\" \"Cited by the stage only.\"\n"
                          "statement DD.d_excused \"Engagement\" \"Stage only, excused.\" excused \"Stance\"\n"
                          "statement DD.e_more \"Engagement\" \"Stage and a fact.\"\n"
                          "rule r3 \"R3\" cites DD.c_stance, DD.d_excused, DD.e_more when stage is engagement then recommend outreach end\n"
                          "rule r4 \"R4\" cites DD.e_more when stage is engagement and injecting then recommend outreach end\n");
    sw_statement_table t;
    assert_int_equal(sw_statement_table_build(&t, &rs->prog), SW_OK);
    assert_int_equal(t.count, 6);
    assert_int_equal(t.encoded, 2);
    assert_int_equal(t.cited_only, 1);
    assert_int_equal(t.excused, 2);
    assert_int_equal(t.missing, 1);
    sw_buf out = SW_BUF_INIT;
    assert_int_equal(sw_statement_render_text(&t, &out), SW_OK);
    assert_string_equal(out.data, "statement    | section           | encoded by\n"
                                  "-------------+-------------------+-----------\n"
                                  "DD.a_final   | Final             | excused: Narrative\n"
                                  "DD.b_open    | Engagement        | NOT ENCODED\n"
                                  "DD.c_stance  | Engagement        | CITED, NOT ENCODED: r3 (stage only)\n"
                                  "DD.d_excused | Engagement        | r3 (stage only); excused: Stance\n"
                                  "DD.e_more    | Engagement        | r3 (stage only), r4\n"
                                  "DD.eng_goal  | Engagement / Goal | r1, r2\n"
                                  "\n"
                                  "6 statements: 2 encoded, 1 cited not encoded, 2 excused, 1 not encoded\n");
    sw_buf_free(&out);
    sw_statement_table_free(&t);
    sw_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_every_part),
        cmocka_unit_test(test_yaml_syntax_error),
        cmocka_unit_test(test_document_shapes),
        cmocka_unit_test(test_unknown_and_repeated_keys),
        cmocka_unit_test(test_bad_facts),
        cmocka_unit_test(test_bad_expectations),
        cmocka_unit_test(test_bad_severity_and_shapes),
        cmocka_unit_test(test_contradictions_and_repeats),
        cmocka_unit_test(test_warnings_do_not_refuse),
        cmocka_unit_test(test_recommendations),
        cmocka_unit_test(test_advice_and_challenges),
        cmocka_unit_test(test_risks),
        cmocka_unit_test(test_stage_verdict),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_rule_truths),
        cmocka_unit_test(test_condition_outcomes),
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_statements_need_a_passing_scenario),
        cmocka_unit_test(test_coverage_report),
        cmocka_unit_test(test_minimum_parsing),
        cmocka_unit_test(test_minimum_arithmetic),
        cmocka_unit_test(test_statement_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
