/*
 * cmd_serve.c - `stagewise serve RULES... [OPTIONS]`: the long-running HTTP service.
 *
 * Loads the rules, the token file and the feedback file, binds the listening
 * socket, starts libmicrohttpd's thread pool (serve_http.c) and then waits for
 * signals in this thread with sigwait: SIGHUP reloads the rules, SIGTERM and SIGINT
 * stop the server gracefully. The signals are blocked in every thread (the pool
 * inherits the mask), so no signal handler runs and no global state is touched;
 * they stay blocked after the command returns, which then ends the process.
 */
#define _POSIX_C_SOURCE 200809L
#include "serve_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "cmd_audit.h"
#include "serve_http.h"

enum { OPT_HELP = 1, OPT_LISTEN, OPT_THREADS, OPT_TOKEN_FILE, OPT_MAX_BODY, OPT_TIMEOUT,
       OPT_FEEDBACK_FILE, OPT_LOG, OPT_KEY, OPT_PRODUCTION, OPT_SCENARIOS, OPT_HAZARDS,
       OPT_PUBLIC_URL, OPT_STORE };

static const cli_option serve_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_LISTEN, 0, "listen", 1},
    {OPT_THREADS, 0, "threads", 1},
    {OPT_TOKEN_FILE, 0, "token-file", 1},
    {OPT_MAX_BODY, 0, "max-body", 1},
    {OPT_TIMEOUT, 0, "timeout", 1},
    {OPT_FEEDBACK_FILE, 0, "feedback-file", 1},
    {OPT_LOG, 0, "log", 1},
    {OPT_STORE, 0, "store", 1},
    {OPT_KEY, 0, "pseudonym-key", 1},
    {OPT_PRODUCTION, 0, "production", 0},
    {OPT_SCENARIOS, 0, "scenarios", 1},
    {OPT_HAZARDS, 0, "hazards", 1},
    {OPT_PUBLIC_URL, 0, "public-url", 1},
};

const char cli_serve_help[] =
    "Usage: stagewise serve RULES... [--listen ADDRESS:PORT] [--threads N]\n"
    "                      [--token-file FILE] [--max-body BYTES] [--timeout SECONDS]\n"
    "                      [--feedback-file FILE] [--log FILE [--pseudonym-key FILE]]\n"
    "                      [--production] [--scenarios DIR [--hazards FILE]]\n"
    "                      [--public-url URL]\n"
    "\n"
    "Serves the rule set over HTTP until stopped:\n"
    "  POST /v1/evaluate                 a client document (JSON or YAML) in, the\n"
    "                                    result document (as eval --format json) out\n"
    "  GET  /cds-services                CDS Hooks discovery\n"
    "  POST /cds-services/ID             CDS Hooks cards for one client\n"
    "  POST /cds-services/ID/feedback    CDS Hooks feedback on the cards\n"
    "  GET  /v1/ruleset                  name, version, sha256 and counts of the rules\n"
    "  POST /v1/admin/reload             reload the rules (as SIGHUP does)\n"
    "  GET  /healthz                     liveness (needs no token)\n"
    "  GET  /ui/                         the workbench: try a client, browse the\n"
    "                                    guidance, open a decision (docs/workbench.md)\n"
    "Errors are JSON objects naming the problem; see docs/integration.md.\n"
    "\n"
    "SIGHUP reloads the rules: new requests use them at once, requests in flight\n"
    "finish on the old ones, and rules with errors are refused (the old ones keep\n"
    "serving). SIGTERM or SIGINT stops accepting connections, lets requests in flight\n"
    "finish, and exits with 0 (the feedback file and decision log are written as\n"
    "each request is answered).\n"
    "\n"
    "Arguments:\n"
    "  RULES                  .sw files, or directories whose .sw files are read\n"
    "\n"
    "Options:\n"
    "      --listen ADDRESS:PORT  where to listen (default 127.0.0.1:8080; IPv6 as\n"
    "                             [::1]:8080; port 0 picks a free port)\n"
    "      --threads N            worker threads (default 4, at most 256)\n"
    "      --token-file FILE      require \"Authorization: Bearer TOKEN\" with one of\n"
    "                             the tokens in FILE (one per line)\n"
    "      --max-body BYTES       the largest request body (default 1048576)\n"
    "      --timeout SECONDS      idle connections are closed, and a request must\n"
    "                             arrive whole, within SECONDS (default 30)\n"
    "      --feedback-file FILE   append CDS Hooks feedback to FILE as JSON lines\n"
    "      --log FILE             append a decision record per evaluation to the\n"
    "                             decision log FILE (docs/audit.md); a decision that\n"
    "                             cannot be recorded is answered with an error\n"
    "      --store URL            append them to the decision store in PostgreSQL at\n"
    "                             URL instead (see 'stagewise store'); a decision not\n"
    "                             committed there is answered with 503; CDS Hooks\n"
    "                             feedback and the workbench's decision pages use\n"
    "                             the store too\n"
    "      --pseudonym-key FILE   record client identifiers as HMAC-SHA256 under the\n"
    "                             key in FILE (without it, the log omits them)\n"
    "      --production           serve only rule sets whose rules all have status\n"
    "                             production, at start and on every reload\n"
    "      --scenarios DIR        scenario files (*.yaml) the workbench shows with\n"
    "                             each rule (read on every request)\n"
    "      --hazards FILE         the clinical hazard log (e.g. rules/hazards.yaml)\n"
    "                             the workbench shows, judged against the rules and\n"
    "                             the scenarios of --scenarios on every request\n"
    "      --public-url URL       the service's address as the CDS client reaches it\n"
    "                             (e.g. https://cds.example.org), for the cards'\n"
    "                             links to a logged decision (default: the address\n"
    "                             it listens on)\n"
    "  -h, --help                 show this help\n"
    "\n"
    "Exit status:\n"
    "  0   stopped by SIGTERM or SIGINT\n"
    "  2   usage error\n"
    "  3   the rule set has errors\n"
    "  5   a file could not be read or written, or the address could not be used\n"
    "  70  internal error (out of memory)\n";

