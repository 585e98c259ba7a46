/*
 * serve_routes.c - the endpoints of `stagewise serve`: the route table and one
 * handler per endpoint (see serve_http.h and docs/integration.md).
 *
 *   GET  /healthz                       liveness, answered without a token
 *   GET  /v1/ruleset                    the rule set serving: name, version, hash, counts
 *   POST /v1/evaluate                   a client document in, the result document out
 *   POST /v1/admin/reload               reload the rules (as SIGHUP does)
 *   GET  /cds-services                  CDS Hooks discovery
 *   POST /cds-services/{id}             CDS Hooks cards
 *   POST /cds-services/{id}/feedback    CDS Hooks feedback
 *   /ui/, /v1/schema, /v1/rules, ...    the workbench (serve_workbench.c)
 *
 * Each handler takes a reference to the current rule set for the whole request, so
 * a reload in the meantime changes nothing it sees.
 */
#define _POSIX_C_SOURCE 200809L
#include "serve_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve_cards.h"
#include "util/digest.h"

/* ---- facts ---- */

/* Replies for a facts status other than SW_OK. */
static void facts_problem(serve_reply *reply, sw_status status, const sw_diagnostics *diags,
                          const char *source, size_t source_len)
{
    char message[160];
    size_t errors = sw_diagnostics_error_count(diags);

    if (status == SW_ERR_NOMEM) {
        serve_reply_nomem(reply);
        return;
    }
    if (status != SW_ERR_FACTS && status != SW_ERR_LIMIT) {
        serve_reply_error(reply, 500, "internal_error", "reading the facts: %s",
                          sw_status_text(status));
        return;
    }
    int malformed = sw_diagnostics_malformed(diags);
    snprintf(message, sizeof message,
             "the client document has %zu error%s (see diagnostics); nothing was evaluated",
             errors, errors == 1 ? "" : "s");
    serve_reply_diagnostics(reply, malformed ? 400 : 422,
                            malformed ? "malformed_facts" : "invalid_facts", message, diags,
                            source, source_len);
}

sw_facts *serve_read_facts(const serve_snapshot *snap, const char *name, const char *text,
                           size_t len, const char *source, size_t source_len,
                           serve_reply *reply)
{
    sw_facts *facts = NULL;
    sw_diagnostics *diags = sw_diagnostics_new();

    if (diags == NULL) {
        serve_reply_nomem(reply);
        return NULL;
    }
    sw_status status = sw_facts_parse(snap->rules, name, text, len, &facts, diags);
    if (status != SW_OK) {
        facts_problem(reply, status, diags, source, source_len);
        sw_facts_free(facts);
        facts = NULL;
    }
    sw_diagnostics_free(diags);
    return facts;
}

sw_result *serve_evaluate(const serve_snapshot *snap, const sw_facts *facts, serve_reply *reply)
{
    sw_result *result = NULL;
    sw_status status = sw_evaluate(snap->rules, facts, &result);
    if (status == SW_OK)
        return result;
    if (status == SW_ERR_NOMEM)
        serve_reply_nomem(reply);
    else
        serve_reply_error(reply, 500, "internal_error", "evaluating: %s", sw_status_text(status));
    sw_result_free(result);
    return NULL;
}

/* The decision store did not commit a decision: logs why and answers 503
 * decision_not_recorded, saying what is withheld. */
static void store_refused(serve_reply *reply, sw_status status, const sw_diagnostics *diags,
                          const char *withheld)
{
    const sw_diagnostic *d = sw_diagnostics_count(diags) > 0 ? sw_diagnostics_at(diags, 0) : NULL;
    fprintf(stderr, "stagewise serve: the decision store could not record a decision: %s\n",
            d != NULL ? d->message : sw_status_text(status));
    serve_reply_error(reply, 503, "decision_not_recorded",
                      "the decision could not be recorded in the decision store, so %s; see "
                      "the server's log", withheld);
}

/* --store: appends the decision to the decision store. Only a committed record is
 * acknowledged: anything else answers 503 decision_not_recorded. */
