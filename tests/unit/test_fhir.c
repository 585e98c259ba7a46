/*
 * test_fhir.c - facts from FHIR R4 (engine/facts/fhir.c): the mapping's choices on
 * bundles shaped like the FHIR R4 specification's examples (tests/golden/fhir):
 * the latest of several observations, one outside the look-back, components,
 * quantities with and without units, dataAbsentReason, entered-in-error, a
 * QuestionnaireResponse with nested items, a CDS Hooks request's prefetch; what
 * each diagnostic says and where it points; the dateTime reader; the prefetch
 * templates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "facts/facts.h"
#include "facts/fhir.h"
#include "stagewise.h"
#include "support.h"

static const char rules_text[] =
    "guideline g \"G\" version \"1.0.0\"\n"
    "facts {\n"
    "  phq9: int 0..27 \"PHQ-9 total\"\n"
    "  phq9_item9: int 0..3 \"PHQ-9 item 9\"\n"
    "  gad7: int 0..21 \"GAD-7 total\"\n"
    "  audit: int 0..40 \"AUDIT total\"\n"
    "  audit_c: int 0..12 \"AUDIT-C\"\n"
    "  sbp: number 40.0..300.0 \"Systolic\"\n"
    "  dbp: number 20.0..200.0 \"Diastolic\"\n"
    "}\n"
    "fhir phq9: Observation \"http://loinc.org|44261-6\" value number unit \"{score}\", \"1\" within 90 days\n"
    "fhir gad7: Observation \"http://loinc.org|70274-6\" value number unit \"{score}\" within 90 days\n"
    "fhir audit: Observation \"http://loinc.org|75624-7\" value number unit \"{score}\" within 365 days\n"
    "fhir audit_c: Observation \"http://loinc.org|75626-2\" value number unit \"{score}\", \"1\"\n"
    "fhir sbp: Observation \"http://loinc.org|85354-9\" component \"http://loinc.org|8480-6\" value number unit \"mm[Hg]\"\n"
    "fhir dbp: Observation \"http://loinc.org|85354-9\" component \"http://loinc.org|8462-4\" value number unit \"mm[Hg]\"\n"
    "fhir phq9_item9: QuestionnaireResponse \"http://hl7.org/fhir/us/core/Questionnaire/phq-9-example\"\n"
    "  item \"/44260-8\" value code\n"
    "  map { \"http://loinc.org|LA6568-5\" -> 0, \"http://loinc.org|LA6569-3\" -> 1,\n"
    "        \"http://loinc.org|LA6570-1\" -> 2, \"http://loinc.org|LA6571-9\" -> 3 }\n"
    "fhir phq9_item9: Observation \"http://loinc.org|44260-8\" value code\n"
    "  map { \"http://loinc.org|LA6568-5\" -> 0, \"http://loinc.org|LA6569-3\" -> 1,\n"
    "        \"http://loinc.org|LA6570-1\" -> 2, \"http://loinc.org|LA6571-9\" -> 3 }\n";

static sw_ruleset *load_rules(void)
{
    return load_rules_or_fail("fhir.sw", rules_text);
}

/* The value of an int fact, or -1 when unknown. */
static long long int_of(const sw_facts *f, const char *name)
{
    const sw_fact_def *d = sw_program_fact(f->prog, name, strlen(name));
    assert_non_null(d);
    return f->values[d->slot].known ? (long long)f->values[d->slot].u.i : -1;
}

static double num_of(const sw_facts *f, const char *name)
{
    const sw_fact_def *d = sw_program_fact(f->prog, name, strlen(name));
    assert_non_null(d);
    return f->values[d->slot].known ? f->values[d->slot].u.n : -1.0;
}

