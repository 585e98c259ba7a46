/*
 * jsontext.h - small rewrites of JSON text the library rendered: compacting it to
 * one line (for --format jsonl) and indenting it (to nest objects in an array).
 *
 * Both work on valid JSON only, which is what sw_result_render produces. JSON strings
 * never contain a raw newline, so every newline in the text is layout.
 *
 * The compactor is a stopgap until the library offers compact JSON rendering itself.
 */
#ifndef CLI_JSONTEXT_H
#define CLI_JSONTEXT_H

#include <stddef.h>

/* Removes all whitespace outside strings, in place; returns the new length. The text
 * stays NUL-terminated. */
size_t cli_json_compact(char *json, size_t len);

/* Strips trailing newlines from text[0..len) and returns the new length. */
size_t cli_trim_newlines(const char *text, size_t len);

#endif
