/*
 * stagewise.h - the public C API of libstagewise.
 *
 * Stagewise evaluates a client's facts against a compiled guidance rule set and
 * returns recommended interventions, advice, challenges, risks, a stage verdict and
 * data gaps, each with the rules, citations and fact values behind it.
 *
 * Ownership: every object handed out through an out-parameter belongs to the caller
 * and is released with its matching *_free function (buffers with sw_free). Every
 * pointer read from an object (strings, arrays, structs) is borrowed and stays valid
 * until that object is freed. Facts and results borrow from the rule set they were
 * made with: free them before the rule set.
 *
 * Threads: the library has no global mutable state. A compiled sw_ruleset is
 * immutable and may be shared by any number of threads; facts, results, streams and
 * diagnostics lists belong to one thread at a time.
 *
 * Errors: every fallible call returns an sw_status (SW_OK is 0). Calls that can
 * find problems in their input append them to a caller-owned sw_diagnostics list;
 * the library never prints.
 */
#ifndef STAGEWISE_H
#define STAGEWISE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SW_BUILDING_LIBRARY) && defined(__GNUC__)
#define SW_API __attribute__((visibility("default")))
#else
#define SW_API
#endif

#define SW_VERSION "0.1.0"
#define SW_VERSION_MAJOR 0
#define SW_VERSION_MINOR 1
#define SW_VERSION_PATCH 0
/* Version of the result document (JSON and YAML); see docs/result-format.md. */
#define SW_RESULT_FORMAT "1.0"

typedef enum sw_status {
    SW_OK = 0,
    SW_END,          /* a facts stream has no more documents */
    SW_ERR_NOMEM,    /* an allocation failed */
    SW_ERR_IO,       /* a file could not be read */
    SW_ERR_RULES,    /* the rule set has errors: see the diagnostics */
    SW_ERR_FACTS,    /* the facts have errors: see the diagnostics */
    SW_ERR_ARG,      /* an argument was invalid (NULL, unknown name, ...) */
    SW_ERR_LIMIT     /* an input exceeded a documented limit */
} sw_status;

/* A short English description of a status; never NULL, static storage. */
SW_API const char *sw_status_text(sw_status status);
/* The library's version string, e.g. "0.1.0". */
SW_API const char *sw_version(void);
/* Frees a buffer the library handed out (rendered text). NULL is ignored. */
SW_API void sw_free(void *buffer);

/* ---- Diagnostics --------------------------------------------------------- */

typedef enum sw_severity { SW_SEV_ERROR, SW_SEV_WARNING, SW_SEV_NOTE } sw_severity;

typedef struct sw_diagnostic {
    sw_severity severity;
    const char *code;        /* stable code, e.g. "E201"; see docs/errors.md */
    const char *message;
    const char *hint;        /* NULL when there is none */
    const char *file;        /* NULL when the problem has no location */
    unsigned line, column;   /* 1-based; 0 when unknown */
    unsigned span;           /* columns to underline, at least 1 */
    const char *source_line; /* the text of that line without its newline, or NULL */
    const char *field;       /* facts errors: the field's path, e.g. "facts.housing" */
} sw_diagnostic;

typedef struct sw_diagnostics sw_diagnostics;

/* A new, empty list; NULL when out of memory. */
SW_API sw_diagnostics *sw_diagnostics_new(void);
SW_API void sw_diagnostics_free(sw_diagnostics *diags);
SW_API void sw_diagnostics_clear(sw_diagnostics *diags);
SW_API size_t sw_diagnostics_count(const sw_diagnostics *diags);
SW_API size_t sw_diagnostics_error_count(const sw_diagnostics *diags);
/* The i-th diagnostic, in the order found; NULL when i is out of range. */
SW_API const sw_diagnostic *sw_diagnostics_at(const sw_diagnostics *diags, size_t i);
/* Renders every diagnostic as "file:line:col: error[CODE]: message", the source
 * line, a caret line and a hint line. *out is a NUL-terminated buffer the caller
 * frees with sw_free; *len (may be NULL) receives its length. */
SW_API sw_status sw_diagnostics_render(const sw_diagnostics *diags, char **out, size_t *len);

/* ---- Rule sets ----------------------------------------------------------- */

typedef struct sw_ruleset sw_ruleset;

/* One rule source held in memory. name is used in diagnostics and hashing. */
typedef struct sw_source_text {
    const char *name;
    const char *text;
    size_t len;
} sw_source_text;

/* Loads, checks and compiles rule files. Each path is a .sw file or a directory
 * whose *.sw files are read (sorted by name, not recursively). On SW_ERR_RULES,
 * every problem found is in diags and *out is NULL. */