static void test_searchset(void **state)
{
    (void)state;
    sw_ruleset *rs = load_rules();
    size_t len;
    char *json = read_whole_file(SW_SOURCE_DIR "/tests/golden/fhir/searchset.json", &len);
    sw_diagnostics *d = sw_diagnostics_new();
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_from_fhir(rs, "searchset.json", json, len, "2026-11-20", &f, d), SW_OK);
    assert_non_null(f);
    /* four PHQ-9 totals: the entered-in-error one (latest) is set aside, the
     * 15 November one (no unit at all) is later than 1 November and 1 October */
    assert_int_equal(int_of(f, "phq9"), 12);
    const sw_diagnostic *it = find_diagnostic(d, "F103", "Observation/phq9-nov-18 is not used for 'phq9': its status is entered-in-error");
    assert_int_equal(it->severity, SW_SEV_NOTE);
    assert_string_equal(it->field, "entry[2].resource.status");
    assert_string_equal(it->file, "searchset.json");
    assert_int_equal(it->line, 39);
    assert_int_equal(it->column, 19);
    /* the only GAD-7 is older than the 90-day look-back */
    assert_int_equal(int_of(f, "gad7"), -1);
    find_diagnostic(d, "F104", "Observation/gad7-may is not used for 'gad7': it is dated 2026-05-01, older than the look-back of 90 days");
    /* components of the blood pressure panel */
    assert_true(num_of(f, "sbp") == 107.0);
    assert_true(num_of(f, "dbp") == 60.0);
    /* the latest AUDIT was declined: unknown, and the older score does not stand in */
    assert_int_equal(int_of(f, "audit"), -1);
    it = find_diagnostic(d, "F106", "Observation/audit-declined: the value is absent (asked-declined); 'audit' is unknown");
    assert_string_equal(it->field, "entry[7].resource.dataAbsentReason");
    /* a quantity in kilograms is not a score */
    assert_int_equal(int_of(f, "audit_c"), -1);
    it = find_diagnostic(d, "F108", "Observation/auditc-kg: the unit 'kg' is not one the mapping accepts; 'audit_c' is left unknown");
    assert_int_equal(it->severity, SW_SEV_WARNING);
    assert_string_equal(it->field, "entry[8].resource.valueQuantity.code");
    assert_string_equal(it->hint, "the mapping accepts '{score}' or '1'");
    /* item 9 nested in a group of the questionnaire response (version suffix ignored) */
    assert_int_equal(int_of(f, "phq9_item9"), 2);
    /* the OperationOutcome of the search is not a patient's resource, and nothing
     * else is reported */
    assert_int_equal(sw_diagnostics_error_count(d), 0);
    assert_int_equal(sw_diagnostics_count(d), 4);
    assert_true(f->has_assessed_on);
    sw_facts_free(f);
    sw_diagnostics_free(d);
    free(json);
    sw_ruleset_free(rs);
}

static void test_hook_request(void **state)
{
    (void)state;
    sw_ruleset *rs = load_rules();
    size_t len;
    char *json = read_whole_file(SW_SOURCE_DIR "/tests/golden/fhir/hook.json", &len);
    sw_diagnostics *d = sw_diagnostics_new();
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_from_fhir(rs, "hook.json", json, len, "2026-11-20", &f, d), SW_OK);
    assert_int_equal(int_of(f, "phq9"), 16);            /* valueInteger */
    assert_int_equal(int_of(f, "phq9_item9"), 1);       /* an item Observation's coded value */
    assert_int_equal(int_of(f, "gad7"), -1);            /* 30 is no GAD-7 total */
    const sw_diagnostic *it = find_diagnostic(d, "F109", "Observation/gad7-total: 30 is outside the range of 'gad7'; 'gad7' is left unknown");
    assert_string_equal(it->field, "prefetch.observations.entry[2].resource.valueQuantity.value");
    assert_string_equal(it->hint, "'gad7' is 0..21");
    assert_int_equal(sw_diagnostics_count(d), 1);
    sw_facts_free(f);
    sw_diagnostics_free(d);
    free(json);
    sw_ruleset_free(rs);
}

