/*
 * test_facts.c - the facts reader, the stream, the setters and the canonical form
 * (engine/facts/facts.c, facts_check.c, facts_read.c, facts_stream.c).
 *
 * A small rule set with one fact of every type is compiled once; each test reads a
 * client document (or sets facts from code) and checks the facts kept, through
 * their canonical text, or every diagnostic word for word with its position.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facts/facts.h"
#include "stagewise.h"

static const char RULES[] =
    "guideline facts_test \"Facts reader test\" version \"1.0.0\"\n"
    "source DD \"Stages of dual diagnosis treatment\"\n"
    "stage engagement \"Engagement\"\n"
    "stage persuasion \"Persuasion\"\n"
    "stage active_treatment \"Active treatment\"\n"
    "stage relapse_prevention \"Relapse prevention\"\n"
    "order engagement -> persuasion -> active_treatment -> relapse_prevention\n"
    "facts {\n"
    "  stage: stage \"Current stage\"\n"
    "  housing: one of { stable, temporary, rough_sleeping } \"Housing status\"\n"
    "  substances: set of { opioids, alcohol, crack, cocaine, cannabis } \"Substances used\"\n"
    "  phq9: int 0..27 \"PHQ-9 total\"\n"
    "  visits: int \"Visits this year\"\n"
    "  bmi: number 10.0..80.0 \"Body mass index\"\n"
    "  dose: number \"Methadone dose in ml\"\n"
    "  injecting: bool \"Currently injecting\"\n"
    "  last_use: date \"Last use\"\n"
    "  note: text \"Keyworker note\"\n"
    "}\n"
    "derived disengagement_risk: bool \"At risk of disengaging\" default false\n"
    "risk overdose \"Overdose\" severity warning cites DD\n"
    "rule injecting_risk \"Injecting\" cites DD when injecting then risk overdose end\n"
    "rule disengaging \"Rough sleeping\" cites DD\n"
    "  when housing is rough_sleeping then set disengagement_risk = true end\n";

/* The canonical text of facts with nothing known. */
#define ALL_UNKNOWN                                                                                \
    "assessed_on=unknown\nbmi=unknown\ndose=unknown\nhousing=unknown\ninjecting=unknown\n"         \
    "last_use=unknown\nnote=unknown\nphq9=unknown\nstage=unknown\nsubstances=unknown\n"            \
    "visits=unknown\n"

#define STAGES "engagement, persuasion, active_treatment, relapse_prevention"
#define SUBSTANCES "opioids, alcohol, crack, cocaine, cannabis"
#define SYNTAX_HINT "check the brackets, quotes, colons and indentation here and on the line before"
#define DATE_HINT "write a real date as YYYY-MM-DD, from 1900-01-01 to 9999-12-31, e.g. 2026-11-20"
#define ALIAS_HINT "write each value out in full"

typedef struct fixture {
    sw_ruleset *rules;
    sw_diagnostics *diags;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    sw_source_text src = {"facts_test.sw", RULES, sizeof RULES - 1};
    fx->diags = sw_diagnostics_new();
    if (!fx->diags || sw_ruleset_load_texts(&src, 1, &fx->rules, fx->diags) != SW_OK) {
        sw_diagnostics_free(fx->diags);
        free(fx);
        return -1;
    }
    sw_diagnostics_clear(fx->diags);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    sw_ruleset_free(fx->rules);
    sw_diagnostics_free(fx->diags);
    free(fx);
    return 0;
}

static int clear_diags(void **state)
{
    fixture *fx = *state;
    sw_diagnostics_clear(fx->diags);
    return 0;
}

/* ---- helpers ---- */

/* What one diagnostic must say; NULL field or hint means it has none. */
typedef struct expect {
    const char *code;
    unsigned line, column;
    const char *field;
    const char *message;
    const char *hint;
} expect;

static void assert_text_or_null(const char *got, const char *want)
{
    if (want)
        assert_string_equal(got ? got : "(null)", want);
    else
        assert_null(got);
}

static void assert_diags(const sw_diagnostics *d, const char *file, const expect *e, size_t n)
{
    for (size_t i = 0; i < n && i < sw_diagnostics_count(d); i++) {
        const sw_diagnostic *g = sw_diagnostics_at(d, i);
        assert_int_equal(g->severity, SW_SEV_ERROR);
        assert_string_equal(g->code, e[i].code);
        assert_string_equal(g->message, e[i].message);
        assert_int_equal(g->line, e[i].line);
        assert_int_equal(g->column, e[i].column);
        assert_text_or_null(g->file, file);
        assert_text_or_null(g->field, e[i].field);
        assert_text_or_null(g->hint, e[i].hint);
    }
    assert_int_equal(sw_diagnostics_count(d), n);
}

#define ASSERT_DIAGS(d, file, ...)                                                                 \
    do {                                                                                           \
        static const expect want_[] = {__VA_ARGS__};                                               \
        assert_diags((d), (file), want_, sizeof want_ / sizeof want_[0]);                          \
    } while (0)

static char *canonical(const sw_facts *f)
{
    sw_buf b = SW_BUF_INIT;
    sw_facts_canonical(f, &b);
    assert_false(sw_buf_failed(&b));
    return sw_buf_take(&b, NULL);
}

static void assert_canonical(const sw_facts *f, const char *want)
{
    char *got = canonical(f);
    assert_string_equal(got, want);
    free(got);
}

/* Reads one document that must be free of problems and checks its canonical text. */
static void assert_reads_as(fixture *fx, const char *text, const char *want)
{
    sw_facts *f = NULL;
    sw_status st = sw_facts_parse(fx->rules, "client.yaml", text, strlen(text), &f, fx->diags);
    if (st != SW_OK) {
        char *r = NULL;
        sw_diagnostics_render(fx->diags, &r, NULL);
        fail_msg("unexpected problems:\n%s", r ? r : "");
    }
    assert_non_null(f);
    assert_canonical(f, want);
    sw_facts_free(f);
}

/* Reads one document that must be refused; its diagnostics are left in fx->diags. */
static void refuse(fixture *fx, const char *text)
{
    sw_facts *f = (sw_facts *)&f;
    assert_int_equal(sw_facts_parse(fx->rules, "client.yaml", text, strlen(text), &f, fx->diags),
                     SW_ERR_FACTS);
    assert_null(f);
}

/* ---- reading every type ---- */

static void test_reads_every_type(void **state)
{
    assert_reads_as(
        *state,
        "client: rs-001\n"
        "assessed_on: 2026-11-20\n"
        "facts:\n"
        "  stage: engagement\n"
        "  housing: rough_sleeping\n"
        "  substances: [crack, opioids]\n"
        "  phq9: 14\n"
        "  visits: -3\n"
        "  bmi: 22.5\n"
        "  dose: 2.5e-1\n"
        "  injecting: false\n"
        "  last_use: 2026-11-01\n"
        "  note: \"Sleeping at \\\"the arches\\\"\"\n",
        "assessed_on=2026-11-20\nbmi=22.5\ndose=0.25\nhousing=rough_sleeping\n"
        "injecting=false\nlast_use=2026-11-01\nnote=\"Sleeping at \\\"the arches\\\"\"\n"
        "phq9=14\nstage=engagement\nsubstances={opioids, crack}\nvisits=-3\n");
}

static void test_quoted_values_are_text_where_text_is_wanted(void **state)
{
    /* members, dates and text may be quoted (JSON must quote them); plain words
     * and numbers are text for a text fact */
    assert_reads_as(*state,
                    "facts:\n"
                    "  stage: 'persuasion'\n"
                    "  substances: [\"alcohol\"]\n"
                    "  last_use: \"2025-01-31\"\n"
                    "  note: 12\n",
                    "assessed_on=unknown\nbmi=unknown\ndose=unknown\nhousing=unknown\n"
                    "injecting=unknown\nlast_use=2025-01-31\nnote=\"12\"\nphq9=unknown\n"
                    "stage=persuasion\nsubstances={alcohol}\nvisits=unknown\n");
}

static void test_numbers_at_the_edges(void **state)
{
    /* numbers are spelled as the rule language writes them, never 8e+01 */
    assert_reads_as(*state,
                    "facts: {phq9: 0, visits: -9223372036854775808, bmi: 80, dose: 1.5e2}\n",
                    "assessed_on=unknown\nbmi=80.0\ndose=150.0\nhousing=unknown\n"
                    "injecting=unknown\nlast_use=unknown\nnote=unknown\nphq9=0\nstage=unknown\n"
                    "substances=unknown\nvisits=-9223372036854775808\n");
    assert_reads_as(*state,
                    "facts: {phq9: +27, bmi: 10.0, dose: 0.1, visits: 9223372036854775807}\n",
                    "assessed_on=unknown\nbmi=10.0\ndose=0.1\nhousing=unknown\n"
                    "injecting=unknown\nlast_use=unknown\nnote=unknown\nphq9=27\nstage=unknown\n"
                    "substances=unknown\nvisits=9223372036854775807\n");
}

