/*
 * test_merge.c - one client's facts from two sources (sw_facts_merge in
 * engine/facts/facts.c): a facts document and what FHIR gives. A fact known in
 * one source only is taken from it; agreeing values say nothing; a conflict keeps
 * the document's value and is told (F114) with the fact, both values, the FHIR
 * resource and its path; an unknown value never overrides a known one, and a
 * resource the FHIR reader set aside gives nothing to merge. Also the
 * medicationReference of MedicationStatement and MedicationRequest
 * (engine/facts/fhir.c): resolved by Medication/id, fullUrl and contained #id,
 * or told (F113) and the fact left unknown, never taken from an older resource.
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
#include "stagewise.h"
#include "support.h"

/* RxNorm 864708 and 991149 (methadone), 1010603 (buprenorphine/naloxone): the
 * CDC opioid value sets cited in tests/golden/rules/medication.sw. */
static const char rules_text[] =
    "guideline g \"G\" version \"1.0.0\"\n"
    "facts {\n"
    "  phq9: int 0..27 \"PHQ-9 total\"\n"
    "  gad7: int 0..21 \"GAD-7 total\"\n"
    "  audit: int 0..40 \"AUDIT total\"\n"
    "  housing: one of { stable, temporary } \"Housing\"\n"
    "  note: text \"A note\"\n"
    "  methadone: bool \"Methadone prescribed\"\n"
    "  bup: bool \"Takes buprenorphine\"\n"
    "}\n"
    "fhir phq9: Observation \"http://loinc.org|44261-6\" value number within 90 days\n"
    "fhir gad7: Observation \"http://loinc.org|70274-6\" value number\n"
    "fhir audit: Observation \"http://loinc.org|75624-7\" value number\n"
    "fhir methadone: MedicationRequest \"http://www.nlm.nih.gov/research/umls/rxnorm|864708\"\n"
    "  also \"http://www.nlm.nih.gov/research/umls/rxnorm|991149\" value present past false\n"
    "fhir bup: MedicationStatement \"http://www.nlm.nih.gov/research/umls/rxnorm|1010603\" value present past false\n";

/* Each test's rule set and diagnostics list (cmocka's state), made and freed
 * around it. */
typedef struct merge_test {
    sw_ruleset *rs;
    sw_diagnostics *d;
} merge_test;

static int setup(void **state)
{
    static merge_test t;
    t.rs = load_rules_or_fail("merge.sw", rules_text);
    t.d = sw_diagnostics_new();
    *state = &t;
    return t.d ? 0 : -1;
}

static int teardown(void **state)
{
    merge_test *t = *state;
    sw_diagnostics_free(t->d);
    sw_ruleset_free(t->rs);
    return 0;
}

#define OBS(id, loinc, date, value) OBS_S(id, "final", loinc, date, value)
#define OBS_S(id, status, loinc, date, value)                                                \
    "{\"fullUrl\":\"https://ehr.example.org/fhir/Observation/" id "\",\"resource\":"         \
    "{\"resourceType\":\"Observation\",\"id\":\"" id "\",\"status\":\"" status "\","         \
    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" loinc "\"}]},"      \
    "\"effectiveDateTime\":\"" date "\"," value "}}"

static sw_facts *document(const sw_ruleset *rs, const char *yaml)
{
    sw_facts *f = NULL;
    sw_diagnostics *d = sw_diagnostics_new();
    if (sw_facts_parse(rs, "doc.yaml", yaml, strlen(yaml), &f, d) != SW_OK) {
        char *out = NULL;
        sw_diagnostics_render(d, &out, NULL);
        fail_msg("%s", out ? out : "facts do not parse");
    }
    sw_diagnostics_free(d);
    return f;
}

static sw_facts *fhir(const sw_ruleset *rs, const char *json, sw_diagnostics *d)
{
    sw_facts *f = NULL;
    assert_int_equal(sw_facts_from_fhir(rs, "bundle.json", json, strlen(json), "2026-11-20", &f, d),
                     SW_OK);
    return f;
}

