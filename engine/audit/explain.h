/*
 * explain.h - explaining rules for one client (explain.c).
 *
 * `explain` shows each selected rule's condition as a tree, in the rule's own text,
 * with the value of every sub-expression for the client; `why not` takes an output
 * that was not produced (an intervention, a piece of advice, a challenge, a risk or
 * a stage) and, for every rule that could have produced it, lists the conditions
 * that were false or unknown, the client's values and what would have satisfied
 * them. explain.c also answers questions about the rules themselves (their
 * provenance metadata, and production mode). The public functions are declared in
 * stagewise.h; this header gives the handle's layout and the renderers.
 */
#ifndef SW_EXPLAIN_H
#define SW_EXPLAIN_H

#include "util/arena.h"
#include "util/buf.h"
#include "stagewise.h"

/* The document name and version of the JSON rendering (docs/audit.md). */
#define SW_EXPLANATION_FORMAT_NAME "stagewise-explanation"
#define SW_EXPLANATION_FORMAT "1.0"

struct sw_explanation {
    sw_arena arena;              /* every string and array of the report */
    sw_explanation_report report;
};

/* Appends the text rendering (for people at a terminal). */
sw_status sw_explanation_render_text(const sw_explanation_report *rep, sw_buf *out);
/* Appends the JSON document; pretty (indented) when pretty is non-zero, else one
 * line. Ends with a newline. */
sw_status sw_explanation_render_json(const sw_explanation_report *rep, int pretty,
                                     sw_buf *out);

#endif
