/*
 * test_syntax.c - the lexer and parser: every construct parses, and syntax errors
 * read as a clinical lead needs them (exact text, position, caret and hint), with
 * recovery so that one run reports every error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rules_fixture.h"

/* Three lines every case builds on; a case's own text starts on line 4. */
static const char header[] =
    "guideline g \"G\" version \"1.0.0\"\n"
    "facts { a: bool \"A\"  n: int 0..9 \"N\" }\n"
    "intervention i \"I\"\n";

typedef struct syntax_case {
    const char *name;
    const char *body;
    const char *expected;
} syntax_case;

static const syntax_case cases[] = {
    {"bad_char",
        "rule r1 \"R\" when a & n > 1 then recommend i end\n",
        "test.sw:4:20: error[E001]: '&' is not part of the language\n"
        "    4 | rule r1 \"R\" when a & n > 1 then recommend i end\n"
        "      |                    ^\n"
        "      = hint: write 'and' instead\n"},
    {"bad_date",
        "rule r1 \"R\" when a and 2026-02-30 is known then recommend i end\n",
        "test.sw:4:24: error[E003]: this is not a real calendar date\n"
        "    4 | rule r1 \"R\" when a and 2026-02-30 is known then recommend i end\n"
        "      |                        ^~~~~~~~~~\n"
        "      = hint: dates are written YYYY-MM-DD, from 1900-01-01 to 9999-12-31\n"},
    {"early_date",
        "rule r1 \"R\" when a and 1899-12-31 is known then recommend i end\n",
        "test.sw:4:24: error[E003]: this date is before 1900-01-01: dates run from 1900-01-01 to "
        "9999-12-31\n"
        "    4 | rule r1 \"R\" when a and 1899-12-31 is known then recommend i end\n"
        "      |                        ^~~~~~~~~~\n"
        "      = hint: dates are written YYYY-MM-DD, from 1900-01-01 to 9999-12-31\n"},
    {"bad_escape",
        "rule r1 \"R\\q\" when a then recommend i end\n",
        "test.sw:4:11: error[E002]: unknown escape in string\n"
        "    4 | rule r1 \"R\\q\" when a then recommend i end\n"
        "      |           ^~\n"
        "      = hint: write \\\" for a quote, \\\\ for a backslash, \\n for a new line\n"},
    {"eof",
        "rule r1 \"R\" when a then recommend i",
        "test.sw:4:35: error[E010]: the file ends too early\n"
        "    4 | rule r1 \"R\" when a then recommend i\n"
        "      |                                   ^\n"
        "      = hint: expected 'end' to close the rule opened at line 4\n"},
    {"eqeq",
        "rule r1 \"R\" when n == 3 then recommend i end\n",
        "test.sw:4:18: error[E207]: '==' is not a comparison in conditions\n"
        "    4 | rule r1 \"R\" when n == 3 then recommend i end\n"
        "      |                  ^~~~~~\n"
        "      = hint: write 'x is y' to compare values\n"},
    {"missing_end",
        "rule r1 \"R\" when a then recommend i\n"
        "rule r2 \"R\" when a then recommend i end\n",
        "test.sw:5:1: error[E010]: unexpected 'rule'\n"
        "    5 | rule r2 \"R\" when a then recommend i end\n"
        "      | ^~~~\n"
        "      = hint: expected 'end' to close the rule opened at line 4\n"},
    {"missing_title",
        "rule r1 when a then recommend i end\n",
        "test.sw:4:9: error[E010]: unexpected 'when', expected text in quotes\n"
        "    4 | rule r1 when a then recommend i end\n"
        "      |         ^~~~\n"
        "      = hint: a title or label in double quotes is needed here\n"},
    {"no_actions",
        "rule r1 \"R\" when a then end\n",
        "test.sw:4:25: error[E010]: unexpected 'end', expected 'challenge', 'risk', 'recommend', 'advise', 'move' or 'set'\n"
        "    4 | rule r1 \"R\" when a then end\n"
        "      |                         ^~~\n"},
    {"reserved",
        "rule end \"R\" when a then recommend i end\n",
        "test.sw:4:6: error[E010]: unexpected 'end', expected name\n"
        "    4 | rule end \"R\" when a then recommend i end\n"
        "      |      ^~~\n"
        "      = hint: 'end' is a reserved word and cannot be used as a name\n"},
    {"text_outside",
        "rule r1 \"R\" when a then recommend i \"why\" end\n",
        "test.sw:4:37: error[E010]: unexpected text in quotes\n"
        "    4 | rule r1 \"R\" when a then recommend i \"why\" end\n"
        "      |                                     ^~~~~\n"
        "      = hint: text in quotes is only for titles, labels and reasons: write because \"...\"\n"},
    {"two_conditions",
        "rule r1 \"R\" when a n > 1 then recommend i end\n",
        "test.sw:4:20: error[E010]: unexpected name 'n'\n"
        "    4 | rule r1 \"R\" when a n > 1 then recommend i end\n"
        "      |                    ^\n"
        "      = hint: join conditions with 'and' or 'or'; actions come after 'then'\n"},
    {"two_errors",
        "rule r1 \"R\" when a and then recommend i end\n"
        "rule r2 \"R\" when n > then recommend i end\n"
        "rule r3 \"R\" when n > 1 then recommend i end\n",
        "test.sw:4:24: error[E010]: unexpected 'then'\n"
        "    4 | rule r1 \"R\" when a and then recommend i end\n"
        "      |                        ^~~~\n"
        "      = hint: a value or a fact is missing before 'then'\n"
        "test.sw:5:22: error[E010]: unexpected 'then'\n"
        "    5 | rule r2 \"R\" when n > then recommend i end\n"
        "      |                      ^~~~\n"
        "      = hint: a value or a fact is missing before 'then'\n"},
    {"unterminated",
        "rule r1 \"R when a then recommend i end\n",
        "test.sw:4:9: error[E002]: unterminated string\n"
        "    4 | rule r1 \"R when a then recommend i end\n"
        "      |         ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "      = hint: close the text with \" on the same line\n"
        "test.sw:4:39: error[E010]: the file ends too early\n"
        "    4 | rule r1 \"R when a then recommend i end\n"
        "      |                                       ^\n"
        "      = hint: a rule must finish with 'end'\n"},
};

