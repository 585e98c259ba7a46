/*
 * jsontext.c - trimming rendered JSON (see jsontext.h).
 */
#include "jsontext.h"

size_t cli_trim_newlines(const char *text, size_t len)
{
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    return len;
}
