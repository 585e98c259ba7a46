/*
 * json.h - a small streaming JSON writer that appends to an sw_buf.
 *
 * The writer tracks nesting so that commas, colons, newlines and indentation come
 * out right; callers only say what comes next. Pretty mode indents by two spaces
 * and puts one member or element per line, except inside a flat container (a
 * short row such as {"rule": 3, "because": "x"} or [1, 2]), which stays on one
 * line with ", " and ": " between its parts; compact mode writes no whitespace at
 * all. Empty containers are always "{}" and "[]". Output is deterministic byte for
 * byte and never ends with a newline (the caller adds one if it wants it).
 *
 * Strings are written as UTF-8 with these escapes, so that any byte string gives
 * valid JSON that is also safe to show in a terminal or embed in a script:
 *   "  \  ->  \"  \\            (the only ASCII printable characters escaped)
 *   U+0008 U+000C U+000A U+000D U+0009  ->  \b \f \n \r \t
 *   every other C0 control, U+007F and the C1 controls U+0080..U+009F -> \u00XX
 *   U+2028 and U+2029 (line breaks to JavaScript)  ->  \u2028 \u2029
 *   all other well-formed UTF-8 is copied as it is
 * Ill-formed UTF-8 is never copied and never rejected: each maximal ill-formed
 * subpart (Unicode 15, section 3.9) is replaced by \ufffd, the replacement
 * character. Hex digits are lower case. A NULL string is written as null.
 *
 * Misuse (a value where a key is due, a key outside an object, an unbalanced end,
 * nesting deeper than SW_JSON_MAX_DEPTH, a second top-level value) is remembered
 * and reported by sw_json_finish; so is running out of memory.
 */
#ifndef SW_JSON_H
#define SW_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/text.h"   /* sw_utf8_decode */
#include "stagewise.h"

#define SW_JSON_MAX_DEPTH 64

typedef struct sw_json {
    sw_buf *out;
    int pretty;
    int misuse;           /* the calls did not describe one well-formed value */
    int nomem;            /* a scratch allocation failed */
    int done;             /* the top-level value is complete */
    int key_written;      /* inside an object, a key waits for its value */
    unsigned depth;
    unsigned flat_from;   /* the depth of the outermost flat container open, 0 none */
    unsigned char is_object[SW_JSON_MAX_DEPTH];
    unsigned char has_items[SW_JSON_MAX_DEPTH];
} sw_json;

/* Starts a writer that appends one JSON value to out. pretty: 1 indented, 0 compact. */
void sw_json_init(sw_json *w, sw_buf *out, int pretty);

void sw_json_begin_object(sw_json *w);
void sw_json_end_object(sw_json *w);
void sw_json_begin_array(sw_json *w);
void sw_json_end_array(sw_json *w);
/* An object or array that pretty mode keeps on one line, with whatever it holds;
 * ended by sw_json_end_object or sw_json_end_array. Compact mode is unchanged. */
void sw_json_begin_flat_object(sw_json *w);
void sw_json_begin_flat_array(sw_json *w);
/* The next member's name; must be followed by exactly one value. */
void sw_json_key(sw_json *w, const char *key);

/* A NUL-terminated string; NULL writes null. */
void sw_json_string(sw_json *w, const char *s);
/* n bytes of s (which may hold NUL, written as \u0000). */
void sw_json_string_n(sw_json *w, const char *s, size_t n);
/* A string made by printf-style formatting. */
void sw_json_stringf(sw_json *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sw_json_null(sw_json *w);
void sw_json_bool(sw_json *w, int value);
void sw_json_int(sw_json *w, int64_t value);
void sw_json_uint(sw_json *w, uint64_t value);
/* The shortest decimal that reads back as the same double ("0.1", "1e+300",
 * "-0"), always with a '.' whatever the locale; NaN and infinities give null. */
void sw_json_number(sw_json *w, double value);

/* SW_OK when exactly one complete value was written; SW_ERR_NOMEM when memory ran
 * out; SW_ERR_ARG when the calls were misused. */
sw_status sw_json_finish(const sw_json *w);

/* Ends a document written as one reply or one log line: when sw_json_finish would
 * return SW_OK, appends a newline and returns 0; otherwise returns -1. */
int sw_json_end_line(sw_json *w);

/* How many bytes at the start of s[0..n) are printable ASCII other than '"' and
 * '\\', which a JSON string holds as they are (8 at a time where it can). */
size_t sw_json_plain_prefix(const char *s, size_t n);

/* Appends s[0..n) as a quoted, escaped JSON string (see the rules above). */
void sw_json_put_string(sw_buf *out, const char *s, size_t n);


/* Whether every renderer escapes code point cp rather than show it: the C0
 * controls, U+007F, the C1 controls U+0080..U+009F, U+2028 and U+2029. */
int sw_unicode_is_control(uint32_t cp);

#endif
