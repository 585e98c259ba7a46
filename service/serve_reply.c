/*
 * serve_reply.c - the JSON replies of the service: errors, the library's
 * diagnostics as JSON, and the rule set's description (see serve_http.h).
 *
 * Every error is one JSON object naming the problem:
 *   {"error": "invalid_facts", "status": 422, "message": "...", "diagnostics": [...]}
 * `error` is a stable code (docs/integration.md lists them), `message` says what
 * to do in words, `diagnostics` is always present (often empty).
 */
#include "serve_http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body sent when a reply could not be built for lack of memory. */
static const char nomem_body[] =
    "{\n  \"error\": \"out_of_memory\",\n  \"status\": 500,\n"
    "  \"message\": \"the server ran out of memory answering this request\",\n"
    "  \"diagnostics\": []\n}\n";

void serve_reply_free(serve_reply *reply)
{
    if (!reply->static_body && reply->body != nomem_body) {
        if (reply->library_body)
            sw_free(reply->body);
        else
            free(reply->body);
    }
    reply->body = NULL;
    reply->len = 0;
    reply->static_body = 0;
}

void serve_reply_nomem(serve_reply *reply)
{
    serve_reply_free(reply);
    reply->status = 500;
    reply->body = (char *)nomem_body;
    reply->len = sizeof nomem_body - 1;
    reply->library_body = 0;
    reply->static_body = 1;
    reply->content_type = NULL;
}

/* Takes b's text as the reply body with the given status. */
static void reply_take(serve_reply *reply, unsigned status, sw_buf *b, int ok)
{
    size_t len = 0;
    char *body = sw_buf_take(b, &len);
    if (body == NULL || !ok) {
        free(body);
        serve_reply_nomem(reply);
        return;
    }
    serve_reply_free(reply);
    reply->status = status;
    reply->body = body;
    reply->len = len;
    reply->library_body = 0;
    reply->static_body = 0;
    reply->content_type = NULL;
}

void serve_reply_json(serve_reply *reply, sw_buf *b)
{
    reply_take(reply, 200, b, !b->failed);
}

static const char *severity_name(sw_severity s)
{
    return s == SW_SEV_ERROR ? "error" : s == SW_SEV_WARNING ? "warning" : "note";
}

/* Writes line number line of source (without its newline) as a string, or null
 * when there is no such line or it is longer than the library would quote. */
static void source_line(sw_json *w, const char *source, size_t len, unsigned line)
{
    size_t start = 0;
    for (unsigned n = 1; n < line && start < len; start++)
        if (source[start] == '\n')
            n++;
    const char *nl = start < len ? memchr(source + start, '\n', len - start) : NULL;
    size_t end = nl != NULL ? (size_t)(nl - source) : len;
    if (line == 0 || start > len || end - start > 4096) {
        sw_json_null(w);
        return;
    }
    if (end > start && source[end - 1] == '\r')
        end--;
    sw_json_string_n(w, source + start, end - start);
}

static void json_diagnostic(sw_json *w, const sw_diagnostic *d, const char *source,
                            size_t source_len)
{
    sw_json_begin_object(w);
    sw_json_key(w, "severity");
    sw_json_string(w, severity_name(d->severity));
    sw_json_key(w, "code");
    sw_json_string(w, d->code);
    sw_json_key(w, "message");
    sw_json_string(w, d->message);
    sw_json_key(w, "hint");
    sw_json_string(w, d->hint);
    sw_json_key(w, "file");
    sw_json_string(w, d->file);
    sw_json_key(w, "line");
    if (d->line > 0)
        sw_json_int(w, d->line);
    else
        sw_json_null(w);
    sw_json_key(w, "column");
    if (d->column > 0)
        sw_json_int(w, d->column);
    else
        sw_json_null(w);
    sw_json_key(w, "field");
    sw_json_string(w, d->field);
    sw_json_key(w, "source_line");
    if (source != NULL && d->source_line != NULL)
        source_line(w, source, source_len, d->line);
    else
        sw_json_string(w, d->source_line);
    sw_json_end_object(w);
}

