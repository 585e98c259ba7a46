/*
 * fhir.c - a client's facts from FHIR R4 resources, by the rule set's `fhir`
 * declarations (sw_fhir_source in the program).
 *
 * Input: one JSON document, read with util/jsonread: a Bundle (searchset,
 * collection, ...), a single resource, or a CDS Hooks request whose `prefetch`
 * values are Bundles or resources. For each mapped fact the matching resources
 * (Observation by code, QuestionnaireResponse by questionnaire) are gathered; the
 * ones with a status that withdraws them, without a usable date, dated after the
 * assessment date or older than the look-back are set aside with a note; the
 * latest of the rest gives the value. When that value is absent
 * (dataAbsentReason) or does not fit the fact (a wrong unit, out of range, a code
 * not in the map), the fact stays unknown and a warning names the resource, its
 * id and the JSON path: nothing is guessed and no older resource stands in.
 * A medication's drug named by medicationReference is the code of the Medication
 * it resolves to (contained "#id", the Bundle entry with that fullUrl, or
 * "Medication/id"); one that does not resolve may be any drug, so when it is the
 * latest its facts stay unknown. Where each value was read is kept in
 * facts->origin, for sw_facts_merge to name when a facts document disagrees.
 *
 * Codes F101..F113 (docs/errors.md). Only F101 (not a FHIR input) fails the call;
 * the others leave the facts usable. Reentrant: all state is in one call's fhir_run.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "facts/fhir.h"
#include "lang/diag.h"
#include "lang/value.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/jsonread.h"
#include "util/text.h"

/* A resource found in the document, with the path that leads to it. */
typedef struct found {
    const sw_jnode *node;
    const char *type;         /* resourceType */
    const char *id;           /* "?" when it has none */
    const char *path;         /* "entry[2].resource", "prefetch.phq9.entry[0].resource" */
    const char *fullurl;      /* its Bundle entry's fullUrl, or NULL */
    int read;                 /* some mapping reads its code */
    /* a MedicationStatement or MedicationRequest: its drug's CodeableConcept,
     * medicationCodeableConcept or the code of the Medication its
     * medicationReference names (med_state 1); -1 when the reference cannot be
     * read (told once, at med_path); 0 before it is looked at */
    int med_state;
    const sw_jnode *med;
} found;

/* A resource that may give a fact its value. */
typedef struct cand {
    const sw_fhir_source *src;   /* the mapping that took it */
    const found *res;
    const sw_jnode *holder;   /* what holds value[x]: the resource, a component, an answer */
    const char *hpath;        /* its path */
    int64_t when;             /* milliseconds since 1970-01-01T00:00Z */
    int unresolved;           /* a medication whose drug cannot be read */
} cand;

typedef struct fhir_run {
    const sw_program *p;
    const char *name, *text;
    size_t len;
    sw_diagnostics *diags;
    sw_facts *facts;
    sw_arena arena;           /* paths and names */
    found *res;
    size_t nres, capres;
    int32_t today;            /* the assessment date */
    int nomem;
} fhir_run;

/* ---- diagnostics ---- */

static void say(fhir_run *r, sw_severity sev, const char *code, const sw_jnode *at,
                const char *field, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void say(fhir_run *r, sw_severity sev, const char *code, const sw_jnode *at,
                const char *field, const char *hint, const char *fmt, ...)
{
    if (!r->diags)
        return;
    sw_buf msg = SW_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sw_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    sw_where w = {r->name, r->text, r->len, at ? at->start : 0, 1};
    if (at && at->type != SW_JOBJECT && at->type != SW_JARRAY && at->end > at->start)
        w.length = at->end - at->start;
    if (field && *field)
        sw_buf_printf(&msg, " (at %s)", field);
    if (msg.failed || !sw_diag_add(r->diags, sev, code, w, field, hint, "%s", msg.data ? msg.data : ""))
        r->nomem = 1;
    sw_buf_free(&msg);
}

static const char *path_join(fhir_run *r, const char *base, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static const char *path_join(fhir_run *r, const char *base, const char *fmt, ...)
{
    sw_buf b = SW_BUF_INIT;
    if (base && *base) {
        sw_buf_puts(&b, base);
        if (fmt[0] != '[')
            sw_buf_putc(&b, '.');
    }
    va_list ap;
    va_start(ap, fmt);
    sw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    const char *s = b.failed ? NULL : sw_arena_strdup(&r->arena, b.data ? b.data : "");
    sw_buf_free(&b);
    if (!s) {
        r->nomem = 1;
        return "";
    }
    return s;
}

/* ---- small JSON helpers ---- */

static const char *str_of(const sw_jnode *obj, const char *key)
{
    return sw_jstr(sw_jget(obj, key));
}

static int equal_upto_version(const char *a, const char *b)
{
    size_t la = strcspn(a, "|"), lb = strcspn(b, "|");
    return la == lb && memcmp(a, b, la) == 0;
}

/* Whether a coding {system, code} is "system|code". */
static int coding_is(const sw_jnode *coding, const char *sc)
{
    const char *system = str_of(coding, "system"), *code = str_of(coding, "code");
    const char *bar = strchr(sc, '|');
    if (!system || !code || !bar)
        return 0;
    size_t ls = (size_t)(bar - sc);
    return strlen(system) == ls && memcmp(system, sc, ls) == 0 && strcmp(code, bar + 1) == 0;
}

static int concept_has(const sw_jnode *concept, const char *sc)
{
    const sw_jnode *codings = sw_jget(concept, "coding");
    if (!codings || codings->type != SW_JARRAY)
        return 0;
    for (const sw_jnode *c = codings->first; c; c = c->next)
        if (coding_is(c, sc))
            return 1;
    return 0;
}

/* ---- dates: FHIR date, dateTime and instant ---- */

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num2(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

/* Reads YYYY-MM-DD[Thh:mm:ss[.f+](Z|+hh:mm|-hh:mm)]. The calendar date as written
 * goes to *day, the moment (UTC) to *when. Returns 0 for anything else, -1 for a
 * partial date (YYYY or YYYY-MM), which cannot be placed in a window. */
int sw_fhir_read_when(const char *s, int32_t *day, int64_t *when)
{
    size_t n = strlen(s);
    if ((n == 4 && digits(s, 4)) || (n == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2)))
        return -1;
    if (n < 10 || sw_date_read(s, 10, day) != SW_DATE_OK)
        return 0;
    int64_t ms = 0;
    if (n > 10) {
        if (n < 19 || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) ||
            s[16] != ':' || !digits(s + 17, 2))
            return 0;
        int hh = num2(s + 11), mi = num2(s + 14), ss = num2(s + 17);
        if (hh > 23 || mi > 59 || ss > 60)
            return 0;
        ms = ((int64_t)hh * 3600 + mi * 60 + ss) * 1000;
        size_t i = 19;
        if (i < n && s[i] == '.') {
            size_t k = ++i;
            int scale = 100;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                if (scale) {
                    ms += (s[i] - '0') * scale;
                    scale /= 10;
                }
                i++;
            }
            if (i == k)
                return 0;
        }
        if (i < n && s[i] == 'Z')
            i++;
        else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) &&
                 s[i + 3] == ':' && digits(s + i + 4, 2)) {
            int64_t off = ((int64_t)num2(s + i + 1) * 60 + num2(s + i + 4)) * 60000;
            ms -= s[i] == '+' ? off : -off;
            i += 6;
        } else
            return 0;
        if (i != n)
            return 0;
    }
    *when = (int64_t)*day * 86400000 + ms;
    return 1;
}