SW_API sw_status sw_ruleset_load_files(const char *const *paths, size_t npaths,
                                       sw_ruleset **out, sw_diagnostics *diags);
/* As sw_ruleset_load_files, from texts in memory (copied; the caller keeps them). */
SW_API sw_status sw_ruleset_load_texts(const sw_source_text *texts, size_t ntexts,
                                       sw_ruleset **out, sw_diagnostics *diags);
SW_API void sw_ruleset_free(sw_ruleset *rules);

typedef struct sw_ruleset_info {
    const char *name;        /* guideline identifier */
    const char *title;
    const char *version;     /* semantic version of the guideline */
    const char *sha256;      /* hex SHA-256 over the rule sources (docs/result-format.md) */
    size_t sources, statements, stages, facts, derived, interventions, practices,
        challenges, risks, rules;
} sw_ruleset_info;

SW_API const sw_ruleset_info *sw_ruleset_describe(const sw_ruleset *rules);

/* ---- Facts --------------------------------------------------------------- */

typedef struct sw_facts sw_facts;
typedef struct sw_facts_stream sw_facts_stream;

/* Reads exactly one client document (YAML or JSON) from memory. */
SW_API sw_status sw_facts_parse(const sw_ruleset *rules, const char *name, const char *data,
                                size_t len, sw_facts **out, sw_diagnostics *diags);

/* A stream of client documents: a YAML multi-document stream, one JSON document or
 * JSON lines. The stream borrows data until it is freed. */
SW_API sw_status sw_facts_stream_open(const sw_ruleset *rules, const char *name,
                                      const char *data, size_t len, sw_facts_stream **out);
/* The next client: SW_OK with *out set; SW_END when there are no more; SW_ERR_FACTS
 * when this document had errors (they are in diags, the stream moves on to the next
 * document); SW_ERR_NOMEM. */
SW_API sw_status sw_facts_stream_next(sw_facts_stream *stream, sw_facts **out,
                                      sw_diagnostics *diags);
/* The 1-based position of the document last returned by sw_facts_stream_next. */
SW_API size_t sw_facts_stream_position(const sw_facts_stream *stream);
SW_API void sw_facts_stream_free(sw_facts_stream *stream);

/* Facts built in code. Every fact starts unknown. Setters check the value against
 * the schema; on a problem they return SW_ERR_FACTS (or SW_ERR_ARG for an unknown
 * name) and add a diagnostic to diags when diags is not NULL. */
SW_API sw_status sw_facts_new(const sw_ruleset *rules, sw_facts **out);
SW_API void sw_facts_free(sw_facts *facts);
SW_API sw_status sw_facts_set_client(sw_facts *facts, const char *client_id);
SW_API sw_status sw_facts_set_assessed_on(sw_facts *facts, const char *iso_date,
                                          sw_diagnostics *diags);
SW_API sw_status sw_facts_set_bool(sw_facts *facts, const char *fact, int value,
                                   sw_diagnostics *diags);
SW_API sw_status sw_facts_set_int(sw_facts *facts, const char *fact, int64_t value,
                                  sw_diagnostics *diags);
SW_API sw_status sw_facts_set_number(sw_facts *facts, const char *fact, double value,
                                     sw_diagnostics *diags);
/* For one-of, stage, date ("YYYY-MM-DD") and text facts. */
SW_API sw_status sw_facts_set_text(sw_facts *facts, const char *fact, const char *value,
                                   sw_diagnostics *diags);
/* For set-of facts: the members present (an empty set is known and empty). */
SW_API sw_status sw_facts_set_members(sw_facts *facts, const char *fact,
                                      const char *const *members, size_t nmembers,
                                      sw_diagnostics *diags);
SW_API sw_status sw_facts_set_unknown(sw_facts *facts, const char *fact);
/* The client identifier given with the facts, or NULL. */
SW_API const char *sw_facts_client(const sw_facts *facts);

/* ---- Evaluation and the result ------------------------------------------ */

typedef enum sw_priority {
    SW_PRIORITY_LOW, SW_PRIORITY_NORMAL, SW_PRIORITY_HIGH, SW_PRIORITY_URGENT
} sw_priority;

typedef enum sw_risk_severity {
    SW_SEVERITY_INFO, SW_SEVERITY_WARNING, SW_SEVERITY_CRITICAL
} sw_risk_severity;

typedef enum sw_direction {
    SW_DIRECTION_STAY, SW_DIRECTION_FORWARD, SW_DIRECTION_BACK, SW_DIRECTION_UNKNOWN
} sw_direction;