void serve_json_diagnostics(sw_json *w, const sw_diagnostics *diags, const char *source,
                            size_t source_len)
{
    size_t n = diags != NULL ? sw_diagnostics_count(diags) : 0;
    sw_json_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        const sw_diagnostic *d = sw_diagnostics_at(diags, i);
        if (d != NULL)
            json_diagnostic(w, d, source, source_len);
    }
    sw_json_end_array(w);
}

static void error_reply(serve_reply *reply, unsigned status, const char *code,
                        const char *message, const sw_diagnostics *diags, const char *source,
                        size_t source_len)
{
    sw_buf b = {0};
    sw_json w;

    sw_json_init(&w, &b, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "error");
    sw_json_string(&w, code);
    sw_json_key(&w, "status");
    sw_json_int(&w, status);
    sw_json_key(&w, "message");
    sw_json_string(&w, message);
    sw_json_key(&w, "diagnostics");
    serve_json_diagnostics(&w, diags, source, source_len);
    sw_json_end_object(&w);
    reply_take(reply, status, &b, sw_json_end_line(&w) == 0);
}

void serve_reply_error(serve_reply *reply, unsigned status, const char *code,
                       const char *fmt, ...)
{
    char message[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    error_reply(reply, status, code, message, NULL, NULL, 0);
}

void serve_reply_diagnostics(serve_reply *reply, unsigned status, const char *code,
                             const char *message, const sw_diagnostics *diags,
                             const char *source, size_t source_len)
{
    error_reply(reply, status, code, message, diags, source, source_len);
}

static void json_count(sw_json *w, const char *key, size_t n)
{
    sw_json_key(w, key);
    sw_json_int(w, (long long)n);
}

static void json_counts(sw_json *w, const sw_ruleset_info *info)
{
    sw_json_key(w, "counts");
    sw_json_begin_object(w);
    json_count(w, "rules", info->rules);
    json_count(w, "facts", info->facts);
    json_count(w, "derived", info->derived);
    json_count(w, "stages", info->stages);
    for (size_t k = 0; k < info->nkinds; k++)   /* every output kind, by its plural */
        if (sw_kind_at(k))
            json_count(w, sw_kind_at(k)->plural, info->kind_items[k]);
    json_count(w, "sources", info->sources);
    json_count(w, "statements", info->statements);
    sw_json_end_object(w);
}

void serve_json_ruleset(sw_json *w, serve_rules *rules, const serve_snapshot *snap)
{
    const sw_ruleset_info *info = snap->info;
    unsigned long accepted, overridden;

    serve_rules_feedback(rules, info->sha256, &accepted, &overridden);
    sw_json_begin_object(w);
    sw_json_key(w, "name");
    sw_json_string(w, info->name);
    sw_json_key(w, "title");
    sw_json_string(w, info->title);
    sw_json_key(w, "version");
    sw_json_string(w, info->version);
    sw_json_key(w, "sha256");
    sw_json_string(w, info->sha256);
    sw_json_key(w, "engine_version");
    sw_json_string(w, sw_version());
    sw_json_key(w, "result_format");
    sw_json_string(w, SW_RESULT_FORMAT);
    sw_json_key(w, "generation");
    sw_json_int(w, (long long)snap->generation);
    sw_json_key(w, "loaded_at");
    sw_json_string(w, snap->loaded_at);
    json_counts(w, info);
    sw_json_key(w, "feedback");
    sw_json_begin_object(w);
    sw_json_key(w, "accepted");
    sw_json_int(w, (long long)accepted);
    sw_json_key(w, "overridden");
    sw_json_int(w, (long long)overridden);
    sw_json_end_object(w);
    sw_json_end_object(w);
}