static int store_decision(const serve_server *srv, const serve_snapshot *snap,
                          const sw_facts *facts, const sw_result *result, serve_reply *reply)
{
    sw_log_entry entry;
    sw_diagnostics *diags = sw_diagnostics_new();
    if (diags == NULL) {
        serve_reply_nomem(reply);
        return -1;
    }
    pthread_mutex_lock(srv->store_lock);
    sw_status status = sw_store_append(srv->store, snap->rules, facts, result,
                                       srv->log_options, &entry, diags);
    pthread_mutex_unlock(srv->store_lock);
    if (status == SW_OK) {
        snprintf(reply->decision_id, sizeof reply->decision_id, "%s", entry.decision_id);
    } else {
        store_refused(reply, status, diags, "it is not given out");
    }
    sw_diagnostics_free(diags);
    return status == SW_OK ? 0 : -1;
}

/* Appends the decision to the decision log when there is one. Returns 0, or -1
 * with the reply set: a decision that cannot be recorded is not given out. */
static int log_decision(const serve_server *srv, const serve_snapshot *snap,
                        const sw_facts *facts, const sw_result *result, serve_reply *reply)
{
    sw_log_entry entry;

    if (srv->store != NULL)
        return store_decision(srv, snap, facts, result, reply);
    if (srv->log_path == NULL)
        return 0;
    sw_diagnostics *diags = sw_diagnostics_new();
    if (diags == NULL) {
        serve_reply_nomem(reply);
        return -1;
    }
    sw_status status = sw_decision_log_append(srv->log_path, snap->rules, facts, result,
                                              srv->log_options, &entry, diags);
    if (status == SW_OK) {
        snprintf(reply->decision_id, sizeof reply->decision_id, "%s", entry.decision_id);
    } else {
        fprintf(stderr, "stagewise serve: the decision log '%s' could not be written: %s\n",
                srv->log_path, sw_status_text(status));
        serve_reply_diagnostics(reply, 500, "decision_not_logged",
                                "the decision could not be written to the decision log, so "
                                "it is not given out; see the server's log",
                                diags, NULL, 0);
    }
    sw_diagnostics_free(diags);
    return status == SW_OK ? 0 : -1;
}

/* ---- /healthz, /v1/ruleset, /v1/evaluate ---- */

static void handle_healthz(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    (void)call;
    pthread_mutex_lock(&srv->lock);
    int stopping = srv->stopping;
    pthread_mutex_unlock(&srv->lock);
    sw_buf b = {0};
    sw_buf_puts(&b, stopping ? "{\n  \"status\": \"stopping\"\n}\n" : "{\n  \"status\": \"ok\"\n}\n");
    serve_reply_json(reply, &b);
    if (stopping && reply->status == 200)
        reply->status = 503;
}

static void handle_ruleset(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    sw_buf b = {0};
    sw_json w;

    (void)call;
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    sw_json_init(&w, &b, 1);
    serve_json_ruleset(&w, srv->rules, snap);
    if (sw_json_end_line(&w) != 0)
        b.failed = 1;
    serve_reply_json(reply, &b);
    serve_rules_release(srv->rules, snap);
}

static void handle_evaluate(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    sw_facts *facts = serve_read_facts(snap, "body", call->body, call->len, NULL, 0, reply);
    sw_result *result = facts != NULL ? serve_evaluate(snap, facts, reply) : NULL;

    if (result != NULL && log_decision(srv, snap, facts, result, reply) == 0) {
        char *text = NULL;
        size_t len = 0;
        sw_status status = sw_result_render(result, SW_FORMAT_JSON, &text, &len);
        if (status == SW_OK) {
            serve_reply_free(reply);
            reply->status = 200;
            reply->body = text;
            reply->len = len;
            reply->library_body = 1;
        } else if (status == SW_ERR_NOMEM) {
            serve_reply_nomem(reply);
        } else {
            serve_reply_error(reply, 500, "internal_error", "rendering the result: %s",
                              sw_status_text(status));
        }
    }
    sw_result_free(result);
    sw_facts_free(facts);
    serve_rules_release(srv->rules, snap);
}

/* ---- CDS Hooks ---- */

static void handle_discovery(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    sw_buf b = {0};

    (void)call;
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    if (serve_cards_discovery(snap->rules, snap->info, &b) != 0)
        b.failed = 1;
    serve_reply_json(reply, &b);
    serve_rules_release(srv->rules, snap);
}