static void test_decimals_are_read_exactly(void **state)
{
    /* -0 is 0, so that both give one canonical text and one digest */
    assert_reads_as(*state, "facts: {dose: -0.0, bmi: 23.1}\n",
                    "assessed_on=unknown\nbmi=23.1\ndose=0.0\nhousing=unknown\n"
                    "injecting=unknown\nlast_use=unknown\nnote=unknown\nphq9=unknown\n"
                    "stage=unknown\nsubstances=unknown\nvisits=unknown\n");
    assert_reads_as(*state, "facts: {dose: 3.14159, bmi: 12.345678901234567}\n",
                    "assessed_on=unknown\nbmi=12.345678901234567\ndose=3.14159\nhousing=unknown\n"
                    "injecting=unknown\nlast_use=unknown\nnote=unknown\nphq9=unknown\n"
                    "stage=unknown\nsubstances=unknown\nvisits=unknown\n");
}

static void test_null_and_absent_are_unknown(void **state)
{
    assert_reads_as(*state,
                    "facts:\n"
                    "  stage: null\n"
                    "  housing: ~\n"
                    "  substances: Null\n"
                    "  phq9: NULL\n"
                    "  injecting:\n"
                    "  last_use: null\n"
                    "assessed_on: ~\n"
                    "client: null\n",
                    ALL_UNKNOWN);
    assert_reads_as(*state, "facts:\n", ALL_UNKNOWN);
    assert_reads_as(*state, "facts: {}\n", ALL_UNKNOWN);
    assert_reads_as(*state, "client: x\n", ALL_UNKNOWN);
    assert_reads_as(*state, "{}", ALL_UNKNOWN);
}

static void test_empty_list_is_a_known_empty_set(void **state)
{
    assert_reads_as(*state, "facts: {substances: []}\n",
                    "assessed_on=unknown\nbmi=unknown\ndose=unknown\nhousing=unknown\n"
                    "injecting=unknown\nlast_use=unknown\nnote=unknown\nphq9=unknown\n"
                    "stage=unknown\nsubstances={}\nvisits=unknown\n");
}

static void test_client_line_and_source(void **state)
{
    fixture *fx = *state;
    const char *text = "# assessment\n\nclient: \"rs 001\"\nfacts: {}\n";
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_parse(fx->rules, "a.yaml", text, strlen(text), &f, fx->diags), SW_OK);
    assert_string_equal(sw_facts_client(f), "rs 001");
    assert_string_equal(f->source_name, "a.yaml");
    assert_int_equal(f->line, 3);
    /* the client identifier is not part of the canonical form */
    assert_canonical(f, ALL_UNKNOWN);
    sw_facts_free(f);

    text = "facts: {}\n";
    assert_int_equal(sw_facts_parse(fx->rules, NULL, text, strlen(text), &f, fx->diags), SW_OK);
    assert_null(sw_facts_client(f));
    assert_string_equal(f->source_name, "<facts>");
    sw_facts_free(f);
    assert_null(sw_facts_client(NULL));
}

static void test_json_and_yaml_give_the_same_canonical_text(void **state)
{
    fixture *fx = *state;
    const char *yaml = "client: c1\n"
                       "assessed_on: 2026-11-20\n"
                       "facts:\n"
                       "  housing: temporary\n"
                       "  substances:\n"
                       "    - alcohol\n"
                       "    - cannabis\n"
                       "  bmi: 31.25\n"
                       "  injecting: true\n"
                       "  note: |\n"
                       "    two\n"
                       "    lines\n";
    const char *json = "{\"client\": \"c1\", \"assessed_on\": \"2026-11-20\",\n"
                       " \"facts\": {\"housing\": \"temporary\", \"substances\": [\"alcohol\","
                       " \"cannabis\"],\n  \"bmi\": 31.25, \"injecting\": true,"
                       " \"note\": \"two\\nlines\\n\", \"phq9\": null}}\n";
    sw_facts *a = NULL, *b = NULL;
    assert_int_equal(sw_facts_parse(fx->rules, "c.yaml", yaml, strlen(yaml), &a, fx->diags), SW_OK);
    assert_int_equal(sw_facts_parse(fx->rules, "c.json", json, strlen(json), &b, fx->diags), SW_OK);
    char *ca = canonical(a), *cb = canonical(b);
    assert_string_equal(ca, cb);
    assert_string_equal(ca, "assessed_on=2026-11-20\nbmi=31.25\ndose=unknown\nhousing=temporary\n"
                            "injecting=true\nlast_use=unknown\nnote=\"two\\nlines\\n\"\n"
                            "phq9=unknown\nstage=unknown\nsubstances={alcohol, cannabis}\n"
                            "visits=unknown\n");
    free(ca);
    free(cb);
    sw_facts_free(a);
    sw_facts_free(b);
}

/* ---- every error code, word for word ---- */

static void test_f001_syntax_error(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n  housing: [stable\n  phq9: 2\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 2, 12, "facts.housing",
                  "'housing' must be one of stable, temporary, rough_sleeping, not a list", NULL},
                 {"F001", 3, 7, NULL,
                  "the facts are not valid YAML or JSON: did not find expected ',' or ']' "
                  "(while parsing a flow sequence that starts at line 2, column 12)",
                  SYNTAX_HINT});
    const sw_diagnostic *g = sw_diagnostics_at(fx->diags, 1);
    assert_string_equal(g->source_line, "  phq9: 2");
}

static void test_f001_at_end_of_input_points_at_the_last_line(void **state)
{
    fixture *fx = *state;
    refuse(fx, "client: \"unterminated\n\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F001", 1, 22, NULL,
                  "the facts are not valid YAML or JSON: found unexpected end of stream "
                  "(while scanning a quoted scalar that starts at line 1, column 9)",
                  SYNTAX_HINT});
}

static void test_f001_not_utf8(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n  note: caf\xff\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F001", 2, 12, NULL,
                  "the facts are not valid YAML or JSON: invalid leading UTF-8 octet",
                  "save the facts as UTF-8 text without control characters"});
}

static void test_f002_unknown_top_level_key(void **state)
{
    fixture *fx = *state;
    refuse(fx, "clinet: rs-001\nnotes: x\nfacts: {}\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F002", 1, 1, "clinet",
                  "unknown key 'clinet': a client document has only client, assessed_on and facts",
                  "did you mean 'client'?"},
                 {"F002", 2, 1, "notes",
                  "unknown key 'notes': a client document has only client, assessed_on and facts",
                  NULL});
}

static void test_f003_unknown_fact(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n  housng: stable\n  shoe_size: 9\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F003", 2, 3, "facts.housng",
                  "unknown fact 'housng': the rule set declares no fact of that name",
                  "did you mean 'housing'?"},
                 {"F003", 3, 3, "facts.shoe_size",
                  "unknown fact 'shoe_size': the rule set declares no fact of that name",
                  "check the name against the facts the rule set declares"});
}

static void test_f004_wrong_type(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n"
               "  phq9: \"12\"\n"
               "  injecting: yes\n"
               "  stage: {a: 1}\n"
               "  substances: opioids\n"
               "  bmi: \"3.5\"\n"
               "  dose: 07\n"
               "  visits: 14.5\n"
               "  note: [a]\n");
    ASSERT_DIAGS(
        fx->diags, "client.yaml",
        {"F004", 2, 9, "facts.phq9",
         "'phq9' must be a whole number from 0 to 27, not the text \"12\"",
         "remove the quotes: a number in quotes is text"},
        {"F004", 3, 14, "facts.injecting", "'injecting' must be true or false, not yes",
         "write true or false"},
        {"F004", 4, 10, "facts.stage", "'stage' must be one of " STAGES ", not a mapping", NULL},
        {"F004", 5, 15, "facts.substances",
         "'substances' must be a list drawn from " SUBSTANCES ", not opioids",
         "write a list, e.g. substances: [opioids]"},
        {"F004", 6, 8, "facts.bmi", "'bmi' must be a number from 10 to 80, not the text \"3.5\"",
         "remove the quotes: a number in quotes is text"},
        {"F004", 7, 9, "facts.dose", "'dose' must be a number, not 07",
         "write the number without leading zeros"},
        {"F004", 8, 11, "facts.visits", "'visits' must be a whole number, not 14.5",
         "a whole number has no decimal point"},
        {"F004", 9, 9, "facts.note", "'note' must be text, not a list", NULL});
}

static void test_f004_more_shapes(void **state)
{
    fixture *fx = *state;
    refuse(fx, "client: [a]\n"
               "assessed_on: {y: 2026}\n"
               "facts:\n"
               "  injecting: \"true\"\n"
               "  phq9: twelve\n"
               "  bmi: .5\n"
               "  stage: !!str engagement\n"
               "  [x]: 1\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 9, "client", "'client' must be text, not a list", NULL},
                 {"F004", 2, 14, "assessed_on",
                  "'assessed_on' must be a date written YYYY-MM-DD, not a mapping", NULL},
                 {"F004", 4, 14, "facts.injecting",
                  "'injecting' must be true or false, not the text \"true\"",
                  "remove the quotes: true or false in quotes is text"},
                 {"F004", 5, 9, "facts.phq9",
                  "'phq9' must be a whole number from 0 to 27, not twelve",
                  "write the number in digits, e.g. 12"},
                 {"F004", 6, 8, "facts.bmi", "'bmi' must be a number from 10 to 80, not .5",
                  "write the number in digits, e.g. 3.5"},
                 {"F004", 7, 10, "facts.stage",
                  "the tag '!!str' is not allowed: client documents do not use YAML tags",
                  "remove the tag; quote a value to make it text"},
                 {"F004", 8, 3, "facts", "a key must be a name, not a list",
                  "write the key as a plain name"});
}

