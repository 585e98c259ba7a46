/*
 * serve_http.c - libmicrohttpd plumbing for `stagewise serve` (see serve_http.h).
 *
 * libmicrohttpd calls access_handler several times per request: once when the
 * headers have arrived, once per piece of the body, and once more when the body is
 * complete. On the first call the request is routed and refused at once when the
 * path is unknown (404), the method wrong (405), the token missing or wrong (401)
 * or the declared length (Content-Length) too big (413), so a refused body is never
 * read. The body is then gathered up to the limit and the handler runs on the last
 * call. libmicrohttpd cannot send a reply while a body is still arriving, so a
 * chunked body that goes over the limit is read to its end and dropped before the
 * 413 (up to DISCARD_MAX, then the connection is closed), and a request whose body
 * has not arrived within the timeout has its connection closed without a reply.
 *
 * Every request is counted from its first call to libmicrohttpd's "completed"
 * notification, which comes after the reply has been sent or the connection lost.
 * Shutdown waits for that count to reach zero, so requests in flight finish.
 *
 * Stage service/ - the HTTP service of `stagewise serve`: routes (serve_routes.c),
 * CDS Hooks cards and feedback, bearer tokens (serve_auth.c), the reloadable rule
 * set (serve_rules.c), replies (serve_reply.c) and this HTTP plumbing.
 * May use: include/stagewise.h and engine/util/ (the support layer); never cli/. (tests/layout checks it.)
 */
#define _POSIX_C_SOURCE 200809L
#include "serve_http.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/grow.h"

/* The state of one request, from its first call to its completion. */
typedef struct serve_request {
    const serve_route *route;
    char service[256];        /* the {id} of /cds-services/{id} */
    char *body;
    size_t len, cap;
    int replied;              /* a reply has been queued */
    unsigned refused;         /* 413 (too big) or 500 (out of memory): body dropped */
    size_t dropped;           /* bytes of a refused body read so far */
    struct timespec started;
} serve_request;

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* ---- sending replies ---- */

static void free_library_body(void *body)
{
    sw_free(body);
}

static struct MHD_Response *make_response(serve_reply *reply)
{
    struct MHD_Response *response;

    if (reply->body == NULL)
        response = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    else if (reply->static_body)
        response = MHD_create_response_from_buffer(reply->len, reply->body,
                                                   MHD_RESPMEM_PERSISTENT);
    else if (reply->library_body)
        response = MHD_create_response_from_buffer_with_free_callback(reply->len, reply->body,
                                                                      free_library_body);
    else
        response = MHD_create_response_from_buffer_with_free_callback(reply->len, reply->body,
                                                                      free);
    return response;
}

static void add_headers(struct MHD_Response *response, const serve_reply *reply, int closing)
{
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            reply->content_type != NULL ? reply->content_type
                                                        : "application/json; charset=utf-8");
    /* The workbench's pages load only their own files and talk only to this server. */
    if (reply->content_type != NULL)
        MHD_add_response_header(response, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    if (reply->allow != NULL)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, reply->allow);
    if (reply->status == 401)
        MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"stagewise\"");
    if (reply->decision_id[0] != '\0')
        MHD_add_response_header(response, "Stagewise-Decision-Id", reply->decision_id);
    if (closing)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* Queues the reply (its body is handed to libmicrohttpd) and marks req replied. */
static enum MHD_Result send_reply(serve_server *srv, struct MHD_Connection *conn,
                                  serve_request *req, serve_reply *reply)
{
    pthread_mutex_lock(&srv->lock);
    int closing = srv->stopping;
    pthread_mutex_unlock(&srv->lock);

    if (reply->body == NULL)
        serve_reply_nomem(reply);
    struct MHD_Response *response = make_response(reply);
    if (response == NULL) {
        serve_reply_free(reply);
        return MHD_NO; /* libmicrohttpd closes the connection */
    }
    /* From here the response owns the body (static bodies are never freed). */
    reply->body = NULL;
    add_headers(response, reply, closing);
    enum MHD_Result rc = MHD_queue_response(conn, reply->status, response);
    MHD_destroy_response(response);
    if (req != NULL)
        req->replied = 1;
    if (reply->status >= 500)
        fprintf(stderr, "stagewise serve: answered %u\n", reply->status);
    return rc;
}

/* ---- the first call: route, method, auth, declared length ---- */

static int method_allowed(const serve_route *route, const char *method)
{
    if (strcmp(route->method, "GET") == 0)
        return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    return strcmp(method, route->method) == 0;
}

/* Checks what can be checked before the body; 0 to go on, else a reply is set. */
static int preflight(serve_server *srv, struct MHD_Connection *conn, const char *url,
                     const char *method, serve_request *req, serve_reply *reply)
{
    const char *service;
    size_t service_len;

    req->route = serve_route_find(url, &service, &service_len);
    int public = req->route != NULL && req->route->public;
    if (!public && srv->tokens != NULL &&
        !serve_tokens_check(srv->tokens, MHD_lookup_connection_value(
                                             conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))) {
        serve_reply_error(reply, 401, "unauthorized",
                          "this server needs an Authorization: Bearer header with a valid token");
        return -1;
    }
    if (req->route == NULL) {
        serve_reply_error(reply, 404, "not_found", "there is no endpoint at '%s'", url);
        return -1;
    }
    if (!method_allowed(req->route, method)) {
        serve_reply_error(reply, 405, "method_not_allowed", "'%s' takes %s, not %s", url,
                          req->route->allow, method);
        reply->allow = req->route->allow;
        return -1;
    }
    if (service != NULL) {
        if (service_len >= sizeof req->service) {
            serve_reply_error(reply, 404, "unknown_service", "there is no such CDS service");
            return -1;
        }
        memcpy(req->service, service, service_len);
        req->service[service_len] = '\0';
    }
    const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (req->route->needs_body && length != NULL && strtoull(length, NULL, 10) > srv->max_body) {
        serve_reply_error(reply, 413, "body_too_large",
                          "the body is larger than the %zu byte limit", srv->max_body);
        return -1;
    }
    return 0;
}

