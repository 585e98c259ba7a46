/*
 * serve_workbench.c - the workbench's endpoints (docs/workbench.md): its static
 * pages and the JSON they read.
 *
 *   GET  /ui/, /ui/FILE          the pages (embedded at build time: ui_assets.c,
 *                                made from service/ui/ by cmake/embed_ui.cmake);
 *                                answered without a token, since they hold no data
 *   GET  /v1/schema              the facts schema, stages, catalogue and sources
 *   GET  /v1/rules               every rule, its stages and scenarios (serve_guidance.c)
 *   GET  /v1/hazards             the hazard log of --hazards, judged (serve_guidance.c)
 *   POST /v1/try                 a client document in; its result and brief out,
 *                                not recorded in the decision log (a rehearsal)
 *   POST /v1/explain[/RULE]      the explanation of the rules that fired (or RULE)
 *   POST /v1/why-not/KIND:ID     why something was not produced
 *   GET  /v1/decisions/ID        a logged decision: its record, the chain around
 *                                it and a replay against the current rules, from
 *                                the --log file or the --store decision store
 *
 * Every JSON endpoint needs the same bearer token as the API; the page keeps the
 * token in sessionStorage and sends it in the Authorization header.
 */
#define _POSIX_C_SOURCE 200809L
#include "serve_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_ui.h"

/* ---- helpers ---- */

static void reply_library(serve_reply *reply, sw_status status, char *text, size_t len,
                          const char *doing)
{
    if (status == SW_OK) {
        serve_reply_free(reply);
        reply->status = 200;
        reply->body = text;
        reply->len = len;
        reply->library_body = 1;
        return;
    }
    sw_free(text);
    if (status == SW_ERR_NOMEM)
        serve_reply_nomem(reply);
    else
        serve_reply_error(reply, 500, "internal_error", "%s: %s", doing, sw_status_text(status));
}

static void string_or_null(sw_json *w, const char *s)
{
    if (s != NULL)
        sw_json_string(w, s);
    else
        sw_json_null(w);
}

