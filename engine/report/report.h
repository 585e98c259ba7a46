/*
 * report.h - rendering an sw_report as text, JSON or YAML.
 *
 * The reporters are the last stage of the pipeline: they read a finished report
 * and append its rendering to a buffer; they never change or look past it. JSON
 * and YAML carry every field of the report in one structure, the result document
 * of docs/result-format.md (version SW_RESULT_FORMAT); the text rendering is a
 * summary laid out for people at a terminal. Every rendering ends with a newline
 * and is the same, byte for byte, for the same report.
 *
 * On failure the buffer may hold a partial rendering; the caller discards it.
 */
#ifndef SW_REPORT_H
#define SW_REPORT_H

#include <stdint.h>

#include "util/buf.h"
#include "stagewise.h"

/* Appends the rendering of rep to out (JSON is pretty-printed). Returns SW_OK,
 * SW_ERR_NOMEM, SW_ERR_ARG for a NULL report or buffer or an unknown format, or
 * (YAML only) SW_ERR_LIMIT. */
sw_status sw_report_render(const sw_report *rep, sw_format format, sw_buf *out);

/* 1 when the result is the full report with provenance (sw_evaluate, or
 * sw_evaluate_with at SW_RESULT_FULL with provenance): only such a result may be
 * made into a decision record, since replay reproduces the full result and checks
 * its hash. */
int sw_result_recordable(const sw_result *result);

/* The result document as JSON: pretty (2-space indent) when pretty is non-zero,
 * else compact on a single line, as JSON lines wants. Ends with a newline. */
sw_status sw_report_render_json(const sw_report *rep, int pretty, sw_buf *out);
/* The same in the layout of an earlier result format: major 2 writes format 2.0
 * (report_json2.c), which replay needs for decision records whose result_sha256
 * was taken over a 2.0 document; major 3 is sw_report_render_json. SW_ERR_ARG for
 * any other. */
sw_status sw_report_render_json_as(const sw_report *rep, int pretty, int major, sw_buf *out);
/* The result document as one YAML document that starts with "---" (so that
 * renderings can be concatenated into a stream). SW_ERR_LIMIT for a string longer
 * than INT_MAX bytes, which libyaml cannot take. */
sw_status sw_report_render_yaml(const sw_report *rep, sw_buf *out);
/* The full report for people at a terminal (`eval --detail`). */
sw_status sw_report_render_text(const sw_report *rep, sw_buf *out);

/* The brief (report_brief.c): at most SW_BRIEF_LINES lines of at most
 * SW_BRIEF_COLUMNS characters, for every report. */
#define SW_BRIEF_LINES 40
#define SW_BRIEF_COLUMNS 100
sw_status sw_report_render_brief(const sw_report *rep, sw_buf *out);

/* ---- Internal: the shape of the result document --------------------------
 *
 * sw_report_walk describes the result document once, as a sequence of calls on a
 * sink, so that JSON and YAML cannot disagree on fields or their order. A sink
 * records its own failures; the walk returns SW_ERR_NOMEM only when its own
 * scratch space ran out. A NULL string stands for null.
 */
typedef struct sw_doc_sink {
    void (*begin_object)(void *ctx);
    void (*end_object)(void *ctx);
    void (*begin_array)(void *ctx);
    void (*end_array)(void *ctx);
    void (*key)(void *ctx, const char *key);
    /* a member name taken from the rule set (a rule, fact or source identifier, a
     * citation key): YAML quotes it when a reader could take it for a non-string */
    void (*name)(void *ctx, const char *key);
    void (*string)(void *ctx, const char *s);
    void (*count)(void *ctx, uint64_t n);
    void (*boolean)(void *ctx, int value);
    /* optional (NULL: begin_object, begin_array): a short container that a pretty
     * layout may keep on one line, as JSON does (a reason, a table row, a list of
     * indexes); ended by end_object or end_array */
    void (*begin_flat_object)(void *ctx);
    void (*begin_flat_array)(void *ctx);
} sw_doc_sink;

#define SW_RESULT_FORMAT_NAME "stagewise-result"

/* The current format (report_json.c) and format 2.0 (report_json2.c). */
sw_status sw_report_walk(const sw_report *rep, const sw_doc_sink *sink, void *ctx);
sw_status sw_report_walk_v2(const sw_report *rep, const sw_doc_sink *sink, void *ctx);
/* The same, its scratch memory from mem (the output buffer's, util/mem.h). */
sw_status sw_report_walk_m(sw_mem mem, const sw_report *rep, const sw_doc_sink *sink, void *ctx);

/* The tables of the result document (report_tables.c): everything the reasons
 * refer to by name, once each, sorted by key. Pointers are borrowed from the
 * report; free with sw_doc_tables_free. */
typedef struct sw_doc_cite {
    const char *key;               /* as sw_doc_cite_key writes it */
    const sw_citation *citation;
} sw_doc_cite;

typedef struct sw_doc_tables {
    const sw_reason **rules;       /* one reason per rule used, by rule identifier */
    size_t nrules;
    const sw_fact_value **facts;   /* facts those rules read, and every derived fact */
    size_t nfacts;
    sw_doc_cite *cites;            /* citations of those rules and of the items */
    size_t ncites;
    const sw_citation **sources;   /* one citation per source cited, by source */
    size_t nsources;
    sw_buf keys;                   /* the citation keys' text */
} sw_doc_tables;

sw_status sw_doc_tables_build(const sw_report *rep, sw_doc_tables *t);
/* The same, the tables allocated from mem (kept in t->keys.mem for the free). */
sw_status sw_doc_tables_build_m(sw_mem mem, const sw_report *rep, sw_doc_tables *t);
void sw_doc_tables_free(sw_doc_tables *t);

/* The report's per-kind lists (report_tables.c): its kinds, or for a report made
 * without them (by hand, as tests do) the four named ones, described in
 * four. Returns how many; every reporter reads the kinds through here. */
#define SW_REPORT_NAMED_KINDS 4
size_t sw_report_lists(const sw_report *rep, sw_item_list four[SW_REPORT_NAMED_KINDS],
                       const sw_item_list **out);
/* Sorts n elements of size bytes at base by the name name_of gives each (byte
 * order, stable: of equal names the first given stays first) and keeps the first
 * of each run of equal names; returns how many are kept (report_tables.c). The
 * names are compared by their first 8 bytes as one number, the rest only on a
 * tie, and name_of is called once per element. Scratch memory from mem. */
size_t sw_doc_sort_unique(sw_mem mem, void *base, size_t n, size_t size,
                          const char *(*name_of)(const void *element));
/* Appends a citation's key: SOURCE.statement, SOURCE "locator" or SOURCE. */
void sw_doc_cite_key(sw_buf *out, const sw_citation *c);

#endif
