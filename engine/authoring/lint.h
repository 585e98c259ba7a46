/*
 * lint.h - static analysis of a rule set for the mistakes that checking allows.
 *
 * The checker rejects what cannot mean anything; lint finds what means something
 * nobody intended: conditions that can never be true, rules that can never fire or
 * that another rule makes redundant, rules that contradict each other, declarations
 * nothing uses, rules without citations. Every finding is a warning diagnostic with
 * a stable code (L001...), documented with an example and a fix in docs/lint.md. A
 * rule can silence one code with `allow CODE because "reason"`.
 */
#ifndef SW_LINT_H
#define SW_LINT_H

#include <stddef.h>

#include "stagewise.h"


/* Loads the rule set made of these texts as sw_ruleset_load_texts does and, when
 * it has no errors, lints it: every finding becomes a warning in diags, sorted by
 * file (in the order given) and position. Returns SW_OK whether or not there are
 * findings; SW_ERR_RULES when the rule set has errors (they are in diags and
 * nothing is linted); SW_ERR_NOMEM, SW_ERR_ARG or SW_ERR_LIMIT. */
/* sw_lint_texts and sw_lint_render_json are public (stagewise.h). */

typedef struct sw_lint_code {
    const char *code;   /* "L001" */
    const char *title;  /* what it finds, in a few words */
} sw_lint_code;

/* Every lint code in order; the last entry has code NULL. */
extern const sw_lint_code sw_lint_codes[];

#endif
