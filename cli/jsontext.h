/*
 * jsontext.h - small rewrites of JSON text the library rendered: the newline it
 * ends with, which a caller writing its own separators leaves out. (Compact JSON
 * for --format jsonl comes from the library itself, SW_FORMAT_JSONL.)
 */
#ifndef CLI_JSONTEXT_H
#define CLI_JSONTEXT_H

#include <stddef.h>

/* Strips trailing newlines from text[0..len) and returns the new length. */
size_t cli_trim_newlines(const char *text, size_t len);

#endif