static void test_f004_facts_not_a_mapping(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts: [phq9, 12]\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 8, "facts",
                  "'facts' must be a mapping of fact names to their values, not a list",
                  "write each fact as name: value under facts:"});
    sw_diagnostics_clear(fx->diags);
    refuse(fx, "facts: phq9\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 8, "facts",
                  "'facts' must be a mapping of fact names to their values, not phq9",
                  "write each fact as name: value under facts:"});
}

/* An empty or blank client identifier is refused where it stands; a client left
 * out, or given as nothing, is none. */
static void test_f004_empty_client(void **state)
{
    fixture *fx = *state;
    refuse(fx, "client: \"\"\nfacts: {phq9: 1}\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 9, "client", "'client' must be an identifier, not empty text",
                  "give the client's identifier, or leave client out"});
    sw_diagnostics_clear(fx->diags);
    refuse(fx, "{\"facts\": {}, \"client\": \"  \"}\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 25, "client", "'client' must be an identifier, not blank text",
                  "give the client's identifier, or leave client out"});
    sw_diagnostics_clear(fx->diags);
    sw_facts *f = NULL;
    const char *none = "client:\nfacts: {phq9: 1}\n";
    assert_int_equal(sw_facts_parse(fx->rules, "c.yaml", none, strlen(none), &f, fx->diags), SW_OK);
    assert_null(sw_facts_client(f));
    assert_int_equal(sw_facts_set_client(f, ""), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_client(f, " \t"), SW_ERR_ARG);
    assert_null(sw_facts_client(f));
    sw_facts_free(f);
}

/* JSON has no empty value: a blank is an error, while YAML's "phq9:" is unknown. */
static void test_f004_blank_json_value(void **state)
{
    fixture *fx = *state;
    refuse(fx, "{\"facts\": {\"phq9\": , \"housing\": null}}\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 20, "facts.phq9",
                  "'phq9' must be a whole number from 0 to 27, not nothing",
                  "write null to record that it is unknown"});
}

static void test_f005_out_of_range(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n  phq9: 28\n  bmi: 9.5\n  visits: 9223372036854775808\n  dose: 1e400\n");
    ASSERT_DIAGS(
        fx->diags, "client.yaml",
        {"F005", 2, 9, "facts.phq9", "'phq9' must be a whole number from 0 to 27, not 28", NULL},
        {"F005", 3, 8, "facts.bmi", "'bmi' must be a number from 10 to 80, not 9.5", NULL},
        {"F005", 4, 11, "facts.visits",
         "'visits' must be a whole number from -9223372036854775808 to "
         "9223372036854775807, not 9223372036854775808",
         NULL},
        {"F005", 5, 9, "facts.dose", "'dose' must be a number, not 1e400", NULL});
}

static void test_f006_not_an_allowed_value(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n  stage: engagment\n  housing: sofa\n  substances: [opioids, heroin, ~]\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F006", 2, 10, "facts.stage", "'stage' must be one of " STAGES ", not engagment",
                  "did you mean 'engagement'?"},
                 {"F006", 3, 12, "facts.housing",
                  "'housing' must be one of stable, temporary, rough_sleeping, not sofa", NULL},
                 {"F006", 4, 25, "facts.substances[1]",
                  "each member of 'substances' must be one of " SUBSTANCES ", not heroin", NULL},
                 {"F006", 4, 33, "facts.substances[2]",
                  "each member of 'substances' must be one of " SUBSTANCES ", not ~", NULL});
}

static void test_f006_suggests_a_member(void **state)
{
    fixture *fx = *state;
    refuse(fx, "{\"facts\": {\"substances\": [\"opiods\"]}}");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F006", 1, 27, "facts.substances[0]",
                  "each member of 'substances' must be one of " SUBSTANCES ", not opiods",
                  "did you mean 'opioids'?"});
}

static void test_f007_duplicates(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n"
               "  phq9: 3\n"
               "  substances: [opioids, crack, opioids]\n"
               "  phq9: 4\n"
               "client: a\n"
               "client: b\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F007", 3, 32, "facts.substances[2]", "'opioids' is listed twice in 'substances'",
                  "list each member once"},
                 {"F007", 4, 3, "facts.phq9", "'phq9' is given twice; the first is at line 2",
                  "keep one of them"},
                 {"F007", 6, 1, "client", "'client' is given twice; the first is at line 5",
                  "keep one of them"});
}

static void test_f008_derived_fact_given(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n  disengagement_risk: true\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F008", 2, 3, "facts.disengagement_risk",
                  "'disengagement_risk' is a derived fact: the rules work it out, so it cannot be "
                  "given",
                  "remove 'disengagement_risk' from the facts"});
}

static void test_f009_invalid_date(void **state)
{
    fixture *fx = *state;
    refuse(fx, "assessed_on: 2026-02-30\nfacts:\n  last_use: 20/11/2026\n  note: ok\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F009", 1, 14, "assessed_on",
                  "'assessed_on' must be a real calendar date, not 2026-02-30", DATE_HINT},
                 {"F009", 3, 13, "facts.last_use",
                  "'last_use' must be a date written YYYY-MM-DD, not 20/11/2026", DATE_HINT});
}

/* Dates run from 1900-01-01 to 9999-12-31, both accepted; the day before is not. */
static void test_f009_date_range(void **state)
{
    fixture *fx = *state;
    refuse(fx, "assessed_on: 1899-12-31\nfacts:\n  last_use: 9999-12-31\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F009", 1, 14, "assessed_on",
                  "'assessed_on' must be a date from 1900-01-01 to 9999-12-31, not 1899-12-31",
                  DATE_HINT});
    sw_diagnostics_clear(fx->diags);
    assert_reads_as(fx, "assessed_on: 1900-01-01\nfacts:\n  last_use: 9999-12-31\n",
                    "assessed_on=1900-01-01\nbmi=unknown\ndose=unknown\nhousing=unknown\n"
                    "injecting=unknown\nlast_use=9999-12-31\nnote=unknown\nphq9=unknown\n"
                    "stage=unknown\nsubstances=unknown\nvisits=unknown\n");
}

static void test_f010_not_a_mapping(void **state)
{
    fixture *fx = *state;
    refuse(fx, "- phq9: 3\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F010", 1, 1, NULL,
                  "a client document must be a mapping with client, assessed_on and facts, not a "
                  "list",
                  "write client:, assessed_on: and facts: at the top level"});
    sw_diagnostics_clear(fx->diags);
    refuse(fx, "just words\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F010", 1, 1, NULL,
                  "a client document must be a mapping with client, assessed_on and facts, not "
                  "just words",
                  "write client:, assessed_on: and facts: at the top level"});
}

static void test_f011_anchors_and_aliases(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n  note: &n hello\n  housing: *n\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F011", 2, 9, "facts.note",
                  "the anchor '&n' is not allowed: client documents do not use anchors or aliases",
                  ALIAS_HINT},
                 {"F011", 3, 12, "facts.housing",
                  "the alias '*n' is not allowed: client documents do not use anchors or aliases",
                  ALIAS_HINT});
}

