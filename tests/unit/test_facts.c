/*
 * test_facts.c - the facts reader and setters (engine/facts.c): every kind of value
 * read from YAML and JSON; null and left-out facts as unknown; each facts error
 * with its exact rendered text, location, field and hint; YAML streams and JSON
 * lines that move past a bad document to the next; bytes libyaml refuses, kept to
 * the document they are in; the setters, their errors and that a refused value
 * leaves the fact as it was; the canonical form the facts digest is taken over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "facts.h"
#include "rules_fixture.h"
#include "value.h"

#define SCHEMA                                                                      \
    FIXTURE_HEADER                                                                  \
    "derived disengagement_risk: bool \"At risk of disengaging\" default false\n"  \
    "rule low_mood \"Low mood\" cites DD when phq9 >= 20\n"                        \
    "then set disengagement_risk = true end\n"

/* ---- helpers ---- */

static int load_rules(void **state)
{
    sw_ruleset *rules = NULL;
    char *rendered = NULL;
    sw_status st = fixture_load(SCHEMA, &rules, &rendered);
    if (st != SW_OK)
        fail_msg("the schema does not load:\n%s", rendered ? rendered : "");
    sw_free(rendered);
    *state = rules;
    return 0;
}

static int free_rules(void **state)
{
    sw_ruleset_free(*state);
    return 0;
}

static sw_status parse(void **state, const char *text, sw_facts **out, char **rendered)
{
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    sw_status st = sw_facts_parse(*state, "client.yaml", text, strlen(text), out, d);
    assert_int_equal(sw_diagnostics_render(d, rendered, NULL), SW_OK);
    sw_diagnostics_free(d);
    return st;
}

static sw_facts *parse_ok(void **state, const char *text)
{
    sw_facts *f = NULL;
    char *rendered = NULL;
    sw_status st = parse(state, text, &f, &rendered);
    assert_string_equal(rendered, "");
    assert_int_equal(st, SW_OK);
    assert_non_null(f);
    sw_free(rendered);
    return f;
}

/* Parses text, which must fail, and compares the rendered diagnostics. */
static void expect_errors(void **state, const char *text, const char *expected)
{
    sw_facts *f = (sw_facts *)&f;
    char *rendered = NULL;
    assert_int_equal(parse(state, text, &f, &rendered), SW_ERR_FACTS);
    assert_null(f);
    assert_string_equal(rendered, expected);
    sw_free(rendered);
}

/* A fact's value as the rule language writes it ("unknown" when not known). */
static const char *value_of(const sw_facts *f, const char *name, char out[128])
{
    const sw_fact_def *def = sw_program_fact(f->prog, name, strlen(name));
    assert_non_null(def);
    sw_buf b = SW_BUF_INIT;
    sw_value_format(f->prog, &def->type, f->values[def->slot], &b);
    assert_false(sw_buf_failed(&b));
    assert_true(b.len < 128);
    memcpy(out, b.data, b.len + 1);
    sw_buf_free(&b);
    return out;
}

static void check_fact(const sw_facts *f, const char *name, const char *expected)
{
    char text[128];
    assert_string_equal(value_of(f, name, text), expected);
}

/* The value of a known number fact. */
static double number_of(const sw_facts *f, const char *name)
{
    const sw_fact_def *def = sw_program_fact(f->prog, name, strlen(name));
    assert_non_null(def);
    assert_int_equal(def->type.kind, SW_T_NUMBER);
    assert_true(f->values[def->slot].known);
    return f->values[def->slot].u.n;
}

static char *canonical(const sw_facts *f)
{
    sw_buf b = SW_BUF_INIT;
    sw_facts_canonical(f, &b);
    char *text = sw_buf_take(&b, NULL);
    assert_non_null(text);
    return text;
}

/* ---- reading values ---- */

static const char full_yaml[] =
    "client: C-0042\n"
    "assessed_on: 2026-11-20\n"
    "facts:\n"
    "  stage: engagement\n"
    "  housing: rough_sleeping\n"
    "  phq9: 12\n"
    "  bmi: 22.5\n"
    "  injecting: true\n"
    "  substances: [crack, opioids]\n"
    "  released_on: 2026-10-01\n"
    "  note: Lives with his sister\n";

static const char full_json[] =
    "{\"client\": \"C-0042\", \"assessed_on\": \"2026-11-20\", \"facts\": {\n"
    "  \"stage\": \"engagement\", \"housing\": \"rough_sleeping\", \"phq9\": 12,\n"
    "  \"bmi\": 22.5, \"injecting\": true, \"substances\": [\"crack\", \"opioids\"],\n"
    "  \"released_on\": \"2026-10-01\", \"note\": \"Lives with his sister\"}}\n";

static const char full_canonical[] =
    "assessed_on=2026-11-20\n"
    "bmi=22.5\n"
    "housing=rough_sleeping\n"
    "injecting=true\n"
    "note=\"Lives with his sister\"\n"
    "phq9=12\n"
    "released_on=2026-10-01\n"
    "stage=engagement\n"
    "substances={opioids, crack}\n";

