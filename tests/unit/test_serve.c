/*
 * test_serve.c - the service's parts that need no network: the reference-counted
 * rule set holder and hot reload (also under concurrent use), CDS Hooks feedback
 * checking and recording, and the bearer-token file (service/serve_rules.c,
 * serve_feedback.c, serve_auth.c; linked from the service library).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "stagewise.h"
#include "serve_auth.h"
#include "serve_feedback.h"
#include "serve_rules.h"
#include "util/json.h"
#include "util/jsonread.h"


/* ---- helpers ---- */

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/stagewise-test-serve.XXXXXX");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char command[400];
    snprintf(command, sizeof command, "rm -rf '%s'", tmpdir);
    return system(command) == 0 ? 0 : -1;
}

static void path_in_tmp(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *text = calloc(1, 65536);
    assert_non_null(text);
    size_t n = fread(text, 1, 65535, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* A small rule set of the given version; broken adds a rule with an unknown fact. */
static void write_rules(const char *path, const char *version, int broken)
{
    char text[2048];
    snprintf(text, sizeof text,
             "guideline reload_test \"Reload test\" version \"%s\"\n"
             "source S \"A source\"\n"
             "stage engagement \"Engagement\"\n"
             "stage persuasion \"Persuasion\"\n"
             "order engagement -> persuasion\n"
             "facts {\n  phq9: int 0..27 \"PHQ-9 total\"\n}\n"
             "risk depression \"Depression\" severity warning\n"
             "rule low_mood \"Moderate depression\" cites S\n"
             "when phq9 >= 10\nthen risk depression\nend\n%s",
             version,
             broken ? "rule broken \"Broken\" cites S\nwhen phq10 >= 1\nthen risk depression\nend\n"
                    : "");
    write_file(path, text, 0644);
}

static serve_rules *open_holder(const char *path)
{
    const char *paths[] = {path};
    sw_ruleset *rules = NULL;
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_ruleset_load_files(paths, 1, &rules, d), SW_OK);
    sw_diagnostics_free(d);
    serve_rules *holder = NULL;
    assert_int_equal(serve_rules_open(paths, 1, rules, &holder), 0);
    return holder;
}

/* Evaluates phq9 = 12 with the snapshot's rules; returns how many risks fired. */
static size_t risks_for(const serve_snapshot *snap)
{
    sw_facts *facts = NULL;
    sw_result *result = NULL;
    assert_int_equal(sw_facts_new(snap->rules, &facts), SW_OK);
    assert_int_equal(sw_facts_set_int(facts, "phq9", 12, NULL), SW_OK);
    assert_int_equal(sw_evaluate(snap->rules, facts, &result), SW_OK);
    size_t n = sw_result_report(result)->nrisks;
    sw_result_free(result);
    sw_facts_free(facts);
    return n;
}

/* ---- the holder and reload ---- */

static void test_reload_swaps_and_keeps_old_in_flight(void **state)
{
    (void)state;
    char path[300];
    path_in_tmp(path, sizeof path, "rules.sw");
    write_rules(path, "1.0.0", 0);
    serve_rules *holder = open_holder(path);

    serve_snapshot *first = serve_rules_acquire(holder);
    assert_int_equal(first->generation, 1);
    assert_string_equal(first->info->version, "1.0.0");

    write_rules(path, "1.1.0", 0);
    serve_load load;
    assert_int_equal(serve_rules_reload(holder, &load), 0);
    assert_int_equal(load.status, SW_OK);
    sw_diagnostics_free(load.diags);

    serve_snapshot *second = serve_rules_acquire(holder);
    assert_ptr_not_equal(second, first);
    assert_int_equal(second->generation, 2);
    assert_string_equal(second->info->version, "1.1.0");
    /* The request that took the first rule set still evaluates with it. */
    assert_string_equal(first->info->version, "1.0.0");
    assert_int_equal(risks_for(first), 1);
    serve_rules_release(holder, first); /* its last reference: freed here */

    write_rules(path, "1.2.0", 1);
    assert_int_equal(serve_rules_reload(holder, &load), 0);
    assert_int_equal(load.status, SW_ERR_RULES);
    assert_int_equal(sw_diagnostics_error_count(load.diags), 1);
    assert_string_equal(sw_diagnostics_at(load.diags, 0)->code, "E101");
    sw_diagnostics_free(load.diags);

    serve_snapshot *third = serve_rules_acquire(holder);
    assert_ptr_equal(third, second); /* the bad rules were refused */
    assert_int_equal(third->generation, 2);
    serve_rules_release(holder, third);
    serve_rules_release(holder, second);
    serve_rules_close(holder);
}

static void test_reload_of_missing_rules_is_refused(void **state)
{
    (void)state;
    char path[300];
    path_in_tmp(path, sizeof path, "gone.sw");
    write_rules(path, "1.0.0", 0);
    serve_rules *holder = open_holder(path);
    assert_int_equal(unlink(path), 0);
    serve_load load;
    assert_int_equal(serve_rules_reload(holder, &load), 0);
    assert_int_equal(load.status, SW_ERR_IO);
    sw_diagnostics_free(load.diags);
    serve_snapshot *snap = serve_rules_acquire(holder);
    assert_int_equal(snap->generation, 1);
    serve_rules_release(holder, snap);
    serve_rules_close(holder);
}

typedef struct hammer {
    serve_rules *holder;
    int stop;
    pthread_mutex_t lock;
    unsigned long evaluations, wrong;
} hammer;

static int hammer_stopped(hammer *h)
{
    pthread_mutex_lock(&h->lock);
    int stop = h->stop;
    pthread_mutex_unlock(&h->lock);
    return stop;
}

static void *hammer_thread(void *arg)
{
    hammer *h = arg;
    unsigned long n = 0, wrong = 0;
    while (!hammer_stopped(h)) {
        serve_snapshot *snap = serve_rules_acquire(h->holder);
        wrong += risks_for(snap) != 1;
        serve_rules_release(h->holder, snap);
        n++;
    }
    pthread_mutex_lock(&h->lock);
    h->evaluations += n;
    h->wrong += wrong;
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* Reloads, good and bad, while four threads evaluate: every evaluation sees a whole
 * rule set (ASan catches a rule set freed while in use). */
static void test_reload_under_concurrent_use(void **state)
{
    (void)state;
    char path[300];
    path_in_tmp(path, sizeof path, "busy.sw");
    write_rules(path, "2.0.0", 0);
    hammer h = {open_holder(path), 0, PTHREAD_MUTEX_INITIALIZER, 0, 0};
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, hammer_thread, &h), 0);
    for (int i = 0; i < 30; i++) {
        char version[16];
        snprintf(version, sizeof version, "2.%d.0", i + 1);
        write_rules(path, version, i % 3 == 2);
        serve_load load;
        assert_int_equal(serve_rules_reload(h.holder, &load), 0);
        assert_int_equal(load.status, i % 3 == 2 ? SW_ERR_RULES : SW_OK);
        sw_diagnostics_free(load.diags);
    }
    pthread_mutex_lock(&h.lock);
    h.stop = 1;
    pthread_mutex_unlock(&h.lock);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    assert_true(h.evaluations > 0);
    assert_int_equal(h.wrong, 0);
    serve_snapshot *snap = serve_rules_acquire(h.holder);
    assert_int_equal(snap->generation, 21); /* 20 good reloads of 30 */
    assert_string_equal(snap->info->version, "2.29.0");
    serve_rules_release(h.holder, snap);
    serve_rules_close(h.holder);
}

