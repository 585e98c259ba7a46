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
 *
 * ABI: objects are opaque, made and freed by the library. The structs a caller
 * reads (sw_report, sw_diagnostic, sw_explanation_report, sw_replay_report, the
 * info structs) are only ever handed out by pointer, never allocated by the caller,
 * so a later version may add fields at their end; a field is never removed or
 * moved within a major version (the soname's number). What a result means is
 * versioned apart, by SW_RESULT_FORMAT and SW_RECORD_FORMAT (docs/result-format.md,
 * docs/audit.md). Structs a caller fills in (the *_options) are zero-initialised
 * by the caller and gain fields only at their end, zero meaning the old behaviour.
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
#define SW_RESULT_FORMAT "3.0"

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
/* Frees a buffer the library handed out (rendered text), through the allocator it
 * came from (see sw_alloc_fn). NULL is ignored. */
SW_API void sw_free(void *buffer);

/* ---- Memory ----------------------------------------------------------------
 * An allocator as Lua's lua_Alloc: with nsize 0 it frees ptr (NULL is possible)
 * and returns NULL; otherwise it returns a block of nsize bytes, aligned for any
 * type, holding the first min(osize, nsize) bytes of ptr (a new block when ptr is
 * NULL), or NULL when it cannot, leaving ptr as it was. osize is the size ptr was
 * obtained with, or 0 where the library does not keep it. ud is passed through.
 * The library never calls it with nsize 0 and ptr NULL, and runs it from every
 * thread that uses objects made with it: it must be thread-safe when they are
 * shared (a rule set evaluated by many threads).
 *
 * A rule set loaded with an allocator (sw_load_options) allocates through it
 * while loading and afterwards for what is made from it: the compiled program,
 * facts and streams read for it, results, reports, explanations and the buffers
 * rendered from them and from its schema. Diagnostics lists take theirs from
 * sw_diagnostics_new_with. Every buffer handed out records its allocator, so
 * sw_free (never free) gives it back. libyaml, libcrypto, libpq, libmicrohttpd,
 * and for now decision records, the decision log and store and the authoring
 * tools use the C library (docs/integration.md). When an allocation
 * fails the call answers SW_ERR_NOMEM, frees what it took and leaves its outputs
 * NULL. */
typedef void *(*sw_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

/* ---- Limits --------------------------------------------------------------
 * What the library refuses, with SW_ERR_LIMIT and a diagnostic (docs/errors.md,
 * docs/facts-format.md). Part of the ABI: they only ever grow. */

#define SW_LIMIT_RULE_FILE_BYTES (16u << 20)   /* one rule file (E005) */
#define SW_LIMIT_RULE_FILES 10000u             /* files in one rule set (E008) */
#define SW_LIMIT_EXPR_DEPTH 4000u              /* operators nested in one condition (E011) */
#define SW_LIMIT_FACTS_BYTES (64u << 20)       /* one facts input (F012) */
#define SW_LIMIT_FACTS_NESTING 16u             /* lists and mappings inside each other (F012) */
#define SW_LIMIT_FACTS_KEYS 10000u             /* entries of one facts mapping (F012) */
#define SW_LIMIT_FACTS_TEXT (64u << 10)        /* bytes of one value or key (F012) */
#define SW_LIMIT_DIAGNOSTICS 1000u             /* kept in one list; then it notes it stopped */

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
    /* A second place the problem involves, as nftables and PostgreSQL show one
     * ("the first declaration is here"); related_file NULL when there is none. */
    const char *related_note;
    const char *related_file;
    unsigned related_line, related_column;
    const char *related_source_line;
} sw_diagnostic;

typedef struct sw_diagnostics sw_diagnostics;

/* A new, empty list; NULL when out of memory. */
SW_API sw_diagnostics *sw_diagnostics_new(void);
/* The same, the list and its diagnostics allocated by alloc (NULL: malloc). */
SW_API sw_diagnostics *sw_diagnostics_new_with(sw_alloc_fn alloc, void *ud);
SW_API void sw_diagnostics_free(sw_diagnostics *diags);
SW_API void sw_diagnostics_clear(sw_diagnostics *diags);
SW_API size_t sw_diagnostics_count(const sw_diagnostics *diags);
SW_API size_t sw_diagnostics_error_count(const sw_diagnostics *diags);
/* 1 when a facts input read into these diagnostics was not a well-formed document
 * (not YAML or JSON, or not exactly one document: codes F001, F013), rather than a
 * well-formed document with invalid facts; an HTTP caller answers 400 for the one
 * and 422 for the other. */
SW_API int sw_diagnostics_malformed(const sw_diagnostics *diags);
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
/* How a rule set is loaded; zero-initialise, then set what differs. */
typedef struct sw_load_options {
    sw_alloc_fn alloc;   /* NULL: malloc, realloc and free */
    void *alloc_ud;      /* passed to alloc */
} sw_load_options;
/* sw_ruleset_load_files and _texts with options (NULL: all zero). Loading, and
 * everything later made from the rule set, allocates through options->alloc. */
SW_API sw_status sw_ruleset_load_files_with(const char *const *paths, size_t npaths,
                                            const sw_load_options *options, sw_ruleset **out,
                                            sw_diagnostics *diags);
SW_API sw_status sw_ruleset_load_texts_with(const sw_source_text *texts, size_t ntexts,
                                            const sw_load_options *options, sw_ruleset **out,
                                            sw_diagnostics *diags);
/* Rule sets are reference counted, for hot reload: retain takes one more reference
 * (from any thread, without a lock) and returns rules; sw_ruleset_free gives one
 * back and frees the rule set with the last. A loaded rule set starts with one. */
SW_API sw_ruleset *sw_ruleset_retain(const sw_ruleset *rules);
SW_API void sw_ruleset_free(sw_ruleset *rules);

/* Only grows at its end (see ABI above). interventions .. risks count the first
 * four output kinds' catalogue entries; kind_items counts every kind's. */
typedef struct sw_ruleset_info {
    const char *name;        /* guideline identifier */
    const char *title;
    const char *version;     /* semantic version of the guideline */
    const char *sha256;      /* hex SHA-256 over the rule sources (docs/result-format.md) */
    size_t sources, statements, stages, facts, derived, interventions, practices,
        challenges, risks, rules;
    const size_t *kind_items;  /* catalogue entries of each output kind, numbered as sw_kind_at */
    size_t nkinds;             /* sw_kind_count() */
} sw_ruleset_info;

/* ---- Output kinds -------------------------------------------------------- */

/* The rule language's output kinds (recommend, advise, challenge, risk, and any
 * a build of the language adds), in its order: the order of sw_report's kinds and
 * of sw_ruleset_info's kind_items. A tool that lists outputs reads them here, so a
 * new kind reaches it without a change to the tool. */
typedef enum sw_kind_place {
    SW_PLACE_ALSO,   /* the brief counts them on its ALSO line; no card */
    SW_PLACE_TODAY,  /* today's actions: high and urgent priority, warning and critical
                      * severity, or every item when they carry no level; the cards'
                      * "today" card, each item a suggestion */
    SW_PLACE_RISKS   /* the risks (the kind carries a severity): the brief's RISKS lines,
                      * a card per critical item and a "warnings" card */
} sw_kind_place;

/* What one output kind is called; only grows at its end (see ABI above). */
typedef struct sw_kind_info {
    const char *name;        /* "intervention": the catalogue declaration's word */
    const char *plural;      /* "interventions" */
    const char *action;      /* "recommend": the rule language's action */
    const char *participle;  /* "recommended" */
    const char *key;         /* "recommendations": the result document's key; the plural of item */
    const char *heading;     /* "Recommendations": the text report's section */
    const char *item;        /* "recommendation": one of its items, in a count */
    const char *expect;      /* "recommend": its scenario expectation key (and "not_" it) */
    const char *carries;     /* "priority" or "severity" when its items carry one, else NULL */
    sw_kind_place place;     /* where the brief and the CDS cards show its items */
} sw_kind_info;

SW_API size_t sw_kind_count(void);
/* Kind i (0 <= i < sw_kind_count()), static; NULL when i is out of range. */
SW_API const sw_kind_info *sw_kind_at(size_t i);

SW_API const sw_ruleset_info *sw_ruleset_describe(const sw_ruleset *rules);
/* The schema as a "stagewise-schema" JSON document (docs/workbench.md): stages, base
 * facts grouped by their `facts` blocks, derived facts, catalogue, sources and
 * statements. *out is freed with sw_free; len may be NULL. */
SW_API sw_status sw_ruleset_schema_render(const sw_ruleset *rules, char **out, size_t *len);

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
/* The next client read into facts, an object the caller made (sw_facts_new, or
 * facts returned earlier) for the same rule set and reuses client after client:
 * facts is reset first (sw_facts_reset), so nothing of an earlier document
 * remains, and its memory is used again, with no sw_facts_new or sw_facts_free
 * per client. The statuses are sw_facts_stream_next's: SW_OK with facts holding
 * the document's facts, which evaluate exactly as the same document read by
 * sw_facts_stream_next (or sw_facts_parse) would; SW_END; SW_ERR_FACTS when this
 * document had errors (in diags, each naming its field and line; the stream moves
 * on to the next document); SW_ERR_LIMIT; SW_ERR_NOMEM. On anything but SW_OK
 * facts is left empty, as sw_facts_reset leaves it. SW_ERR_ARG for a NULL stream
 * or facts, or facts made for another rule set (facts is then not touched). The
 * two ways of reading may be mixed on one stream. */
SW_API sw_status sw_facts_stream_read(sw_facts_stream *stream, sw_facts *facts,
                                      sw_diagnostics *diags);
/* The 1-based position of the document last returned by sw_facts_stream_next or
 * sw_facts_stream_read. */
SW_API size_t sw_facts_stream_position(const sw_facts_stream *stream);
SW_API void sw_facts_stream_free(sw_facts_stream *stream);

/* Facts built in code. Every fact starts unknown. Setters check the value against
 * the schema; on a problem they return SW_ERR_FACTS (or SW_ERR_ARG for an unknown
 * name) and add a diagnostic to diags when diags is not NULL. */
SW_API sw_status sw_facts_new(const sw_ruleset *rules, sw_facts **out);
SW_API void sw_facts_free(sw_facts *facts);
/* client_id NULL clears it; empty or blank text is SW_ERR_ARG (no identifier). */
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

/* The fast path: a fact looked up once by name, then set by handle. Setting a
 * valid value by handle stores it and does nothing else - no name lookup, no
 * formatting, no allocation (a text fact's value is copied); the text of a
 * problem (field, value shown, message) is made only when there is one. The
 * handle belongs to the rule set: with facts of another rule set, or a handle
 * for no fact, the setters answer SW_ERR_ARG. Type and range problems are as
 * for the setters by name (SW_ERR_FACTS, a diagnostic when diags is not NULL). */
typedef struct sw_fact_handle {
    const void *program;   /* opaque; NULL: no such base fact */
    uint32_t index;        /* opaque */
} sw_fact_handle;

/* The handle of a base fact; .program is NULL for an unknown or derived fact. */
SW_API sw_fact_handle sw_ruleset_fact(const sw_ruleset *rules, const char *name);
SW_API sw_status sw_facts_set_bool_h(sw_facts *facts, sw_fact_handle fact, int value,
                                     sw_diagnostics *diags);
SW_API sw_status sw_facts_set_int_h(sw_facts *facts, sw_fact_handle fact, int64_t value,
                                    sw_diagnostics *diags);
SW_API sw_status sw_facts_set_number_h(sw_facts *facts, sw_fact_handle fact, double value,
                                       sw_diagnostics *diags);
SW_API sw_status sw_facts_set_text_h(sw_facts *facts, sw_fact_handle fact, const char *value,
                                     sw_diagnostics *diags);
SW_API sw_status sw_facts_set_members_h(sw_facts *facts, sw_fact_handle fact,
                                        const char *const *members, size_t nmembers,
                                        sw_diagnostics *diags);
SW_API sw_status sw_facts_set_unknown_h(sw_facts *facts, sw_fact_handle fact);
/* A one-of fact's members by number, looked up once like the handle: the place of
 * member among the fact's declared members (0 first), or -1 when the handle is
 * no base fact of rules, the fact is not a one-of, or it has no such member. */
SW_API int sw_ruleset_member(const sw_ruleset *rules, sw_fact_handle fact, const char *member);
/* Sets a one-of fact to its member numbered as sw_ruleset_member numbers it: a
 * store, without the comparison of text sw_facts_set_text_h makes (which costs
 * one string comparison per member before the one given). SW_ERR_ARG for a bad
 * handle or a number that is no member's; SW_ERR_FACTS, with a diagnostic, when
 * the fact is not a one-of. */
SW_API sw_status sw_facts_set_member_h(sw_facts *facts, sw_fact_handle fact, int member,
                                       sw_diagnostics *diags);
/* Makes every fact unknown again and clears the client and assessment date, keeping
 * the memory it first took: one sw_facts serves client after client, and a reset
 * never allocates (text values beyond that memory are given back). */
SW_API void sw_facts_reset(sw_facts *facts);
/* Facts from FHIR R4, by the rule set's `fhir` declarations (docs/language.md):
 * data is a Bundle, one resource, or a CDS Hooks request whose prefetch values are
 * Bundles or resources. assessed_on ("YYYY-MM-DD", required) is the assessment
 * date the look-back windows count from. Resources that do not fit a mapping leave
 * their fact unknown and add a warning (a note for those set aside: withdrawn,
 * too old, no value) naming the resource id, with the JSON path in field; the call
 * still answers SW_OK. SW_ERR_FACTS when data is not JSON or not FHIR (F101),
 * SW_ERR_ARG for a bad argument or date. *out is the caller's (sw_facts_free). */
SW_API sw_status sw_facts_from_fhir(const sw_ruleset *rules, const char *name, const char *data,
                                    size_t len, const char *assessed_on, sw_facts **out,
                                    sw_diagnostics *diags);
/* Merges a second source of one client's facts into dst, both made with the same
 * rule set: dst is what the assessment tool asserts (a facts document), src what
 * the record holds (sw_facts_from_fhir). A fact known in only one of them takes
 * that value; an unknown fact in src never changes dst. When both know a fact and
 * disagree, dst's value stays and a warning F114 names the fact, both values and,
 * for a value read from FHIR, the resource id and JSON path (field, line, column);
 * nothing is chosen silently. dst takes src's client and assessment date only
 * when it has none. SW_OK (conflicts are warnings), SW_ERR_ARG for NULL, the same
 * object or facts of different rule sets, SW_ERR_NOMEM (dst may then be part
 * merged). */
SW_API sw_status sw_facts_merge(sw_facts *dst, const sw_facts *src, sw_diagnostics *diags);
/* The assessment date given with the facts, written "YYYY-MM-DD" to date: 1, or
 * 0 when there is none. */
SW_API int sw_facts_assessed_on(const sw_facts *facts, char date[11]);
/* The FHIR searches that fetch what the mappings read, as CDS Hooks prefetch
 * templates: one per resource type mapped (0 to 5). For index i, *key is the
 * prefetch key ("observations", "questionnaireResponses", "conditions",
 * "medicationStatements", "medicationRequests"; static storage) and
 * *query the search, e.g. "Observation?patient={{context.patientId}}&code=
 * http://loinc.org|44261-6,...", a buffer the caller frees with sw_free; the
 * medication searches add _include=...:medication, so that a medicationReference
 * can be resolved. */
SW_API size_t sw_fhir_prefetch_count(const sw_ruleset *rules);
SW_API sw_status sw_fhir_prefetch(const sw_ruleset *rules, size_t index, const char **key,
                                  char **query);
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

typedef enum sw_verdict_status {
    SW_VERDICT_DECIDED, SW_VERDICT_PROVISIONAL, SW_VERDICT_CONFLICTING, SW_VERDICT_UNDECIDED
} sw_verdict_status;

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
    /* 1 when an undecided move rule could propose a stage earlier than the one
     * suggested: under the policy the verdict would change, so it is provisional
     * until the missing facts are recorded (see the data gaps) */
    int provisional;
    /* 1 when the firing rules propose more than one stage: the policy picked one,
     * but the rules disagree (each candidate carries its reasons) */
    int conflicting;
    /* How far the verdict can be acted on: DECIDED; PROVISIONAL (provisional set);
     * CONFLICTING (conflicting set, not provisional); UNDECIDED (no stage can be
     * suggested: the current stage is unknown and no rule proposed one). Unless it
     * is DECIDED, the result document writes the direction as "undecided". */
    sw_verdict_status status;
} sw_stage_verdict;