static void test_yaml_reads_every_type(void **state)
{
    sw_facts *f = parse_ok(state, full_yaml);
    assert_string_equal(sw_facts_client(f), "C-0042");
    assert_true(f->has_assessed_on);
    char date[11];
    sw_date_format(f->assessed_on, date);
    assert_string_equal(date, "2026-11-20");
    assert_string_equal(f->source_name, "client.yaml");
    assert_int_equal(f->line, 1);
    check_fact(f, "stage", "engagement");
    check_fact(f, "housing", "rough_sleeping");
    check_fact(f, "phq9", "12");
    check_fact(f, "bmi", "22.5");
    check_fact(f, "injecting", "true");
    check_fact(f, "substances", "{opioids, crack}");
    check_fact(f, "released_on", "2026-10-01");
    check_fact(f, "note", "\"Lives with his sister\"");
    char *text = canonical(f);
    assert_string_equal(text, full_canonical);
    sw_free(text);
    sw_facts_free(f);
}

static void test_json_reads_the_same_as_yaml(void **state)
{
    sw_facts *f = parse_ok(state, full_json);
    assert_string_equal(sw_facts_client(f), "C-0042");
    char *text = canonical(f);
    assert_string_equal(text, full_canonical);
    sw_free(text);
    sw_facts_free(f);
}

static void test_null_and_left_out_are_unknown(void **state)
{
    sw_facts *f = parse_ok(state, "facts:\n"
                                  "  phq9: null\n"
                                  "  housing: ~\n"
                                  "  note:\n"
                                  "  substances: []\n"
                                  "  injecting: false\n");
    assert_null(sw_facts_client(f));
    assert_false(f->has_assessed_on);
    check_fact(f, "phq9", "unknown");
    check_fact(f, "housing", "unknown");
    check_fact(f, "note", "unknown");
    check_fact(f, "substances", "{}");
    check_fact(f, "injecting", "false");
    check_fact(f, "stage", "unknown");
    char *text = canonical(f);
    assert_string_equal(text, "assessed_on=unknown\nbmi=unknown\nhousing=unknown\n"
                              "injecting=false\nnote=unknown\nphq9=unknown\n"
                              "released_on=unknown\nstage=unknown\nsubstances={}\n");
    sw_free(text);
    sw_facts_free(f);

    f = parse_ok(state, "client: C-1\nfacts:\n");
    check_fact(f, "phq9", "unknown");
    sw_facts_free(f);
    f = parse_ok(state, "{\"facts\": {\"phq9\": null}}");
    check_fact(f, "phq9", "unknown");
    sw_facts_free(f);
}

static void test_text_and_numbers_as_written(void **state)
{
    sw_facts *f = parse_ok(state, "client: 42\n"
                                  "facts: {note: 12, bmi: 30, phq9: +7, stage: 'persuasion'}\n");
    assert_string_equal(sw_facts_client(f), "42");
    check_fact(f, "note", "\"12\"");
    assert_true(number_of(f, "bmi") == 30.0);
    check_fact(f, "phq9", "7");
    check_fact(f, "stage", "persuasion");
    sw_facts_free(f);

    f = parse_ok(state, "{\"facts\": {\"bmi\": 1.25e1, \"note\": \"caf\\u00e9 \\\"x\\\"\"}}");
    check_fact(f, "bmi", "12.5");
    check_fact(f, "note", "\"caf\xC3\xA9 \\\"x\\\"\"");
    sw_facts_free(f);
}

static void test_crlf_and_byte_order_mark(void **state)
{
    sw_facts *f = parse_ok(state, "\xEF\xBB\xBF"
                                  "client: C-7\r\nfacts:\r\n  housing: stable\r\n");
    assert_string_equal(sw_facts_client(f), "C-7");
    check_fact(f, "housing", "stable");
    sw_facts_free(f);
    f = parse_ok(state, "\xEF\xBB\xBF{\"facts\": {\"phq9\": 3}}");
    check_fact(f, "phq9", "3");
    sw_facts_free(f);
}

/* ---- facts errors ---- */

static void test_unknown_fact_suggests_a_name(void **state)
{
    expect_errors(state, "facts:\n  hosuing: stable\n  mood: low\n",
                  "client.yaml:2:3: error[E304]: unknown fact 'hosuing'\n"
                  "    2 |   hosuing: stable\n"
                  "      |   ^~~~~~~\n"
                  "      = hint: did you mean 'housing'?\n"
                  "client.yaml:3:3: error[E304]: unknown fact 'mood'\n"
                  "    3 |   mood: low\n"
                  "      |   ^~~~\n");
}

static void test_diagnostic_fields(void **state)
{
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    sw_facts *f = NULL;
    const char *text = "facts:\n  substances: [opioids, opiods]\n";
    assert_int_equal(sw_facts_parse(*state, "c.yaml", text, strlen(text), &f, d), SW_ERR_FACTS);
    assert_int_equal(sw_diagnostics_count(d), 1);
    assert_int_equal(sw_diagnostics_error_count(d), 1);
    const sw_diagnostic *it = sw_diagnostics_at(d, 0);
    assert_int_equal(it->severity, SW_SEV_ERROR);
    assert_string_equal(it->code, "E309");
    assert_string_equal(it->message, "'substances' lists opiods, which is not one of opioids, alcohol, crack");
    assert_string_equal(it->hint, "did you mean 'opioids'?");
    assert_string_equal(it->file, "c.yaml");
    assert_int_equal(it->line, 2);
    assert_int_equal(it->column, 25);
    assert_int_equal(it->span, 6);
    assert_string_equal(it->source_line, "  substances: [opioids, opiods]");
    assert_string_equal(it->field, "facts.substances[1]");
    sw_diagnostics_free(d);
}

