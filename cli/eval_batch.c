/*
 * eval_batch.c - ordered parallel reading and evaluation for `stagewise eval -j N`
 * (see eval_batch.h).
 *
 * The chunks in flight live in a ring numbered by input position: `head` is the
 * oldest not yet emitted, `next` the next a worker takes, `tail` the next free.
 * Workers take chunks in order and mark them done; the command's thread cuts the
 * input into chunks and emits from head while head is done. One mutex guards the
 * ring; two condition variables say "work was added" (workers wait on it) and "a
 * chunk is done" (the command's thread waits on it when the ring is full or the
 * input is being finished). A chunk's buffers stay with its slot, so once the ring
 * has gone round they are reused without allocating.
 *
 * Cutting: the cutter cuts with the library's facts stream's own rules
 * (engine/util/doc_split.h, which the stream uses too), only where the stream
 * itself ends one document and starts the next, and only where the piece, read
 * on its own, is read the same way: at the start of a line, after a JSON object
 * whose braces closed (not after text that is no object, nor after an object never
 * closed), and for YAML where the piece would not look like JSON. Anything it is unsure of stays in the chunk before.
 */
#define _POSIX_C_SOURCE 200809L
#include "eval_batch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "jsontext.h"
#include "util/buf.h"
#include "util/doc_split.h"
#include "util/grow.h"

/* A chunk ends at the first document start after at least this many documents
 * and bytes, or after this many bytes whatever the count (a lower bound on the
 * bytes bounds how often a chunk may need reading again behind empty lines). */
#define CHUNK_DOCS 64u
#define CHUNK_MIN_BYTES ((size_t)16 * 1024)
#define CHUNK_MAX_BYTES ((size_t)1024 * 1024)

/* One document of a chunk; its texts are offsets into the chunk's buffers. */
typedef struct batch_doc {
    sw_status status;
    int stage;
    int ends_input;
    int has_notes;
    size_t notes_off, notes_len;
    size_t text_off, text_len;
    sw_facts *facts;          /* with keep */
    sw_result *result;        /* with keep */
} batch_doc;

typedef struct batch_chunk {
    size_t start, end;        /* the input bytes it holds */
    int done;
    batch_doc *docs;
    size_t ndocs, capdocs;
    sw_buf out;               /* the renderings, one after another */
    sw_buf notes;             /* the rendered diagnostics */
    int failed;               /* out of memory collecting them */
} batch_chunk;

struct eval_batch;

/* What one worker owns. */
typedef struct batch_worker {
    struct eval_batch *batch;
    pthread_t thread;
    sw_result *result;        /* reused for every client (without keep) */
    sw_facts *facts;          /* likewise, read into by sw_facts_stream_read */
    sw_diagnostics *diags;
    sw_buf padded;            /* a chunk behind empty lines, for its diagnostics */
} batch_worker;

struct eval_batch {
    const sw_ruleset *rules;
    sw_format format;
    int compact, keep;
    eval_batch_emit emit;
    void *ctx;
    pthread_mutex_t lock;
    pthread_cond_t work, finished;
    batch_chunk *ring;
    size_t cap, head, next, tail;
    int stopping;
    int cancel;               /* the input is ending: workers skip what is left */
    const char *name;         /* the input being read */
    const char *data;
    size_t len;
    batch_worker *workers;
    size_t nworkers;
    int progress, progress_shown;
    size_t emitted;
    struct timespec started, last_progress;
};

/* ---- cutting the input (the facts stream's rules, see the top) ---- */

static int bom_at(const char *d, size_t len, size_t i)
{
    return len - i >= 3 && memcmp(d + i, "\xEF\xBB\xBF", 3) == 0;
}

static int chunk_full(size_t docs, size_t bytes)
{
    return (docs >= CHUNK_DOCS && bytes >= CHUNK_MIN_BYTES) || bytes >= CHUNK_MAX_BYTES;
}

/* The end of the JSON chunk starting at start. */
static size_t json_chunk_end(const char *d, size_t len, size_t start)
{
    size_t i = start, docs = 0;
    int after_closed = 0;
    for (;;) {
        i = sw_split_json_between(d, len, i, i == 0);
        if (i >= len)
            return len;
        if (d[i] == '{') {
            if (after_closed && chunk_full(docs, i - start) &&
                (d[i - 1] == '\n' || d[i - 1] == '\r'))
                return i;
            i = sw_split_json_object_end(d, len, i, &after_closed);
        } else {
            const char *brace = memchr(d + i, '{', len - i);
            i = brace ? (size_t)(brace - d) : len;
            after_closed = 0;
        }
        docs++;
    }
}

