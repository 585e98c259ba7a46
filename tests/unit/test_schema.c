/*
 * test_schema.c - the schema document (sw_ruleset_schema_render, engine/api/schema.c):
 * base facts grouped by the `facts` blocks they were declared in, in declaration
 * order, each block headed by its first comment (the rule of dashes stripped) or
 * null; types, ranges and members; derived facts apart; stages in order; sources
 * with their statements and excuses; the same document every time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stagewise.h"
#include "util/jsonread.h"

static const char rules_text[] =
    "guideline g \"G\" version \"1.0.0\"\n"
    "source S \"A source\" file \"s.txt\"\n"
    "statement S.first \"One\" \"The first statement.\"\n"
    "statement S.two \"Two\" \"The second statement.\" excused \"not decidable\"\n"
    "stage early \"Early\" goal \"Begin\"\n"
    "stage late \"Late\"\n"
    "order early -> late\n"
    "facts {\n"
    "  # ---- Housing and money ----\n"
    "  zeta: bool \"Zeta first in the file\"\n"
    "  housing: one of { stable, rough } \"Housing\"\n"
    "  # a second comment is not a heading\n"
    "  score: int 0..27 \"A score\"\n"
    "}\n"
    "facts {\n"
    "  stage: stage \"Stage\"\n"
    "  bmi: number 10.5..80 \"BMI\"\n"
    "  used: set of { a, b } \"Used\"\n"
    "}\n"
    "derived flagged: bool \"Flagged\" default false\n"
    "risk r \"A risk\" severity warning cites S.first\n"
    "rule flag \"Flag\" cites S.first\n"
    "when score >= 10 and stage is early\n"
    "then set flagged = true\n"
    "  risk r\n"
    "end\n";

static sw_ruleset *load(void)
{
    sw_source_text src = {"g.sw", rules_text, sizeof rules_text - 1};
    sw_ruleset *rules = NULL;
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_status st = sw_ruleset_load_texts(&src, 1, &rules, diags);
    if (st != SW_OK) {
        char *text = NULL;
        sw_diagnostics_render(diags, &text, NULL);
        print_error("%s\n", text ? text : "");
        sw_free(text);
    }
    assert_int_equal(st, SW_OK);
    sw_diagnostics_free(diags);
    return rules;
}

static const sw_jnode *nth(const sw_jnode *array, size_t i)
{
    const sw_jnode *n = array ? array->first : NULL;
    while (n && i-- > 0)
        n = n->next;
    assert_non_null(n);
    return n;
}

static size_t length(const sw_jnode *array)
{
    size_t k = 0;
    for (const sw_jnode *n = array ? array->first : NULL; n; n = n->next)
        k++;
    return k;
}

static void test_groups_follow_the_blocks(void **state)
{
    (void)state;
    sw_ruleset *rules = load();
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(sw_ruleset_schema_render(rules, &text, &len), SW_OK);
    sw_jdoc doc;
    assert_int_equal(sw_jdoc_parse(&doc, text, len), 0);
    assert_string_equal(sw_jstr(sw_jget(doc.root, "format")), "stagewise-schema");

    const sw_jnode *groups = sw_jget(doc.root, "groups");
    assert_int_equal(length(groups), 2);
    const sw_jnode *g0 = nth(groups, 0), *g1 = nth(groups, 1);
    assert_string_equal(sw_jstr(sw_jget(g0, "title")), "Housing and money");
    assert_int_equal(sw_jget(g1, "title")->type, SW_JNULL);   /* no comment: no heading */
    /* declaration order, not name order */
    const sw_jnode *f0 = sw_jget(g0, "facts");
    assert_int_equal(length(f0), 3);
    assert_string_equal(sw_jstr(sw_jget(nth(f0, 0), "name")), "zeta");
    assert_string_equal(sw_jstr(sw_jget(nth(f0, 1), "name")), "housing");
    assert_string_equal(sw_jstr(sw_jget(nth(f0, 1), "type")), "one_of");
    assert_string_equal(sw_jstr(nth(sw_jget(nth(f0, 1), "members"), 1)), "rough");
    const sw_jnode *score = nth(f0, 2);
    assert_string_equal(sw_jget(score, "min")->text, "0");
    assert_string_equal(sw_jget(score, "max")->text, "27");
    const sw_jnode *f1 = sw_jget(g1, "facts");
    assert_string_equal(sw_jstr(sw_jget(nth(f1, 0), "type")), "stage");
    assert_string_equal(sw_jget(nth(f1, 1), "min")->text, "10.5");
    assert_string_equal(sw_jstr(sw_jget(nth(f1, 2), "type")), "set_of");
    assert_null(sw_jget(nth(f1, 2), "min"));

    const sw_jnode *derived = sw_jget(doc.root, "derived");
    assert_int_equal(length(derived), 1);
    assert_string_equal(sw_jstr(sw_jget(nth(derived, 0), "name")), "flagged");

    const sw_jnode *stages = sw_jget(doc.root, "stages");
    assert_int_equal(length(stages), 2);
    assert_string_equal(sw_jstr(sw_jget(nth(stages, 0), "goal")), "Begin");
    assert_int_equal(sw_jget(nth(stages, 1), "goal")->type, SW_JNULL);

    const sw_jnode *st = sw_jget(nth(sw_jget(doc.root, "sources"), 0), "statements");
    assert_int_equal(length(st), 2);
    assert_int_equal(sw_jget(nth(st, 0), "excused")->type, SW_JNULL);
    assert_string_equal(sw_jstr(sw_jget(nth(st, 1), "excused")), "not decidable");
    assert_string_equal(sw_jstr(sw_jget(nth(sw_jget(doc.root, "risks"), 0), "severity")),
                        "warning");
    sw_jdoc_free(&doc);

    /* deterministic: the same bytes again */
    char *again = NULL;
    size_t again_len = 0;
    assert_int_equal(sw_ruleset_schema_render(rules, &again, &again_len), SW_OK);
    assert_int_equal(again_len, len);
    assert_memory_equal(again, text, len);
    sw_free(again);
    sw_free(text);
    sw_ruleset_free(rules);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char *text = (char *)"x";
    assert_int_equal(sw_ruleset_schema_render(NULL, &text, NULL), SW_ERR_ARG);
    assert_null(text);
    sw_ruleset *rules = load();
    assert_int_equal(sw_ruleset_schema_render(rules, NULL, NULL), SW_ERR_ARG);
    sw_ruleset_free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_follow_the_blocks),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