static void test_wrong_kinds_of_value(void **state)
{
    expect_errors(state,
                  "facts:\n"
                  "  phq9: \"12\"\n"
                  "  injecting: yes\n"
                  "  housing: [stable]\n"
                  "  substances: opioids\n"
                  "  bmi: unknown\n"
                  "  stage: {a: 1}\n",
                  "client.yaml:2:9: error[E307]: 'phq9' must be a whole number from 0 to 27, not \"12\"\n"
                  "    2 |   phq9: \"12\"\n"
                  "      |         ^~~~\n"
                  "      = hint: quoted values are text: write the number without quotes\n"
                  "client.yaml:3:14: error[E307]: 'injecting' must be true or false, not yes\n"
                  "    3 |   injecting: yes\n"
                  "      |              ^~~\n"
                  "client.yaml:4:12: error[E307]: 'housing' must be one of stable, temporary, rough_sleeping, not a list\n"
                  "    4 |   housing: [stable]\n"
                  "      |            ^\n"
                  "client.yaml:5:15: error[E307]: 'substances' must be a list of members of {opioids, alcohol, crack}, not opioids\n"
                  "    5 |   substances: opioids\n"
                  "      |               ^~~~~~~\n"
                  "      = hint: write the members as a list, such as [a, b], or [] for none\n"
                  "client.yaml:6:8: error[E307]: 'bmi' must be a number from 10 to 80, not unknown\n"
                  "    6 |   bmi: unknown\n"
                  "      |        ^~~~~~~\n"
                  "      = hint: leave the fact out, or write null, to record that it is unknown\n"
                  "client.yaml:7:10: error[E307]: 'stage' must be one of engagement, persuasion, active_treatment, relapse_prevention, not a mapping\n"
                  "    7 |   stage: {a: 1}\n"
                  "      |          ^\n");
}

static void test_quoted_true_and_fractions(void **state)
{
    expect_errors(state, "{\"facts\": {\"injecting\": \"true\", \"phq9\": 12.0, \"note\": \"a\\u0000b\"}}",
                  "client.yaml:1:25: error[E307]: 'injecting' must be true or false, not \"true\"\n"
                  "    1 | {\"facts\": {\"injecting\": \"true\", \"phq9\": 12.0, \"note\": \"a\\u0000b\"}}\n"
                  "      |                         ^~~~~~\n"
                  "      = hint: quoted values are text: write true or false without quotes\n"
                  "client.yaml:1:41: error[E307]: 'phq9' must be a whole number from 0 to 27, not 12.0\n"
                  "    1 | {\"facts\": {\"injecting\": \"true\", \"phq9\": 12.0, \"note\": \"a\\u0000b\"}}\n"
                  "      |                                         ^~~~\n"
                  "client.yaml:1:55: error[E307]: 'note' must be text, not text holding a NUL character\n"
                  "    1 | {\"facts\": {\"injecting\": \"true\", \"phq9\": 12.0, \"note\": \"a\\u0000b\"}}\n"
                  "      |                                                       ^~~~~~~~~~\n");
}

static void test_json_blank_value_is_an_error(void **state)
{
    expect_errors(state, "{\"facts\": {\"phq9\": }}",
                  "client.yaml:1:20: error[E307]: 'phq9' must be a whole number from 0 to 27, not nothing\n"
                  "    1 | {\"facts\": {\"phq9\": }}\n"
                  "      |                    ^\n"
                  "      = hint: write null to record that it is unknown\n");
}

static void test_values_out_of_range(void **state)
{
    expect_errors(state, "facts:\n  phq9: 28\n  bmi: 9.5\n  housing: stable\n  phq9x: 1\n",
                  "client.yaml:2:9: error[E308]: 'phq9' must be a whole number from 0 to 27, not 28\n"
                  "    2 |   phq9: 28\n"
                  "      |         ^~\n"
                  "client.yaml:3:8: error[E308]: 'bmi' must be a number from 10 to 80, not 9.5\n"
                  "    3 |   bmi: 9.5\n"
                  "      |        ^~~\n"
                  "client.yaml:5:3: error[E304]: unknown fact 'phq9x'\n"
                  "    5 |   phq9x: 1\n"
                  "      |   ^~~~~\n"
                  "      = hint: did you mean 'phq9'?\n");
    expect_errors(state, "facts: {phq9: -99999999999999999999, bmi: 1e400}",
                  "client.yaml:1:15: error[E308]: 'phq9' must be a whole number from 0 to 27, not -99999999999999999999\n"
                  "    1 | facts: {phq9: -99999999999999999999, bmi: 1e400}\n"
                  "      |               ^~~~~~~~~~~~~~~~~~~~~\n"
                  "client.yaml:1:43: error[E308]: 'bmi' must be a number from 10 to 80, not 1e400\n"
                  "    1 | facts: {phq9: -99999999999999999999, bmi: 1e400}\n"
                  "      |                                           ^~~~~\n");
}

