/*
 * test_eval.c - the engine: Kleene truth tables, every operator, derived facts in
 * dependency order, the stage verdict's policy, ranking, data gaps, determinism
 * and sharing one rule set between threads.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rules_fixture.h"

/* ---- helpers ---- */

static sw_ruleset *load(const char *extra)
{
    size_t n = strlen(FIXTURE_HEADER) + strlen(extra) + 1;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s", FIXTURE_HEADER, extra);
    sw_ruleset *rs = NULL;
    char *rendered = NULL;
    sw_status st = fixture_load(text, &rs, &rendered);
    if (st != SW_OK)
        print_error("%s", rendered);
    assert_int_equal(st, SW_OK);
    sw_free(rendered);
    free(text);
    return rs;
}

/* Facts from "name=value" pairs; value "?" leaves the fact unknown. Sets are
 * written a|b, the empty set as {}. */
static sw_facts *facts(const sw_ruleset *rs, const char *assessed, const char *const *pairs)
{
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_new(rs, &f), SW_OK);
    if (assessed)
        assert_int_equal(sw_facts_set_assessed_on(f, assessed, NULL), SW_OK);
    for (size_t i = 0; pairs && pairs[i]; i++) {
        char name[64], value[128];
        assert_int_equal(sscanf(pairs[i], "%63[^=]=%127[^\n]", name, value), 2);
        if (strcmp(value, "?") == 0)
            continue;
        sw_status st;
        if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
            st = sw_facts_set_bool(f, name, value[0] == 't', NULL);
        else if (strchr(value, '|') || strcmp(value, "{}") == 0 || strcmp(name, "substances") == 0) {
            const char *members[8];
            size_t n = 0;
            char *save = NULL;
            for (char *tok = strtok_r(value, "|", &save); tok && strcmp(tok, "{}") != 0;
                 tok = strtok_r(NULL, "|", &save))
                members[n++] = tok;
            st = sw_facts_set_members(f, name, members, n, NULL);
        } else if (strcmp(name, "phq9") == 0)
            st = sw_facts_set_int(f, name, atoi(value), NULL);
        else if (strcmp(name, "bmi") == 0)
            st = sw_facts_set_number(f, name, atof(value), NULL);
        else
            st = sw_facts_set_text(f, name, value, NULL);
        assert_int_equal(st, SW_OK);
    }
    return f;
}

static sw_result *run(const sw_ruleset *rs, const sw_facts *f)
{
    sw_result *res = NULL;
    assert_int_equal(sw_evaluate(rs, f, &res), SW_OK);
    return res;
}

/* 'T' when the one rule fired, 'U' when undecided, 'F' otherwise. */
static char truth(const char *cond, const char *assessed, const char *const *pairs)
{
    char rule[512];
    snprintf(rule, sizeof rule, "rule r \"R\" when %s then recommend outreach end\n", cond);
    sw_ruleset *rs = load(rule);
    sw_facts *f = facts(rs, assessed, pairs);
    sw_result *res = run(rs, f);
    const sw_report *rep = sw_result_report(res);
    char t = rep->rules_fired ? 'T' : rep->rules_undecided ? 'U' : 'F';
    assert_int_equal(rep->nrecommendations, t == 'T');
    sw_result_free(res);
    sw_facts_free(f);
    sw_ruleset_free(rs);
    return t;
}

#define PAIRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- three-valued logic ---- */

static void test_kleene_tables(void **state)
{
    (void)state;
    static const char *const values[] = {"true", "false", "?"};
    /* rows: injecting; columns: a second bool derived from phq9 > 10 */
    static const char and_table[3][3] = {{'T', 'F', 'U'}, {'F', 'F', 'F'}, {'U', 'F', 'U'}};
    static const char or_table[3][3] = {{'T', 'T', 'T'}, {'T', 'F', 'U'}, {'T', 'U', 'U'}};
    static const char *const phq[] = {"phq9=20", "phq9=1", "phq9=?"};
    for (int i = 0; i < 3; i++) {
        char inj[32];
        snprintf(inj, sizeof inj, "injecting=%s", values[i]);
        for (int j = 0; j < 3; j++) {
            assert_int_equal(truth("injecting and phq9 > 10", NULL, PAIRS(inj, phq[j])), and_table[i][j]);
            assert_int_equal(truth("injecting or phq9 > 10", NULL, PAIRS(inj, phq[j])), or_table[i][j]);
        }
        assert_int_equal(truth("not injecting", NULL, PAIRS(inj)), "FTU"[i]);
    }
}