/* ---- feedback ---- */

static serve_feedback_status record(serve_feedback *fb, serve_rules *holder, const char *body,
                                    size_t *recorded, char *message, size_t size)
{
    sw_jdoc doc;
    assert_int_equal(sw_jdoc_parse(&doc, body, strlen(body)), 0);
    serve_snapshot *snap = serve_rules_acquire(holder);
    serve_feedback_status status =
        serve_feedback_record(fb, holder, snap, "reload_test", doc.root, recorded, message, size);
    serve_rules_release(holder, snap);
    sw_jdoc_free(&doc);
    return status;
}

static const char *two_entries =
    "{\"feedback\": ["
    "{\"card\": \"0a8e20ad-ea23-559c-a6bd-c33a32fa5933\", \"outcome\": \"accepted\","
    " \"acceptedSuggestions\": [{\"id\": \"s1\"}], \"outcomeTimestamp\": \"2026-11-20T10:00:00Z\"},"
    "{\"card\": \"b8781c20-94bf-5358-a841-b49d3242203a\", \"outcome\": \"overridden\","
    " \"overrideReason\": {\"reason\": {\"system\": \"urn:stagewise:override-reason\","
    " \"code\": \"already-done\", \"display\": \"Already done or in place\"},"
    " \"userComment\": \"seen by the crisis team\"},"
    " \"outcomeTimestamp\": \"2026-11-20T10:01:00Z\"}]}";