/* Whether a YAML chunk may start at i: read on its own it must not look like JSON
 * (nor start with a byte order mark, which only the input's start may have). */
static int yaml_cut_ok(const char *d, size_t len, size_t i)
{
    if (bom_at(d, len, i))
        return 0;
    size_t j = sw_split_json_between(d, len, i, 0);
    return j >= len || d[j] != '{';
}

/* The end of the YAML chunk starting at start: segments as the stream cuts them. */
static size_t yaml_chunk_end(const char *d, size_t len, size_t start)
{
    size_t off = start, segments = 0;
    while (off < len) {
        if (segments > 0 && chunk_full(segments, off - start) && yaml_cut_ok(d, len, off))
            return off;
        off = sw_split_yaml_end(d, len, off);
        segments++;
    }
    return len;
}

/* ---- workers ---- */

static void chunk_clear(batch_chunk *c)
{
    for (size_t i = 0; i < c->ndocs; i++) {
        sw_facts_free(c->docs[i].facts);
        sw_result_free(c->docs[i].result);
    }
    c->ndocs = 0;
    c->out.len = 0;
    c->out.failed = 0;
    c->notes.len = 0;
    c->notes.failed = 0;
    c->failed = 0;
}

static batch_doc *chunk_add(batch_chunk *c)
{
    if (!sw_grow(&c->docs, &c->capdocs, c->ndocs, sizeof *c->docs, 64)) {
        c->failed = 1;
        return NULL;
    }
    batch_doc *doc = &c->docs[c->ndocs++];
    *doc = (batch_doc){.status = SW_OK};
    return doc;
}

/* Evaluates and renders one client into the chunk: facts the chunk then keeps
 * (the decision log needs them), or the worker's own, read into again for the
 * next client once the result is rendered (a result may point into its facts). */
static void render_client(batch_worker *w, batch_chunk *c, batch_doc *doc, sw_facts *facts)
{
    const eval_batch *b = w->batch;
    sw_result *result = w->result;
    sw_status status;

    if (b->keep) {
        status = sw_evaluate(b->rules, facts, &result);
        doc->facts = facts;
        doc->result = result;
    } else {
        status = sw_evaluate_with(b->rules, facts, NULL, result);
    }
    if (status != SW_OK) {
        doc->status = status;
        doc->stage = EVAL_DOC_EVALUATE;
        return;
    }
    char *text = NULL;
    size_t len = 0;
    status = sw_result_render(result, b->format, &text, &len);
    if (status != SW_OK) {
        doc->status = status;
        doc->stage = EVAL_DOC_RENDER;
        return;
    }
    if (b->compact)
        len = cli_trim_newlines(text, len);   /* compact already (SW_FORMAT_JSONL) */
    doc->text_off = c->out.len;
    doc->text_len = len;
    sw_buf_append(&c->out, text, len);
    sw_free(text);
    if (sw_buf_failed(&c->out))
        c->failed = 1;
}


/* The next document: into the worker's facts, or (keep) into facts of its own. */
static sw_status next_facts(batch_worker *w, sw_facts_stream *stream, sw_facts **facts)
{
    if (w->batch->keep)
        return sw_facts_stream_next(stream, facts, w->diags);
    sw_status status = sw_facts_stream_read(stream, w->facts, w->diags);
    *facts = status == SW_OK ? w->facts : NULL;
    return status;
}

/* Gives up facts next_facts returned that were not handed to the chunk. */
static void drop_facts(const batch_worker *w, sw_facts *facts)
{
    if (w->batch->keep)
        sw_facts_free(facts);
}

/* Renders a document's diagnostics into the chunk. */
static void add_notes(batch_worker *w, batch_chunk *c, batch_doc *doc)
{
    char *text = NULL;
    size_t len = 0;
    sw_status status = sw_diagnostics_render(w->diags, &text, &len);
    if (status != SW_OK) {
        doc->status = status;
        doc->stage = EVAL_DOC_NOTES;
        return;
    }
    doc->has_notes = 1;
    doc->notes_off = c->notes.len;
    doc->notes_len = len;
    sw_buf_append(&c->notes, text, len);
    sw_free(text);
    if (sw_buf_failed(&c->notes))
        c->failed = 1;
}

/* The chunk behind as many empty lines as the input has before it. */
static int pad_chunk(batch_worker *w, const eval_batch *b, const batch_chunk *c)
{
    size_t lines = 0;
    for (size_t i = 0; i < c->start;) {
        size_t size = sw_split_break_at(b->data, c->start, i);
        lines += size > 0;
        i += size > 0 ? size : 1;
    }
    w->padded.len = 0;
    w->padded.failed = 0;
    sw_buf_repeat(&w->padded, '\n', lines);
    sw_buf_append(&w->padded, b->data + c->start, c->end - c->start);
    return !sw_buf_failed(&w->padded);
}

