/*
 * jsontext.c - compacting rendered JSON (see jsontext.h).
 */
#include "jsontext.h"

size_t cli_json_compact(char *json, size_t len)
{
    size_t out = 0;
    int in_string = 0, escaped = 0;

    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            continue;
        }
        json[out++] = c;
    }
    json[out] = '\0';
    return out;
}

size_t cli_trim_newlines(const char *text, size_t len)
{
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    return len;
}