/* A fact whose absence left rules undecided, with what knowing it could decide:
 * the highest risk and recommendation its undecided rules could raise, and
 * whether one of them could move the stage. rank orders the questions to ask
 * (1 first): by that risk's severity, then that recommendation's priority, then a
 * possible stage move, then the number of rules, then the fact's name
 * (docs/result-format.md). */
typedef struct sw_data_gap {
    const char *fact;
    const char *label;
    const char *const *rules;   /* sorted */
    size_t nrules;
    size_t rank;
    int could_raise_risk;              /* a risk rule waits on it */
    sw_risk_severity risk_severity;    /* the highest such risk, when could_raise_risk */
    int could_recommend;               /* a recommending rule waits on it */
    sw_priority priority;              /* the highest such priority, when could_recommend */
    int could_move_stage;              /* a stage-movement rule waits on it */
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

/* The output kinds, as numbered in sw_report's kinds. A rule language may have
 * more kinds than this header names: read them all through kinds[0..nkinds),
 * each named by its key. */
typedef enum sw_report_kind {
    SW_REPORT_RECOMMENDATIONS,   /* interventions, by priority (highest first), then id */
    SW_REPORT_ADVICE,            /* practices, by id */
    SW_REPORT_CHALLENGES,        /* by id */
    SW_REPORT_RISKS              /* by severity (highest first), then id */
} sw_report_kind;

/* One output kind's items. */
typedef struct sw_item_list {
    const char *kind;            /* the catalogue kind: "intervention" */
    const char *key;             /* the result document's key: "recommendations" */
    const char *heading;         /* the text report's section: "Recommendations" */
    const char *carries;         /* "priority" or "severity" when the items carry one, else NULL */
    const sw_item *items;        /* sorted by what they carry (highest first), then id */
    size_t nitems;
} sw_item_list;

/* Read through sw_result_report; only grows at its end (see ABI above). The
 * per-kind lists are in kinds (every kind, in the language's order) and, for the
 * first four kinds, also in the named fields before stage. */
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
    const sw_item_list *kinds;       /* every output kind, numbered as sw_report_kind */
    size_t nkinds;
} sw_report;