/* ---- gathering the resources ---- */

static void add_resource(fhir_run *r, const sw_jnode *node, const char *path, const char *fullurl)
{
    const char *type = str_of(node, "resourceType");
    const char *id = str_of(node, "id");
    if (!id)
        id = "?";
    /* the same resource from two prefetch queries counts once */
    for (size_t i = 0; i < r->nres; i++)
        if (strcmp(r->res[i].type, type) == 0 && strcmp(id, "?") != 0 && strcmp(r->res[i].id, id) == 0)
            return;
    if (!sw_grow_m(r->p->arena.mem, &r->res, &r->capres, r->nres, sizeof *r->res, 16)) {
        r->nomem = 1;
        return;
    }
    found *f = &r->res[r->nres++];
    f->node = node;
    f->type = type;
    f->id = id;
    f->path = path;
    f->fullurl = fullurl;
    f->read = 0;
    f->med_state = 0;
    f->med = NULL;
}

static void gather(fhir_run *r, const sw_jnode *node, const char *path, const char *fullurl,
                   int depth)
{
    const char *type = node->type == SW_JOBJECT ? str_of(node, "resourceType") : NULL;
    if (!type) {
        say(r, SW_SEV_WARNING, "F102", node, path, "a prefetch value or Bundle entry is one FHIR resource",
            "%s is not a FHIR resource (it has no resourceType); ignored", *path ? path : "the document");
        return;
    }
    if (strcmp(type, "Bundle") != 0) {
        add_resource(r, node, path, fullurl);
        return;
    }
    const sw_jnode *entries = sw_jget(node, "entry");
    if (!entries)
        return;   /* an empty searchset */
    if (entries->type != SW_JARRAY || depth > 4) {
        say(r, SW_SEV_WARNING, "F102", entries, path_join(r, path, "entry"), NULL,
            "a Bundle's entry must be a list of entries; ignored");
        return;
    }
    size_t i = 0;
    for (const sw_jnode *e = entries->first; e; e = e->next, i++) {
        const char *epath = path_join(r, path, "entry[%zu]", i);
        const sw_jnode *res = sw_jget(e, "resource");
        const char *mode = str_of(sw_jget(e, "search"), "mode");
        if (mode && strcmp(mode, "outcome") == 0)
            continue;   /* an OperationOutcome about the search, not the patient */
        if (!res) {
            say(r, SW_SEV_WARNING, "F102", e, epath, NULL, "%s has no resource; ignored", epath);
            continue;
        }
        gather(r, res, path_join(r, epath, "resource"), str_of(e, "fullUrl"), depth + 1);
    }
}

/* ---- which resources a mapping takes ---- */

/* Observation statuses that withdraw a result, and QuestionnaireResponse ones. */
static const char *const obs_withdrawn[] = {"entered-in-error", "cancelled", "registered"};
static const char *const qr_withdrawn[] = {"entered-in-error", "stopped", "in-progress"};

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static const char *const resource_names[SW_FHIR__RESOURCES] = {
    "Observation", "QuestionnaireResponse", "Condition", "MedicationStatement", "MedicationRequest"};

#define CONDITION_CLINICAL "http://terminology.hl7.org/CodeSystem/condition-clinical"
#define CONDITION_VERIFICATION "http://terminology.hl7.org/CodeSystem/condition-ver-status"

/* The code of a CodeableConcept in the given system (a coding without a system
 * counts too), or NULL. */
static const char *status_code(const sw_jnode *concept, const char *system)
{
    const sw_jnode *codings = sw_jget(concept, "coding");
    for (const sw_jnode *c = codings && codings->type == SW_JARRAY ? codings->first : NULL; c; c = c->next) {
        const char *sys = str_of(c, "system"), *code = str_of(c, "code");
        if (code && (!sys || strcmp(sys, system) == 0))
            return code;
    }
    return NULL;
}

/* The Medication a medicationReference names: "#id" one contained in the
 * resource; else the gathered Medication whose Bundle entry has that fullUrl, or
 * "Medication/id" the one with that id. NULL when there is none: no other form
 * (a versioned or another server's URL) is guessed at. */
static const sw_jnode *medication_named(const fhir_run *r, const found *f, const char *ref)
{
    if (ref[0] == '#') {
        const sw_jnode *contained = sw_jget(f->node, "contained");
        for (const sw_jnode *c = contained && contained->type == SW_JARRAY ? contained->first : NULL;
             c; c = c->next) {
            const char *type = str_of(c, "resourceType"), *id = str_of(c, "id");
            if (type && id && strcmp(type, "Medication") == 0 && strcmp(id, ref + 1) == 0)
                return c;
        }
        return NULL;
    }
    int relative = strncmp(ref, "Medication/", 11) == 0;
    for (size_t i = 0; i < r->nres; i++) {
        const found *m = &r->res[i];
        if (strcmp(m->type, "Medication") != 0)
            continue;
        if (m->fullurl && strcmp(m->fullurl, ref) == 0)
            return m->node;
        if (relative && strcmp(m->id, "?") != 0 && strcmp(m->id, ref + 11) == 0)
            return m->node;
    }
    return NULL;
}

