/*
 * serve_feedback.c - checking and recording CDS Hooks feedback (see
 * serve_feedback.h): to a file as JSON lines, or with --store to the decision
 * store as chained feedback records, one transaction per request.
 */
#define _POSIX_C_SOURCE 200809L
#include "serve_feedback.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct serve_feedback {
    pthread_mutex_t lock;       /* one writer at a time, so lines never interleave */
    FILE *file;                 /* NULL: counts only */
    int write_failed;
    sw_store *store;            /* --store: feedback goes to the store instead, or NULL */
    pthread_mutex_t *store_lock;   /* shared with the decisions: one connection */
};

void serve_feedback_use_store(serve_feedback *fb, sw_store *store, pthread_mutex_t *lock)
{
    fb->store = store;
    fb->store_lock = lock;
}

int serve_feedback_open(const char *path, serve_feedback **out, int *error_number)
{
    *out = NULL;
    serve_feedback *fb = calloc(1, sizeof *fb);
    if (fb == NULL) {
        *error_number = ENOMEM;
        return -1;
    }
    if (path != NULL) {
        errno = 0;
        fb->file = fopen(path, "a");
        if (fb->file == NULL) {
            *error_number = errno != 0 ? errno : EIO;
            free(fb);
            return -1;
        }
    }
    if (pthread_mutex_init(&fb->lock, NULL) != 0) {
        if (fb->file != NULL)
            fclose(fb->file);
        free(fb);
        *error_number = ENOMEM;
        return -1;
    }
    *out = fb;
    return 0;
}

int serve_feedback_close(serve_feedback *fb)
{
    if (fb == NULL)
        return 0;
    int failed = fb->write_failed;
    if (fb->file != NULL && fclose(fb->file) != 0)
        failed = 1;
    pthread_mutex_destroy(&fb->lock);
    free(fb);
    return failed ? -1 : 0;
}

/* ---- checking ---- */

static int invalid(char *message, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int invalid(char *message, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, size, fmt, ap);
    va_end(ap);
    return -1;
}

static int is_uuid(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr("0123456789abcdefABCDEF", s[i]) == NULL || s[i] == 0)
            return 0;
    }
    return 1;
}

/* An optional member that must be a string when present. */
static int optional_string(const sw_jnode *obj, const char *key, size_t index,
                           const char *where, char *message, size_t size)
{
    const sw_jnode *node = sw_jget(obj, key);
    if (node == NULL || node->type == SW_JNULL || sw_jstr(node) != NULL)
        return 0;
    return invalid(message, size, "feedback[%zu].%s%s must be a string, not %s", index, where,
                   key, sw_jtype_name(node->type));
}

static int check_override(const sw_jnode *entry, size_t index, int accepted,
                          char *message, size_t size)
{
    const sw_jnode *reason = sw_jget(entry, "overrideReason");
    if (reason == NULL || reason->type == SW_JNULL)
        return 0;
    if (accepted)
        return invalid(message, size,
                       "feedback[%zu].overrideReason is only for an overridden card", index);
    if (reason->type != SW_JOBJECT)
        return invalid(message, size, "feedback[%zu].overrideReason must be an object, not %s",
                       index, sw_jtype_name(reason->type));
    if (optional_string(reason, "userComment", index, "overrideReason.", message, size) != 0)
        return -1;
    const sw_jnode *coding = sw_jget(reason, "reason");
    if (coding == NULL || coding->type == SW_JNULL)
        return 0;
    if (coding->type != SW_JOBJECT || sw_jstr(sw_jget(coding, "code")) == NULL)
        return invalid(message, size, "feedback[%zu].overrideReason.reason must be a coding "
                                      "with a \"code\" string", index);
    if (optional_string(coding, "system", index, "overrideReason.reason.", message, size) != 0)
        return -1;
    return optional_string(coding, "display", index, "overrideReason.reason.", message, size);
}

static int check_suggestions(const sw_jnode *entry, size_t index, char *message, size_t size)
{
    const sw_jnode *list = sw_jget(entry, "acceptedSuggestions");
    if (list == NULL || list->type == SW_JNULL)
        return 0;
    if (list->type != SW_JARRAY)
        return invalid(message, size, "feedback[%zu].acceptedSuggestions must be an array",
                       index);
    for (const sw_jnode *s = list->first; s != NULL; s = s->next)
        if (sw_jstr(sw_jget(s, "id")) == NULL)
            return invalid(message, size, "feedback[%zu].acceptedSuggestions: each must be "
                                          "an object with an \"id\" string", index);
    return 0;
}