static void test_feedback_is_recorded(void **state)
{
    (void)state;
    char rules_path[300], log_path[300], message[256] = "";
    path_in_tmp(rules_path, sizeof rules_path, "fb.sw");
    path_in_tmp(log_path, sizeof log_path, "feedback.jsonl");
    write_rules(rules_path, "3.0.0", 0);
    serve_rules *holder = open_holder(rules_path);
    serve_feedback *fb = NULL;
    int error_number = 0;
    assert_int_equal(serve_feedback_open(log_path, &fb, &error_number), 0);

    size_t recorded = 0;
    assert_int_equal(record(fb, holder, two_entries, &recorded, message, sizeof message),
                     SERVE_FEEDBACK_OK);
    assert_int_equal(recorded, 2);
    assert_int_equal(serve_feedback_close(fb), 0);

    serve_snapshot *snap = serve_rules_acquire(holder);
    unsigned long accepted, overridden;
    serve_rules_feedback(holder, snap->info->sha256, &accepted, &overridden);
    assert_int_equal(accepted, 1);
    assert_int_equal(overridden, 1);

    /* Two lines; the "received" time differs from run to run, the rest does not. */
    char *text = read_all(log_path);
    char expected[2048];
    const char *first = strstr(text, "\",\"service\"");
    const char *second = strstr(first + 1, "\",\"service\"");
    assert_non_null(first);
    assert_non_null(second);
    assert_true(strncmp(text, "{\"received\":\"", 13) == 0);
    snprintf(expected, sizeof expected,
             "\",\"service\":\"reload_test\",\"guideline_version\":\"3.0.0\",\"ruleset_sha256\":"
             "\"%s\",\"card\":\"0a8e20ad-ea23-559c-a6bd-c33a32fa5933\",\"outcome\":\"accepted\","
             "\"outcomeTimestamp\":\"2026-11-20T10:00:00Z\",\"overrideReason\":null,"
             "\"acceptedSuggestions\":[\"s1\"]}\n{\"received\":\"",
             snap->info->sha256);
    assert_true(strncmp(first, expected, strlen(expected)) == 0);
    snprintf(expected, sizeof expected,
             "\",\"service\":\"reload_test\",\"guideline_version\":\"3.0.0\",\"ruleset_sha256\":"
             "\"%s\",\"card\":\"b8781c20-94bf-5358-a841-b49d3242203a\",\"outcome\":\"overridden\","
             "\"outcomeTimestamp\":\"2026-11-20T10:01:00Z\",\"overrideReason\":{\"system\":"
             "\"urn:stagewise:override-reason\",\"code\":\"already-done\",\"display\":"
             "\"Already done or in place\",\"userComment\":\"seen by the crisis team\"},"
             "\"acceptedSuggestions\":[]}\n",
             snap->info->sha256);
    assert_string_equal(second, expected);
    free(text);
    serve_rules_release(holder, snap);
    serve_rules_close(holder);
}