static void test_f012_nesting(void **state)
{
    fixture *fx = *state;
    /* the root is level 1 and facts level 2: 14 more lists make 16, 15 make 17 */
    refuse(fx, "facts: {note: [[[[[[[[[[[[[[1]]]]]]]]]]]]]]}\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 15, "facts.note", "'note' must be text, not a list", NULL});
    sw_diagnostics_clear(fx->diags);
    refuse(fx, "facts: {note: [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 15, "facts.note", "'note' must be text, not a list", NULL},
                 {"F012", 1, 29, "facts.note",
                  "lists and mappings are nested more than 16 levels deep; the rest of the "
                  "document is not read",
                  "client documents need three levels at most"});
    /* under an unknown fact the field is the key as written, which libyaml has
     * freed by the time the value is skipped: the field keeps a copy */
    sw_diagnostics_clear(fx->diags);
    refuse(fx, "facts: {nonesuch: [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}\n");
    assert_int_equal(sw_diagnostics_count(fx->diags), 2);
    assert_string_equal(sw_diagnostics_at(fx->diags, 0)->code, "F003");
    assert_string_equal(sw_diagnostics_at(fx->diags, 0)->field, "facts.nonesuch");
    assert_string_equal(sw_diagnostics_at(fx->diags, 1)->code, "F012");
    assert_string_equal(sw_diagnostics_at(fx->diags, 1)->field, "facts.nonesuch");
    assert_int_equal(sw_diagnostics_at(fx->diags, 1)->column, 33);
}

/* More than 10000 facts keys can only be told when they are all valid, which needs
 * a schema that large: a rule set of its own. */
static void test_f012_too_many_facts(void **state)
{
    fixture *fx = *state;
    sw_buf rules = SW_BUF_INIT, doc = SW_BUF_INIT;
    sw_buf_puts(&rules, "guideline wide \"Wide schema\" version \"1.0.0\"\nfacts {\n");
    sw_buf_puts(&doc, "facts:\n");
    for (int i = 0; i <= 10000; i++) {
        sw_buf_printf(&rules, "  f%05d: bool \"Fact %d\"\n", i, i);
        sw_buf_printf(&doc, "  f%05d: true\n", i);
    }
    sw_buf_puts(&rules, "}\n");
    assert_false(sw_buf_failed(&rules) || sw_buf_failed(&doc));
    sw_source_text src = {"wide.sw", rules.data, rules.len};
    sw_ruleset *wide = NULL;
    assert_int_equal(sw_ruleset_load_texts(&src, 1, &wide, fx->diags), SW_OK);
    sw_diagnostics_clear(fx->diags);
    sw_facts *f = (sw_facts *)&f;
    assert_int_equal(sw_facts_parse(wide, "wide.yaml", doc.data, doc.len, &f, fx->diags),
                     SW_ERR_FACTS);
    assert_null(f);
    ASSERT_DIAGS(fx->diags, "wide.yaml",
                 {"F012", 10002, 3, "facts", "more than 10000 facts in one document",
                  "split the facts, or leave out those the rules do not use"});
    /* 10000 are fine */
    size_t cut = doc.len - strlen("  f10000: true\n");
    assert_int_equal(sw_facts_parse(wide, "wide.yaml", doc.data, cut, &f, fx->diags), SW_OK);
    sw_facts_free(f);
    sw_ruleset_free(wide);
    sw_buf_free(&rules);
    sw_buf_free(&doc);
}

static void test_f012_long_text(void **state)
{
    fixture *fx = *state;
    size_t big = 65537;
    char *text = malloc(big + 32);
    assert_non_null(text);
    strcpy(text, "facts:\n  note: ");
    size_t at = strlen(text);
    memset(text + at, 'x', big);
    strcpy(text + at + big, "\n");
    refuse(fx, text);
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F012", 2, 9, "facts.note",
                  "'note' is longer than the limit of 64 KiB (65536 bytes)",
                  "keep long notes outside the facts"});
    /* exactly 64 KiB is accepted */
    sw_diagnostics_clear(fx->diags);
    strcpy(text + at + big - 1, "\n");
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_parse(fx->rules, "c.yaml", text, strlen(text), &f, fx->diags), SW_OK);
    assert_int_equal(strlen(f->values[sw_program_fact(f->prog, "note", 4)->slot].u.s), 65536);
    sw_facts_free(f);
    free(text);
}

static void test_f012_input_too_large(void **state)
{
    fixture *fx = *state;
    size_t len = ((size_t)64 << 20) + 1;
    char *text = malloc(len);
    assert_non_null(text);
    /* 1048576 lines of 64 bytes fill the limit; the byte past it opens line 1048577 */
    for (size_t i = 0; i + 64 <= len; i += 64) {
        memset(text + i, ' ', 63);
        text[i] = '#';
        text[i + 63] = '\n';
    }
    memcpy(text, "facts: {}", 9);
    text[len - 1] = 'x';
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_parse(fx->rules, "huge.yaml", text, len, &f, fx->diags),
                     SW_ERR_LIMIT);
    assert_null(f);
    ASSERT_DIAGS(fx->diags, "huge.yaml",
                 {"F012", 1048577, 1, NULL,
                  "the input is larger than the limit of 64 MiB (67108864 bytes): it is 67108865 "
                  "bytes, and byte 67108865, here, is past the limit",
                  "split the input into smaller files"});
    assert_string_equal(sw_diagnostics_at(fx->diags, 0)->source_line, "x");
    /* a stream says it once, then ends */
    sw_facts_stream *st = NULL;
    assert_int_equal(sw_facts_stream_open(fx->rules, "huge.yaml", text, len, &st), SW_OK);
    assert_int_equal(sw_facts_stream_next(st, &f, NULL), SW_ERR_LIMIT);
    assert_int_equal(sw_facts_stream_next(st, &f, NULL), SW_END);
    sw_facts_stream_free(st);
    free(text);
}

static void test_f013_not_exactly_one_document(void **state)
{
    fixture *fx = *state;
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_parse(fx->rules, "empty.yaml", "", 0, &f, fx->diags), SW_ERR_FACTS);
    assert_null(f);
    ASSERT_DIAGS(fx->diags, "empty.yaml",
                 {"F013", 0, 0, NULL, "no client document in the input",
                  "give the client's facts, e.g. facts: {phq9: 12}"});
    sw_diagnostics_clear(fx->diags);
    assert_int_equal(sw_facts_parse(fx->rules, "c.yaml", "# nothing\n---\n", 14, &f, fx->diags),
                     SW_ERR_FACTS);
    assert_int_equal(sw_diagnostics_count(fx->diags), 1);
    sw_diagnostics_clear(fx->diags);

    const char *two = "facts: {phq9: 1}\n---\nfacts: {phq9: 2}\n";
    assert_int_equal(sw_facts_parse(fx->rules, "two.yaml", two, strlen(two), &f, fx->diags),
                     SW_ERR_FACTS);
    assert_null(f);
    ASSERT_DIAGS(fx->diags, "two.yaml",
                 {"F013", 2, 1, NULL,
                  "more than one client document in the input; the second starts here",
                  "give one client per document, or read the input as a stream"});
    sw_diagnostics_clear(fx->diags);
    two = "{\"facts\": {}}\n  {\"facts\": {}}\n";
    assert_int_equal(sw_facts_parse(fx->rules, "two.json", two, strlen(two), &f, fx->diags),
                     SW_ERR_FACTS);
    ASSERT_DIAGS(fx->diags, "two.json",
                 {"F013", 2, 3, NULL,
                  "more than one client document in the input; the second starts here",
                  "give one client per document, or read the input as a stream"});
    sw_diagnostics_clear(fx->diags);
    /* a trailing empty document is no document */
    assert_reads_as(fx, "facts: {}\n---\n", ALL_UNKNOWN);
}

static void test_reports_every_problem_of_a_document(void **state)
{
    fixture *fx = *state;
    refuse(fx, "clinet: x\nfacts:\n  phq9: 99\n  housng: stable\n  injecting: on\n  bmi: 5\n");
    assert_int_equal(sw_diagnostics_count(fx->diags), 5);
    assert_int_equal(sw_diagnostics_error_count(fx->diags), 5);
}

static void test_positions_with_crlf_and_wide_characters(void **state)
{
    fixture *fx = *state;
    refuse(fx, "client: \"Zoë\"\r\nfacts:\r\n  note: \"café\"\r\n  phq9: x\r\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 4, 9, "facts.phq9", "'phq9' must be a whole number from 0 to 27, not x",
                  "write the number in digits, e.g. 12"});
    assert_string_equal(sw_diagnostics_at(fx->diags, 0)->source_line, "  phq9: x");
    sw_diagnostics_clear(fx->diags);
    refuse(fx, "facts: {note: \"ééé\", phq9: y}\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F004", 1, 28, "facts.phq9", "'phq9' must be a whole number from 0 to 27, not y",
                  "write the number in digits, e.g. 12"});
}

static void test_long_values_are_shortened_in_messages(void **state)
{
    fixture *fx = *state;
    refuse(fx, "facts:\n  housing: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\n");
    ASSERT_DIAGS(fx->diags, "client.yaml",
                 {"F006", 2, 12, "facts.housing",
                  "'housing' must be one of stable, temporary, rough_sleeping, not "
                  "abcdefghijklmnopqrstuvwxyzabcdefghijklmn...",
                  NULL});
}

/* ---- streams ---- */

typedef struct step {
    sw_status status;
    size_t position;
    const char *canonical; /* for SW_OK */
} step;

static void assert_same_diagnostic(const sw_diagnostic *a, const sw_diagnostic *b)
{
    assert_string_equal(a->code, b->code);
    assert_string_equal(a->message, b->message);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->column, b->column);
    assert_text_or_null(a->field, b->field);
    assert_text_or_null(a->hint, b->hint);
    assert_text_or_null(a->source_line, b->source_line);
}

/* The same steps read with sw_facts_stream_read into one facts object reused for
 * every document; returns the diagnostics, which must be the same as next's. */