typedef struct sw_result sw_result;

/* Evaluates one client. The result borrows from rules; free it first. */
SW_API sw_status sw_evaluate(const sw_ruleset *rules, const sw_facts *facts, sw_result **out);

/* What a result holds, and so what it costs. With one result reused (sw_result_new,
 * then sw_evaluate_with client after client) and facts set by handle, nothing is
 * allocated once the result has seen its largest client (tests/unit/test_noalloc.c).
 * Measured in instructions per client on the shipped rules (docs/performance.md,
 * "The public path"): outputs only costs about 2.2 times the evaluator alone, the
 * full report with provenance about 7 times (the matched values as text and the
 * facts' SHA-256 are most of the difference). On a generated set of 1,000 rules,
 * where four rules in ten wait on a missing fact, outputs only is about 3.2 times
 * the evaluator: the data gaps (every missing fact behind every undecided rule,
 * about 1,100 of them per client there) are most of it. What each rule's data
 * gaps need is worked out once, when the rule set is loaded; the first
 * evaluation into a result only sizes its workspace, so sw_evaluate (a new
 * result per call) costs little more than a reused result's full report (about
 * 283 K instructions per client against 262 K on the shipped rules).
 *  SW_RESULT_FULL    - the whole report, as sw_evaluate: every item with its reasons
 *                      (rules, because texts, citations, the matched facts' values
 *                      as text), candidates with reasons, data gaps with their
 *                      rules and rank, derived facts' values.
 *  SW_RESULT_OUTPUTS - what fired: recommendations (id, label, priority), advice,
 *                      challenges, risks (id, label, severity), the stage verdict
 *                      (current, suggested, direction, status, candidates without
 *                      reasons, undecided move rules), data gaps (fact, rules, rank).
 *                      No reasons, no citations, no matched or derived values.
 * provenance: 1 computes the facts' SHA-256 (a canonical form of the facts and a
 * hash); 0 leaves provenance.facts_sha256 NULL (the rest of the provenance is
 * filled either way). Rendering works at either level: an outputs-only result
 * renders with empty reasons and citations, no derived facts, and facts_sha256
 * null when provenance is 0. */