typedef struct serve_options_t {
    const char **rule_paths;
    size_t nrules;
    const char *listen;
    unsigned threads;
    size_t max_body;
    unsigned timeout;
    const char *token_file;
    const char *feedback_file;
    const char *log_path;
    const char *store_url;
    const char *scenarios;
    const char *hazards;
    const char *key_path;
    const char *public_url;
    int production;
} serve_opts;

/* ---- options ---- */

static int parse_number(const char *text, unsigned long long min, unsigned long long max,
                        unsigned long long *out)
{
    char *end = NULL;
    if (text[0] < '0' || text[0] > '9')
        return 0;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return 0;
    *out = value;
    return 1;
}

/* Splits "HOST:PORT" or "[HOST]:PORT" into host and port (in buf). */
static int split_address(const char *spec, char *buf, size_t size, const char **host,
                         const char **port)
{
    if (strlen(spec) >= size)
        return 0;
    strcpy(buf, spec);
    char *colon = strrchr(buf, ':');
    if (colon == NULL || colon[1] == '\0')
        return 0;
    *colon = '\0';
    *port = colon + 1;
    *host = buf;
    if (buf[0] == '[') {
        size_t len = strlen(buf);
        if (len < 3 || buf[len - 1] != ']')
            return 0;
        buf[len - 1] = '\0';
        *host = buf + 1;
    } else if (strchr(buf, ':') != NULL) {
        return 0; /* an IPv6 address needs brackets */
    }
    return (*host)[0] != '\0';
}