static void test_members_of_one_of_and_set_of(void **state)
{
    expect_errors(state,
                  "facts:\n"
                  "  housing: rough_sleping\n"
                  "  stage: maintenance\n"
                  "  substances: [opioids, opioids, [crack], heroin]\n",
                  "client.yaml:2:12: error[E309]: 'housing' must be one of stable, temporary, rough_sleeping, not rough_sleping\n"
                  "    2 |   housing: rough_sleping\n"
                  "      |            ^~~~~~~~~~~~~\n"
                  "      = hint: did you mean 'rough_sleeping'?\n"
                  "client.yaml:3:10: error[E309]: 'stage' must be one of engagement, persuasion, active_treatment, relapse_prevention, not maintenance\n"
                  "    3 |   stage: maintenance\n"
                  "      |          ^~~~~~~~~~~\n"
                  "client.yaml:4:25: error[E306]: 'substances' lists opioids twice\n"
                  "    4 |   substances: [opioids, opioids, [crack], heroin]\n"
                  "      |                         ^~~~~~~\n"
                  "client.yaml:4:34: error[E307]: 'substances' lists a list, which is not one of opioids, alcohol, crack\n"
                  "    4 |   substances: [opioids, opioids, [crack], heroin]\n"
                  "      |                                  ^\n"
                  "client.yaml:4:43: error[E309]: 'substances' lists heroin, which is not one of opioids, alcohol, crack\n"
                  "    4 |   substances: [opioids, opioids, [crack], heroin]\n"
                  "      |                                           ^~~~~~\n");
}

static void test_columns_count_characters(void **state)
{
    /* two-byte characters before the error: the column counts them once each */
    expect_errors(state, "facts: {note: \"\xC3\xA9\xC3\xA9\", housing: nowhere}",
                  "client.yaml:1:30: error[E309]: 'housing' must be one of stable, temporary, rough_sleeping, not nowhere\n"
                  "    1 | facts: {note: \"\xC3\xA9\xC3\xA9\", housing: nowhere}\n"
                  "      |                              ^~~~~~~\n");
}

