/*
 * vocab.h - the rule language's vocabulary: its value types, values, operators,
 * catalogue kinds and action kinds, shared by every stage from the syntax tree to
 * the reporters.
 *
 * May use: the C library only. Everything downstream (check, compile, eval,
 * report) takes its words from here, so the syntax tree does not borrow them from
 * the compiled program.
 */
#ifndef SW_VOCAB_H
#define SW_VOCAB_H

#include <stddef.h>
#include <stdint.h>

/* ---- types and values ---- */

#define SW_NONE UINT32_MAX

/* Counts a list's rows: enum { N = 0 LIST(SW_VOCAB_ONE) }. */
#define SW_VOCAB_ONE(...) +1

/* The value types, listed once: TYPE(KIND, word, key, listing name, described).
 * word is how the rule language writes the type ("one of"), key its name in the
 * schema document ("one_of"), listing name the compiled program's dump ("enum"),
 * described how a diagnostic speaks of a value of it ("one of a list of values").
 * The stage type is an ENUM over the stage enumeration, with its own words
 * (SW_TYPE_STAGE). The syntax tree's type forms (sw_type_form, ast.h) follow
 * this order, then STAGE. */
#define SW_TYPE_KINDS(TYPE)                                                   \
    TYPE(BOOL,   "bool",   "bool",   "bool",   "true/false")                  \
    TYPE(INT,    "int",    "int",    "int",    "a whole number")              \
    TYPE(NUMBER, "number", "number", "number", "a number")                    \
    TYPE(ENUM,   "one of", "one_of", "enum",   "one of a list of values")     \
    TYPE(SET,    "set of", "set_of", "set",    "a set")                       \
    TYPE(DATE,   "date",   "date",   "date",   "a date")                      \
    TYPE(TEXT,   "text",   "text",   "text",   "text")
#define SW_TYPE_STAGE(TYPE) TYPE(STAGE, "stage", "stage", "enum", "a stage")

typedef enum sw_type_kind {
#define SW_TYPE_ENUM(kind, word, key, listing, described) SW_T_##kind,
    SW_TYPE_KINDS(SW_TYPE_ENUM)
#undef SW_TYPE_ENUM
} sw_type_kind;

enum { SW_T__COUNT = 0 SW_TYPE_KINDS(SW_VOCAB_ONE) };

typedef struct sw_type_words {
    const char *word;        /* "one of" */
    const char *key;         /* "one_of" */
    const char *listing;     /* "enum" */
    const char *described;   /* "one of a list of values" */
} sw_type_words;

/* The words of each type kind, and of the stage type (vocab.c). */
extern const sw_type_words sw_type_vocab[SW_T__COUNT];
extern const sw_type_words sw_type_stage_vocab;

typedef struct sw_type {
    uint8_t kind;          /* sw_type_kind */
    uint8_t has_range;     /* INT and NUMBER: min/max apply */
    uint32_t enumeration;  /* ENUM and SET: index into program->enums */
    int64_t imin, imax;    /* INT range */
    double nmin, nmax;     /* NUMBER range */
} sw_type;

/* The words of a type: the stage type's when t is an ENUM over stage_enum (the
 * program's or model's stage enumeration), else its kind's; NULL for a kind out
 * of range. */
const sw_type_words *sw_type_words_of(const sw_type *t, uint32_t stage_enum);

/* A value. Unknown is known == 0. bool, int, enum member index and date (days
 * since 1970-01-01) use i; number uses n; a set of members uses bits (bit k is
 * member k); text uses s. */
typedef struct sw_value {
    uint8_t known;
    union {
        int64_t i;
        double n;
        uint64_t bits;
        const char *s;
    } u;
} sw_value;

/* An enumeration: the members of a one-of or set-of type, in declared order. The
 * stage enumeration is the stages in their forward order. Sets hold at most 64. */
typedef struct sw_enum {
    const char *name;          /* "stage" for the stage enumeration, else the fact's name */
    uint32_t nmembers;
    const char *const *members;
} sw_enum;

#define SW_SET_MAX_MEMBERS 64

/* ---- the catalogue's kinds and the actions that produce them ---- */