static sw_diagnostics *assert_stream_reused(fixture *fx, const char *name, const char *text,
                                            const step *steps, size_t n)
{
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_facts *f = NULL;
    sw_facts_stream *st = NULL;
    assert_int_equal(sw_facts_new(fx->rules, &f), SW_OK);
    assert_int_equal(sw_facts_set_int(f, "visits", 7, NULL), SW_OK); /* must not stay */
    assert_int_equal(sw_facts_stream_open(fx->rules, name, text, strlen(text), &st), SW_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(sw_facts_stream_read(st, f, diags), steps[i].status);
        assert_int_equal(sw_facts_stream_position(st), steps[i].position);
        assert_canonical(f, steps[i].status == SW_OK ? steps[i].canonical : ALL_UNKNOWN);
    }
    assert_int_equal(sw_facts_stream_read(st, f, diags), SW_END);
    assert_canonical(f, ALL_UNKNOWN);
    sw_facts_stream_free(st);
    sw_facts_free(f);
    return diags;
}

static void assert_stream(fixture *fx, const char *name, const char *text, const step *steps,
                          size_t n)
{
    size_t before = sw_diagnostics_count(fx->diags);
    sw_diagnostics *reused = assert_stream_reused(fx, name, text, steps, n);
    sw_facts_stream *st = NULL;
    assert_int_equal(sw_facts_stream_open(fx->rules, name, text, strlen(text), &st), SW_OK);
    for (size_t i = 0; i < n; i++) {
        sw_facts *f = (sw_facts *)&f;
        assert_int_equal(sw_facts_stream_next(st, &f, fx->diags), steps[i].status);
        assert_int_equal(sw_facts_stream_position(st), steps[i].position);
        if (steps[i].status == SW_OK) {
            assert_non_null(f);
            assert_canonical(f, steps[i].canonical);
            sw_facts_free(f);
        } else {
            assert_null(f);
        }
    }
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_stream_next(st, &f, fx->diags), SW_END);
    sw_facts_stream_free(st);
    assert_int_equal(sw_diagnostics_count(fx->diags) - before, sw_diagnostics_count(reused));
    for (size_t i = 0; i < sw_diagnostics_count(reused); i++)
        assert_same_diagnostic(sw_diagnostics_at(reused, i),
                               sw_diagnostics_at(fx->diags, before + i));
    sw_diagnostics_free(reused);
}

#define ASSERT_STREAM(fx, name, text, ...)                                                         \
    do {                                                                                           \
        static const step steps_[] = {__VA_ARGS__};                                                \
        assert_stream((fx), (name), (text), steps_, sizeof steps_ / sizeof steps_[0]);             \
    } while (0)

#define PHQ9(v)                                                                                    \
    "assessed_on=unknown\nbmi=unknown\ndose=unknown\nhousing=unknown\ninjecting=unknown\n"         \
    "last_use=unknown\nnote=unknown\nphq9=" v "\nstage=unknown\nsubstances=unknown\n"              \
    "visits=unknown\n"

static void test_yaml_stream_with_a_bad_document(void **state)
{
    fixture *fx = *state;
    ASSERT_STREAM(fx, "s.yaml",
                  "---\nfacts: {phq9: 1}\n---\nfacts:\n  phq9: 99\n---\n---\nfacts: {phq9: 3}\n",
                  {SW_OK, 1, PHQ9("1")}, {SW_ERR_FACTS, 2, NULL}, {SW_OK, 3, PHQ9("3")});
    ASSERT_DIAGS(
        fx->diags, "s.yaml",
        {"F005", 5, 9, "facts.phq9", "'phq9' must be a whole number from 0 to 27, not 99", NULL});
}

static void test_yaml_stream_goes_on_after_a_syntax_error(void **state)
{
    fixture *fx = *state;
    ASSERT_STREAM(fx, "s.yaml",
                  "facts: {phq9: 1}\n"
                  "---\n"
                  "facts: {phq9: [2}\n"
                  "--- ]\n"
                  "facts: {phq9: 3}\n"
                  "---\n"
                  "client: \"open\n"
                  "---\n"
                  "facts: {phq9: 4}\n",
                  {SW_OK, 1, PHQ9("1")}, {SW_ERR_FACTS, 2, NULL}, {SW_ERR_FACTS, 3, NULL},
                  {SW_ERR_FACTS, 4, NULL}, {SW_OK, 5, PHQ9("4")});
    ASSERT_DIAGS(fx->diags, "s.yaml",
                 {"F004", 3, 15, "facts.phq9",
                  "'phq9' must be a whole number from 0 to 27, not a list", NULL},
                 {"F001", 3, 17, NULL,
                  "the facts are not valid YAML or JSON: did not find expected ',' or ']' "
                  "(while parsing a flow sequence that starts at line 3, column 15)",
                  SYNTAX_HINT},
                 {"F001", 4, 5, NULL,
                  "the facts are not valid YAML or JSON: did not find expected node content "
                  "(while parsing a block node)",
                  SYNTAX_HINT},
                 {"F001", 7, 14, NULL,
                  "the facts are not valid YAML or JSON: found unexpected end of stream "
                  "(while scanning a quoted scalar that starts at line 7, column 9)",
                  SYNTAX_HINT});
}

static void test_bad_bytes_stay_in_their_document(void **state)
{
    fixture *fx = *state;
    ASSERT_STREAM(fx, "s.yaml",
                  "facts: {phq9: 1}\n---\nfacts: {note: \"caf\xff\"}\n---\nfacts: {phq9: 3}\n",
                  {SW_OK, 1, PHQ9("1")}, {SW_ERR_FACTS, 2, NULL}, {SW_OK, 3, PHQ9("3")});
    ASSERT_DIAGS(fx->diags, "s.yaml",
                 {"F001", 3, 19, NULL,
                  "the facts are not valid YAML or JSON: invalid leading UTF-8 octet",
                  "save the facts as UTF-8 text without control characters"});
    sw_diagnostics_clear(fx->diags);
    ASSERT_STREAM(fx, "s.jsonl",
                  "{\"facts\": {\"phq9\": 1}}\n{\"facts\": {\"note\": \"caf\xff\"}}\n"
                  "{\"facts\": {\"phq9\": 3}}\n",
                  {SW_OK, 1, PHQ9("1")}, {SW_ERR_FACTS, 2, NULL}, {SW_OK, 3, PHQ9("3")});
    ASSERT_DIAGS(fx->diags, "s.jsonl",
                 {"F001", 2, 24, NULL,
                  "the facts are not valid YAML or JSON: invalid leading UTF-8 octet",
                  "save the facts as UTF-8 text without control characters"});
}

static void test_yaml_stream_directives_and_end_markers(void **state)
{
    fixture *fx = *state;
    ASSERT_STREAM(fx, "s.yaml",
                  "%YAML 1.1\n---\nfacts: {phq9: 1}\n...\n%YAML 1.1\n--- {facts: {phq9: 2}}\n"
                  "...\n# the end\n",
                  {SW_OK, 1, PHQ9("1")}, {SW_OK, 2, PHQ9("2")});
}

static void test_json_lines_with_a_bad_object(void **state)
{
    fixture *fx = *state;
    ASSERT_STREAM(fx, "s.jsonl",
                  "{\"facts\": {\"phq9\": 1}}\n"
                  "{\"facts\": {\"phq9\": \"2\"}}\n"
                  "\n"
                  "{\"facts\": {\"phq9\": 3}} {\"facts\": {\"phq9\": 4, \"note\": \"}{\\\"\"}}\n",
                  {SW_OK, 1, PHQ9("1")}, {SW_ERR_FACTS, 2, NULL}, {SW_OK, 3, PHQ9("3")},
                  {SW_OK, 4,
                   "assessed_on=unknown\nbmi=unknown\ndose=unknown\nhousing=unknown\n"
                   "injecting=unknown\nlast_use=unknown\nnote=\"}{\\\"\"\nphq9=4\n"
                   "stage=unknown\nsubstances=unknown\nvisits=unknown\n"});
    ASSERT_DIAGS(fx->diags, "s.jsonl",
                 {"F004", 2, 20, "facts.phq9",
                  "'phq9' must be a whole number from 0 to 27, not the text \"2\"",
                  "remove the quotes: a number in quotes is text"});
    /* a problem in a later object on a shared line is told at its place there */
    sw_diagnostics_clear(fx->diags);
    ASSERT_STREAM(fx, "s.jsonl", "{\"facts\": {\"phq9\": 3}}  {\"facts\": {\"phq9\": 44}}\n",
                  {SW_OK, 1, PHQ9("3")}, {SW_ERR_FACTS, 2, NULL});
    ASSERT_DIAGS(
        fx->diags, "s.jsonl",
        {"F005", 1, 44, "facts.phq9", "'phq9' must be a whole number from 0 to 27, not 44", NULL});
}

static void test_json_lines_positions_are_in_the_whole_input(void **state)
{
    fixture *fx = *state;
    ASSERT_STREAM(fx, "s.jsonl",
                  "{\"facts\": {\"phq9\": 1}}\n"
                  "{\"facts\": {\"phq9\": 2}}\n"
                  "{\"facts\":\n"
                  "   {\"housing\": \"sofa\"}}\n",
                  {SW_OK, 1, PHQ9("1")}, {SW_OK, 2, PHQ9("2")}, {SW_ERR_FACTS, 3, NULL});
    ASSERT_DIAGS(fx->diags, "s.jsonl",
                 {"F006", 4, 16, "facts.housing",
                  "'housing' must be one of stable, temporary, rough_sleeping, not sofa", NULL});
    assert_string_equal(sw_diagnostics_at(fx->diags, 0)->source_line,
                        "   {\"housing\": \"sofa\"}}");
}

