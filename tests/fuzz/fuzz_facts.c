/*
 * fuzz_facts.c - libFuzzer target for the facts reader: each input is read as a
 * stream of client documents (sw_facts_stream_*) and as one document
 * (sw_facts_parse) against the shipped rule base, loaded once, and every client
 * read is evaluated and rendered. Built with -DSTAGEWISE_FUZZ=ON; docs/fuzzing.md
 * says how to run it.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_harness.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rule set every input is read against: loaded once, never freed (the
 * fuzzer's process ends with it). libFuzzer's entry points leave no other place
 * to keep it. */
static sw_ruleset *shipped_rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = SW_SOURCE_DIR "/rules";
    sw_diagnostics *diags = sw_diagnostics_new();
    fuzz_check(diags != NULL, "out of memory");
    sw_status st = sw_ruleset_load_files(&path, 1, &shipped_rules, diags);
    sw_diagnostics_free(diags);
    fuzz_check(st == SW_OK, "cannot load the shipped rules");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_facts_one(shipped_rules, data, size, NULL);
    return 0;
}