enum { SW_RESULT_FULL = 0, SW_RESULT_OUTPUTS = 1 };
typedef struct sw_eval_options {
    int level;        /* SW_RESULT_FULL or SW_RESULT_OUTPUTS */
    int provenance;   /* 1: compute the facts' SHA-256 */
} sw_eval_options;

/* A result to be filled by sw_evaluate_with, client after client: each call
 * forgets the previous client's report and reuses the result's memory. One result
 * belongs to one rule set and one thread at a time; free it with sw_result_free. */
SW_API sw_status sw_result_new(const sw_ruleset *rules, sw_result **out);
/* Evaluates one client into result (from sw_result_new for the same rules).
 * options NULL is {SW_RESULT_FULL, 1}, what sw_evaluate does. On an error the
 * result holds an empty report. Only a full result with provenance can become a
 * decision record (sw_record_render, the decision log and the store answer
 * SW_ERR_ARG for any other), because replay reproduces the full result. */
SW_API sw_status sw_evaluate_with(const sw_ruleset *rules, const sw_facts *facts,
                                  const sw_eval_options *options, sw_result *result);
SW_API const sw_report *sw_result_report(const sw_result *result);
/* The items of one output kind (an sw_report_kind, or any number below nkinds):
 * returns their count and sets *items (borrowed from the result; may be NULL);
 * 0 and NULL for a kind the rule language does not have. */
SW_API size_t sw_report_items(const sw_report *report, size_t kind, const sw_item **items);
SW_API void sw_result_free(sw_result *result);

/* TEXT is the full report for people; BRIEF the one-screen brief (at most 40 lines
 * of 100 columns: risks, today's actions, the stage, the questions to ask next).
 * JSON is the result document pretty-printed, JSONL the same on one line (for
 * sw_result_render only; the other renderers answer SW_ERR_ARG for it). */
typedef enum sw_format {
    SW_FORMAT_TEXT, SW_FORMAT_JSON, SW_FORMAT_YAML, SW_FORMAT_BRIEF, SW_FORMAT_JSONL
} sw_format;

/* Renders a result; *out is NUL-terminated, freed with sw_free; *len may be NULL. */
SW_API sw_status sw_result_render(const sw_result *result, sw_format format, char **out,
                                  size_t *len);

