/*
 * test_brief.c - the brief (engine/report/report_brief.c): one screen, in the
 * order a clinician acts, for every example client and for a report far larger
 * than any of them; a missing fact that could raise a risk is never read as "no
 * risk"; every line is cut at a character boundary.
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
#include "report/report.h"
#include "util/json.h"

/* Lines and the widest line in characters; fails on ill-formed UTF-8. */
static void measure(const char *text, size_t *lines, size_t *widest)
{
    *lines = 0;
    *widest = 0;
    size_t width = 0;
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        if (s[i] == '\n') {
            (*lines)++;
            width = 0;
            i++;
            continue;
        }
        uint32_t cp;
        i += sw_utf8_decode(s + i, n - i, &cp);
        assert_true(cp != SW_UTF8_BAD);
        assert_true(cp >= 0x20 || cp == '\t');
        if (++width > *widest)
            *widest = width;
    }
    assert_true(n == 0 || s[n - 1] == '\n');
}

/* The sections come in the order a clinician acts. */
static void assert_order(const char *brief)
{
    const char *risks = strstr(brief, "\nRISKS    ");
    const char *today = strstr(brief, "\nTODAY    ");
    const char *stage = strstr(brief, "\nSTAGE    ");
    const char *ask = strstr(brief, "\nASK      ");
    const char *from = strstr(brief, "\nFROM     ");
    assert_non_null(risks);
    assert_true(risks < today && today < stage && stage < ask && ask < from);
}

static void test_every_example_client_fits_one_screen(void **state)
{
    (void)state;
    const char *paths[] = {SW_SOURCE_DIR "/rules"};
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_ruleset *rules = NULL;
    assert_int_equal(sw_ruleset_load_files(paths, 1, &rules, diags), SW_OK);
    test_file clients[64];
    size_t nclients = read_example_clients(clients, 64);
    for (size_t c = 0; c < nclients; c++) {
        sw_facts *facts = NULL;
        sw_result *result = NULL;
        char *brief = NULL;
        assert_int_equal(sw_facts_parse(rules, clients[c].name, clients[c].text, clients[c].len,
                                        &facts, diags), SW_OK);
        assert_int_equal(sw_evaluate(rules, facts, &result), SW_OK);
        assert_int_equal(sw_result_render(result, SW_FORMAT_BRIEF, &brief, NULL), SW_OK);
        size_t lines, widest;
        measure(brief, &lines, &widest);
        if (lines > SW_BRIEF_LINES || widest > SW_BRIEF_COLUMNS)
            fail_msg("%s: %zu lines, widest %zu characters", clients[c].name, lines, widest);
        assert_order(brief);
        /* every critical risk is on the brief */
        const sw_report *rep = sw_result_report(result);
        for (size_t i = 0; i < rep->nrisks; i++)
            if (rep->risks[i].severity == SW_SEVERITY_CRITICAL) {
                char head[64];
                snprintf(head, sizeof head, "  CRITICAL  %.40s", rep->risks[i].label);
                assert_non_null(strstr(brief, head));
            }
        sw_free(brief);
        sw_result_free(result);
        sw_facts_free(facts);
    }
    free_files(clients, nclients);
    assert_true(nclients >= 14);
    sw_ruleset_free(rules);
    sw_diagnostics_free(diags);
}

/* ---- a report far beyond any client: 30 critical risks, 30 urgent actions ---- */

#define MANY 30
static const char long_label[] =
    "A very long label \xe2\x80\x94 with an em dash, \xc3\xa9 accents and\na newline, that goes "
    "on well past the hundred columns of one line of the brief";
static sw_reason reason = {"r", "Rule title", "because the facts say so, at length, far beyond "
                           "the width of one line of the terminal", "rules/x.sw", 1, NULL, 0,
                           NULL, 0};
static sw_item risks[MANY], recs[MANY];
static sw_data_gap gaps[MANY];
/* the brief reads the per-kind lists (sw_report's kinds), as the library fills them */
static sw_item_list kinds[4] = {
    {"intervention", "recommendations", "Recommendations", "priority", NULL, 0},
    {"practice", "advice", "Advice", NULL, NULL, 0},
    {"challenge", "challenges", "Challenges", NULL, NULL, 0},
    {"risk", "risks", "Risks", "severity", NULL, 0},
};