static void test_long_values_are_shortened(void **state)
{
    expect_errors(state, "facts: {housing: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
                  "client.yaml:1:18: error[E309]: 'housing' must be one of stable, temporary, rough_sleeping, not \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"\n"
                  "    1 | facts: {housing: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}\n"
                  "      |                  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}

static void test_dates(void **state)
{
    expect_errors(state, "assessed_on: 20/11/2026\nfacts:\n  released_on: 2026-02-30\n",
                  "client.yaml:1:14: error[E310]: 'assessed_on' must be a date written YYYY-MM-DD, not 20/11/2026\n"
                  "    1 | assessed_on: 20/11/2026\n"
                  "      |              ^~~~~~~~~~\n"
                  "client.yaml:3:16: error[E310]: 'released_on' must be a date written YYYY-MM-DD, not 2026-02-30\n"
                  "    3 |   released_on: 2026-02-30\n"
                  "      |                ^~~~~~~~~~\n");
    sw_facts *f = parse_ok(state, "facts: {released_on: 2024-02-29}");
    check_fact(f, "released_on", "2024-02-29");
    sw_facts_free(f);
}

static void test_derived_fact_is_refused(void **state)
{
    expect_errors(state, "facts:\n  disengagement_risk: true\n",
                  "client.yaml:2:3: error[E305]: 'disengagement_risk' is a derived fact: the rules work it out, so it cannot be given\n"
                  "    2 |   disengagement_risk: true\n"
                  "      |   ^~~~~~~~~~~~~~~~~~\n"
                  "      = hint: leave it out of the facts\n");
}

static void test_keys_given_twice(void **state)
{
    expect_errors(state, "client: A\nfacts:\n  phq9: 3\n  phq9: 4\nclient: B\n",
                  "client.yaml:4:3: error[E306]: 'phq9' is given twice (first at line 3)\n"
                  "    4 |   phq9: 4\n"
                  "      |   ^~~~\n"
                  "      = hint: give each key once\n"
                  "client.yaml:5:1: error[E306]: 'client' is given twice (first at line 1)\n"
                  "    5 | client: B\n"
                  "      | ^~~~~~\n"
                  "      = hint: give each key once\n");
}

static void test_document_shape(void **state)
{
    expect_errors(state, "fatcs: {}\nclient: \"\"\n",
                  "client.yaml:1:1: error[E303]: unknown key 'fatcs'\n"
                  "    1 | fatcs: {}\n"
                  "      | ^~~~~\n"
                  "      = hint: did you mean 'facts'?\n"
                  "client.yaml:2:9: error[E307]: 'client' must be a client identifier, not \"\"\n"
                  "    2 | client: \"\"\n"
                  "      |         ^~\n"
                  "      = hint: leave the client out when there is none\n"
                  "client.yaml:1:1: error[E313]: the client document has no 'facts' key\n"
                  "    1 | fatcs: {}\n"
                  "      | ^\n"
                  "      = hint: write 'facts: {}' when nothing has been recorded\n");
    expect_errors(state, "- a\n- b\n",
                  "client.yaml:1:1: error[E302]: a client document must be a mapping with a 'facts' key, not a list\n"
                  "    1 | - a\n"
                  "      | ^\n");
    expect_errors(state, "patient: X\nfacts: [a]\n[x]: 1\n",
                  "client.yaml:1:1: error[E303]: unknown key 'patient'\n"
                  "    1 | patient: X\n"
                  "      | ^~~~~~~\n"
                  "      = hint: a client document has the keys client, assessed_on and facts\n"
                  "client.yaml:2:8: error[E307]: 'facts' must be a mapping of fact names to values, not a list\n"
                  "    2 | facts: [a]\n"
                  "      |        ^\n"
                  "client.yaml:3:1: error[E303]: a key must be a name, not a list\n"
                  "    3 | [x]: 1\n"
                  "      | ^\n");
}

/* The error for an input with no client document, whose first line is line. */
#define NO_DOCUMENT(line)                                                           \
    "client.yaml:1:1: error[E302]: the input holds no client document\n"           \
    "    1 | " line "\n"                                                           \
    "      | ^\n"                                                                  \
    "      = hint: a client document is a mapping with a 'facts' key\n"

static void test_no_document(void **state)
{
    expect_errors(state, "", NO_DOCUMENT(""));
    expect_errors(state, "# nothing recorded\n", NO_DOCUMENT("# nothing recorded"));
    expect_errors(state, "---\n", NO_DOCUMENT("---"));
}

static void test_second_document_is_refused(void **state)
{
    expect_errors(state, "facts: {}\n---\nfacts: {phq9: 1}\n",
                  "client.yaml:2:1: error[E312]: expected one client document, found another\n"
                  "    2 | ---\n"
                  "      | ^\n"
                  "      = hint: give one client per input, or read the input as a stream\n");
    expect_errors(state, "{\"facts\": {}}\n{\"facts\": {}}\n",
                  "client.yaml:2:1: error[E312]: expected one client document, found another\n"
                  "    2 | {\"facts\": {}}\n"
                  "      | ^\n"
                  "      = hint: give one client per input, or read the input as a stream\n");
    /* a trailing empty document is no second client */
    sw_facts *f = parse_ok(state, "facts: {}\n---\n");
    sw_facts_free(f);
}

static void test_aliases_and_tags_are_refused(void **state)
{
    expect_errors(state, "facts:\n  housing: &h stable\n  note: *h\n  phq9: !!int 3\n",
                  "client.yaml:3:9: error[E311]: YAML aliases (*h) are not supported in client documents\n"
                  "    3 |   note: *h\n"
                  "      |         ^~\n"
                  "      = hint: write the value out in full\n"
                  "client.yaml:4:9: error[E311]: YAML tags (tag:yaml.org,2002:int) are not supported in client documents\n"
                  "    4 |   phq9: !!int 3\n"
                  "      |         ^~~~~~~\n"
                  "      = hint: remove the tag\n");
}

static void test_deep_nesting_is_refused(void **state)
{
    char text[256] = "facts: {note: ";
    size_t n = strlen(text);
    for (int i = 0; i < 70; i++)
        text[n++] = '[';
    for (int i = 0; i < 70; i++)
        text[n++] = ']';
    text[n++] = '}';
    text[n] = '\0';
    sw_facts *f = NULL;
    char *rendered = NULL;
    assert_int_equal(parse(state, text, &f, &rendered), SW_ERR_FACTS);
    assert_null(f);
    assert_non_null(strstr(rendered, "client.yaml:1:79: error[E314]: the document nests deeper than 64 levels\n"));
    sw_free(rendered);
}

static void test_syntax_error(void **state)
{
    expect_errors(state, "client: M-001\nfacts:\n  substances: [opioids, alcohol\n  phq9: 12\n",
                  "client.yaml:3:25: error[E309]: 'substances' lists alcohol phq9, which is not one of opioids, alcohol, crack\n"
                  "    3 |   substances: [opioids, alcohol\n"
                  "      |                         ^~~~~~~\n"
                  "client.yaml:4:7: error[E301]: invalid YAML or JSON: did not find expected ',' or ']' (while parsing a flow sequence)\n"
                  "    4 |   phq9: 12\n"
                  "      |       ^\n");
    expect_errors(state, "facts:\n  note: \"unterminated\n",
                  "client.yaml:3:1: error[E301]: invalid YAML or JSON: found unexpected end of stream (while scanning a quoted scalar)\n"
                  "    3 | \n"
                  "      | ^\n");
}

static void test_refused_bytes(void **state)
{
    expect_errors(state, "facts: {note: \"bad \xFF here\"}\n",
                  "client.yaml:1:20: error[E301]: invalid YAML or JSON: the text is not valid UTF-8\n"
                  "    1 | facts: {note: \"bad \xFF here\"}\n"
                  "      |                    ^\n"
                  "      = hint: save the file as UTF-8\n");
    expect_errors(state, "facts:\n  note: a\x01"
                         "b\n",
                  "client.yaml:2:10: error[E301]: invalid YAML or JSON: control character U+0001\n"
                  "    2 |   note: a\x01"
                  "b\n"
                  "      |          ^\n"
                  "      = hint: remove it, or write it as an escape in a quoted string\n");
}

/* ---- streams ---- */

typedef struct step {
    sw_status status;
    size_t position;
    const char *client;  /* of the facts returned, when SW_OK */
    unsigned line;
} step;

static void expect_stream(void **state, const char *text, const step *steps, size_t nsteps,
                          const char *diagnostics)
{
    sw_facts_stream *s = NULL;
    assert_int_equal(sw_facts_stream_open(*state, "batch.yaml", text, strlen(text), &s), SW_OK);
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    for (size_t i = 0; i < nsteps; i++) {
        sw_facts *f = NULL;
        sw_status st = sw_facts_stream_next(s, &f, d);
        assert_int_equal(st, steps[i].status);
        assert_int_equal(sw_facts_stream_position(s), steps[i].position);
        if (st == SW_OK) {
            assert_non_null(f);
            assert_string_equal(sw_facts_client(f), steps[i].client);
            assert_int_equal(f->line, steps[i].line);
            assert_string_equal(f->source_name, "batch.yaml");
        } else {
            assert_null(f);
        }
        sw_facts_free(f);
    }
    char *rendered = NULL;
    assert_int_equal(sw_diagnostics_render(d, &rendered, NULL), SW_OK);
    assert_string_equal(rendered, diagnostics);
    sw_free(rendered);
    sw_diagnostics_free(d);
    sw_facts_stream_free(s);
}

static void test_yaml_stream_moves_past_bad_documents(void **state)
{
    static const step steps[] = {
        {SW_OK, 1, "A", 2},          {SW_ERR_FACTS, 2, NULL, 0}, {SW_ERR_FACTS, 3, NULL, 0},
        {SW_OK, 4, "D", 11},         {SW_END, 4, NULL, 0},       {SW_END, 4, NULL, 0},
    };
    expect_stream(state,
                  "# four clients\n"
                  "---\n"
                  "client: A\n"
                  "facts: {phq9: 3}\n"
                  "---\n"
                  "client: B\n"
                  "facts: {phq9: 30}\n"
                  "---\n"
                  "client: C\n"
                  "facts: {substances: [opioids\n"
                  "---\n"
                  "client: D\n"
                  "facts: {}\n",
                  steps, sizeof steps / sizeof steps[0],
                  "batch.yaml:7:15: error[E308]: 'phq9' must be a whole number from 0 to 27, not 30\n"
                  "    7 | facts: {phq9: 30}\n"
                  "      |               ^~\n"
                  "batch.yaml:11:1: error[E301]: invalid YAML or JSON: did not find expected ',' or ']' (while parsing a flow sequence)\n"
                  "   11 | ---\n"
                  "      | ^\n");
}

static void test_json_lines(void **state)
{
    static const step steps[] = {
        {SW_OK, 1, "A", 1}, {SW_ERR_FACTS, 2, NULL, 0}, {SW_OK, 3, "C", 3}, {SW_END, 3, NULL, 0},
    };
    expect_stream(state,
                  "{\"client\": \"A\", \"facts\": {}}\n"
                  "{\"client\": \"B\", \"facts\": {\"phq9\": 3,, }}\n"
                  "{\"client\": \"C\", \"facts\": {\"note\": \"x\"}}\n",
                  steps, sizeof steps / sizeof steps[0],
                  "batch.yaml:2:37: error[E301]: invalid YAML or JSON: did not find expected node content (while parsing a flow node)\n"
                  "    2 | {\"client\": \"B\", \"facts\": {\"phq9\": 3,, }}\n"
                  "      |                                     ^\n");
}

static void test_pretty_json_is_one_document(void **state)
{
    static const step steps[] = {{SW_OK, 1, "P", 1}, {SW_END, 1, NULL, 0}};
    expect_stream(state, "{\n  \"client\": \"P\",\n  \"facts\": {\n    \"housing\": \"stable\"\n  }\n}\n",
                  steps, 2, "");
}

static void test_empty_documents_are_passed_over(void **state)
{
    static const step steps[] = {{SW_OK, 2, "E", 2}, {SW_END, 3, NULL, 0}};
    expect_stream(state, "---\n---\nclient: E\nfacts: {}\n---\n", steps, 2, "");
}

static void test_refused_bytes_stay_in_their_document(void **state)
{
    /* libyaml decodes ahead of where it parses; the bad byte in B must not cost A or C */
    static const step steps[] = {
        {SW_OK, 1, "A", 1}, {SW_ERR_FACTS, 2, NULL, 0}, {SW_OK, 3, "C", 6}, {SW_END, 3, NULL, 0},
    };
    expect_stream(state,
                  "client: A\nfacts: {note: ok}\n---\nclient: B\nfacts: {note: \"bad \xFF\"}\n"
                  "---\nclient: C\nfacts: {}\n",
                  steps, sizeof steps / sizeof steps[0],
                  "batch.yaml:5:20: error[E301]: invalid YAML or JSON: the text is not valid UTF-8\n"
                  "    5 | facts: {note: \"bad \xFF\"}\n"
                  "      |                    ^\n"
                  "      = hint: save the file as UTF-8\n");
    static const step jsonl[] = {
        {SW_OK, 1, "A", 1}, {SW_ERR_FACTS, 2, NULL, 0}, {SW_OK, 3, "C", 3}, {SW_END, 3, NULL, 0},
    };
    expect_stream(state,
                  "{\"client\": \"A\", \"facts\": {}}\n"
                  "{\"client\": \"B\xC0\", \"facts\": {}}\n"
                  "{\"client\": \"C\", \"facts\": {}}\n",
                  jsonl, sizeof jsonl / sizeof jsonl[0],
                  "batch.yaml:2:14: error[E301]: invalid YAML or JSON: the text is not valid UTF-8\n"
                  "    2 | {\"client\": \"B\xC0\", \"facts\": {}}\n"
                  "      |              ^\n"
                  "      = hint: save the file as UTF-8\n");
}

static void test_stream_without_diagnostics_list(void **state)
{
    const char *text = "facts: {phq9: 99}\n---\nclient: OK\nfacts: {}\n";
    sw_facts_stream *s = NULL;
    assert_int_equal(sw_facts_stream_open(*state, NULL, text, strlen(text), &s), SW_OK);
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_stream_next(s, &f, NULL), SW_ERR_FACTS);
    assert_null(f);
    assert_int_equal(sw_facts_stream_next(s, &f, NULL), SW_OK);
    assert_string_equal(sw_facts_client(f), "OK");
    assert_string_equal(f->source_name, "<facts>");
    sw_facts_free(f);
    assert_int_equal(sw_facts_stream_next(s, &f, NULL), SW_END);
    sw_facts_stream_free(s);
}

/* ---- facts built in code ---- */

static sw_facts *new_facts(void **state)
{
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(*state, &f), SW_OK);
    assert_non_null(f);
    return f;
}