static int check_entry(const sw_jnode *entry, size_t index, char *message, size_t size)
{
    if (entry->type != SW_JOBJECT)
        return invalid(message, size, "feedback[%zu] must be an object, not %s", index,
                       sw_jtype_name(entry->type));
    if (!is_uuid(sw_jstr(sw_jget(entry, "card"))))
        return invalid(message, size, "feedback[%zu].card must be the uuid of a card", index);
    const char *outcome = sw_jstr(sw_jget(entry, "outcome"));
    int accepted = outcome != NULL && strcmp(outcome, "accepted") == 0;
    if (!accepted && (outcome == NULL || strcmp(outcome, "overridden") != 0))
        return invalid(message, size,
                       "feedback[%zu].outcome must be \"accepted\" or \"overridden\"", index);
    if (sw_jstr(sw_jget(entry, "outcomeTimestamp")) == NULL)
        return invalid(message, size, "feedback[%zu].outcomeTimestamp must be a string "
                                      "(an ISO 8601 time)", index);
    if (check_override(entry, index, accepted, message, size) != 0)
        return -1;
    return check_suggestions(entry, index, message, size);
}

/* The feedback array of a request, checked; NULL with message set when invalid. */
static const sw_jnode *check_request(const sw_jnode *root, char *message, size_t size)
{
    const sw_jnode *list = sw_jget(root, "feedback");
    if (root->type != SW_JOBJECT || list == NULL || list->type != SW_JARRAY) {
        invalid(message, size, "the body must be an object with a \"feedback\" array");
        return NULL;
    }
    if (list->first == NULL) {
        invalid(message, size, "the \"feedback\" array is empty");
        return NULL;
    }
    size_t index = 0;
    for (const sw_jnode *e = list->first; e != NULL; e = e->next, index++)
        if (check_entry(e, index, message, size) != 0)
            return NULL;
    return list;
}

/* ---- recording ---- */

static void member_string(sw_json *w, const sw_jnode *obj, const char *key)
{
    sw_json_key(w, key);
    sw_json_string(w, sw_jstr(sw_jget(obj, key)));
}

static void write_override(sw_json *w, const sw_jnode *entry)
{
    const sw_jnode *reason = sw_jget(entry, "overrideReason");
    sw_json_key(w, "overrideReason");
    if (reason == NULL || reason->type != SW_JOBJECT) {
        sw_json_null(w);
        return;
    }
    const sw_jnode *coding = sw_jget(reason, "reason");
    sw_json_begin_object(w);
    member_string(w, coding, "system");
    member_string(w, coding, "code");
    member_string(w, coding, "display");
    member_string(w, reason, "userComment");
    sw_json_end_object(w);
}

/* One JSON line for one entry (for the store: without the card, which the store
 * writes with the decision it belongs to, and without the newline). */
static void write_line(sw_buf *out, const char *received, const char *service,
                       const serve_snapshot *snap, const sw_jnode *entry, int for_store)
{
    sw_json w;
    sw_json_init(&w, out, 0);
    sw_json_begin_object(&w);
    sw_json_key(&w, "received");
    sw_json_string(&w, received);
    sw_json_key(&w, "service");
    sw_json_string(&w, service);
    sw_json_key(&w, "guideline_version");
    sw_json_string(&w, snap->info->version);
    sw_json_key(&w, "ruleset_sha256");
    sw_json_string(&w, snap->info->sha256);
    if (!for_store)
        member_string(&w, entry, "card");
    member_string(&w, entry, "outcome");
    member_string(&w, entry, "outcomeTimestamp");
    write_override(&w, entry);
    sw_json_key(&w, "acceptedSuggestions");
    sw_json_begin_array(&w);
    const sw_jnode *list = sw_jget(entry, "acceptedSuggestions");
    for (const sw_jnode *s = list != NULL ? list->first : NULL; s != NULL; s = s->next)
        sw_json_string(&w, sw_jstr(sw_jget(s, "id")));
    sw_json_end_array(&w);
    sw_json_end_object(&w);
    if (sw_json_end_line(&w) != 0)
        out->failed = 1;
    else if (for_store)
        out->len--;   /* the newline */
}

