/*
 * test_cards.c - the service's CDS Hooks cards and discovery document, its JSON
 * writer and its strict JSON reader (service/serve_cards.c, sw_json.c,
 * serve_jread.c; compiled in here, since the command's sources are not a library).
 *
 * Card uuids are checked against values computed independently (Python's
 * uuid.uuid5 with the same namespace and name), summaries against the 140
 * character limit, and the cards of a client of tests/golden/rules/risk.sw word
 * for word.
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

#include "rules_fixture.h"
#include "serve_cards.h"
#include "util/json.h"
#include "util/jsonread.h"


/* ---- helpers ---- */

static char *read_source(const char *relative, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SW_SOURCE_DIR, relative);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *text = malloc(1 << 20);
    assert_non_null(text);
    *len = fread(text, 1, (1 << 20) - 1, f);
    text[*len] = '\0';
    fclose(f);
    return text;
}

/* The golden "risk" rule set, loaded under the name "risk.sw". */
static sw_ruleset *risk_rules(void)
{
    size_t len;
    char *text = read_source("tests/golden/rules/risk.sw", &len);
    sw_source_text src = {"risk.sw", text, len};
    sw_ruleset *rules = NULL;
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_ruleset_load_texts(&src, 1, &rules, d), SW_OK);
    sw_diagnostics_free(d);
    free(text);
    return rules;
}

static sw_result *evaluate_json(const sw_ruleset *rules, const char *doc, sw_facts **facts)
{
    sw_result *result = NULL;
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_facts_parse(rules, "test", doc, strlen(doc), facts, d), SW_OK);
    assert_int_equal(sw_evaluate(rules, *facts, &result), SW_OK);
    sw_diagnostics_free(d);
    return result;
}

static const sw_jnode *nth(const sw_jnode *array, size_t n)
{
    const sw_jnode *e = array != NULL ? array->first : NULL;
    while (e != NULL && n-- > 0)
        e = e->next;
    return e;
}

static size_t count(const sw_jnode *array)
{
    size_t n = 0;
    for (const sw_jnode *e = array->first; e != NULL; e = e->next)
        n++;
    return n;
}

