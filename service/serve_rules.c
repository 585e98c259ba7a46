/*
 * serve_rules.c - the reference-counted rule set holder and hot reload (see
 * serve_rules.h).
 *
 * Two locks: `lock` guards the current pointer, every snapshot's reference count
 * and the feedback counters, and is held only for a few instructions; `reload_lock`
 * serialises reloads (SIGHUP and POST /v1/admin/reload) while they compile, which
 * takes long, so that requests never wait for a compilation.
 */
#define _POSIX_C_SOURCE 200809L
#include "serve_rules.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/grow.h"

/* Feedback counts for one rule set. */
typedef struct feedback_count {
    char sha256[65];
    unsigned long accepted, overridden;
} feedback_count;

struct serve_rules {
    pthread_mutex_t lock;
    pthread_mutex_t reload_lock;
    serve_snapshot *current;       /* holds one reference of its own */
    unsigned long generation;
    char **paths;
    size_t npaths;
    int production;                /* reloads must be all production rules */
    feedback_count *counts;
    size_t ncounts, capcounts;
};

static void utc_now(char *out, size_t size)
{
    struct timespec now;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Compiles the rules; on success *out is a snapshot with no references yet. */
static int compile(const serve_rules *holder, serve_snapshot **out, serve_load *load)
{
    *out = NULL;
    load->status = SW_ERR_NOMEM;
    load->diags = sw_diagnostics_new();
    if (load->diags == NULL)
        return -1;
    sw_ruleset *rules = NULL;
    load->status = sw_ruleset_load_files((const char *const *)holder->paths, holder->npaths,
                                         &rules, load->diags);
    if (load->status == SW_OK && holder->production)
        load->status = sw_ruleset_require_production(rules, load->diags);
    if (load->status != SW_OK) {
        sw_ruleset_free(rules);
        return 0;
    }
    serve_snapshot *snap = calloc(1, sizeof *snap);
    if (snap == NULL) {
        sw_ruleset_free(rules);
        load->status = SW_ERR_NOMEM;
        return 0;
    }
    snap->rules = rules;
    snap->info = sw_ruleset_describe(rules);
    utc_now(snap->loaded_at, sizeof snap->loaded_at);
    *out = snap;
    return 0;
}

static void snapshot_free(serve_snapshot *snap)
{
    if (snap != NULL) {
        sw_ruleset_free(snap->rules);
        free(snap);
    }
}

static void free_paths(serve_rules *holder)
{
    for (size_t i = 0; i < holder->npaths; i++)
        free(holder->paths[i]);
    free(holder->paths);
}

static serve_rules *holder_new(const char *const *paths, size_t npaths)
{
    serve_rules *holder = calloc(1, sizeof *holder);
    if (holder == NULL)
        return NULL;
    holder->paths = calloc(npaths > 0 ? npaths : 1, sizeof *holder->paths);
    if (holder->paths == NULL) {
        free(holder);
        return NULL;
    }
    for (size_t i = 0; i < npaths; i++) {
        holder->paths[i] = strdup(paths[i]);
        holder->npaths = i + 1;
        if (holder->paths[i] == NULL) {
            free_paths(holder);
            free(holder);
            return NULL;
        }
    }
    if (pthread_mutex_init(&holder->lock, NULL) != 0) {
        free_paths(holder);
        free(holder);
        return NULL;
    }
    if (pthread_mutex_init(&holder->reload_lock, NULL) != 0) {
        pthread_mutex_destroy(&holder->lock);
        free_paths(holder);
        free(holder);
        return NULL;
    }
    return holder;
}

int serve_rules_open(const char *const *paths, size_t npaths, sw_ruleset *rules,
                     serve_rules **out)
{
    *out = NULL;
    serve_rules *holder = holder_new(paths, npaths);
    serve_snapshot *snap = calloc(1, sizeof *snap);
    if (holder == NULL || snap == NULL) {
        free(snap);
        serve_rules_close(holder);
        return -1;
    }
    snap->rules = rules;
    snap->info = sw_ruleset_describe(rules);
    utc_now(snap->loaded_at, sizeof snap->loaded_at);
    snap->generation = holder->generation = 1;
    snap->refs = 1;
    holder->current = snap;
    *out = holder;
    return 0;
}

void serve_rules_close(serve_rules *holder)
{
    if (holder == NULL)
        return;
    snapshot_free(holder->current);
    pthread_mutex_destroy(&holder->lock);
    pthread_mutex_destroy(&holder->reload_lock);
    free_paths(holder);
    free(holder->counts);
    free(holder);
}

void serve_rules_require_production(serve_rules *holder)
{
    holder->production = 1;
}

serve_snapshot *serve_rules_acquire(serve_rules *holder)
{
    pthread_mutex_lock(&holder->lock);
    serve_snapshot *snap = holder->current;
    snap->refs++;
    pthread_mutex_unlock(&holder->lock);
    return snap;
}

void serve_rules_release(serve_rules *holder, serve_snapshot *snap)
{
    pthread_mutex_lock(&holder->lock);
    int last = --snap->refs == 0;
    pthread_mutex_unlock(&holder->lock);
    if (last)
        snapshot_free(snap);
}

int serve_rules_reload(serve_rules *holder, serve_load *load)
{
    serve_snapshot *fresh = NULL;

    pthread_mutex_lock(&holder->reload_lock);
    int rc = compile(holder, &fresh, load);
    if (fresh != NULL) {
        fresh->refs = 1;
        pthread_mutex_lock(&holder->lock);
        serve_snapshot *old = holder->current;
        fresh->generation = ++holder->generation;
        holder->current = fresh;
        pthread_mutex_unlock(&holder->lock);
        serve_rules_release(holder, old);
    }
    pthread_mutex_unlock(&holder->reload_lock);
    return rc;
}

/* The counter of a rule set, added when missing; NULL when memory ran out.
 * Called with the lock held. */
static feedback_count *find_count(serve_rules *holder, const char *sha256, int add)
{
    for (size_t i = 0; i < holder->ncounts; i++)
        if (strcmp(holder->counts[i].sha256, sha256) == 0)
            return &holder->counts[i];
    if (!add)
        return NULL;
    if (!sw_grow(&holder->counts, &holder->capcounts, holder->ncounts, sizeof *holder->counts, 4))
        return NULL;
    feedback_count *count = &holder->counts[holder->ncounts++];
    *count = (feedback_count){{0}, 0, 0};
    strncpy(count->sha256, sha256, sizeof count->sha256 - 1);
    return count;
}

void serve_rules_count_feedback(serve_rules *holder, const char *sha256, int accepted)
{
    pthread_mutex_lock(&holder->lock);
    feedback_count *count = find_count(holder, sha256, 1);
    if (count != NULL) {
        if (accepted)
            count->accepted++;
        else
            count->overridden++;
    }
    pthread_mutex_unlock(&holder->lock);
}

void serve_rules_feedback(serve_rules *holder, const char *sha256, unsigned long *accepted,
                          unsigned long *overridden)
{
    pthread_mutex_lock(&holder->lock);
    feedback_count *count = find_count(holder, sha256, 0);
    *accepted = count != NULL ? count->accepted : 0;
    *overridden = count != NULL ? count->overridden : 0;
    pthread_mutex_unlock(&holder->lock);
}