/* Whether the path's service is the one this rule set offers; replies 404 if not. */
static int known_service(const serve_snapshot *snap, const serve_call *call, serve_reply *reply)
{
    if (call->service != NULL && strcmp(call->service, snap->info->name) == 0)
        return 1;
    serve_reply_error(reply, 404, "unknown_service",
                      "there is no CDS service '%s'; GET /cds-services lists the one there is "
                      "('%s')", call->service != NULL ? call->service : "", snap->info->name);
    return 0;
}

/* Parses a JSON request body; 0, or -1 with the reply set. */
static int parse_json(const serve_call *call, sw_jdoc *doc, serve_reply *reply)
{
    if (sw_jdoc_parse(doc, call->body, call->len) == 0) {
        if (doc->root->type == SW_JOBJECT)
            return 0;
        serve_reply_error(reply, 400, "invalid_request", "the body must be a JSON object, not %s",
                          sw_jtype_name(doc->root->type));
        return -1;
    }
    if (doc->nomem)
        serve_reply_nomem(reply);
    else
        serve_reply_error(reply, 400, "malformed_json", "the body is not valid JSON: %s",
                          doc->error);
    return -1;
}

/* The client document of a CDS Hooks request: prefetch.stagewise, else
 * context.stagewise. NULL with the reply set when there is none or it is wrong. */
static const sw_jnode *cds_document(const sw_jnode *root, serve_reply *reply)
{
    const char *where = "prefetch." SERVE_CDS_FACTS_KEY;
    const sw_jnode *doc = sw_jget(sw_jget(root, "prefetch"), SERVE_CDS_FACTS_KEY);
    if (doc == NULL || doc->type == SW_JNULL) {
        where = "context." SERVE_CDS_FACTS_KEY;
        doc = sw_jget(sw_jget(root, "context"), SERVE_CDS_FACTS_KEY);
    }
    if (doc == NULL || doc->type == SW_JNULL) {
        serve_reply_error(reply, 412, "no_facts",
                          "the request carries neither FHIR resources in prefetch (see the "
                          "prefetch templates of GET /cds-services) nor a client document "
                          "in prefetch." SERVE_CDS_FACTS_KEY " or context." SERVE_CDS_FACTS_KEY);
        return NULL;
    }
    if (doc->type != SW_JOBJECT) {
        serve_reply_error(reply, 400, "invalid_request",
                          "%s must be a client document (an object), not %s", where,
                          sw_jtype_name(doc->type));
        return NULL;
    }
    return doc;
}

/* A copy of body with everything outside [start, end) blanked (newlines kept, and
 * one space per character), so the library's line and column numbers for the client
 * document are those of the request body. */
static char *blank_outside(const char *body, size_t len, size_t start, size_t end,
                           size_t *out_len)
{
    char *copy = malloc(len + 1);
    size_t k = 0;

    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (i >= start && i < end)
            copy[k++] = body[i];
        else if (body[i] == '\n')
            copy[k++] = '\n';
        else if (!sw_utf8_continues((unsigned char)body[i]))
            copy[k++] = ' ';
    }
    copy[k] = '\0';
    *out_len = k;
    return copy;
}

/* Whether the request carries its own client document (prefetch or context). */
static int has_document(const sw_jnode *root)
{
    const sw_jnode *a = sw_jget(sw_jget(root, "prefetch"), SERVE_CDS_FACTS_KEY);
    const sw_jnode *b = sw_jget(sw_jget(root, "context"), SERVE_CDS_FACTS_KEY);
    return (a != NULL && a->type != SW_JNULL) || (b != NULL && b->type != SW_JNULL);
}

/* Whether some prefetch value is a FHIR resource (a Bundle, a Patient, ...). */
static int has_fhir(const sw_jnode *root)
{
    const sw_jnode *prefetch = sw_jget(root, "prefetch");
    for (const sw_jnode *m = prefetch != NULL && prefetch->type == SW_JOBJECT ? prefetch->first
                                                                               : NULL;
         m != NULL; m = m->next)
        if (sw_jstr(sw_jget(m, "resourceType")) != NULL)
            return 1;
    return 0;
}

