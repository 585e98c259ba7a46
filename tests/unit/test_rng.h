/*
 * test_rng.h - the fixed-seed xorshift that the property tests draw from
 * (test_truth_property.c, test_eval_spec.c): its state is passed explicitly, so a
 * failure is reproducible from the seed the test prints.
 */
#ifndef SW_TEST_RNG_H
#define SW_TEST_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s;
} rng;

static inline uint32_t next(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 11);
}

static inline uint32_t below(rng *r, uint32_t n) { return next(r) % n; }

#endif