static void test_json_lines_survive_junk_and_unclosed_objects(void **state)
{
    fixture *fx = *state;
    ASSERT_STREAM(fx, "s.jsonl",
                  "{\"facts\": {\"phq9\": 1}},\n"
                  "{\"facts\": {\"phq9\": 2,\n"
                  "{\"facts\": {\"phq9\": 5}}\n",
                  {SW_OK, 1, PHQ9("1")}, {SW_ERR_FACTS, 2, NULL}, {SW_ERR_FACTS, 3, NULL},
                  {SW_OK, 4, PHQ9("5")});
    ASSERT_DIAGS(fx->diags, "s.jsonl",
                 {"F001", 1, 23, NULL, "expected { to start the next JSON object, found ,",
                  "write one JSON object after another, with nothing between them"},
                 {"F001", 2, 22, NULL,
                  "the facts are not valid YAML or JSON: did not find expected node content "
                  "(while parsing a flow node)",
                  SYNTAX_HINT});
}

/* The JSON (format 3.0) rendering of the result of evaluating f. */
static char *rendered(fixture *fx, const sw_facts *f)
{
    sw_result *r = NULL;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(sw_evaluate(fx->rules, f, &r), SW_OK);
    assert_int_equal(sw_result_render(r, SW_FORMAT_JSON, &text, &len), SW_OK);
    sw_result_free(r);
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    sw_free(text);
    return copy;
}

/* One facts object reused for a stream gives, document after document, the
 * results of facts made afresh for each document: nothing of a document with many
 * facts, a client and a date stays for a later one with few, nor after an error. */
static void test_stream_read_reuses_facts_with_the_same_results(void **state)
{
    fixture *fx = *state;
    static const char *const lines[] = {
        "{\"client\": \"a\", \"assessed_on\": \"2026-11-20\", \"facts\": {\"housing\": "
        "\"rough_sleeping\", \"injecting\": true, \"substances\": [\"opioids\", \"crack\"], "
        "\"note\": \"seen at the hostel\", \"phq9\": 12, \"bmi\": 21.5, "
        "\"last_use\": \"2026-11-01\"}}\n",
        "{\"facts\": {\"phq9\": 3}}\n",
        "{\"client\": \"c\", \"facts\": {\"housing\": \"stable\", \"injecting\": false}}\n",
        "{}\n",
    };
    char text[1024] = "";
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        strcat(text, lines[i]);
    sw_facts *reused = NULL;
    sw_facts_stream *st = NULL;
    assert_int_equal(sw_facts_new(fx->rules, &reused), SW_OK);
    assert_int_equal(sw_facts_stream_open(fx->rules, "s.jsonl", text, strlen(text), &st), SW_OK);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        sw_facts *fresh = NULL;
        assert_int_equal(sw_facts_stream_read(st, reused, fx->diags), SW_OK);
        assert_int_equal(
            sw_facts_parse(fx->rules, "s.jsonl", lines[i], strlen(lines[i]), &fresh, fx->diags),
            SW_OK);
        char *want = rendered(fx, fresh), *got = rendered(fx, reused), *cw = canonical(fresh),
             *cg = canonical(reused);
        assert_string_equal(got, want);
        assert_string_equal(cg, cw);
        assert_string_equal(sw_facts_client(reused) ? sw_facts_client(reused) : "(none)",
                            sw_facts_client(fresh) ? sw_facts_client(fresh) : "(none)");
        free(want);
        free(got);
        free(cw);
        free(cg);
        sw_facts_free(fresh);
    }
    assert_int_equal(sw_facts_stream_read(st, reused, fx->diags), SW_END);
    assert_int_equal(sw_diagnostics_count(fx->diags), 0);
    sw_facts_stream_free(st);
    sw_facts_free(reused);
}

/* A document with errors leaves the reused facts empty and names field and line;
 * the next document reads as if it came first. */
static void test_stream_read_errors_name_field_and_line(void **state)
{
    fixture *fx = *state;
    const char *text = "client: a\nfacts:\n  phq9: 5\n---\nfacts:\n  note: ok\n"
                       "  substances: [opioids, heroin]\n---\nfacts: {visits: 2}\n";
    sw_facts *f = NULL;
    sw_facts_stream *st = NULL;
    assert_int_equal(sw_facts_new(fx->rules, &f), SW_OK);
    assert_int_equal(sw_facts_stream_open(fx->rules, "s.yaml", text, strlen(text), &st), SW_OK);
    assert_int_equal(sw_facts_stream_read(st, f, fx->diags), SW_OK);
    assert_canonical(f, PHQ9("5"));
    assert_string_equal(sw_facts_client(f), "a");
    assert_int_equal(sw_facts_stream_read(st, f, fx->diags), SW_ERR_FACTS);
    assert_canonical(f, ALL_UNKNOWN);
    assert_null(sw_facts_client(f));
    ASSERT_DIAGS(fx->diags, "s.yaml",
                 {"F006", 7, 25, "facts.substances[1]",
                  "each member of 'substances' must be one of " SUBSTANCES ", not heroin", NULL});
    assert_int_equal(sw_facts_stream_read(st, f, fx->diags), SW_OK);
    assert_int_equal(sw_facts_stream_position(st), 3);
    assert_canonical(f, "assessed_on=unknown\nbmi=unknown\ndose=unknown\nhousing=unknown\n"
                        "injecting=unknown\nlast_use=unknown\nnote=unknown\nphq9=unknown\n"
                        "stage=unknown\nsubstances=unknown\nvisits=2\n");
    assert_int_equal(sw_facts_stream_read(st, f, fx->diags), SW_END);
    sw_facts_stream_free(st);
    sw_facts_free(f);
}

/* Facts of another rule set, or no facts, are refused without touching either. */
static void test_stream_read_refuses_facts_of_another_rule_set(void **state)
{
    fixture *fx = *state;
    sw_source_text src = {"other.sw", RULES, sizeof RULES - 1};
    sw_ruleset *other = NULL;
    assert_int_equal(sw_ruleset_load_texts(&src, 1, &other, NULL), SW_OK);
    sw_facts *f = NULL;
    sw_facts_stream *st = NULL;
    assert_int_equal(sw_facts_new(other, &f), SW_OK);
    assert_int_equal(sw_facts_set_int(f, "phq9", 4, NULL), SW_OK);
    const char *text = "facts: {phq9: 1}\n";
    assert_int_equal(sw_facts_stream_open(fx->rules, "s.yaml", text, strlen(text), &st), SW_OK);
    assert_int_equal(sw_facts_stream_read(st, f, fx->diags), SW_ERR_ARG);
    assert_canonical(f, PHQ9("4"));
    assert_int_equal(sw_facts_stream_read(st, NULL, fx->diags), SW_ERR_ARG);
    assert_int_equal(sw_facts_stream_read(NULL, f, fx->diags), SW_ERR_ARG);
    assert_int_equal(sw_facts_stream_position(st), 0);
    sw_facts_stream_free(st);
    sw_facts_free(f);
    sw_ruleset_free(other);
}

static void test_empty_stream_has_no_documents(void **state)
{
    fixture *fx = *state;
    sw_facts_stream *st = NULL;
    sw_facts *f = (sw_facts *)&f;
    assert_int_equal(sw_facts_stream_open(fx->rules, "e", "", 0, &st), SW_OK);
    assert_int_equal(sw_facts_stream_next(st, &f, fx->diags), SW_END);
    assert_null(f);
    assert_int_equal(sw_facts_stream_position(st), 0);
    sw_facts_stream_free(st);
    assert_int_equal(sw_facts_stream_open(fx->rules, "e", NULL, 0, &st), SW_OK);
    assert_int_equal(sw_facts_stream_next(st, &f, fx->diags), SW_END);
    sw_facts_stream_free(st);
    ASSERT_STREAM(fx, "e", "  \n# only a comment\n", {SW_END, 0, NULL});
    assert_int_equal(sw_diagnostics_count(fx->diags), 0);
}