static serve_request *begin_request(serve_server *srv)
{
    serve_request *req = calloc(1, sizeof *req);
    if (req == NULL)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &req->started);
    pthread_mutex_lock(&srv->lock);
    srv->inflight++;
    pthread_mutex_unlock(&srv->lock);
    return req;
}

/* ---- the body ---- */

/* How much of a body over the limit is read (and dropped) before the connection is
 * closed without a reply: libmicrohttpd cannot send a reply while a body is still
 * arriving, so a 413 for a body without Content-Length waits for its end. */
#define DISCARD_MAX ((size_t)16 * 1024 * 1024)

/* Adds a piece of the body. Returns 1 to go on, 0 to close the connection (the
 * request timed out, or a body too big went on for too long). */
static int gather(serve_server *srv, serve_request *req, const char *data, size_t size)
{
    if (seconds_since(&req->started) > (double)srv->timeout)
        return 0;
    if (req->refused != 0) {
        req->dropped += size;
        return req->dropped <= DISCARD_MAX;
    }
    if (size > srv->max_body - req->len) {
        req->refused = 413;
        req->dropped = req->len + size;
        return 1;
    }
    if (!sw_grow_to(&req->body, &req->cap, req->len + size + 1, 1, 4096, SIZE_MAX)) {
        req->refused = 500;
        return 1;
    }
    memcpy(req->body + req->len, data, size);
    req->len += size;
    req->body[req->len] = '\0';
    return 1;
}

static enum MHD_Result dispatch(serve_server *srv, struct MHD_Connection *conn,
                                serve_request *req)
{
    serve_reply reply = {0};
    serve_call call = {req->body != NULL ? req->body : "", req->len,
                       req->service[0] != '\0' ? req->service : NULL};

    if (req->refused == 413)
        serve_reply_error(&reply, 413, "body_too_large",
                          "the body is larger than the %zu byte limit", srv->max_body);
    else if (req->refused != 0)
        serve_reply_nomem(&reply);
    else
        req->route->handle(srv, &call, &reply);
    return send_reply(srv, conn, req, &reply);
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **req_cls)
{
    serve_server *srv = cls;
    serve_request *req = *req_cls;
    serve_reply reply = {0};

    (void)version;
    if (req == NULL) {
        req = begin_request(srv);
        if (req == NULL)
            return MHD_NO;
        *req_cls = req;
        if (preflight(srv, conn, url, method, req, &reply) != 0)
            return send_reply(srv, conn, req, &reply);
        return MHD_YES; /* a reply queued now would close the connection */
    }
    if (req->replied) {
        *upload_data_size = 0; /* a reply was queued early: drop the rest */
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t size = *upload_data_size;
        *upload_data_size = 0;
        return gather(srv, req, upload_data, size) ? MHD_YES : MHD_NO;
    }
    return dispatch(srv, conn, req);
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                              enum MHD_RequestTerminationCode code)
{
    serve_server *srv = cls;
    serve_request *req = *req_cls;

    (void)conn;
    (void)code;
    if (req == NULL)
        return;
    *req_cls = NULL;
    free(req->body);
    free(req);
    pthread_mutex_lock(&srv->lock);
    srv->inflight--;
    srv->served++;
    if (srv->inflight == 0)
        pthread_cond_broadcast(&srv->idle);
    pthread_mutex_unlock(&srv->lock);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    char message[512];

    (void)cls;
    vsnprintf(message, sizeof message, fmt, ap);
    size_t len = strlen(message);
    while (len > 0 && message[len - 1] == '\n')
        message[--len] = '\0';
    fprintf(stderr, "stagewise serve: libmicrohttpd: %s\n", message);
}

/* ---- start and stop ---- */

int serve_http_start(serve_server *srv, int fd, unsigned threads)
{
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG;
    /* The logger must come first; the pool size last, since with one thread it is
     * left out (END stops the list there). */
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, srv,
        MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
        MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_CONNECTION_TIMEOUT, srv->timeout,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, srv,
        threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads,
        MHD_OPTION_END);
    return srv->daemon != NULL ? 0 : -1;
}

void serve_http_stop(serve_server *srv, unsigned drain)
{
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)drain;
    pthread_mutex_lock(&srv->lock);
    srv->stopping = 1;
    while (srv->inflight > 0)
        if (pthread_cond_timedwait(&srv->idle, &srv->lock, &deadline) != 0)
            break;
    size_t left = srv->inflight;
    pthread_mutex_unlock(&srv->lock);
    if (left > 0)
        fprintf(stderr, "stagewise serve: %zu request%s still running after %u s; stopping "
                        "anyway\n", left, left == 1 ? "" : "s", drain);
    MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
}