/* Today's date (UTC), YYYY-MM-DD. */
static void today_utc(char date[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, 11, "%Y-%m-%d", &tm);
}

/* A request with both its client document and FHIR prefetch: the FHIR facts,
 * assessed on the document's assessed_on (else today), merged into the
 * document's (sw_facts_merge). A fact only one source knows is taken from it;
 * where both know it and disagree the document's value (what the assessment
 * tool asserts now) is evaluated and recorded, and the conflict goes to mapping
 * (F114) with the mapping's own problems. The document inside prefetch is read
 * as null here, so the FHIR reader does not call it a stray resource; every
 * other byte stays in place, so positions are the body's. 0, or -1 with the
 * reply set. */
static int cds_merge_fhir(const serve_snapshot *snap, const serve_call *call,
                          const sw_jnode *doc, int doc_in_prefetch, sw_facts *facts,
                          sw_diagnostics *mapping, serve_reply *reply)
{
    if (sw_fhir_prefetch_count(snap->rules) == 0)
        return 0; /* the rule set reads nothing from FHIR */
    char date[11];
    if (!sw_facts_assessed_on(facts, date))
        today_utc(date);
    char *body = malloc(call->len + 1);
    if (body == NULL) {
        serve_reply_nomem(reply);
        return -1;
    }
    memcpy(body, call->body, call->len);
    body[call->len] = '\0';
    if (doc_in_prefetch && doc->end - doc->start >= 4) {
        memcpy(body + doc->start, "null", 4);
        for (size_t i = doc->start + 4; i < doc->end; i++)
            if (body[i] != '\n')
                body[i] = ' ';
    }
    sw_facts *fhir = NULL;
    sw_status status = sw_facts_from_fhir(snap->rules, "request", body, call->len, date, &fhir,
                                          mapping);
    if (status == SW_OK)
        status = sw_facts_merge(facts, fhir, mapping);
    sw_facts_free(fhir);
    free(body);
    if (status != SW_OK) {
        facts_problem(reply, status, mapping, call->body, call->len);
        return -1;
    }
    return 0;
}

/* The facts of a request's FHIR prefetch, by the rules' mappings, assessed today
 * (UTC); what did not fit goes to mapping. NULL with the reply set on a problem. */
static sw_facts *cds_fhir_facts(const serve_snapshot *snap, const serve_call *call,
                                sw_diagnostics *mapping, serve_reply *reply)
{
    if (sw_fhir_prefetch_count(snap->rules) == 0) {
        serve_reply_error(reply, 412, "no_facts",
                          "the rule set maps no FHIR resources to facts: send the client "
                          "document in prefetch." SERVE_CDS_FACTS_KEY);
        return NULL;
    }
    char today[11];
    today_utc(today);
    sw_facts *facts = NULL;
    sw_status status = sw_facts_from_fhir(snap->rules, "request", call->body, call->len, today,
                                          &facts, mapping);
    if (status != SW_OK) {
        facts_problem(reply, status, mapping, call->body, call->len);
        sw_facts_free(facts);
        return NULL;
    }
    return facts;
}

/* The facts of a CDS Hooks request: its own client document, its FHIR prefetch,
 * or both merged (cds_merge_fhir). NULL with the reply set on a problem. */
static sw_facts *cds_facts(const serve_snapshot *snap, const serve_call *call,
                           const sw_jnode *root, sw_diagnostics *mapping, serve_reply *reply)
{
    if (!has_document(root) && has_fhir(root)) {
        sw_facts *facts = cds_fhir_facts(snap, call, mapping, reply);
        const char *patient = sw_jstr(sw_jget(sw_jget(root, "context"), "patientId"));
        if (facts != NULL && patient != NULL && sw_facts_set_client(facts, patient) != SW_OK) {
            sw_facts_free(facts);
            serve_reply_nomem(reply);
            return NULL;
        }
        return facts;
    }
    const sw_jnode *doc = cds_document(root, reply);
    size_t len = 0;
    char *text = doc != NULL ? blank_outside(call->body, call->len, doc->start, doc->end, &len)
                             : NULL;
    if (text == NULL) {
        if (doc != NULL)
            serve_reply_nomem(reply);
        return NULL;
    }
    sw_facts *facts = serve_read_facts(snap, "request", text, len, call->body, call->len, reply);
    free(text);
    const sw_jnode *in_prefetch = sw_jget(sw_jget(root, "prefetch"), SERVE_CDS_FACTS_KEY);
    if (facts != NULL && has_fhir(root) &&
        cds_merge_fhir(snap, call, doc, doc == in_prefetch, facts, mapping, reply) != 0) {
        sw_facts_free(facts);
        return NULL;
    }
    const char *patient = sw_jstr(sw_jget(sw_jget(root, "context"), "patientId"));
    if (facts != NULL && sw_facts_client(facts) == NULL && patient != NULL &&
        sw_facts_set_client(facts, patient) != SW_OK) {
        sw_facts_free(facts);
        serve_reply_nomem(reply);
        return NULL;
    }
    return facts;
}