/* Reads, evaluates and renders every document of a chunk. Returns 0 when a
 * document had diagnostics and the chunk must be read again padded. */
static int read_chunk(batch_worker *w, batch_chunk *c, const char *text, size_t len, int padded)
{
    const eval_batch *b = w->batch;
    sw_facts_stream *stream = NULL;
    size_t last_error_position = 0;

    sw_status status = sw_facts_stream_open(b->rules, b->name, text, len, &stream);
    if (status != SW_OK) {
        batch_doc *doc = chunk_add(c);
        if (doc != NULL)
            *doc = (batch_doc){.status = status, .stage = EVAL_DOC_READ};
        return 1;
    }
    while (!c->failed) {
        sw_facts *facts = NULL;
        sw_diagnostics_clear(w->diags);
        status = next_facts(w, stream, &facts);
        if (status == SW_END)
            break;
        if (!padded && c->start > 0 && sw_diagnostics_count(w->diags) > 0) {
            drop_facts(w, facts);
            sw_facts_stream_free(stream);
            return 0;
        }
        batch_doc *doc = chunk_add(c);
        if (doc == NULL) {
            drop_facts(w, facts);
            break;
        }
        if (status != SW_OK && status != SW_ERR_FACTS && status != SW_ERR_LIMIT) {
            *doc = (batch_doc){.status = status, .stage = EVAL_DOC_READ};
            drop_facts(w, facts);
            break;
        }
        if (sw_diagnostics_count(w->diags) > 0)
            add_notes(w, c, doc);
        if (doc->status != SW_OK) {
            drop_facts(w, facts);
            break; /* the diagnostics could not be rendered: the run ends here */
        }
        if (status == SW_OK) {
            render_client(w, c, doc, facts);
            continue;
        }
        doc->status = status;
        doc->stage = EVAL_DOC_READ;
        size_t position = sw_facts_stream_position(stream);
        if (status == SW_ERR_LIMIT || position == last_error_position) {
            doc->ends_input = 1;
            break;
        }
        last_error_position = position;
    }
    sw_facts_stream_free(stream);
    return 1;
}

static void run_chunk(batch_worker *w, batch_chunk *c)
{
    const eval_batch *b = w->batch;

    chunk_clear(c);
    if (read_chunk(w, c, b->data + c->start, c->end - c->start, 0))
        return;
    chunk_clear(c);
    if (!pad_chunk(w, b, c)) {
        c->failed = 1;
        return;
    }
    read_chunk(w, c, w->padded.data, w->padded.len, 1);
}