SW_API const char *sw_priority_name(sw_priority priority);
SW_API const char *sw_severity_name(sw_risk_severity severity);
SW_API const char *sw_direction_name(sw_direction direction);
/* "decided", "provisional", "conflicting" or "undecided". */
SW_API const char *sw_verdict_status_name(sw_verdict_status status);

/* ---- Audit: explain, why not, decision records ---- */
/* See docs/audit.md. Everything handed out here follows the ownership rule at the top
 * of this header: handles are freed with their *_free function, rendered buffers with
 * sw_free, and every pointer read from a handle is borrowed from it. */

/* A rule's validation status (its `status` clause; draft when not given). */
typedef enum sw_validation {
    SW_VALIDATION_DRAFT, SW_VALIDATION_TESTING, SW_VALIDATION_PRODUCTION, SW_VALIDATION_RETIRED
} sw_validation;

/* "draft", "testing", "production" or "retired"; "?" for any other value. */
SW_API const char *sw_validation_name(sw_validation status);

/* One rule's provenance: where it is written, its maintenance metadata and its text.
 * Strings are borrowed from the rule set. */
typedef struct sw_rule_info {
    const char *id;
    const char *title;
    const char *file;
    unsigned line;
    sw_validation status;
    const char *author;          /* NULL when not given */
    const char *reviewer;        /* NULL when not given */
    const char *version;         /* NULL when not given */
    char reviewed[11];           /* "YYYY-MM-DD", or "" when not given */
    const char *text;            /* the rule as written, from `rule` to `end` */
    const sw_citation *citations;
    size_t ncitations;
} sw_rule_info;

/* How many rules the rule set has; rules are numbered 0..n-1 by identifier. */
SW_API size_t sw_ruleset_rule_count(const sw_ruleset *rules);
/* Fills *out with rule i. SW_ERR_ARG when i is out of range. */
SW_API sw_status sw_ruleset_rule(const sw_ruleset *rules, size_t i, sw_rule_info *out);
/* Production mode: SW_OK when every rule has status production; otherwise
 * SW_ERR_RULES with one error (code A001) per other rule in diags (may be NULL). */
SW_API sw_status sw_ruleset_require_production(const sw_ruleset *rules, sw_diagnostics *diags);

/* The value of a condition: sub-expressions that are not true or false (a number, a
 * date, a set...) are SW_TRUTH_NONE. */
typedef enum sw_truth_value {
    SW_TRUTH_FALSE, SW_TRUTH_TRUE, SW_TRUTH_UNKNOWN, SW_TRUTH_NONE
} sw_truth_value;

/* One sub-expression of a rule's condition, in pre-order (a parent before its
 * children, which have depth + 1). Constants are not listed: they are their text. */
typedef struct sw_condition {
    unsigned depth;              /* 0: the whole condition */
    const char *text;            /* as written in the rule, on one line */
    const char *value;           /* "true", "false", "unknown", "7", "{opioids}", ... */
    sw_truth_value truth;
    const char *fact;            /* the fact, when this sub-expression is a fact's name */
} sw_condition;

/* Why not: a condition that was false or unknown, what the client's values were and
 * what would have satisfied it. An `or` whose sides all failed is one blocker with
 * any_of set, followed by its sides at depth + 1 (any one of them would do). */
typedef struct sw_blocker {
    unsigned depth;
    const char *text;            /* the condition as written */
    sw_truth_value truth;        /* SW_TRUTH_FALSE or SW_TRUTH_UNKNOWN */
    const char *actual;          /* "phq9 = 7", "housing is missing" */
    const char *needs;           /* "10 or more", "one of temporary, rough_sleeping", "record it" */
    int any_of;
} sw_blocker;

/* One rule, explained for one client. */
typedef struct sw_rule_explanation {
    const char *rule;
    const char *title;
    const char *file;
    unsigned line;
    sw_validation status;
    sw_truth_value truth;        /* its condition: true (fired), false or unknown */
    const char *outcome;         /* in words: "fired", "did not fire", "undecided", ... */
    const sw_condition *conditions;
    size_t nconditions;
    const sw_fact_value *facts;  /* the facts its condition read, with their values */
    size_t nfacts;
    const sw_citation *citations;
    size_t ncitations;
    const char *const *actions;  /* its actions as written: "recommend cbt priority high" */
    size_t nactions;
    const char *const *because;  /* the because texts of its actions, in order */
    size_t nbecause;
    const sw_blocker *blockers;  /* why not: what stood in the way (else none) */
    size_t nblockers;
} sw_rule_explanation;

typedef struct sw_explanation_report {
    const char *guideline;
    const char *guideline_version;
    const char *ruleset_sha256;
    const char *facts_sha256;
    const char *client;          /* NULL when none was given */
    const char *question;        /* why not: "recommend:cbt"; NULL for an explanation */
    const char *target_label;    /* why not: the label of what was asked about */
    int produced;                /* why not: 1 when it was produced after all */
    const char *answer;          /* why not: the answer in one sentence */
    const sw_rule_explanation *rules;   /* explain: selected rules; why not: every
                                           rule with an action producing the target */
    size_t nrules;
} sw_explanation_report;

typedef struct sw_explanation sw_explanation;

typedef struct sw_explain_options {
    const char *const *rules;    /* these rules (by identifier), in this order; or */
    size_t nrules;
    int all;                     /* with no rules: 1 every rule, 0 the rules that fired */
} sw_explain_options;

/* Explains each selected rule for a client: its condition as a tree with the value
 * of every sub-expression. options may be NULL (the rules that fired). SW_ERR_ARG
 * with a diagnostic in diags (may be NULL) for an unknown rule. */
SW_API sw_status sw_explain(const sw_ruleset *rules, const sw_facts *facts,
                            const sw_explain_options *options, sw_explanation **out,
                            sw_diagnostics *diags);
