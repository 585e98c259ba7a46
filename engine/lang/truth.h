/*
 * truth.h - the rule language's three-valued logic, defined once: what not, and,
 * or and the comparisons mean when a value is unknown (docs/language.md).
 *
 * May use: the C library and lang/vocab.h. The node evaluator, the fast
 * evaluator, the compiler's fast forms, lint's normal forms and coverage's
 * abstract evaluation all take their truth tables from here, and
 * tests/unit/test_truth_property.c checks every one of them against an oracle
 * written from the documentation.
 */
#ifndef SW_TRUTH_H
#define SW_TRUTH_H

#include <stdint.h>

#include "lang/vocab.h"

/* Kleene's three truth values. FALSE and TRUE are 0 and 1, so a known boolean's
 * value is its truth. */
typedef enum sw_truth { SW_FALSE = 0, SW_TRUE = 1, SW_UNKNOWN = 2 } sw_truth;

/* not: unknown stays unknown. */
static inline sw_truth sw_truth_not(sw_truth a)
{
    return a == SW_UNKNOWN ? SW_UNKNOWN : a == SW_TRUE ? SW_FALSE : SW_TRUE;
}

/* The value that decides an and (false) or an or (true), whatever the other side. */
static inline sw_truth sw_truth_wins(int is_and) { return is_and ? SW_FALSE : SW_TRUE; }

/* and (is_and) or or: the winning value if either side has it, else unknown if
 * either side is unknown, else the other value. */
static inline sw_truth sw_truth_junction(int is_and, sw_truth a, sw_truth b)
{
    sw_truth wins = sw_truth_wins(is_and);
    if (a == wins || b == wins)
        return wins;
    return a == SW_UNKNOWN || b == SW_UNKNOWN ? SW_UNKNOWN : sw_truth_not(wins);
}

static inline sw_truth sw_truth_and(sw_truth a, sw_truth b) { return sw_truth_junction(1, a, b); }
static inline sw_truth sw_truth_or(sw_truth a, sw_truth b) { return sw_truth_junction(0, a, b); }

/* Whether comparison op (EQ, NE, LT, LE, GT, GE) holds between two known values
 * whose order is order (negative, 0, positive: the left one first, equal, after). */
static inline int sw_compare_holds(uint8_t op, int order)
{
    switch ((sw_opcode)op) {
    case SW_OP_EQ: return order == 0;
    case SW_OP_NE: return order != 0;
    case SW_OP_LT: return order < 0;
    case SW_OP_LE: return order <= 0;
    case SW_OP_GT: return order > 0;
    default: return order >= 0;
    }
}

/* A comparison: unknown when either side is unknown, else whether it holds. */
static inline sw_truth sw_truth_compare(uint8_t op, int both_known, int order)
{
    return !both_known ? SW_UNKNOWN : sw_compare_holds(op, order) ? SW_TRUE : SW_FALSE;
}

/* The comparison with its sides swapped: a op b is b mirror(op) a (10 <= phq9 is
 * phq9 >= 10). */
static inline uint8_t sw_compare_mirror(uint8_t op)
{
    switch ((sw_opcode)op) {
    case SW_OP_LT: return SW_OP_GT;
    case SW_OP_LE: return SW_OP_GE;
    case SW_OP_GT: return SW_OP_LT;
    case SW_OP_GE: return SW_OP_LE;
    default: return op;
    }
}

/* The comparison that is its negation: not (a op b) is a negation(op) b, for
 * known and unknown sides alike (an unknown side leaves both unknown). */
static inline uint8_t sw_compare_negation(uint8_t op)
{
    switch ((sw_opcode)op) {
    case SW_OP_EQ: return SW_OP_NE;
    case SW_OP_NE: return SW_OP_EQ;
    case SW_OP_LT: return SW_OP_GE;
    case SW_OP_LE: return SW_OP_GT;
    case SW_OP_GT: return SW_OP_LE;
    default: return SW_OP_LT;
    }
}

#endif