/* Runs one inline document; returns the status, facts in *f. */
static sw_status run(sw_ruleset *rs, const char *json, sw_facts **f, sw_diagnostics *d)
{
    return sw_facts_from_fhir(rs, "t.json", json, strlen(json), "2026-11-20", f, d);
}

#define OBS(id, code, when, value)                                                 \
    "{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"final\","  \
    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" code "\"}]}," \
    "\"effectiveDateTime\":\"" when "\"," value "}"

static void test_awkward_values(void **state)
{
    (void)state;
    sw_ruleset *rs = load_rules();
    sw_diagnostics *d = sw_diagnostics_new();
    sw_facts *f = NULL;
    /* two latest at the same instant (written in two time zones) that disagree */
    assert_int_equal(run(rs, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                             "{\"resource\":" OBS("a", "44261-6", "2026-11-19T10:00:00Z", "\"valueInteger\":5") "},"
                             "{\"resource\":" OBS("b", "44261-6", "2026-11-19T11:00:00+01:00", "\"valueInteger\":9") "}]}",
                         &f, d), SW_OK);
    assert_int_equal(int_of(f, "phq9"), -1);
    find_diagnostic(d, "F111", "Observation/a and Observation/b, both the latest for 'phq9', do not agree");
    sw_facts_free(f);
    sw_diagnostics_clear(d);
    /* the same value twice at one instant is no conflict; a decimal score is */
    assert_int_equal(run(rs, "{\"resourceType\":\"Bundle\",\"entry\":["
                             "{\"resource\":" OBS("a", "44261-6", "2026-11-19T10:00:00Z", "\"valueInteger\":5") "},"
                             "{\"resource\":" OBS("b", "44261-6", "2026-11-19T10:00:00Z", "\"valueQuantity\":{\"value\":5.0}") "},"
                             "{\"resource\":" OBS("c", "70274-6", "2026-11-19", "\"valueDecimal\":4.5") "}]}",
                         &f, d), SW_OK);
    assert_int_equal(int_of(f, "phq9"), 5);
    assert_int_equal(int_of(f, "gad7"), -1);
    find_diagnostic(d, "F109", "Observation/c: 4.5 is not a whole number");
    sw_facts_free(f);
    sw_diagnostics_clear(d);
    /* a code not in the map, a value of the wrong kind, a bounded quantity, a date
     * after the assessment, a partial date */
    assert_int_equal(run(rs, "{\"resourceType\":\"Bundle\",\"entry\":["
                             "{\"resource\":" OBS("i9", "44260-8", "2026-11-19", "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"373066001\"}]}") "},"
                             "{\"resource\":" OBS("g", "70274-6", "2026-11-19", "\"valueString\":\"high\"") "},"
                             "{\"resource\":" OBS("ac", "75626-2", "2026-11-19", "\"valueQuantity\":{\"value\":3,\"comparator\":\"<\"}") "},"
                             "{\"resource\":" OBS("p", "44261-6", "2026-11-21T08:00:00Z", "\"valueInteger\":3") "},"
                             "{\"resource\":" OBS("au", "75624-7", "2026-11", "\"valueInteger\":3") "}]}",
                         &f, d), SW_OK);
    assert_int_equal(int_of(f, "phq9_item9"), -1);
    const sw_diagnostic *it = find_diagnostic(d, "F110", "Observation/i9: http://snomed.info/sct|373066001 is not a code the mapping knows");
    assert_string_equal(it->field, "entry[0].resource.valueCodeableConcept");
    assert_int_equal(int_of(f, "gad7"), -1);
    find_diagnostic(d, "F107", "Observation/g: valueString where a number is expected");
    assert_int_equal(int_of(f, "audit_c"), -1);
    find_diagnostic(d, "F108", "Observation/ac: the value is bounded (<), not measured");
    assert_int_equal(int_of(f, "phq9"), -1);
    find_diagnostic(d, "F104", "Observation/p is not used for 'phq9': it is dated 2026-11-21, after the assessment date 2026-11-20");
    assert_int_equal(int_of(f, "audit"), -1);
    find_diagnostic(d, "F105", "Observation/au is not used for 'audit': its date gives no day");
    sw_facts_free(f);
    sw_diagnostics_clear(d);
    /* a questionnaire response still in progress, and one with two answers */
    assert_int_equal(run(rs, "{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"q\",\"status\":\"in-progress\","
                             "\"questionnaire\":\"http://hl7.org/fhir/us/core/Questionnaire/phq-9-example\","
                             "\"authored\":\"2026-11-19\",\"item\":[{\"linkId\":\"/44260-8\",\"answer\":[]}]}",
                         &f, d), SW_OK);
    find_diagnostic(d, "F103", "QuestionnaireResponse/q is not used for 'phq9_item9': its status is in-progress");
    sw_facts_free(f);
    sw_diagnostics_clear(d);
    assert_int_equal(run(rs, "{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"q\",\"status\":\"completed\","
                             "\"questionnaire\":\"http://hl7.org/fhir/us/core/Questionnaire/phq-9-example\","
                             "\"authored\":\"2026-11-19\",\"item\":[{\"linkId\":\"g\",\"answer\":[{\"valueBoolean\":true,"
                             "\"item\":[{\"linkId\":\"/44260-8\",\"answer\":[{\"valueCoding\":{\"system\":\"http://loinc.org\",\"code\":\"LA6571-9\"}},"
                             "{\"valueCoding\":{\"system\":\"http://loinc.org\",\"code\":\"LA6568-5\"}}]}]}]}]}",
                         &f, d), SW_OK);
    assert_int_equal(int_of(f, "phq9_item9"), -1);
    it = find_diagnostic(d, "F107", "QuestionnaireResponse/q: item '/44260-8' has 2 answers");
    assert_string_equal(it->field, "item[0].answer[0].item[0]");
    sw_facts_free(f);
    sw_diagnostics_free(d);
    sw_ruleset_free(rs);
}