static void test_syntax_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(header) + strlen(cases[i].body) + 1;
        char *text = malloc(n);
        assert_non_null(text);
        snprintf(text, n, "%s%s", header, cases[i].body);
        sw_ruleset *rs = NULL;
        char *rendered = NULL;
        print_message("case %s\n", cases[i].name);
        assert_int_equal(fixture_load(text, &rs, &rendered), SW_ERR_RULES);
        assert_null(rs);
        assert_string_equal(rendered, cases[i].expected);
        sw_free(rendered);
        free(text);
    }
}

/* Every construct of docs/language.md in one rule set, with comments everywhere. */
static const char everything[] =
    "# a comment\n"
    "guideline all_of_it \"Everything\" version \"2.10.0-rc.1\"  # trailing comment\n"
    "source DD \"Doc\" file \"001.txt\"\n"
    "source SATS \"McHugo 1995\"\n"
    "statement DD.s1 \"Sec\" \"Text with \\\"quotes\\\" and \\\\ backslash.\"\n"
    "statement DD.s2 \"Sec\" \"Narrative.\" excused \"Summary only\"\n"
    "stage engagement \"Engagement\" goal \"Trust\"\n"
    "stage persuasion \"Persuasion\"\n"
    "order engagement -> persuasion\n"
    "facts {\n"
    "  stage: stage \"Stage\"\n"
    "  b: bool \"B\"\n"
    "  i: int \"I\"\n"
    "  r: int -5..5 \"R\"\n"
    "  x: number \"X\"\n"
    "  y: number -1.5..2.5 \"Y\"\n"
    "  e: one of { p, q } \"E\"\n"
    "  s: set of { p, q, r2 } \"S\"\n"
    "  d: date \"D\"\n"
    "  t: text \"T\"\n"
    "}\n"
    "derived k: one of { lo, hi } \"K\" default lo\n"
    "derived n: number \"N\" default 1.5\n"
    "intervention iv \"IV\" kind social cites DD.s1, SATS \"level 3\"\n"
    "practice pr \"PR\" cites DD\n"
    "challenge ch \"CH\"\n"
    "risk rk \"RK\" severity info\n"
    "rule r1 \"All conditions\"\n"
    "  cites DD.s1\n"
    "  priority urgent\n"
    "  cites SATS \"level 1\"\n"
    "when\n"
    "  (b or not b) and i is not 3 and r >= -5 and x < 1.5e2 and y <= 2 and e in { p }\n"
    "  and e not in { q } and s contains p and s contains any { q, r2 }\n"
    "  and s contains all { p } and d is known and t is missing\n"
    "  and days since d > 1 and weeks since d <= 52 and d > 2020-01-31\n"
    "  and (i + 1) * 2 - 3 / 4 > -i and stage is engagement and t in { \"a\", \"b\" }\n"
    "then\n"
    "  recommend iv priority low because \"why\"\n"
    "  recommend iv\n"
    "  advise pr because \"p\"\n"
    "  challenge ch\n"
    "  risk rk severity critical because \"r\"\n"
    "  risk rk\n"
    "  move persuasion because \"m\"\n"
    "  set k = hi because \"k\"\n"
    "  set n = x / 2\n"
    "end\n";