/* Checks hook and hookInstance; returns hookInstance, or NULL with the reply set. */
static const char *cds_hook_instance(const sw_jnode *root, serve_reply *reply)
{
    const char *hook = sw_jstr(sw_jget(root, "hook"));
    const char *instance = sw_jstr(sw_jget(root, "hookInstance"));
    if (hook == NULL || instance == NULL || instance[0] == '\0') {
        serve_reply_error(reply, 400, "invalid_request",
                          "a CDS Hooks request needs \"hook\" and \"hookInstance\" strings");
        return NULL;
    }
    if (strcmp(hook, SERVE_CDS_HOOK) != 0) {
        serve_reply_error(reply, 400, "invalid_request",
                          "this service answers the '" SERVE_CDS_HOOK "' hook, not '%s'", hook);
        return NULL;
    }
    return instance;
}

/* The uuids of the cards in a rendered CDS Hooks response (pointers into doc). */
static const char **card_uuids(const sw_jdoc *doc, size_t *n)
{
    const sw_jnode *cards = sw_jget(doc->root, "cards");
    size_t count = 0;
    *n = 0;
    for (const sw_jnode *c = cards != NULL ? cards->first : NULL; c != NULL; c = c->next)
        count++;
    const char **out = calloc(count + 1, sizeof *out);
    for (const sw_jnode *c = cards != NULL ? cards->first : NULL; out != NULL && c != NULL;
         c = c->next)
        if (sw_jstr(sw_jget(c, "uuid")) != NULL)
            out[(*n)++] = sw_jstr(sw_jget(c, "uuid"));
    return out;
}

/* --store: the cards are rendered first (their link names a decision id chosen
 * here), then the decision and the cards' uuids are committed in one transaction,
 * so feedback on a card finds its decision. Only then are the cards given out. */
static void store_cards(const serve_server *srv, const serve_snapshot *snap,
                        const sw_facts *facts, const sw_result *result, const char *instance,
                        const sw_diagnostics *mapping, serve_reply *reply)
{
    sw_record_options options = *srv->log_options;
    char id[37];
    sw_buf b = {0}, link = {0};
    sw_jdoc cards = {0};
    size_t n = 0;
    const char **uuids = NULL;
    int ok = sw_uuid_random(id) == 1;
    options.decision_id = id;
    ok = ok && serve_cards_link(srv->public_url, id, &link) == 0 &&
         serve_cards_render_mapped(sw_result_report(result), instance, link.len ? link.data : NULL,
                                   mapping, &b) == 0 &&
         !b.failed && sw_jdoc_parse(&cards, b.data, b.len) == 0 &&
         (uuids = card_uuids(&cards, &n)) != NULL;
    sw_buf_free(&link);
    if (!ok) {
        serve_reply_nomem(reply);
    } else {
        sw_log_entry entry;
        sw_diagnostics *diags = sw_diagnostics_new();
        pthread_mutex_lock(srv->store_lock);
        sw_status status = diags == NULL ? SW_ERR_NOMEM
            : sw_store_append_cards(srv->store, snap->rules, facts, result, &options, uuids, n,
                                    &entry, diags);
        pthread_mutex_unlock(srv->store_lock);
        if (status == SW_OK) {
            snprintf(reply->decision_id, sizeof reply->decision_id, "%s", entry.decision_id);
            serve_reply_json(reply, &b);
        } else if (status == SW_ERR_NOMEM) {
            serve_reply_nomem(reply);
        } else {
            store_refused(reply, status, diags, "its cards are not given out");
        }
        sw_diagnostics_free(diags);
    }
    free(uuids);
    sw_jdoc_free(&cards);
    sw_buf_free(&b);
}

