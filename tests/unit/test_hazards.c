/*
 * test_hazards.c - the hazard log (engine/authoring/hazards.c): the DCB0129
 * matrix cell by cell, reading a log (every key, the scales, rules and scenarios
 * resolved), each reading error with its position, and the judge: a control is
 * evidenced only when passing evidence shows it firing and not firing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rules_fixture.h"
#include "authoring/hazards.h"
#include "util/jsonread.h"

#define RULES                                                                      \
    "rule self_harm \"Self-harm\" cites DD.eng_goal when phq9 >= 20 then risk suicide end\n" \
    "rule overdose_rule \"Overdose\" cites DD.eng_goal when injecting then risk overdose end\n"

#define SCENARIOS                                                                  \
    "---\nscenario: severe\nfacts: {phq9: 22}\nexpect: {fired: [self_harm]}\n"    \
    "---\nscenario: mild\nfacts: {phq9: 3}\nexpect: {not_fired: [self_harm]}\n"   \
    "---\nscenario: failing\nfacts: {injecting: true}\nexpect: {not_fired: [overdose_rule]}\n"

#define HAZARD(id, controls, evidence)                                             \
    "---\nhazard: " id "\ntitle: T\ncause: C\neffect: E\nharm: H\n"               \
    "severity: major\nlikelihood: medium\ncontrols: " controls "\n"               \
    "evidence: " evidence "\nresidual_severity: major\nresidual_likelihood: low\n" \
    "status: mitigated\n"

typedef struct fixture {
    sw_ruleset *rs;
    sw_scenario_set set;
    sw_hazard_log log;
} fixture;

static void setup(fixture *f)
{
    size_t n = strlen(FIXTURE_HEADER) + strlen(RULES) + 1;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s", FIXTURE_HEADER, RULES);
    assert_int_equal(fixture_load(text, &f->rs, NULL), SW_OK);
    free(text);
    sw_scenario_set_init(&f->set, f->rs);
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_scenario_read(&f->set, "s.yaml", SCENARIOS, strlen(SCENARIOS), d), SW_OK);
    sw_diagnostics_free(d);
    assert_int_equal(f->set.count, 3);
    sw_hazard_log_init(&f->log, f->rs, &f->set);
}

static void teardown(fixture *f)
{
    sw_hazard_log_free(&f->log);
    sw_scenario_set_free(&f->set);
    sw_ruleset_free(f->rs);
}

/* Reads yaml as "h.yaml"; returns the status and the rendered diagnostics. */
static sw_status read_log(fixture *f, const char *yaml, char **rendered)
{
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    sw_status st = sw_hazard_read(&f->log, "h.yaml", yaml, strlen(yaml), d);
    assert_int_equal(sw_diagnostics_render(d, rendered, NULL), SW_OK);
    sw_diagnostics_free(d);
    return st;
}

static const sw_jnode *nth(const sw_jnode *array, size_t i)
{
    assert_non_null(array);
    const sw_jnode *n = array->first;
    while (n && i--)
        n = n->next;
    assert_non_null(n);
    return n;
}

static size_t count(const sw_jnode *array)
{
    assert_non_null(array);
    size_t n = 0;
    for (const sw_jnode *e = array->first; e; e = e->next)
        n++;
    return n;
}

static void test_matrix(void **state)
{
    (void)state;
    /* rows: likelihood very low .. very high; columns: severity minor .. catastrophic */
    static const int want[5][5] = {
        {1, 1, 2, 2, 3}, {1, 2, 2, 3, 4}, {2, 2, 3, 3, 4}, {2, 3, 3, 4, 5}, {3, 4, 4, 5, 5}};
    for (int l = 1; l <= 5; l++)
        for (int s = 1; s <= 5; s++)
            assert_int_equal(sw_hazard_rating(s, l), want[l - 1][s - 1]);
    assert_int_equal(sw_hazard_rating(0, 3), 0);
    assert_int_equal(sw_hazard_rating(3, 6), 0);
}

