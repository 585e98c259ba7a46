/*
 * test_record.c - decision records (engine/audit/record.c): the fields and their order,
 * the seal, the pseudonym (HMAC-SHA256, checked against libcrypto directly, and
 * never the raw identifier), the embedded result being the `eval --format jsonl`
 * document, version 4 UUIDs, refused options; and replay: identical, a changed
 * result field named by its JSON path, a different rule set refused, altered facts
 * and text that is not a record.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/buf.h"
#include "audit/record.h"
#include "report/report.h"
#include "rules_fixture.h"

#define RULES                                                                  \
    "rule needs_housing \"Housing support\"\n"                                 \
    "when housing in { temporary, rough_sleeping }\n"                          \
    "then recommend housing_support priority high\n"                           \
    "end\n"                                                                    \
    "rule opioids \"Opioids\" when substances contains opioids then risk overdose end\n"

static const char facts_yaml[] =
    "client: NHS-123\n"
    "assessed_on: 2026-11-20\n"
    "facts:\n"
    "  housing: rough_sleeping\n"
    "  phq9: 12\n"
    "  bmi: 22.5\n"
    "  substances: [opioids, crack]\n"
    "  released_on: 2026-10-01\n"
    "  note: \"say \\\"hi\\\"\"\n";

static const unsigned char key[] = "0123456789abcdef0123456789abcdef";

typedef struct fixture {
    sw_ruleset *rules;
    sw_facts *facts;
    sw_result *result;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx || fixture_load(FIXTURE_HEADER RULES, &fx->rules, NULL) != SW_OK ||
        sw_facts_parse(fx->rules, "t.yaml", facts_yaml, strlen(facts_yaml), &fx->facts, NULL) != SW_OK ||
        sw_evaluate(fx->rules, fx->facts, &fx->result) != SW_OK)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!fx)
        return 0;
    sw_result_free(fx->result);
    sw_facts_free(fx->facts);
    sw_ruleset_free(fx->rules);
    free(fx);
    return 0;
}

static char *record(fixture *fx, const sw_record_options *o)
{
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(sw_record_render(fx->rules, fx->facts, fx->result, o, &text, &len), SW_OK);
    assert_int_equal(strlen(text), len);
    assert_int_equal(text[len - 1], '\n');
    assert_null(memchr(text, '\n', len - 1));   /* one line */
    return text;
}

static const sw_record_options fixed = {"dec-1", "2026-11-20T10:30:00Z", key, 32, 1};

static void test_fields(void **state)
{
    fixture *fx = *state;
    char *text = record(fx, &fixed);
    const char *head =
        "{\"format\":\"stagewise-decision-record\",\"format_version\":\"3.0\",\"seq\":null,"
        "\"prev\":null,\"decision_id\":\"dec-1\",\"timestamp\":\"2026-11-20T10:30:00Z\","
        "\"engine_version\":\"" SW_VERSION "\",\"guideline\":\"test_guide\",\"guideline_version\":"
        "\"1.2.3\",\"ruleset_sha256\":\"";
    assert_int_equal(strncmp(text, head, strlen(head)), 0);
    assert_non_null(strstr(text, "\"production\":true,\"input\":{\"client\":\"hmac-sha256:"));
    assert_non_null(strstr(text, ",\"assessed_on\":\"2026-11-20\",\"facts\":{\"bmi\":22.5,"
                                 "\"housing\":\"rough_sleeping\",\"note\":"
                                 "\"say \\\"hi\\\"\",\"phq9\":12,\"released_on\":\"2026-10-01\","
                                 "\"substances\":[\"opioids\",\"crack\"]}},"
                                 "\"outcome\":{\"recommendations\":[["));
    assert_null(strstr(text, "facts_canonical"));
    assert_null(strstr(text, "\"result\":"));
    assert_non_null(strstr(text, "]},\"result_format\":\"" SW_RESULT_FORMAT "\",\"result_sha256\":\""));
    sw_free(text);
}

