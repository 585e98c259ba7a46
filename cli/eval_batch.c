/*
 * eval_batch.c - ordered parallel evaluation for `stagewise eval -j N` (see
 * eval_batch.h).
 *
 * The documents in flight live in a ring of jobs numbered by input position:
 * `head` is the oldest not yet emitted, `next` the next a worker takes, `tail` the
 * next free. Workers take jobs in order and mark them done; the command's thread
 * emits from head while head is done. One mutex guards the ring; two condition
 * variables say "work was added" (workers wait on it) and "a job is done" (the
 * command's thread waits on it when the ring is full or being flushed).
 */
#define _POSIX_C_SOURCE 200809L
#include "eval_batch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "jsontext.h"

typedef struct batch_job {
    sw_facts *facts;          /* NULL for a skipped document */
    sw_result *result;        /* once done; kept until emitted */
    char *text;               /* the rendering, once done */
    size_t len;
    sw_status status;
    int skipped;              /* a document with facts errors: emitted, not evaluated */
    int done;
} batch_job;

struct eval_batch {
    const sw_ruleset *rules;
    sw_format format;
    int compact;
    eval_batch_emit emit;
    void *ctx;
    pthread_mutex_t lock;
    pthread_cond_t work, finished;
    batch_job *ring;
    size_t cap, head, next, tail;
    int stopping;
    pthread_t *threads;
    size_t nthreads;
    int progress, progress_shown;
    size_t emitted;
    struct timespec started, last_progress;
};

/* ---- workers ---- */

static void run_job(const eval_batch *b, batch_job *job)
{
    job->status = sw_evaluate(b->rules, job->facts, &job->result);
    if (job->status == SW_OK)
        job->status = sw_result_render(job->result, b->format, &job->text, &job->len);
    if (job->status == SW_OK && b->compact)
        job->len = cli_json_compact(job->text, job->len);
}

static void free_job(batch_job *job)
{
    sw_result_free(job->result);
    sw_facts_free(job->facts);
    sw_free(job->text);
    *job = (batch_job){0};
}

/* Takes the next job to evaluate, skipping placeholders; NULL when stopping. Called
 * with the lock held. */
static batch_job *take_job(eval_batch *b)
{
    for (;;) {
        while (b->next < b->tail && b->ring[b->next % b->cap].done)
            b->next++;
        if (b->next < b->tail)
            return &b->ring[b->next++ % b->cap];
        if (b->stopping)
            return NULL;
        pthread_cond_wait(&b->work, &b->lock);
    }
}