static void cds_cards(const serve_server *srv, const serve_snapshot *snap,
                      const serve_call *call, serve_reply *reply)
{
    sw_jdoc doc;
    if (parse_json(call, &doc, reply) != 0) {
        sw_jdoc_free(&doc);
        return;
    }
    sw_diagnostics *mapping = sw_diagnostics_new();
    if (mapping == NULL) {
        serve_reply_nomem(reply);
        sw_jdoc_free(&doc);
        return;
    }
    const char *instance = cds_hook_instance(doc.root, reply);
    sw_facts *facts = instance != NULL ? cds_facts(snap, call, doc.root, mapping, reply) : NULL;
    sw_result *result = facts != NULL ? serve_evaluate(snap, facts, reply) : NULL;
    if (result != NULL && srv->store != NULL) {
        store_cards(srv, snap, facts, result, instance, mapping, reply);
    } else if (result != NULL && log_decision(srv, snap, facts, result, reply) == 0) {
        sw_buf b = {0}, link = {0};
        if (serve_cards_link(srv->public_url, reply->decision_id, &link) != 0 ||
            serve_cards_render_mapped(sw_result_report(result), instance, link.len ? link.data : NULL,
                                      mapping, &b) != 0)
            b.failed = 1;
        sw_buf_free(&link);
        serve_reply_json(reply, &b);
    }
    sw_result_free(result);
    sw_facts_free(facts);
    sw_diagnostics_free(mapping);
    sw_jdoc_free(&doc);
}

static void handle_cds(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    if (known_service(snap, call, reply))
        cds_cards(srv, snap, call, reply);
    serve_rules_release(srv->rules, snap);
}

static void feedback_reply(serve_reply *reply, serve_feedback_status status, size_t recorded,
                           const char *message)
{
    sw_buf b = {0};

    switch (status) {
    case SERVE_FEEDBACK_OK:
        sw_buf_printf(&b, "{\n  \"recorded\": %zu\n}\n", recorded);
        serve_reply_json(reply, &b);
        break;
    case SERVE_FEEDBACK_INVALID:
        serve_reply_error(reply, 400, "invalid_feedback", "%s", message);
        break;
    case SERVE_FEEDBACK_IO:
        fprintf(stderr, "stagewise serve: %s\n", message);
        serve_reply_error(reply, 500, "feedback_not_recorded", "%s", message);
        break;
    case SERVE_FEEDBACK_NOT_STORED:
        fprintf(stderr, "stagewise serve: %s\n", message);
        serve_reply_error(reply, 503, "feedback_not_recorded", "%s", message);
        break;
    case SERVE_FEEDBACK_NOMEM:
        serve_reply_nomem(reply);
        break;
    }
}

static void handle_feedback(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    sw_jdoc doc = {0};
    if (known_service(snap, call, reply) && parse_json(call, &doc, reply) == 0) {
        char message[256] = "";
        size_t recorded = 0;
        serve_feedback_status status = serve_feedback_record(
            srv->feedback, srv->rules, snap, call->service, doc.root, &recorded, message,
            sizeof message);
        feedback_reply(reply, status, recorded, message);
    }
    sw_jdoc_free(&doc);
    serve_rules_release(srv->rules, snap);
}

/* ---- reload ---- */

/* Prints the rendered diagnostics and one line about the outcome, in one piece. */
static void log_reload(const serve_load *load, const serve_snapshot *snap, int ok)
{
    char *text = NULL;
    size_t len = 0, errors = sw_diagnostics_error_count(load->diags);

    if (sw_diagnostics_count(load->diags) > 0)
        sw_diagnostics_render(load->diags, &text, &len);
    flockfile(stderr);
    if (text != NULL) {
        fwrite(text, 1, len, stderr);
        if (len > 0 && text[len - 1] != '\n')
            fputc('\n', stderr);
    }
    if (ok)
        fprintf(stderr, "stagewise serve: reloaded %s %s, sha256 %s, generation %lu\n",
                snap->info->name, snap->info->version, snap->info->sha256, snap->generation);
    else
        fprintf(stderr, "stagewise serve: reload rejected (%s, %zu error%s); still serving "
                        "%s %s, sha256 %s, generation %lu\n",
                sw_status_text(load->status), errors, errors == 1 ? "" : "s",
                snap->info->name, snap->info->version, snap->info->sha256, snap->generation);
    funlockfile(stderr);
    sw_free(text);
}

