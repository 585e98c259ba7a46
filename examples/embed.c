/*
 * embed.c - a small program that embeds libstagewise: it compiles a rule set,
 * builds one client's facts in code, evaluates them and prints the result as JSON.
 *
 * It shows the whole life cycle an integrator needs: load (here from a text held in
 * memory; sw_ruleset_load_files reads .sw files and directories the same way), set
 * facts with the sw_facts_set_* calls, evaluate, render, read the report structure
 * directly, and free everything in the right order (results and facts before the
 * rule set). Diagnostics are never printed by the library; the program renders them.
 *
 * Usage: embed            prints the result as JSON on standard output and a
 *                         one-line summary, read from the report, on standard error
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stagewise.h"

/* A tiny rule set: one stage model, four facts, two rules. */
static const char rules_text[] =
    "guideline embed_example \"Embedding example\" version \"1.0.0\"\n"
    "\n"
    "source DD \"Stages of dual diagnosis treatment\" file \"001_4e600b14e72a9ae7.txt\"\n"
    "statement DD.eng_bp2 \"Engagement / Best Practices\" "
    "\"Help meet immediate needs (food, shelter, benefits).\"\n"
    "source PHQ9 \"Kroenke K, Spitzer RL, Williams JB. The PHQ-9. J Gen Intern Med "
    "2001;16:606-613\"\n"
    "\n"
    "stage engagement \"Engagement\"\n"
    "stage persuasion \"Persuasion\"\n"
    "order engagement -> persuasion\n"
    "\n"
    "facts {\n"
    "  stage: stage \"Current treatment stage\"\n"
    "  housing: one of { stable, temporary, rough_sleeping } \"Housing status\"\n"
    "  phq9_item9: int 0..3 \"PHQ-9 item 9: thoughts of self-harm\"\n"
    "  substances: set of { opioids, alcohol, cannabis } \"Substances used in the last 28 days\"\n"
    "}\n"
    "\n"
    "intervention housing_support \"Housing support\" kind social cites DD.eng_bp2\n"
    "intervention same_day_risk_assessment \"Same-day risk assessment\" kind safety\n"
    "risk suicide \"Suicide or self-harm\" severity critical cites PHQ9 \"item 9\"\n"
    "\n"
    "rule immediate_needs \"Meet immediate needs before expecting full engagement\"\n"
    "  cites DD.eng_bp2\n"
    "when stage is engagement and housing in { rough_sleeping, temporary }\n"
    "then recommend housing_support priority high\n"
    "  because \"Unstable housing is a barrier to engagement\"\n"
    "end\n"
    "\n"
    "rule self_harm_thoughts \"Any thoughts of self-harm need a same-day risk assessment\"\n"
    "  cites PHQ9 \"item 9\"\n"
    "when phq9_item9 >= 1\n"
    "then\n"
    "  risk suicide\n"
    "  recommend same_day_risk_assessment priority urgent\n"
    "end\n";

/* Prints a list's diagnostics (rendered by the library) to standard error. */
static void print_diagnostics(const sw_diagnostics *diags)
{
    char *text = NULL;

    if (sw_diagnostics_count(diags) > 0 && sw_diagnostics_render(diags, &text, NULL) == SW_OK)
        fputs(text, stderr);
    sw_free(text);
}

/* Fills in one client's facts. Every fact starts unknown; a fact left unset (here
 * none is) stays unknown, which is not the same as false. Returns SW_OK or the first
 * failure, with its diagnostic in diags. */
static sw_status build_facts(const sw_ruleset *rules, sw_facts *facts, sw_diagnostics *diags)
{
    static const char *const substances[] = {"opioids", "alcohol"};
    sw_status status;
    /* A program that sets the same facts for client after client looks each one up
     * once and sets it by handle: no name lookup, formatting or allocation per value
     * (and sw_facts_reset readies the same facts for the next client). */
    const sw_fact_handle item9 = sw_ruleset_fact(rules, "phq9_item9");

    if ((status = sw_facts_set_client(facts, "EX-001")) != SW_OK ||
        (status = sw_facts_set_assessed_on(facts, "2026-11-20", diags)) != SW_OK ||
        (status = sw_facts_set_text(facts, "stage", "engagement", diags)) != SW_OK ||
        (status = sw_facts_set_text(facts, "housing", "rough_sleeping", diags)) != SW_OK ||
        (status = sw_facts_set_int_h(facts, item9, 1, diags)) != SW_OK)
        return status;
    return sw_facts_set_members(facts, "substances", substances,
                                sizeof substances / sizeof substances[0], diags);
}

int main(void)
{
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_ruleset *rules = NULL;
    sw_facts *facts = NULL;
    sw_result *result = NULL;
    char *json = NULL;
    int code = 1;

    if (diags == NULL) {
        fputs("embed: out of memory\n", stderr);
        return 1;
    }

    /* 1. Compile the rules. On SW_ERR_RULES every problem is in diags. */
    const sw_source_text source = {"embed.sw", rules_text, strlen(rules_text)};
    sw_status status = sw_ruleset_load_texts(&source, 1, &rules, diags);
    print_diagnostics(diags);
    if (status != SW_OK) {
        fprintf(stderr, "embed: cannot load the rules: %s\n", sw_status_text(status));
        goto done;
    }
    sw_diagnostics_clear(diags);

    /* 2. Build the client's facts against the rule set's schema. */
    status = sw_facts_new(rules, &facts);
    if (status == SW_OK)
        status = build_facts(rules, facts, diags);
    if (status != SW_OK) {
        print_diagnostics(diags);
        fprintf(stderr, "embed: cannot set the facts: %s\n", sw_status_text(status));
        goto done;
    }

    /* 3. Evaluate and render the result as JSON. */
    status = sw_evaluate(rules, facts, &result);
    if (status == SW_OK)
        status = sw_result_render(result, SW_FORMAT_JSON, &json, NULL);
    if (status != SW_OK) {
        fprintf(stderr, "embed: cannot evaluate: %s\n", sw_status_text(status));
        goto done;
    }
    fputs(json, stdout);

    /* 4. Or read the result directly: the top recommendation and the first rule
     * behind it. */
    const sw_report *report = sw_result_report(result);
    if (report->nrecommendations > 0) {
        const sw_item *top = &report->recommendations[0];
        fprintf(stderr, "top recommendation: %s (%s), because of rule %s\n", top->label,
                sw_priority_name(top->priority),
                top->nreasons > 0 ? top->reasons[0].rule : "(none)");
    }
    fprintf(stderr, "%zu of %zu rules fired, %zu undecided; %zu data gaps\n",
            report->rules_fired, report->rules_total, report->rules_undecided, report->ngaps);
    code = 0;

done:
    /* Results and facts borrow from the rule set: free them first. */
    sw_free(json);
    sw_result_free(result);
    sw_facts_free(facts);
    sw_ruleset_free(rules);
    sw_diagnostics_free(diags);
    return code;
}