/* Applies one option; returns CLI_EXIT_OK, or a usage error's exit code. */
static int apply_option(serve_opts *o, int id, const char *value)
{
    unsigned long long n;

    switch (id) {
    case OPT_LISTEN: {
        char buf[300];
        const char *host, *port;
        if (!split_address(value, buf, sizeof buf, &host, &port))
            return cli_usage_error("serve", "--listen wants HOST:PORT or [IPV6]:PORT, not '%s'",
                                   value);
        o->listen = value;
        return CLI_EXIT_OK;
    }
    case OPT_THREADS:
        if (!parse_number(value, 1, 256, &n))
            return cli_usage_error("serve", "--threads must be a number from 1 to 256, not '%s'",
                                   value);
        o->threads = (unsigned)n;
        return CLI_EXIT_OK;
    case OPT_MAX_BODY:
        if (!parse_number(value, 1024, 64ull * 1024 * 1024, &n))
            return cli_usage_error("serve", "--max-body must be a number of bytes from 1024 to "
                                            "67108864, not '%s'", value);
        o->max_body = (size_t)n;
        return CLI_EXIT_OK;
    case OPT_TIMEOUT:
        if (!parse_number(value, 1, 3600, &n))
            return cli_usage_error("serve", "--timeout must be a number of seconds from 1 to "
                                            "3600, not '%s'", value);
        o->timeout = (unsigned)n;
        return CLI_EXIT_OK;
    case OPT_TOKEN_FILE:
        o->token_file = value;
        return CLI_EXIT_OK;
    case OPT_FEEDBACK_FILE:
        o->feedback_file = value;
        return CLI_EXIT_OK;
    case OPT_LOG:
        o->log_path = value;
        return CLI_EXIT_OK;
    case OPT_STORE:
        o->store_url = value;
        return CLI_EXIT_OK;
    case OPT_KEY:
        o->key_path = value;
        return CLI_EXIT_OK;
    case OPT_PRODUCTION:
        o->production = 1;
        return CLI_EXIT_OK;
    case OPT_SCENARIOS:
        o->scenarios = value;
        return CLI_EXIT_OK;
    case OPT_HAZARDS:
        o->hazards = value;
        return CLI_EXIT_OK;
    case OPT_PUBLIC_URL:
        o->public_url = value;
        return CLI_EXIT_OK;
    default:
        return CLI_EXIT_OK;
    }
}

/* Parses the arguments; returns CLI_EXIT_OK, -1 after printing the help, or a
 * usage error's exit code. */
static int parse_args(int argc, char **argv, serve_opts *o)
{
    const char *value;
    cli_args args;
    int id;

    cli_args_init(&args, argc, argv, 1, serve_options,
                  sizeof serve_options / sizeof serve_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR)
            return cli_usage_error("serve", "%s", args.error);
        if (kind == CLI_ARG_POSITIONAL) {
            if (strcmp(value, "-") == 0)
                return cli_usage_error("serve", "rules cannot be read from standard input");
            o->rule_paths[o->nrules++] = value;
            continue;
        }
        if (id == OPT_HELP) {
            fputs(cli_serve_help, stdout);
            return -1;
        }
        int code = apply_option(o, id, value);
        if (code != CLI_EXIT_OK)
            return code;
    }
    if (o->nrules == 0)
        return cli_usage_error("serve", "no rule files given");
    if (o->log_path != NULL && o->store_url != NULL)
        return cli_usage_error("serve", "give --log FILE or --store URL, not both");
    if (o->feedback_file != NULL && o->store_url != NULL)
        return cli_usage_error("serve", "give --feedback-file FILE or --store URL, not both "
                               "(with --store, feedback is recorded in the store)");
    if (o->store_url != NULL && !sw_store_is_url(o->store_url))
        return cli_usage_error("serve", "--store needs a PostgreSQL URL (postgresql://...)");
    if (o->key_path != NULL && o->log_path == NULL && o->store_url == NULL)
        return cli_usage_error("serve", "--pseudonym-key needs --log FILE or --store URL");
    if (o->hazards != NULL && o->scenarios == NULL)
        return cli_usage_error("serve", "--hazards needs --scenarios DIR: the hazard log's evidence is scenarios");
    return CLI_EXIT_OK;
}

/* ---- the listening socket ---- */

static int bind_one(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        int error_number = errno;
        close(fd);
        errno = error_number;
        return -1;
    }
    return fd;
}

static int is_loopback(const struct sockaddr_storage *sa)
{
    if (sa->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    return sa->ss_family == AF_INET6 && memcmp(&in6->sin6_addr, &in6addr_loopback,
                                               sizeof in6addr_loopback) == 0;
}

/* Writes "http://HOST:PORT" for the bound socket into url. */
static void bound_url(int fd, char *url, size_t size, int *loopback)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    char host[256] = "?", port[32] = "?";

    memset(&sa, 0, sizeof sa);
    *loopback = 0;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
        getnameinfo((struct sockaddr *)&sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        *loopback = is_loopback(&sa);
    }
    snprintf(url, size, sa.ss_family == AF_INET6 ? "http://[%s]:%s" : "http://%s:%s", host,
             port);
}