static void test_seal(void **state)
{
    fixture *fx = *state;
    char *text = record(fx, &fixed);
    size_t len = strlen(text) - 1;
    char hex[65];
    assert_true(sw_record_seal(text, len, hex));
    assert_memory_equal(text + len - 66, hex, 64);
    /* the seal is the SHA-256 of the record without its hash member */
    char *body = strndup(text, len - SW_RECORD_HASH_TAIL + 1);
    body[len - SW_RECORD_HASH_TAIL] = '}';
    unsigned char md[32];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(body, len - SW_RECORD_HASH_TAIL + 1, md, &n, EVP_sha256(), NULL), 1);
    for (unsigned i = 0; i < 32; i++) {
        char two[3];
        snprintf(two, sizeof two, "%02x", md[i]);
        assert_memory_equal(hex + 2 * i, two, 2);
    }
    free(body);
    text[40] ^= 1;   /* any change breaks it */
    assert_true(sw_record_seal(text, len, hex));
    assert_memory_not_equal(text + len - 66, hex, 64);
    assert_false(sw_record_seal("{}", 2, hex));
    sw_free(text);
}

static void test_pseudonym(void **state)
{
    fixture *fx = *state;
    char *text = record(fx, &fixed);
    unsigned char md[32];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key, 32, (const unsigned char *)"NHS-123", 7, md, &n);
    char expect[128] = "\"client\":\"hmac-sha256:";
    for (unsigned i = 0; i < 32; i++)
        snprintf(expect + strlen(expect), 3, "%02x", md[i]);
    strcat(expect, "\"");
    /* the record's client and the input's: twice */
    const char *at = text;
    int count = 0;
    while ((at = strstr(at, expect)) != NULL) {
        count++;
        at++;
    }
    assert_int_equal(count, 2);
    assert_null(strstr(text, "NHS-123"));
    sw_free(text);

    sw_record_options none = {"dec-2", "2026-11-20T10:30:00Z", NULL, 0, 0};
    text = record(fx, &none);
    assert_null(strstr(text, "NHS-123"));
    assert_non_null(strstr(text, ",\"client\":null,\"production\":false,"));
    sw_free(text);
}

static void test_result_digest(void **state)
{
    fixture *fx = *state;
    sw_record_options none = {"dec-3", "2026-11-20T10:30:00Z", NULL, 0, 0};
    char *text = record(fx, &none);
    /* result_sha256 is the digest of `eval --format jsonl` for the facts without a client */
    sw_facts *anon = NULL;
    const char *body = strstr(facts_yaml, "assessed_on");
    assert_int_equal(sw_facts_parse(fx->rules, "t", body, strlen(body), &anon, NULL), SW_OK);
    sw_result *res = NULL;
    assert_int_equal(sw_evaluate(fx->rules, anon, &res), SW_OK);
    sw_buf b = SW_BUF_INIT;
    assert_int_equal(sw_report_render_json(sw_result_report(res), 0, &b), SW_OK);
    b.data[--b.len] = '\0';
    char hex[65], expect[128];
    assert_true(sw_result_digest(b.data, b.len, hex));
    snprintf(expect, sizeof expect, ",\"result_sha256\":\"%s\",\"hash\":", hex);
    assert_non_null(strstr(text, expect));
    sw_buf_free(&b);
    sw_result_free(res);
    sw_facts_free(anon);
    sw_free(text);
}