/* Why was something not produced? question is KIND:ID with KIND recommend, advise,
 * challenge, risk or stage ("recommend:cbt", "stage:active_treatment"). SW_ERR_ARG with
 * a diagnostic (and a "did you mean") for an unknown kind or identifier. */
SW_API sw_status sw_why_not(const sw_ruleset *rules, const sw_facts *facts,
                            const char *question, sw_explanation **out,
                            sw_diagnostics *diags);
SW_API const sw_explanation_report *sw_explanation_get(const sw_explanation *explanation);
/* SW_FORMAT_TEXT or SW_FORMAT_JSON (a "stagewise-explanation" document, docs/audit.md);
 * SW_ERR_ARG for YAML. *out is freed with sw_free; len may be NULL. */
SW_API sw_status sw_explanation_render(const sw_explanation *explanation, sw_format format,
                                       char **out, size_t *len);
SW_API void sw_explanation_free(sw_explanation *explanation);

/* Version of the decision record (docs/audit.md). */
#define SW_RECORD_FORMAT "3.0"

typedef struct sw_record_options {
    const char *decision_id;     /* NULL: a new random UUID (version 4) */
    const char *timestamp;       /* NULL: now; else UTC "YYYY-MM-DDTHH:MM:SSZ" */
    const unsigned char *pseudonym_key;  /* NULL: the client identifier is omitted */
    size_t pseudonym_key_len;    /* the client becomes "hmac-sha256:" HMAC(key, id) */
    int production;              /* recorded: the rules were required to be production */
} sw_record_options;

/* A decision record for one evaluation, as one line of compact JSON ending in a
 * newline, sealed with its own hash (not chained: seq and prev are null). result must
 * come from sw_evaluate(rules, facts). options may be NULL. *out is freed with
 * sw_free. SW_ERR_ARG for an invalid timestamp or decision id. */
SW_API sw_status sw_record_render(const sw_ruleset *rules, const sw_facts *facts,
                                  const sw_result *result, const sw_record_options *options,
                                  char **out, size_t *len);

/* What sw_decision_log_append wrote. */
typedef struct sw_log_entry {
    uint64_t seq;                /* 1-based position of the record in the log */
    char hash[65];               /* SHA-256 of the line written: the log's new head */
    char decision_id[65];
} sw_log_entry;

/* Appends a decision record to the log at path (created when missing), chained to
 * the last record: takes an exclusive lock, reads the last line, writes the new line
 * with one write and fsyncs. Safe with other processes and threads appending to the
 * same log. SW_ERR_IO (with a diagnostic in diags, which may be NULL) when the log
 * cannot be written, does not end in a complete record or is not a decision log.
 * entry may be NULL. */
SW_API sw_status sw_decision_log_append(const char *path, const sw_ruleset *rules,
                                        const sw_facts *facts, const sw_result *result,
                                        const sw_record_options *options,
                                        sw_log_entry *entry, sw_diagnostics *diags);

typedef enum sw_log_state {
    SW_LOG_INTACT,      /* every record verified */
    SW_LOG_TORN,        /* the last line is incomplete (a crash mid-write); the
                           records before it verified */
    SW_LOG_ALTERED,     /* a record's content does not match its hash or chain, or
                           a line is not a decision record */
    SW_LOG_REMOVED,     /* records are missing (a gap in the sequence) */
    SW_LOG_REORDERED,   /* a record is out of sequence */
    SW_LOG_TRUNCATED    /* the expected head record is not in the log */
} sw_log_state;

typedef struct sw_log_verdict {
    sw_log_state state;
    uint64_t records;            /* records verified before the first problem */
    uint64_t line;               /* 1-based line of the first problem; 0 when intact */
    uint64_t intact_bytes;       /* length of the verified prefix of the file */
    char head[65];               /* SHA-256 of the last verified line; "" when none */
    char message[512];           /* the verdict in words */
} sw_log_verdict;

/* Verifies the log at path. expect_head (may be NULL) is a head printed earlier: the
 * log must still hold that record, else SW_LOG_TRUNCATED. Returns SW_OK whatever the
 * verdict (in *out); SW_ERR_IO when the file cannot be read. */
SW_API sw_status sw_decision_log_verify(const char *path, const char *expect_head,
                                        sw_log_verdict *out);

/* "intact", "torn", "altered", "removed", "reordered", "truncated". */
SW_API const char *sw_log_state_name(sw_log_state state);

/* ---- the decision store: the same chained records in PostgreSQL (docs/audit.md) ----
 * A store is one connection (libpq): use it from one thread at a time; several
 * processes, each with its own store, may append to the same database. */
typedef struct sw_store sw_store;

/* Whether text names a store ("postgresql://..." or "postgres://..."). */
SW_API int sw_store_is_url(const char *text);

/* The URL with any password (in the user part or as password=...) replaced by
 * "***", cut to fit size bytes; for messages. */
SW_API void sw_store_redact_url(const char *url, char *out, size_t size);

/* Connects. SW_ERR_IO (diagnostic A030 in diags, which may be NULL; the message
 * never holds the password) when the database cannot be reached. */
SW_API sw_status sw_store_open(const char *url, sw_store **out, sw_diagnostics *diags);
SW_API void sw_store_close(sw_store *store);

/* Creates the schema, or brings it up to date: idempotent. *from receives the
 * version found (0: none), *to the version now in place. */
SW_API sw_status sw_store_migrate(sw_store *store, int *from, int *to, sw_diagnostics *diags);

/* Appends a decision record chained to the store's last one, as
 * sw_decision_log_append does to a file: in one transaction that holds an advisory
 * lock, reads the head, inserts and commits. Nothing is recorded unless SW_OK.
 * SW_ERR_IO (A030) when the transaction fails. entry may be NULL. */
