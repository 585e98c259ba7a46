/*
 * serve_rules.h - the rule set a running service evaluates with, and its hot reload.
 *
 * A holder keeps the current rule set in a reference-counted snapshot. A request
 * takes a reference when it starts evaluating (serve_rules_acquire) and drops it
 * when it is done (serve_rules_release); a reload compiles the rules afresh outside
 * any lock and then swaps the snapshot under the holder's mutex, so new requests see
 * the new rule set at once, requests in flight finish on the one they took, and the
 * old rule set is freed by whoever drops its last reference. Rules that fail to
 * compile are never swapped in: the old set keeps serving.
 *
 * The holder also keeps, per rule set (by content hash), how many CDS Hooks cards
 * clinicians accepted and overrode, for GET /v1/ruleset.
 */
#ifndef SERVE_RULES_H
#define SERVE_RULES_H

#include <stddef.h>

#include "stagewise.h"

/* One compiled rule set as the service uses it. Immutable once published. */
typedef struct serve_snapshot {
    sw_ruleset *rules;
    const sw_ruleset_info *info;
    unsigned long generation;   /* 1 for the first load, one more for each reload */
    char loaded_at[32];         /* when it was compiled, ISO 8601 UTC */
    size_t refs;                /* guarded by the holder's mutex */
} serve_snapshot;

typedef struct serve_rules serve_rules;

/* The outcome of a load or reload. */
typedef struct serve_load {
    sw_status status;           /* SW_OK when the rules were compiled */
    sw_diagnostics *diags;      /* every problem found (also warnings on success) */
} serve_load;

/* A holder serving rules, compiled from paths (copied: reloads read them again).
 * Takes rules over on success. Returns 0, or -1 when out of memory (rules are then
 * still the caller's). */
int serve_rules_open(const char *const *paths, size_t npaths, sw_ruleset *rules,
                     serve_rules **out);
/* Frees the holder; every snapshot must have been released. */
void serve_rules_close(serve_rules *holder);

/* The current snapshot, with a reference the caller must release. Never NULL. */
serve_snapshot *serve_rules_acquire(serve_rules *holder);
void serve_rules_release(serve_rules *holder, serve_snapshot *snap);

/* Production mode: from now on a reload also refuses rules with any rule whose
 * status is not production (as `--production` does; diagnostic A001). */
void serve_rules_require_production(serve_rules *holder);

/* Compiles the rules again from the same paths and, when they compile, makes them
 * current. Reloads are serialised. Returns 0 and fills load (the caller frees
 * load->diags); -1 when memory ran out. */
int serve_rules_reload(serve_rules *holder, serve_load *load);

/* Counts one card outcome against the rule set with content hash sha256. */
void serve_rules_count_feedback(serve_rules *holder, const char *sha256, int accepted);
/* The outcomes counted so far for that rule set. */
void serve_rules_feedback(serve_rules *holder, const char *sha256, unsigned long *accepted,
                          unsigned long *overridden);

#endif