/* Binds and listens on spec; returns the socket, or -1 after saying why. */
static int open_listener(const char *spec)
{
    char buf[300];
    const char *host, *port;
    struct addrinfo hints = {0}, *list = NULL;

    if (!split_address(spec, buf, sizeof buf, &host, &port)) /* checked with the options */
        return -1;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0) {
        cli_fail(CLI_EXIT_IO, "cannot listen on %s: %s", spec, gai_strerror(rc));
        return -1;
    }
    int fd = -1, error_number = 0;
    for (const struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = bind_one(ai);
        if (fd < 0)
            error_number = errno;
    }
    freeaddrinfo(list);
    if (fd < 0)
        cli_fail(CLI_EXIT_IO, "cannot listen on %s: %s", spec, strerror(error_number));
    return fd;
}

/* ---- running ---- */

/* Waits for signals: SIGHUP reloads; returns on SIGTERM or SIGINT. */
static int wait_for_stop(serve_server *srv, const sigset_t *signals)
{
    for (;;) {
        int sig = 0;
        if (sigwait(signals, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            serve_reload(srv, NULL);
            continue;
        }
        return sig;
    }
}

static void announce(const serve_server *srv, const serve_opts *o, const char *url,
                     int loopback)
{
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    fprintf(stderr, "stagewise serve: %s %s (sha256 %s) on %s with %u thread%s\n",
            snap->info->name, snap->info->version, snap->info->sha256, url, o->threads,
            o->threads == 1 ? "" : "s");
    serve_rules_release(srv->rules, snap);
    if (!loopback && srv->tokens == NULL)
        fprintf(stderr, "stagewise serve: warning: listening beyond this machine without "
                        "--token-file: anyone who can reach it can use it\n");
    fflush(stderr);
}

/* Runs the server on fd until a stop signal; returns the exit code. */
static int run_server(serve_server *srv, const serve_opts *o, int fd)
{
    sigset_t signals;
    char url[400];
    int loopback;

    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_sigmask(SIG_BLOCK, &signals, NULL) != 0) {
        close(fd);
        return cli_fail(CLI_EXIT_INTERNAL, "cannot block signals");
    }
    bound_url(fd, url, sizeof url, &loopback);
    if (serve_http_start(srv, fd, o->threads) != 0) {
        close(fd);
        return cli_fail(CLI_EXIT_IO, "cannot start the HTTP server on %s", url);
    }
    announce(srv, o, url, loopback);
    int sig = wait_for_stop(srv, &signals);
    fprintf(stderr, "stagewise serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    serve_http_stop(srv, o->timeout);
    fprintf(stderr, "stagewise serve: stopped after %lu request%s\n", srv->served,
            srv->served == 1 ? "" : "s");
    return CLI_EXIT_OK;
}

/* Whether path can be opened for appending (created when missing). */
static int can_append(const char *path, int *error_number)
{
    errno = 0;
    FILE *f = fopen(path, "a");
    if (f == NULL) {
        *error_number = errno != 0 ? errno : EIO;
        return 0;
    }
    fclose(f);
    return 1;
}

/* Opens what the server needs beyond the rules; returns CLI_EXIT_OK or a code. */
static int open_files(const serve_opts *o, serve_tokens *tokens, serve_feedback **feedback)
{
    char message[512], warning[512];
    int error_number = 0;

    if (o->token_file != NULL) {
        if (serve_tokens_load(o->token_file, tokens, message, sizeof message, warning,
                              sizeof warning) != 0)
            return cli_fail(CLI_EXIT_IO, "%s", message);
        if (warning[0] != '\0')
            fprintf(stderr, "stagewise serve: warning: %s\n", warning);
    }
    if (o->log_path != NULL && !can_append(o->log_path, &error_number))
        return cli_fail(CLI_EXIT_IO, "cannot write the decision log '%s': %s", o->log_path,
                        strerror(error_number));
    if (serve_feedback_open(o->feedback_file, feedback, &error_number) != 0) {
        serve_tokens_free(tokens);
        if (error_number == ENOMEM)
            return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        return cli_fail(CLI_EXIT_IO, "cannot open '%s': %s", o->feedback_file,
                        strerror(error_number));
    }
    return CLI_EXIT_OK;
}

/* Runs the server once its lock and condition variable are made. */
static int run_with_sync(serve_server *srv, const serve_opts *o, int fd)
{
    if (pthread_mutex_init(&srv->lock, NULL) != 0) {
        close(fd);
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    if (pthread_cond_init(&srv->idle, NULL) != 0) {
        pthread_mutex_destroy(&srv->lock);
        close(fd);
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    int code = run_server(srv, o, fd);
    pthread_cond_destroy(&srv->idle);
    pthread_mutex_destroy(&srv->lock);
    return code;
}

/* Loads the rules (requiring production status if asked) into srv's holder;
 * returns CLI_EXIT_OK or the exit code after saying why. */
static int open_rules(const serve_opts *o, serve_server *srv)
{
    sw_ruleset *rules = NULL;

    int code = cli_load_rules(o->rule_paths, o->nrules, &rules);
    if (code == CLI_EXIT_OK && o->production)
        code = cli_audit_require_production(rules);
    if (code == CLI_EXIT_OK && serve_rules_open(o->rule_paths, o->nrules, rules, &srv->rules) != 0)
        code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    if (code != CLI_EXIT_OK) {
        sw_ruleset_free(rules);
        return code;
    }
    if (o->production)
        serve_rules_require_production(srv->rules);
    return CLI_EXIT_OK;
}

static int serve(const serve_opts *o)
{
    serve_tokens tokens = {0};
    serve_server srv = {0};
    cli_audit_log log;
    char url[300];
    int loopback = 0;

    pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
    int code = cli_audit_log_open(&log, o->log_path, o->key_path, NULL, NULL, o->production);
    if (code == CLI_EXIT_OK)
        code = cli_audit_log_use_store(&log, o->store_url);
    if (code == CLI_EXIT_OK)
        code = open_files(o, &tokens, &srv.feedback);
    if (code == CLI_EXIT_OK)
        code = open_rules(o, &srv);
    if (code == CLI_EXIT_OK && o->hazards != NULL && access(o->hazards, R_OK) != 0)
        code = cli_fail(CLI_EXIT_IO, "cannot read the hazard log '%s': %s", o->hazards, strerror(errno));
    int fd = code == CLI_EXIT_OK ? open_listener(o->listen) : -1;
    if (code == CLI_EXIT_OK && fd < 0)
        code = CLI_EXIT_IO;
    if (code == CLI_EXIT_OK) {
        srv.tokens = o->token_file != NULL ? &tokens : NULL;
        srv.log_path = o->log_path;
        srv.store = log.store;
        srv.store_lock = &store_lock;
        if (log.store != NULL)
            serve_feedback_use_store(srv.feedback, log.store, &store_lock);
        srv.scenarios_path = o->scenarios;
        srv.hazards_path = o->hazards;
        srv.log_options = &log.options;
        srv.max_body = o->max_body;
        srv.timeout = o->timeout;
        if (o->public_url == NULL)
            bound_url(fd, url, sizeof url, &loopback);
        srv.public_url = o->public_url != NULL ? o->public_url : url;
        code = run_with_sync(&srv, o, fd);
    }
    if (serve_feedback_close(srv.feedback) != 0 && code == CLI_EXIT_OK)
        code = cli_fail(CLI_EXIT_IO, "the feedback file '%s' was not written completely",
                        o->feedback_file);
    serve_rules_close(srv.rules);
    serve_tokens_free(&tokens);
    cli_audit_log_close(&log);
    return code;
}

int cli_cmd_serve(int argc, char **argv)
{
    serve_opts o = {0};

    o.listen = "127.0.0.1:8080";
    o.threads = 4;
    o.max_body = 1024 * 1024;
    o.timeout = 30;
    o.rule_paths = malloc((size_t)argc * sizeof *o.rule_paths);
    if (o.rule_paths == NULL)
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    int code = parse_args(argc, argv, &o);
    if (code == CLI_EXIT_OK)
        code = serve(&o);
    else if (code < 0)
        code = CLI_EXIT_OK;
    free(o.rule_paths);
    return code;
}
