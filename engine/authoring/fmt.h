/*
 * fmt.h - the formatter: one canonical layout for a rule file, comments kept.
 *
 * `stagewise fmt` is built on this. Formatting works on one file at a time and
 * needs only its syntax (a file of a rule set may declare nothing but facts), so a
 * file that parses but does not check (an unknown fact, say) can still be
 * formatted. The layout is described in docs/lint.md.
 */
#ifndef SW_FMT_H
#define SW_FMT_H

#include <stddef.h>

#include "util/buf.h"
#include "stagewise.h"
#include "lang/syntax.h"

/* The widest a condition line may be before an and/or group is broken. */
#define SW_FMT_WIDTH 80

/* Formats the text of one rule file. On SW_OK, *out is the formatted text
 * (NUL-terminated, freed with sw_free) and *outlen (may be NULL) its length.
 * SW_ERR_RULES: the file has syntax errors (in diags) and nothing is formatted;
 * also when the formatter would change the file's syntax tree (a bug, reported
 * as I001 so the file is never damaged). SW_ERR_NOMEM when memory runs out. */
/* sw_fmt_text is public (stagewise.h). */

/* Appends an expression as the formatter writes it on one line: the fewest
 * parentheses precedence needs, plus a pair around an 'and' inside an 'or' and
 * around a comparison after 'not'. Used by lint to quote conditions. */
void sw_fmt_expr(sw_buf *b, const sw_file *file, const sw_expr *e);

/* Whether two declaration lists have the same syntax (everything but positions). */
int sw_fmt_same_syntax(const sw_decl *a, const sw_decl *b);

#endif
