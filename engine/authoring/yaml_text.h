/*
 * yaml_text.h - a YAML file the authoring tools read (scenarios, the hazard log):
 * its text, where each line starts, diagnostics that quote the line, and the loop
 * over its documents with libyaml's document API.
 *
 * Stage authoring/. May use: util/, lang/.
 */
#ifndef SW_YAML_TEXT_H
#define SW_YAML_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <yaml.h>

#include "lang/diag.h"

typedef struct sw_yaml_text {
    const char *file;      /* as diagnostics name it */
    const char *data;
    size_t len;
    size_t *lines;         /* byte offset of each line's start */
    size_t nlines;
} sw_yaml_text;

/* Indexes the lines of data; 0 when out of memory. The text is borrowed. */
int sw_yaml_text_init(sw_yaml_text *t, const char *file, const char *data, size_t len);
void sw_yaml_text_free(sw_yaml_text *t);

/* Adds a diagnostic at mark (0-based line and column), quoting the line it is on.
 * Returns 0 when out of memory. */
int sw_yaml_text_vsay(const sw_yaml_text *t, sw_diagnostics *diags, yaml_mark_t m, sw_severity sev,
                      const char *code, const char *field, const char *hint, const char *fmt,
                      va_list ap);

/* What sw_yaml_text_each_document ended on. */
typedef enum {
    SW_YAML_END,           /* every document was read */
    SW_YAML_STOPPED,       /* the callback returned 0 */
    SW_YAML_SYNTAX,        /* not valid YAML: reported with `code`, reading stopped there */
    SW_YAML_NOMEM
} sw_yaml_end;

/* Loads each document of the text in turn and hands its root to fn (never NULL),
 * which returns 0 to stop. A syntax error is reported as error `code`: "the WHAT is
 * not valid YAML: ..." at libyaml's mark, with the construct it was in. */
sw_yaml_end sw_yaml_text_each_document(const sw_yaml_text *t, sw_diagnostics *diags,
                                       const char *code, const char *what,
                                       int (*fn)(void *ctx, yaml_document_t *doc,
                                                 const yaml_node_t *root),
                                       void *ctx);

#endif
