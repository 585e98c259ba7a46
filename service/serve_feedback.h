/*
 * serve_feedback.h - CDS Hooks feedback: what clinicians did with the cards.
 *
 * POST /cds-services/{id}/feedback carries {"feedback": [...]}, one entry per card
 * acted on: the card's uuid, "accepted" or "overridden", when, and for an override
 * the reason (a coding, as offered in the card's overrideReasons) and a comment.
 * The whole request is checked first; nothing is recorded when any entry is wrong.
 * Each entry is then counted against the rule set serving at that moment (see
 * serve_rules.h) and, when a feedback file is configured, appended to it as one
 * JSON line, flushed before the request is answered; with a decision store
 * (--store), recorded in the store instead, every entry of the request in one
 * transaction, each naming the decision whose card it is about.
 */
#ifndef SERVE_FEEDBACK_H
#define SERVE_FEEDBACK_H

#include <pthread.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/json.h"
#include "util/jsonread.h"
#include "serve_rules.h"

typedef struct serve_feedback serve_feedback;

/* Opens path for appending (NULL: count in memory only). Returns 0, or -1 with
 * *error_number set (errno; ENOMEM when memory ran out). */
int serve_feedback_open(const char *path, serve_feedback **out, int *error_number);
/* Flushes and closes the file. Returns 0, or -1 when a write failed. */
int serve_feedback_close(serve_feedback *fb);
/* Records feedback in the decision store, through its connection guarded by lock,
 * instead of a file. */
void serve_feedback_use_store(serve_feedback *fb, sw_store *store, pthread_mutex_t *lock);

typedef enum serve_feedback_status {
    SERVE_FEEDBACK_OK,
    SERVE_FEEDBACK_INVALID,     /* the request is not valid feedback: see message */
    SERVE_FEEDBACK_IO,          /* the file could not be written: see message */
    SERVE_FEEDBACK_NOT_STORED,  /* the store did not commit it: see message */
    SERVE_FEEDBACK_NOMEM
} serve_feedback_status;

/* Checks and records the feedback request whose parsed body is root, for the CDS
 * service `service` of the rule set in snap. *recorded is the number of entries. */
serve_feedback_status serve_feedback_record(serve_feedback *fb, serve_rules *holder,
                                            const serve_snapshot *snap, const char *service,
                                            const sw_jnode *root, size_t *recorded,
                                            char *message, size_t message_size);

#endif