SW_API sw_status sw_store_append(sw_store *store, const sw_ruleset *rules,
                                 const sw_facts *facts, const sw_result *result,
                                 const sw_record_options *options, sw_log_entry *entry,
                                 sw_diagnostics *diags);

/* As sw_store_append, and in the same transaction records the uuids of the CDS
 * Hooks cards given out with the decision (ncards uuids, 36 characters each), so
 * that feedback on them (sw_store_append_feedback) names the decision. A card
 * issued again (the same hookInstance, rules and facts) then names the newer
 * decision. SW_ERR_ARG for a card that is not a uuid. */
SW_API sw_status sw_store_append_cards(sw_store *store, const sw_ruleset *rules,
                                       const sw_facts *facts, const sw_result *result,
                                       const sw_record_options *options,
                                       const char *const *cards, size_t ncards,
                                       sw_log_entry *entry, sw_diagnostics *diags);

/* One CDS Hooks feedback entry: the card's uuid and what to record about it, as a
 * JSON object on one line (body_len bytes; its members are copied into the
 * feedback record). */
typedef struct sw_feedback_entry {
    const char *card;
    const char *body;
    size_t body_len;
} sw_feedback_entry;

/* Appends n feedback records in one transaction, chained in the store's feedback
 * chain (docs/audit.md), each naming the decision that issued the card. Nothing is
 * recorded unless SW_OK. SW_ERR_ARG (A031 in diags) when a card is not one of a
 * stored decision, or an entry is malformed; SW_ERR_IO (A030) when the
 * transaction fails. */
SW_API sw_status sw_store_append_feedback(sw_store *store, const sw_feedback_entry *entries,
                                          size_t n, sw_diagnostics *diags);

/* Reading the decisions in seq order, a few rows at a time (memory does not grow
 * with the store), from one snapshot: records appended meanwhile are not seen.
 * While a cursor is open the store is used for nothing else. */
typedef struct sw_store_cursor sw_store_cursor;
SW_API sw_status sw_store_cursor_open(sw_store *store, sw_store_cursor **out,
                                      sw_diagnostics *diags);
/* The next record (one line ending in '\n', valid until the next call), or *record
 * NULL at the end. SW_ERR_IO (A030) when it cannot be read. */
SW_API sw_status sw_store_cursor_next(sw_store_cursor *cursor, const char **record,
                                      size_t *len, sw_diagnostics *diags);
SW_API void sw_store_cursor_close(sw_store_cursor *cursor);

/* Verifies the store's records, in seq order, with the verifier of
 * sw_decision_log_verify (line N is the Nth record in seq order), reading them
 * through a cursor. */
SW_API sw_status sw_store_verify(sw_store *store, const char *expect_head,
                                 sw_log_verdict *out, sw_diagnostics *diags);

/* Verifies the feedback chain the same way (line N is feedback record N), and
 * that the decision each record names is in the store, unaltered (else
 * SW_LOG_REMOVED at that record). */
SW_API sw_status sw_store_verify_feedback(sw_store *store, sw_log_verdict *out,
                                          sw_diagnostics *diags);

/* The first record with that decision_id: *record (freed with sw_free; NULL when
 * there is none, with SW_OK), its seq, and *chain the check of the chain around
 * it: its own hash, its prev against the record before it, the next record's prev
 * against it (not the whole store: that is sw_store_verify). */
SW_API sw_status sw_store_find_decision(sw_store *store, const char *decision_id,
                                        char **record, size_t *len, uint64_t *seq,
                                        sw_log_verdict *chain, sw_diagnostics *diags);

typedef enum sw_replay_state {
    SW_REPLAY_IDENTICAL,         /* the result is the recorded one, field for field */
    SW_REPLAY_DIFFERENT,         /* some fields differ: see differences */
    SW_REPLAY_RULES_DIFFER       /* refused: the rule set's SHA-256 is not the record's */
} sw_replay_state;

typedef struct sw_replay_difference {
    const char *path;            /* JSON path in the result, e.g. ".stage.suggested" */
    const char *recorded;        /* the value in the record (JSON), or NULL: absent */
    const char *replayed;        /* the value now (JSON), or NULL: absent */
} sw_replay_difference;

typedef struct sw_replay_report {
    sw_replay_state state;
    const char *decision_id;
    const char *recorded_ruleset_sha256;
    const char *ruleset_sha256;
    const char *recorded_engine_version;
    int hash_ok;                 /* the record's own hash matches its content */
    const sw_replay_difference *differences;
    size_t ndifferences;
} sw_replay_report;

typedef struct sw_replay sw_replay;

/* Re-evaluates the facts held in one decision record (a line of a decision log or a
 * record on its own) and compares the result with the recorded one. SW_ERR_FACTS
 * (diagnostics in diags, may be NULL) when the text is not a decision record or its
 * facts cannot be read or do not match its facts_sha256. */
SW_API sw_status sw_record_replay(const sw_ruleset *rules, const char *record, size_t len,
                                  sw_replay **out, sw_diagnostics *diags);
SW_API const sw_replay_report *sw_replay_get(const sw_replay *replay);
SW_API void sw_replay_free(sw_replay *replay);

/* ==== Authoring tools: lint, format, scenario tests, coverage ==============
 * What `stagewise lint`, `fmt`, `test` and `coverage` do, for an embedder (an
 * editor, a rule-review service) as for the command, which uses only this. */

/* Lint: the checker's run, then the findings of static analysis (docs/lint.md) as
 * warnings in diags. SW_ERR_RULES when the rule set has errors (nothing is linted),
 * SW_ERR_LIMIT past the limits on rule files. */
typedef struct sw_lint_summary {
    size_t findings;    /* warnings added to the diagnostics */
    size_t silenced;    /* findings an `allow` in the rule silenced */
    size_t rules;       /* rules linted */
} sw_lint_summary;

SW_API sw_status sw_lint_texts(const sw_source_text *texts, size_t ntexts, sw_diagnostics *diags,
                               sw_lint_summary *summary);