/* The coded condition or drug of a presence resource, or NULL. A medication's
 * drug is its medicationCodeableConcept, else the code of the Medication its
 * medicationReference names; when that cannot be read, a warning (once per
 * resource) says why and f->med_state becomes -1: the drug is never guessed. */
static const sw_jnode *presence_concept(fhir_run *r, found *f, int resource)
{
    if (resource == SW_FHIR_CONDITION)
        return sw_jget(f->node, "code");
    if (f->med_state)
        return f->med;
    f->med_state = -1;
    const sw_jnode *concept = sw_jget(f->node, "medicationCodeableConcept");
    const sw_jnode *ref = sw_jget(f->node, "medicationReference");
    if (concept || !ref) {
        f->med_state = concept ? 1 : -1;
        f->med = concept;
        if (!concept)
            say(r, SW_SEV_WARNING, "F113", f->node, f->path,
                "a MedicationStatement or MedicationRequest names its drug in medication[x]",
                "%s/%s has neither medicationCodeableConcept nor medicationReference; "
                "no medication fact is taken from it", f->type, f->id);
        return concept;
    }
    const char *rpath = path_join(r, f->path, "medicationReference");
    const char *target = str_of(ref, "reference");
    const sw_jnode *med = target ? medication_named(r, f, target) : NULL;
    const sw_jnode *code = sw_jget(med, "code");
    if (code) {
        f->med_state = 1;
        f->med = code;
        return code;
    }
    const char *hint = "send the Medication with the request: in the Bundle (a search with "
                       "_include=MedicationRequest:medication or "
                       "_include=MedicationStatement:medication) or contained in the resource";
    if (!target)
        say(r, SW_SEV_WARNING, "F113", ref, rpath, hint,
            "%s/%s: its medicationReference has no reference; the drug cannot be read and "
            "no medication fact is taken from it", f->type, f->id);
    else if (!med)
        say(r, SW_SEV_WARNING, "F113", sw_jget(ref, "reference"), path_join(r, rpath, "reference"),
            hint, "%s/%s: its medicationReference '%s' names no Medication in the input; the "
            "drug cannot be read and no medication fact is taken from it", f->type, f->id, target);
    else
        say(r, SW_SEV_WARNING, "F113", sw_jget(ref, "reference"), path_join(r, rpath, "reference"),
            "a Medication names its drug in code", "%s/%s: the Medication '%s' it refers to has "
            "no code; the drug cannot be read and no medication fact is taken from it", f->type,
            f->id, target);
    return NULL;
}

static int reads_code(const sw_fhir_source *src, const sw_jnode *concept)
{
    if (concept_has(concept, src->code))
        return 1;
    for (uint32_t k = 0; k < src->nalso; k++)
        if (concept_has(concept, src->also[k]))
            return 1;
    return 0;
}

/* Why a presence resource is set aside before the latest is chosen, or NULL:
 * withdrawn, not confirmed, not yet started, not a prescription. */
static const char *presence_set_aside(const sw_jnode *res, int resource, const char **what,
                                      const sw_jnode **at)
{
    if (resource == SW_FHIR_CONDITION) {
        *at = sw_jget(res, "verificationStatus");
        *what = "verificationStatus";
        const char *v = status_code(*at, CONDITION_VERIFICATION);
        if (v && strcmp(v, "entered-in-error") == 0)
            return "its verification status is entered-in-error";
        if (v && (strcmp(v, "unconfirmed") == 0 || strcmp(v, "provisional") == 0 ||
                  strcmp(v, "differential") == 0))
            return "it is not confirmed (verification status unconfirmed, provisional or differential)";
        return NULL;
    }
    *at = sw_jget(res, "status");
    *what = "status";
    const char *st = sw_jstr(*at);
    static const char *const ms_aside[] = {"entered-in-error", "intended", "unknown"};
    static const char *const mr_aside[] = {"entered-in-error", "cancelled", "draft", "unknown"};
    if (resource == SW_FHIR_MEDICATION_STATEMENT && in_list(st, ms_aside, 3))
        return st[0] == 'i' ? "its status is intended: it is not yet taken" : "its status withdraws or does not say it";
    if (resource == SW_FHIR_MEDICATION_REQUEST) {
        if (in_list(st, mr_aside, 4))
            return "its status withdraws the prescription or does not say it";
        static const char *const not_orders[] = {"proposal", "plan", "option"};
        const char *intent = str_of(res, "intent");
        if (in_list(intent, not_orders, 3)) {
            *at = sw_jget(res, "intent");
            *what = "intent";
            return "it is a proposal or plan, not a prescription";
        }
        const sw_jnode *dnp = sw_jget(res, "doNotPerform");
        if (dnp && dnp->type == SW_JBOOL && dnp->boolean) {
            *at = dnp;
            *what = "doNotPerform";
            return "it orders the medication not to be given";
        }
    }
    return NULL;
}

/* What the record says: SW_FP_PRESENT, _ABSENT or _PAST; -1 when it does not say. */
static int presence_of(const sw_jnode *res, int resource, const char **what, const sw_jnode **at)
{
    if (resource == SW_FHIR_CONDITION) {
        const char *v = status_code(sw_jget(res, "verificationStatus"), CONDITION_VERIFICATION);
        if (v && strcmp(v, "refuted") == 0) {
            *what = "verificationStatus";
            *at = sw_jget(res, "verificationStatus");
            return SW_FP_ABSENT;
        }
        *what = "clinicalStatus";
        *at = sw_jget(res, "clinicalStatus");
        const char *c = status_code(*at, CONDITION_CLINICAL);
        static const char *const now[] = {"active", "recurrence", "relapse"};
        static const char *const over[] = {"inactive", "remission", "resolved"};
        return in_list(c, now, 3) ? SW_FP_PRESENT : in_list(c, over, 3) ? SW_FP_PAST : -1;
    }
    *what = "status";
    *at = sw_jget(res, "status");
    const char *st = sw_jstr(*at);
    static const char *const over[] = {"completed", "stopped", "on-hold"};
    if (st && strcmp(st, "active") == 0)
        return SW_FP_PRESENT;
    if (in_list(st, over, 3))
        return SW_FP_PAST;
    if (resource == SW_FHIR_MEDICATION_STATEMENT && st && strcmp(st, "not-taken") == 0)
        return SW_FP_ABSENT;
    return -1;
}