static void test_stream_arguments(void **state)
{
    fixture *fx = *state;
    sw_facts_stream *st = NULL;
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_stream_open(NULL, "x", "", 0, &st), SW_ERR_ARG);
    assert_int_equal(sw_facts_stream_open(fx->rules, "x", NULL, 3, &st), SW_ERR_ARG);
    assert_int_equal(sw_facts_stream_open(fx->rules, "x", "", 0, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_stream_next(NULL, &f, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_stream_position(NULL), 0);
    sw_facts_stream_free(NULL);
    assert_int_equal(sw_facts_parse(fx->rules, "x", "", 0, NULL, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_parse(NULL, "x", "", 0, &f, NULL), SW_ERR_ARG);
}

/* ---- setters ---- */

static void test_setters_set_every_type(void **state)
{
    fixture *fx = *state;
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(fx->rules, &f), SW_OK);
    assert_canonical(f, ALL_UNKNOWN);
    static const char *const subs[] = {"cannabis", "opioids"};
    assert_int_equal(sw_facts_set_client(f, "rs-9"), SW_OK);
    assert_int_equal(sw_facts_set_assessed_on(f, "2026-11-20", fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "stage", "active_treatment", fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "housing", "stable", fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_members(f, "substances", subs, 2, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_int(f, "phq9", 27, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_int(f, "visits", -1, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_number(f, "bmi", 18.5, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_int(f, "dose", 7, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_bool(f, "injecting", 7, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "last_use", "2026-10-01", fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_text(f, "note", "said \"ok\"", NULL), SW_OK);
    assert_int_equal(sw_diagnostics_count(fx->diags), 0);
    assert_string_equal(sw_facts_client(f), "rs-9");
    assert_canonical(f, "assessed_on=2026-11-20\nbmi=18.5\ndose=7.0\nhousing=stable\n"
                        "injecting=true\nlast_use=2026-10-01\nnote=\"said \\\"ok\\\"\"\nphq9=27\n"
                        "stage=active_treatment\nsubstances={opioids, cannabis}\nvisits=-1\n");
    assert_int_equal(sw_facts_set_unknown(f, "phq9"), SW_OK);
    assert_int_equal(sw_facts_set_members(f, "substances", NULL, 0, NULL), SW_OK);
    assert_int_equal(sw_facts_set_assessed_on(f, NULL, NULL), SW_OK);
    assert_int_equal(sw_facts_set_client(f, NULL), SW_OK);
    assert_null(sw_facts_client(f));
    assert_canonical(f, "assessed_on=unknown\nbmi=18.5\ndose=7.0\nhousing=stable\n"
                        "injecting=true\nlast_use=2026-10-01\nnote=\"said \\\"ok\\\"\"\n"
                        "phq9=unknown\nstage=active_treatment\nsubstances={}\nvisits=-1\n");
    sw_facts_free(f);
}

static void test_setters_refuse_bad_values(void **state)
{
    fixture *fx = *state;
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(fx->rules, &f), SW_OK);
    static const char *const subs[] = {"crack", "heroin", "crack"};
    assert_int_equal(sw_facts_set_int(f, "phq9", 28, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_number(f, "bmi", 81.5, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_text(f, "housing", "rough", fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_text(f, "last_use", "2026-13-01", fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_assessed_on(f, "today", fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_members(f, "substances", subs, 3, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_bool(f, "phq9", 1, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_text(f, "phq9", "12", fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_number(f, "phq9", 1.5, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_members(f, "housing", subs, 1, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_int(f, "housing", 2, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_bool(f, "disengagement_risk", 1, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_bool(f, "injectin", 1, fx->diags), SW_ERR_ARG);
    ASSERT_DIAGS(
        fx->diags, NULL,
        {"F005", 0, 0, "facts.phq9", "'phq9' must be a whole number from 0 to 27, not 28", NULL},
        {"F005", 0, 0, "facts.bmi", "'bmi' must be a number from 10 to 80, not 81.5", NULL},
        {"F006", 0, 0, "facts.housing",
         "'housing' must be one of stable, temporary, rough_sleeping, not rough", NULL},
        {"F009", 0, 0, "facts.last_use", "'last_use' must be a real calendar date, not 2026-13-01",
         DATE_HINT},
        {"F009", 0, 0, "assessed_on", "'assessed_on' must be a date written YYYY-MM-DD, not today",
         DATE_HINT},
        {"F006", 0, 0, "facts.substances[1]",
         "each member of 'substances' must be one of " SUBSTANCES ", not heroin", NULL},
        {"F007", 0, 0, "facts.substances[2]", "'crack' is listed twice in 'substances'",
         "list each member once"},
        {"F004", 0, 0, "facts.phq9", "'phq9' must be a whole number from 0 to 27, not true",
         "set it with sw_facts_set_int"},
        {"F004", 0, 0, "facts.phq9",
         "'phq9' must be a whole number from 0 to 27, not the text \"12\"",
         "set it with sw_facts_set_int"},
        {"F004", 0, 0, "facts.phq9", "'phq9' must be a whole number from 0 to 27, not 1.5",
         "set it with sw_facts_set_int"},
        {"F004", 0, 0, "facts.housing",
         "'housing' must be one of stable, temporary, rough_sleeping, not a list",
         "set it with sw_facts_set_text"},
        {"F004", 0, 0, "facts.housing",
         "'housing' must be one of stable, temporary, rough_sleeping, not 2",
         "set it with sw_facts_set_text"},
        {"F008", 0, 0, "facts.disengagement_risk",
         "'disengagement_risk' is a derived fact: the rules work it out, so it cannot be "
         "given",
         "remove 'disengagement_risk' from the facts"},
        {"F003", 0, 0, "facts.injectin",
         "unknown fact 'injectin': the rule set declares no fact of that name",
         "did you mean 'injecting'?"});
    for (size_t i = 0; i < sw_diagnostics_count(fx->diags); i++)
        assert_null(sw_diagnostics_at(fx->diags, i)->file);
    /* nothing was set */
    assert_canonical(f, ALL_UNKNOWN);
    /* and a refused value leaves the one before it */
    sw_diagnostics_clear(fx->diags);
    assert_int_equal(sw_facts_set_int(f, "phq9", 5, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_int(f, "phq9", 50, NULL), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_members(f, "substances", subs, 1, NULL), SW_OK);
    assert_int_equal(sw_facts_set_members(f, "substances", subs, 3, NULL), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_number(f, "dose", NAN, fx->diags), SW_ERR_FACTS);
    ASSERT_DIAGS(fx->diags, NULL,
                 {"F004", 0, 0, "facts.dose", "'dose' must be a number, not NaN",
                  "set it with sw_facts_set_number or sw_facts_set_int"});
    assert_canonical(f, "assessed_on=unknown\nbmi=unknown\ndose=unknown\nhousing=unknown\n"
                        "injecting=unknown\nlast_use=unknown\nnote=unknown\nphq9=5\n"
                        "stage=unknown\nsubstances={crack}\nvisits=unknown\n");
    sw_facts_free(f);
}

static void test_setters_check_arguments(void **state)
{
    fixture *fx = *state;
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(NULL, &f), SW_ERR_ARG);
    assert_int_equal(sw_facts_new(fx->rules, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_new(fx->rules, &f), SW_OK);
    assert_int_equal(sw_facts_set_bool(NULL, "injecting", 1, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_bool(f, NULL, 1, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_text(f, "note", NULL, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_members(f, "substances", NULL, 2, NULL), SW_ERR_ARG);
    static const char *const holes[] = {"crack", NULL};
    assert_int_equal(sw_facts_set_members(f, "substances", holes, 2, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_unknown(f, "nope"), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_unknown(f, "disengagement_risk"), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_unknown(NULL, "phq9"), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_client(NULL, "x"), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_assessed_on(NULL, "2026-01-01", NULL), SW_ERR_ARG);
    /* problems are still refused without a diagnostics list */
    assert_int_equal(sw_facts_set_int(f, "phq9", -1, NULL), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_int(f, "phq99", 1, NULL), SW_ERR_ARG);
    assert_int_equal(sw_diagnostics_count(fx->diags), 0);
    sw_facts_free(f);
    sw_facts_free(NULL);
}

static void test_setter_text_limit(void **state)
{
    fixture *fx = *state;
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(fx->rules, &f), SW_OK);
    char *big = malloc(65538);
    assert_non_null(big);
    memset(big, 'y', 65537);
    big[65537] = '\0';
    assert_int_equal(sw_facts_set_text(f, "note", big, fx->diags), SW_ERR_LIMIT);
    assert_int_equal(sw_facts_set_client(f, big), SW_ERR_LIMIT);
    ASSERT_DIAGS(fx->diags, NULL,
                 {"F012", 0, 0, "facts.note",
                  "'note' is longer than the limit of 64 KiB (65536 bytes)",
                  "keep long notes outside the facts"});
    free(big);
    sw_facts_free(f);
}

/* Not a document at all (400 for an HTTP caller) versus a document with invalid
 * facts (422): told by sw_diagnostics_malformed, not by diagnostic codes. */
static void test_malformed_is_told_apart_from_invalid(void **state)
{
    fixture *fx = *state;
    static const char *const malformed[] = {
        "facts: {phq9: 12\n",                        /* not YAML */
        "{\"facts\": {\"phq9\": 12}} {\"x\": 1} trailing",  /* not one JSON value */
        "facts: {phq9: 1}\n---\nfacts: {phq9: 2}\n",   /* two documents */
        "",                                           /* no document */
    };
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++) {
        sw_diagnostics_clear(fx->diags);
        refuse(fx, malformed[i]);
        assert_true(sw_diagnostics_malformed(fx->diags));
    }
    sw_diagnostics_clear(fx->diags);
    refuse(fx, "facts: {phq9: 99}\n");                 /* well formed, out of range */
    assert_false(sw_diagnostics_malformed(fx->diags));
    sw_diagnostics_clear(fx->diags);
    sw_facts *f = NULL;
    const char *good = "facts: {phq9: 12}\n";
    assert_int_equal(sw_facts_parse(fx->rules, "client.yaml", good, strlen(good), &f, fx->diags), SW_OK);
    sw_facts_free(f);
    assert_false(sw_diagnostics_malformed(fx->diags));
    assert_false(sw_diagnostics_malformed(NULL));
}

/* ---- setters by handle, and reset ---- */

static void test_setters_by_handle(void **state)
{
    fixture *fx = *state;
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(fx->rules, &f), SW_OK);
    sw_fact_handle phq9 = sw_ruleset_fact(fx->rules, "phq9");
    sw_fact_handle bmi = sw_ruleset_fact(fx->rules, "bmi");
    sw_fact_handle housing = sw_ruleset_fact(fx->rules, "housing");
    sw_fact_handle subs = sw_ruleset_fact(fx->rules, "substances");
    sw_fact_handle injecting = sw_ruleset_fact(fx->rules, "injecting");
    sw_fact_handle note = sw_ruleset_fact(fx->rules, "note");
    assert_non_null(phq9.program);
    const char *members[] = {"alcohol", "opioids"};
    assert_int_equal(sw_facts_set_int_h(f, phq9, 12, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_number_h(f, bmi, 22.5, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_text_h(f, housing, "stable", fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_members_h(f, subs, members, 2, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_bool_h(f, injecting, 1, fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_text_h(f, note, "seen", fx->diags), SW_OK);
    assert_int_equal(sw_diagnostics_count(fx->diags), 0);

    /* the same values set by name give the same canonical text */
    sw_facts *g = NULL;
    assert_int_equal(sw_facts_new(fx->rules, &g), SW_OK);
    assert_int_equal(sw_facts_set_int(g, "phq9", 12, NULL), SW_OK);
    assert_int_equal(sw_facts_set_number(g, "bmi", 22.5, NULL), SW_OK);
    assert_int_equal(sw_facts_set_text(g, "housing", "stable", NULL), SW_OK);
    assert_int_equal(sw_facts_set_members(g, "substances", members, 2, NULL), SW_OK);
    assert_int_equal(sw_facts_set_bool(g, "injecting", 1, NULL), SW_OK);
    assert_int_equal(sw_facts_set_text(g, "note", "seen", NULL), SW_OK);
    sw_buf a = SW_BUF_INIT, b = SW_BUF_INIT;
    sw_facts_canonical(f, &a);
    sw_facts_canonical(g, &b);
    assert_string_equal(a.data, b.data);
    sw_buf_free(&a);
    sw_buf_free(&b);

    /* out of range and wrong type: the same diagnostics as by name */
    assert_int_equal(sw_facts_set_int_h(f, phq9, 28, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_facts_set_int(g, "phq9", 28, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_diagnostics_count(fx->diags), 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(sw_diagnostics_at(fx->diags, i)->code, "F005");
        assert_string_equal(sw_diagnostics_at(fx->diags, i)->field, "facts.phq9");
        assert_string_equal(sw_diagnostics_at(fx->diags, i)->message,
                            "'phq9' must be a whole number from 0 to 27, not 28");
    }
    sw_diagnostics_clear(fx->diags);
    assert_int_equal(sw_facts_set_bool_h(f, phq9, 1, fx->diags), SW_ERR_FACTS);
    assert_int_equal(sw_diagnostics_count(fx->diags), 1);
    assert_string_equal(sw_diagnostics_at(fx->diags, 0)->code, "F004");
    assert_string_equal(sw_diagnostics_at(fx->diags, 0)->field, "facts.phq9");
    sw_diagnostics_clear(fx->diags);
    const char *bad[] = {"alcohol", "tea"};
    assert_int_equal(sw_facts_set_members_h(f, subs, bad, 2, fx->diags), SW_ERR_FACTS);
    assert_string_equal(sw_diagnostics_at(fx->diags, 0)->field, "facts.substances[1]");
    sw_diagnostics_clear(fx->diags);
    /* the failed calls left the values as they were */
    sw_facts_canonical(f, &a);
    assert_non_null(strstr(a.data, "phq9=12\n"));
    sw_buf_free(&a);

    /* unknown and derived names give no handle; a handle for none is refused */
    sw_fact_handle none = sw_ruleset_fact(fx->rules, "phq10");
    assert_null(none.program);
    assert_null(sw_ruleset_fact(fx->rules, "disengagement_risk").program);
    assert_null(sw_ruleset_fact(NULL, "phq9").program);
    assert_int_equal(sw_facts_set_int_h(f, none, 1, fx->diags), SW_ERR_ARG);
    assert_int_equal(sw_facts_set_unknown_h(f, none), SW_ERR_ARG);

    /* a handle of another rule set is refused */
    sw_source_text src = {"facts_test.sw", RULES, sizeof RULES - 1};
    sw_ruleset *other = NULL;
    assert_int_equal(sw_ruleset_load_texts(&src, 1, &other, NULL), SW_OK);
    sw_fact_handle foreign = sw_ruleset_fact(other, "phq9");
    assert_non_null(foreign.program);
    assert_int_equal(sw_facts_set_int_h(f, foreign, 3, fx->diags), SW_ERR_ARG);
    sw_ruleset_free(other);

    /* unknown by handle, then reset: everything unknown again */
    assert_int_equal(sw_facts_set_unknown_h(f, phq9), SW_OK);
    assert_int_equal(sw_facts_set_client(f, "C-1"), SW_OK);
    assert_int_equal(sw_facts_set_assessed_on(f, "2026-11-20", NULL), SW_OK);
    sw_facts_reset(f);
    assert_null(sw_facts_client(f));
    sw_facts_canonical(f, &a);
    assert_string_equal(a.data, ALL_UNKNOWN);
    sw_buf_free(&a);
    /* and it serves the next client */
    assert_int_equal(sw_facts_set_text_h(f, note, "next", fx->diags), SW_OK);
    assert_int_equal(sw_facts_set_int_h(f, phq9, 3, fx->diags), SW_OK);
    sw_facts_reset(f);
    sw_facts_reset(NULL);
    sw_facts_free(f);
    sw_facts_free(g);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup(name, clear_diags)
    const struct CMUnitTest tests[] = {
        T(test_malformed_is_told_apart_from_invalid),
        T(test_stream_read_reuses_facts_with_the_same_results),
        T(test_stream_read_errors_name_field_and_line),
        T(test_stream_read_refuses_facts_of_another_rule_set),
        T(test_reads_every_type),
        T(test_quoted_values_are_text_where_text_is_wanted),
        T(test_numbers_at_the_edges),
        T(test_decimals_are_read_exactly),
        T(test_null_and_absent_are_unknown),
        T(test_empty_list_is_a_known_empty_set),
        T(test_client_line_and_source),
        T(test_json_and_yaml_give_the_same_canonical_text),
        T(test_f001_syntax_error),
        T(test_f001_at_end_of_input_points_at_the_last_line),
        T(test_f001_not_utf8),
        T(test_f002_unknown_top_level_key),
        T(test_f003_unknown_fact),
        T(test_f004_wrong_type),
        T(test_f004_more_shapes),
        T(test_f004_facts_not_a_mapping),
        T(test_f004_blank_json_value),
        T(test_f004_empty_client),
        T(test_f005_out_of_range),
        T(test_f006_not_an_allowed_value),
        T(test_f006_suggests_a_member),
        T(test_f007_duplicates),
        T(test_f008_derived_fact_given),
        T(test_f009_invalid_date),
        T(test_f009_date_range),
        T(test_f010_not_a_mapping),
        T(test_f011_anchors_and_aliases),
        T(test_f012_nesting),
        T(test_f012_too_many_facts),
        T(test_f012_long_text),
        T(test_f012_input_too_large),
        T(test_f013_not_exactly_one_document),
        T(test_reports_every_problem_of_a_document),
        T(test_positions_with_crlf_and_wide_characters),
        T(test_long_values_are_shortened_in_messages),
        T(test_yaml_stream_with_a_bad_document),
        T(test_yaml_stream_goes_on_after_a_syntax_error),
        T(test_bad_bytes_stay_in_their_document),
        T(test_yaml_stream_directives_and_end_markers),
        T(test_json_lines_with_a_bad_object),
        T(test_json_lines_positions_are_in_the_whole_input),
        T(test_json_lines_survive_junk_and_unclosed_objects),
        T(test_empty_stream_has_no_documents),
        T(test_stream_arguments),
        T(test_setters_set_every_type),
        T(test_setters_refuse_bad_values),
        T(test_setters_check_arguments),
        T(test_setter_text_limit),
        T(test_setters_by_handle),
    };
#undef T
    return cmocka_run_group_tests(tests, setup, teardown);
}