static void test_not_fhir(void **state)
{
    (void)state;
    sw_ruleset *rs = load_rules();
    sw_diagnostics *d = sw_diagnostics_new();
    sw_facts *f = NULL;
    assert_int_equal(run(rs, "{\"resourceType\": ", &f, d), SW_ERR_FACTS);
    assert_null(f);
    assert_int_equal(count_diagnostics(d, "F101"), 1);
    assert_true(sw_diagnostics_malformed(d));
    sw_diagnostics_clear(d);
    assert_int_equal(run(rs, "{\"phq9\": 12}", &f, d), SW_ERR_FACTS);
    find_diagnostic(d, "F101", "this is not FHIR: an object without resourceType or prefetch");
    assert_false(sw_diagnostics_malformed(d));
    sw_diagnostics_clear(d);
    /* a prefetch value that is not a resource is told and skipped */
    assert_int_equal(run(rs, "{\"prefetch\": {\"x\": [1, 2], \"y\": null}}", &f, d), SW_OK);
    const sw_diagnostic *it = find_diagnostic(d, "F102", "prefetch.x is not a FHIR resource");
    assert_string_equal(it->field, "prefetch.x");
    sw_facts_free(f);
    /* arguments */
    assert_int_equal(sw_facts_from_fhir(rs, "t", "{}", 2, NULL, &f, d), SW_ERR_ARG);
    assert_int_equal(sw_facts_from_fhir(rs, "t", "{}", 2, "2026-02-30", &f, d), SW_ERR_ARG);
    assert_int_equal(sw_facts_from_fhir(NULL, "t", "{}", 2, "2026-11-20", &f, d), SW_ERR_ARG);
    sw_diagnostics_free(d);
    sw_ruleset_free(rs);
}