static const sw_value *value_of(const sw_facts *f, const char *name)
{
    const sw_fact_def *d = sw_program_fact(f->prog, name, strlen(name));
    assert_non_null(d);
    return &f->values[d->slot];
}

static long long int_of(const sw_facts *f, const char *name)
{
    const sw_value *v = value_of(f, name);
    return v->known ? (long long)v->u.i : -1;
}

static const char bundle[] =
    "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[\n"
    OBS("phq9-a", "44261-6", "2026-11-12", "\"valueInteger\":18") ",\n"
    OBS_S("phq9-error", "entered-in-error", "44261-6", "2026-11-19", "\"valueInteger\":3") ",\n"
    OBS("gad7-a", "70274-6", "2026-11-12", "\"valueInteger\":11") ",\n"
    OBS("audit-a", "75624-7", "2026-11-12", "\"valueInteger\":22") "\n"
    "]}";

/* A fact only one source knows is taken from it; values both give alike say nothing. */
static void test_one_source_and_agreement(void **state)
{
    sw_ruleset *rs = ((merge_test *)*state)->rs;
    sw_diagnostics *d = ((merge_test *)*state)->d;
    sw_facts *doc = document(rs, "client: C-1\nassessed_on: 2026-11-20\nfacts:\n  phq9: 18\n"
                                 "  audit: 22\n  housing: temporary\n  note: seen today\n");
    sw_facts *rec = fhir(rs, bundle, d);
    sw_diagnostics_clear(d);
    assert_int_equal(sw_facts_merge(doc, rec, d), SW_OK);
    sw_facts_free(rec);   /* the merged facts own what they took */
    assert_int_equal(int_of(doc, "phq9"), 18);   /* both: 18 */
    assert_int_equal(int_of(doc, "audit"), 22);  /* both: 22 */
    assert_int_equal(int_of(doc, "gad7"), 11);   /* the record only */
    assert_int_equal(int_of(doc, "housing"), 1); /* the document only */
    assert_string_equal(value_of(doc, "note")->u.s, "seen today");
    assert_int_equal(sw_diagnostics_count(d), 0);
    assert_string_equal(sw_facts_client(doc), "C-1");
    char date[11];
    assert_int_equal(sw_facts_assessed_on(doc, date), 1);
    assert_string_equal(date, "2026-11-20");
    /* where the taken value came from stays with it */
    const sw_fact_def *g = sw_program_fact(doc->prog, "gad7", 4);
    assert_non_null(doc->origin);
    assert_string_equal(doc->origin[g->slot].resource, "Observation/gad7-a");
    assert_string_equal(doc->origin[g->slot].path, "entry[2].resource.valueInteger");
    sw_facts_free(doc);
}

/* A conflict keeps the document's value and names the fact, both values, the
 * resource and where its value is. */
static void test_conflict(void **state)
{
    sw_ruleset *rs = ((merge_test *)*state)->rs;
    sw_diagnostics *d = ((merge_test *)*state)->d;
    sw_facts *doc = document(rs, "assessed_on: 2026-11-20\nfacts:\n  phq9: 12\n  audit: 30\n");
    sw_facts *rec = fhir(rs, bundle, d);
    sw_diagnostics_clear(d);
    assert_int_equal(sw_facts_merge(doc, rec, d), SW_OK);
    assert_int_equal(int_of(doc, "phq9"), 12);
    assert_int_equal(int_of(doc, "audit"), 30);
    assert_int_equal(count_diagnostics(d, "F114"), 2);
    assert_int_equal(sw_diagnostics_error_count(d), 0);
    const sw_diagnostic *it = find_diagnostic(d, "F114", "'phq9' is 12 in the facts document but 18 in "
                                              "Observation/phq9-a; the facts document's value, 12, is used");
    assert_int_equal(it->severity, SW_SEV_WARNING);
    assert_string_equal(it->field, "entry[0].resource.valueInteger");
    assert_string_equal(it->file, "bundle.json");
    assert_int_equal(it->line, 2);
    assert_non_null(strstr(it->source_line, "\"valueInteger\":18"));
    find_diagnostic(d, "F114", "'audit' is 30 in the facts document but 22 in Observation/audit-a");
    /* the record's entered-in-error PHQ-9 (3, the latest) is no conflict: it
     * was set aside, so 18 is what the record says */
    assert_null(strstr(it->message, " 3 "));
    sw_facts_free(rec);
    sw_facts_free(doc);
}

