/*
 * fuzz_http.c - libFuzzer target for the service's request routing and body
 * handling: each input is "METHOD\nPATH\nBODY"; the path is routed
 * (serve_route_find), the method checked as the server checks it, and the body
 * handed to the endpoint's handler, as serve_http.c does once libmicrohttpd has
 * read a request. The reply must have a status the service documents and, when it
 * has a body, a JSON one. The shipped rules are served; feedback goes to
 * /dev/null; POST /v1/admin/reload is routed but not run (it reads the rule files
 * again, which is not what is being fuzzed). Built with -DSTAGEWISE_FUZZ=ON;
 * docs/performance.md says how to run it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "serve_http.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The server every input is sent to: set up once, never freed (libFuzzer's entry
 * points leave no other place to keep it). */
static serve_server server;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = SW_SOURCE_DIR "/rules";
    sw_diagnostics *diags = sw_diagnostics_new();
    fuzz_check(diags != NULL, "out of memory");
    sw_ruleset *rules = NULL;
    sw_status st = sw_ruleset_load_files(&path, 1, &rules, diags);
    sw_diagnostics_free(diags);
    fuzz_check(st == SW_OK, "cannot load the shipped rules");
    fuzz_check(serve_rules_open(&path, 1, rules, &server.rules) == 0, "out of memory");
    int error_number = 0;
    fuzz_check(serve_feedback_open("/dev/null", &server.feedback, &error_number) == 0,
               "cannot open /dev/null for feedback");
    server.max_body = (size_t)1 << 20;
    server.timeout = 30;
    pthread_mutex_init(&server.lock, NULL);
    pthread_cond_init(&server.idle, NULL);
    return 0;
}

/* The next line of data[*at..size), NUL-terminated in a copy the caller frees. */
static char *line_of(const uint8_t *data, size_t size, size_t *at)
{
    size_t start = *at, end = start;
    while (end < size && data[end] != '\n')
        end++;
    char *s = malloc(end - start + 1);
    fuzz_check(s != NULL, "out of memory");
    memcpy(s, data + start, end - start);
    s[end - start] = '\0';
    *at = end < size ? end + 1 : end;
    return s;
}

static int method_allowed(const serve_route *route, const char *method)
{
    if (strcmp(route->method, "GET") == 0)
        return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    return strcmp(method, route->method) == 0;
}

static int documented(unsigned status)
{
    static const unsigned statuses[] = {200, 400, 401, 404, 405, 412, 413, 422, 500, 503};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (status == statuses[i])
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t at = 0;
    char *method = line_of(data, size, &at);
    char *path = line_of(data, size, &at);
    char *body = malloc(size - at + 1);
    fuzz_check(body != NULL, "out of memory");
    memcpy(body, data + at, size - at);
    body[size - at] = '\0';

    const char *service = NULL;
    size_t service_len = 0;
    const serve_route *route = serve_route_find(path, &service, &service_len);
    char id[256] = "";
    if (route != NULL && method_allowed(route, method) && strcmp(path, "/v1/admin/reload") != 0 &&
        (service == NULL || service_len < sizeof id)) {
        if (service != NULL) {
            memcpy(id, service, service_len);
            id[service_len] = '\0';
        }
        serve_call call = {body, size - at, service != NULL ? id : NULL};
        serve_reply reply = {0};
        route->handle(&server, &call, &reply);
        fuzz_check(documented(reply.status), "a reply status the service does not document");
        fuzz_check(reply.body == NULL || (reply.len > 0 && (reply.body[0] == '{' ||
                                                            reply.body[0] == '[')),
                   "a reply body that is not JSON");
        serve_reply_free(&reply);
    }
    free(method);
    free(path);
    free(body);
    return 0;
}
