/*
 * test_lint.c - lint: every finding code with its exact text, position and hint;
 * the reasoning behind "can never be true" (ranges, enumerations, sets, dates,
 * missing values, derived facts) and what it must not claim; silencing with
 * allow; rule errors stop it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "authoring/lint.h"

/* 24 lines every case builds on, using every declaration; a case starts on line 25. */
static const char header[] =
    "guideline g \"G\" version \"1.0.0\"\n"
    "source DD \"Doc\"\n"
    "stage engagement \"Engagement\"\n"
    "stage persuasion \"Persuasion\"\n"
    "order engagement -> persuasion\n"
    "facts {\n"
    "  stage: stage \"Current stage\"\n"
    "  housing: one of { stable, temporary, rough_sleeping } \"Housing\"\n"
    "  phq9: int 0..27 \"PHQ-9\"\n"
    "  bmi: number 10.0..80.0 \"BMI\"\n"
    "  subs: set of { opioids, alcohol, crack } \"Substances\"\n"
    "  released: date \"Released\"\n"
    "  note: text \"Note\"\n"
    "  inj: bool \"Injecting\"\n"
    "}\n"
    "derived flag: bool \"Flag\" default false\n"
    "derived level: int 0..3 \"Level\"\n"
    "intervention cbt \"CBT\"\n"
    "risk suicide \"Suicide\"\n"
    "rule uses_all \"Uses every declaration\" cites DD\n"
    "when stage is engagement and housing is known and phq9 is known and bmi is known and subs is known\n"
    "  and released is known and note is known and inj is known and level is known\n"
    "then recommend cbt risk suicide move persuasion set flag = true end\n"
    "rule sets_level \"Sets level\" cites DD when stage is persuasion then set level = 1 end\n";

/* Lints header + body; returns the status, the rendered findings and the summary. */
static sw_status lint(const char *body, char **rendered, sw_lint_summary *s)
{
    size_t n = strlen(header) + strlen(body) + 1;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s", header, body);
    sw_source_text src = {"t.sw", text, strlen(text)};
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    sw_status st = sw_lint_texts(&src, 1, d, s);
    assert_int_equal(sw_diagnostics_render(d, rendered, NULL), SW_OK);
    for (size_t i = 0; st == SW_OK && i < sw_diagnostics_count(d); i++)
        assert_int_equal(sw_diagnostics_at(d, i)->severity, SW_SEV_WARNING);
    sw_diagnostics_free(d);
    free(text);
    return st;
}

typedef struct lint_case {
    const char *name;
    const char *body;
    const char *expected;
} lint_case;