/* ---- the pages ---- */

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot != NULL && strcmp(dot, ".html") == 0)
        return "text/html; charset=utf-8";
    if (dot != NULL && strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (dot != NULL && strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    return "application/octet-stream";
}

static void handle_ui(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    const char *name = call->service != NULL ? call->service : "index.html";

    (void)srv;
    for (size_t i = 0; i < serve_ui_nassets; i++)
        if (strcmp(serve_ui_assets[i].name, name) == 0) {
            reply->status = 200;
            reply->body = (char *)serve_ui_assets[i].data;
            reply->len = serve_ui_assets[i].len;
            reply->static_body = 1;
            reply->content_type = content_type(name);
            return;
        }
    serve_reply_error(reply, 404, "not_found", "the workbench has no file '%s'", name);
}

/* ---- /v1/schema ---- */

static void handle_schema(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    char *text = NULL;
    size_t len = 0;

    (void)call;
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    sw_status status = sw_ruleset_schema_render(snap->rules, &text, &len);
    reply_library(reply, status, text, len, "rendering the schema");
    serve_rules_release(srv->rules, snap);
}

/* ---- /v1/try ---- */

static void handle_try(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    sw_facts *facts = serve_read_facts(snap, "body", call->body, call->len, NULL, 0, reply);
    sw_result *result = facts != NULL ? serve_evaluate(snap, facts, reply) : NULL;

    if (result != NULL) {
        char *json = NULL, *brief = NULL;
        size_t json_len = 0, brief_len = 0;
        sw_status status = sw_result_render(result, SW_FORMAT_JSON, &json, &json_len);
        if (status == SW_OK)
            status = sw_result_render(result, SW_FORMAT_BRIEF, &brief, &brief_len);
        if (status == SW_OK) {
            sw_buf b = {0};
            sw_buf_puts(&b, "{\n\"result\": ");
            sw_buf_append(&b, json, json_len);
            sw_buf_puts(&b, ",\n\"brief\": ");
            sw_json_put_string(&b, brief, brief_len);
            sw_buf_puts(&b, "\n}\n");
            serve_reply_json(reply, &b);
        } else if (status == SW_ERR_NOMEM) {
            serve_reply_nomem(reply);
        } else {
            serve_reply_error(reply, 500, "internal_error", "rendering the result: %s",
                              sw_status_text(status));
        }
        sw_free(json);
        sw_free(brief);
    }
    sw_result_free(result);
    sw_facts_free(facts);
    serve_rules_release(srv->rules, snap);
}

/* ---- /v1/explain[/RULE], /v1/why-not/QUESTION ---- */

static void explanation_reply(serve_reply *reply, sw_status status, sw_explanation *x,
                              const sw_diagnostics *diags)
{
    if (status == SW_ERR_ARG) {
        serve_reply_diagnostics(reply, 404, "unknown_question",
                                "there is no such rule or outcome to explain (see diagnostics)",
                                diags, NULL, 0);
        return;
    }
    char *text = NULL;
    size_t len = 0;
    if (status == SW_OK)
        status = sw_explanation_render(x, SW_FORMAT_JSON, &text, &len);
    reply_library(reply, status, text, len, "explaining");
}

static void explain(serve_server *srv, const serve_call *call, serve_reply *reply, int why_not)
{
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    sw_facts *facts = serve_read_facts(snap, "body", call->body, call->len, NULL, 0, reply);
    sw_diagnostics *diags = facts != NULL ? sw_diagnostics_new() : NULL;

    if (facts != NULL && diags == NULL) {
        serve_reply_nomem(reply);
    } else if (facts != NULL) {
        sw_explanation *x = NULL;
        sw_status status;
        if (why_not) {
            status = sw_why_not(snap->rules, facts, call->service, &x, diags);
        } else {
            const char *one[1] = {call->service};
            sw_explain_options opts = {one, 1, 0};
            status = sw_explain(snap->rules, facts, call->service != NULL ? &opts : NULL, &x,
                                diags);
        }
        explanation_reply(reply, status, x, diags);
        sw_explanation_free(x);
    }
    sw_diagnostics_free(diags);
    sw_facts_free(facts);
    serve_rules_release(srv->rules, snap);
}

static void handle_explain(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    explain(srv, call, reply, 0);
}

static void handle_why_not(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    explain(srv, call, reply, 1);
}

/* ---- /v1/decisions/ID ---- */

static int decision_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* Finds the record with decision_id id in the log; returns its line (malloc'd,
 * without the newline) and sets *lineno, or NULL (*lineno 0: not there; else the
 * log could not be read, *lineno = (uint64_t)-1). */
static char *find_record(const char *path, const char *id, size_t *len, uint64_t *lineno)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL, *found = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t k = 0;

    *lineno = 0;
    if (f == NULL) {
        *lineno = (uint64_t)-1;
        return NULL;
    }
    while (found == NULL && (n = getline(&line, &cap, f)) != -1) {
        k++;
        if (strstr(line, id) == NULL)
            continue;
        size_t m = (size_t)n;
        if (m > 0 && line[m - 1] == '\n')
            m--;
        sw_jdoc doc = {0};
        if (sw_jdoc_parse(&doc, line, m) == 0) {
            const char *got = sw_jstr(sw_jget(doc.root, "decision_id"));
            if (got != NULL && strcmp(got, id) == 0) {
                found = line;
                line = NULL;
                found[m] = '\0';
                *len = m;
                *lineno = k;
            }
        }
        sw_jdoc_free(&doc);
    }
    free(line);
    fclose(f);
    return found;
}

/* The chain object: lineno is the record's line (its seq in a store); scope says
 * what was checked, "log" (every line of the log) or "neighbours" (in a store: the
 * record and those either side of it). */
static void chain(sw_json *w, const sw_log_verdict *v, uint64_t lineno, const char *scope)
{
    sw_json_begin_object(w);
    sw_json_key(w, "scope");
    sw_json_string(w, scope);
    sw_json_key(w, "state");
    sw_json_string(w, sw_log_state_name(v->state));
    sw_json_key(w, "records_verified");
    sw_json_uint(w, v->records);
    sw_json_key(w, "problem_line");
    if (v->line == 0)
        sw_json_null(w);
    else
        sw_json_uint(w, v->line);
    sw_json_key(w, "head");
    sw_json_string(w, v->head);
    sw_json_key(w, "message");
    sw_json_string(w, v->message);
    /* The records before the first problem verified; so did this one when its line
     * comes before that problem. */
    sw_json_key(w, "decision_verified");
    if (strcmp(scope, "log") == 0)
        sw_json_bool(w, lineno <= v->records);
    else   /* verified unless the problem is this record or its link to the one before */
        sw_json_bool(w, v->records > 0 && (v->line == 0 || v->line > lineno));
    sw_json_end_object(w);
}

