/*
 * test_check.c - the checker: every error code, with its exact text, line,
 * column, caret and hint, as a clinical lead would see it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rules_fixture.h"

/* 17 lines every case builds on; a case's own text starts on line 18. */
static const char header[] =
    "guideline g \"G\" version \"1.0.0\"\n"
    "source DD \"Doc\"\n"
    "statement DD.s1 \"Sec\" \"Text.\"\n"
    "stage engagement \"Engagement\"\n"
    "stage persuasion \"Persuasion\"\n"
    "order engagement -> persuasion\n"
    "facts {\n"
    "  stage: stage \"Current stage\"\n"
    "  housing: one of { stable, temporary } \"Housing\"\n"
    "  phq9: int 0..27 \"PHQ-9\"\n"
    "  subs: set of { opioids, alcohol } \"Substances\"\n"
    "  released: date \"Released\"\n"
    "  note: text \"Note\"\n"
    "}\n"
    "intervention cbt \"CBT\"\n"
    "risk suicide \"Suicide\"\n"
    "derived flag: bool \"Flag\"\n";

typedef struct check_case {
    const char *name;
    const char *body;
    const char *expected;
} check_case;

static const check_case cases[] = {
    {"e101",
        "rule r \"R\" when housng is stable then recommend cbt end\n",
        "test.sw:18:17: error[E101]: unknown fact 'housng'\n"
        "   18 | rule r \"R\" when housng is stable then recommend cbt end\n"
        "      |                 ^~~~~~\n"
        "      = hint: did you mean 'housing'?\n"},
    {"e102",
        "rule r \"R\" when flag then recommend cbt end\n"
        "rule r \"R2\" when flag then recommend cbt end\n",
        "test.sw:19:6: error[E102]: rule 'r' is declared twice\n"
        "   19 | rule r \"R2\" when flag then recommend cbt end\n"
        "      |      ^\n"
        "      = hint: rename one, or remove it\n"
        "test.sw:18:6: note: the first declaration is here\n"
        "   18 | rule r \"R\" when flag then recommend cbt end\n"
        "      |      ^\n"},
    {"e112",
        "rule r \"R\" when stage is persuasion then move engagment end\n",
        "test.sw:18:47: error[E107]: 'engagment' is not a declared stage\n"
        "   18 | rule r \"R\" when stage is persuasion then move engagment end\n"
        "      |                                               ^~~~~~~~~\n"
        "      = hint: did you mean 'engagement'?\n"},
    {"e114",
        "rule r \"R\" cites DD.s2 when phq9 > 3 then recommend cbt end\n",
        "test.sw:18:18: error[E114]: source DD has no statement 's2'\n"
        "   18 | rule r \"R\" cites DD.s2 when phq9 > 3 then recommend cbt end\n"
        "      |                  ^~~~~\n"
        "      = hint: did you mean 'DD.s1'?\n"},
    {"e115",
        "rule r \"R\" priority hgh when phq9 > 3 then recommend cbt end\n",
        "test.sw:18:21: error[E115]: 'hgh' is not a priority\n"
        "   18 | rule r \"R\" priority hgh when phq9 > 3 then recommend cbt end\n"
        "      |                     ^~~\n"
        "      = hint: did you mean 'high'?\n"},
    {"e118",
        "rule r \"R\" when phq9 > 3 then set phq9 = 3 end\n",
        "test.sw:18:35: error[E118]: 'phq9' is not a derived fact\n"
        "   18 | rule r \"R\" when phq9 > 3 then set phq9 = 3 end\n"
        "      |                                   ^~~~\n"
        "      = hint: rules cannot change 'phq9', which comes from the assessment; declare a derived fact with another name\n"},
    {"e202",
        "rule r \"R\" when phq9 > 40 then recommend cbt end\n",
        "test.sw:18:24: error[E202]: 40 is outside the range of 'phq9'\n"
        "   18 | rule r \"R\" when phq9 > 40 then recommend cbt end\n"
        "      |                        ^~\n"
        "      = hint: 'phq9' is declared as int 0..27\n"},
    {"e207",
        "rule r \"R\" when housing = stable then recommend cbt end\n",
        "test.sw:18:17: error[E207]: '=' is not a comparison in conditions\n"
        "   18 | rule r \"R\" when housing = stable then recommend cbt end\n"
        "      |                 ^~~~~~~~~~~~~~~~\n"
        "      = hint: write 'x is y' to compare values\n"},
    {"e208",
        "rule r \"R\" when housing < stable then recommend cbt end\n",
        "test.sw:18:17: error[E208]: the values of 'housing' have no order\n"
        "   18 | rule r \"R\" when housing < stable then recommend cbt end\n"
        "      |                 ^~~~~~~~~~~~~~~~\n"
        "      = hint: use 'is', 'is not' or 'in { ... }' for these values\n"},
    {"e210",
        "rule r \"R\" when subs in { opioids } then recommend cbt end\n",
        "test.sw:18:17: error[E210]: 'in' tests one value; this is a set\n"
        "   18 | rule r \"R\" when subs in { opioids } then recommend cbt end\n"
        "      |                 ^~~~~~~~~~~~~~~~~~~\n"
        "      = hint: write 'contains any { ... }' or 'contains all { ... }'\n"},
    {"e211",
        "rule r \"R\" when housing contains stable then recommend cbt end\n",
        "test.sw:18:17: error[E211]: 'contains' needs a set, not one of a list of values\n"
        "   18 | rule r \"R\" when housing contains stable then recommend cbt end\n"
        "      |                 ^~~~~~~~~~~~~~~~~~~~~~~\n"
        "      = hint: for one value write 'x is v' or 'x in { ... }'\n"},
    {"e212",
        "rule r \"R\" when phq9 then recommend cbt end\n",
        "test.sw:18:17: error[E212]: a rule's condition must be true or false, but this is a whole number\n"
        "   18 | rule r \"R\" when phq9 then recommend cbt end\n"
        "      |                 ^~~~\n"
        "      = hint: compare it, e.g. 'phq9 is ...' or 'phq9 is known'\n"},
    {"e214",
        "rule r \"R\" when days since phq9 > 3 then recommend cbt end\n",
        "test.sw:18:28: error[E214]: 'days since' needs a date, but this is a whole number\n"
        "   18 | rule r \"R\" when days since phq9 > 3 then recommend cbt end\n"
        "      |                            ^~~~\n"},
    {"e214 months",
        "rule r \"R\" when months since phq9 > 3 then recommend cbt end\n",
        "test.sw:18:30: error[E214]: 'months since' needs a date, but this is a whole number\n"
        "   18 | rule r \"R\" when months since phq9 > 3 then recommend cbt end\n"
        "      |                              ^~~~\n"},
    {"e215",
        "rule r \"R\" when phq9 > 3 then set flag = 3 end\n",
        "test.sw:18:42: error[E215]: 'flag' holds true/false but this is a whole number\n"
        "   18 | rule r \"R\" when phq9 > 3 then set flag = 3 end\n"
        "      |                                          ^\n"},
    {"e216",
        "rule r \"R\" when phq9 >= 1 / 0 then recommend cbt end\n",
        "test.sw:18:25: error[E216]: '/' cannot be computed: it divides by zero\n"
        "   18 | rule r \"R\" when phq9 >= 1 / 0 then recommend cbt end\n"
        "      |                         ^~~~~\n"
        "      = hint: it would be unknown for every client; divide by a number that is not zero\n"},
    {"e216_folded_zero",
        "rule r \"R\" when phq9 >= 3.5 / (2 * 3 - 6) then recommend cbt end\n",
        "test.sw:18:25: error[E216]: '/' cannot be computed: it divides by zero\n"
        "   18 | rule r \"R\" when phq9 >= 3.5 / (2 * 3 - 6) then recommend cbt end\n"
        "      |                         ^~~~~~~~~~~~~~~~~\n"
        "      = hint: it would be unknown for every client; divide by a number that is not zero\n"},
    {"e216_overflow",
        "rule r \"R\" when phq9 < 1000000000000 * 1000000000000 then recommend cbt end\n",
        "test.sw:18:24: error[E216]: '*' cannot be computed: the result is outside the whole "
        "numbers Stagewise holds (-9223372036854775808 to 9223372036854775807)\n"
        "   18 | rule r \"R\" when phq9 < 1000000000000 * 1000000000000 then recommend cbt end\n"
        "      |                        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "      = hint: it would be unknown for every client; write a smaller value\n"},
    {"e202_folded",
        "rule r \"R\" when phq9 > 20 + 10 then recommend cbt end\n",
        "test.sw:18:24: error[E202]: 30 is outside the range of 'phq9'\n"
        "   18 | rule r \"R\" when phq9 > 20 + 10 then recommend cbt end\n"
        "      |                        ^~~~~~~\n"
        "      = hint: 'phq9' is declared as int 0..27\n"},
    {"e301",
        "rule r \"R\" when flag then set flag = true end\n",
        "test.sw:17:9: error[E301]: derived fact 'flag' depends on itself\n"
        "   17 | derived flag: bool \"Flag\"\n"
        "      |         ^~~~\n"
        "      = hint: flag -> (rule r) -> flag\n"},
    {"e401",
        "fhir flag: Observation \"http://loinc.org|44261-6\" value bool\n",
        "test.sw:18:6: error[E401]: 'flag' is a derived fact: only recorded facts come from FHIR\n"
        "   18 | fhir flag: Observation \"http://loinc.org|44261-6\" value bool\n"
        "      |      ^~~~\n"
        "      = hint: rules set a derived fact; map the facts it is derived from\n"},
    {"e402",
        "fhir phq9: Observaton \"http://loinc.org|44261-6\" value number\n",
        "test.sw:18:12: error[E402]: 'Observaton' is not a FHIR resource Stagewise reads\n"
        "   18 | fhir phq9: Observaton \"http://loinc.org|44261-6\" value number\n"
        "      |            ^~~~~~~~~~\n"
        "      = hint: did you mean 'Observation'?\n"},
    {"e403",
        "fhir phq9: Observation \"44261-6\" value number\n",
        "test.sw:18:24: error[E403]: '44261-6' is not a coding written system|code\n"
        "   18 | fhir phq9: Observation \"44261-6\" value number\n"
        "      |                        ^~~~~~~~~\n"
        "      = hint: write the code system and the code: \"http://loinc.org|44261-6\"\n"},
    {"e404",
        "fhir phq9: Observation \"http://loinc.org|44261-6\" value number witin 30 days\n",
        "test.sw:18:64: error[E404]: 'witin' is not a clause of a fhir mapping\n"
        "   18 | fhir phq9: Observation \"http://loinc.org|44261-6\" value number witin 30 days\n"
        "      |                                                                ^~~~~\n"
        "      = hint: did you mean 'within'?\n"},
    {"e405",
        "fhir housing: Observation \"http://loinc.org|71802-3\" value number\n",
        "test.sw:18:60: error[E405]: 'value number' cannot fill 'housing', a fact of type one of\n"
        "   18 | fhir housing: Observation \"http://loinc.org|71802-3\" value number\n"
        "      |                                                            ^~~~~~\n"
        "      = hint: a one-of fact takes 'value code' with a map to its values\n"},
    {"e406",
        "fhir housing: Observation \"http://loinc.org|71802-3\" value code map { \"a|b\" -> stabel }\n",
        "test.sw:18:80: error[E406]: 'stabel' is not one of the values of 'housing'\n"
        "   18 | fhir housing: Observation \"http://loinc.org|71802-3\" value code map { \"a|b\" -> stabel }\n"
        "      |                                                                                ^~~~~~\n"
        "      = hint: did you mean 'stable'?\n"},
    {"e407",
        "fhir phq9: Observation \"http://loinc.org|44261-6\" value number\n"
        "fhir phq9: Observation \"http://loinc.org|44261-6\" value number within 9 days\n",
        "test.sw:19:24: error[E407]: 'phq9' is read from a FHIR source mapped already\n"
        "   19 | fhir phq9: Observation \"http://loinc.org|44261-6\" value number within 9 days\n"
        "      |                        ^~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "      = hint: 'phq9' reads it already (test.sw:18)\n"},
};

static void test_each_error(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(header) + strlen(cases[i].body) + 1;
        char *text = malloc(n);
        assert_non_null(text);
        snprintf(text, n, "%s%s", header, cases[i].body);
        sw_ruleset *rs = NULL;
        char *rendered = NULL;
        sw_status st = fixture_load(text, &rs, &rendered);
        print_message("case %s\n", cases[i].name);
        assert_int_equal(st, SW_ERR_RULES);
        assert_null(rs);
        assert_string_equal(rendered, cases[i].expected);
        sw_free(rendered);
        free(text);
    }
}

/* Loads text and returns the diagnostics list (caller frees). */
static sw_diagnostics *diags_of(const char *text)
{
    sw_source_text src = {"t.sw", text, strlen(text)};
    sw_diagnostics *d = sw_diagnostics_new();
    sw_ruleset *rs = NULL;
    assert_non_null(d);
    sw_ruleset_load_texts(&src, 1, &rs, d);
    sw_ruleset_free(rs);
    return d;
}

static void assert_diag(const sw_diagnostics *d, size_t i, const char *code, unsigned line,
                        unsigned col, const char *message)
{
    const sw_diagnostic *it = sw_diagnostics_at(d, i);
    assert_non_null(it);
    assert_string_equal(it->code, code);
    assert_int_equal(it->line, line);
    assert_int_equal(it->column, col);
    assert_string_equal(it->message, message);
}

static void test_declarations(void **state)
{
    (void)state;
    sw_diagnostics *d = diags_of(
        "source DD \"Doc\"\n"
        "guideline g \"G\" version \"1.0.0\"\n"
        "guideline h \"H\" version \"2.0.0\"\n"
        "stage a \"A\"\n"
        "stage b \"B\"\n"
        "stage c \"C\"\n"
        "order a -> b\n"
        "facts { x: one of { p, q, p } \"X\" }\n"
        "intervention i \"I\" cites EE\n"
        "rule r \"R\" when x is p then recommend j move z end\n");
    assert_int_equal(sw_diagnostics_error_count(d), 6);
    assert_diag(d, 0, "E103", 3, 1, "a second guideline header");
    assert_diag(d, 1, "E109", 6, 7, "stage 'c' is not in the order");
    assert_diag(d, 2, "E111", 8, 27, "'p' is listed twice");
    assert_diag(d, 3, "E113", 9, 26, "'EE' is not a declared source");
    assert_diag(d, 4, "E117", 10, 39, "'j' is not a declared intervention");
    assert_diag(d, 5, "E107", 10, 46, "'z' is not a declared stage");
    sw_diagnostics_free(d);
}

/* A duplicate points at its first declaration as a related place, in another file
 * too; a diagnostic with nothing related has none. */
static void test_related_location(void **state)
{
    (void)state;
    sw_diagnostics *d = diags_of("guideline g \"G\" version \"1.0.0\"\n"
                                 "source DD \"Doc\"\n"
                                 "\n"
                                 "source DD \"Again\"\n");
    const sw_diagnostic *it = NULL;
    for (size_t i = 0; i < sw_diagnostics_count(d); i++)
        if (strcmp(sw_diagnostics_at(d, i)->code, "E102") == 0)
            it = sw_diagnostics_at(d, i);
    assert_non_null(it);
    assert_int_equal(it->line, 4);
    assert_string_equal(it->related_note, "the first declaration is here");
    assert_string_equal(it->related_file, "t.sw");
    assert_int_equal(it->related_line, 2);
    assert_int_equal(it->related_column, 8);
    assert_string_equal(it->related_source_line, "source DD \"Doc\"");
    sw_diagnostics_free(d);
    d = diags_of("source DD \"Doc\"\n");
    assert_null(sw_diagnostics_at(d, 0)->related_file);
    assert_int_equal(sw_diagnostics_at(d, 0)->related_line, 0);
    sw_diagnostics_free(d);
}

static void test_no_guideline(void **state)
{
    (void)state;
    sw_diagnostics *d = diags_of("source DD \"Doc\"\n");
    assert_int_equal(sw_diagnostics_error_count(d), 1);
    const sw_diagnostic *it = sw_diagnostics_at(d, 0);
    assert_string_equal(it->code, "E100");
    assert_null(it->file);
    assert_string_equal(it->hint, "start the rule set with: guideline NAME \"Title\" version \"1.0.0\"");
    sw_diagnostics_free(d);
}

static void test_set_limit(void **state)
{
    (void)state;
    char text[2048];
    int n = snprintf(text, sizeof text, "guideline g \"G\" version \"1.0.0\"\nfacts { s: set of { m0");
    for (int i = 1; i < 65; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, ", m%d", i);
    snprintf(text + n, sizeof text - (size_t)n, " } \"S\" }\n");
    sw_diagnostics *d = diags_of(text);
    assert_int_equal(sw_diagnostics_error_count(d), 1);
    assert_string_equal(sw_diagnostics_at(d, 0)->code, "E203");
    assert_string_equal(sw_diagnostics_at(d, 0)->message, "a set may have at most 64 members; 's' has 65");
    sw_diagnostics_free(d);
}

static void test_range_in_list_and_default(void **state)
{
    (void)state;
    sw_diagnostics *d = diags_of(
        "guideline g \"G\" version \"1.0.0\"\n"
        "facts { n: int 1..8 \"N\" }\n"
        "derived k: int 0..3 \"K\" default 9\n"
        "intervention i \"I\"\n"
        "rule r \"R\" when n in { 1, 9 } then recommend i end\n");
    assert_int_equal(sw_diagnostics_error_count(d), 2);
    assert_diag(d, 0, "E204", 3, 33, "9 is outside the range of 'k' (0..3)");
    assert_diag(d, 1, "E202", 5, 27, "9 is outside the range of 'n'");
    sw_diagnostics_free(d);
}

static void test_stage_order_comparison(void **state)
{
    (void)state;
    sw_ruleset *rs = NULL;
    char *rendered = NULL;
    sw_status st = fixture_load(FIXTURE_HEADER
                                "rule r \"R\" when stage >= active_treatment then recommend outreach end\n",
                                &rs, &rendered);
    assert_string_equal(rendered, "");
    assert_int_equal(st, SW_OK);
    sw_free(rendered);
    sw_ruleset_free(rs);
}

static void test_info_counts(void **state)
{
    (void)state;
    sw_ruleset *rs = NULL;
    assert_int_equal(fixture_load(FIXTURE_HEADER
                                  "derived flag: bool \"Flag\" default false\n"
                                  "rule r \"R\" when phq9 > 3 then set flag = true end\n",
                                  &rs, NULL),
                     SW_OK);
    const sw_ruleset_info *info = sw_ruleset_describe(rs);
    assert_string_equal(info->name, "test_guide");
    assert_string_equal(info->version, "1.2.3");
    assert_int_equal(info->stages, 4);
    assert_int_equal(info->facts, 8);
    assert_int_equal(info->derived, 1);
    assert_int_equal(info->interventions, 2);
    assert_int_equal(info->risks, 2);
    assert_int_equal(info->rules, 1);
    assert_int_equal(info->statements, 1);
    assert_int_equal(strlen(info->sha256), 64);
    /* every kind's count, numbered as sw_kind_at, agrees with the named fields */
    assert_int_equal(info->nkinds, sw_kind_count());
    assert_int_equal(sw_kind_count(), 4);
    const size_t named[] = {info->interventions, info->practices, info->challenges, info->risks};
    static const char *const keys[] = {"recommendations", "advice", "challenges", "risks"};
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(info->kind_items[k], named[k]);
        assert_string_equal(sw_kind_at(k)->key, keys[k]);
    }
    assert_string_equal(sw_kind_at(SW_REPORT_RISKS)->carries, "severity");
    assert_int_equal(sw_kind_at(SW_REPORT_RISKS)->place, SW_PLACE_RISKS);
    assert_int_equal(sw_kind_at(SW_REPORT_RECOMMENDATIONS)->place, SW_PLACE_TODAY);
    assert_string_equal(sw_kind_at(SW_REPORT_RECOMMENDATIONS)->item, "recommendation");
    assert_string_equal(sw_kind_at(SW_REPORT_CHALLENGES)->expect, "challenges");
    assert_null(sw_kind_at(SW_REPORT_ADVICE)->carries);
    assert_null(sw_kind_at(4));
    sw_ruleset_free(rs);
}