static void test_feedback_is_checked(void **state)
{
    (void)state;
    static const struct {
        const char *body, *message;
    } cases[] = {
        {"{\"feedback\": []}", "the \"feedback\" array is empty"},
        {"{\"cards\": []}", "the body must be an object with a \"feedback\" array"},
        {"{\"feedback\": [7]}", "feedback[0] must be an object, not a number"},
        {"{\"feedback\": [{\"card\": \"nope\", \"outcome\": \"accepted\"}]}",
         "feedback[0].card must be the uuid of a card"},
        {"{\"feedback\": [{\"card\": \"0a8e20ad-ea23-559c-a6bd-c33a32fa5933\", "
         "\"outcome\": \"ignored\", \"outcomeTimestamp\": \"t\"}]}",
         "feedback[0].outcome must be \"accepted\" or \"overridden\""},
        {"{\"feedback\": [{\"card\": \"0a8e20ad-ea23-559c-a6bd-c33a32fa5933\", "
         "\"outcome\": \"accepted\"}]}",
         "feedback[0].outcomeTimestamp must be a string (an ISO 8601 time)"},
        {"{\"feedback\": [{\"card\": \"0a8e20ad-ea23-559c-a6bd-c33a32fa5933\", "
         "\"outcome\": \"accepted\", \"outcomeTimestamp\": \"t\", \"overrideReason\": "
         "{\"userComment\": \"x\"}}]}",
         "feedback[0].overrideReason is only for an overridden card"},
        {"{\"feedback\": [{\"card\": \"0a8e20ad-ea23-559c-a6bd-c33a32fa5933\", "
         "\"outcome\": \"overridden\", \"outcomeTimestamp\": \"t\", \"overrideReason\": "
         "{\"reason\": {\"display\": \"x\"}}}]}",
         "feedback[0].overrideReason.reason must be a coding with a \"code\" string"},
        {"{\"feedback\": [{\"card\": \"0a8e20ad-ea23-559c-a6bd-c33a32fa5933\", "
         "\"outcome\": \"overridden\", \"outcomeTimestamp\": \"t\", \"overrideReason\": "
         "{\"userComment\": 3}}]}",
         "feedback[0].overrideReason.userComment must be a string, not a number"},
    };
    char rules_path[300];
    path_in_tmp(rules_path, sizeof rules_path, "fb2.sw");
    write_rules(rules_path, "3.0.0", 0);
    serve_rules *holder = open_holder(rules_path);
    serve_feedback *fb = NULL;
    int error_number = 0;
    assert_int_equal(serve_feedback_open(NULL, &fb, &error_number), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char message[256] = "";
        size_t recorded = 9;
        assert_int_equal(record(fb, holder, cases[i].body, &recorded, message, sizeof message),
                         SERVE_FEEDBACK_INVALID);
        assert_int_equal(recorded, 0);
        assert_string_equal(message, cases[i].message);
    }
    serve_snapshot *snap = serve_rules_acquire(holder);
    unsigned long accepted, overridden;
    serve_rules_feedback(holder, snap->info->sha256, &accepted, &overridden);
    assert_int_equal(accepted + overridden, 0); /* nothing was counted */
    serve_rules_release(holder, snap);
    assert_int_equal(serve_feedback_close(fb), 0);
    serve_rules_close(holder);
}

/* ---- tokens ---- */

static void test_tokens(void **state)
{
    (void)state;
    char path[300], message[300], warning[300];
    serve_tokens tokens;
    path_in_tmp(path, sizeof path, "tokens");
    write_file(path, "# rotated 2026-11\n\n  token-aaaaaaaaaaaaaaaa  \nsecond-token-bbbbbbbbbbbb\r\n",
               0600);
    assert_int_equal(serve_tokens_load(path, &tokens, message, sizeof message, warning,
                                       sizeof warning), 0);
    assert_int_equal(tokens.count, 2);
    assert_string_equal(warning, "");
    assert_true(serve_tokens_check(&tokens, "Bearer token-aaaaaaaaaaaaaaaa"));
    assert_true(serve_tokens_check(&tokens, "bearer  second-token-bbbbbbbbbbbb "));
    assert_false(serve_tokens_check(&tokens, "Bearer token-aaaaaaaaaaaaaaab"));
    assert_false(serve_tokens_check(&tokens, "Bearer token-aaaaaaaaaaaaaaa"));
    assert_false(serve_tokens_check(&tokens, "Basic token-aaaaaaaaaaaaaaaa"));
    assert_false(serve_tokens_check(&tokens, "Bearer "));
    assert_false(serve_tokens_check(&tokens, NULL));
    serve_tokens_free(&tokens);

    write_file(path, "token-aaaaaaaaaaaaaaaa\n", 0644);
    assert_int_equal(serve_tokens_load(path, &tokens, message, sizeof message, warning,
                                       sizeof warning), 0);
    char expected[400];
    snprintf(expected, sizeof expected, "'%s' can be read by other users; chmod 600 it", path);
    assert_string_equal(warning, expected);
    serve_tokens_free(&tokens);

    write_file(path, "# only\nshort\n", 0600);
    assert_int_equal(serve_tokens_load(path, &tokens, message, sizeof message, warning,
                                       sizeof warning), -1);
    snprintf(expected, sizeof expected, "%s:2: a token must be at least 16 characters long", path);
    assert_string_equal(message, expected);

    write_file(path, "# nothing here\n", 0600);
    assert_int_equal(serve_tokens_load(path, &tokens, message, sizeof message, warning,
                                       sizeof warning), -1);
    snprintf(expected, sizeof expected, "'%s' holds no token", path);
    assert_string_equal(message, expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reload_swaps_and_keeps_old_in_flight),
        cmocka_unit_test(test_reload_of_missing_rules_is_refused),
        cmocka_unit_test(test_reload_under_concurrent_use),
        cmocka_unit_test(test_feedback_is_recorded),
        cmocka_unit_test(test_feedback_is_checked),
        cmocka_unit_test(test_tokens),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