static const char *replay_state_name(sw_replay_state s)
{
    return s == SW_REPLAY_IDENTICAL ? "identical"
           : s == SW_REPLAY_DIFFERENT ? "different" : "rules_differ";
}

static void replay(sw_json *w, const serve_snapshot *snap, const char *record, size_t len)
{
    sw_replay *rp = NULL;
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_status status = diags != NULL ? sw_record_replay(snap->rules, record, len, &rp, diags)
                                     : SW_ERR_NOMEM;
    sw_json_begin_object(w);
    if (status != SW_OK) {
        sw_json_key(w, "error");
        sw_json_string(w, sw_status_text(status));
        sw_json_key(w, "diagnostics");
        serve_json_diagnostics(w, diags, NULL, 0);
    } else {
        const sw_replay_report *r = sw_replay_get(rp);
        sw_json_key(w, "state");
        sw_json_string(w, replay_state_name(r->state));
        sw_json_key(w, "hash_ok");
        sw_json_bool(w, r->hash_ok);
        sw_json_key(w, "recorded_ruleset_sha256");
        string_or_null(w, r->recorded_ruleset_sha256);
        sw_json_key(w, "ruleset_sha256");
        string_or_null(w, r->ruleset_sha256);
        sw_json_key(w, "recorded_engine_version");
        string_or_null(w, r->recorded_engine_version);
        sw_json_key(w, "differences");
        sw_json_begin_array(w);
        for (size_t i = 0; i < r->ndifferences; i++) {
            sw_json_begin_object(w);
            sw_json_key(w, "path");
            sw_json_string(w, r->differences[i].path);
            sw_json_key(w, "recorded");
            string_or_null(w, r->differences[i].recorded);
            sw_json_key(w, "replayed");
            string_or_null(w, r->differences[i].replayed);
            sw_json_end_object(w);
        }
        sw_json_end_array(w);
    }
    sw_json_end_object(w);
    sw_replay_free(rp);
    sw_diagnostics_free(diags);
}

/* The page's reply: the record (a JSON object, put in as logged), its chain and
 * its replay against the rules serving now. */
static void decision_json(serve_server *srv, const char *id, uint64_t lineno,
                          const sw_log_verdict *verdict, const char *scope, const char *record,
                          size_t len, serve_reply *reply)
{
    /* The reply is written in pieces, each value by its own writer, so that the
     * record goes in as logged. */
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    sw_buf b = {0};
    sw_json w;
    sw_buf_puts(&b, "{\n\"decision_id\": ");
    sw_json_put_string(&b, id, strlen(id));
    sw_buf_printf(&b, ",\n\"line\": %llu,\n\"chain\": ", (unsigned long long)lineno);
    sw_json_init(&w, &b, 1);
    chain(&w, verdict, lineno, scope);
    int ok = sw_json_finish(&w) == SW_OK;
    sw_buf_puts(&b, ",\n\"replay\": ");
    sw_json_init(&w, &b, 1);
    replay(&w, snap, record, len);
    ok = ok && sw_json_finish(&w) == SW_OK;
    sw_buf_puts(&b, ",\n\"record\": ");
    sw_buf_append(&b, record, len);
    sw_buf_puts(&b, "\n}\n");
    serve_rules_release(srv->rules, snap);
    if (!ok)
        b.failed = 1;
    serve_reply_json(reply, &b);
}

static void decision_reply(serve_server *srv, const char *id, serve_reply *reply)
{
    size_t len = 0;
    uint64_t lineno = 0;
    sw_log_verdict verdict;
    char *record = find_record(srv->log_path, id, &len, &lineno);

    if (record == NULL) {
        if (lineno != 0)
            serve_reply_error(reply, 500, "log_unreadable", "the decision log cannot be read");
        else
            serve_reply_error(reply, 404, "unknown_decision",
                              "the decision log holds no decision '%s'", id);
        return;
    }
    if (sw_decision_log_verify(srv->log_path, NULL, &verdict) != SW_OK) {
        free(record);
        serve_reply_error(reply, 500, "log_unreadable", "the decision log cannot be read");
        return;
    }
    decision_json(srv, id, lineno, &verdict, "log", record, len, reply);
    free(record);
}