static void *worker_main(void *arg)
{
    batch_worker *w = arg;
    eval_batch *b = w->batch;

    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (b->next == b->tail && !b->stopping)
            pthread_cond_wait(&b->work, &b->lock);
        if (b->next == b->tail)
            break;
        batch_chunk *c = &b->ring[b->next++ % b->cap];
        int cancel = b->cancel;
        pthread_mutex_unlock(&b->lock);
        if (cancel)
            chunk_clear(c);
        else
            run_chunk(w, c);
        pthread_mutex_lock(&b->lock);
        c->done = 1;
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

/* Emits the documents of a done chunk in order (none when code is already set);
 * returns the first code emit gave that was not CLI_EXIT_OK. Called without the
 * lock: only this thread touches a done chunk. */
static int emit_chunk(eval_batch *b, batch_chunk *c, int code)
{
    for (size_t i = 0; i < c->ndocs && code == CLI_EXIT_OK; i++) {
        const batch_doc *d = &c->docs[i];
        eval_doc doc = {d->status, d->stage, d->ends_input,
                        d->has_notes ? c->notes.data + d->notes_off : NULL, d->notes_len,
                        d->status == SW_OK ? c->out.data + d->text_off : NULL, d->text_len,
                        d->facts, d->result};
        if (doc.text == NULL)
            doc.len = 0;
        code = b->emit(b->ctx, &doc);
        b->emitted++;
        if (b->progress)
            show_progress(b);
    }
    if (code == CLI_EXIT_OK && c->failed)
        code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    chunk_clear(c);
    return code;
}

/* Emits every done chunk at head; waits until fewer than keep chunks are in
 * flight. With code set, the chunks are dropped unemitted. */
static int drain(eval_batch *b, size_t keep, int code)
{
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (b->head < b->tail && b->ring[b->head % b->cap].done) {
            batch_chunk *c = &b->ring[b->head++ % b->cap];
            pthread_mutex_unlock(&b->lock);
            code = emit_chunk(b, c, code);
            pthread_mutex_lock(&b->lock);
            if (code != CLI_EXIT_OK)
                b->cancel = 1;
        }
        if (b->tail - b->head < keep)
            break;
        pthread_cond_wait(&b->finished, &b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    return code;
}

int eval_batch_input(eval_batch *b, const char *name, const char *data, size_t len, int *code)
{
    *code = CLI_EXIT_OK;
    if (len > (size_t)SW_LIMIT_FACTS_BYTES || (data == NULL && len > 0))
        return 0;
    if (data == NULL)
        data = "";
    size_t first = sw_split_json_between(data, len, 0, 1);
    int json = first < len && data[first] == '{';

    pthread_mutex_lock(&b->lock); /* nothing is in flight between inputs */
    b->name = name;
    b->data = data;
    b->len = len;
    b->cancel = 0;
    pthread_mutex_unlock(&b->lock);

    int result = CLI_EXIT_OK;
    for (size_t start = 0; start < len && result == CLI_EXIT_OK;) {
        size_t end = json ? json_chunk_end(data, len, start) : yaml_chunk_end(data, len, start);
        result = drain(b, b->cap, result);
        if (result != CLI_EXIT_OK)
            break;
        pthread_mutex_lock(&b->lock);
        batch_chunk *c = &b->ring[b->tail++ % b->cap];
        c->start = start;
        c->end = end;
        c->done = 0;
        pthread_cond_signal(&b->work);
        pthread_mutex_unlock(&b->lock);
        start = end;
    }
    result = drain(b, 1, result);
    clear_progress(b);
    *code = result == EVAL_BATCH_STOP ? CLI_EXIT_OK : result;
    return 1;
}

/* ---- starting and stopping ---- */

static void stop_workers(eval_batch *b, size_t started)
{
    pthread_mutex_lock(&b->lock);
    b->stopping = 1;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->lock);
    for (size_t i = 0; i < started; i++)
        pthread_join(b->workers[i].thread, NULL);
}

static void free_batch(eval_batch *b)
{
    for (size_t i = 0; i < b->cap; i++) {
        chunk_clear(&b->ring[i]);
        free(b->ring[i].docs);
        sw_buf_free(&b->ring[i].out);
        sw_buf_free(&b->ring[i].notes);
    }
    for (size_t i = 0; i < b->nworkers; i++) {
        sw_result_free(b->workers[i].result);
        sw_facts_free(b->workers[i].facts);
        sw_diagnostics_free(b->workers[i].diags);
        sw_buf_free(&b->workers[i].padded);
    }
    pthread_cond_destroy(&b->finished);
    pthread_cond_destroy(&b->work);
    pthread_mutex_destroy(&b->lock);
    free(b->ring);
    free(b->workers);
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

eval_batch *eval_batch_start(const sw_ruleset *rules, sw_format format, int compact, int keep,
                             unsigned threads, int progress, eval_batch_emit emit, void *ctx)
{
    eval_batch *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
#ifdef __GLIBC__
    /* A client's rendering (about 100 KiB before it is compacted) comes and goes
     * for every client. glibc maps a block that large afresh each time, and hands
     * the top of a worker thread's heap back to the system once it is free, until
     * its thresholds have adapted - which they do for the main thread's heap (-j 1)
     * but not soon enough for the workers': the pages were faulted in again and
     * again. The command keeps blocks up to 16 MiB in the heap and its top. */
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    b->cap = 2 * (size_t)threads + 2;
    b->ring = calloc(b->cap, sizeof *b->ring);
    b->workers = calloc(threads, sizeof *b->workers);
    if (b->ring == NULL || b->workers == NULL || init_sync(b) != 0) {
        free(b->ring);
        free(b->workers);
        free(b);
        return NULL;
    }
    b->rules = rules;
    b->format = format;
    b->compact = compact;
    b->keep = keep;
    b->emit = emit;
    b->ctx = ctx;
    b->nworkers = threads;
    b->progress = progress;
    clock_gettime(CLOCK_MONOTONIC, &b->started);
    b->last_progress = b->started;
    for (size_t i = 0; i < threads; i++) {
        batch_worker *w = &b->workers[i];
        w->batch = b;
        w->diags = sw_diagnostics_new();
        if (w->diags == NULL || (!keep && (sw_result_new(rules, &w->result) != SW_OK ||
                                           sw_facts_new(rules, &w->facts) != SW_OK))) {
            stop_workers(b, 0);
            free_batch(b);
            return NULL;
        }
    }
    for (size_t i = 0; i < threads; i++) {
        if (pthread_create(&b->workers[i].thread, NULL, worker_main, &b->workers[i]) != 0) {
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
    stop_workers(b, b->nworkers);
    free_batch(b);
}
