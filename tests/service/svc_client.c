/*
 * svc_client.c - a small HTTP/1.1 client for the service tests: a fixed number of
 * requests from a few threads over keep-alive loopback connections, or one request
 * whose body is sent in two halves with a pause between (for the shutdown and
 * request-timeout tests).
 *
 * Usage:
 *   svc_client load PORT PATH BODYFILE REQUESTS THREADS [options]
 *   svc_client slow PORT PATH BODYFILE PAUSE_MS [options]
 *   svc_client raw PORT REQUESTFILE PAUSE_MS [options]
 * Options:
 *   --token TOKEN       send "Authorization: Bearer TOKEN"
 *   --expect STATUS     the status every reply must have (default 200)
 *   --contains TEXT     every reply body must contain TEXT (repeatable)
 *   --count-key KEY     count replies by the string value of "KEY": "..." in the body
 *                       and print one line "KEY VALUE COUNT" per value
 *
 * load prints "requests N ok N failed N seconds S requests/s R" and exits 0 when
 * every request got a complete reply that met the expectations, else 1 (the first
 * few failures are described on stderr). slow prints "half-sent" once the first
 * half is out, then "status CODE" and the body, or "closed" when the server closed
 * the connection without replying; it exits 0 when the reply met the expectations.
 * raw sends REQUESTFILE as it is (request line, headers and body, any bytes) in two
 * halves with PAUSE_MS between them, for malformed and hostile requests; it prints
 * like slow, and with --expect 0 it expects the connection closed without a reply.
 *
 * Only loopback: the host is always 127.0.0.1.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONTAINS 8
#define MAX_KEYS 16

typedef struct config {
    int port;
    const char *path;
    char *body;
    size_t body_len;
    const char *token;
    int expect;
    const char *contains[MAX_CONTAINS];
    size_t ncontains;
    const char *count_key;
} config;

typedef struct key_count {
    char value[80];
    unsigned long count;
} key_count;

typedef struct worker {
    const config *cfg;
    pthread_t thread;
    unsigned long requests, ok, failed;
    key_count keys[MAX_KEYS];
    size_t nkeys;
    pthread_mutex_t *report_lock;
    unsigned *reported;
} worker;

typedef struct reply {
    int status;
    int closing;           /* the server said Connection: close */
    char *body;
    size_t body_len;
} reply;

/* ---- sockets ---- */