static void test_known_and_missing(void **state)
{
    (void)state;
    assert_int_equal(truth("housing is known", NULL, PAIRS("housing=?")), 'F');
    assert_int_equal(truth("housing is missing", NULL, PAIRS("housing=?")), 'T');
    assert_int_equal(truth("housing is known", NULL, PAIRS("housing=stable")), 'T');
    /* missing data is unknown, never false */
    assert_int_equal(truth("housing is not stable", NULL, PAIRS("housing=?")), 'U');
    assert_int_equal(truth("housing not in { stable }", NULL, PAIRS("housing=?")), 'U');
}

static void test_comparisons(void **state)
{
    (void)state;
    assert_int_equal(truth("phq9 >= 10", NULL, PAIRS("phq9=10")), 'T');
    assert_int_equal(truth("phq9 >= 10", NULL, PAIRS("phq9=9")), 'F');
    assert_int_equal(truth("phq9 < 10 and phq9 > 4", NULL, PAIRS("phq9=5")), 'T');
    assert_int_equal(truth("phq9 is 5", NULL, PAIRS("phq9=5")), 'T');
    assert_int_equal(truth("phq9 is not 5", NULL, PAIRS("phq9=5")), 'F');
    assert_int_equal(truth("phq9 in { 1, 2, 3 }", NULL, PAIRS("phq9=2")), 'T');
    assert_int_equal(truth("bmi < 18.5", NULL, PAIRS("bmi=18.4")), 'T');
    assert_int_equal(truth("bmi < 18.5", NULL, PAIRS("bmi=18.5")), 'F');
    assert_int_equal(truth("phq9 > 4.5", NULL, PAIRS("phq9=5")), 'T');
    assert_int_equal(truth("housing in { temporary, rough_sleeping }", NULL, PAIRS("housing=temporary")), 'T');
    assert_int_equal(truth("note is \"ok\"", NULL, PAIRS("note=ok")), 'T');
    assert_int_equal(truth("note in { \"a\", \"b\" }", NULL, PAIRS("note=c")), 'F');
    assert_int_equal(truth("stage >= active_treatment", NULL, PAIRS("stage=relapse_prevention")), 'T');
    assert_int_equal(truth("stage >= active_treatment", NULL, PAIRS("stage=persuasion")), 'F');
    assert_int_equal(truth("released_on < 2026-01-01", NULL, PAIRS("released_on=2025-12-31")), 'T');
}

static void test_sets(void **state)
{
    (void)state;
    assert_int_equal(truth("substances contains opioids", NULL, PAIRS("substances=opioids|crack")), 'T');
    assert_int_equal(truth("substances contains alcohol", NULL, PAIRS("substances=opioids|crack")), 'F');
    assert_int_equal(truth("substances contains alcohol", NULL, PAIRS("substances={}")), 'F');
    assert_int_equal(truth("substances contains alcohol", NULL, PAIRS("substances=?")), 'U');
    assert_int_equal(truth("substances contains any { alcohol, crack }", NULL, PAIRS("substances=crack")), 'T');
    assert_int_equal(truth("substances contains all { opioids, crack }", NULL, PAIRS("substances=crack")), 'F');
    assert_int_equal(truth("substances contains all { opioids, crack }", NULL, PAIRS("substances=crack|opioids")), 'T');
}

