/*
 * report_yaml.c - the result document as YAML, through libyaml's emitter.
 *
 * sw_report_walk (report_json.c) gives the structure; this sink turns each step
 * into an emitter event, in block style, writing into the caller's sw_buf. Strings
 * a YAML reader could take for something else (null, booleans such as "no" or
 * "on", numbers, dates, the "=" and "<<" keys) are single-quoted so that the YAML
 * reads back as the same data as the JSON; strings holding control characters are
 * double-quoted so that they show as escapes. Ill-formed UTF-8, which the emitter
 * refuses, is replaced by U+FFFD first, as in JSON.
 */
#include "report/report.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "util/json.h"

typedef struct yaml_sink {
    yaml_emitter_t emitter;
    sw_buf *out;
    sw_buf scratch;     /* a string with ill-formed UTF-8 replaced */
    sw_status status;   /* the first failure */
} yaml_sink;

/* ---- emitting ---- */

static sw_status emitter_status(const yaml_emitter_t *emitter)
{
    if (emitter->error == YAML_MEMORY_ERROR || emitter->error == YAML_WRITER_ERROR)
        return SW_ERR_NOMEM;
    return SW_ERR_ARG;   /* the emitter found the events out of order: a bug */
}

/* Emits an event made by one of yaml's *_event_initialize calls, which return 0
 * only when memory runs out. The emitter takes the event in every case. */
static void emit(yaml_sink *y, int initialized, yaml_event_t *event)
{
    if (y->status != SW_OK) {
        if (initialized)
            yaml_event_delete(event);
        return;
    }
    if (!initialized)
        y->status = SW_ERR_NOMEM;
    else if (!yaml_emitter_emit(&y->emitter, event))
        y->status = emitter_status(&y->emitter);
}

static void emit_scalar(yaml_sink *y, const char *text, size_t len, int plain,
                        yaml_scalar_style_t style)
{
    yaml_event_t event;
    if (len > INT_MAX) {
        if (y->status == SW_OK)
            y->status = SW_ERR_LIMIT;
        return;
    }
    int ok = yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)text, (int)len,
                                          plain, 1, style);
    emit(y, ok, &event);
}

/* ---- choosing how a string is written ---- */

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* Compares ignoring ASCII case only, whatever the locale. */
static int ascii_equal_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower(*a) != ascii_lower(*b))
            return 0;
    return *a == *b;
}

static int ascii_equal_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_equal_nocase(s, words[i]))
            return 1;
    return 0;
}

/* Whether a plain scalar with this text could be read as anything but a string
 * by a YAML 1.1 or 1.2 reader. Errs on the side of quoting. */
static int could_be_misread(const char *s)
{
    static const char *const words[] = {
        "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "=", "<<",
    };
    unsigned char first = (unsigned char)s[0];
    if (first == '\0' || first == '.' || (first >= '0' && first <= '9'))
        return 1;
    if ((first == '-' || first == '+') && (s[1] == '.' || (s[1] >= '0' && s[1] <= '9')))
        return 1;
    return ascii_equal_any(s, words, sizeof words / sizeof *words);
}

/* Copies s into the scratch buffer with ill-formed UTF-8 replaced by U+FFFD and
 * tells whether it holds control characters. */
static const char *well_formed_copy(yaml_sink *y, const char *s, int *has_control)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    y->scratch.len = 0;
    *has_control = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = sw_utf8_decode(p + i, n - i, &cp);
        if (cp == SW_UTF8_BAD)
            sw_buf_puts(&y->scratch, "\xEF\xBF\xBD");
        else
            sw_buf_append(&y->scratch, s + i, len);
        *has_control |= sw_unicode_is_control(cp);
        i += len;
    }
    sw_buf_putc(&y->scratch, '\0');   /* an empty string still needs its data */
    if (sw_buf_failed(&y->scratch)) {
        y->status = SW_ERR_NOMEM;
        return NULL;
    }
    y->scratch.len--;
    return y->scratch.data;
}

/* ---- the sink ---- */

static void yaml_begin_object(void *ctx)
{
    yaml_event_t event;
    int ok = yaml_mapping_start_event_initialize(&event, NULL, NULL, 1,
                                                 YAML_BLOCK_MAPPING_STYLE);
    emit(ctx, ok, &event);
}

