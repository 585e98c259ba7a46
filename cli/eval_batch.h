/*
 * eval_batch.h - `stagewise eval -j N`: evaluating a stream of clients on N worker
 * threads while writing the results in input order.
 *
 * The command's thread reads the facts stream (the library's reader is sequential)
 * and hands each client to the batch; workers evaluate and render; the command's
 * thread gets every result back through the emit callback in input order, so the
 * output is byte for byte that of the sequential command. At most a small window of
 * clients (a few per worker) is in memory at once, so a caseload of any length runs
 * in bounded memory. A compiled rule set is shared by the workers (it is immutable);
 * each client's facts and result belong to one thread at a time.
 */
#ifndef EVAL_BATCH_H
#define EVAL_BATCH_H

#include <stddef.h>

#include "stagewise.h"

typedef struct eval_batch eval_batch;

/* Called on the command's thread for every document, in input order. For a client
 * that was evaluated, status is SW_OK, facts and result are the client's (borrowed:
 * the batch frees them after the call) and text its rendering (taken over: the
 * callee frees it with sw_free). For a skipped document status is SW_ERR_FACTS and
 * the rest NULL; for a failure to evaluate or render, status says why. Returns
 * CLI_EXIT_OK, or an exit code that ends the run. Emitting on the command's thread
 * keeps whatever the callee writes (results, decision log records) in input order. */
typedef int (*eval_batch_emit)(void *ctx, sw_status status, const sw_facts *facts,
                               const sw_result *result, char *text, size_t len);

/* Starts threads workers evaluating against rules and rendering in format; with
 * compact, JSON is compacted to one line by the worker (for JSON lines). With
 * progress, a line on standard error counts the clients done (the caller decides:
 * only when standard error is a terminal). NULL when out of memory or when a thread
 * could not be started. */
eval_batch *eval_batch_start(const sw_ruleset *rules, sw_format format, int compact,
                             unsigned threads, int progress, eval_batch_emit emit, void *ctx);

/* Adds the next document: facts to evaluate (taken over), or NULL for a document
 * that was skipped. Emits the results that are ready, waiting when the window is
 * full. Returns CLI_EXIT_OK or the first exit code emit returned. */
int eval_batch_add(eval_batch *batch, sw_facts *facts);

/* Waits for every document added so far and emits them (or, with discard, drops
 * them without calling emit). Clears the progress line. Returns CLI_EXIT_OK or the
 * first exit code emit returned. */
int eval_batch_flush(eval_batch *batch, int discard);

/* Stops the workers and frees the batch (flush it first). NULL is ignored. */
void eval_batch_free(eval_batch *batch);

#endif
