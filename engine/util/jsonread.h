/*
 * jsonread.h - JSON documents read into a tree, through libyaml's event parser.
 *
 * The one JSON reader of Stagewise beside the facts reader (which reads JSON the
 * same way, through libyaml): the service reads CDS Hooks requests and feedback
 * with it. libyaml does the scanning (escapes, UTF-8, line and column marks); this
 * module keeps only what is JSON: flow collections, double-quoted strings, and
 * the plain scalars null, true, false and RFC 8259 numbers. Anchors, aliases, tags,
 * block style, single quotes, unquoted words, duplicate member names and a second
 * document are refused with the line and column of the problem. Nesting deeper
 * than SW_JREAD_MAX_DEPTH is refused at the event that crosses it, before anything
 * deeper is read, so the time spent on a hostile document is linear in what was
 * read. JSON's escaped surrogate pairs, which libyaml refuses, are rewritten as
 * YAML's eight-digit escapes first. libyaml, being a YAML reader, also lets
 * through comments and a trailing comma; both are harmless and documented.
 *
 * Every node keeps the byte span of its value, so a caller can hand part of a
 * document to another reader (the service gives the facts inside a request to the
 * facts reader) and have its diagnostics point into the original text.
 *
 * May use: util/arena.h, libyaml. Reentrant: all state is in the sw_jdoc.
 */
#ifndef SW_JSONREAD_H
#define SW_JSONREAD_H

#include <stddef.h>

#include "util/arena.h"

#define SW_JREAD_MAX_DEPTH 64
#define SW_JREAD_MAX_MEMBERS 4096

typedef enum sw_jtype {
    SW_JNULL, SW_JBOOL, SW_JNUMBER, SW_JSTRING, SW_JARRAY, SW_JOBJECT
} sw_jtype;

typedef struct sw_jnode sw_jnode;
struct sw_jnode {
    sw_jtype type;
    size_t start, end;         /* the value's bytes in the text: [start, end) */
    size_t line, column;       /* where it starts, both from 1 */
    const char *text;          /* strings: the decoded value; numbers: as written */
    size_t text_len;           /* NUL-terminated too, but strings may hold \u0000 */
    int boolean;
    const char *key;           /* the member's name when the parent is an object */
    size_t key_len;
    sw_jnode *first;           /* arrays and objects: the first element or member */
    sw_jnode *next;            /* the next sibling */
};

typedef struct sw_jdoc {
    sw_jnode *root;            /* NULL when parsing failed */
    int nomem;                 /* parsing failed for lack of memory */
    char error[160];           /* otherwise "line L, column C: what is wrong" */
    sw_arena arena;            /* the memory of every node and string */
} sw_jdoc;

/* Parses text[0..len) as one JSON value. Returns 0 with doc->root set, or -1 with
 * doc->error (or doc->nomem) set. Free with sw_jdoc_free in either case. */
int sw_jdoc_parse(sw_jdoc *doc, const char *text, size_t len);
void sw_jdoc_free(sw_jdoc *doc);

/* The member called key of an object, or NULL (also when obj is not an object). */
const sw_jnode *sw_jget(const sw_jnode *obj, const char *key);
/* Whether node is a string without NUL bytes: the value as a C string, else NULL. */
const char *sw_jstr(const sw_jnode *node);
/* "an object", "a string", ...: for messages. */
const char *sw_jtype_name(sw_jtype type);

#endif