/* The item with this linkId, at any depth: items nest in items and in answers. */
static const sw_jnode *find_item(fhir_run *r, const sw_jnode *holder, const char *link,
                                 const char *path, const char **out_path, int depth)
{
    const sw_jnode *items = sw_jget(holder, "item");
    if (depth > 32 || !items || items->type != SW_JARRAY)
        return NULL;
    size_t i = 0;
    for (const sw_jnode *it = items->first; it; it = it->next, i++) {
        const char *ipath = path_join(r, path, "item[%zu]", i);
        const char *id = str_of(it, "linkId");
        if (id && strcmp(id, link) == 0) {
            *out_path = ipath;
            return it;
        }
        const sw_jnode *hit = find_item(r, it, link, ipath, out_path, depth + 1);
        if (hit)
            return hit;
        const sw_jnode *answers = sw_jget(it, "answer");
        size_t k = 0;
        for (const sw_jnode *a = answers && answers->type == SW_JARRAY ? answers->first : NULL; a;
             a = a->next, k++) {
            hit = find_item(r, a, link, path_join(r, ipath, "answer[%zu]", k), out_path, depth + 1);
            if (hit)
                return hit;
        }
    }
    return NULL;
}

/* The date node of a resource: effective[x] or authored. */
static const sw_jnode *date_of(const sw_jnode *res, int resource, const char **name)
{
    static const char *const order[3][4] = {
        {"recordedDate", "onsetDateTime", NULL, NULL},
        {"effectiveDateTime", "effectivePeriod.end", "dateAsserted", "effectivePeriod.start"},
        {"authoredOn", NULL, NULL, NULL}};
    if (resource >= SW_FHIR_CONDITION) {
        const char *const *o = order[resource - SW_FHIR_CONDITION];
        for (int k = 0; k < 4 && o[k]; k++) {
            const char *dot = strchr(o[k], '.');
            const sw_jnode *d = dot ? sw_jget(sw_jget(res, "effectivePeriod"), dot + 1) : sw_jget(res, o[k]);
            *name = o[k];
            if (d)
                return d;
        }
        *name = o[0];
        return NULL;
    }
    int qr = resource == SW_FHIR_QUESTIONNAIRE_RESPONSE;
    if (qr) {
        *name = "authored";
        return sw_jget(res, "authored");
    }
    const sw_jnode *d = sw_jget(res, "effectiveDateTime");
    *name = "effectiveDateTime";
    if (!d) {
        d = sw_jget(res, "effectiveInstant");
        *name = "effectiveInstant";
    }
    if (!d) {
        const sw_jnode *period = sw_jget(res, "effectivePeriod");
        d = sw_jget(period, "end");
        *name = "effectivePeriod.end";
        if (!d) {
            d = sw_jget(period, "start");
            *name = "effectivePeriod.start";
        }
    }
    return d;
}

static int usable(fhir_run *r, const sw_fhir_source *src, const sw_fact_def *fact,
                  const found *f, cand *c);

/* Whether a resource is one this mapping reads; sets *c when it is also usable.
 * A medication whose drug cannot be read may be any drug: it is a candidate for
 * every mapping of its resource type, weighed by its status and date without a
 * word (its warning was given once), so that when it is the latest the fact
 * stays unknown rather than taken from an older resource. */
static int candidate(fhir_run *r, const sw_fhir_source *src, const sw_fact_def *fact,
                     found *f, cand *c)
{
    if (src->resource >= SW_FHIR__RESOURCES || strcmp(f->type, resource_names[src->resource]) != 0)
        return 0;
    int unresolved = 0;
    if (src->resource >= SW_FHIR_CONDITION) {
        const sw_jnode *concept = presence_concept(r, f, src->resource);
        if (!concept && f->med_state == -1)
            unresolved = 1;
        else if (!reads_code(src, concept))
            return 0;
        f->read = 1;
    }
    sw_diagnostics *diags = r->diags;
    if (unresolved)
        r->diags = NULL;
    int ok = usable(r, src, fact, f, c);
    r->diags = diags;
    c->unresolved = unresolved;
    return ok;
}

/* Whether a resource this mapping reads is usable: not withdrawn, dated within
 * the window, with the component or item mapped. */
