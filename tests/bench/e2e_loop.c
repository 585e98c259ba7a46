/*
 * e2e_loop.c - the end-to-end path in a plain loop, for callgrind and perf.
 *
 * Usage: stagewise_e2e_loop RULES PASSES MODE CLIENT...
 *   MODE 0: sw_facts_parse + sw_evaluate; 1: and sw_result_render JSON;
 *   2: and JSON Lines; 9: only libyaml's events of the same documents.
 *   MODE 3: each CLIENT is a JSON-lines stream (tests/bench/clients.jsonl), read
 *   as `stagewise eval -j N`'s workers read it: every document into one reused
 *   sw_facts (sw_facts_stream_read), sw_evaluate_with into one reused result,
 *   rendered as JSON Lines; 8: only libyaml's events of each of its lines.
 * Prints microseconds per client (wall clock; use instruction counts from
 * `valgrind --tool=callgrind` to compare builds on a loaded machine, as
 * docs/performance.md does).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yaml.h>

#include "stagewise.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        return NULL;
    long n = ftell(f);
    rewind(f);
    char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void yaml_events(const char *doc, size_t len)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return;
    yaml_parser_set_input_string(&p, (const unsigned char *)doc, len);
    for (int done = 0; !done;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e))
            break;
        done = e.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
}

/* libyaml's events of every line of a JSON-lines text. */
static size_t yaml_events_of_lines(const char *doc, size_t len)
{
    size_t n = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(doc + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - doc) + 1 : len;
        yaml_events(doc + at, end - at);
        n++;
        at = end;
    }
    return n;
}

/* Reads, evaluates and renders every client of a JSON-lines text; how many. */
static size_t stream_clients(const sw_ruleset *rules, sw_facts *facts, sw_result *result,
                             const char *name, const char *doc, size_t len, size_t *bytes)
{
    sw_facts_stream *st = NULL;
    size_t n = 0;
    if (sw_facts_stream_open(rules, name, doc, len, &st) != SW_OK)
        exit(1);
    sw_status rc;
    while ((rc = sw_facts_stream_read(st, facts, NULL)) == SW_OK) {
        char *text = NULL;
        size_t tlen = 0;
        if (sw_evaluate_with(rules, facts, NULL, result) != SW_OK ||
            sw_result_render(result, SW_FORMAT_JSONL, &text, &tlen) != SW_OK)
            exit(1);
        *bytes += tlen;
        sw_free(text);
        n++;
    }
    if (rc != SW_END)
        exit(1);
    sw_facts_stream_free(st);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: stagewise_e2e_loop RULES PASSES MODE CLIENT...\n");
        return 2;
    }
    const char *paths[] = {argv[1]};
    sw_ruleset *rules = NULL;
    if (sw_ruleset_load_files(paths, 1, &rules, NULL) != SW_OK)
        return 1;
    int passes = atoi(argv[2]), mode = atoi(argv[3]), nclients = argc - 4;
    char **docs = calloc((size_t)nclients, sizeof *docs);
    size_t *lens = calloc((size_t)nclients, sizeof *lens);
    for (int k = 0; docs && lens && k < nclients; k++)
        if (!(docs[k] = slurp(argv[4 + k], &lens[k])))
            return 1;
    size_t bytes = 0, count = 0;
    sw_facts *reused_facts = NULL;
    sw_result *reused_result = NULL;
    if (mode == 3 && (sw_facts_new(rules, &reused_facts) != SW_OK ||
                      sw_result_new(rules, &reused_result) != SW_OK))
        return 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < passes; i++)
        for (int k = 0; k < nclients; k++) {
            if (mode == 3) {
                count += stream_clients(rules, reused_facts, reused_result, argv[4 + k], docs[k],
                                        lens[k], &bytes);
                continue;
            }
            if (mode == 8) {
                count += yaml_events_of_lines(docs[k], lens[k]);
                continue;
            }
            count++;
            if (mode == 9) {
                yaml_events(docs[k], lens[k]);
                continue;
            }
            sw_facts *f = NULL;
            sw_result *r = NULL;
            if (sw_facts_parse(rules, argv[4 + k], docs[k], lens[k], &f, NULL) != SW_OK ||
                sw_evaluate(rules, f, &r) != SW_OK)
                return 1;
            if (mode == 1 || mode == 2) {
                char *text = NULL;
                size_t len = 0;
                if (sw_result_render(r, mode == 1 ? SW_FORMAT_JSON : SW_FORMAT_JSONL, &text,
                                     &len) != SW_OK)
                    return 1;
                bytes += len;
                sw_free(text);
            }
            sw_result_free(r);
            sw_facts_free(f);
        }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3;
    if (count == 0)
        count = 1;
    printf("%.2f us per client, %zu bytes, %zu clients\n", us / (double)count, bytes / count,
           count);
    sw_facts_free(reused_facts);
    sw_result_free(reused_result);
    for (int k = 0; k < nclients; k++)
        free(docs[k]);
    free(docs);
    free(lens);
    sw_ruleset_free(rules);
    return 0;
}