static void reload_reply(serve_server *srv, const serve_load *load, const serve_snapshot *snap,
                         serve_reply *reply)
{
    if (load->status == SW_OK) {
        sw_buf b = {0};
        sw_json w;
        sw_json_init(&w, &b, 1);
        sw_json_begin_object(&w);
        sw_json_key(&w, "reloaded");
        sw_json_bool(&w, 1);
        sw_json_key(&w, "ruleset");
        serve_json_ruleset(&w, srv->rules, snap);
        sw_json_key(&w, "diagnostics");
        serve_json_diagnostics(&w, load->diags, NULL, 0);
        sw_json_end_object(&w);
        if (sw_json_end_line(&w) != 0)
            b.failed = 1;
        serve_reply_json(reply, &b);
        return;
    }
    char message[400];
    snprintf(message, sizeof message,
             "the rules were not reloaded (%s); still serving %s %s, sha256 %s, generation %lu",
             sw_status_text(load->status), snap->info->name, snap->info->version,
             snap->info->sha256, snap->generation);
    int rules = load->status == SW_ERR_RULES || load->status == SW_ERR_LIMIT;
    serve_reply_diagnostics(reply, rules ? 422 : 500, rules ? "rules_invalid" : "reload_failed",
                            message, load->diags, NULL, 0);
}

void serve_reload(serve_server *srv, serve_reply *reply)
{
    serve_load load;

    if (serve_rules_reload(srv->rules, &load) != 0) {
        fprintf(stderr, "stagewise serve: reload failed: out of memory\n");
        if (reply != NULL)
            serve_reply_nomem(reply);
        return;
    }
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    log_reload(&load, snap, load.status == SW_OK);
    if (reply != NULL)
        reload_reply(srv, &load, snap, reply);
    serve_rules_release(srv->rules, snap);
    sw_diagnostics_free(load.diags);
}

static void handle_reload(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    (void)call;
    serve_reload(srv, reply);
}

/* ---- routing ---- */

static const serve_route route_healthz = {"GET", "GET, HEAD", 0, 1, handle_healthz};
static const serve_route route_ruleset = {"GET", "GET, HEAD", 0, 0, handle_ruleset};
static const serve_route route_evaluate = {"POST", "POST", 1, 0, handle_evaluate};
static const serve_route route_reload = {"POST", "POST", 1, 0, handle_reload};
static const serve_route route_discovery = {"GET", "GET, HEAD", 0, 0, handle_discovery};
static const serve_route route_cds = {"POST", "POST", 1, 0, handle_cds};
static const serve_route route_feedback = {"POST", "POST", 1, 0, handle_feedback};

const serve_route *serve_route_find(const char *path, const char **service,
                                    size_t *service_len)
{
    static const struct {
        const char *path;
        const serve_route *route;
    } fixed[] = {
        {"/healthz", &route_healthz},       {"/v1/ruleset", &route_ruleset},
        {"/v1/evaluate", &route_evaluate},  {"/v1/admin/reload", &route_reload},
        {"/cds-services", &route_discovery},
    };
    static const char cds[] = "/cds-services/";

    *service = NULL;
    *service_len = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(path, fixed[i].path) == 0)
            return fixed[i].route;
    if (strncmp(path, cds, sizeof cds - 1) != 0)
        return serve_workbench_route(path, service, service_len);
    const char *id = path + sizeof cds - 1;
    const char *slash = strchr(id, '/');
    size_t len = slash != NULL ? (size_t)(slash - id) : strlen(id);
    if (len == 0 || (slash != NULL && strcmp(slash, "/feedback") != 0))
        return NULL;
    *service = id;
    *service_len = len;
    return slash != NULL ? &route_feedback : &route_cds;
}