static void test_read_and_judge(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    char *out = NULL;
    assert_int_equal(read_log(&f, HAZARD("HAZ-1", "[self_harm]", "[severe, mild]")
                                      HAZARD("HAZ-2", "[self_harm]", "[severe]")
                                      HAZARD("HAZ-3", "[overdose_rule]", "[failing, mild]")
                                      HAZARD("HAZ-4", "[]", "[]"),
                              &out),
                     SW_OK);
    assert_string_equal(out, "");
    sw_free(out);
    assert_int_equal(f.log.count, 4);
    const sw_hazard *h = &f.log.items[0];
    assert_string_equal(h->id, "HAZ-1");
    assert_int_equal(h->severity, 4);
    assert_int_equal(h->likelihood, 3);
    assert_int_equal(h->residual_likelihood, 2);
    assert_int_equal(h->status, SW_HAZ_MITIGATED);
    assert_int_equal(h->ncontrols, 1);
    assert_int_equal(h->nevidence, 2);
    assert_int_equal(h->evidence[1].line, 10);
    assert_int_equal(sw_hazard_judge(&f.log), SW_OK);
    /* fires in one, silent in the other: evidenced */
    assert_int_equal(h->judged[0].fires, 1);
    assert_int_equal(h->judged[0].silent, 1);
    assert_true(sw_hazard_evidenced(h));
    /* only ever shown firing */
    assert_int_equal(f.log.items[1].judged[0].silent, 0);
    assert_false(sw_hazard_evidenced(&f.log.items[1]));
    /* a failing scenario is not evidence */
    assert_int_equal(f.log.items[2].failing_evidence, 1);
    assert_false(sw_hazard_evidenced(&f.log.items[2]));
    /* no control, no evidence */
    assert_false(sw_hazard_evidenced(&f.log.items[3]));
    sw_buf b = SW_BUF_INIT;
    size_t bad = 0;
    assert_int_equal(sw_hazard_render_text(&f.log, &b, &bad), SW_OK);
    assert_int_equal(bad, 3);
    assert_non_null(strstr(b.data, "self_harm: fires in 1, does not fire in 0 evidence scenarios  NOT SHOWN NOT FIRING"));
    assert_non_null(strstr(b.data, "1 of them FAIL, so they are not evidence"));
    assert_non_null(strstr(b.data, "controls: NONE: no rule controls this hazard"));
    assert_non_null(strstr(b.data, "\n4 hazards: 1 controlled and evidenced, 3 not\n"));
    sw_buf_free(&b);
    /* the JSON form says the same, and a JSON parser reads it */
    sw_buf j = SW_BUF_INIT;
    bad = 0;
    assert_int_equal(sw_hazard_render_json(&f.log, &j, &bad), SW_OK);
    assert_int_equal(bad, 3);
    sw_jdoc doc = {0};
    assert_int_equal(sw_jdoc_parse(&doc, j.data, j.len), 0);
    const sw_jnode *hz = sw_jget(doc.root, "hazards");
    assert_int_equal(count(hz), 4);
    const sw_jnode *first = nth(hz, 0);
    assert_string_equal(sw_jstr(sw_jget(first, "id")), "HAZ-1");
    assert_true(sw_jget(first, "evidenced")->boolean);
    assert_string_equal(sw_jstr(sw_jget(sw_jget(first, "initial"), "severity")), "major");
    assert_string_equal(sw_jget(sw_jget(first, "initial"), "rating")->text, "3");
    assert_string_equal(sw_jstr(sw_jget(sw_jget(first, "residual"), "likelihood")), "low");
    const sw_jnode *ctl = nth(sw_jget(first, "controls"), 0);
    assert_string_equal(sw_jstr(sw_jget(ctl, "rule")), "self_harm");
    assert_string_equal(sw_jget(ctl, "fires_in")->text, "1");
    assert_string_equal(sw_jget(ctl, "does_not_fire_in")->text, "1");
    assert_false(sw_jget(nth(hz, 1), "evidenced")->boolean);
    assert_string_equal(sw_jget(nth(hz, 2), "failing_evidence")->text, "1");
    assert_int_equal(count(sw_jget(nth(hz, 3), "controls")), 0);
    assert_string_equal(sw_jget(sw_jget(doc.root, "summary"), "not_evidenced")->text, "3");
    sw_jdoc_free(&doc);
    sw_buf_free(&j);
    teardown(&f);
}