/* A citation: a source and, optionally, one statement of it or a free locator. */
typedef struct sw_citation {
    const char *source;        /* source identifier, e.g. "DD" */
    const char *source_title;
    const char *statement;     /* statement identifier, or NULL */
    const char *text;          /* the statement's text or the locator, or NULL */
} sw_citation;

/* A fact's value as read for this client, written in the rule language's syntax
 * ("rough_sleeping", "{opioids, alcohol}", "2026-11-20", "12"); known is 0 for an
 * unknown value, whose text is "unknown". */
typedef struct sw_fact_value {
    const char *fact;
    const char *label;
    const char *value;
    int known;
    int derived;
} sw_fact_value;

/* Why an output was produced: one rule whose condition was true. */
typedef struct sw_reason {
    const char *rule;          /* rule identifier */
    const char *title;
    const char *because;       /* the action's because text, or NULL */
    const char *file;          /* where the rule is written */
    unsigned line;
    const sw_citation *citations;
    size_t ncitations;
    const sw_fact_value *matched;  /* the facts its condition read, with their values */
    size_t nmatched;
} sw_reason;

/* A recommendation, piece of advice, challenge or risk. */
typedef struct sw_item {
    const char *id;
    const char *label;
    const char *kind;            /* intervention kind, or NULL */
    sw_priority priority;        /* recommendations: the highest asked for */
    sw_risk_severity severity;   /* risks: the highest flagged */
    const sw_citation *citations;   /* the catalogue entry's own citations */
    size_t ncitations;
    const sw_reason *reasons;    /* sorted by rule identifier */
    size_t nreasons;
} sw_item;

typedef struct sw_stage_candidate {
    const char *stage;
    sw_direction direction;
    int chosen;
    const sw_reason *reasons;
    size_t nreasons;
} sw_stage_candidate;

typedef struct sw_stage_verdict {
    const char *current;         /* NULL when the current stage is unknown */
    const char *suggested;       /* NULL when it is unknown */
    sw_direction direction;
    const char *policy;          /* the stated policy, in words */
    const sw_stage_candidate *candidates;  /* in stage order */
    size_t ncandidates;
    const char *const *undecided_rules;    /* move rules left undecided by missing data */
    size_t nundecided_rules;
} sw_stage_verdict;

/* A fact whose absence left rules undecided. */
typedef struct sw_data_gap {
    const char *fact;
    const char *label;
    const char *const *rules;   /* sorted */
    size_t nrules;
} sw_data_gap;

typedef struct sw_provenance {
    const char *result_format;   /* SW_RESULT_FORMAT */
    const char *engine_version;
    const char *guideline;
    const char *guideline_title;
    const char *guideline_version;
    const char *ruleset_sha256;
    const char *facts_sha256;    /* over the canonical form of the facts as read */
    const char *client;          /* NULL when none was given */
    const char *assessed_on;     /* NULL when none was given */
} sw_provenance;

typedef struct sw_report {
    sw_provenance provenance;
    const sw_item *recommendations;  /* by priority (highest first), then id */
    size_t nrecommendations;
    const sw_item *advice;           /* by id */
    size_t nadvice;
    const sw_item *challenges;       /* by id */
    size_t nchallenges;
    const sw_item *risks;            /* by severity (highest first), then id */
    size_t nrisks;
    sw_stage_verdict stage;
    const sw_data_gap *gaps;         /* by fact name */
    size_t ngaps;
    const sw_fact_value *derived;    /* every derived fact's value, by name */
    size_t nderived;
    size_t rules_fired, rules_undecided, rules_total;
} sw_report;

typedef struct sw_result sw_result;

/* Evaluates one client. The result borrows from rules; free it first. */
SW_API sw_status sw_evaluate(const sw_ruleset *rules, const sw_facts *facts, sw_result **out);
SW_API const sw_report *sw_result_report(const sw_result *result);
SW_API void sw_result_free(sw_result *result);

typedef enum sw_format { SW_FORMAT_TEXT, SW_FORMAT_JSON, SW_FORMAT_YAML } sw_format;

/* Renders a result; *out is NUL-terminated, freed with sw_free; *len may be NULL. */
SW_API sw_status sw_result_render(const sw_result *result, sw_format format, char **out,
                                  size_t *len);

SW_API const char *sw_priority_name(sw_priority priority);
SW_API const char *sw_severity_name(sw_risk_severity severity);
SW_API const char *sw_direction_name(sw_direction direction);

#ifdef __cplusplus
}
#endif

#endif /* STAGEWISE_H */