/* Unknown in one source never overrides a known value; a resource set aside
 * (entered-in-error, older than the look-back, a dataAbsentReason) gives nothing. */
static void test_unknown_and_set_aside(void **state)
{
    sw_ruleset *rs = ((merge_test *)*state)->rs;
    sw_diagnostics *d = ((merge_test *)*state)->d;
    const char *aside =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[\n"
        OBS_S("phq9-error", "entered-in-error", "44261-6", "2026-11-19", "\"valueInteger\":3") ",\n"
        OBS("phq9-old", "44261-6", "2026-01-01", "\"valueInteger\":4") ",\n"
        OBS("gad7-declined", "70274-6", "2026-11-12",
            "\"dataAbsentReason\":{\"coding\":[{\"code\":\"asked-declined\"}]}") "\n"
        "]}";
    sw_facts *rec = fhir(rs, aside, d);
    assert_int_equal(int_of(rec, "phq9"), -1);
    assert_int_equal(int_of(rec, "gad7"), -1);
    /* the document knows phq9 and gad7: the record's unknowns change nothing */
    sw_facts *doc = document(rs, "assessed_on: 2026-11-20\nfacts:\n  phq9: 12\n  gad7: 5\n");
    sw_diagnostics_clear(d);
    assert_int_equal(sw_facts_merge(doc, rec, d), SW_OK);
    assert_int_equal(int_of(doc, "phq9"), 12);
    assert_int_equal(int_of(doc, "gad7"), 5);
    assert_int_equal(sw_diagnostics_count(d), 0);
    sw_facts_free(doc);
    /* the document does not know them either: they stay unknown, never false or 0 */
    doc = document(rs, "facts:\n  housing: stable\n");
    assert_int_equal(sw_facts_merge(doc, rec, d), SW_OK);
    assert_int_equal(int_of(doc, "phq9"), -1);
    assert_int_equal(int_of(doc, "gad7"), -1);
    assert_int_equal(int_of(doc, "housing"), 0);
    /* without its own date, the document takes the record's */
    char date[11];
    assert_int_equal(sw_facts_assessed_on(doc, date), 1);
    assert_string_equal(date, "2026-11-20");
    sw_facts_free(doc);
    /* the other way round: an unknown in the document takes the record's value */
    sw_facts *known = fhir(rs, bundle, d);
    sw_facts *empty = NULL;
    assert_int_equal(sw_facts_new(rs, &empty), SW_OK);
    assert_int_equal(sw_facts_set_unknown(empty, "phq9"), SW_OK);
    sw_diagnostics_clear(d);
    assert_int_equal(sw_facts_merge(empty, known, d), SW_OK);
    assert_int_equal(int_of(empty, "phq9"), 18);
    assert_int_equal(sw_diagnostics_count(d), 0);
    /* and a merge into facts that now hold everything known is idempotent */
    assert_int_equal(sw_facts_merge(empty, known, d), SW_OK);
    assert_int_equal(sw_diagnostics_count(d), 0);
    sw_facts_free(empty);
    sw_facts_free(known);
    sw_facts_free(rec);
}

/* Two facts of one client only: not the same object, not another rule set's. */
static void test_arguments(void **state)
{
    (void)state;
    sw_ruleset *rs = load_rules_or_fail("merge.sw", rules_text);
    sw_ruleset *other = load_rules_or_fail("merge.sw", rules_text);
    sw_facts *a = NULL, *b = NULL;
    assert_int_equal(sw_facts_new(rs, &a), SW_OK);
    assert_int_equal(sw_facts_new(other, &b), SW_OK);
    assert_int_equal(sw_facts_merge(a, b, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_merge(a, a, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_merge(NULL, a, NULL), SW_ERR_ARG);
    assert_int_equal(sw_facts_merge(a, NULL, NULL), SW_ERR_ARG);
    char date[11];
    assert_int_equal(sw_facts_assessed_on(a, date), 0);
    assert_int_equal(sw_facts_assessed_on(NULL, date), 0);
    /* a conflict with no diagnostics list still keeps the first value */
    sw_facts *c = NULL;
    assert_int_equal(sw_facts_new(rs, &c), SW_OK);
    assert_int_equal(sw_facts_set_int(a, "phq9", 3, NULL), SW_OK);
    assert_int_equal(sw_facts_set_int(c, "phq9", 9, NULL), SW_OK);
    assert_int_equal(sw_facts_merge(a, c, NULL), SW_OK);
    assert_int_equal(int_of(a, "phq9"), 3);
    /* a value not read from FHIR: the conflict names the fact, without a resource */
    sw_diagnostics *d = sw_diagnostics_new();
    assert_int_equal(sw_facts_merge(a, c, d), SW_OK);
    const sw_diagnostic *it = find_diagnostic(d, "F114", "'phq9' is 3 in the facts document but 9 in the other source");
    assert_string_equal(it->field, "facts.phq9");
    assert_null(it->file);
    sw_diagnostics_free(d);
    sw_facts_free(a);
    sw_facts_free(b);
    sw_facts_free(c);
    sw_ruleset_free(rs);
    sw_ruleset_free(other);
}

#define RX(code) "{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"" code "\"}]}"
/* An active methadone request of 1 October, older than the requests beside it. */
#define OLD_METHADONE_REQUEST                                                                      \
    "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"old\",\"status\":\"active\","   \
    "\"intent\":\"order\",\"medicationCodeableConcept\":" RX("864708") ",\"authoredOn\":\"2026-10-01\"}}"

/* medicationReference: resolved to a Medication in the Bundle by Medication/id
 * or fullUrl, or contained (#id); its code is read. */
static void test_medication_reference_resolved(void **state)
{
    sw_ruleset *rs = ((merge_test *)*state)->rs;
    sw_diagnostics *d = ((merge_test *)*state)->d;
    const char *json =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        OLD_METHADONE_REQUEST ","
        "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"new\",\"status\":\"stopped\","
        "\"intent\":\"order\",\"medicationReference\":{\"reference\":\"Medication/sol\"},\"authoredOn\":\"2026-11-10\"}},"
        "{\"fullUrl\":\"https://ehr.example.org/fhir/Medication/sol\",\"resource\":{\"resourceType\":\"Medication\","
        "\"id\":\"sol\",\"code\":" RX("991149") "},\"search\":{\"mode\":\"include\"}},"
        "{\"resource\":{\"resourceType\":\"MedicationStatement\",\"id\":\"ms\",\"status\":\"active\","
        "\"contained\":[{\"resourceType\":\"Medication\",\"id\":\"b\",\"code\":" RX("1010603") "}],"
        "\"medicationReference\":{\"reference\":\"#b\"},\"effectiveDateTime\":\"2026-11-01\"}}"
        "]}";
    sw_facts *f = fhir(rs, json, d);
    assert_int_equal(int_of(f, "methadone"), 0);   /* the latest, by reference, is stopped */
    assert_int_equal(int_of(f, "bup"), 1);         /* contained */
    assert_int_equal(sw_diagnostics_count(d), 0);
    const sw_fact_def *m = sw_program_fact(f->prog, "methadone", 9);
    assert_string_equal(f->origin[m->slot].resource, "MedicationRequest/new");
    assert_string_equal(f->origin[m->slot].path, "entry[1].resource.status");
    sw_facts_free(f);
    /* by fullUrl, a Medication without an id */
    const char *urn =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
        "{\"resource\":{\"resourceType\":\"MedicationStatement\",\"id\":\"ms\",\"status\":\"completed\","
        "\"medicationReference\":{\"reference\":\"urn:uuid:1b2c\"},\"effectiveDateTime\":\"2026-11-01\"}},"
        "{\"fullUrl\":\"urn:uuid:1b2c\",\"resource\":{\"resourceType\":\"Medication\",\"code\":" RX("1010603") "}}"
        "]}";
    f = fhir(rs, urn, d);
    assert_int_equal(int_of(f, "bup"), 0);
    assert_int_equal(sw_diagnostics_count(d), 0);
    sw_facts_free(f);
    /* the prefetch templates ask for the Medications the requests refer to */
    const char *key;
    char *q = NULL;
    assert_int_equal(sw_fhir_prefetch(rs, 2, &key, &q), SW_OK);
    assert_string_equal(key, "medicationRequests");
    assert_non_null(strstr(q, "&_include=MedicationRequest:medication"));
    sw_free(q);
}

/* A reference that cannot be resolved is told with the resource id and path, and
 * when that resource is the latest the fact stays unknown: the older active
 * request does not stand in. */
static void test_medication_reference_unresolved(void **state)
{
    sw_ruleset *rs = ((merge_test *)*state)->rs;
    sw_diagnostics *d = ((merge_test *)*state)->d;
    const char *json =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        OLD_METHADONE_REQUEST ","
        "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"abc\",\"status\":\"active\","
        "\"intent\":\"order\",\"medicationReference\":{\"reference\":\"Medication/gone\"},\"authoredOn\":\"2026-11-10\"}},"
        "{\"resource\":{\"resourceType\":\"MedicationStatement\",\"id\":\"nothing\",\"status\":\"active\","
        "\"medicationReference\":{\"display\":\"a tablet\"},\"effectiveDateTime\":\"2026-11-01\"}}"
        "]}";
    sw_facts *f = fhir(rs, json, d);
    assert_int_equal(int_of(f, "methadone"), -1);
    assert_int_equal(int_of(f, "bup"), -1);
    const sw_diagnostic *it = find_diagnostic(d, "F113", "MedicationRequest/abc: its medicationReference 'Medication/gone' "
                                              "names no Medication in the input");
    assert_int_equal(it->severity, SW_SEV_WARNING);
    assert_string_equal(it->field, "entry[1].resource.medicationReference.reference");
    it = find_diagnostic(d, "F113", "MedicationRequest/abc, whose drug cannot be read, is the latest "
                         "MedicationRequest; 'methadone' is left unknown");
    assert_int_equal(it->severity, SW_SEV_NOTE);
    it = find_diagnostic(d, "F113", "MedicationStatement/nothing: its medicationReference has no reference");
    assert_string_equal(it->field, "entry[2].resource.medicationReference");
    /* each unreadable resource is told once, however many mappings look at it */
    assert_int_equal(count_diagnostics(d, "F113"), 4);
    sw_facts_free(f);
    /* an unresolved one older than a readable one does not hide it */
    const char *older =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"new\",\"status\":\"active\","
        "\"intent\":\"order\",\"medicationCodeableConcept\":" RX("864708") ",\"authoredOn\":\"2026-11-10\"}},"
        "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"abc\",\"status\":\"active\","
        "\"intent\":\"order\",\"medicationReference\":{\"reference\":\"#x\"},\"authoredOn\":\"2026-10-01\"}}"
        "]}";
    sw_diagnostics_clear(d);
    f = fhir(rs, older, d);
    assert_int_equal(int_of(f, "methadone"), 1);
    assert_int_equal(count_diagnostics(d, "F113"), 1);
    sw_facts_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_source_and_agreement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_and_set_aside, setup, teardown),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test_setup_teardown(test_medication_reference_resolved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_medication_reference_unresolved, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