/* Records the entries in the store, in one transaction. */
static serve_feedback_status store_entries(serve_feedback *fb, const char *received,
                                           const char *service, const serve_snapshot *snap,
                                           const sw_jnode *list, char *message, size_t size)
{
    size_t n = 0;
    for (const sw_jnode *e = list->first; e != NULL; e = e->next)
        n++;
    sw_buf *bodies = calloc(n, sizeof *bodies);
    sw_feedback_entry *entries = calloc(n, sizeof *entries);
    sw_diagnostics *diags = sw_diagnostics_new();
    serve_feedback_status result = SERVE_FEEDBACK_NOMEM;
    size_t i = 0;
    int failed = bodies == NULL || entries == NULL || diags == NULL;
    for (const sw_jnode *e = list->first; !failed && e != NULL; e = e->next, i++) {
        write_line(&bodies[i], received, service, snap, e, 1);
        failed = bodies[i].failed;
        entries[i] = (sw_feedback_entry){sw_jstr(sw_jget(e, "card")), bodies[i].data, bodies[i].len};
    }
    if (!failed) {
        pthread_mutex_lock(fb->store_lock);
        sw_status status = sw_store_append_feedback(fb->store, entries, n, diags);
        pthread_mutex_unlock(fb->store_lock);
        const sw_diagnostic *d = sw_diagnostics_count(diags) > 0 ? sw_diagnostics_at(diags, 0) : NULL;
        result = status == SW_OK ? SERVE_FEEDBACK_OK
                 : status == SW_ERR_NOMEM ? SERVE_FEEDBACK_NOMEM
                 : status == SW_ERR_ARG ? SERVE_FEEDBACK_INVALID : SERVE_FEEDBACK_NOT_STORED;
        if (result == SERVE_FEEDBACK_INVALID)
            snprintf(message, size, "%s", d != NULL ? d->message : "the feedback was refused");
        else if (result == SERVE_FEEDBACK_NOT_STORED)
            snprintf(message, size, "the feedback could not be recorded in the decision store, "
                     "so it is not acknowledged: %s", d != NULL ? d->message : sw_status_text(status));
    }
    for (size_t k = 0; bodies != NULL && k < n; k++)
        sw_buf_free(&bodies[k]);
    free(bodies);
    free(entries);
    sw_diagnostics_free(diags);
    return result;
}

static int append_lines(serve_feedback *fb, const sw_buf *lines)
{
    pthread_mutex_lock(&fb->lock);
    errno = 0;
    int ok = fwrite(lines->data, 1, lines->len, fb->file) == lines->len &&
             fflush(fb->file) == 0;
    int error_number = errno;
    if (!ok)
        fb->write_failed = 1;
    pthread_mutex_unlock(&fb->lock);
    errno = error_number;
    return ok ? 0 : -1;
}

serve_feedback_status serve_feedback_record(serve_feedback *fb, serve_rules *holder,
                                            const serve_snapshot *snap, const char *service,
                                            const sw_jnode *root, size_t *recorded,
                                            char *message, size_t message_size)
{
    *recorded = 0;
    const sw_jnode *list = check_request(root, message, message_size);
    if (list == NULL)
        return SERVE_FEEDBACK_INVALID;

    char received[32];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(received, sizeof received, "%Y-%m-%dT%H:%M:%SZ", &tm);

    if (fb->store != NULL) {
        serve_feedback_status status = store_entries(fb, received, service, snap, list, message,
                                                     message_size);
        if (status != SERVE_FEEDBACK_OK)
            return status;
    }
    sw_buf lines = {0};
    for (const sw_jnode *e = fb->store == NULL ? list->first : NULL; e != NULL; e = e->next)
        write_line(&lines, received, service, snap, e, 0);
    if (lines.failed) {
        sw_buf_free(&lines);
        return SERVE_FEEDBACK_NOMEM;
    }
    if (fb->file != NULL && append_lines(fb, &lines) != 0) {
        snprintf(message, message_size, "the feedback file could not be written: %s",
                 strerror(errno != 0 ? errno : EIO));
        sw_buf_free(&lines);
        return SERVE_FEEDBACK_IO;
    }
    sw_buf_free(&lines);
    for (const sw_jnode *e = list->first; e != NULL; e = e->next, (*recorded)++)
        serve_rules_count_feedback(holder, snap->info->sha256,
                                   strcmp(sw_jstr(sw_jget(e, "outcome")), "accepted") == 0);
    return SERVE_FEEDBACK_OK;
}