/* --store: the decision looked up in the store by its id (an index), and the chain
 * checked around it; the whole store is verified by `stagewise audit verify URL`,
 * not on every page view (that would hold the instance's connection for as long). */
static void decision_reply_store(serve_server *srv, const char *id, serve_reply *reply)
{
    size_t len = 0;
    uint64_t seq = 0;
    char *record = NULL;
    sw_log_verdict verdict;
    sw_diagnostics *diags = sw_diagnostics_new();
    if (diags == NULL) {
        serve_reply_nomem(reply);
        return;
    }
    pthread_mutex_lock(srv->store_lock);
    sw_status status = sw_store_find_decision(srv->store, id, &record, &len, &seq, &verdict, diags);
    pthread_mutex_unlock(srv->store_lock);
    if (status == SW_ERR_NOMEM) {
        serve_reply_nomem(reply);
    } else if (status != SW_OK) {
        const sw_diagnostic *d = sw_diagnostics_count(diags) > 0 ? sw_diagnostics_at(diags, 0) : NULL;
        fprintf(stderr, "stagewise serve: the decision store could not be read: %s\n",
                d != NULL ? d->message : sw_status_text(status));
        serve_reply_error(reply, 503, "store_unreadable",
                          "the decision store cannot be read; see the server's log");
    } else if (record == NULL) {
        serve_reply_error(reply, 404, "unknown_decision",
                          "the decision store holds no decision '%s'", id);
    } else {
        decision_json(srv, id, seq, &verdict, "neighbours", record, len, reply);
    }
    sw_free(record);
    sw_diagnostics_free(diags);
}

static void handle_decision(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    if (srv->log_path == NULL && srv->store == NULL) {
        serve_reply_error(reply, 404, "no_decision_log",
                          "this server keeps no decision log (start it with --log FILE or "
                          "--store URL)");
        return;
    }
    if (call->service == NULL || !decision_id_ok(call->service)) {
        serve_reply_error(reply, 400, "invalid_request",
                          "a decision identifier is letters, digits, '-', '_' and '.' (at most "
                          "64)");
        return;
    }
    if (srv->store != NULL)
        decision_reply_store(srv, call->service, reply);
    else
        decision_reply(srv, call->service, reply);
}

/* ---- routing ---- */

static const serve_route route_ui = {"GET", "GET, HEAD", 0, 1, handle_ui};
static const serve_route route_schema = {"GET", "GET, HEAD", 0, 0, handle_schema};
static const serve_route route_rules = {"GET", "GET, HEAD", 0, 0, serve_handle_rules};
static const serve_route route_hazards = {"GET", "GET, HEAD", 0, 0, serve_handle_hazards};
static const serve_route route_try = {"POST", "POST", 1, 0, handle_try};
static const serve_route route_explain = {"POST", "POST", 1, 0, handle_explain};
static const serve_route route_why_not = {"POST", "POST", 1, 0, handle_why_not};
static const serve_route route_decision = {"GET", "GET, HEAD", 0, 0, handle_decision};

const serve_route *serve_workbench_route(const char *path, const char **suffix,
                                         size_t *suffix_len)
{
    static const struct {
        const char *prefix;            /* a path, or a prefix ending in '/' */
        int takes_suffix;              /* 0 no, 1 optional, 2 required */
        const serve_route *route;
    } table[] = {
        {"/ui", 0, &route_ui},           {"/ui/", 1, &route_ui},
        {"/v1/schema", 0, &route_schema}, {"/v1/rules", 0, &route_rules},
        {"/v1/hazards", 0, &route_hazards},
        {"/v1/try", 0, &route_try},      {"/v1/explain", 0, &route_explain},
        {"/v1/explain/", 2, &route_explain}, {"/v1/why-not/", 2, &route_why_not},
        {"/v1/decisions/", 2, &route_decision},
    };

    *suffix = NULL;
    *suffix_len = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        size_t n = strlen(table[i].prefix);
        if (table[i].takes_suffix == 0) {
            if (strcmp(path, table[i].prefix) == 0)
                return table[i].route;
            continue;
        }
        if (strncmp(path, table[i].prefix, n) != 0 || strchr(path + n, '/') != NULL)
            continue;
        size_t len = strlen(path + n);
        if (len == 0 && table[i].takes_suffix == 2)
            return NULL;
        if (len > 0) {
            *suffix = path + n;
            *suffix_len = len;
        }
        return table[i].route;
    }
    return NULL;
}