static int usable(fhir_run *r, const sw_fhir_source *src, const sw_fact_def *fact,
                  const found *f, cand *c)
{
    int qr = src->resource == SW_FHIR_QUESTIONNAIRE_RESPONSE;
    int presence = src->resource >= SW_FHIR_CONDITION;
    const sw_jnode *res = f->node;
    if (presence) {
        const char *what;
        const sw_jnode *at;
        const char *why = presence_set_aside(res, src->resource, &what, &at);
        if (why) {
            say(r, SW_SEV_NOTE, "F103", at ? at : res, path_join(r, f->path, "%s", what), NULL,
                "%s/%s is not used for '%s': %s", f->type, f->id, fact->name, why);
            return 0;
        }
    } else if (qr) {
        const char *q = str_of(res, "questionnaire");
        if (!q || !equal_upto_version(q, src->code))
            return 0;
    } else if (!concept_has(sw_jget(res, "code"), src->code))
        return 0;
    const char *status = str_of(res, "status");
    if (!presence && (qr ? in_list(status, qr_withdrawn, 3) : in_list(status, obs_withdrawn, 3))) {
        say(r, SW_SEV_NOTE, "F103", sw_jget(res, "status"), path_join(r, f->path, "status"), NULL,
            "%s/%s is not used for '%s': its status is %s", f->type, f->id, fact->name, status);
        return 0;
    }
    const char *dname;
    const sw_jnode *dn = date_of(res, src->resource, &dname);
    const char *dtext = sw_jstr(dn);
    int32_t day = 0;
    int64_t when = 0;
    int ok = dtext ? sw_fhir_read_when(dtext, &day, &when) : 0;
    if (ok != 1) {
        say(r, SW_SEV_WARNING, "F105", dn ? dn : res, path_join(r, f->path, "%s", dname),
            "the latest value is chosen by date: a resource without a full date cannot be placed",
            "%s/%s is not used for '%s': %s", f->type, f->id, fact->name,
            !dtext ? (qr ? "it has no authored date" : presence ? "it has no date" : "it has no effective date")
            : ok < 0 ? "its date gives no day" : "its date is not a FHIR dateTime");
        return 0;
    }
    if (day > r->today) {
        char d1[11], d2[11];
        sw_date_format(day, d1);
        sw_date_format(r->today, d2);
        say(r, SW_SEV_NOTE, "F104", dn, path_join(r, f->path, "%s", dname), NULL,
            "%s/%s is not used for '%s': it is dated %s, after the assessment date %s", f->type,
            f->id, fact->name, d1, d2);
        return 0;
    }
    if (src->within_days && r->today - day > src->within_days) {
        char d1[11];
        sw_date_format(day, d1);
        say(r, SW_SEV_NOTE, "F104", dn, path_join(r, f->path, "%s", dname), NULL,
            "%s/%s is not used for '%s': it is dated %s, older than the look-back of %d days",
            f->type, f->id, fact->name, d1, (int)src->within_days);
        return 0;
    }
    c->src = src;
    c->res = f;
    c->when = when;
    c->holder = res;
    c->hpath = f->path;
    if (src->component) {
        const sw_jnode *comps = sw_jget(res, "component");
        size_t i = 0;
        c->holder = NULL;
        for (const sw_jnode *k = comps && comps->type == SW_JARRAY ? comps->first : NULL; k;
             k = k->next, i++)
            if (concept_has(sw_jget(k, "code"), src->component)) {
                c->holder = k;
                c->hpath = path_join(r, f->path, "component[%zu]", i);
                break;
            }
        if (!c->holder) {
            say(r, SW_SEV_NOTE, "F112", res, f->path, NULL,
                "%s/%s is not used for '%s': it has no component %s", f->type, f->id, fact->name,
                src->component);
            return 0;
        }
    }
    if (src->item) {
        const char *ipath = NULL;
        const sw_jnode *item = find_item(r, res, src->item, f->path, &ipath, 0);
        if (!item) {
            say(r, SW_SEV_NOTE, "F112", res, f->path, NULL,
                "%s/%s is not used for '%s': it has no item '%s'", f->type, f->id, fact->name,
                src->item);
            return 0;
        }
        c->holder = item;
        c->hpath = ipath;
    }
    return 1;
}

/* ---- reading the value ---- */

typedef struct reading {
    fhir_run *r;
    const sw_fhir_source *src;
    const sw_fact_def *fact;
    const cand *c;
    int quiet;                /* comparing a tie: no diagnostics */
    const char *vpath;        /* read: the JSON path of the value, */
    const sw_jnode *vnode;    /* and its node */
} reading;

