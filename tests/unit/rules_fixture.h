/*
 * rules_fixture.h - helpers for unit tests that compile small rule sets in memory.
 */
#ifndef SW_RULES_FIXTURE_H
#define SW_RULES_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "stagewise.h"

/* A guideline header, sources, stages and a small schema most tests build on. */
#define FIXTURE_HEADER                                                              \
    "guideline test_guide \"Test guideline\" version \"1.2.3\"\n"                  \
    "source DD \"Stages of dual diagnosis treatment\"\n"                           \
    "statement DD.eng_goal \"Engagement / Goal\" \"Establish a therapeutic alliance.\"\n" \
    "stage engagement \"Engagement\" goal \"Build trust\"\n"                       \
    "stage persuasion \"Persuasion\"\n"                                            \
    "stage active_treatment \"Active treatment\"\n"                                \
    "stage relapse_prevention \"Relapse prevention\"\n"                            \
    "order engagement -> persuasion -> active_treatment -> relapse_prevention\n"  \
    "facts {\n"                                                                     \
    "  stage: stage \"Current stage\"\n"                                           \
    "  housing: one of { stable, temporary, rough_sleeping } \"Housing status\"\n" \
    "  phq9: int 0..27 \"PHQ-9 total\"\n"                                          \
    "  bmi: number 10.0..80.0 \"Body mass index\"\n"                               \
    "  injecting: bool \"Currently injecting\"\n"                                  \
    "  substances: set of { opioids, alcohol, crack } \"Substances used\"\n"       \
    "  released_on: date \"Released from prison on\"\n"                            \
    "  note: text \"Keyworker note\"\n"                                            \
    "}\n"                                                                           \
    "intervention housing_support \"Housing support\" kind social cites DD.eng_goal\n" \
    "intervention outreach \"Outreach\" kind engagement\n"                         \
    "practice empathy \"Adopt a non-confrontational approach\"\n"                  \
    "challenge housing_instability \"Housing instability\"\n"                      \
    "risk suicide \"Suicide or self-harm\" severity critical\n"                    \
    "risk overdose \"Overdose\"\n"

/* Loads one rule text; returns the status and, in *rendered (caller frees with
 * sw_free), the rendered diagnostics. */
static inline sw_status fixture_load(const char *text, sw_ruleset **out, char **rendered)
{
    sw_source_text src = {"test.sw", text, strlen(text)};
    sw_diagnostics *d = sw_diagnostics_new();
    sw_status st = sw_ruleset_load_texts(&src, 1, out, d);
    if (rendered)
        sw_diagnostics_render(d, rendered, NULL);
    sw_diagnostics_free(d);
    return st;
}

#endif
