/*
 * eval_batch.h - `stagewise eval -j N`: reading, evaluating and rendering a stream
 * of clients on N worker threads while the results are written in input order.
 *
 * The command's thread only cuts the facts input (held whole in memory) into
 * chunks of whole documents - about a hundred clients each, at the places the
 * library's facts stream would cut them - and hands the chunks to the workers.
 * Each worker reads its chunk with a facts stream of its own, evaluates every
 * client into a result it keeps for the next, and renders into the chunk's output
 * buffer; the command's thread gets the documents back through the emit callback
 * in input order, so the output, the messages and the decision log are byte for
 * byte those of the sequential command. A bounded ring of chunks is in flight, so
 * the memory beyond the input does not grow with its length. The compiled rule set
 * is shared by the workers (it is immutable); every other object belongs to one
 * thread at a time.
 *
 * Positions: a chunk starts at the start of a line, and is read on its own, so the
 * line numbers in its diagnostics would count from the chunk. A chunk in which any
 * document has a diagnostic is therefore read again behind as many empty lines as
 * come before it in the input, which gives every diagnostic its line in the input.
 */
#ifndef EVAL_BATCH_H
#define EVAL_BATCH_H

#include <stddef.h>

#include "stagewise.h"

typedef struct eval_batch eval_batch;

/* Where a document's failure happened (eval_doc.stage). */
enum { EVAL_DOC_READ, EVAL_DOC_NOTES, EVAL_DOC_EVALUATE, EVAL_DOC_RENDER };

/* One client document as it comes back, in input order. */
typedef struct eval_doc {
    sw_status status;       /* SW_OK: read, evaluated and rendered */
    int stage;              /* with another status, where: EVAL_DOC_READ with
                             * SW_ERR_FACTS or SW_ERR_LIMIT is a skipped document,
                             * with another status a failure to read the stream;
                             * EVAL_DOC_NOTES a failure to render its diagnostics */
    int ends_input;         /* a skipped document after which the sequential reader
                             * stops reading this input (a limit) */
    const char *notes;      /* its diagnostics rendered, or NULL when it has none */
    size_t notes_len;
    const char *text;       /* the rendering (with compact, without its newline); borrowed */
    size_t len;
    const sw_facts *facts;  /* with keep, once evaluated: for the decision log */
    const sw_result *result;
} eval_doc;

/* What emit returns to end the current input quietly (the output failed, or the
 * document ends its input); CLI_EXIT_OK goes on; any other exit code ends the run. */
#define EVAL_BATCH_STOP (-1)

/* Called on the command's thread for every document, in input order. */
typedef int (*eval_batch_emit)(void *ctx, const eval_doc *doc);

/* Starts threads workers evaluating against rules and rendering in format; with
 * compact (JSON lines, which format renders on one line), the rendering's final
 * newline is left out. With keep, each document's facts and result are kept for
 * emit (the decision log needs them); without, a worker reuses one facts object
 * and one result for all its clients. With progress, a line on
 * standard error counts the clients done. NULL when out of memory or when a thread
 * could not be started. */
eval_batch *eval_batch_start(const sw_ruleset *rules, sw_format format, int compact, int keep,
                             unsigned threads, int progress, eval_batch_emit emit, void *ctx);

/* Reads the facts input data (named name in diagnostics) on the workers and emits
 * its documents. Returns 0, having done nothing, for an input the batch does not
 * read (over the library's input limit): the caller reads it sequentially.
 * Otherwise 1, with *code CLI_EXIT_OK or the exit code emit returned. */
int eval_batch_input(eval_batch *batch, const char *name, const char *data, size_t len,
                     int *code);

/* Stops the workers and frees the batch. NULL is ignored. */
void eval_batch_free(eval_batch *batch);

#endif