static void test_every_construct(void **state)
{
    (void)state;
    sw_ruleset *rs = NULL;
    char *rendered = NULL;
    sw_status st = fixture_load(everything, &rs, &rendered);
    assert_string_equal(rendered, "");
    assert_int_equal(st, SW_OK);
    const sw_ruleset_info *info = sw_ruleset_describe(rs);
    assert_string_equal(info->version, "2.10.0-rc.1");
    assert_int_equal(info->statements, 2);
    assert_int_equal(info->facts, 10);
    assert_int_equal(info->derived, 2);
    assert_int_equal(info->rules, 1);
    sw_free(rendered);
    sw_ruleset_free(rs);
}

static void test_nesting_limit(void **state)
{
    (void)state;
    enum { DEPTH = 3000 };
    size_t n = strlen(header) + 2 * DEPTH + 64;
    char *text = malloc(n);
    assert_non_null(text);
    size_t k = (size_t)snprintf(text, n, "%srule r \"R\" when ", header);
    for (int i = 0; i < DEPTH; i++)
        text[k++] = '(';
    text[k++] = 'a';
    for (int i = 0; i < DEPTH; i++)
        text[k++] = ')';
    snprintf(text + k, n - k, " then recommend i end\n");
    sw_source_text src = {"deep.sw", text, strlen(text)};
    sw_diagnostics *d = sw_diagnostics_new();
    sw_ruleset *rs = NULL;
    assert_int_equal(sw_ruleset_load_texts(&src, 1, &rs, d), SW_ERR_RULES);
    assert_string_equal(sw_diagnostics_at(d, 0)->code, "E011");
    sw_diagnostics_free(d);
    free(text);
}

static void test_empty_and_binary_input(void **state)
{
    (void)state;
    static const char binary[] = {'r', 'u', 'l', 'e', ' ', 0, (char)0xff, (char)0xc3};
    sw_source_text src[2] = {{"empty.sw", "", 0}, {"binary.sw", binary, sizeof binary}};
    sw_diagnostics *d = sw_diagnostics_new();
    sw_ruleset *rs = NULL;
    assert_int_equal(sw_ruleset_load_texts(src, 2, &rs, d), SW_ERR_RULES);
    assert_null(rs);
    assert_true(sw_diagnostics_error_count(d) >= 2);
    sw_diagnostics_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_every_construct),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_empty_and_binary_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
