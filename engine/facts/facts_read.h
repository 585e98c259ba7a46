/*
 * facts_read.h - a facts stream's state, and the reading of one of its documents
 * (facts_read.c) that the stream (facts_stream.c) cuts out of the input. Internal
 * to engine/facts.
 */
#ifndef SW_FACTS_READ_H
#define SW_FACTS_READ_H

#include <yaml.h>

#include "facts/facts_check.h"

/* The part of the input one libyaml parser reads, and where it starts. */
typedef struct segment {
    size_t start, end;   /* bytes of the input */
    size_t line, column; /* 0-based line and column (characters) of start */
} segment;

/* A line start, remembered so that positions are found in one pass over the input,
 * and a point on that line with the characters before it, for columns. */
typedef struct line_cursor {
    size_t offset;       /* where the line starts */
    size_t line;         /* its 0-based number */
    size_t point, chars; /* an offset on the line, and its column (0-based) */
} line_cursor;

struct sw_facts_stream {
    const sw_program *prog;
    char *name; /* for diagnostics */
    const char *data;
    size_t len;
    int json;             /* JSON objects one after another */
    yaml_parser_t parser; /* reads the current segment */
    int parser_live;
    segment seg;
    size_t fed; /* how much of the segment the parser has been given */
    size_t next; /* where the next segment is looked for */
    line_cursor cursor;
    size_t position; /* documents returned or refused so far */
    int finished;
    sw_buf line_text; /* the source line quoted by the diagnostic being made */
    size_t *given_line; /* per base slot, for the document being read (doc) */
};

#define SW_FACTS_SECOND_DOCUMENT                                                                   \
    "more than one client document in the input; the second starts here"
#define SW_FACTS_ONE_PER_DOCUMENT "give one client per document, or read the input as a stream"

/* Points s at a libyaml mark of the current segment. */
void sw_facts_site_at_mark(sw_facts_stream *st, site *s, yaml_mark_t m);

/* Points s at a byte offset of the input. */
void sw_facts_site_at_offset(sw_facts_stream *st, site *s, size_t offset);

/* Moves the cursor to the start of the line holding offset. */
void sw_facts_cursor_to_offset(sw_facts_stream *st, size_t offset);

/* The 0-based column of offset, on the cursor's line; counts on from the last one. */
size_t sw_facts_cursor_column(sw_facts_stream *st, size_t offset);

void sw_facts_parser_stop(sw_facts_stream *st);

/* Reads the segment's document, if it has one (*found); a segment with a syntax
 * error counts as a document. */
sw_status sw_facts_read_segment(sw_facts_stream *st, segment seg, sw_facts *into,
                              sw_facts **out, sw_diagnostics *diags, int *found);

/* Whether a YAML segment holds a document: 1 (told as F013, or as the syntax error
 * met looking for it), 0 when it is empty, -1 when memory ran out. */
int sw_facts_segment_has_document(sw_facts_stream *st, segment seg, sw_diagnostics *diags);

#endif