static void test_arithmetic_and_dates(void **state)
{
    (void)state;
    assert_int_equal(truth("phq9 * 2 + 1 is 11", NULL, PAIRS("phq9=5")), 'T');
    assert_int_equal(truth("phq9 / 2 is 2.5", NULL, PAIRS("phq9=5")), 'T');
    assert_int_equal(truth("-phq9 < 0", NULL, PAIRS("phq9=5")), 'T');
    /* division by zero is unknown, not an error and not false */
    assert_int_equal(truth("1 / phq9 > 0", NULL, PAIRS("phq9=0")), 'U');
    assert_int_equal(truth("days since released_on is 7", "2026-11-20", PAIRS("released_on=2026-11-13")), 'T');
    assert_int_equal(truth("weeks since released_on is 1", "2026-11-20", PAIRS("released_on=2026-11-07")), 'T');
    assert_int_equal(truth("weeks since released_on is 2", "2026-11-20", PAIRS("released_on=2026-11-06")), 'T');
    /* a date in the future counts back: floor, not truncation */
    assert_int_equal(truth("weeks since released_on is -1", "2026-11-20", PAIRS("released_on=2026-11-21")), 'T');
    assert_int_equal(truth("days since released_on < 14", "2024-03-01", PAIRS("released_on=2024-02-28")), 'T');
    /* months since: whole calendar months, then the part month as a fraction */
    assert_int_equal(truth("months since released_on is 1", "2026-02-15", PAIRS("released_on=2026-01-15")), 'T');
    assert_int_equal(truth("months since released_on < 1", "2026-02-14", PAIRS("released_on=2026-01-15")), 'T');
    assert_int_equal(truth("months since released_on > 1", "2026-02-16", PAIRS("released_on=2026-01-15")), 'T');
    assert_int_equal(truth("months since released_on is 1.5", "2026-03-01", PAIRS("released_on=2026-01-15")), 'T');
    /* the 31st plus a month is the last day of a shorter month */
    assert_int_equal(truth("months since released_on is 1", "2024-02-29", PAIRS("released_on=2024-01-31")), 'T');
    assert_int_equal(truth("months since released_on < 1", "2024-02-28", PAIRS("released_on=2024-01-31")), 'T');
    /* a year is twelve months whatever its length; a day more is more than a year */
    assert_int_equal(truth("months since released_on is 12", "2025-02-28", PAIRS("released_on=2024-02-29")), 'T');
    assert_int_equal(truth("months since released_on > 12", "2025-03-01", PAIRS("released_on=2024-02-29")), 'T');
    assert_int_equal(truth("months since released_on is -1", "2026-11-20", PAIRS("released_on=2026-12-20")), 'T');
    assert_int_equal(truth("months since released_on < 0", "2026-11-20", PAIRS("released_on=2026-11-21")), 'T');
    assert_int_equal(truth("months since released_on > 1", NULL, PAIRS("released_on=2026-11-13")), 'U');
    /* without the assessment date, time since is unknown */
    assert_int_equal(truth("days since released_on < 14", NULL, PAIRS("released_on=2026-11-13")), 'U');
    /* constant subexpressions are folded by the checker and give the same truth */
    assert_int_equal(truth("phq9 >= 3 * (2 + 1)", NULL, PAIRS("phq9=9")), 'T');
    assert_int_equal(truth("phq9 >= 3 * (2 + 1)", NULL, PAIRS("phq9=8")), 'F');
    assert_int_equal(truth("phq9 > 7 / 2", NULL, PAIRS("phq9=4")), 'T');
    assert_int_equal(truth("phq9 > 7 / 2", NULL, PAIRS("phq9=3")), 'F');
    assert_int_equal(truth("phq9 > -(2 - 5)", NULL, PAIRS("phq9=4")), 'T');
    /* the ends of the date range: 1900-01-01 to 9999-12-31 is 2958463 days */
    assert_int_equal(truth("days since released_on is 2958463", "9999-12-31", PAIRS("released_on=1900-01-01")), 'T');
    assert_int_equal(truth("days since released_on is -2958463", "1900-01-01", PAIRS("released_on=9999-12-31")), 'T');
    assert_int_equal(truth("released_on is 9999-12-31", NULL, PAIRS("released_on=9999-12-31")), 'T');
}

/* ---- derived facts ---- */

static const char derived_rules[] =
    /* declared in reverse dependency order on purpose */
    "rule use_level \"Uses the level\" when level >= 2 then risk overdose end\n"
    "rule level_two \"Level two\" priority high when at_risk and phq9 > 15 then set level = 2 end\n"
    "rule level_one \"Level one\" when at_risk then set level = 1 end\n"
    "rule risky \"Risky\" when injecting then set at_risk = true end\n"
    "derived level: int 0..3 \"Level\" default 0\n"
    "derived at_risk: bool \"At risk\" default false\n";