static const lint_case cases[] = {
    {"clean", "", ""},
    {"L001",
        "rule r \"R\" cites DD when phq9 > 20 or (housing is stable and housing is temporary) then recommend cbt end\n",
        "t.sw:25:40: warning[L001]: part of this condition is dead: 'housing is stable' and 'housing is temporary' cannot both be true\n"
        "   25 | rule r \"R\" cites DD when phq9 > 20 or (housing is stable and housing is temporary) then recommend cbt end\n"
        "      |                                        ^~~~~~~~~~~~~~~~~\n"
        "      = hint: correct the values, or remove the part that can never be true\n"},
    {"L002",
        "rule r \"R\" cites DD when phq9 >= 20 and phq9 < 10 then recommend cbt end\n",
        "t.sw:25:26: warning[L002]: rule 'r' can never fire: 'phq9 >= 20' and 'phq9 < 10' cannot both be true\n"
        "   25 | rule r \"R\" cites DD when phq9 >= 20 and phq9 < 10 then recommend cbt end\n"
        "      |                          ^~~~~~~~~~\n"
        "      = hint: no client can meet this condition; correct the values or remove the rule\n"},
    {"L002 against the range",
        "rule r \"R\" cites DD when not (phq9 <= 27) then recommend cbt end\n",
        "t.sw:25:31: warning[L002]: rule 'r' can never fire: 'not (phq9 <= 27)' can never be true: 'phq9' is declared as int 0..27\n"
        "   25 | rule r \"R\" cites DD when not (phq9 <= 27) then recommend cbt end\n"
        "      |                               ^~~~~~~~~~\n"
        "      = hint: no client can meet this condition; correct the values or remove the rule\n"},
    {"L002 false",
        "rule r \"R\" cites DD when inj and false then recommend cbt end\n",
        "t.sw:25:26: warning[L002]: rule 'r' can never fire: its condition is always false\n"
        "   25 | rule r \"R\" cites DD when inj and false then recommend cbt end\n"
        "      |                          ^~~~~~~~~~~~~\n"
        "      = hint: remove the rule, or write the condition it was meant to have\n"},
    {"L003",
        "rule r \"R\" cites DD when phq9 >= 0 and inj then recommend cbt end\n",
        "t.sw:25:26: warning[L003]: 'phq9 >= 0' is always true when 'phq9' is known ('phq9' is declared as int 0..27)\n"
        "   25 | rule r \"R\" cites DD when phq9 >= 0 and inj then recommend cbt end\n"
        "      |                          ^~~~~~~~~\n"
        "      = hint: write 'phq9 is known' if that is what you mean, or remove the comparison\n"},
    {"L004",
        "rule r \"R\" cites DD when phq9 >= 20 and inj then recommend cbt end\n"
        "rule r2 \"R2\" cites DD when phq9 >= 10 then recommend cbt end\n",
        "t.sw:25:6: warning[L004]: rule 'r' is redundant: whenever it fires, rule 'r2' fires too, with the same actions\n"
        "   25 | rule r \"R\" cites DD when phq9 >= 20 and inj then recommend cbt end\n"
        "      |      ^\n"
        "      = hint: 'r2' is at t.sw:26; remove 'r', or move its citations to 'r2'\n"},
    {"L004 duplicate",
        "rule r \"R\" cites DD when inj and phq9 > 3 then recommend cbt end\n"
        "rule r2 \"R2\" cites DD when phq9 >= 4 and inj then recommend cbt end\n",
        "t.sw:26:6: warning[L004]: rule 'r2' duplicates rule 'r': they fire for the same clients with the same actions\n"
        "   26 | rule r2 \"R2\" cites DD when phq9 >= 4 and inj then recommend cbt end\n"
        "      |      ^~\n"
        "      = hint: 'r' is at t.sw:25; keep one and merge their citations\n"},
    {"L005",
        "rule r \"R\" when inj then recommend cbt end\n",
        "t.sw:25:6: warning[L005]: rule 'r' cites no source\n"
        "   25 | rule r \"R\" when inj then recommend cbt end\n"
        "      |      ^\n"
        "      = hint: add e.g. 'cites DD.eng_bp2' so every piece of advice can be traced to the guidance\n"},
    {"L006",
        "derived other: int 0..9 \"Other\" default 2\n"
        "rule r \"R\" cites DD when inj and other > 1 then recommend cbt end\n",
        "t.sw:26:34: warning[L006]: 'other' is read here but no rule that can fire sets 'other', so it is always its default, 2\n"
        "   26 | rule r \"R\" cites DD when inj and other > 1 then recommend cbt end\n"
        "      |                                  ^~~~~\n"
        "      = hint: add a rule that sets 'other'\n"},
    {"L006 unknown, so L002",
        "derived other: bool \"Other\"\n"
        "rule r \"R\" cites DD when inj and other then recommend cbt end\n",
        "t.sw:26:34: warning[L002]: rule 'r' can never fire: 'other' can never be true: no rule that can fire sets 'other' and it has no default, so it is always unknown\n"
        "   26 | rule r \"R\" cites DD when inj and other then recommend cbt end\n"
        "      |                                  ^~~~~\n"
        "      = hint: no client can meet this condition; correct the values or remove the rule\n"
        "t.sw:26:34: warning[L006]: 'other' is read here but no rule that can fire sets 'other' and it has no default, so it is always unknown\n"
        "   26 | rule r \"R\" cites DD when inj and other then recommend cbt end\n"
        "      |                                  ^~~~~\n"
        "      = hint: add a rule that sets 'other', or give it a default\n"},
    {"L007",
        "rule r \"R\" cites DD when stage is persuasion and phq9 > 10 then move engagement end\n"
        "rule r2 \"R2\" cites DD when stage is persuasion and inj then move persuasion end\n",
        "t.sw:26:61: warning[L007]: rules 'r2' and 'r' can fire for the same client but move to different stages (persuasion and engagement)\n"
        "   26 | rule r2 \"R2\" cites DD when stage is persuasion and inj then move persuasion end\n"
        "      |                                                             ^~~~~~~~~~~~~~~\n"
        "      = hint: when both fire the earliest stage (engagement) wins ('r' is at t.sw:25); make the conditions exclusive, or add allow L007 because \"...\" saying why\n"},
    {"L008",
        "rule r \"R\" cites DD priority high when stage is persuasion and inj then set level = 3 end\n",
        "t.sw:24:69: warning[L008]: rules 'sets_level' and 'r' can fire for the same client but set 'level' to different values (1 and 3)\n"
        "   24 | rule sets_level \"Sets level\" cites DD when stage is persuasion then set level = 1 end\n"
        "      |                                                                     ^~~~~~~~~~~~~\n"
        "      = hint: when both fire 'r' wins (it has the higher priority; it is at t.sw:25); make the conditions exclusive, or add allow L008 because \"...\"\n"},
    {"L017",
        "rule r \"R\" cites DD allow L002 because \"x\" allow L123 because \"y\" when inj then recommend cbt end\n",
        "t.sw:25:21: warning[L017]: allow L002 silences nothing: rule 'r' has no L002 finding\n"
        "   25 | rule r \"R\" cites DD allow L002 because \"x\" allow L123 because \"y\" when inj then recommend cbt end\n"
        "      |                     ^~~~~~~~~~~~~~~~~~~~~~\n"
        "      = hint: remove the allow: lint finds nothing of that kind here\n"
        "t.sw:25:44: warning[L017]: 'L123' is not a lint finding code\n"
        "   25 | rule r \"R\" cites DD allow L002 because \"x\" allow L123 because \"y\" when inj then recommend cbt end\n"
        "      |                                            ^~~~~~~~~~~~~~~~~~~~~~\n"
        "      = hint: docs/lint.md lists the codes, L001 to L018\n"},
    {"L018",
        "rule r \"R\" cites DD when inj or (phq9 is known and phq9 >= 10) then risk suicide end\n",
        "t.sw:25:34: warning[L018]: rule 'r' raises a risk, but 'phq9 is known' makes it false rather than undecided when 'phq9' is missing: the risk is then neither raised nor asked about\n"
        "   25 | rule r \"R\" cites DD when inj or (phq9 is known and phq9 >= 10) then risk suicide end\n"
        "      |                                  ^~~~~~~~~~~~~\n"
        "      = hint: remove the guard, so that 'phq9 >= 10' alone leaves the rule undecided and the result asks for 'phq9'; if 'phq9' matters only in some cases, write '(phq9 is known or <when it matters>)'\n"},
    {"L018 under not, through a derived fact",
        "derived hot: bool \"Hot\" default false\n"
        "rule r \"R\" cites DD when not (released is missing or days since released > 28) then set hot = true end\n"
        "rule r2 \"R2\" cites DD when hot then risk suicide end\n",
        "t.sw:26:31: warning[L018]: rule 'r' sets 'hot', which a risk rule reads, but 'released is missing' makes it false rather than undecided when 'released' is missing: the risk is then neither raised nor asked about\n"
        "   26 | rule r \"R\" cites DD when not (released is missing or days since released > 28) then set hot = true end\n"
        "      |                               ^~~~~~~~~~~~~~~~~~~\n"
        "      = hint: remove the guard, so that 'days since released > 28' alone leaves the rule undecided and the result asks for 'released'; if 'released' matters only in some cases, write '(released is known or <when it matters>)'\n"},
    {"L018 not for a relevance guard, a rule without a risk, or 'is missing or'",
        "rule r \"R\" cites DD when (phq9 is known or inj) and phq9 < 5 then risk suicide end\n"
        "rule r2 \"R2\" cites DD when phq9 is known and phq9 >= 10 then recommend cbt end\n"
        "rule r3 \"R3\" cites DD when phq9 is missing or phq9 >= 20 then risk suicide end\n"
        "rule r4 \"R4\" cites DD when phq9 is known and inj then risk suicide end\n",
        ""},
};