static void *worker(void *arg)
{
    eval_batch *b = arg;

    pthread_mutex_lock(&b->lock);
    for (;;) {
        batch_job *job = take_job(b);
        if (job == NULL)
            break;
        pthread_mutex_unlock(&b->lock);
        run_job(b, job);
        pthread_mutex_lock(&b->lock);
        job->done = 1;
        pthread_cond_broadcast(&b->finished);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* ---- progress ---- */

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void show_progress(eval_batch *b)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (b->progress_shown && seconds_between(&b->last_progress, &now) < 0.25)
        return; /* the first client shows the line; then four times a second */
    b->last_progress = now;
    double elapsed = seconds_between(&b->started, &now);
    fprintf(stderr, "\rstagewise eval: %zu clients, %.0f per second\033[K", b->emitted,
            elapsed > 0 ? (double)b->emitted / elapsed : 0.0);
    fflush(stderr);
    b->progress_shown = 1;
}

static void clear_progress(eval_batch *b)
{
    if (b->progress_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        b->progress_shown = 0;
    }
}

/* ---- the command's side ---- */

/* Emits (or drops) the job at head, which is done. Called without the lock: only
 * this thread touches a done job. */
static int emit_head(eval_batch *b, batch_job *job, int discard)
{
    int code = CLI_EXIT_OK;
    sw_status status = job->skipped ? SW_ERR_FACTS : job->status;

    if (!discard) {
        int ok = status == SW_OK;
        code = b->emit(b->ctx, status, ok ? job->facts : NULL, ok ? job->result : NULL,
                       ok ? job->text : NULL, job->len);
        if (ok)
            job->text = NULL; /* the callee took it */
    }
    free_job(job);
    b->emitted++;
    if (b->progress && !discard)
        show_progress(b);
    return code;
}

/* Emits every finished job at head; with wait, waits until the ring holds fewer
 * than `keep` jobs. */
static int drain(eval_batch *b, size_t keep, int discard)
{
    int code = CLI_EXIT_OK;

    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (b->head < b->tail && b->ring[b->head % b->cap].done) {
            batch_job *job = &b->ring[b->head++ % b->cap];
            pthread_mutex_unlock(&b->lock);
            int c = emit_head(b, job, discard || code != CLI_EXIT_OK);
            if (code == CLI_EXIT_OK)
                code = c;
            pthread_mutex_lock(&b->lock);
        }
        if (b->tail - b->head < keep || b->head == b->tail)
            break;
        pthread_cond_wait(&b->finished, &b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    return code;
}

int eval_batch_add(eval_batch *b, sw_facts *facts)
{
    int code = drain(b, b->cap, 0);

    pthread_mutex_lock(&b->lock);
    batch_job *job = &b->ring[b->tail++ % b->cap];
    *job = (batch_job){facts, NULL, NULL, 0, SW_OK, facts == NULL, facts == NULL};
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->lock);
    return code;
}

int eval_batch_flush(eval_batch *b, int discard)
{
    int code = drain(b, 1, discard);
    clear_progress(b);
    return code;
}

static void stop_workers(eval_batch *b, size_t started)
{
    pthread_mutex_lock(&b->lock);
    b->stopping = 1;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->lock);
    for (size_t i = 0; i < started; i++)
        pthread_join(b->threads[i], NULL);
}

static void free_batch(eval_batch *b)
{
    for (size_t i = 0; i < b->cap; i++)
        free_job(&b->ring[i]);
    pthread_cond_destroy(&b->finished);
    pthread_cond_destroy(&b->work);
    pthread_mutex_destroy(&b->lock);
    free(b->ring);
    free(b->threads);
    free(b);
}

static int init_sync(eval_batch *b)
{
    if (pthread_mutex_init(&b->lock, NULL) != 0)
        return -1;
    if (pthread_cond_init(&b->work, NULL) != 0) {
        pthread_mutex_destroy(&b->lock);
        return -1;
    }
    if (pthread_cond_init(&b->finished, NULL) != 0) {
        pthread_cond_destroy(&b->work);
        pthread_mutex_destroy(&b->lock);
        return -1;
    }
    return 0;
}

eval_batch *eval_batch_start(const sw_ruleset *rules, sw_format format, int compact,
                             unsigned threads, int progress, eval_batch_emit emit, void *ctx)
{
    eval_batch *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    b->cap = 4 * (size_t)threads + 16;
    b->ring = calloc(b->cap, sizeof *b->ring);
    b->threads = calloc(threads, sizeof *b->threads);
    if (b->ring == NULL || b->threads == NULL || init_sync(b) != 0) {
        free(b->ring);
        free(b->threads);
        free(b);
        return NULL;
    }
    b->rules = rules;
    b->format = format;
    b->compact = compact;
    b->emit = emit;
    b->ctx = ctx;
    b->nthreads = threads;
    b->progress = progress;
    clock_gettime(CLOCK_MONOTONIC, &b->started);
    b->last_progress = b->started;
    for (size_t i = 0; i < threads; i++) {
        if (pthread_create(&b->threads[i], NULL, worker, b) != 0) {
            stop_workers(b, i);
            free_batch(b);
            return NULL;
        }
    }
    return b;
}

void eval_batch_free(eval_batch *b)
{
    if (b == NULL)
        return;
    stop_workers(b, b->nthreads);
    free_batch(b);
}