/* The catalogue's kinds, listed once, each with the action that produces it:
 * ITEM(KIND, noun, plural, ACTION, action word, what a rule does, participle,
 *      LEVEL, result key, heading, item, expect key, PLACE).
 * LEVEL is what the kind's items carry: PRIORITY (recommend X priority P), SEVERITY
 * (risk X severity S) or NONE; it decides the action's grammar word, how the items
 * are sorted (highest level first, then id) and which data-gap fields a waiting
 * rule raises. The result key names the kind's list in the result document and the
 * decision record, and is the plural word of a count ("2 recommendations"); item is
 * its singular ("1 recommendation"); the heading is the text report's section. The
 * expect key is the scenario files' expectation (`expect: {recommend: [x]}`, and
 * not_recommend). PLACE is where the brief and the CDS cards show the kind's items:
 * RISKS (the risks at the top of the brief, a card per critical item and one for
 * the warnings; only for SEVERITY kinds), TODAY (today's actions, and the card of
 * them with a suggestion per item: items of high or urgent priority, of warning or
 * critical severity, or every item when they carry no level) or ALSO (counted on
 * the brief's ALSO line; in the full result only). The item actions come first
 * among the actions, in this order. Every per-kind behaviour is read from these
 * columns, so adding a kind is one row here plus its grammar keywords
 * (tests/vocab/add_kind_test.sh shows it in a scratch build, and docs/design.md
 * lists what a new kind gets). A row macro that reads only the first columns ends
 * its parameters with "..." so that a new column does not touch it. */
#define SW_ITEM_KINDS(ITEM)                                                                    \
    ITEM(INTERVENTION, "intervention", "interventions", RECOMMEND, "recommend", "recommends", "recommended", PRIORITY, "recommendations", "Recommendations", "recommendation", "recommend", TODAY) \
    ITEM(PRACTICE,     "practice",     "practices",     ADVISE,    "advise",    "advises",    "advised",     NONE,     "advice",          "Advice",          "advice",         "advise",     ALSO)  \
    ITEM(CHALLENGE,    "challenge",    "challenges",    CHALLENGE, "challenge", "flags",      "flagged",     NONE,     "challenges",      "Challenges",      "challenge",      "challenges", ALSO)  \
    ITEM(RISK,         "risk",         "risks",         RISK,      "risk",      "flags",      "flagged",     SEVERITY, "risks",           "Risks",           "risk",           "risks",      RISKS)

/* What a kind's items carry (the LEVEL column). */
typedef enum sw_item_level { SW_LEVEL_NONE, SW_LEVEL_PRIORITY, SW_LEVEL_SEVERITY } sw_item_level;

/* Where the brief and the cards show a kind's items (the PLACE column); the
 * public sw_kind_place (stagewise.h), value for value. */
typedef enum sw_item_place { SW_ITEM_PLACE_ALSO, SW_ITEM_PLACE_TODAY, SW_ITEM_PLACE_RISKS } sw_item_place;

typedef enum sw_item_kind {
#define SW_ITEM_ENUM(kind, ...) SW_ITEM_##kind,
    SW_ITEM_KINDS(SW_ITEM_ENUM)
#undef SW_ITEM_ENUM
} sw_item_kind;

/* Counted apart from the enumerations, so that a switch over every kind needs no
 * case for a count. */
enum { SW_ITEM__COUNT = 0 SW_ITEM_KINDS(SW_VOCAB_ONE) };

/* The words for each kind, from SW_ITEM_KINDS (vocab.c). */
typedef struct sw_item_words {
    const char *noun;        /* "intervention" */
    const char *plural;      /* "interventions" */
    const char *action;      /* "recommend": the rule language's action word */
    const char *does;        /* "recommends" */
    const char *participle;  /* "recommended" */
    sw_item_level level;     /* SW_LEVEL_PRIORITY */
    const char *level_word;  /* "priority", "severity", or NULL for none */
    const char *key;         /* "recommendations": the result document's key */
    const char *heading;     /* "Recommendations": the text report's section */
    const char *item;        /* "recommendation": one item, in a count */
    const char *expect;      /* "recommend": the scenario expectation key */
    const char *not_expect;  /* "not_recommend" */
    sw_item_place place;     /* SW_ITEM_PLACE_TODAY */
} sw_item_words;

extern const sw_item_words sw_item_vocab[SW_ITEM__COUNT];

/* ---- operators ---- */

/* The instruction set, listed once: OP(name, arity, what it does). */
#define SW_OPCODES(OP)                                                          \
    OP(CONST,      0, "the constant in imm")                                    \
    OP(LOAD,       0, "the value in slot a")                                    \
    OP(NOT,        1, "Kleene not")                                             \
    OP(AND,        2, "Kleene and: false if either is false")                  \
    OP(OR,         2, "Kleene or: true if either is true")                     \
    OP(EQ,         2, "equal (numbers compared as numbers, sets as sets)")     \
    OP(NE,         2, "not equal")                                              \
    OP(LT,         2, "less than")                                              \
    OP(LE,         2, "less than or equal")                                     \
    OP(GT,         2, "greater than")                                           \
    OP(GE,         2, "greater than or equal")                                  \
    OP(ADD,        2, "add")                                                    \
    OP(SUB,        2, "subtract")                                               \
    OP(MUL,        2, "multiply")                                               \
    OP(DIV,        2, "divide, giving a number; unknown on division by zero")  \
    OP(NEG,        1, "negate")                                                 \
    OP(TO_NUMBER,  1, "an int as a number")                                     \
    OP(IN,         1, "a is one of the constants list[0..n)")                   \
    OP(CONTAINS,   1, "set a has every member in mask imm (contains, all)")     \
    OP(CONTAINS_ANY, 1, "set a has a member in mask imm")                       \
    OP(IS_KNOWN,   1, "a is known")                                             \
    OP(IS_MISSING, 1, "a is unknown")                                           \
    OP(DAYS_SINCE, 1, "assessment date minus date a, in days")                  \
    OP(WEEKS_SINCE, 1, "whole weeks since date a")                                 \
    OP(MONTHS_SINCE, 1, "calendar months since date a, the part month as a fraction")