static void build_big(sw_report *rep)
{
    memset(rep, 0, sizeof *rep);
    for (size_t i = 0; i < MANY; i++) {
        risks[i] = (sw_item){"risk", long_label, NULL, SW_PRIORITY_LOW, SW_SEVERITY_CRITICAL,
                             NULL, 0, &reason, 1};
        recs[i] = (sw_item){"rec", long_label, NULL, SW_PRIORITY_URGENT, SW_SEVERITY_INFO, NULL,
                            0, &reason, 1};
        gaps[i] = (sw_data_gap){"fact", long_label, NULL, 0, i + 1, 1, SW_SEVERITY_CRITICAL, 0,
                                SW_PRIORITY_LOW, 1};
    }
    rep->risks = risks;
    rep->nrisks = MANY;
    rep->recommendations = recs;
    rep->nrecommendations = MANY;
    kinds[SW_REPORT_RISKS].items = risks;
    kinds[SW_REPORT_RISKS].nitems = MANY;
    kinds[SW_REPORT_RECOMMENDATIONS].items = recs;
    kinds[SW_REPORT_RECOMMENDATIONS].nitems = MANY;
    rep->kinds = kinds;
    rep->nkinds = 4;
    rep->gaps = gaps;
    rep->ngaps = MANY;
    static sw_stage_candidate cands[2] = {{"engagement", SW_DIRECTION_BACK, 1, NULL, 0},
                                          {"persuasion", SW_DIRECTION_STAY, 0, NULL, 0}};
    rep->stage = (sw_stage_verdict){"persuasion", "engagement", SW_DIRECTION_BACK, "earliest",
                                    cands, 2, NULL, 0, 1, 1, SW_VERDICT_PROVISIONAL};
}

static void test_a_huge_report_still_fits(void **state)
{
    (void)state;
    sw_report rep;
    build_big(&rep);
    sw_buf out = SW_BUF_INIT;
    assert_int_equal(sw_report_render_brief(&rep, &out), SW_OK);
    size_t lines, widest;
    measure(out.data, &lines, &widest);
    assert_true(lines <= SW_BRIEF_LINES);
    assert_true(widest <= SW_BRIEF_COLUMNS);
    assert_order(out.data);
    assert_non_null(strstr(out.data, "RISKS    30 critical, 0 warning"));
    assert_non_null(strstr(out.data, "  ... 22 more (--detail)"));
    assert_non_null(strstr(out.data, "(back), NOT DECIDED: PROVISIONAL, CONFLICTING\n"));
    assert_non_null(strstr(out.data, "         conflicting: proposed engagement, persuasion"));
    assert_non_null(strstr(out.data, "  5. [critical risk] fact: "));
    assert_null(strstr(out.data, "  6. "));
    /* cut lines end in "..." and never split a character (measure checks UTF-8) */
    assert_non_null(strstr(out.data, "...\n"));
    sw_buf_free(&out);
}

/* The stage line says NOT DECIDED, and why, whenever the verdict is not decided. */
static void test_stage_status_is_unmistakable(void **state)
{
    (void)state;
    sw_report rep;
    build_big(&rep);
    static const struct {
        int provisional, conflicting;
        sw_verdict_status status;
        const char *line;
    } cases[] = {
        {0, 0, SW_VERDICT_DECIDED, "STAGE    persuasion -> engagement (back)\n"},
        {0, 1, SW_VERDICT_CONFLICTING,
         "STAGE    persuasion -> engagement (back), NOT DECIDED: CONFLICTING\n"},
        {1, 0, SW_VERDICT_PROVISIONAL,
         "STAGE    persuasion -> engagement (back), NOT DECIDED: PROVISIONAL\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rep.stage.provisional = cases[i].provisional;
        rep.stage.conflicting = cases[i].conflicting;
        rep.stage.status = cases[i].status;
        sw_buf out = SW_BUF_INIT;
        assert_int_equal(sw_report_render_brief(&rep, &out), SW_OK);
        assert_non_null(strstr(out.data, cases[i].line));
        assert_true((strstr(out.data, "conflicting: proposed") != NULL) == cases[i].conflicting);
        sw_buf_free(&out);
    }
    rep.stage = (sw_stage_verdict){NULL, NULL, SW_DIRECTION_UNKNOWN, "earliest", NULL, 0, NULL, 0,
                                   0, 0, SW_VERDICT_UNDECIDED};
    sw_buf out = SW_BUF_INIT;
    assert_int_equal(sw_report_render_brief(&rep, &out), SW_OK);
    assert_non_null(strstr(out.data, "STAGE    current stage unknown -> no suggestion (unknown), "
                                     "NOT DECIDED: UNDECIDED\n"));
    sw_buf_free(&out);
}

/* No risk flagged while facts that could raise one are missing: the brief says so. */
static void test_missing_facts_are_not_no_risk(void **state)
{
    (void)state;
    sw_report rep;
    build_big(&rep);
    rep.nrisks = 0;
    kinds[SW_REPORT_RISKS].nitems = 0;
    sw_buf out = SW_BUF_INIT;
    assert_int_equal(sw_report_render_brief(&rep, &out), SW_OK);
    assert_non_null(strstr(out.data, "RISKS    none flagged; NOT RULED OUT: 30 missing facts could "
                                     "raise a critical risk (ASK)\n"));
    sw_buf_free(&out);
    rep.ngaps = 0;
    assert_int_equal(sw_report_render_brief(&rep, &out), SW_OK);
    assert_non_null(strstr(out.data, "RISKS    none flagged\n"));
    assert_non_null(strstr(out.data, "ASK      nothing missing that any rule waits on\n"));
    sw_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_example_client_fits_one_screen),
        cmocka_unit_test(test_a_huge_report_still_fits),
        cmocka_unit_test(test_missing_facts_are_not_no_risk),
        cmocka_unit_test(test_stage_status_is_unmistakable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
