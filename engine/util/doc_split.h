/*
 * doc_split.h - where the documents of a facts stream begin and end, found in the
 * bytes alone: YAML documents at their markers, JSON objects by string-aware
 * bracket matching, and the line breaks both count (the ones libyaml counts).
 *
 * One description for the two readers that cut a stream: the library's facts
 * stream (engine/facts/facts_stream.c), which reads one document per piece, and
 * `stagewise eval -j N` (cli/eval_batch.c), which hands workers pieces of many
 * documents and must cut exactly where the stream would.
 */
#ifndef SW_DOC_SPLIT_H
#define SW_DOC_SPLIT_H

#include <stddef.h>

/* The length of the line break at d[i] (\n, \r, \r\n, NEL, LS, PS), or 0. */
size_t sw_split_break_at(const char *d, size_t len, size_t i);
/* The offset of the first line break in [from, limit), or limit; *size its length. */
size_t sw_split_find_break(const char *d, size_t len, size_t from, size_t limit, size_t *size);
/* Where the line holding i ends (its break, or len). */
size_t sw_split_line_end(const char *d, size_t len, size_t i);
/* The start of the line after the one holding i, or len. */
size_t sw_split_next_line(const char *d, size_t len, size_t i);

/* A document marker ("---" or "...") at d[i], alone or before a space or break. */
int sw_split_marker_at(const char *d, size_t len, size_t i, const char *marker);
/* The end of the YAML piece starting at the line start off: up to the next line
 * opening a document once this one has begun, or through a line ending one. */
size_t sw_split_yaml_end(const char *d, size_t len, size_t off);

/* Skips what may stand between JSON objects: blank space, # comments, --- or ...
 * document markers, and with bom a byte order mark at i. */
size_t sw_split_json_between(const char *d, size_t len, size_t i, int bom);
/* Where the object opened at start ends: just past its matching brace (*closed
 * 1), or, when it is never closed, where the next line starts with a brace or the
 * end of the input (*closed 0). closed may be NULL. */
size_t sw_split_json_object_end(const char *d, size_t len, size_t start, int *closed);

#endif