static void test_setters_store_values(void **state)
{
    sw_facts *f = new_facts(state);
    const char *const subs[] = {"crack", "opioids"};
    assert_int_equal(sw_facts_set_client(f, "C-0042"), SW_OK);
    assert_int_equal(sw_facts_set_assessed_on(f, "2026-11-20", NULL), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "stage", "engagement", NULL), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "housing", "rough_sleeping", NULL), SW_OK);
    assert_int_equal(sw_facts_set_int(f, "phq9", 12, NULL), SW_OK);
    assert_int_equal(sw_facts_set_number(f, "bmi", 22.5, NULL), SW_OK);
    assert_int_equal(sw_facts_set_bool(f, "injecting", 7, NULL), SW_OK);
    assert_int_equal(sw_facts_set_members(f, "substances", subs, 2, NULL), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "released_on", "2026-10-01", NULL), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "note", "Lives with his sister", NULL), SW_OK);
    assert_string_equal(sw_facts_client(f), "C-0042");
    char *text = canonical(f);
    assert_string_equal(text, full_canonical);
    sw_free(text);

    /* a whole number sets a number fact, a number with no fraction an int fact */
    assert_int_equal(sw_facts_set_int(f, "bmi", 30, NULL), SW_OK);
    assert_true(number_of(f, "bmi") == 30.0);
    assert_int_equal(sw_facts_set_number(f, "phq9", 20.0, NULL), SW_OK);
    check_fact(f, "phq9", "20");
    assert_int_equal(sw_facts_set_members(f, "substances", NULL, 0, NULL), SW_OK);
    check_fact(f, "substances", "{}");

    assert_int_equal(sw_facts_set_unknown(f, "phq9"), SW_OK);
    check_fact(f, "phq9", "unknown");
    assert_int_equal(sw_facts_set_client(f, NULL), SW_OK);
    assert_null(sw_facts_client(f));
    assert_int_equal(sw_facts_set_assessed_on(f, NULL, NULL), SW_OK);
    assert_false(f->has_assessed_on);
    sw_facts_free(f);
}