static void test_each_finding(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        sw_lint_summary s;
        assert_int_equal(lint(cases[i].body, &out, &s), SW_OK);
        if (strcmp(out, cases[i].expected) != 0)
            fail_msg("case %s:\n--- expected\n%s--- actual\n%s", cases[i].name, cases[i].expected, out);
        sw_free(out);
    }
}

/* Only the message matters here: is a condition found impossible or not? */
typedef struct logic_case {
    const char *cond;
    const char *finding;   /* a substring of the output, or NULL for none */
} logic_case;

static const logic_case logic[] = {
    {"bmi > 30.5 and bmi <= 30.5", "'bmi > 30.5' and 'bmi <= 30.5' cannot both be true"},
    {"bmi > 30.5 and bmi <= 30.6", NULL},
    {"bmi > 80.0", "'bmi > 80.0' can never be true: 'bmi' is declared as number 10..80"},
    {"phq9 > 3 and phq9 < 4", "'phq9 > 3' and 'phq9 < 4' cannot both be true"},
    {"phq9 in { 1, 2, 3 } and phq9 > 3", "cannot both be true"},
    {"phq9 in { 1, 2, 4 } and phq9 > 3", NULL},
    {"phq9 is not 0 and phq9 < 1", "'phq9 is not 0' and 'phq9 < 1' cannot both be true"},
    {"phq9 >= 26 and phq9 is not 26 and phq9 is not 27", "cannot all be true"},
    {"phq9 is missing and phq9 > 3", "'phq9 is missing' and 'phq9 > 3' cannot both be true"},
    {"phq9 is missing and phq9 is known", "cannot both be true"},
    {"phq9 is missing or phq9 > 3", NULL},
    {"not (phq9 is known or inj)", NULL},
    {"not (phq9 is known) and not (phq9 < 5)", "'not (phq9 is known)' and 'not (phq9 < 5)' cannot both be true"},
    {"released < 2020-01-01 and released > 2019-12-31", "cannot both be true"},
    {"days since released > 28 and days since released <= 7", "cannot both be true"},
    {"days since released > 28 and weeks since released <= 1", NULL},
    {"phq9 + 1 > 30 and phq9 + 1 < 2", "cannot both be true"},
    {"note is \"a\" and not (note is \"a\")", "'note is \"a\"' and 'not (note is \"a\")' cannot both be true"},
    {"note is \"a\" and note is \"b\"", NULL},
    {"subs contains alcohol and not (subs contains any { alcohol, crack })", "cannot both be true"},
    {"subs contains any { alcohol, crack } and not (subs contains all { opioids, alcohol })", NULL},
    {"subs contains all { opioids, alcohol } and not (subs contains opioids)", "cannot both be true"},
    {"stage > persuasion", "'stage > persuasion' can never be true: 'stage' is one of engagement, persuasion"},
    {"stage < persuasion and stage is persuasion", "cannot both be true"},
    {"housing in { stable, temporary } and housing not in { temporary, stable }", "cannot both be true"},
    {"inj and not inj", "'inj' and 'not inj' cannot both be true"},
    {"inj is true and inj is false", "cannot both be true"},
    {"flag and not flag", "cannot both be true"},
    {"(inj or phq9 > 3) and (not inj) and phq9 < 2", "can never fire"},
    {"(inj or phq9 > 3) and (not inj) and phq9 < 5", "dead: 'inj' and 'not inj' cannot both be true"},
    {"(inj and phq9 > 3) or (not inj and phq9 < 5)", NULL},
};