static void test_read_when(void **state)
{
    (void)state;
    int32_t day;
    int64_t when, when2;
    assert_int_equal(sw_fhir_read_when("2026-11-20", &day, &when), 1);
    assert_int_equal(day, 20777);
    assert_true(when == (int64_t)20777 * 86400000);
    assert_int_equal(sw_fhir_read_when("2026-11-20T00:30:00+01:00", &day, &when), 1);
    assert_int_equal(day, 20777);                        /* the date as written */
    assert_true(when == (int64_t)20777 * 86400000 - 30 * 60000);   /* 23:30 the day before, UTC */
    assert_int_equal(sw_fhir_read_when("2026-11-19T23:30:00.250Z", &day, &when2), 1);
    assert_true(when2 == when + 250);
    assert_int_equal(sw_fhir_read_when("2026", &day, &when), -1);
    assert_int_equal(sw_fhir_read_when("2026-11", &day, &when), -1);
    assert_int_equal(sw_fhir_read_when("2026-11-20T10:00", &day, &when), 0);
    assert_int_equal(sw_fhir_read_when("2026-11-20T10:00:00", &day, &when), 0);   /* no zone */
    assert_int_equal(sw_fhir_read_when("2026-02-30", &day, &when), 0);
    assert_int_equal(sw_fhir_read_when("2026-11-20T25:00:00Z", &day, &when), 0);
}

static void test_prefetch_templates(void **state)
{
    (void)state;
    sw_ruleset *rs = load_rules();
    assert_int_equal(sw_fhir_prefetch_count(rs), 2);
    const char *key;
    char *query;
    assert_int_equal(sw_fhir_prefetch(rs, 0, &key, &query), SW_OK);
    assert_string_equal(key, "observations");
    /* by fact (slot), each code once: the blood pressure panel feeds two facts */
    assert_string_equal(query, "Observation?patient={{context.patientId}}&code="
                               "http://loinc.org|75624-7,http://loinc.org|75626-2,"
                               "http://loinc.org|85354-9,http://loinc.org|70274-6,"
                               "http://loinc.org|44261-6,http://loinc.org|44260-8");
    sw_free(query);
    assert_int_equal(sw_fhir_prefetch(rs, 1, &key, &query), SW_OK);
    assert_string_equal(key, "questionnaireResponses");
    assert_string_equal(query, "QuestionnaireResponse?patient={{context.patientId}}&questionnaire="
                               "http://hl7.org/fhir/us/core/Questionnaire/phq-9-example");
    sw_free(query);
    assert_int_equal(sw_fhir_prefetch(rs, 2, &key, &query), SW_ERR_ARG);
    assert_null(query);
    sw_ruleset_free(rs);
}


/* Condition and medication mappings (value present): latest wins, entered-in-error
 * and unconfirmed set aside, refuted is false for a bool fact, a past record means
 * only what the mapping says, no resource leaves the fact unknown. */
static const char presence_rules[] =
    "guideline g \"G\" version \"1.0.0\"\n"
    "facts {\n"
    "  diabetes: bool \"Diabetes\"\n"
    "  hiv: one of { negative, positive } \"HIV\"\n"
    "  opioid_history: bool \"Opioid history\"\n"
    "  on_bup: bool \"Buprenorphine/naloxone\"\n"
    "  liver: bool \"Liver\"\n"
    "}\n"
    "fhir diabetes: Condition \"http://snomed.info/sct|73211009\" also \"http://snomed.info/sct|44054006\" value present\n"
    "fhir hiv: Condition \"http://snomed.info/sct|86406008\" value present present positive\n"
    "fhir opioid_history: Condition \"http://snomed.info/sct|75544000\" value present past true\n"
    "fhir on_bup: MedicationStatement \"http://www.nlm.nih.gov/research/umls/rxnorm|352364\" value present\n"
    "fhir liver: Condition \"http://snomed.info/sct|235856003\" value present\n";

