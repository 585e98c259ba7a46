/*
 * serve_http.h - the HTTP side of `stagewise serve`: the server's shared state, the
 * reply every endpoint builds, the route table and the endpoint handlers.
 *
 * serve_http.c runs libmicrohttpd (its internal thread pool), reads request bodies
 * up to the limit, enforces the request timeout and authentication, routes, and
 * sends each reply; serve_routes.c holds one handler per endpoint; serve_reply.c
 * builds the JSON replies (results, errors with the library's diagnostics). The
 * handlers never print the request; they report on standard error only what an
 * operator must see (reloads, internal errors).
 */
#ifndef SERVE_HTTP_H
#define SERVE_HTTP_H

#include <pthread.h>
#include <stddef.h>

#include "serve_auth.h"
#include "serve_feedback.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/jsonread.h"
#include "util/text.h"
#include "serve_rules.h"
#include "stagewise.h"

struct MHD_Daemon;

/* What every request handler shares. Set up by cmd_serve.c; the fields above
 * `lock` are read-only while the server runs. */
typedef struct serve_server {
    serve_rules *rules;
    serve_feedback *feedback;
    const serve_tokens *tokens;       /* NULL: no authentication */
    const char *log_path;             /* --log: a decision record per evaluation, or NULL */
    sw_store *store;                  /* --store: records go to PostgreSQL instead, or NULL */
    pthread_mutex_t *store_lock;      /* one request at a time uses the store's connection */
    const char *scenarios_path;       /* --scenarios: scenario files for the workbench, or NULL */
    const char *hazards_path;         /* --hazards: the hazard log for the workbench, or NULL */
    const sw_record_options *log_options;   /* how each record is written */
    const char *public_url;           /* the base of the cards' links, or NULL */
    size_t max_body;                  /* bytes */
    unsigned timeout;                 /* seconds: idle connection and whole request */
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock;             /* guards what follows */
    pthread_cond_t idle;              /* signalled when inflight drops to 0 */
    size_t inflight;                  /* requests begun and not yet completed */
    unsigned long served;             /* requests completed */
    int stopping;                     /* shutting down: answer, then close */
} serve_server;

/* A reply: status, JSON body (or none), and the Allow header for 405. */
typedef struct serve_reply {
    unsigned status;
    char *body;
    size_t len;
    int library_body;                 /* body is freed with sw_free, else free() */
    int static_body;                  /* body is static (never freed) */
    const char *content_type;         /* NULL: application/json */
    const char *allow;
    char decision_id[65];             /* sent as Stagewise-Decision-Id when not empty */
} serve_reply;

/* A routed request as the handlers see it. */
typedef struct serve_call {
    const char *body;                 /* NUL-terminated; "" when there is none */
    size_t len;
    const char *service;              /* {id} of /cds-services/{id}[/feedback] */
} serve_call;

typedef void (*serve_handler)(serve_server *srv, const serve_call *call, serve_reply *reply);

typedef struct serve_route {
    const char *method;               /* "GET" (HEAD too) or "POST" */
    const char *allow;                /* the Allow header when the method is wrong */
    int needs_body;
    int public;                       /* answered without a token */
    serve_handler handle;
} serve_route;

/* The route of a path, or NULL for an unknown path. service receives the {id} part
 * of /cds-services/{id} paths (a pointer into path, length *service_len). */
const serve_route *serve_route_find(const char *path, const char **service,
                                    size_t *service_len);

/* Reloads the rules (SIGHUP or POST /v1/admin/reload): reports on standard error
 * and, when reply is not NULL, as the admin endpoint's reply. */
void serve_reload(serve_server *srv, serve_reply *reply);

/* ---- shared by the handlers (serve_routes.c) ---- */

/* Reads one client document; NULL with the reply set when it has problems. source
 * (may be NULL) is the text to quote in diagnostics, when text is a blanked copy. */
sw_facts *serve_read_facts(const serve_snapshot *snap, const char *name, const char *text,
                           size_t len, const char *source, size_t source_len,
                           serve_reply *reply);
/* Evaluates; NULL with the reply set on failure. */
sw_result *serve_evaluate(const serve_snapshot *snap, const sw_facts *facts, serve_reply *reply);

/* GET /v1/rules and GET /v1/hazards (serve_guidance.c). */
void serve_handle_rules(serve_server *srv, const serve_call *call, serve_reply *reply);
void serve_handle_hazards(serve_server *srv, const serve_call *call, serve_reply *reply);

/* The workbench's routes (serve_workbench.c): /ui/..., /v1/schema, /v1/rules,
 * /v1/try, /v1/explain[/RULE], /v1/why-not/QUESTION, /v1/decisions/ID; NULL for
 * another path. suffix receives the part after the route's prefix, as for
 * serve_route_find. */
const serve_route *serve_workbench_route(const char *path, const char **suffix,
                                         size_t *suffix_len);

/* ---- replies (serve_reply.c) ---- */

/* An error reply: {"error": code, "status": status, "message": ..., "diagnostics": []}. */
void serve_reply_error(serve_reply *reply, unsigned status, const char *code,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* An error reply listing the library's diagnostics. When source is not NULL, each
 * diagnostic's source_line is taken from source (the text the line numbers count
 * in) rather than from the text the library read. */
void serve_reply_diagnostics(serve_reply *reply, unsigned status, const char *code,
                             const char *message, const sw_diagnostics *diags,
                             const char *source, size_t source_len);
/* A 200 reply with the JSON text in b (taken over; out of memory gives a 500). */
void serve_reply_json(serve_reply *reply, sw_buf *b);
/* The reply's body when building a reply ran out of memory. */
void serve_reply_nomem(serve_reply *reply);
void serve_reply_free(serve_reply *reply);
/* Writes the diagnostics as a JSON array (used by errors and reload replies);
 * source as for serve_reply_diagnostics. */
void serve_json_diagnostics(sw_json *w, const sw_diagnostics *diags, const char *source,
                            size_t source_len);
/* Writes the rule set's description object (GET /v1/ruleset, reload replies). */
void serve_json_ruleset(sw_json *w, serve_rules *rules, const serve_snapshot *snap);

/* ---- the server (serve_http.c) ---- */

/* Starts answering on the listening socket fd with a pool of threads. Returns 0, or
 * -1 when libmicrohttpd could not start. */
int serve_http_start(serve_server *srv, int fd, unsigned threads);
/* Stops accepting connections, lets requests in flight finish (waiting at most
 * drain seconds), then stops every thread. */
void serve_http_stop(serve_server *srv, unsigned drain);

#endif
