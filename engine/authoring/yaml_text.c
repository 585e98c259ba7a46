/*
 * yaml_text.c - a YAML file the authoring tools read: line index, diagnostics that
 * quote the source line, and the document loop (yaml_text.h).
 */
#include "authoring/yaml_text.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

int sw_yaml_text_init(sw_yaml_text *t, const char *file, const char *data, size_t len)
{
    memset(t, 0, sizeof *t);
    t->file = file;
    t->data = data ? data : "";
    t->len = len;
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += t->data[i] == '\n';
    t->lines = malloc(n * sizeof *t->lines);
    if (!t->lines)
        return 0;
    t->lines[t->nlines++] = 0;
    for (size_t i = 0; i < len; i++)
        if (t->data[i] == '\n')
            t->lines[t->nlines++] = i + 1;
    return 1;
}

void sw_yaml_text_free(sw_yaml_text *t)
{
    free(t->lines);
    t->lines = NULL;
    t->nlines = 0;
}

/* The text of 0-based line `line`, without its line break, into b (none past
 * the end, or for a line over 4 KiB). */
static void line_text(const sw_yaml_text *t, size_t line, sw_buf *b)
{
    if (line >= t->nlines)
        return;
    size_t start = t->lines[line], end = start;
    while (end < t->len && t->data[end] != '\n' && t->data[end] != '\r')
        end++;
    if (end - start <= 4096)
        sw_buf_append(b, t->data + start, end - start);
}

int sw_yaml_text_vsay(const sw_yaml_text *t, sw_diagnostics *diags, yaml_mark_t m, sw_severity sev,
                      const char *code, const char *field, const char *hint, const char *fmt,
                      va_list ap)
{
    sw_buf msg = SW_BUF_INIT, src = SW_BUF_INIT;
    sw_buf_vprintf(&msg, fmt, ap);
    line_text(t, m.line, &src);
    int ok = !msg.failed && !src.failed &&
             sw_diag_add_at(diags, sev, code, t->file, (unsigned)m.line + 1, (unsigned)m.column + 1,
                            src.data ? src.data : "", field, hint, "%s", msg.data ? msg.data : "");
    sw_buf_free(&msg);
    sw_buf_free(&src);
    return ok;
}

static int say(const sw_yaml_text *t, sw_diagnostics *diags, yaml_mark_t m, const char *code,
               const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int say(const sw_yaml_text *t, sw_diagnostics *diags, yaml_mark_t m, const char *code,
               const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int ok = sw_yaml_text_vsay(t, diags, m, SW_SEV_ERROR, code, NULL, hint, fmt, ap);
    va_end(ap);
    return ok;
}

/* Reports libyaml's complaint as `code`; 0 when out of memory. */
static int report_syntax(const sw_yaml_text *t, sw_diagnostics *diags, const yaml_parser_t *parser,
                         const char *code, const char *what)
{
    if (parser->error == YAML_MEMORY_ERROR)
        return 0;
    yaml_mark_t at = parser->problem_mark, from = parser->context_mark;
    const char *hint = "check the brackets, quotes, colons and indentation here and on the line before";
    int reader = parser->error == YAML_READER_ERROR;
    if (reader) {
        /* libyaml gives a reader error by byte offset only */
        size_t off = parser->problem_offset < t->len ? parser->problem_offset : t->len;
        memset(&at, 0, sizeof at);
        for (size_t i = 0; i < off; i++)
            at.line += t->data[i] == '\n';
        at.column = off - t->lines[at.line < t->nlines ? at.line : 0];
        hint = "save the file as UTF-8 text without control characters";
    }
    sw_buf context = SW_BUF_INIT;
    if (!reader && parser->context && (from.line != at.line || from.column != at.column))
        sw_buf_printf(&context, " (%s that starts at line %zu, column %zu)", parser->context,
                      from.line + 1, from.column + 1);
    else if (!reader && parser->context)
        sw_buf_printf(&context, " (%s)", parser->context);
    int ok = !context.failed &&
             say(t, diags, at, code, hint, "the %s is not valid YAML: %s%s", what,
                 parser->problem ? parser->problem : "unreadable input",
                 context.data ? context.data : "");
    sw_buf_free(&context);
    return ok;
}

sw_yaml_end sw_yaml_text_each_document(const sw_yaml_text *t, sw_diagnostics *diags,
                                       const char *code, const char *what,
                                       int (*fn)(void *ctx, yaml_document_t *doc,
                                                 const yaml_node_t *root),
                                       void *ctx)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return SW_YAML_NOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)t->data, t->len);
    sw_yaml_end end = SW_YAML_END;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            end = report_syntax(t, diags, &parser, code, what) ? SW_YAML_SYNTAX : SW_YAML_NOMEM;
            break;
        }
        const yaml_node_t *root = yaml_document_get_root_node(&doc);
        int go = root && fn(ctx, &doc, root);
        yaml_document_delete(&doc);
        if (!root)
            break;
        if (!go) {
            end = SW_YAML_STOPPED;
            break;
        }
    }
    yaml_parser_delete(&parser);
    return end;
}