static void bad(reading *g, const char *code, const sw_jnode *at, const char *field,
                const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void bad(reading *g, const char *code, const sw_jnode *at, const char *field,
                const char *hint, const char *fmt, ...)
{
    if (g->quiet)
        return;
    sw_buf msg = SW_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sw_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    say(g->r, SW_SEV_WARNING, code, at, field, hint, "%s/%s: %s; '%s' is left unknown",
        g->c->res->type, g->c->res->id, msg.data ? msg.data : "", g->fact->name);
    sw_buf_free(&msg);
}

/* The value[x] member of a holder (an answer's value too), or NULL. */
static const sw_jnode *value_member(const sw_jnode *holder)
{
    for (const sw_jnode *m = holder && holder->type == SW_JOBJECT ? holder->first : NULL; m; m = m->next)
        if (m->key_len > 5 && strncmp(m->key, "value", 5) == 0 && m->key[5] >= 'A' && m->key[5] <= 'Z')
            return m;
    return NULL;
}

static int is_key(const sw_jnode *m, const char *key) { return m && strcmp(m->key, key) == 0; }

static int read_number(reading *g, const sw_jnode *v, const char *vpath, sw_value *out)
{
    const sw_jnode *num = v;
    const char *npath = vpath;
    if (is_key(v, "valueQuantity")) {
        num = sw_jget(v, "value");
        npath = path_join(g->r, vpath, "value");
        const char *comparator = str_of(v, "comparator");
        if (comparator) {
            bad(g, "F108", sw_jget(v, "comparator"), path_join(g->r, vpath, "comparator"), NULL,
                "the value is bounded (%s), not measured", comparator);
            return 0;
        }
        const char *ucode = str_of(v, "code"), *utext = str_of(v, "unit");
        if (g->src->nunits && (ucode || utext)) {
            int ok = 0;
            for (uint32_t k = 0; k < g->src->nunits; k++)
                ok |= (ucode && strcmp(ucode, g->src->units[k]) == 0) ||
                      (utext && strcmp(utext, g->src->units[k]) == 0);
            if (!ok) {
                sw_buf h = SW_BUF_INIT;
                sw_buf_puts(&h, "the mapping accepts ");
                for (uint32_t k = 0; k < g->src->nunits; k++)
                    sw_buf_printf(&h, "%s'%s'", k == 0 ? "" : k + 1 == g->src->nunits ? " or " : ", ",
                                  g->src->units[k]);
                const char *which = ucode ? "code" : "unit";
                bad(g, "F108", sw_jget(v, which), path_join(g->r, vpath, "%s", which),
                    h.data, "the unit '%s' is not one the mapping accepts", ucode ? ucode : utext);
                sw_buf_free(&h);
                return 0;
            }
        }
    } else if (!is_key(v, "valueInteger") && !is_key(v, "valueDecimal")) {
        bad(g, "F107", v, vpath, "a number is read from valueQuantity, valueInteger or valueDecimal",
            "%s where a number is expected", v->key);
        return 0;
    }
    if (!num || num->type != SW_JNUMBER) {
        bad(g, "F107", num ? num : v, npath, NULL, "the quantity has no numeric value");
        return 0;
    }
    double x = strtod(num->text, NULL);
    const sw_type *t = &g->fact->type;
    if (!isfinite(x)) {
        bad(g, "F109", num, npath, NULL, "%s is not a finite number", num->text);
        return 0;
    }
    if (t->kind == SW_T_INT) {
        if (x != floor(x) || fabs(x) > 1e15) {
            bad(g, "F109", num, npath, NULL, "%s is not a whole number", num->text);
            return 0;
        }
        int64_t i = (int64_t)x;
        if (t->has_range && (i < t->imin || i > t->imax)) {
            char h[120];
            snprintf(h, sizeof h, "'%s' is %lld..%lld", g->fact->name, (long long)t->imin,
                     (long long)t->imax);
            bad(g, "F109", num, npath, h, "%s is outside the range of '%s'", num->text, g->fact->name);
            return 0;
        }
        out->u.i = i;
    } else {
        if (t->has_range && (x < t->nmin || x > t->nmax)) {
            bad(g, "F109", num, npath, NULL, "%s is outside the range of '%s'", num->text, g->fact->name);
            return 0;
        }
        out->u.n = x;
    }
    out->known = 1;
    g->vpath = npath;
    g->vnode = num;
    return 1;
}

static int read_code(reading *g, const sw_jnode *v, const char *vpath, sw_value *out)
{
    const sw_jnode *codings = NULL, *single = NULL;
    if (is_key(v, "valueCodeableConcept"))
        codings = sw_jget(v, "coding");
    else if (is_key(v, "valueCoding"))
        single = v;
    else {
        bad(g, "F107", v, vpath, "a code is read from valueCodeableConcept or valueCoding",
            "%s where a code is expected", v->key);
        return 0;
    }
    int found_one = 0;
    sw_buf seen = SW_BUF_INIT;
    const sw_jnode *first = single ? single : codings && codings->type == SW_JARRAY ? codings->first : NULL;
    for (const sw_jnode *c = first; c; c = single ? NULL : c->next) {
        const char *system = str_of(c, "system"), *code = str_of(c, "code");
        if (system && code)
            sw_buf_printf(&seen, "%s%s|%s", seen.len ? ", " : "", system, code);
        for (uint32_t k = 0; k < g->src->nmap; k++)
            if (coding_is(c, g->src->map_codes[k])) {
                const sw_value *mv = &g->src->map_values[k];
                if (found_one && mv->u.i != out->u.i) {
                    bad(g, "F110", v, vpath, NULL, "its codings stand for different values");
                    sw_buf_free(&seen);
                    return 0;
                }
                *out = *mv;
                found_one = 1;
            }
    }
    if (!found_one)
        bad(g, "F110", v, vpath, "add the code to the mapping's map if it means one of the fact's values",
            "%s is not a code the mapping knows", seen.len ? seen.data : "no coding");
    sw_buf_free(&seen);
    return found_one;
}

/* Reads the candidate's value: 1 known, 0 unknown (told unless quiet). */
static int read_value(reading *g, sw_value *out)
{
    memset(out, 0, sizeof *out);
    const cand *c = g->c;
    const sw_jnode *holder = c->holder;
    if (g->src->kind == SW_FHIR_PRESENT) {
        const char *what;
        const sw_jnode *at;
        int p = presence_of(holder, g->src->resource, &what, &at);
        if (p < 0) {
            bad(g, "F107", at ? at : holder, path_join(g->r, c->hpath, "%s", what), NULL,
                "its %s does not say whether it is present", what);
            return 0;
        }
        if (!g->src->presence[p].known) {
            if (!g->quiet)
                say(g->r, SW_SEV_NOTE, "F106", at, path_join(g->r, c->hpath, "%s", what), NULL,
                    "%s/%s records it as %s, which the mapping gives no value; '%s' is unknown",
                    c->res->type, c->res->id, p == SW_FP_PAST ? "over" : p == SW_FP_ABSENT ? "absent" : "present",
                    g->fact->name);
            return 0;
        }
        *out = g->src->presence[p];
        g->vpath = path_join(g->r, c->hpath, "%s", what);
        g->vnode = at ? at : holder;
        return 1;
    }
    const sw_jnode *absent = sw_jget(holder, "dataAbsentReason");
    if (g->src->resource == SW_FHIR_QUESTIONNAIRE_RESPONSE) {
        const sw_jnode *answers = sw_jget(holder, "answer");
        size_t n = 0;
        for (const sw_jnode *a = answers && answers->type == SW_JARRAY ? answers->first : NULL; a; a = a->next)
            n++;
        if (n != 1) {
            if (!g->quiet)
                say(g->r, n ? SW_SEV_WARNING : SW_SEV_NOTE, n ? "F107" : "F106", holder, c->hpath, NULL,
                    "%s/%s: item '%s' has %zu answers; '%s' is left unknown", c->res->type,
                    c->res->id, g->src->item, n, g->fact->name);
            return 0;
        }
        holder = answers->first;
        absent = NULL;
    }
    if (absent) {
        if (!g->quiet) {
            const sw_jnode *code = sw_jget(sw_jget(absent, "coding") ? sw_jget(absent, "coding")->first : NULL, "code");
            say(g->r, SW_SEV_NOTE, "F106", absent, path_join(g->r, c->hpath, "dataAbsentReason"), NULL,
                "%s/%s: the value is absent (%s); '%s' is unknown", c->res->type, c->res->id,
                sw_jstr(code) ? sw_jstr(code) : "dataAbsentReason", g->fact->name);
        }
        return 0;
    }
    const char *hpath = g->src->resource == SW_FHIR_QUESTIONNAIRE_RESPONSE
                            ? path_join(g->r, c->hpath, "answer[0]") : c->hpath;
    const sw_jnode *v = value_member(holder);
    if (!v) {
        bad(g, "F107", holder, hpath, NULL, "there is no value");
        return 0;
    }
    const char *vpath = path_join(g->r, hpath, "%s", v->key);
    g->vpath = vpath;
    g->vnode = v;
    switch ((sw_fhir_kind)g->src->kind) {
    case SW_FHIR_PRESENT:
        return 0;   /* read above */
    case SW_FHIR_NUMBER:
        return read_number(g, v, vpath, out);
    case SW_FHIR_CODE:
        return read_code(g, v, vpath, out);
    case SW_FHIR_BOOL:
        if (!is_key(v, "valueBoolean") || v->type != SW_JBOOL) {
            bad(g, "F107", v, vpath, NULL, "%s where valueBoolean is expected", v->key);
            return 0;
        }
        out->known = 1;
        out->u.i = v->boolean != 0;
        return 1;
    case SW_FHIR_TEXT: {
        const char *s = sw_jstr(v);
        if (!is_key(v, "valueString") || !s) {
            bad(g, "F107", v, vpath, NULL, "%s where valueString is expected", v->key);
            return 0;
        }
        out->u.s = g->quiet ? s : sw_arena_strdup(&g->r->facts->arena, s);
        if (!out->u.s) {
            g->r->nomem = 1;
            return 0;
        }
        out->known = 1;
        return 1;
    }
    case SW_FHIR_DATE: {
        const char *s = sw_jstr(v);
        int32_t day;
        int64_t when;
        if ((!is_key(v, "valueDateTime") && !is_key(v, "valueDate")) || !s) {
            bad(g, "F107", v, vpath, NULL, "%s where valueDateTime or valueDate is expected", v->key);
            return 0;
        }
        if (sw_fhir_read_when(s, &day, &when) != 1) {
            bad(g, "F109", v, vpath, "a date fact needs a full date", "'%s' gives no day", s);
            return 0;
        }
        out->known = 1;
        out->u.i = day;
        return 1;
    }
    }
    return 0;
}

/* Records where a fact's value was read (facts->origin), for sw_facts_merge. */
static void note_origin(fhir_run *r, uint32_t slot, const found *res, const char *path,
                        const sw_jnode *at)
{
    sw_facts *f = r->facts;
    if (!f->origin)
        f->origin = sw_arena_array(&f->arena, r->p->nbase ? r->p->nbase : 1, sizeof *f->origin);
    if (!f->origin) {
        r->nomem = 1;
        return;
    }
    sw_fact_origin *o = &f->origin[slot];
    size_t off = at && at->start <= r->len ? at->start : 0, start = 0, end;
    unsigned line = 1;
    for (size_t i = 0; i < off; i++)
        if (r->text[i] == '\n') {
            line++;
            start = i + 1;
        }
    for (end = start; end < r->len && r->text[end] != '\n' && r->text[end] != '\r'; end++)
        ;
    sw_buf name = SW_BUF_INIT;
    sw_buf_printf(&name, "%s/%s", res->type, res->id);
    o->resource = name.failed ? NULL : sw_arena_strdup(&f->arena, name.data ? name.data : "");
    sw_buf_free(&name);
    o->path = sw_arena_strdup(&f->arena, path ? path : res->path);
    o->file = sw_arena_strdup(&f->arena, r->name);
    o->line = line;
    o->column = (unsigned)sw_utf8_count(r->text + start, off - start) + 1;
    o->source_line = end - start <= 4096 ? sw_arena_strndup(&f->arena, r->text + start, end - start)
                                         : NULL;
    if (!o->resource || !o->path || !o->file)
        r->nomem = 1;
}

static int same_value(const sw_fact_def *f, const sw_value *a, const sw_value *b)
{
    if (a->known != b->known)
        return 0;
    if (!a->known)
        return 1;
    if (f->type.kind == SW_T_NUMBER)
        return a->u.n == b->u.n;
    if (f->type.kind == SW_T_TEXT)
        return strcmp(a->u.s, b->u.s) == 0;
    return a->u.i == b->u.i;
}

/* One fact, from its mappings src[0..n): the latest usable resource gives its value. */
static void map_fact(fhir_run *r, const sw_fhir_source *src, uint32_t nsrc)
{
    const sw_fact_def *fact = &r->p->facts[src->slot];
    cand *cands = NULL;
    size_t n = 0, cap = 0, best = 0;
    for (uint32_t k = 0; k < nsrc; k++)
        for (size_t i = 0; i < r->nres && !r->nomem; i++) {
            cand c;
            if (!candidate(r, &src[k], fact, &r->res[i], &c))
                continue;
            if (!sw_grow_m(r->p->arena.mem, &cands, &cap, n, sizeof *cands, 8)) {
                r->nomem = 1;
                break;
            }
            cands[n++] = c;
            if (cands[n - 1].when > cands[best].when)
                best = n - 1;
        }
    /* the latest may be a medication whose drug cannot be read: it may be this
     * one, so no older resource stands in */
    for (size_t i = 0; i < n && !r->nomem; i++)
        if (cands[i].unresolved && cands[i].when == cands[best].when) {
            const found *u = cands[i].res;
            say(r, SW_SEV_NOTE, "F113", u->node, path_join(r, u->path, "medicationReference"), NULL,
                "%s/%s, whose drug cannot be read, is the latest %s; '%s' is left unknown",
                u->type, u->id, u->type, fact->name);
            sw_mem_free(r->p->arena.mem, cands, 0);
            return;
        }
    reading g = {r, n ? cands[best].src : src, fact, n ? &cands[best] : NULL, 0, NULL, NULL};
    sw_value v;
    if (r->nomem || n == 0 || !read_value(&g, &v)) {
        sw_mem_free(r->p->arena.mem, cands, 0);
        return;
    }
    /* another resource at the very same moment must agree */
    for (size_t i = 0; i < n; i++) {
        if (i == best || cands[i].when != cands[best].when)
            continue;
        reading tie = {r, cands[i].src, fact, &cands[i], 1, NULL, NULL};
        sw_value w;
        if (!read_value(&tie, &w) || !same_value(fact, &v, &w)) {
            const found *a = cands[best].res, *b = cands[i].res;
            say(r, SW_SEV_WARNING, "F111", b->node, b->path, "correct or withdraw one of them in the record",
                "%s/%s and %s/%s, both the latest for '%s', do not agree; '%s' is left unknown",
                a->type, a->id, b->type, b->id, fact->name, fact->name);
            sw_mem_free(r->p->arena.mem, cands, 0);
            return;
        }
    }
    r->facts->values[src->slot] = v;
    note_origin(r, src->slot, cands[best].res, g.vpath, g.vnode);
    sw_mem_free(r->p->arena.mem, cands, 0);
}

/* ---- prefetch templates ---- */

size_t sw_fhir_prefetch_count(const sw_ruleset *rules)
{
    if (!rules)
        return 0;
    const sw_program *p = &rules->prog;
    int has[SW_FHIR__RESOURCES] = {0};
    for (uint32_t i = 0; i < p->nfhir; i++)
        if (p->fhir[i].resource < SW_FHIR__RESOURCES)
            has[p->fhir[i].resource] = 1;
    size_t n = 0;
    for (int k = 0; k < SW_FHIR__RESOURCES; k++)
        n += (size_t)has[k];
    return n;
}

sw_status sw_fhir_prefetch(const sw_ruleset *rules, size_t index, const char **key, char **query)
{
    if (!rules || !key || !query)
        return SW_ERR_ARG;
    *key = NULL;
    *query = NULL;
    const sw_program *p = &rules->prog;
    static const char *const keys[SW_FHIR__RESOURCES] = {
        "observations", "questionnaireResponses", "conditions", "medicationStatements",
        "medicationRequests"};
    static const char *const heads[SW_FHIR__RESOURCES] = {
        "Observation?patient={{context.patientId}}&code=",
        "QuestionnaireResponse?patient={{context.patientId}}&questionnaire=",
        "Condition?patient={{context.patientId}}&code=",
        "MedicationStatement?patient={{context.patientId}}&code=",
        "MedicationRequest?patient={{context.patientId}}&code="};
    size_t seen = 0;
    for (int res = 0; res < SW_FHIR__RESOURCES; res++) {
        int any = 0;
        for (uint32_t i = 0; i < p->nfhir; i++)
            any |= p->fhir[i].resource == res;
        if (!any || seen++ != index)
            continue;
        sw_buf b = SW_BUF_WITH(p->arena.mem);
        sw_buf_puts(&b, heads[res]);
        int first = 1;
        for (uint32_t i = 0; i < p->nfhir; i++) {
            if (p->fhir[i].resource != res)
                continue;
            int dup = 0;   /* a code several facts read (components) is asked for once */
            for (uint32_t k = 0; k < i; k++)
                dup |= p->fhir[k].resource == res && strcmp(p->fhir[k].code, p->fhir[i].code) == 0;
            if (dup)
                continue;
            sw_buf_printf(&b, "%s%s", first ? "" : ",", p->fhir[i].code);
            for (uint32_t k = 0; k < p->fhir[i].nalso; k++)
                sw_buf_printf(&b, ",%s", p->fhir[i].also[k]);
            first = 0;
        }
        if (res == SW_FHIR_MEDICATION_STATEMENT || res == SW_FHIR_MEDICATION_REQUEST)
            sw_buf_printf(&b, "&_include=%s:medication", resource_names[res]);   /* medicationReference */
        *query = sw_buf_give(&b, NULL);
        if (!*query)
            return SW_ERR_NOMEM;
        *key = keys[res];
        return SW_OK;
    }
    return SW_ERR_ARG;
}

/* ---- the public entry point ---- */

sw_status sw_facts_from_fhir(const sw_ruleset *rules, const char *name, const char *data,
                             size_t len, const char *assessed_on, sw_facts **out,
                             sw_diagnostics *diags)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules || (!data && len) || !assessed_on)
        return SW_ERR_ARG;
    fhir_run r;
    memset(&r, 0, sizeof r);
    r.p = &rules->prog;
    r.name = name ? name : "<fhir>";
    r.text = data ? data : "";
    r.len = len;
    r.diags = diags;
    sw_status st = sw_facts_new(rules, &r.facts);
    if (st != SW_OK)
        return st;
    st = sw_facts_set_assessed_on(r.facts, assessed_on, diags);
    if (st != SW_OK) {
        sw_facts_free(r.facts);
        return st == SW_ERR_FACTS ? SW_ERR_ARG : st;
    }
    r.today = r.facts->assessed_on;
    sw_jdoc doc;
    if (sw_jdoc_parse(&doc, r.text, r.len) != 0) {
        if (!doc.nomem) {
            sw_where w = {r.name, NULL, 0, 0, 0};
            sw_diag_add(diags, SW_SEV_ERROR, "F101", w, NULL, "the input is one JSON document",
                        "not valid JSON: %s", doc.error);
            sw_diag_mark_malformed(diags);
        }
        sw_jdoc_free(&doc);
        sw_facts_free(r.facts);
        return doc.nomem ? SW_ERR_NOMEM : SW_ERR_FACTS;
    }
    const sw_jnode *root = doc.root;
    if (root->type == SW_JOBJECT && str_of(root, "resourceType"))
        gather(&r, root, "", NULL, 0);
    else if (root->type == SW_JOBJECT && sw_jget(root, "prefetch") &&
             sw_jget(root, "prefetch")->type == SW_JOBJECT) {
        for (const sw_jnode *m = sw_jget(root, "prefetch")->first; m; m = m->next)
            if (m->type != SW_JNULL)
                gather(&r, m, path_join(&r, "prefetch", "%s", m->key), NULL, 0);
    } else {
        say(&r, SW_SEV_ERROR, "F101", root, NULL,
            "give a Bundle, a single resource, or a CDS Hooks request with prefetch",
            "this is not FHIR: %s without resourceType or prefetch", sw_jtype_name(root->type));
        sw_jdoc_free(&doc);
        sw_arena_free(&r.arena);
        sw_facts_free(r.facts);
        return SW_ERR_FACTS;
    }
    for (uint32_t i = 0, j; i < r.p->nfhir && !r.nomem; i = j) {
        for (j = i + 1; j < r.p->nfhir && r.p->fhir[j].slot == r.p->fhir[i].slot; j++)
            ;
        map_fact(&r, &r.p->fhir[i], j - i);
    }
    if (r.arena.failed || r.facts->arena.failed || (diags && sw_diag_nomem(diags)))
        r.nomem = 1;
    sw_mem_free(rules->prog.arena.mem, r.res, 0);
    sw_arena_free(&r.arena);
    sw_jdoc_free(&doc);
    if (r.nomem) {
        sw_facts_free(r.facts);
        return SW_ERR_NOMEM;
    }
    *out = r.facts;
    return SW_OK;
}
