/*
 * serve_json.h - the JSON the service writes and reads: a growable buffer, a
 * writer that lays JSON out like the result document (two spaces of indent, one
 * member per line), and a strict RFC 8259 reader that keeps each value's byte span.
 *
 * The service answers every request with JSON it builds here (errors, cards,
 * discovery, rule set details); the result document itself comes from the library.
 * The reader parses CDS Hooks requests and feedback, which are JSON by that
 * specification; it refuses comments, trailing commas, duplicate keys, lone
 * surrogates and ill-formed UTF-8, and names the line and column of the problem.
 *
 * Both sides are reentrant: every call works on the object passed in.
 */
#ifndef SERVE_JSON_H
#define SERVE_JSON_H

#include <stddef.h>
#include <stdint.h>

/* ---- buffer ---- */

/* A growable byte buffer; an allocation failure is sticky (failed stays set and
 * later appends do nothing). data is NUL-terminated whenever it is not NULL. */
typedef struct serve_buf {
    char *data;
    size_t len, cap;
    int failed;
} serve_buf;

void serve_buf_add(serve_buf *b, const char *s, size_t n);
void serve_buf_puts(serve_buf *b, const char *s);
void serve_buf_printf(serve_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the data over (caller frees with free()) and resets b; NULL when an
 * allocation failed (the data is freed then). *len may be NULL. */
char *serve_buf_take(serve_buf *b, size_t *len);
void serve_buf_free(serve_buf *b);

/* ---- writer ---- */

#define SERVE_JSON_DEPTH 32

typedef struct serve_json {
    serve_buf *out;
    unsigned depth;
    int after_key;                              /* a key waits for its value */
    int misuse;                                 /* calls did not form one value */
    int started;                                /* the top-level value has begun */
    int compact;                                /* no whitespace at all (JSON lines) */
    unsigned char items[SERVE_JSON_DEPTH];      /* containers that hold something */
} serve_json;

void serve_json_init(serve_json *w, serve_buf *out);
/* As serve_json_init, for one compact line (serve_json_finish still adds '\n'). */
void serve_json_init_compact(serve_json *w, serve_buf *out);
void serve_json_begin_object(serve_json *w);
void serve_json_end_object(serve_json *w);
void serve_json_begin_array(serve_json *w);
void serve_json_end_array(serve_json *w);
void serve_json_key(serve_json *w, const char *key);
/* A NUL-terminated string; NULL writes null. */
void serve_json_string(serve_json *w, const char *s);
void serve_json_string_n(serve_json *w, const char *s, size_t n);
void serve_json_int(serve_json *w, long long value);
void serve_json_bool(serve_json *w, int value);
void serve_json_null(serve_json *w);
/* Ends the document with a newline. 0 when one well-formed value was written and
 * memory lasted, else -1. */
int serve_json_finish(serve_json *w);

/* Appends s[0..n) as a quoted JSON string with the result document's escapes:
 * quote, backslash and control characters escaped, U+2028/U+2029 as \u escapes,
 * each maximal ill-formed UTF-8 subpart replaced by \ufffd. */
void serve_json_quote(serve_buf *b, const char *s, size_t n);

/* Decodes one UTF-8 sequence of s[0..n), n >= 1: returns the bytes taken and sets
 * *cp, or for ill-formed input the length of its maximal subpart and *cp =
 * SERVE_UTF8_BAD. */
#define SERVE_UTF8_BAD 0x110000u
size_t serve_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* ---- reader ---- */

typedef enum serve_jtype {
    SERVE_JNULL, SERVE_JBOOL, SERVE_JNUMBER, SERVE_JSTRING, SERVE_JARRAY, SERVE_JOBJECT
} serve_jtype;

typedef struct serve_jnode serve_jnode;
struct serve_jnode {
    serve_jtype type;
    size_t start, end;         /* the value's bytes in the text: [start, end) */
    const char *text;          /* strings: the decoded value; numbers: as written */
    size_t text_len;           /* NUL-terminated too, but strings may hold \u0000 */
    int boolean;
    const char *key;           /* the member's name when the parent is an object */
    size_t key_len;
    serve_jnode *first;        /* arrays and objects: the first element or member */
    serve_jnode *next;         /* the next sibling */
};

typedef struct serve_jdoc {
    serve_jnode *root;         /* NULL when parsing failed */
    int nomem;                 /* parsing failed for lack of memory */
    char error[160];           /* otherwise, what is wrong and where */
    void *arena;               /* the memory of every node and string */
} serve_jdoc;

/* Parses text[0..len) as one JSON value. Returns 0 with doc->root set, or -1 with
 * doc->error (or doc->nomem) set. Free with serve_jdoc_free in either case. */
int serve_jdoc_parse(serve_jdoc *doc, const char *text, size_t len);
void serve_jdoc_free(serve_jdoc *doc);

/* The member called key of an object, or NULL (also when obj is not an object). */
const serve_jnode *serve_jget(const serve_jnode *obj, const char *key);
/* Whether node is a string without NUL bytes: the value as a C string, else NULL. */
const char *serve_jstr(const serve_jnode *node);
/* "an object", "a string", ...: for messages. */
const char *serve_jtype_name(serve_jtype type);

#endif