#define CLIN(c) "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"" c "\"}]}"
#define VER(c) "\"verificationStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-ver-status\",\"code\":\"" c "\"}]}"
#define SCT(c) "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"" c "\"}]}"

static const sw_value *value_of(const sw_facts *f, const char *name)
{
    for (uint32_t i = 0; i < f->prog->nbase; i++)
        if (strcmp(f->prog->facts[i].name, name) == 0)
            return &f->values[i];
    fail_msg("no fact %s", name);
    return NULL;
}

static void test_presence(void **state)
{
    (void)state;
    sw_source_text src = {"p.sw", presence_rules, strlen(presence_rules)};
    sw_ruleset *rs = NULL;
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_ruleset_load_texts(&src, 1, &rs, d), SW_OK);
    const char *bundle =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"d1\"," CLIN("active") "," VER("confirmed") "," SCT("44054006") ",\"recordedDate\":\"2026-01-05\"}},"
        "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"d2\"," VER("entered-in-error") "," SCT("73211009") ",\"recordedDate\":\"2026-02-05\"}},"
        "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"d3\"," CLIN("active") "," VER("refuted") "," SCT("73211009") ",\"recordedDate\":\"2025-02-05\"}},"
        "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"o1\"," CLIN("remission") "," SCT("75544000") ",\"recordedDate\":\"2025-02-05\"}},"
        "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"h1\"," CLIN("active") "," VER("refuted") "," SCT("86406008") ",\"recordedDate\":\"2025-02-05\"}},"
        "{\"resource\":{\"resourceType\":\"MedicationStatement\",\"id\":\"m1\",\"status\":\"not-taken\","
        "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"352364\"}]},"
        "\"effectiveDateTime\":\"2026-02-01\"}}"
        "]}";
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_from_fhir(rs, "b.json", bundle, strlen(bundle), "2026-03-01", &f, d), SW_OK);
    assert_true(value_of(f, "diabetes")->known && value_of(f, "diabetes")->u.i == 1);   /* d1 latest usable: present */
    assert_false(value_of(f, "hiv")->known);                           /* refuted HIV: no value given */
    assert_true(value_of(f, "opioid_history")->known && value_of(f, "opioid_history")->u.i == 1);   /* in remission: past true */
    assert_true(value_of(f, "on_bup")->known && value_of(f, "on_bup")->u.i == 0);   /* not-taken: explicitly false */
    assert_false(value_of(f, "liver")->known);                           /* no resource: unknown */
    sw_facts_free(f);
    /* the refuted one, when latest, gives false */
    const char *refuted =
        "{\"resourceType\":\"Condition\",\"id\":\"d3\"," CLIN("active") "," VER("refuted") "," SCT("73211009") ",\"recordedDate\":\"2025-02-05\"}";
    assert_int_equal(sw_facts_from_fhir(rs, "c.json", refuted, strlen(refuted), "2026-03-01", &f, d), SW_OK);
    assert_true(value_of(f, "diabetes")->known && value_of(f, "diabetes")->u.i == 0);
    sw_facts_free(f);
    /* prefetch: one search per resource type, the value set's codes in one query */
    assert_int_equal(sw_fhir_prefetch_count(rs), 2);
    const char *key;
    char *q = NULL;
    assert_int_equal(sw_fhir_prefetch(rs, 0, &key, &q), SW_OK);
    assert_string_equal(key, "conditions");
    assert_non_null(strstr(q, "http://snomed.info/sct|73211009,http://snomed.info/sct|44054006"));
    sw_free(q);
    sw_diagnostics_free(d);
    sw_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_searchset),
        cmocka_unit_test(test_hook_request),
        cmocka_unit_test(test_awkward_values),
        cmocka_unit_test(test_not_fhir),
        cmocka_unit_test(test_read_when),
        cmocka_unit_test(test_prefetch_templates),
        cmocka_unit_test(test_presence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
