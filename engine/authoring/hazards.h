/*
 * hazards.h - the clinical hazard log (DCB0129): reading it, checking it against
 * the rule set and its scenarios, and the table `stagewise coverage --hazards`
 * prints (docs/clinical-safety.md).
 *
 * The log is a YAML stream, one hazard per document: its id, title, cause,
 * effect, harm, initial severity and likelihood, the rules that control it, the
 * scenarios that are the evidence, residual severity and likelihood, and status.
 * The reader resolves every control to a rule and every piece of evidence to a
 * scenario; a name that resolves to nothing is an error at its line and column
 * with a suggestion, so a log cannot cite a control that does not exist. The
 * judge then evaluates each evidence scenario: a control is evidenced when some
 * evidence scenario that passes shows it firing and another shows it not firing.
 *
 * Ownership: a log owns its hazards (in its arena) and borrows the rule set and
 * the scenario set, which must outlive it.
 */
#ifndef SW_HAZARDS_H
#define SW_HAZARDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "authoring/scenario.h"
#include "stagewise.h"

/* A name in the log resolved to a rule (index in the program) or a scenario
 * (index in the scenario set). */
typedef struct sw_hazard_ref {
    const char *name;
    uint32_t index;
    unsigned line, column;
} sw_hazard_ref;

/* What the judge found for one control. */
typedef struct sw_hazard_control {
    uint32_t fires;      /* passing evidence scenarios in which the rule fired */
    uint32_t silent;     /* ... in which it was false or undecided */
} sw_hazard_control;

typedef struct sw_hazard {
    const char *id, *title, *cause, *effect, *harm;
    uint8_t severity, likelihood;                    /* 1..5 */
    uint8_t residual_severity, residual_likelihood;  /* 1..5 */
    uint8_t status;                                  /* sw_hazard_status */
    sw_hazard_ref *controls;
    uint32_t ncontrols;
    sw_hazard_ref *evidence;
    uint32_t nevidence;
    const char *file;
    unsigned line;
    /* filled in by sw_hazard_judge */
    sw_hazard_control *judged;   /* per control */
    uint32_t failing_evidence;   /* evidence scenarios that do not pass */
} sw_hazard;

typedef enum sw_hazard_status { SW_HAZ_OPEN, SW_HAZ_MITIGATED, SW_HAZ_CLOSED } sw_hazard_status;

typedef struct sw_hazard_log {
    const sw_ruleset *rules;
    const sw_scenario_set *scenarios;
    sw_arena arena;
    sw_hazard *items;
    size_t count, cap;
    size_t rejected;     /* hazard documents refused because of errors */
} sw_hazard_log;

void sw_hazard_log_init(sw_hazard_log *log, const sw_ruleset *rules, const sw_scenario_set *scenarios);
void sw_hazard_log_free(sw_hazard_log *log);

/* Reads a hazard log file (data[0..len), a YAML stream) into log. Each problem is
 * appended to diags with its file, line and column (codes H001 to H012,
 * docs/clinical-safety.md). Returns SW_OK, SW_ERR_FACTS when the file had errors,
 * or SW_ERR_NOMEM. */
sw_status sw_hazard_read(sw_hazard_log *log, const char *file, const char *data, size_t len,
                         sw_diagnostics *diags);

/* Evaluates every evidence scenario of every hazard and fills in `judged` and
 * `failing_evidence`. SW_OK or SW_ERR_NOMEM. */
sw_status sw_hazard_judge(sw_hazard_log *log);

/* The DCB0129 risk rating (1..5) of a severity and a likelihood (each 1..5),
 * by lookup in the 5x5 matrix; 0 when either is out of range. */
int sw_hazard_rating(int severity, int likelihood);

/* Whether a judged hazard is controlled and evidenced: it has a control, every
 * control fires in some passing evidence scenario and is silent in another, and
 * every evidence scenario passes. */
int sw_hazard_evidenced(const sw_hazard *h);

/* The table (one row per hazard), then each hazard in full, then a summary line.
 * *unevidenced is set to the number of hazards that are not evidenced. */
sw_status sw_hazard_render_text(const sw_hazard_log *log, sw_buf *out, size_t *unevidenced);

/* The same log as one JSON document ("format": "stagewise-hazards", format 1.0,
 * docs/clinical-safety.md): each hazard with its scales in words and scores, each
 * control with the evidence scenarios it fires and does not fire in, and whether
 * the hazard is evidenced; then a summary. */
sw_status sw_hazard_render_json(const sw_hazard_log *log, sw_buf *out, size_t *unevidenced);

#endif