static void test_logic(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof logic / sizeof logic[0]; i++) {
        char body[512], *out = NULL;
        sw_lint_summary s;
        snprintf(body, sizeof body, "rule r \"R\" cites DD when %s then recommend cbt end\n", logic[i].cond);
        assert_int_equal(lint(body, &out, &s), SW_OK);
        if (logic[i].finding == NULL ? s.findings != 0 : strstr(out, logic[i].finding) == NULL)
            fail_msg("condition %s:\n%s", logic[i].cond, out);
        sw_free(out);
    }
}

/* A chain of rules that depend on a dead one is found whole. */
static void test_dead_chain(void **state)
{
    (void)state;
    char *out = NULL;
    sw_lint_summary s;
    assert_int_equal(lint("derived a: bool \"A\"\nderived b: bool \"B\"\n"
                          "rule r1 \"R1\" cites DD when phq9 > 5 and phq9 < 2 then set a = true end\n"
                          "rule r2 \"R2\" cites DD when a then set b = true end\n"
                          "rule r3 \"R3\" cites DD when b or inj then recommend cbt end\n",
                          &out, &s),
                     SW_OK);
    assert_non_null(strstr(out, "warning[L002]: rule 'r1' can never fire"));
    assert_non_null(strstr(out, "warning[L002]: rule 'r2' can never fire"));
    assert_non_null(strstr(out, "warning[L001]: part of this condition is dead: 'b' can never be true"));
    assert_null(strstr(out, "rule 'r3' can never fire"));
    sw_free(out);
}