static int connect_loopback(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The request head for cfg, written into head. */
static size_t request_head(const config *cfg, char *head, size_t size)
{
    char auth[600] = "";
    if (cfg->token != NULL)
        snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", cfg->token);
    int n = snprintf(head, size,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%sContent-Type: "
                     "application/json\r\nContent-Length: %zu\r\n\r\n",
                     cfg->body != NULL ? "POST" : "GET", cfg->path, cfg->port, auth,
                     cfg->body_len);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* ---- reading a reply ---- */

/* A growable receive buffer that keeps bytes left over between replies. */
typedef struct inbuf {
    char *data;
    size_t len, cap;
} inbuf;

static int fill(int fd, inbuf *in)
{
    if (in->cap - in->len < 65536) {
        size_t cap = in->cap == 0 ? 131072 : in->cap * 2;
        char *grown = realloc(in->data, cap + 1);
        if (grown == NULL)
            return -1;
        in->data = grown;
        in->cap = cap;
    }
    ssize_t n;
    do
        n = recv(fd, in->data + in->len, in->cap - in->len, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    in->len += (size_t)n;
    in->data[in->len] = '\0';
    return 0;
}

static const char *find_header(const char *head, size_t head_len, const char *name)
{
    size_t name_len = strlen(name);
    for (const char *p = head; p != NULL && p < head + head_len;) {
        const char *line = strstr(p, "\r\n");
        if (line == NULL)
            return NULL;
        line += 2;
        if (strncasecmp(line, name, name_len) == 0 && line[name_len] == ':')
            return line + name_len + 1;
        p = line;
    }
    return NULL;
}

/* Reads one reply; 0, or -1 when the connection closed before a complete reply. */
static int read_reply(int fd, inbuf *in, reply *out)
{
    char *end;
    while ((end = in->len > 0 ? strstr(in->data, "\r\n\r\n") : NULL) == NULL)
        if (fill(fd, in) != 0)
            return -1;
    size_t head_len = (size_t)(end - in->data) + 4;
    if (sscanf(in->data, "HTTP/1.1 %d", &out->status) != 1)
        return -1;
    const char *length = find_header(in->data, head_len, "Content-Length");
    const char *connection = find_header(in->data, head_len, "Connection");
    size_t body_len = length != NULL ? strtoul(length, NULL, 10) : 0;
    out->closing = connection != NULL && strncasecmp(connection + strspn(connection, " "),
                                                     "close", 5) == 0;
    while (in->len < head_len + body_len)
        if (fill(fd, in) != 0)
            return -1;
    out->body = malloc(body_len + 1);
    if (out->body == NULL)
        return -1;
    memcpy(out->body, in->data + head_len, body_len);
    out->body[body_len] = '\0';
    out->body_len = body_len;
    memmove(in->data, in->data + head_len + body_len, in->len - head_len - body_len);
    in->len -= head_len + body_len;
    in->data[in->len] = '\0';
    return 0;
}

/* ---- checking ---- */

static const char *check_reply(const config *cfg, const reply *r)
{
    if (r->status != cfg->expect)
        return "unexpected status";
    for (size_t i = 0; i < cfg->ncontains; i++)
        if (strstr(r->body, cfg->contains[i]) == NULL)
            return "body lacks an expected text";
    return NULL;
}

static void count_key(worker *w, const char *body)
{
    char pattern[120];
    snprintf(pattern, sizeof pattern, "\"%s\": \"", w->cfg->count_key);
    const char *at = strstr(body, pattern);
    char value[80] = "(none)";
    if (at != NULL) {
        at += strlen(pattern);
        size_t len = strcspn(at, "\"");
        if (len >= sizeof value)
            len = sizeof value - 1;
        memcpy(value, at, len);
        value[len] = '\0';
    }
    for (size_t i = 0; i < w->nkeys; i++)
        if (strcmp(w->keys[i].value, value) == 0) {
            w->keys[i].count++;
            return;
        }
    if (w->nkeys < MAX_KEYS) {
        strcpy(w->keys[w->nkeys].value, value);
        w->keys[w->nkeys++].count = 1;
    }
}

static void report_failure(worker *w, const char *what, const reply *r)
{
    pthread_mutex_lock(w->report_lock);
    if ((*w->reported)++ < 5)
        fprintf(stderr, "svc_client: request failed: %s (status %d): %.300s\n", what,
                r != NULL ? r->status : 0, r != NULL && r->body != NULL ? r->body : "");
    pthread_mutex_unlock(w->report_lock);
}

/* ---- load ---- */

static void *run_worker(void *arg)
{
    worker *w = arg;
    char head[1024];
    size_t head_len = request_head(w->cfg, head, sizeof head);
    inbuf in = {0};
    int fd = -1;

    for (unsigned long i = 0; i < w->requests; i++) {
        if (fd < 0 && (fd = connect_loopback(w->cfg->port)) < 0) {
            w->failed++;
            report_failure(w, "cannot connect", NULL);
            continue;
        }
        reply r = {0};
        if (send_all(fd, head, head_len) != 0 ||
            send_all(fd, w->cfg->body != NULL ? w->cfg->body : "", w->cfg->body_len) != 0 ||
            read_reply(fd, &in, &r) != 0) {
            w->failed++;
            report_failure(w, "connection closed before a complete reply", NULL);
            close(fd);
            fd = -1;
            in.len = 0;
            free(r.body);
            continue;
        }
        const char *problem = check_reply(w->cfg, &r);
        if (problem != NULL) {
            w->failed++;
            report_failure(w, problem, &r);
        } else {
            w->ok++;
            if (w->cfg->count_key != NULL)
                count_key(w, r.body);
        }
        if (r.closing) {
            close(fd);
            fd = -1;
            in.len = 0;
        }
        free(r.body);
    }
    if (fd >= 0)
        close(fd);
    free(in.data);
    return NULL;
}

static void merge_keys(key_count *all, size_t *nall, const worker *w)
{
    for (size_t k = 0; k < w->nkeys; k++) {
        size_t i = 0;
        while (i < *nall && strcmp(all[i].value, w->keys[k].value) != 0)
            i++;
        if (i == *nall) {
            if (*nall == MAX_KEYS)
                continue;
            all[(*nall)++] = (key_count){{0}, 0};
            strcpy(all[i].value, w->keys[k].value);
        }
        all[i].count += w->keys[k].count;
    }
}

static int run_load(const config *cfg, unsigned long requests, unsigned threads)
{
    worker *workers = calloc(threads, sizeof *workers);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    unsigned reported = 0;
    struct timespec t0, t1;

    if (workers == NULL)
        return 2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 0; i < threads; i++) {
        workers[i] = (worker){cfg, 0, requests / threads + (i < requests % threads), 0, 0,
                              {{{0}, 0}}, 0, &lock, &reported};
        if (pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]) != 0) {
            fprintf(stderr, "svc_client: cannot start a thread\n");
            return 2;
        }
    }
    unsigned long ok = 0, failed = 0;
    key_count all[MAX_KEYS];
    size_t nall = 0;
    for (unsigned i = 0; i < threads; i++) {
        pthread_join(workers[i].thread, NULL);
        ok += workers[i].ok;
        failed += workers[i].failed;
        merge_keys(all, &nall, &workers[i]);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("requests %lu ok %lu failed %lu seconds %.2f requests/s %.0f\n", ok + failed, ok,
           failed, seconds, seconds > 0 ? (double)(ok + failed) / seconds : 0.0);
    for (size_t i = 0; i < nall; i++)
        printf("%s %s %lu\n", cfg->count_key, all[i].value, all[i].count);
    free(workers);
    return failed == 0 ? 0 : 1;
}

/* ---- slow ---- */

static int run_slow(const config *cfg, unsigned pause_ms)
{
    char head[1024];
    size_t head_len = request_head(cfg, head, sizeof head);
    size_t half = cfg->body_len / 2;
    inbuf in = {0};
    reply r = {0};

    int fd = connect_loopback(cfg->port);
    if (fd < 0 || send_all(fd, head, head_len) != 0 || send_all(fd, cfg->body, half) != 0) {
        printf("cannot send\n");
        return 1;
    }
    printf("half-sent\n");
    fflush(stdout);
    struct timespec pause = {pause_ms / 1000, (long)(pause_ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    int sent = send_all(fd, cfg->body + half, cfg->body_len - half) == 0;
    int got = read_reply(fd, &in, &r) == 0;
    close(fd);
    free(in.data);
    if (!got) {
        printf("closed%s\n", sent ? "" : " (before the second half was sent)");
        return cfg->expect == 0 ? 0 : 1;
    }
    printf("status %d\n%s", r.status, r.body);
    int rc = check_reply(cfg, &r) == NULL ? 0 : 1;
    free(r.body);
    return rc;
}

/* ---- raw ---- */

static int run_raw(const config *cfg, unsigned pause_ms)
{
    size_t half = cfg->body_len / 2;
    inbuf in = {0};
    reply r = {0};
    int fd = connect_loopback(cfg->port);
    if (fd < 0 || send_all(fd, cfg->body, half) != 0) {
        printf("cannot send\n");
        if (fd >= 0)
            close(fd);
        return 1;
    }
    struct timespec pause = {pause_ms / 1000, (long)(pause_ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    send_all(fd, cfg->body + half, cfg->body_len - half); /* the server may have closed */
    int got = read_reply(fd, &in, &r) == 0;
    close(fd);
    free(in.data);
    if (!got) {
        printf("closed\n");
        return cfg->expect == 0 ? 0 : 1;
    }
    printf("status %d\n%s\n", r.status, r.body);
    int rc = check_reply(cfg, &r) == NULL ? 0 : 1;
    free(r.body);
    return rc;
}

/* ---- arguments ---- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 65536, n = 0;
    char *data = malloc(cap + 1);
    size_t got;
    while (data != NULL && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *grown = realloc(data, cap * 2 + 1);
            if (grown == NULL) {
                free(data);
                data = NULL;
                break;
            }
            data = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (data != NULL)
        data[n] = '\0';
    *len = n;
    return data;
}

static int parse_options(config *cfg, int argc, char **argv, int first)
{
    for (int i = first; i < argc; i++) {
        if (i + 1 >= argc)
            return -1;
        if (strcmp(argv[i], "--token") == 0)
            cfg->token = argv[++i];
        else if (strcmp(argv[i], "--expect") == 0)
            cfg->expect = atoi(argv[++i]);
        else if (strcmp(argv[i], "--contains") == 0 && cfg->ncontains < MAX_CONTAINS)
            cfg->contains[cfg->ncontains++] = argv[++i];
        else if (strcmp(argv[i], "--count-key") == 0)
            cfg->count_key = argv[++i];
        else
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    config cfg = {0};
    int load = argc >= 7 && strcmp(argv[1], "load") == 0;
    int slow = argc >= 6 && strcmp(argv[1], "slow") == 0;
    int raw = argc >= 5 && strcmp(argv[1], "raw") == 0;

    if (raw) {
        cfg.port = atoi(argv[2]);
        cfg.expect = 200;
        if ((cfg.body = read_file(argv[3], &cfg.body_len)) == NULL ||
            parse_options(&cfg, argc, argv, 5) != 0) {
            fprintf(stderr, "svc_client: cannot read '%s', or bad options\n", argv[3]);
            free(cfg.body);
            return 2;
        }
        int rc = run_raw(&cfg, (unsigned)atoi(argv[4]));
        free(cfg.body);
        return rc;
    }
    if (!load && !slow) {
        fprintf(stderr, "usage: svc_client load PORT PATH BODYFILE REQUESTS THREADS [options]\n"
                        "       svc_client slow PORT PATH BODYFILE PAUSE_MS [options]\n"
                        "       svc_client raw PORT REQUESTFILE PAUSE_MS [options]\n");
        return 2;
    }
    cfg.port = atoi(argv[2]);
    cfg.path = argv[3];
    cfg.expect = 200;
    if (strcmp(argv[4], "-") != 0 && (cfg.body = read_file(argv[4], &cfg.body_len)) == NULL) {
        fprintf(stderr, "svc_client: cannot read '%s'\n", argv[4]);
        return 2;
    }
    if (parse_options(&cfg, argc, argv, load ? 7 : 6) != 0) {
        fprintf(stderr, "svc_client: bad options\n");
        free(cfg.body);
        return 2;
    }
    int rc = load ? run_load(&cfg, strtoul(argv[5], NULL, 10), (unsigned)atoi(argv[6]))
                  : run_slow(&cfg, (unsigned)atoi(argv[5]));
    free(cfg.body);
    return rc;
}
