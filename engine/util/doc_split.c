/*
 * doc_split.c - cutting a facts stream into documents (doc_split.h).
 */
#include "util/doc_split.h"

#include <string.h>

size_t sw_split_break_at(const char *d, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)d;
    if (u[i] == '\n')
        return 1;
    if (u[i] == '\r')
        return i + 1 < len && u[i + 1] == '\n' ? 2 : 1;
    if (u[i] == 0xC2 && i + 1 < len && u[i + 1] == 0x85)
        return 2;
    if (u[i] == 0xE2 && i + 2 < len && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9))
        return 3;
    return 0;
}

size_t sw_split_find_break(const char *d, size_t len, size_t from, size_t limit, size_t *size)
{
    const unsigned char *u = (const unsigned char *)d;
    for (size_t i = from; i < limit; i++) {
        /* only \n, \r, 0xC2 (NEL) and 0xE2 (LS, PS) start a break: one test skips
         * every byte between \r and 0xC2, which is nearly all text */
        if ((unsigned char)(u[i] - ('\r' + 1)) < 0xC2 - ('\r' + 1))
            continue;
        if ((*size = sw_split_break_at(d, len, i)) != 0)
            return i;
    }
    *size = 0;
    return limit;
}

size_t sw_split_line_end(const char *d, size_t len, size_t i)
{
    size_t size;
    return sw_split_find_break(d, len, i, len, &size);
}

size_t sw_split_next_line(const char *d, size_t len, size_t i)
{
    size_t size, at = sw_split_find_break(d, len, i, len, &size);
    return at < len ? at + size : len;
}

int sw_split_marker_at(const char *d, size_t len, size_t i, const char *marker)
{
    return len - i >= 3 && memcmp(d + i, marker, 3) == 0 &&
           (len - i == 3 || d[i + 3] == ' ' || d[i + 3] == '\t' ||
            sw_split_break_at(d, len, i + 3));
}

/* Whether the line at i holds part of a document: not blank, not only a comment,
 * not a directive (which belongs to the document after it). */
static int line_has_content(const char *d, size_t len, size_t i)
{
    if (i < len && d[i] == '%')
        return 0;
    while (i < len && (d[i] == ' ' || d[i] == '\t'))
        i++;
    return i < len && d[i] != '#' && !sw_split_break_at(d, len, i);
}

size_t sw_split_yaml_end(const char *d, size_t len, size_t off)
{
    int begun = 0;
    while (off < len) {
        if (sw_split_marker_at(d, len, off, "---")) {
            if (begun)
                break;
            begun = 1;
        } else if (sw_split_marker_at(d, len, off, "...")) {
            return sw_split_next_line(d, len, off);
        } else if (line_has_content(d, len, off)) {
            begun = 1;
        }
        off = sw_split_next_line(d, len, off);
    }
    return off;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

size_t sw_split_json_between(const char *d, size_t len, size_t i, int bom)
{
    if (bom && len - i >= 3 && memcmp(d + i, "\xEF\xBB\xBF", 3) == 0)
        i += 3;
    while (i < len) {
        if (is_blank(d[i]))
            i++;
        else if (d[i] == '#')
            i = sw_split_line_end(d, len, i);
        else if (sw_split_marker_at(d, len, i, "---") || sw_split_marker_at(d, len, i, "..."))
            i += 3;
        else
            break;
    }
    return i;
}

size_t sw_split_json_object_end(const char *d, size_t len, size_t start, int *closed)
{
    size_t depth = 0;
    int in_string = 0;
    if (closed)
        *closed = 0;
    for (size_t i = start; i < len; i++) {
        char c = d[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                if (closed)
                    *closed = 1;
                return i + 1;
            }
        } else if (c == '\n' && i + 1 < len && d[i + 1] == '{') {
            return i;
        }
    }
    return len;
}