/* Split across files in either order: same hash, same content. */
static void test_file_order_independent(void **state)
{
    (void)state;
    const char *a = FIXTURE_HEADER;
    const char *b = "rule r \"R\" when phq9 > 3 then recommend outreach end\n";
    sw_source_text ab[2] = {{"rules/a.sw", a, strlen(a)}, {"rules/b.sw", b, strlen(b)}};
    sw_source_text ba[2] = {{"other/b.sw", b, strlen(b)}, {"other/a.sw", a, strlen(a)}};
    sw_ruleset *r1 = NULL, *r2 = NULL;
    assert_int_equal(sw_ruleset_load_texts(ab, 2, &r1, NULL), SW_OK);
    assert_int_equal(sw_ruleset_load_texts(ba, 2, &r2, NULL), SW_OK);
    assert_string_equal(sw_ruleset_describe(r1)->sha256, sw_ruleset_describe(r2)->sha256);
    sw_source_text changed[2] = {{"rules/a.sw", a, strlen(a)}, {"rules/b.sw", b, strlen(b) - 1}};
    sw_ruleset *r3 = NULL;
    assert_int_equal(sw_ruleset_load_texts(changed, 2, &r3, NULL), SW_OK);
    assert_string_not_equal(sw_ruleset_describe(r1)->sha256, sw_ruleset_describe(r3)->sha256);
    sw_ruleset_free(r1);
    sw_ruleset_free(r2);
    sw_ruleset_free(r3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_error),
        cmocka_unit_test(test_declarations),
        cmocka_unit_test(test_related_location),
        cmocka_unit_test(test_no_guideline),
        cmocka_unit_test(test_set_limit),
        cmocka_unit_test(test_range_in_list_and_default),
        cmocka_unit_test(test_stage_order_comparison),
        cmocka_unit_test(test_info_counts),
        cmocka_unit_test(test_file_order_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