/* The findings as one JSON object {"findings": [...], "rules": N, "silenced": N}
 * (docs/lint.md). *out is freed with sw_free; len may be NULL. */
SW_API sw_status sw_lint_render_json(const sw_diagnostics *findings, const sw_lint_summary *summary,
                                     char **out, size_t *len);

/* Formats one rule file in the canonical layout (docs/language.md): comments kept,
 * the meaning unchanged (checked by parsing the result again). *out is freed with
 * sw_free; outlen may be NULL. SW_ERR_RULES with diagnostics for a file that does not
 * parse or cannot be formatted without change. */
SW_API sw_status sw_fmt_text(const char *name, const char *text, size_t len, char **out,
                             size_t *outlen, sw_diagnostics *diags);

/* Coverage minimums (`--min-coverage`, docs/testing.md): a whole percentage per
 * metric, -1 where none is asked for. */
#define SW_COVERAGE_METRICS 4   /* rules, conditions, transitions, statements */
typedef struct sw_coverage_minimum {
    int percent[SW_COVERAGE_METRICS];
} sw_coverage_minimum;

SW_API void sw_coverage_minimum_init(sw_coverage_minimum *min);
/* Parses "N" (rules) or "metric=N,metric=N..." into min, keeping what earlier calls
 * set for other metrics. On a mistake returns 0 and writes a one-line message. */
SW_API int sw_coverage_minimum_parse(sw_coverage_minimum *min, const char *text, char *error,
                                     size_t errsize);

/* Scenario tests (docs/testing.md): scenario files read into a set against one rule
 * set, then run; the report has every failure and the coverage of the guidance. */
typedef struct sw_scenarios sw_scenarios;
typedef struct sw_test_report sw_test_report;

SW_API sw_status sw_scenarios_new(const sw_ruleset *rules, sw_scenarios **out);
/* Reads one scenario file. Problems go to diags; SW_ERR_FACTS when a scenario
 * document was refused (the others are kept). */
SW_API sw_status sw_scenarios_read(sw_scenarios *set, const char *file, const char *data,
                                   size_t len, sw_diagnostics *diags);
SW_API size_t sw_scenarios_count(const sw_scenarios *set);     /* scenarios to run */
SW_API size_t sw_scenarios_rejected(const sw_scenarios *set);  /* documents refused */
SW_API void sw_scenarios_free(sw_scenarios *set);

/* Scenario i of a set (0 <= i < sw_scenarios_count), borrowed from the set. */
typedef struct sw_scenario_info {
    const char *name;
    const char *description;   /* or NULL */
    const char *file;
    unsigned line;             /* where its document starts */
    const sw_facts *facts;
} sw_scenario_info;
SW_API sw_status sw_scenarios_at(const sw_scenarios *set, size_t i, sw_scenario_info *out);
/* What scenario i expects of rule r (numbered as sw_ruleset_rule): "fired",
 * "not_fired", "undecided", or NULL when it says nothing of it. */
SW_API const char *sw_scenarios_expectation(const sw_scenarios *set, size_t i, size_t rule);

/* Runs every scenario of the set; the set must outlive the report. */
SW_API sw_status sw_scenarios_run(const sw_scenarios *set, sw_test_report **out);
/* Counts of scenarios passed and failed, and refused documents (not run). */
SW_API void sw_test_report_counts(const sw_test_report *report, size_t *passed, size_t *failed,
                                  size_t *not_run);
/* 1 when every scenario passed and coverage reaches min (may be NULL). */
SW_API int sw_test_report_ok(const sw_test_report *report, const sw_coverage_minimum *min);
/* SW_FORMAT_TEXT or SW_FORMAT_JSON (docs/testing.md); quiet: failures and the
 * summary only; min (may be NULL) adds the thresholds not met. */
SW_API sw_status sw_test_report_render(const sw_test_report *report, sw_format format, int quiet,
                                       const sw_coverage_minimum *min, char **out, size_t *len);
SW_API void sw_test_report_free(sw_test_report *report);

/* The statement table (`stagewise coverage`): every statement of the rule set's
 * sources with the rules that encode or only cite it, its excuse, or NOT ENCODED.
 * SW_FORMAT_TEXT or SW_FORMAT_JSON; *missing (may be NULL) is the number not
 * accounted for: NOT ENCODED, or cited only by rules that test nothing but the
 * stage, and not excused. */
SW_API sw_status sw_statements_render(const sw_ruleset *rules, sw_format format, char **out,
                                      size_t *len, size_t *missing);

/* The hazard log (docs/clinical-safety.md): hazards read from YAML against a rule
 * set and its scenarios (which must outlive the log), then judged: each control
 * must be a rule, each evidence a scenario that passes, and the evidence must show
 * every control firing and not firing. */
typedef struct sw_hazards sw_hazards;

SW_API sw_status sw_hazards_new(const sw_ruleset *rules, const sw_scenarios *scenarios,
                                sw_hazards **out);
/* Reads one hazard log file; problems (file:line:col) go to diags, SW_ERR_FACTS
 * when a hazard was refused. */
SW_API sw_status sw_hazards_read(sw_hazards *log, const char *file, const char *data, size_t len,
                                 sw_diagnostics *diags);
/* Judges every hazard, then renders the table and each hazard (SW_FORMAT_TEXT), or
 * one JSON document (SW_FORMAT_JSON, "stagewise-hazards" 1.0, docs/clinical-safety.md);
 * *unevidenced (may be NULL) counts hazards without a control or evidence. */
SW_API sw_status sw_hazards_render(sw_hazards *log, sw_format format, char **out, size_t *len,
                                   size_t *unevidenced);
SW_API void sw_hazards_free(sw_hazards *log);

#ifdef __cplusplus
}
#endif

#endif /* STAGEWISE_H */