static void test_errors(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    char *out = NULL;
    assert_int_equal(read_log(&f,
                              "---\nhazard: HAZ-1\ntitle: T\ncause: C\neffect: E\nharm: H\n"
                              "severity: bad\nlikelihood: medium\ncontrols: [self_harn]\n"
                              "evidence: [sever]\nresidual_severity: major\n"
                              "residual_likelyhood: low\nstatus: mitigated\n"
                              "---\nhazard: HAZ-2\n",
                              &out),
                     SW_ERR_FACTS);
    assert_string_equal(out,
        "h.yaml:7:11: error[H005]: 'bad' is not a DCB0129 severity\n"
        "    7 | severity: bad\n"
        "      |           ^\n"
        "      = hint: one of minor, significant, considerable, major, catastrophic\n"
        "h.yaml:9:12: error[H006]: unknown rule 'self_harn': a control must be a rule of the rule set\n"
        "    9 | controls: [self_harn]\n"
        "      |            ^\n"
        "      = hint: did you mean 'self_harm'?\n"
        "h.yaml:10:12: error[H007]: unknown scenario 'sever': evidence must be a scenario of the scenario files\n"
        "   10 | evidence: [sever]\n"
        "      |            ^\n"
        "      = hint: did you mean 'severe'?\n"
        "h.yaml:12:1: error[H002]: unknown key 'residual_likelyhood' in a hazard\n"
        "   12 | residual_likelyhood: low\n"
        "      | ^\n"
        "      = hint: did you mean 'residual_likelihood'?\n"
        "h.yaml:2:1: error[H003]: the hazard HAZ-1 has no 'residual_likelihood'\n"
        "    2 | hazard: HAZ-1\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'title'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'cause'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'effect'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'harm'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'severity'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'likelihood'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'controls'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'evidence'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'residual_severity'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'residual_likelihood'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n"
        "h.yaml:15:1: error[H003]: the hazard HAZ-2 has no 'status'\n"
        "   15 | hazard: HAZ-2\n"
        "      | ^\n"
        "      = hint: every hazard has every key of docs/clinical-safety.md\n");
    sw_free(out);
    assert_int_equal(f.log.count, 0);
    assert_int_equal(f.log.rejected, 2);
    teardown(&f);
}

static void test_duplicates_syntax_and_empty(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    char *out = NULL;
    assert_int_equal(read_log(&f, HAZARD("HAZ-1", "[self_harm]", "[severe]") HAZARD("HAZ-1", "[self_harm, self_harm]", "[severe]"), &out),
                     SW_ERR_FACTS);
    assert_non_null(strstr(out, "h.yaml:22:23: error[H009]: 'self_harm' is listed twice under 'controls'"));
    assert_non_null(strstr(out, "h.yaml:15:9: error[H008]: hazard 'HAZ-1' is declared twice; the first is at h.yaml:2"));
    sw_free(out);
    assert_int_equal(read_log(&f, "hazard: [unclosed\n", &out), SW_ERR_FACTS);
    assert_non_null(strstr(out, "error[H001]: the hazard log is not valid YAML"));
    sw_free(out);
    sw_hazard_log_free(&f.log);
    sw_hazard_log_init(&f.log, f.rs, &f.set);
    assert_int_equal(read_log(&f, "# nothing\n", &out), SW_ERR_FACTS);
    assert_non_null(strstr(out, "h.yaml:1:1: error[H010]: the hazard log holds no hazards"));
    sw_free(out);
    /* ratings: a residual above the initial, and an unacceptable residual not open */
    assert_int_equal(read_log(&f,
                              "---\nhazard: HAZ-9\ntitle: T\ncause: C\neffect: E\nharm: H\n"
                              "severity: minor\nlikelihood: low\ncontrols: [self_harm]\nevidence: [severe]\n"
                              "residual_severity: major\nresidual_likelihood: low\nstatus: open\n"
                              "---\nhazard: HAZ-8\ntitle: T\ncause: C\neffect: E\nharm: H\n"
                              "severity: catastrophic\nlikelihood: very_high\ncontrols: [self_harm]\n"
                              "evidence: [severe]\nresidual_severity: catastrophic\nresidual_likelihood: low\n"
                              "status: mitigated\n",
                              &out),
                     SW_ERR_FACTS);
    assert_non_null(strstr(out, "h.yaml:2:9: error[H011]: hazard 'HAZ-9' has a residual risk (3) above its initial risk (1)"));
    assert_non_null(strstr(out, "h.yaml:26:1: error[H012]: hazard 'HAZ-8' is mitigated with a residual risk of 4, which is unacceptable"));
    sw_free(out);
    assert_int_equal(sw_hazard_read(&f.log, NULL, "", 0, NULL), SW_ERR_ARG);
    teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_read_and_judge),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_duplicates_syntax_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