/* Overlap is only reported when it is possible. */
static void test_exclusive_rules_are_quiet(void **state)
{
    (void)state;
    char *out = NULL;
    sw_lint_summary s;
    assert_int_equal(lint("rule r \"R\" cites DD when stage is persuasion and phq9 > 10 and inj then move engagement end\n"
                          "rule r2 \"R2\" cites DD when stage is persuasion and phq9 <= 10 then move persuasion end\n"
                          "rule r3 \"R3\" cites DD when phq9 >= 20 and inj then recommend cbt risk suicide end\n"
                          "rule r4 \"R4\" cites DD when stage is persuasion and not inj then set flag = false end\n",
                          &out, &s),
                     SW_OK);
    assert_string_equal(out, "");
    assert_int_equal(s.findings, 0);
    sw_free(out);
}

/* allow silences one code for the rules of a finding, and is counted. */
static void test_allow(void **state)
{
    (void)state;
    char *out = NULL;
    sw_lint_summary s;
    assert_int_equal(lint("rule r \"R\" allow L005 because \"Local practice, no source yet\"\n"
                          "  allow L003 because \"Asks that the score is recorded\"\n"
                          "when phq9 >= 0 and inj then recommend cbt end\n"
                          "rule r2 \"R2\" cites DD allow L007 because \"Deliberate: engagement first\"\n"
                          "when phq9 > 10 then move engagement end\n",
                          &out, &s),
                     SW_OK);
    assert_string_equal(out, "");
    assert_int_equal(s.findings, 0);
    assert_int_equal(s.silenced, 3);   /* L005, L003 and L007 (uses_all moves to persuasion) */
    assert_int_equal(s.rules, 4);
    sw_free(out);
}