static void test_result_digest_locations(void **state)
{
    (void)state;
    /* rule locations count by base name; text that only looks like one does not */
    static const char a[] = "{\"r\":{\"at\":\"/srv/rules/x.sw:3\",\"t\":\"\\\"at\\\":\\\"a/b\"}}";
    static const char b[] = "{\"r\":{\"at\":\"x.sw:3\",\"t\":\"\\\"at\\\":\\\"a/b\"}}";
    static const char c[] = "{\"r\":{\"at\":\"x.sw:3\",\"t\":\"\\\"at\\\":\\\"b\"}}";
    static const char d[] = "{\"r\":{\"at\":\"y.sw:3\",\"t\":\"\\\"at\\\":\\\"a/b\"}}";
    char ha[65], hb[65], hc[65], hd[65];
    assert_true(sw_result_digest(a, strlen(a), ha));
    assert_true(sw_result_digest(b, strlen(b), hb));
    assert_true(sw_result_digest(c, strlen(c), hc));
    assert_true(sw_result_digest(d, strlen(d), hd));
    assert_string_equal(ha, hb);
    assert_string_not_equal(hb, hc);
    assert_string_not_equal(hb, hd);
}

static int uuid_v4(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        int hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
        if (shape[i] == 'x' ? !hex : shape[i] == 'y' ? !strchr("89ab", s[i]) : s[i] != shape[i])
            return 0;
    }
    return s[sizeof shape - 1] == '"';
}


static void test_generated_id_and_time(void **state)
{
    fixture *fx = *state;
    char *a = record(fx, NULL), *b = record(fx, NULL);
    const char *ia = strstr(a, "\"decision_id\":\"") + 15, *ib = strstr(b, "\"decision_id\":\"") + 15;
    assert_true(uuid_v4(ia));
    assert_true(uuid_v4(ib));
    assert_memory_not_equal(ia, ib, 36);
    const char *t = strstr(a, "\"timestamp\":\"") + 13;
    assert_int_equal(t[4], '-');
    assert_int_equal(t[10], 'T');
    assert_int_equal(t[19], 'Z');
    assert_int_equal(t[20], '"');
    sw_free(a);
    sw_free(b);
}

