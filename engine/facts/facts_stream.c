/*
 * facts_stream.c - a stream of client documents, and exactly one document.
 *
 * A stream holds several documents: a YAML stream (--- separated), or JSON objects
 * one after another (JSON lines). Both are cut into one segment per document here
 * (util/doc_split.h) - YAML at its document markers, JSON by string-aware bracket
 * matching, since libyaml stops after one JSON value - and each segment is read by
 * a parser of its own (facts_read.c), with its line and column offsets kept so
 * that positions are relative to the whole input. A syntax error or a bad byte
 * thus stays in its own document, and the stream goes on with the next. A
 * document is read into new facts (sw_facts_stream_next) or into facts the caller
 * reuses (sw_facts_stream_read).
 *
 * Stage facts/ - one client's facts in the program's slots.
 * May use: util/, lang/, compile/. (tests/layout checks it.)
 */
#include "facts/facts_read.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lang/diag.h"
#include "lang/value.h"
#include "util/doc_split.h"
#include "util/text.h"
#include "compile/value_text.h"

/* -- cutting YAML at document markers -- */

/* The next YAML segment: from st->next up to the next line opening a document once
 * this one has begun, or through a line ending one. 0 at the end of the input. */
static int yaml_next_segment(sw_facts_stream *st, segment *seg)
{
    size_t off = st->next;
    if (off >= st->len)
        return 0;
    sw_facts_cursor_to_offset(st, off);
    *seg = (segment){off, st->len, st->cursor.line, 0};
    seg->end = st->next = sw_split_yaml_end(st->data, st->len, off);
    return 1;
}

/* -- cutting JSON objects apart -- */

/* What may stand between JSON objects, a byte order mark at the start too. */
static size_t json_skip_between(const sw_facts_stream *st, size_t i)
{
    return sw_split_json_between(st->data, st->len, i, i == 0);
}

/* Something that is not an object where one should start: told, and reading goes
 * on at the next opening brace. */
static void json_junk(sw_facts_stream *st, size_t start, sw_diagnostics *diags)
{
    const char *brace = memchr(st->data + start, '{', st->len - start);
    size_t next = brace ? (size_t)(brace - st->data) : st->len;
    size_t shown_end = sw_split_line_end(st->data, next, start);
    site s = {.diags = diags, .file = st->name};
    sw_facts_site_at_offset(st, &s, start);
    sw_buf got = SW_BUF_INIT;
    sw_facts_show_value(&got, st->data + start, shown_end - start);
    sw_facts_report_malformed(&s, "F001",
                              "write one JSON object after another, with nothing between them",
                              "expected { to start the next JSON object, found %s", buf_text(&got));
    sw_buf_free(&got);
    st->next = next;
}

/* The next JSON segment, one object; 0 at the end of the input. *junk when what
 * stood there was not an object (told, and skipped). */
static int json_next_segment(sw_facts_stream *st, segment *seg, sw_diagnostics *diags, int *junk)
{
    size_t start = json_skip_between(st, st->next);
    *junk = 0;
    if (start >= st->len)
        return 0;
    if (st->data[start] != '{') {
        json_junk(st, start, diags);
        *junk = 1;
        return 1;
    }
    sw_facts_cursor_to_offset(st, start);
    *seg = (segment){start, sw_split_json_object_end(st->data, st->len, start, NULL),
                     st->cursor.line, sw_facts_cursor_column(st, start)};
    st->next = seg->end;
    return 1;
}

static sw_status stream_failed(sw_facts_stream *st, sw_status rc)
{
    sw_facts_parser_stop(st);
    st->finished = 1;
    return rc;
}

static sw_status next_in_stream(sw_facts_stream *st, sw_facts *into, sw_facts **out,
                                sw_diagnostics *diags)
{
    for (;;) {
        segment seg;
        int junk = 0, found = 0;
        int more =
            st->json ? json_next_segment(st, &seg, diags, &junk) : yaml_next_segment(st, &seg);
        if (!more) {
            st->finished = 1;
            return SW_END;
        }
        if (junk) {
            st->position++;
            return SW_ERR_FACTS;
        }
        sw_status rc = sw_facts_read_segment(st, seg, into, out, diags, &found);
        if (rc == SW_ERR_NOMEM)
            return stream_failed(st, rc);
        if (found) {
            st->position++;
            return rc;
        }
    }
}

/* -- the public stream -- */