static const char agreeing_rules[] =
    "rule strong \"Strong\" priority high when phq9 > 15 then set flag = true end\n"
    "rule weak \"Weak\" when injecting then set flag = true end\n"
    "derived flag: bool \"Flag\" default false\n";

static const char *derived_value(const sw_report *rep, const char *name)
{
    for (size_t i = 0; i < rep->nderived; i++)
        if (strcmp(rep->derived[i].fact, name) == 0)
            return rep->derived[i].value;
    fail_msg("no derived fact %s", name);
    return NULL;
}

static void test_derived_in_dependency_order(void **state)
{
    (void)state;
    sw_ruleset *rs = load(derived_rules);
    struct {
        const char *const *pairs;
        const char *at_risk, *level;
        size_t nrisks;
    } cases[] = {
        {PAIRS("injecting=true", "phq9=20"), "true", "2", 1},
        {PAIRS("injecting=true", "phq9=3"), "true", "1", 0},
        {PAIRS("injecting=false", "phq9=20"), "false", "0", 0},
        /* an undecided setter leaves the derived fact unknown, not its default */
        {PAIRS("injecting=?", "phq9=20"), "unknown", "unknown", 0},
        /* the higher-priority setter is undecided and would set another value */
        {PAIRS("injecting=true", "phq9=?"), "true", "unknown", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sw_facts *f = facts(rs, NULL, cases[i].pairs);
        sw_result *res = run(rs, f);
        const sw_report *rep = sw_result_report(res);
        assert_string_equal(derived_value(rep, "at_risk"), cases[i].at_risk);
        assert_string_equal(derived_value(rep, "level"), cases[i].level);
        assert_int_equal(rep->nrisks, cases[i].nrisks);
        sw_result_free(res);
        sw_facts_free(f);
    }
    sw_ruleset_free(rs);
}

/* An undecided setter that outranks the true one but would set the same value
 * cannot change the outcome, so the value is known. */
static void test_derived_agreeing_setters(void **state)
{
    (void)state;
    sw_ruleset *rs = load(agreeing_rules);
    sw_facts *f = facts(rs, NULL, PAIRS("injecting=true", "phq9=?"));
    sw_result *res = run(rs, f);
    assert_string_equal(derived_value(sw_result_report(res), "flag"), "true");
    sw_result_free(res);
    sw_facts_free(f);
    f = facts(rs, NULL, PAIRS("injecting=false", "phq9=?"));
    res = run(rs, f);
    assert_string_equal(derived_value(sw_result_report(res), "flag"), "unknown");
    sw_result_free(res);
    sw_facts_free(f);
    f = facts(rs, NULL, PAIRS("injecting=false", "phq9=3"));
    res = run(rs, f);
    assert_string_equal(derived_value(sw_result_report(res), "flag"), "false");
    sw_result_free(res);
    sw_facts_free(f);
    sw_ruleset_free(rs);
}

static void test_gaps_trace_through_derived(void **state)
{
    (void)state;
    sw_ruleset *rs = load(derived_rules);
    sw_facts *f = facts(rs, NULL, PAIRS("phq9=20"));
    sw_result *res = run(rs, f);
    const sw_report *rep = sw_result_report(res);
    /* injecting is missing: it leaves four rules undecided, through the derived facts */
    assert_int_equal(rep->ngaps, 1);
    assert_string_equal(rep->gaps[0].fact, "injecting");
    assert_string_equal(rep->gaps[0].label, "Currently injecting");
    assert_int_equal(rep->gaps[0].nrules, 4);
    assert_string_equal(rep->gaps[0].rules[0], "level_one");
    assert_string_equal(rep->gaps[0].rules[1], "level_two");
    assert_string_equal(rep->gaps[0].rules[2], "risky");
    assert_string_equal(rep->gaps[0].rules[3], "use_level");
    sw_result_free(res);
    sw_facts_free(f);
    sw_ruleset_free(rs);
}

static void test_gap_for_assessment_date(void **state)
{
    (void)state;
    sw_ruleset *rs = load("rule recent \"R\" when days since released_on < 28 and housing is stable then recommend outreach end\n");
    sw_facts *f = facts(rs, NULL, PAIRS("released_on=2026-11-01"));
    sw_result *res = run(rs, f);
    const sw_report *rep = sw_result_report(res);
    assert_int_equal(rep->ngaps, 2);
    assert_string_equal(rep->gaps[0].fact, "assessed_on");
    assert_string_equal(rep->gaps[1].fact, "housing");
    assert_string_equal(rep->gaps[1].rules[0], "recent");
    sw_result_free(res);
    sw_facts_free(f);
    sw_ruleset_free(rs);
}

/* ---- outputs ---- */

static const char ranking_rules[] =
    "rule a1 \"A1\" cites DD.eng_goal when phq9 > 1 then recommend outreach because \"first\" end\n"
    "rule a2 \"A2\" when phq9 > 2 then recommend outreach priority urgent because \"second\" end\n"
    "rule b1 \"B1\" priority high when phq9 > 3 then recommend housing_support advise empathy challenge housing_instability end\n"
    "rule c1 \"C1\" when phq9 > 3 then risk overdose risk suicide severity warning end\n"
    "rule c2 \"C2\" when phq9 > 4 then risk suicide end\n";

static void test_ranking_and_reasons(void **state)
{
    (void)state;
    sw_ruleset *rs = load(ranking_rules);
    sw_facts *f = facts(rs, NULL, PAIRS("phq9=9"));
    sw_result *res = run(rs, f);
    const sw_report *rep = sw_result_report(res);
    assert_int_equal(rep->nrecommendations, 2);
    /* outreach is urgent (the highest asked for), so it ranks above high */
    assert_string_equal(rep->recommendations[0].id, "outreach");
    assert_int_equal(rep->recommendations[0].priority, SW_PRIORITY_URGENT);
    assert_int_equal(rep->recommendations[0].nreasons, 2);
    assert_string_equal(rep->recommendations[0].reasons[0].rule, "a1");
    assert_string_equal(rep->recommendations[0].reasons[0].because, "first");
    assert_int_equal(rep->recommendations[0].reasons[0].ncitations, 1);
    assert_string_equal(rep->recommendations[0].reasons[0].citations[0].statement, "eng_goal");
    assert_string_equal(rep->recommendations[0].reasons[0].citations[0].text, "Establish a therapeutic alliance.");
    assert_int_equal(rep->recommendations[0].reasons[0].nmatched, 1);
    assert_string_equal(rep->recommendations[0].reasons[0].matched[0].fact, "phq9");
    assert_string_equal(rep->recommendations[0].reasons[0].matched[0].value, "9");
    assert_string_equal(rep->recommendations[1].id, "housing_support");
    assert_int_equal(rep->recommendations[1].priority, SW_PRIORITY_HIGH);
    assert_string_equal(rep->recommendations[1].kind, "social");
    assert_int_equal(rep->nadvice, 1);
    assert_int_equal(rep->nchallenges, 1);
    /* risks by severity: suicide is critical (its default) from c2 */
    assert_int_equal(rep->nrisks, 2);
    assert_string_equal(rep->risks[0].id, "suicide");
    assert_int_equal(rep->risks[0].severity, SW_SEVERITY_CRITICAL);
    assert_int_equal(rep->risks[0].nreasons, 2);
    assert_string_equal(rep->risks[1].id, "overdose");
    assert_int_equal(rep->risks[1].severity, SW_SEVERITY_WARNING);
    assert_int_equal(rep->rules_fired, 5);
    sw_result_free(res);
    sw_facts_free(f);
    sw_ruleset_free(rs);
}

static const char stage_rules[] =
    "rule fwd \"Forward\" when phq9 < 5 then move active_treatment because \"better\" end\n"
    "rule back \"Back\" when injecting then move engagement because \"lost contact\" end\n"
    "rule hold \"Hold\" when housing is temporary then move persuasion end\n";

static void test_stage_verdict(void **state)
{
    (void)state;
    sw_ruleset *rs = load(stage_rules);
    struct {
        const char *const *pairs;
        const char *current, *suggested;
        sw_direction direction;
        size_t ncandidates, nundecided;
        int provisional;
        sw_verdict_status status;
    } cases[] = {
        {PAIRS("stage=persuasion", "phq9=2", "injecting=false", "housing=stable"), "persuasion",
         "active_treatment", SW_DIRECTION_FORWARD, 1, 0, 0, SW_VERDICT_DECIDED},
        /* rules disagree: the earliest stage wins */
        {PAIRS("stage=persuasion", "phq9=2", "injecting=true", "housing=stable"), "persuasion",
         "engagement", SW_DIRECTION_BACK, 2, 0, 0, SW_VERDICT_CONFLICTING},
        {PAIRS("stage=persuasion", "phq9=2", "injecting=false", "housing=temporary"), "persuasion",
         "persuasion", SW_DIRECTION_STAY, 2, 0, 0, SW_VERDICT_CONFLICTING},
        {PAIRS("stage=persuasion", "phq9=9", "injecting=false", "housing=stable"), "persuasion",
         "persuasion", SW_DIRECTION_STAY, 0, 0, 0, SW_VERDICT_DECIDED},
        {PAIRS("stage=?", "phq9=2", "injecting=false", "housing=stable"), NULL, "active_treatment",
         SW_DIRECTION_UNKNOWN, 1, 0, 0, SW_VERDICT_DECIDED},
        /* an undecided rule could move the client back: the verdict is provisional */
        {PAIRS("stage=active_treatment", "phq9=2", "injecting=?", "housing=stable"), "active_treatment",
         "active_treatment", SW_DIRECTION_STAY, 1, 1, 1, SW_VERDICT_PROVISIONAL},
        /* an undecided rule that would only move forward changes nothing under the policy */
        {PAIRS("stage=persuasion", "phq9=?", "injecting=true", "housing=stable"), "persuasion",
         "engagement", SW_DIRECTION_BACK, 1, 1, 0, SW_VERDICT_DECIDED},
        /* nothing recorded or proposed: no stage can be suggested */
        {PAIRS("stage=?", "phq9=9", "injecting=false", "housing=stable"), NULL, NULL,
         SW_DIRECTION_UNKNOWN, 0, 0, 0, SW_VERDICT_UNDECIDED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sw_facts *f = facts(rs, NULL, cases[i].pairs);
        sw_result *res = run(rs, f);
        const sw_stage_verdict *v = &sw_result_report(res)->stage;
        if (cases[i].current)
            assert_string_equal(v->current, cases[i].current);
        else
            assert_null(v->current);
        if (cases[i].suggested)
            assert_string_equal(v->suggested, cases[i].suggested);
        else
            assert_null(v->suggested);
        assert_int_equal(v->direction, cases[i].direction);
        assert_int_equal(v->ncandidates, cases[i].ncandidates);
        assert_int_equal(v->nundecided_rules, cases[i].nundecided);
        assert_int_equal(v->provisional, cases[i].provisional);
        assert_int_equal(v->conflicting, cases[i].ncandidates > 1);
        assert_int_equal(v->status, cases[i].status);
        /* the document: direction "undecided" unless the verdict is decided */
        char *json = NULL;
        assert_int_equal(sw_result_render(res, SW_FORMAT_JSON, &json, NULL), SW_OK);
        assert_int_equal(strstr(json, "\"direction\": \"undecided\"") != NULL,
                         cases[i].status != SW_VERDICT_DECIDED);
        char status[48];
        snprintf(status, sizeof status, "\"status\": \"%s\"", sw_verdict_status_name(cases[i].status));
        assert_non_null(strstr(json, status));
        sw_free(json);
        assert_non_null(strstr(v->policy, "earliest"));
        size_t chosen = 0;
        for (size_t k = 0; k < v->ncandidates; k++)
            chosen += v->candidates[k].chosen;
        assert_int_equal(chosen, v->ncandidates ? 1 : 0);
        sw_result_free(res);
        sw_facts_free(f);
    }
    sw_ruleset_free(rs);
}

/* ---- determinism and threads ---- */

static char *render(const sw_ruleset *rs, const char *const *pairs)
{
    sw_facts *f = facts(rs, "2026-11-20", pairs);
    sw_result *res = run(rs, f);
    char *out = NULL;
    assert_int_equal(sw_result_render(res, SW_FORMAT_JSON, &out, NULL), SW_OK);
    sw_result_free(res);
    sw_facts_free(f);
    return out;
}

static void test_same_input_same_bytes(void **state)
{
    (void)state;
    sw_ruleset *rs = load(ranking_rules);
    char *a = render(rs, PAIRS("phq9=9", "housing=stable"));
    char *b = render(rs, PAIRS("housing=stable", "phq9=9"));
    assert_string_equal(a, b);
    sw_free(a);
    sw_free(b);
    sw_ruleset_free(rs);
}

typedef struct thread_job {
    const sw_ruleset *rs;
    const char *expected;
    int mismatches;
} thread_job;

static void *evaluate_many(void *arg)
{
    thread_job *job = arg;
    for (int i = 0; i < 200; i++) {
        sw_facts *f = NULL;
        sw_result *res = NULL;
        char *out = NULL;
        if (sw_facts_new(job->rs, &f) != SW_OK || sw_facts_set_assessed_on(f, "2026-11-20", NULL) != SW_OK ||
            sw_facts_set_int(f, "phq9", 9, NULL) != SW_OK ||
            sw_facts_set_text(f, "housing", "stable", NULL) != SW_OK ||
            sw_evaluate(job->rs, f, &res) != SW_OK ||
            sw_result_render(res, SW_FORMAT_JSON, &out, NULL) != SW_OK || strcmp(out, job->expected) != 0)
            job->mismatches++;
        sw_free(out);
        sw_result_free(res);
        sw_facts_free(f);
    }
    return NULL;
}

static void test_threads_share_one_ruleset(void **state)
{
    (void)state;
    sw_ruleset *rs = load(ranking_rules);
    char *expected = render(rs, PAIRS("phq9=9", "housing=stable"));
    pthread_t threads[4];
    thread_job jobs[4];
    for (int t = 0; t < 4; t++) {
        jobs[t].rs = rs;
        jobs[t].expected = expected;
        jobs[t].mismatches = 0;
        assert_int_equal(pthread_create(&threads[t], NULL, evaluate_many, &jobs[t]), 0);
    }
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(jobs[t].mismatches, 0);
    }
    sw_free(expected);
    sw_ruleset_free(rs);
}

/* Each thread holds its own reference, evaluates, and gives it back; the loader's
 * reference is given back while they run, so the last thread frees the rule set
 * (ASan sees a use after that free, TSan a race on the count). */
static void *evaluate_retained(void *arg)
{
    thread_job *job = arg;
    evaluate_many(job);
    sw_ruleset_free((sw_ruleset *)job->rs);
    return NULL;
}

static void test_threads_retain_and_free(void **state)
{
    (void)state;
    sw_ruleset *rs = load(ranking_rules);
    char *expected = render(rs, PAIRS("phq9=9", "housing=stable"));
    pthread_t threads[4];
    thread_job jobs[4];
    for (int t = 0; t < 4; t++) {
        jobs[t].rs = sw_ruleset_retain(rs);
        assert_ptr_equal(jobs[t].rs, rs);
        jobs[t].expected = expected;
        jobs[t].mismatches = 0;
        assert_int_equal(pthread_create(&threads[t], NULL, evaluate_retained, &jobs[t]), 0);
    }
    sw_ruleset_free(rs);   /* the threads' references keep it */
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(jobs[t].mismatches, 0);
    }
    sw_free(expected);
    assert_null(sw_ruleset_retain(NULL));
}

static void test_facts_from_another_ruleset(void **state)
{
    (void)state;
    sw_ruleset *a = load("");
    sw_ruleset *b = load("");
    sw_facts *f = NULL;
    sw_result *res = NULL;
    assert_int_equal(sw_facts_new(a, &f), SW_OK);
    assert_int_equal(sw_evaluate(b, f, &res), SW_ERR_ARG);
    assert_null(res);
    sw_facts_free(f);
    sw_ruleset_free(a);
    sw_ruleset_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kleene_tables),
        cmocka_unit_test(test_known_and_missing),
        cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_sets),
        cmocka_unit_test(test_arithmetic_and_dates),
        cmocka_unit_test(test_derived_in_dependency_order),
        cmocka_unit_test(test_derived_agreeing_setters),
        cmocka_unit_test(test_gaps_trace_through_derived),
        cmocka_unit_test(test_gap_for_assessment_date),
        cmocka_unit_test(test_ranking_and_reasons),
        cmocka_unit_test(test_stage_verdict),
        cmocka_unit_test(test_same_input_same_bytes),
        cmocka_unit_test(test_threads_share_one_ruleset),
        cmocka_unit_test(test_threads_retain_and_free),
        cmocka_unit_test(test_facts_from_another_ruleset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