/* Calls a setter that must fail with status, passing it `diags`, and compares
 * the rendered diagnostics with expected. */
#define EXPECT_SETTER(status, call, expected)                                       \
    do {                                                                            \
        sw_diagnostics *diags = sw_diagnostics_new();                               \
        assert_non_null(diags);                                                     \
        assert_int_equal((call), (status));                                         \
        char *rendered_ = NULL;                                                     \
        assert_int_equal(sw_diagnostics_render(diags, &rendered_, NULL), SW_OK);    \
        assert_string_equal(rendered_, (expected));                                 \
        sw_free(rendered_);                                                         \
        sw_diagnostics_free(diags);                                                 \
    } while (0)

static void test_setter_errors(void **state)
{
    sw_facts *f = new_facts(state);
    assert_int_equal(sw_facts_set_int(f, "phq9", 5, NULL), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "housing", "stable", NULL), SW_OK);
    const char *const typo[] = {"opioids", "opiods"};
    const char *const twice[] = {"crack", "crack"};

    EXPECT_SETTER(SW_ERR_ARG, sw_facts_set_int(f, "phq", 5, diags),
                  "error[E304]: unknown fact 'phq'\n      = hint: did you mean 'phq9'?\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_bool(f, "disengagement_risk", 1, diags),
                  "error[E305]: 'disengagement_risk' is a derived fact: the rules work it out, so it cannot be given\n"
                  "      = hint: leave it out of the facts\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_int(f, "phq9", 28, diags),
                  "error[E308]: 'phq9' must be a whole number from 0 to 27, not 28\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_number(f, "phq9", 2.5, diags),
                  "error[E307]: 'phq9' must be a whole number from 0 to 27, not 2.5\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_bool(f, "phq9", 1, diags),
                  "error[E307]: 'phq9' must be a whole number from 0 to 27, not true\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_text(f, "phq9", "12", diags),
                  "error[E307]: 'phq9' must be a whole number from 0 to 27, not \"12\"\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_number(f, "bmi", 80.5, diags),
                  "error[E308]: 'bmi' must be a number from 10 to 80, not 80.5\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_int(f, "bmi", 5, diags),
                  "error[E308]: 'bmi' must be a number from 10 to 80, not 5\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_text(f, "housing", "rough_sleping", diags),
                  "error[E309]: 'housing' must be one of stable, temporary, rough_sleeping, not \"rough_sleping\"\n"
                  "      = hint: did you mean 'rough_sleeping'?\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_text(f, "released_on", "2026-13-01", diags),
                  "error[E310]: 'released_on' must be a date written YYYY-MM-DD, not \"2026-13-01\"\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_assessed_on(f, "tomorrow", diags),
                  "error[E310]: 'assessed_on' must be a date written YYYY-MM-DD, not \"tomorrow\"\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_members(f, "substances", typo, 2, diags),
                  "error[E309]: 'substances' lists \"opiods\", which is not one of opioids, alcohol, crack\n"
                  "      = hint: did you mean 'opioids'?\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_members(f, "substances", twice, 2, diags),
                  "error[E306]: 'substances' lists crack twice\n");
    EXPECT_SETTER(SW_ERR_FACTS, sw_facts_set_members(f, "housing", twice, 1, diags),
                  "error[E307]: 'housing' must be one of stable, temporary, rough_sleeping, not a list of members\n");

    /* refused values leave the facts as they were */
    check_fact(f, "phq9", "5");
    check_fact(f, "housing", "stable");
    check_fact(f, "substances", "unknown");
    assert_false(f->has_assessed_on);

    assert_int_equal(sw_facts_set_int(f, "nope", 1, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_unknown(f, "nope"), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_unknown(f, "disengagement_risk"), SW_ERR_FACTS);
    sw_facts_free(f);
}

