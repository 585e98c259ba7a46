/*
 * fuzz_rules.c - libFuzzer target for the rule parser, checker, compiler and
 * evaluator: each input is loaded as rule files with sw_ruleset_load_texts (see
 * fuzz_harness.h for how it is cut into files). Built with -DSTAGEWISE_FUZZ=ON;
 * docs/fuzzing.md says how to run it.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rules_one(data, size, NULL);
    return 0;
}