sw_status sw_facts_stream_open(const sw_ruleset *rules, const char *name, const char *data,
                               size_t len, sw_facts_stream **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules || (!data && len))
        return SW_ERR_ARG;
    sw_facts_stream *st = sw_mem_calloc(rules->prog.arena.mem, 1, sizeof *st);
    if (!st)
        return SW_ERR_NOMEM;
    const char *shown = name ? name : "<facts>";
    st->name = sw_mem_alloc(rules->prog.arena.mem, strlen(shown) + 1);
    if (!st->name) {
        sw_mem_free(rules->prog.arena.mem, st, 0);
        return SW_ERR_NOMEM;
    }
    strcpy(st->name, shown);
    st->prog = &rules->prog;
    st->data = data ? data : "";
    st->len = len;
    size_t first = json_skip_between(st, 0);
    st->json = first < len && st->data[first] == '{';
    *out = st;
    return SW_OK;
}

/* The next document into into (reset first), or into new facts when into is NULL. */
static sw_status stream_next(sw_facts_stream *st, sw_facts *into, sw_facts **out,
                             sw_diagnostics *diags)
{
    if (st->finished)
        return SW_END;
    if (st->len > FACTS_MAX_INPUT) {
        site s = {.diags = diags, .file = st->name};
        sw_facts_site_at_offset(st, &s, FACTS_MAX_INPUT);
        sw_facts_report(&s, "F012", "split the input into smaller files",
               "the input is larger than the limit of 64 MiB (67108864 bytes): it is %zu bytes, "
               "and byte 67108865, here, is past the limit",
               st->len);
        return stream_failed(st, SW_ERR_LIMIT);
    }
    return next_in_stream(st, into, out, diags);
}

sw_status sw_facts_stream_next(sw_facts_stream *st, sw_facts **out, sw_diagnostics *diags)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!st)
        return SW_ERR_ARG;
    return stream_next(st, NULL, out, diags);
}

sw_status sw_facts_stream_read(sw_facts_stream *st, sw_facts *facts, sw_diagnostics *diags)
{
    if (!st || !facts || facts->prog != st->prog)
        return SW_ERR_ARG;
    sw_facts *out = NULL;
    sw_status rc = stream_next(st, facts, &out, diags);
    if (rc != SW_OK)
        sw_facts_reset(facts);
    return rc;
}

size_t sw_facts_stream_position(const sw_facts_stream *st) { return st ? st->position : 0; }

void sw_facts_stream_free(sw_facts_stream *st)
{
    if (!st)
        return;
    sw_facts_parser_stop(st);
    sw_mem_free(st->prog->arena.mem, st->given_line, 0);
    sw_mem_free(st->prog->arena.mem, st->name, 0);
    sw_buf_free(&st->line_text);
    sw_mem_free(st->prog->arena.mem, st, 0);
}

/* After the first document of sw_facts_parse: 1 when another follows, -1 when
 * memory ran out. */
static int more_documents(sw_facts_stream *st, sw_diagnostics *diags)
{
    if (st->json) {
        size_t start = json_skip_between(st, st->next);
        if (start >= st->len)
            return 0;
        site s = {.diags = diags, .file = st->name};
        sw_facts_site_at_offset(st, &s, start);
        sw_facts_report_malformed(&s, "F013", SW_FACTS_ONE_PER_DOCUMENT, "%s",
                                  SW_FACTS_SECOND_DOCUMENT);
        return 1;
    }
    segment seg;
    while (!st->finished && yaml_next_segment(st, &seg)) {
        int found = sw_facts_segment_has_document(st, seg, diags);
        if (found)
            return found;
    }
    return 0;
}

sw_status sw_facts_parse(const sw_ruleset *rules, const char *name, const char *data, size_t len,
                         sw_facts **out, sw_diagnostics *diags)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    sw_facts_stream *st;
    sw_status rc = sw_facts_stream_open(rules, name, data, len, &st);
    if (rc != SW_OK)
        return rc;
    sw_facts *f = NULL;
    rc = sw_facts_stream_next(st, &f, diags);
    if (rc == SW_END) {
        site s = {.diags = diags, .file = st->name};
        sw_facts_report_malformed(&s, "F013", "give the client's facts, e.g. facts: {phq9: 12}",
               "no client document in the input");
        rc = SW_ERR_FACTS;
    } else if (rc == SW_OK || rc == SW_ERR_FACTS) {
        int more = more_documents(st, diags);
        if (more)
            rc = more < 0 ? SW_ERR_NOMEM : SW_ERR_FACTS;
    }
    sw_facts_stream_free(st);
    if (rc != SW_OK) {
        sw_facts_free(f);
        f = NULL;
    }
    *out = f;
    return rc;
}