static void yaml_end_object(void *ctx)
{
    yaml_event_t event;
    emit(ctx, yaml_mapping_end_event_initialize(&event), &event);
}

static void yaml_begin_array(void *ctx)
{
    yaml_event_t event;
    int ok = yaml_sequence_start_event_initialize(&event, NULL, NULL, 1,
                                                  YAML_BLOCK_SEQUENCE_STYLE);
    emit(ctx, ok, &event);
}

static void yaml_end_array(void *ctx)
{
    yaml_event_t event;
    emit(ctx, yaml_sequence_end_event_initialize(&event), &event);
}

/* Plain text the caller knows is safe: keys, numbers, true, false, null. */
static void emit_plain(yaml_sink *y, const char *text)
{
    emit_scalar(y, text, strlen(text), 1, YAML_PLAIN_SCALAR_STYLE);
}

static void yaml_key(void *ctx, const char *key) { emit_plain(ctx, key); }

static void yaml_string(void *ctx, const char *s)
{
    yaml_sink *y = ctx;
    if (!s) {
        emit_plain(y, "null");
        return;
    }
    if (y->status != SW_OK)
        return;
    int has_control;
    const char *text = well_formed_copy(y, s, &has_control);
    if (!text)
        return;
    if (has_control)
        emit_scalar(y, text, y->scratch.len, 0, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    else
        emit_scalar(y, text, y->scratch.len, !could_be_misread(text), YAML_ANY_SCALAR_STYLE);
}

static void yaml_count(void *ctx, uint64_t n)
{
    char text[24];
    snprintf(text, sizeof text, "%llu", (unsigned long long)n);
    emit_plain(ctx, text);
}

static void yaml_boolean(void *ctx, int value) { emit_plain(ctx, value ? "true" : "false"); }

static const sw_doc_sink yaml_doc_sink = {
    yaml_begin_object, yaml_end_object, yaml_begin_array, yaml_end_array,
    yaml_key,          yaml_string,     yaml_string,      yaml_count,
    yaml_boolean,      NULL,            NULL,   /* YAML keeps block style throughout */
};

/* ---- the document ---- */

static int write_to_buf(void *data, unsigned char *bytes, size_t size)
{
    sw_buf *out = data;
    sw_buf_append(out, (const char *)bytes, size);
    return !sw_buf_failed(out);
}

static void emit_stream_start(yaml_sink *y)
{
    yaml_event_t event;
    emit(y, yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING), &event);
    emit(y, yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 0), &event);
}

static void emit_stream_end(yaml_sink *y)
{
    yaml_event_t event;
    emit(y, yaml_document_end_event_initialize(&event, 1), &event);
    emit(y, yaml_stream_end_event_initialize(&event), &event);
}

static void configure(yaml_emitter_t *emitter, sw_buf *out)
{
    yaml_emitter_set_output(emitter, write_to_buf, out);
    yaml_emitter_set_encoding(emitter, YAML_UTF8_ENCODING);
    yaml_emitter_set_unicode(emitter, 1);
    yaml_emitter_set_indent(emitter, 2);
    yaml_emitter_set_width(emitter, -1);   /* never fold long strings */
    yaml_emitter_set_break(emitter, YAML_LN_BREAK);
}

sw_status sw_report_render_yaml(const sw_report *rep, sw_buf *out)
{
    if (!rep || !out)
        return SW_ERR_ARG;
    if (sw_buf_failed(out))
        return SW_ERR_NOMEM;
    yaml_sink y;
    memset(&y, 0, sizeof y);
    if (!yaml_emitter_initialize(&y.emitter))
        return SW_ERR_NOMEM;
    y.out = out;
    y.scratch.mem = out->mem;
    y.status = SW_OK;
    configure(&y.emitter, out);
    emit_stream_start(&y);
    sw_status walked = sw_report_walk_m(out->mem, rep, &yaml_doc_sink, &y);
    emit_stream_end(&y);
    if (y.status == SW_OK && !yaml_emitter_flush(&y.emitter))
        y.status = emitter_status(&y.emitter);
    yaml_emitter_delete(&y.emitter);
    sw_buf_free(&y.scratch);
    if (y.status == SW_OK && sw_buf_failed(out))
        y.status = SW_ERR_NOMEM;
    /* a walk cut short (its tables could not be built) leaves the events unbalanced */
    return walked != SW_OK ? walked : y.status;
}