static void test_field_of_setter_errors(void **state)
{
    sw_facts *f = new_facts(state);
    const char *const members[] = {"alcohol", "wine"};
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    assert_int_equal(sw_facts_set_members(f, "substances", members, 2, d), SW_ERR_FACTS);
    const sw_diagnostic *it = sw_diagnostics_at(d, 0);
    assert_non_null(it);
    assert_string_equal(it->field, "facts.substances[1]");
    assert_null(it->file);
    assert_int_equal(it->line, 0);
    sw_diagnostics_free(d);
    sw_facts_free(f);
}

static void test_arguments(void **state)
{
    sw_facts *f = NULL;
    sw_facts_stream *s = (sw_facts_stream *)&s;
    assert_int_equal(sw_facts_parse(NULL, "x", "facts: {}", 9, &f, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_parse(*state, "x", "facts: {}", 9, NULL, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_parse(*state, "x", NULL, 3, &f, NULL), SW_ERR_ARG);
    assert_null(f);
    assert_int_equal(sw_facts_stream_open(*state, "x", NULL, 1, &s), SW_ERR_ARG);
    assert_null(s);
    assert_int_equal(sw_facts_stream_next(NULL, &f, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_stream_position(NULL), 0);
    assert_int_equal(sw_facts_new(NULL, &f), SW_ERR_ARG);
    assert_int_equal(sw_facts_new(*state, NULL), SW_ERR_ARG);
    f = new_facts(state);
    assert_int_equal(sw_facts_set_client(f, ""), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_text(f, "note", NULL, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_int(f, NULL, 1, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_members(f, "substances", NULL, 2, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_bool(NULL, "injecting", 1, NULL), SW_ERR_ARG);
    assert_null(sw_facts_client(NULL));
    sw_facts_free(f);
    sw_facts_free(NULL);
    sw_facts_stream_free(NULL);
    /* an empty input with no data pointer is an empty stream */
    assert_int_equal(sw_facts_stream_open(*state, "x", NULL, 0, &s), SW_OK);
    assert_int_equal(sw_facts_stream_next(s, &f, NULL), SW_END);
    sw_facts_stream_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_reads_every_type),
        cmocka_unit_test(test_json_reads_the_same_as_yaml),
        cmocka_unit_test(test_null_and_left_out_are_unknown),
        cmocka_unit_test(test_text_and_numbers_as_written),
        cmocka_unit_test(test_crlf_and_byte_order_mark),
        cmocka_unit_test(test_unknown_fact_suggests_a_name),
        cmocka_unit_test(test_diagnostic_fields),
        cmocka_unit_test(test_wrong_kinds_of_value),
        cmocka_unit_test(test_quoted_true_and_fractions),
        cmocka_unit_test(test_json_blank_value_is_an_error),
        cmocka_unit_test(test_values_out_of_range),
        cmocka_unit_test(test_members_of_one_of_and_set_of),
        cmocka_unit_test(test_columns_count_characters),
        cmocka_unit_test(test_long_values_are_shortened),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_derived_fact_is_refused),
        cmocka_unit_test(test_keys_given_twice),
        cmocka_unit_test(test_document_shape),
        cmocka_unit_test(test_no_document),
        cmocka_unit_test(test_second_document_is_refused),
        cmocka_unit_test(test_aliases_and_tags_are_refused),
        cmocka_unit_test(test_deep_nesting_is_refused),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_refused_bytes),
        cmocka_unit_test(test_yaml_stream_moves_past_bad_documents),
        cmocka_unit_test(test_json_lines),
        cmocka_unit_test(test_pretty_json_is_one_document),
        cmocka_unit_test(test_empty_documents_are_passed_over),
        cmocka_unit_test(test_refused_bytes_stay_in_their_document),
        cmocka_unit_test(test_stream_without_diagnostics_list),
        cmocka_unit_test(test_setters_store_values),
        cmocka_unit_test(test_setter_errors),
        cmocka_unit_test(test_field_of_setter_errors),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, load_rules, free_rules);
}