static void test_refused_options(void **state)
{
    fixture *fx = *state;
    static const sw_record_options bad[] = {
        {"has space", NULL, NULL, 0, 0},
        {"", NULL, NULL, 0, 0},
        {NULL, "2026-11-20 10:30:00", NULL, 0, 0},
        {NULL, "2026-02-30T10:30:00Z", NULL, 0, 0},
        {NULL, "2026-11-20T24:00:00Z", NULL, 0, 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *text = (char *)1;
        assert_int_equal(sw_record_render(fx->rules, fx->facts, fx->result, &bad[i], &text, NULL),
                         SW_ERR_ARG);
        assert_null(text);
    }
}

/* ---- replay ---- */

static void test_replay_identical(void **state)
{
    fixture *fx = *state;
    char *text = record(fx, &fixed);
    sw_replay *r = NULL;
    assert_int_equal(sw_record_replay(fx->rules, text, strlen(text), &r, NULL), SW_OK);
    const sw_replay_report *rep = sw_replay_get(r);
    assert_int_equal(rep->state, SW_REPLAY_IDENTICAL);
    assert_true(rep->hash_ok);
    assert_string_equal(rep->decision_id, "dec-1");
    assert_string_equal(rep->recorded_engine_version, SW_VERSION);
    assert_int_equal(rep->ndifferences, 0);
    sw_replay_free(r);
    sw_free(text);
}

static void test_replay_differs(void **state)
{
    fixture *fx = *state;
    char *text = record(fx, &fixed);
    char *p = strstr(text, ",\"high\"]");
    assert_non_null(p);
    memcpy(p + 1, "\"low\" ", 6);   /* the outcome's priority "low" + a space */
    sw_replay *r = NULL;
    assert_int_equal(sw_record_replay(fx->rules, text, strlen(text), &r, NULL), SW_OK);
    const sw_replay_report *rep = sw_replay_get(r);
    assert_int_equal(rep->state, SW_REPLAY_DIFFERENT);
    assert_false(rep->hash_ok);
    assert_int_equal(rep->ndifferences, 1);
    assert_string_equal(rep->differences[0].path, ".outcome.recommendations[0][1]");
    assert_string_equal(rep->differences[0].recorded, "\"low\"");
    assert_string_equal(rep->differences[0].replayed, "\"high\"");
    sw_replay_free(r);
    sw_free(text);
}

static void test_replay_other_rules(void **state)
{
    fixture *fx = *state;
    char *text = record(fx, &fixed);
    sw_ruleset *other = NULL;
    assert_int_equal(fixture_load(FIXTURE_HEADER RULES "# changed\n", &other, NULL), SW_OK);
    sw_replay *r = NULL;
    assert_int_equal(sw_record_replay(other, text, strlen(text), &r, NULL), SW_OK);
    const sw_replay_report *rep = sw_replay_get(r);
    assert_int_equal(rep->state, SW_REPLAY_RULES_DIFFER);
    assert_string_equal(rep->recorded_ruleset_sha256, sw_ruleset_describe(fx->rules)->sha256);
    assert_string_equal(rep->ruleset_sha256, sw_ruleset_describe(other)->sha256);
    assert_string_not_equal(rep->ruleset_sha256, rep->recorded_ruleset_sha256);
    sw_replay_free(r);
    sw_ruleset_free(other);
    sw_free(text);
}

static void test_replay_refused(void **state)
{
    fixture *fx = *state;
    char *text = record(fx, &fixed);
    char *p = strstr(text, "\"phq9\":12");
    p[8] = '3';   /* the facts no longer match facts_sha256 */
    sw_diagnostics *d = sw_diagnostics_new();
    sw_replay *r = (sw_replay *)1;
    assert_int_equal(sw_record_replay(fx->rules, text, strlen(text), &r, d), SW_ERR_FACTS);
    assert_null(r);
    assert_string_equal(sw_diagnostics_at(d, 0)->code, "A011");
    sw_diagnostics_clear(d);
    static const char *const junk[] = {"not json at all", "{\"format\":\"other\"}", "[1,2]"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(sw_record_replay(fx->rules, junk[i], strlen(junk[i]), &r, d), SW_ERR_FACTS);
        assert_string_equal(sw_diagnostics_at(d, i)->code, "A010");
    }
    sw_diagnostics_free(d);
    sw_free(text);
}

/* A record 100,000 levels deep (in its result, in flow style and in JSON): refused at
 * the 65th level, before libyaml's loader, which recurses, builds anything. */
static void test_replay_too_deep(void **state)
{
    fixture *fx = *state;
    sw_buf b = SW_BUF_INIT;
    sw_buf_puts(&b, "{\"format\":\"" SW_RECORD_FORMAT_NAME "\",\"result\":");
    size_t at = b.len;
    sw_buf_repeat(&b, '[', 100000);
    sw_buf_repeat(&b, ']', 100000);
    sw_buf_puts(&b, "}\n");
    assert_false(sw_buf_failed(&b));
    sw_diagnostics *d = sw_diagnostics_new();
    sw_replay *r = (sw_replay *)1;
    assert_int_equal(sw_record_replay(fx->rules, b.data, b.len, &r, d), SW_ERR_FACTS);
    assert_null(r);
    assert_int_equal(sw_diagnostics_count(d), 1);
    assert_string_equal(sw_diagnostics_at(d, 0)->code, "A010");
    char want[160];
    /* the root object is level 1; the 64th bracket is level 65 */
    snprintf(want, sizeof want,
             "not a decision record: lists and objects are nested more than 64 levels deep "
             "(at byte %zu)", at + 63 + 1);
    assert_string_equal(sw_diagnostics_at(d, 0)->message, want);
    sw_diagnostics_free(d);
    sw_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_seal),
        cmocka_unit_test(test_pseudonym),
        cmocka_unit_test(test_result_digest),
        cmocka_unit_test(test_result_digest_locations),
        cmocka_unit_test(test_generated_id_and_time),
        cmocka_unit_test(test_refused_options),
        cmocka_unit_test(test_replay_identical),
        cmocka_unit_test(test_replay_differs),
        cmocka_unit_test(test_replay_other_rules),
        cmocka_unit_test(test_replay_refused),
        cmocka_unit_test(test_replay_too_deep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