static size_t characters(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *R001 =
    "{\"assessed_on\": \"2026-11-20\", \"facts\": {\"phq9_item9\": 1, \"audit\": 8,"
    " \"substances\": [\"opioids\", \"benzodiazepines\"],"
    " \"released_from_prison_on\": \"2026-11-02\"}}";

/* ---- uuids and summaries ---- */

static void test_uuid_is_name_based(void **state)
{
    (void)state;
    char a64[65], b64[65], u1[37], u2[37], u3[37], u4[37];
    memset(a64, 'a', 64);
    memset(b64, 'b', 64);
    a64[64] = b64[64] = '\0';
    sw_provenance prov = {0};
    prov.ruleset_sha256 = a64;
    prov.facts_sha256 = b64;

    assert_int_equal(serve_card_uuid("hook-1", &prov, "risk", "suicide", u1), 0);
    assert_string_equal(u1, "814e7ef0-f7f3-54d3-b54f-e73468ac59cf");
    assert_int_equal(serve_card_uuid("hook-1", &prov, "data-gaps", NULL, u2), 0);
    assert_string_equal(u2, "403ef0c0-6671-5543-9ad5-8c16fd9dc1d9");
    assert_int_equal(serve_card_uuid("hook-2", &prov, "risk", "suicide", u3), 0);
    assert_int_equal(serve_card_uuid("hook-1", &prov, "risk", "overdose", u4), 0);
    assert_string_not_equal(u1, u3);
    assert_string_not_equal(u1, u4);
}

static void test_summary_fits(void **state)
{
    (void)state;
    sw_buf b = {0};
    for (int i = 0; i < 200; i++)
        sw_buf_puts(&b, "a");
    serve_cards_fit_summary(&b);
    assert_int_equal(characters(b.data), 139);
    assert_int_equal(b.len, 138 + 3);
    assert_string_equal(b.data + 138, "\xE2\x80\xA6");
    sw_buf_free(&b);

    for (int i = 0; i < 139; i++) /* exactly at the limit: kept */
        sw_buf_puts(&b, "b");
    serve_cards_fit_summary(&b);
    assert_int_equal(b.len, 139);
    sw_buf_free(&b);

    for (int i = 0; i < 150; i++) /* two bytes a character: cut between characters */
        sw_buf_puts(&b, "\xC3\xA9");
    serve_cards_fit_summary(&b);
    assert_int_equal(characters(b.data), 139);
    assert_int_equal(b.len, 138 * 2 + 3);
    sw_buf_free(&b);
}

/* ---- the cards of one client ---- */

static const char *expected_suicide_detail =
    "**Suicide or self-harm** (risk, severity critical)\n"
    "\n"
    "Guidance: Kroenke K, Spitzer RL, Williams JB. The PHQ-9. J Gen Intern Med "
    "2001;16:606-613: \xE2\x80\x9Citem 9\xE2\x80\x9D\n"
    "\n"
    "Why:\n"
    "\n"
    "- **Any thoughts of self-harm need a same-day risk assessment** (rule "
    "`self_harm_thoughts`, risk.sw:31)\n"
    "  - Facts: PHQ-9 item 9: thoughts of self-harm = 1\n"
    "  - Cites: Kroenke K, Spitzer RL, Williams JB. The PHQ-9. J Gen Intern Med "
    "2001;16:606-613: \xE2\x80\x9Citem 9\xE2\x80\x9D\n";

static void test_cards_of_a_client(void **state)
{
    (void)state;
    /* one card per critical risk, today's actions, the questions: no stage card,
     * since the rule set has no move rules */
    static const char *const summaries[] = {
        "Risk (critical): Overdose",
        "Risk (critical): Suicide or self-harm",
        "Today: Take-home naloxone; Same-day risk assessment",
        "Ask about: Alcohol units per week",
    };
    static const char *const indicators[] = {"critical", "critical", "critical", "info"};
    sw_ruleset *rules = risk_rules();
    sw_facts *facts = NULL;
    sw_result *result = evaluate_json(rules, R001, &facts);
    const sw_report *rep = sw_result_report(result);
    sw_buf out = {0};
    assert_int_equal(serve_cards_render(rep, "hook-1", "http://cds.example/v1/decisions/d-1", &out), 0);

    sw_jdoc doc;
    assert_int_equal(sw_jdoc_parse(&doc, out.data, out.len), 0);
    const sw_jnode *cards = sw_jget(doc.root, "cards");
    assert_int_equal(count(cards), 4);
    for (size_t i = 0; i < 4; i++) {
        const sw_jnode *one = nth(cards, i);
        assert_string_equal(sw_jstr(sw_jget(one, "summary")), summaries[i]);
        assert_string_equal(sw_jstr(sw_jget(one, "indicator")), indicators[i]);
        assert_int_equal(count(sw_jget(one, "overrideReasons")), 4);
        /* every card links to the explanation of the decision */
        const sw_jnode *links = sw_jget(one, "links");
        assert_int_equal(count(links), 1);
        assert_string_equal(sw_jstr(sw_jget(nth(links, 0), "url")),
                            "http://cds.example/v1/decisions/d-1");
        assert_string_equal(sw_jstr(sw_jget(nth(links, 0), "type")), "absolute");
        /* only today's actions can be taken */
        assert_true((sw_jget(one, "suggestions") != NULL) == (i == 2));
    }

    /* today's actions: one suggestion each, a Task proposal, urgent recommended */
    const sw_jnode *today = nth(cards, 2);
    assert_string_equal(sw_jstr(sw_jget(today, "selectionBehavior")), "any");
    const sw_jnode *suggestions = sw_jget(today, "suggestions");
    assert_int_equal(count(suggestions), 2);
    const sw_jnode *naloxone = nth(suggestions, 0);
    char suggestion_uuid[37];
    assert_int_equal(serve_card_uuid("hook-1", &rep->provenance, "suggestion", "naloxone",
                                     suggestion_uuid), 0);
    assert_string_equal(sw_jstr(sw_jget(naloxone, "uuid")), suggestion_uuid);
    assert_string_equal(sw_jstr(sw_jget(naloxone, "label")), "Take-home naloxone");
    assert_int_equal(sw_jget(naloxone, "isRecommended")->boolean, 1);
    const sw_jnode *action = nth(sw_jget(naloxone, "actions"), 0);
    assert_string_equal(sw_jstr(sw_jget(action, "type")), "create");
    const sw_jnode *task = sw_jget(action, "resource");
    assert_string_equal(sw_jstr(sw_jget(task, "resourceType")), "Task");
    assert_string_equal(sw_jstr(sw_jget(task, "intent")), "proposal");
    assert_string_equal(sw_jstr(sw_jget(nth(sw_jget(sw_jget(task, "code"), "coding"), 0), "code")),
                        "naloxone");

    const sw_jnode *overdose = nth(cards, 0);
    char uuid[37];
    assert_int_equal(serve_card_uuid("hook-1", &rep->provenance, "risk", "overdose", uuid), 0);
    assert_string_equal(sw_jstr(sw_jget(overdose, "uuid")), uuid);
    const sw_jnode *source = sw_jget(overdose, "source");
    assert_string_equal(sw_jstr(sw_jget(source, "label")),
                        "Golden tests: risk screening 0.3.1, citing NTA");
    const sw_jnode *topic = sw_jget(source, "topic");
    assert_string_equal(sw_jstr(sw_jget(topic, "system")), "urn:stagewise:golden_risk:risk");
    assert_string_equal(sw_jstr(sw_jget(topic, "code")), "overdose");
    const sw_jnode *ext = sw_jget(sw_jget(overdose, "extension"), "org.stagewise");
    assert_string_equal(sw_jstr(nth(sw_jget(ext, "rules"), 0)), "after_prison");
    assert_string_equal(sw_jstr(nth(sw_jget(ext, "rules"), 1)), "depressant_mix");

    assert_string_equal(sw_jstr(sw_jget(nth(cards, 1), "detail")), expected_suicide_detail);
    const sw_jnode *top = sw_jget(sw_jget(doc.root, "extension"), "org.stagewise");
    assert_string_equal(sw_jstr(sw_jget(top, "facts_sha256")), rep->provenance.facts_sha256);
    assert_int_equal(sw_jget(top, "client")->type, SW_JNULL);

    /* The same request gives the same cards, byte for byte. */
    sw_buf again = {0};
    assert_int_equal(serve_cards_render(rep, "hook-1", "http://cds.example/v1/decisions/d-1", &again), 0);
    assert_string_equal(again.data, out.data);

    sw_buf_free(&again);
    sw_jdoc_free(&doc);
    sw_buf_free(&out);
    sw_result_free(result);
    sw_facts_free(facts);
    sw_ruleset_free(rules);
}

static void test_no_cards(void **state)
{
    (void)state;
    sw_ruleset *rules = risk_rules();
    sw_facts *facts = NULL;
    sw_result *result = evaluate_json(
        rules,
        "{\"assessed_on\": \"2026-11-20\", \"facts\": {\"phq9_item9\": 0, \"audit\": 3, "
        "\"units_per_week\": 2.0, \"substances\": [], \"released_from_prison_on\": "
        "\"2020-01-01\"}}",
        &facts);
    sw_buf out = {0};
    assert_int_equal(serve_cards_render(sw_result_report(result), "h", NULL, &out), 0);
    assert_true(strncmp(out.data, "{\n  \"cards\": [],\n  \"extension\": {\n", 34) == 0);
    sw_buf_free(&out);
    sw_result_free(result);
    sw_facts_free(facts);
    sw_ruleset_free(rules);
}

static void test_markdown_is_escaped(void **state)
{
    (void)state;
    const char *text = FIXTURE_HEADER
        "rule odd \"Odd *title* with _marks_\"\n"
        "when phq9 >= 1\n"
        "then risk suicide because \"see [link](x) <b> `code` | #1\"\n"
        "end\n";
    sw_ruleset *rules = NULL;
    char *rendered = NULL;
    assert_int_equal(fixture_load(text, &rules, &rendered), SW_OK);
    sw_free(rendered);
    sw_facts *facts = NULL;
    sw_result *result = evaluate_json(rules, "{\"facts\": {\"phq9\": 4}}", &facts);
    sw_buf out = {0};
    assert_int_equal(serve_cards_render(sw_result_report(result), "h", NULL, &out), 0);
    sw_jdoc doc;
    assert_int_equal(sw_jdoc_parse(&doc, out.data, out.len), 0);
    const char *detail = sw_jstr(sw_jget(nth(sw_jget(doc.root, "cards"), 0), "detail"));
    assert_non_null(strstr(detail, "- **Odd \\*title\\* with \\_marks\\_** (rule `odd`, "
                                   "test.sw:"));
    assert_non_null(strstr(detail, ": see \\[link\\](x) \\<b\\> \\`code\\` \\| \\#1\n"));
    sw_jdoc_free(&doc);
    sw_buf_free(&out);
    sw_result_free(result);
    sw_facts_free(facts);
    sw_ruleset_free(rules);
}

/* A stage verdict that is not decided says so in the card's summary; with no
 * decision logged, cards carry no links; a link base may end in '/'. */
static void test_stage_card_says_not_decided(void **state)
{
    (void)state;
    const char *text = FIXTURE_HEADER
        "rule back \"Back to engagement\"\n"
        "when stage is persuasion and housing is rough_sleeping\n"
        "then move engagement because \"Meet immediate needs first\"\n"
        "end\n"
        "rule hold \"Hold\"\n"
        "when stage is persuasion and phq9 < 10\n"
        "then move persuasion\n"
        "end\n"
        "rule maybe_back \"Maybe back\"\n"
        "when stage is persuasion and injecting\n"
        "then move engagement\n"
        "end\n";
    sw_ruleset *rules = NULL;
    char *rendered = NULL;
    assert_int_equal(fixture_load(text, &rules, &rendered), SW_OK);
    sw_free(rendered);
    static const struct {
        const char *facts, *summary, *indicator;
    } cases[] = {
        {"{\"facts\": {\"stage\": \"persuasion\", \"housing\": \"rough_sleeping\", \"phq9\": 4, "
         "\"injecting\": false}}",
         "Stage: move back from persuasion to engagement \xE2\x80\x94 NOT DECIDED (conflicting)",
         "warning"},
        {"{\"facts\": {\"stage\": \"persuasion\", \"housing\": \"stable\", \"phq9\": 4}}",
         "Stage: stay in persuasion \xE2\x80\x94 NOT DECIDED (provisional)", "warning"},
        {"{\"facts\": {\"stage\": \"persuasion\", \"housing\": \"stable\", \"phq9\": 4, "
         "\"injecting\": false}}",
         "Stage: stay in persuasion", "info"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sw_facts *facts = NULL;
        sw_result *result = evaluate_json(rules, cases[i].facts, &facts);
        sw_buf out = {0};
        assert_int_equal(serve_cards_render(sw_result_report(result), "h", NULL, &out), 0);
        sw_jdoc doc;
        assert_int_equal(sw_jdoc_parse(&doc, out.data, out.len), 0);
        const sw_jnode *cards = sw_jget(doc.root, "cards");
        const sw_jnode *stage = NULL;
        for (size_t k = 0; k < count(cards); k++) {
            const sw_jnode *ext = sw_jget(sw_jget(nth(cards, k), "extension"), "org.stagewise");
            if (strcmp(sw_jstr(sw_jget(ext, "kind")), "stage") == 0)
                stage = nth(cards, k);
            assert_null(sw_jget(nth(cards, k), "links"));
        }
        assert_non_null(stage);
        assert_string_equal(sw_jstr(sw_jget(stage, "summary")), cases[i].summary);
        assert_string_equal(sw_jstr(sw_jget(stage, "indicator")), cases[i].indicator);
        sw_jdoc_free(&doc);
        sw_buf_free(&out);
        sw_result_free(result);
        sw_facts_free(facts);
    }
    sw_ruleset_free(rules);

    sw_buf link = {0};
    assert_int_equal(serve_cards_link("https://cds.example/base/", "abc", &link), 0);
    assert_string_equal(link.data, "https://cds.example/base/ui/#decision/abc");
    sw_buf_free(&link);
    assert_int_equal(serve_cards_link("https://cds.example", "", &link), 0);
    assert_int_equal(serve_cards_link(NULL, "abc", &link), 0);
    assert_int_equal(link.len, 0);
}

static void test_discovery(void **state)
{
    (void)state;
    sw_ruleset *rules = risk_rules();
    sw_buf out = {0};
    assert_int_equal(serve_cards_discovery(rules, sw_ruleset_describe(rules), &out), 0);
    assert_string_equal(
        out.data,
        "{\n"
        "  \"services\": [\n"
        "    {\n"
        "      \"hook\": \"patient-view\",\n"
        "      \"id\": \"golden_risk\",\n"
        "      \"title\": \"Golden tests: risk screening\",\n"
        "      \"description\": \"Stagewise: Golden tests: risk screening 0.3.1. Send the FHIR "
        "resources the prefetch templates ask for, or the client document (client, assessed_on, "
        "facts) in prefetch.stagewise or context.stagewise; the cards give each critical risk, "
        "the warnings, today's actions, the stage and the questions to ask.\",\n"
        "      \"prefetch\": {},\n"
        "      \"usageRequirements\": \"The CDS client sends the prefetch results (searchset "
        "Bundles), or the Stagewise client document in prefetch.stagewise or context.stagewise; "
        "see docs/integration.md.\"\n"
        "    }\n"
        "  ]\n"
        "}\n");
    sw_buf_free(&out);
    sw_ruleset_free(rules);
    /* a rule set with fhir mappings publishes their searches as prefetch templates */
    static const char mapped[] =
        "guideline g \"G\" version \"1.0.0\"\n"
        "facts { phq9: int 0..27 \"PHQ-9\"  item9: int 0..1 \"Item 9 answered\" }\n"
        "fhir phq9: Observation \"http://loinc.org|44261-6\" value number\n"
        "fhir item9: QuestionnaireResponse \"http://q/phq9\" item \"9\" value number\n";
    sw_source_text src = {"m.sw", mapped, sizeof mapped - 1};
    sw_ruleset *m = NULL;
    assert_int_equal(sw_ruleset_load_texts(&src, 1, &m, NULL), SW_OK);
    sw_buf b = {0};
    assert_int_equal(serve_cards_discovery(m, sw_ruleset_describe(m), &b), 0);
    assert_non_null(strstr(b.data,
        "      \"prefetch\": {\n"
        "        \"observations\": \"Observation?patient={{context.patientId}}&code=http://loinc.org|44261-6\",\n"
        "        \"questionnaireResponses\": \"QuestionnaireResponse?patient={{context.patientId}}&questionnaire=http://q/phq9\"\n"
        "      },\n"));
    sw_buf_free(&b);
    sw_ruleset_free(m);
}

/* ---- the JSON writer ---- */

static void test_writer_layout_and_escapes(void **state)
{
    (void)state;
    sw_buf b = {0};
    sw_json w;
    sw_json_init(&w, &b, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "s");
    sw_json_string(&w, "q\" b\\ n\n c\x01 ls\xE2\x80\xA8 bad\xFF\xC3 ok\xC3\xA9");
    sw_json_key(&w, "n");
    sw_json_int(&w, -3);
    sw_json_key(&w, "t");
    sw_json_bool(&w, 1);
    sw_json_key(&w, "z");
    sw_json_string(&w, NULL);
    sw_json_key(&w, "e");
    sw_json_begin_array(&w);
    sw_json_end_array(&w);
    sw_json_key(&w, "l");
    sw_json_begin_array(&w);
    sw_json_int(&w, 1);
    sw_json_begin_object(&w);
    sw_json_end_object(&w);
    sw_json_end_array(&w);
    sw_json_end_object(&w);
    assert_int_equal(sw_json_end_line(&w), 0);
    assert_string_equal(b.data, "{\n"
                                "  \"s\": \"q\\\" b\\\\ n\\n c\\u0001 ls\\u2028 bad\\ufffd\\ufffd "
                                "ok\xC3\xA9\",\n"
                                "  \"n\": -3,\n"
                                "  \"t\": true,\n"
                                "  \"z\": null,\n"
                                "  \"e\": [],\n"
                                "  \"l\": [\n"
                                "    1,\n"
                                "    {}\n"
                                "  ]\n"
                                "}\n");
    sw_buf_free(&b);

    sw_json_init(&w, &b, 0);
    sw_json_begin_object(&w);
    sw_json_key(&w, "a");
    sw_json_begin_array(&w);
    sw_json_int(&w, 1);
    sw_json_int(&w, 2);
    sw_json_end_array(&w);
    sw_json_end_object(&w);
    assert_int_equal(sw_json_end_line(&w), 0);
    assert_string_equal(b.data, "{\"a\":[1,2]}\n");
    sw_buf_free(&b);
}

static void test_writer_misuse(void **state)
{
    (void)state;
    sw_buf b = {0};
    sw_json w;
    sw_json_init(&w, &b, 1);
    sw_json_begin_object(&w);
    sw_json_int(&w, 1); /* a value where a key is due */
    sw_json_end_object(&w);
    assert_int_equal(sw_json_end_line(&w), -1);
    sw_buf_free(&b);

    sw_json_init(&w, &b, 1);
    sw_json_begin_array(&w); /* never closed */
    assert_int_equal(sw_json_end_line(&w), -1);
    sw_buf_free(&b);
}

/* ---- the JSON reader ---- */

static void test_reader_values_and_spans(void **state)
{
    (void)state;
    const char *text = " {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"],"
                       " \"b\": {\"c\": \"\\u0000\"}} ";
    sw_jdoc doc;
    assert_int_equal(sw_jdoc_parse(&doc, text, strlen(text)), 0);
    assert_int_equal(doc.root->start, 1);
    assert_int_equal(doc.root->end, strlen(text) - 1);
    const sw_jnode *a = sw_jget(doc.root, "a");
    assert_int_equal(a->type, SW_JARRAY);
    assert_int_equal(count(a), 6);
    assert_string_equal(nth(a, 1)->text, "-2.5e3");
    assert_int_equal(nth(a, 2)->type, SW_JBOOL);
    assert_int_equal(nth(a, 2)->boolean, 1);
    assert_int_equal(nth(a, 3)->boolean, 0);
    assert_int_equal(nth(a, 4)->type, SW_JNULL);
    assert_string_equal(sw_jstr(nth(a, 5)), "x\xC3\xA9\xF0\x9F\x98\x80\n");
    assert_memory_equal(text + a->start, "[1,", 3);
    const sw_jnode *c = sw_jget(sw_jget(doc.root, "b"), "c");
    assert_int_equal(c->text_len, 1);
    assert_null(sw_jstr(c)); /* holds a NUL: not a C string */
    assert_null(sw_jget(doc.root, "missing"));
    sw_jdoc_free(&doc);
}

static void expect_error(const char *text, size_t len, const char *message)
{
    sw_jdoc doc;
    assert_int_equal(sw_jdoc_parse(&doc, text, len), -1);
    assert_null(doc.root);
    assert_string_equal(doc.error, message);
    sw_jdoc_free(&doc);
}

static void test_reader_errors(void **state)
{
    (void)state;
#define ERR(text, message) expect_error(text, sizeof text - 1, message)
    ERR("{\"a\": 1, \"a\": 2}", "line 1, column 15: duplicate member name 'a'");
    ERR("{\"b\":1,\"a\":2,\"b\":3}", "line 1, column 18: duplicate member name 'b'");
    ERR("[\"\\ud800\"]", "line 1, column 5: found invalid Unicode character escape code");
    ERR("[\"\\udc00\"]", "line 1, column 5: found invalid Unicode character escape code");
    /* an escaped backslash is not the start of a surrogate pair */
    ERR("[\"\\\\ud83d\\ude00\"]", "line 1, column 12: found invalid Unicode character escape code");
    ERR("\"\xFF\"", "line 1, column 1: invalid leading UTF-8 octet");
    ERR("{'a': 1}", "line 1, column 2: expected a member name in double quotes");
    ERR("{a: 1}", "line 1, column 2: expected a member name in double quotes");
    ERR("[01]", "line 1, column 2: expected a JSON value, found unquoted text '01'");
    ERR("[nan]", "line 1, column 2: expected a JSON value, found unquoted text 'nan'");
    ERR("[1.]", "line 1, column 2: expected a JSON value, found unquoted text '1.'");
    ERR("{\"a\": 1} x", "line 1, column 10: did not find expected <document start>");
    ERR("{\"a\": 1}\n---\n[2]", "line 2, column 1: unexpected text after the JSON value");
    ERR("\n\n  [1,\n 2", "line 5, column 1: did not find expected ',' or ']'");
    ERR("\"a\tb\"", "line 1, column 1: control character in a string (escape it)");
    ERR("{\"a\" 1}", "line 1, column 6: expected a value");
    ERR("[\"\\x\"]", "line 1, column 5: did not find expected hexdecimal number");
    ERR("", "line 1, column 1: expected a value, found the end of the text");
    ERR("\"\xC3\xA9\" x", "line 1, column 5: did not find expected <document start>");
    ERR("&x [1]", "line 1, column 1: an anchor ('&') is not JSON");
    ERR("!!str \"a\"", "line 1, column 1: a tag ('!') is not JSON");
    ERR("[1, *x]", "line 1, column 5: an alias ('*') is not JSON");
    ERR("- 1", "line 1, column 1: expected a JSON value, found YAML block style");
    ERR("--- [1]", "line 1, column 1: a YAML document marker is not JSON");
#undef ERR
    char deep[70];
    memset(deep, '[', sizeof deep);
    expect_error(deep, sizeof deep, "line 1, column 65: nested more than 64 levels deep");
    char wide[64 * 2 + 1];
    for (int i = 0; i < 64; i++)
        memcpy(wide + 2 * i, "[]", 2);
    wide[128] = '\0';
    expect_error(wide, 128, "line 1, column 3: did not find expected <document start>");
}

/* 100,000 levels, of arrays and of objects, whole and balanced: refused at the 65th
 * level, where the limit is crossed, without reading further (the test's CTest
 * timeout would catch a reader that went on: libyaml's flow scanner is quadratic
 * in the depth). */
static void test_reader_deep(void **state)
{
    (void)state;
    enum { DEEP = 100000 };
    size_t len = 2 * DEEP + 8;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, '[', DEEP);
    memset(text + DEEP, ']', DEEP);
    expect_error(text, 2 * DEEP, "line 1, column 65: nested more than 64 levels deep");
    size_t n = 0;
    for (int i = 0; i < DEEP / 8; i++) {
        memcpy(text + n, "{\"a\": ", 6);
        n += 6;
    }
    memcpy(text + n, "1", 1);
    n++;
    memset(text + n, '}', DEEP / 8);
    n += DEEP / 8;
    expect_error(text, n, "line 1, column 385: nested more than 64 levels deep");
    free(text);
}

/* What libyaml lets through beyond RFC 8259 (docs/integration.md says so): a
 * comment and a trailing comma. Neither changes a value. */
static void test_reader_yaml_leniency(void **state)
{
    (void)state;
    sw_jdoc doc;
    const char *text = "{\"a\": [1, 2,], \"b\": 3} # note";
    assert_int_equal(sw_jdoc_parse(&doc, text, strlen(text)), 0);
    assert_int_equal(count(sw_jget(doc.root, "a")), 2);
    assert_string_equal(sw_jget(doc.root, "b")->text, "3");
    sw_jdoc_free(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid_is_name_based),
        cmocka_unit_test(test_summary_fits),
        cmocka_unit_test(test_cards_of_a_client),
        cmocka_unit_test(test_no_cards),
        cmocka_unit_test(test_markdown_is_escaped),
        cmocka_unit_test(test_stage_card_says_not_decided),
        cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_writer_layout_and_escapes),
        cmocka_unit_test(test_writer_misuse),
        cmocka_unit_test(test_reader_values_and_spans),
        cmocka_unit_test(test_reader_errors),
        cmocka_unit_test(test_reader_deep),
        cmocka_unit_test(test_reader_yaml_leniency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