static void test_unused_declarations(void **state)
{
    (void)state;
    static const char text[] =
        "guideline g \"G\" version \"1.0.0\"\n"
        "source DD \"Doc\"\n"
        "source OLD \"Old\"\n"
        "statement DD.s1 \"Sec\" \"Cited.\"\n"
        "statement DD.s2 \"Sec\" \"Not cited.\"\n"
        "statement DD.s3 \"Sec\" \"Excused.\" excused \"Narrative\"\n"
        "stage a \"A\" stage b \"B\" order a -> b\n"
        "facts { stage: stage \"S\" x: bool \"X\" y: bool \"Y\" }\n"
        "derived d: bool \"D\"\n"
        "intervention i \"I\" intervention i2 \"I2\" cites OLD\n"
        "practice p \"P\" challenge c \"C\" risk k \"K\"\n"
        "rule r \"R\" cites DD.s1 when x then recommend i move a end\n";
    sw_source_text src = {"u.sw", text, strlen(text)};
    sw_diagnostics *d = sw_diagnostics_new();
    sw_lint_summary s;
    assert_int_equal(sw_lint_texts(&src, 1, d, &s), SW_OK);
    static const char *const expected[][2] = {
        {"L016", "statement DD.s2 is not cited by any rule and not excused"},
        {"L014", "stage 'b' is never used by a rule"},
        {"L009", "fact 'y' is declared but no rule reads it"},
        {"L009", "derived fact 'd' is declared but no rule sets or reads it"},
        {"L010", "intervention 'i2' is declared but no rule recommends it"},
        {"L011", "practice 'p' is declared but no rule advises it"},
        {"L012", "challenge 'c' is declared but no rule flags it"},
        {"L013", "risk 'k' is declared but no rule flags it"},
    };
    size_t n = sizeof expected / sizeof expected[0];
    assert_int_equal(sw_diagnostics_count(d), n);
    assert_int_equal(s.findings, n);
    for (size_t i = 0; i < n; i++) {
        const sw_diagnostic *g = sw_diagnostics_at(d, i);
        assert_string_equal(g->code, expected[i][0]);
        assert_string_equal(g->message, expected[i][1]);
    }
    sw_diagnostics_free(d);
}

/* Findings come in file order, then position, whatever order they were found in. */
static void test_order_across_files(void **state)
{
    (void)state;
    static const char a[] = "guideline g \"G\" version \"1.0.0\"\nsource DD \"Doc\"\n"
                            "facts { x: int 0..9 \"X\" }\nintervention i \"I\"\n";
    static const char b[] = "rule r2 \"R2\" cites DD when x > 5 and x < 2 then recommend i end\n"
                            "rule r1 \"R1\" when x > 1 then recommend i end\n";
    sw_source_text src[2] = {{"b.sw", b, strlen(b)}, {"a.sw", a, strlen(a)}};
    sw_diagnostics *d = sw_diagnostics_new();
    sw_lint_summary s;
    assert_int_equal(sw_lint_texts(src, 2, d, &s), SW_OK);
    assert_int_equal(sw_diagnostics_count(d), 2);
    assert_string_equal(sw_diagnostics_at(d, 0)->code, "L002");
    assert_int_equal(sw_diagnostics_at(d, 0)->line, 1);
    assert_string_equal(sw_diagnostics_at(d, 1)->code, "L005");
    assert_int_equal(sw_diagnostics_at(d, 1)->line, 2);
    sw_diagnostics_free(d);
}

static void test_rule_errors_stop_lint(void **state)
{
    (void)state;
    char *out = NULL;
    sw_lint_summary s;
    assert_int_equal(lint("rule r \"R\" cites DD when housng is stable then recommend cbt end\n", &out, &s),
                     SW_ERR_RULES);
    assert_non_null(strstr(out, "error[E101]: unknown fact 'housng'"));
    assert_int_equal(s.findings, 0);
    sw_free(out);
    assert_int_equal(sw_lint_texts(NULL, 1, NULL, &s), SW_ERR_ARG);
}

/* Every code is listed once, in order, and documented. */
static void test_codes_documented(void **state)
{
    (void)state;
    FILE *f = fopen(SW_SOURCE_DIR "/docs/lint.md", "rb");
    assert_non_null(f);
    static char doc[200000];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    int count = 0;
    for (const sw_lint_code *c = sw_lint_codes; c->code; c++, count++) {
        char want[16], heading[64];
        snprintf(want, sizeof want, "L%03d", count + 1);
        assert_string_equal(c->code, want);
        snprintf(heading, sizeof heading, "\n## %s ", c->code);
        if (strstr(doc, heading) == NULL)
            fail_msg("docs/lint.md has no section '## %s ...'", c->code);
    }
    assert_int_equal(count, 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_finding),
        cmocka_unit_test(test_logic),
        cmocka_unit_test(test_dead_chain),
        cmocka_unit_test(test_exclusive_rules_are_quiet),
        cmocka_unit_test(test_allow),
        cmocka_unit_test(test_unused_declarations),
        cmocka_unit_test(test_order_across_files),
        cmocka_unit_test(test_rule_errors_stop_lint),
        cmocka_unit_test(test_codes_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