typedef enum sw_opcode {
#define SW_OP_ENUM(name, arity, doc) SW_OP_##name,
    SW_OPCODES(SW_OP_ENUM)
#undef SW_OP_ENUM
    SW_OP__COUNT
} sw_opcode;

/* ---- FHIR mappings (fhir declarations) ---- */

typedef enum sw_fhir_resource {
    SW_FHIR_OBSERVATION, SW_FHIR_QUESTIONNAIRE_RESPONSE,
    SW_FHIR_CONDITION, SW_FHIR_MEDICATION_STATEMENT, SW_FHIR_MEDICATION_REQUEST,
    SW_FHIR__RESOURCES
} sw_fhir_resource;

/* Which value of the resource (or its component, or the item's first answer). */
typedef enum sw_fhir_kind {
    SW_FHIR_NUMBER,   /* valueQuantity.value, valueInteger or valueDecimal */
    SW_FHIR_BOOL,     /* valueBoolean */
    SW_FHIR_CODE,     /* valueCodeableConcept or valueCoding, through the map */
    SW_FHIR_TEXT,     /* valueString */
    SW_FHIR_DATE,     /* valueDateTime or valueDate: its calendar date */
    SW_FHIR_PRESENT   /* Condition, Medication*: what the record says of its presence */
} sw_fhir_kind;

/* What a record of presence says (value present): the resource asserts the
 * condition or medication now; explicitly refutes it (refuted Condition, a
 * MedicationStatement not-taken); or says it is over (resolved, inactive,
 * remission; completed, stopped, on-hold). */
typedef enum sw_fhir_presence { SW_FP_PRESENT, SW_FP_ABSENT, SW_FP_PAST, SW_FP__COUNT } sw_fhir_presence;

/* Where one fact comes from in FHIR. The checker fills it, the compiler copies it
 * into the program; strings are "system|code" or a Questionnaire's canonical URL. */
typedef struct sw_fhir_source {
    uint32_t slot;            /* the base fact it fills */
    uint8_t resource;         /* sw_fhir_resource */
    uint8_t kind;             /* sw_fhir_kind */
    const char *code;         /* Observation.code coding, or QuestionnaireResponse.questionnaire */
    const char *component;    /* Observation.component coding, or NULL */
    const char *item;         /* QuestionnaireResponse item linkId, or NULL */
    const char *const *units; /* accepted UCUM codes or unit texts of a Quantity */
    uint32_t nunits;
    int32_t within_days;      /* look-back window; 0: none */
    const char *const *map_codes;   /* CODE: "system|code" ... */
    const struct sw_value *map_values;  /* ... and the fact value each stands for */
    uint32_t nmap;
    const char *file;         /* where the fhir declaration is written */
    unsigned line;
    const char *const *also;  /* PRESENT resources: further codes of the value set */
    uint32_t nalso;
    sw_value presence[SW_FP__COUNT];  /* PRESENT: the fact's value per sw_fhir_presence */
} sw_fhir_source;

/* ---- actions ---- */

/* The actions: one per catalogue kind (SW_ITEM_KINDS, in its order, so an item
 * action's kind is its item's kind), then the two that are not about an item. */
#define SW_OTHER_ACTIONS(ACT) \
    ACT(MOVE, "move")         \
    ACT(SET, "set")

typedef enum sw_action_kind {
#define SW_ACT_OF_ITEM(kind, noun, plural, action, ...) SW_ACT_##action,
#define SW_ACT_ENUM(action, word) SW_ACT_##action,
    SW_ITEM_KINDS(SW_ACT_OF_ITEM)
    SW_OTHER_ACTIONS(SW_ACT_ENUM)
#undef SW_ACT_OF_ITEM
#undef SW_ACT_ENUM
} sw_action_kind;

enum { SW_ACT__COUNT = 0 SW_ITEM_KINDS(SW_VOCAB_ONE) SW_OTHER_ACTIONS(SW_VOCAB_ONE) };

/* "recommend", ..., "move", "set" (vocab.c). */
extern const char *const sw_action_words[SW_ACT__COUNT];

/* The catalogue kind an action produces, or -1 for move and set. */
static inline int sw_action_item(unsigned action)
{
    return action < SW_ITEM__COUNT ? (int)action : -1;
}

#endif
