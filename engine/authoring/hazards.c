/*
 * hazards.c - the clinical hazard log: reading, checking, judging, rendering
 * (hazards.h, docs/clinical-safety.md).
 *
 * Each YAML document is one hazard, loaded whole with libyaml's document API and
 * walked as a mapping. Every key is known (a misspelt key is an error with a
 * suggestion), every required key is present, severities, likelihoods and the
 * status are words of the DCB0129 scales, every control names a rule of the rule
 * set and every piece of evidence a scenario of the scenario set. A document with
 * an error is left out and reading goes on with the next one.
 *
 * Judging runs the rule set over each evidence scenario's facts (sw_eval_run for
 * every rule's truth, sw_test_run_scenario for whether the scenario passes): a
 * control is evidenced by a passing scenario in which it fires and one in which
 * it does not, so the evidence shows the control deciding both ways.
 *
 * Stage authoring/ - the clinical leads' tools. May use: every stage up to audit/.
 */
#include "authoring/hazards.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "authoring/yaml_text.h"
#include "lang/diag.h"
#include "eval/eval.h"
#include "lang/value.h"
#include "util/grow.h"
#include "util/json.h"

/* The DCB0129 scales, 1..5 (index + 1). */
static const char *const severity_words[] = {"minor", "significant", "considerable", "major",
                                             "catastrophic"};
static const char *const likelihood_words[] = {"very_low", "low", "medium", "high", "very_high"};
static const char *const status_words[] = {"open", "mitigated", "closed"};

/* The matrix of DCB0129 Implementation Guidance (risk rating by likelihood, then
 * severity): likelihood very low .. very high, severity minor .. catastrophic. */
static const uint8_t matrix[5][5] = {
    {1, 1, 2, 2, 3},   /* very low */
    {1, 2, 2, 3, 4},   /* low */
    {2, 2, 3, 3, 4},   /* medium */
    {2, 3, 3, 4, 5},   /* high */
    {3, 4, 4, 5, 5},   /* very high */
};

static const char *const rating_words[] = {
    "", "acceptable", "acceptable where further reduction costs more than it gains",
    "undesirable: acceptable only when further reduction is impractical",
    "unacceptable without further controls", "unacceptable"};

int sw_hazard_rating(int severity, int likelihood)
{
    if (severity < 1 || severity > 5 || likelihood < 1 || likelihood > 5)
        return 0;
    return matrix[likelihood - 1][severity - 1];
}

enum { K_HAZARD, K_TITLE, K_CAUSE, K_EFFECT, K_HARM, K_SEVERITY, K_LIKELIHOOD, K_CONTROLS,
       K_EVIDENCE, K_RESIDUAL_SEVERITY, K_RESIDUAL_LIKELIHOOD, K_STATUS, K__COUNT };

static const char *const keys[K__COUNT] = {
    "hazard", "title", "cause", "effect", "harm", "severity", "likelihood", "controls",
    "evidence", "residual_severity", "residual_likelihood", "status"};

typedef struct reader {
    sw_hazard_log *log;
    const sw_program *p;
    sw_diagnostics *diags;
    const char *file;
    sw_yaml_text text;
    yaml_document_t *doc;
    unsigned errors, file_errors;
    int nomem;
} reader;

/* ==== Positions and diagnostics ============================================= */

static void say_mark(reader *r, yaml_mark_t m, sw_severity sev, const char *code, const char *hint,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void say_mark(reader *r, yaml_mark_t m, sw_severity sev, const char *code, const char *hint,
                     const char *fmt, ...)
{
    if (sev == SW_SEV_ERROR)
        r->errors++;
    va_list ap;
    va_start(ap, fmt);
    if (!sw_yaml_text_vsay(&r->text, r->diags, m, sev, code, NULL, hint, fmt, ap))
        r->nomem = 1;
    va_end(ap);
}

#define SAY(r, n, code, hint, ...) say_mark((r), (n)->start_mark, SW_SEV_ERROR, (code), (hint), __VA_ARGS__)

static const yaml_node_t *node(const reader *r, int index)
{
    return yaml_document_get_node(r->doc, index);
}

#define PAIRS(n) ((n)->data.mapping.pairs.start)
#define NPAIRS(n) ((size_t)((n)->data.mapping.pairs.top - (n)->data.mapping.pairs.start))
#define ITEMS(n) ((n)->data.sequence.items.start)
#define NITEMS(n) ((size_t)((n)->data.sequence.items.top - (n)->data.sequence.items.start))

static const char *text_of(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

/* A scalar with some text and no NUL inside. */
static int is_text(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.length > 0 &&
           strlen(text_of(n)) == n->data.scalar.length &&
           !(n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
             (strcmp(text_of(n), "~") == 0 || strcmp(text_of(n), "null") == 0));
}

static const char *keep(reader *r, const char *s)
{
    const char *copy = sw_arena_strdup(&r->log->arena, s);
    if (!copy)
        r->nomem = 1;
    return copy ? copy : "";
}

static void suggest(sw_buf *hint, const char *word, const char *const *names, size_t n)
{
    const char *near = sw_suggest(word, names, n);
    if (near)
        sw_buf_printf(hint, "did you mean '%s'?", near);
}

/* ==== Values ================================================================ */

static const char *read_text(reader *r, const yaml_node_t *v, const char *key)
{
    if (!is_text(v)) {
        SAY(r, v, "H004", "write the text on the same line, after the colon", "'%s' must be a text", key);
        return NULL;
    }
    return keep(r, text_of(v));
}

/* A word of a scale: its number 1..n, or 0 after an error. */
static uint8_t read_word(reader *r, const yaml_node_t *v, const char *key, const char *const *words,
                         size_t n)
{
    if (is_text(v))
        for (size_t i = 0; i < n; i++)
            if (strcmp(text_of(v), words[i]) == 0)
                return (uint8_t)(i + 1);
    sw_buf hint = SW_BUF_INIT;
    sw_buf_puts(&hint, "one of");
    for (size_t i = 0; i < n; i++)
        sw_buf_printf(&hint, "%s %s", i ? "," : "", words[i]);
    SAY(r, v, "H005", hint.failed ? NULL : hint.data, "'%s' is not a %s", is_text(v) ? text_of(v) : "",
        strcmp(key, "status") == 0 ? "hazard status" : strstr(key, "likelihood") ? "DCB0129 likelihood"
                                                                                   : "DCB0129 severity");
    sw_buf_free(&hint);
    return 0;
}

static uint32_t find_rule(const sw_program *p, const char *id)
{
    for (uint32_t i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].id, id) == 0)
            return i;
    return SW_NONE;
}

static uint32_t find_scenario(const sw_scenario_set *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->items[i].name, name) == 0)
            return (uint32_t)i;
    return SW_NONE;
}

static void unknown_name(reader *r, const yaml_node_t *v, int rule)
{
    const sw_scenario_set *s = r->log->scenarios;
    size_t n = rule ? r->p->nrules : s->count;
    const char **names = malloc((n ? n : 1) * sizeof *names);
    sw_buf hint = SW_BUF_INIT;
    if (!names)
        r->nomem = 1;
    for (size_t i = 0; names && i < n; i++)
        names[i] = rule ? r->p->rules[i].id : s->items[i].name;
    if (names)
        suggest(&hint, text_of(v), names, n);
    if (rule)
        SAY(r, v, "H006", hint.len && !hint.failed ? hint.data : NULL,
            "unknown rule '%s': a control must be a rule of the rule set", text_of(v));
    else
        SAY(r, v, "H007", hint.len && !hint.failed ? hint.data : "evidence names scenarios of the scenario files read",
            "unknown scenario '%s': evidence must be a scenario of the scenario files", text_of(v));
    sw_buf_free(&hint);
    free(names);
}

/* A list of rule names (rule) or scenario names into *refs. */
static void read_refs(reader *r, const yaml_node_t *v, const char *key, int rule, sw_hazard_ref **refs,
                      uint32_t *nrefs)
{
    if (v->type != YAML_SEQUENCE_NODE) {
        SAY(r, v, "H004", "write a list: [name, name]", "'%s' must be a list of %s names", key,
            rule ? "rule" : "scenario");
        return;
    }
    size_t n = NITEMS(v);
    *refs = sw_arena_array(&r->log->arena, n ? n : 1, sizeof **refs);
    if (!*refs) {
        r->nomem = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *it = node(r, ITEMS(v)[i]);
        if (!it || !is_text(it)) {
            SAY(r, it ? it : v, "H004", NULL, "each item of '%s' must be a name", key);
            continue;
        }
        uint32_t index = rule ? find_rule(r->p, text_of(it)) : find_scenario(r->log->scenarios, text_of(it));
        if (index == SW_NONE) {
            unknown_name(r, it, rule);
            continue;
        }
        int twice = 0;
        for (uint32_t k = 0; k < *nrefs; k++)
            twice |= strcmp((*refs)[k].name, text_of(it)) == 0;
        if (twice) {
            SAY(r, it, "H009", "keep one of them", "'%s' is listed twice under '%s'", text_of(it), key);
            continue;
        }
        sw_hazard_ref *ref = &(*refs)[(*nrefs)++];
        ref->name = keep(r, text_of(it));
        ref->index = index;
        ref->line = (unsigned)it->start_mark.line + 1;
        ref->column = (unsigned)it->start_mark.column + 1;
    }
}

/* ==== Documents ============================================================= */

static void read_pair(reader *r, sw_hazard *h, int k, const yaml_node_t *v)
{
    switch (k) {
    case K_HAZARD: h->id = read_text(r, v, keys[k]); break;
    case K_TITLE: h->title = read_text(r, v, keys[k]); break;
    case K_CAUSE: h->cause = read_text(r, v, keys[k]); break;
    case K_EFFECT: h->effect = read_text(r, v, keys[k]); break;
    case K_HARM: h->harm = read_text(r, v, keys[k]); break;
    case K_SEVERITY: h->severity = read_word(r, v, keys[k], severity_words, 5); break;
    case K_LIKELIHOOD: h->likelihood = read_word(r, v, keys[k], likelihood_words, 5); break;
    case K_RESIDUAL_SEVERITY: h->residual_severity = read_word(r, v, keys[k], severity_words, 5); break;
    case K_RESIDUAL_LIKELIHOOD:
        h->residual_likelihood = read_word(r, v, keys[k], likelihood_words, 5);
        break;
    case K_STATUS: h->status = (uint8_t)(read_word(r, v, keys[k], status_words, 3) - 1); break;
    case K_CONTROLS: read_refs(r, v, keys[k], 1, &h->controls, &h->ncontrols); break;
    case K_EVIDENCE: read_refs(r, v, keys[k], 0, &h->evidence, &h->nevidence); break;
    default: break;
    }
}

static void keep_hazard(reader *r, const sw_hazard *h)
{
    sw_hazard_log *log = r->log;
    if (!sw_grow(&log->items, &log->cap, log->count, sizeof *log->items, 16)) {
        r->nomem = 1;
        return;
    }
    log->items[log->count++] = *h;
}

static void read_document(reader *r, const yaml_node_t *root)
{
    r->errors = 0;
    if (root->type != YAML_MAPPING_NODE) {
        SAY(r, root, "H004", "start each hazard with 'hazard: ID'", "a hazard must be a mapping of keys");
        r->log->rejected++;
        return;
    }
    sw_hazard h;
    memset(&h, 0, sizeof h);
    h.file = r->file;
    h.line = (unsigned)root->start_mark.line + 1;
    const yaml_node_t *seen[K__COUNT] = {0};
    for (size_t i = 0; i < NPAIRS(root) && !r->nomem; i++) {
        const yaml_node_t *key = node(r, PAIRS(root)[i].key), *v = node(r, PAIRS(root)[i].value);
        if (!key || !v)
            continue;
        int k = -1;
        for (int j = 0; is_text(key) && j < K__COUNT; j++)
            if (strcmp(text_of(key), keys[j]) == 0)
                k = j;
        if (k < 0) {
            sw_buf hint = SW_BUF_INIT;
            if (is_text(key))
                suggest(&hint, text_of(key), keys, K__COUNT);
            SAY(r, key, "H002", hint.len && !hint.failed ? hint.data : "the keys are listed in docs/clinical-safety.md",
                "unknown key '%s' in a hazard", is_text(key) ? text_of(key) : "");
            sw_buf_free(&hint);
            continue;
        }
        if (seen[k]) {
            SAY(r, key, "H009", "keep one of them", "'%s' is given twice; the first is at line %u", keys[k],
                (unsigned)seen[k]->start_mark.line + 1);
            continue;
        }
        seen[k] = key;
        read_pair(r, &h, k, v);
    }
    for (int k = 0; k < K__COUNT && !r->nomem; k++)
        if (!seen[k])
            SAY(r, root, "H003", "every hazard has every key of docs/clinical-safety.md",
                "the hazard%s%s has no '%s'", h.id ? " " : "", h.id ? h.id : "", keys[k]);
    if (!r->errors && seen[K_RESIDUAL_SEVERITY] && seen[K_RESIDUAL_LIKELIHOOD]) {
        int initial = sw_hazard_rating(h.severity, h.likelihood);
        int residual = sw_hazard_rating(h.residual_severity, h.residual_likelihood);
        if (residual > initial)
            SAY(r, node(r, PAIRS(root)[0].value), "H011", "controls do not raise a risk: check both ratings",
                "hazard '%s' has a residual risk (%d) above its initial risk (%d)", h.id ? h.id : "", residual,
                initial);
        else if (residual >= 4 && h.status != SW_HAZ_OPEN)
            SAY(r, seen[K_STATUS], "H012", "an unacceptable residual risk keeps the hazard open: add controls",
                "hazard '%s' is %s with a residual risk of %d, which is unacceptable", h.id ? h.id : "",
                status_words[h.status], residual);
    }
    for (size_t i = 0; h.id && i < r->log->count; i++)
        if (strcmp(r->log->items[i].id, h.id) == 0) {
            say_mark(r, node(r, PAIRS(root)[0].value)->start_mark, SW_SEV_ERROR, "H008", "give each hazard its own id",
                     "hazard '%s' is declared twice; the first is at %s:%u", h.id, r->log->items[i].file,
                     r->log->items[i].line);
            break;
        }
    if (r->errors || r->nomem) {
        r->log->rejected++;
        return;
    }
    keep_hazard(r, &h);
}

static int read_one(void *ctx, yaml_document_t *doc, const yaml_node_t *root)
{
    reader *r = ctx;
    r->errors = 0;
    r->doc = doc;
    read_document(r, root);
    r->file_errors += r->errors;
    return !r->nomem;
}

sw_status sw_hazard_read(sw_hazard_log *log, const char *file, const char *data, size_t len,
                         sw_diagnostics *diags)
{
    if (!log || !file || (!data && len) || !log->rules || !log->scenarios)
        return SW_ERR_ARG;
    reader r;
    memset(&r, 0, sizeof r);
    r.log = log;
    r.p = &log->rules->prog;
    r.diags = diags;
    r.file = keep(&r, file);
    if (!r.nomem && sw_yaml_text_init(&r.text, r.file, data, len)) {
        switch (sw_yaml_text_each_document(&r.text, diags, "H001", "hazard log", read_one, &r)) {
        case SW_YAML_SYNTAX:
            r.file_errors++;
            log->rejected++;
            break;
        case SW_YAML_NOMEM:
            r.nomem = 1;
            break;
        case SW_YAML_END:
        case SW_YAML_STOPPED:
            break;
        }
    } else
        r.nomem = 1;
    if (!r.nomem && log->count == 0 && r.file_errors == 0) {
        yaml_mark_t start = {0, 0, 0};
        say_mark(&r, start, SW_SEV_ERROR, "H010", "write one hazard per YAML document, each starting with ---",
                 "the hazard log holds no hazards");
        r.file_errors++;
    }
    sw_yaml_text_free(&r.text);
    if (r.nomem)
        return SW_ERR_NOMEM;
    return r.file_errors ? SW_ERR_FACTS : SW_OK;
}

void sw_hazard_log_init(sw_hazard_log *log, const sw_ruleset *rules, const sw_scenario_set *scenarios)
{
    memset(log, 0, sizeof *log);
    log->rules = rules;
    log->scenarios = scenarios;
}

void sw_hazard_log_free(sw_hazard_log *log)
{
    free(log->items);
    sw_arena_free(&log->arena);
    memset(log, 0, sizeof *log);
}

/* ==== Judging =============================================================== */

sw_status sw_hazard_judge(sw_hazard_log *log)
{
    const sw_program *p = &log->rules->prog;
    const sw_scenario_set *set = log->scenarios;
    /* per scenario: 0 not run yet, 1 passes, 2 fails */
    uint8_t *state = calloc(set->count + 1, 1);
    uint8_t **truth = calloc(set->count + 1, sizeof *truth);
    sw_test_run run;
    sw_status st = state && truth ? sw_test_run_init(&run, log->rules) : SW_ERR_NOMEM;
    int run_ready = st == SW_OK;
    for (size_t h = 0; h < log->count && st == SW_OK; h++) {
        sw_hazard *hz = &log->items[h];
        hz->judged = sw_arena_array(&log->arena, hz->ncontrols + 1, sizeof *hz->judged);
        if (!hz->judged) {
            st = SW_ERR_NOMEM;
            break;
        }
        hz->failing_evidence = 0;
        for (uint32_t e = 0; e < hz->nevidence && st == SW_OK; e++) {
            uint32_t s = hz->evidence[e].index;
            if (!state[s]) {
                size_t before = run.count;
                st = sw_test_run_scenario(&run, &set->items[s]);
                if (st != SW_OK)
                    break;
                state[s] = run.count > before && run.results[before].passed ? 1 : 2;
                sw_eval ev;
                st = sw_eval_run(&ev, p, set->items[s].facts);
                if (st != SW_OK)
                    break;
                truth[s] = malloc(p->nrules + 1);
                if (truth[s])
                    memcpy(truth[s], ev.truth, p->nrules);
                sw_eval_free(&ev);
                if (!truth[s]) {
                    st = SW_ERR_NOMEM;
                    break;
                }
            }
            if (state[s] != 1) {
                hz->failing_evidence++;
                continue;
            }
            for (uint32_t c = 0; c < hz->ncontrols; c++) {
                if (truth[s][hz->controls[c].index] == SW_TRUE)
                    hz->judged[c].fires++;
                else
                    hz->judged[c].silent++;
            }
        }
    }
    if (run_ready)
        sw_test_run_free(&run);
    for (size_t s = 0; truth && s < set->count; s++)
        free(truth[s]);
    free(truth);
    free(state);
    return st;
}

int sw_hazard_evidenced(const sw_hazard *h)
{
    if (h->ncontrols == 0 || h->nevidence == 0 || h->failing_evidence || !h->judged)
        return 0;
    for (uint32_t c = 0; c < h->ncontrols; c++)
        if (!h->judged[c].fires || !h->judged[c].silent)
            return 0;
    return 1;
}

/* ==== Rendering ============================================================= */

static void put_scale(sw_buf *b, int severity, int likelihood)
{
    int rating = sw_hazard_rating(severity, likelihood);
    sw_buf_printf(b, "severity %s (%d), likelihood %s (%d): risk %d, %s\n", severity_words[severity - 1],
                  severity, likelihood_words[likelihood - 1], likelihood, rating, rating_words[rating]);
}

sw_status sw_hazard_render_text(const sw_hazard_log *log, sw_buf *out, size_t *unevidenced)
{
    size_t bad = 0;
    sw_buf_puts(out, "hazard      initial  residual  status     controls  evidence  title\n");
    for (size_t i = 0; i < log->count; i++) {
        const sw_hazard *h = &log->items[i];
        int ok = sw_hazard_evidenced(h);
        bad += !ok;
        sw_buf_printf(out, "%-10s  %-7d  %-8d  %-9s  %-8u  %-8u  %s%s\n", h->id,
                      sw_hazard_rating(h->severity, h->likelihood),
                      sw_hazard_rating(h->residual_severity, h->residual_likelihood), status_words[h->status],
                      h->ncontrols, h->nevidence, h->title, ok ? "" : "  NOT EVIDENCED");
    }
    for (size_t i = 0; i < log->count; i++) {
        const sw_hazard *h = &log->items[i];
        sw_buf_printf(out, "\n%s  %s\n", h->id, h->title);
        sw_buf_printf(out, "  cause:    %s\n  effect:   %s\n  harm:     %s\n", h->cause, h->effect, h->harm);
        sw_buf_puts(out, "  initial:  ");
        put_scale(out, h->severity, h->likelihood);
        if (h->ncontrols == 0)
            sw_buf_puts(out, "  controls: NONE: no rule controls this hazard\n");
        for (uint32_t c = 0; c < h->ncontrols; c++) {
            const sw_hazard_control *j = h->judged ? &h->judged[c] : NULL;
            sw_buf_printf(out, "  %s %s: fires in %u, does not fire in %u evidence scenarios%s\n",
                          c ? "         " : "controls:", h->controls[c].name, j ? j->fires : 0, j ? j->silent : 0,
                          !j || !j->fires ? "  NOT SHOWN FIRING" : !j->silent ? "  NOT SHOWN NOT FIRING" : "");
        }
        if (h->nevidence == 0)
            sw_buf_puts(out, "  evidence: NONE: no scenario is evidence for this hazard\n");
        else
            sw_buf_printf(out, "  evidence: %u scenario%s\n", h->nevidence, h->nevidence == 1 ? "" : "s");
        for (uint32_t e = 0; e < h->nevidence; e++)
            sw_buf_printf(out, "            %s\n", h->evidence[e].name);
        if (h->failing_evidence)
            sw_buf_printf(out, "            %u of them FAIL, so they are not evidence\n", h->failing_evidence);
        sw_buf_puts(out, "  residual: ");
        put_scale(out, h->residual_severity, h->residual_likelihood);
        sw_buf_printf(out, "  status:   %s\n", status_words[h->status]);
    }
    sw_buf_printf(out, "\n%zu hazard%s: %zu controlled and evidenced, %zu not\n", log->count,
                  log->count == 1 ? "" : "s", log->count - bad, bad);
    if (unevidenced)
        *unevidenced = bad;
    return out->failed ? SW_ERR_NOMEM : SW_OK;
}

static void put_json_scale(sw_json *w, const char *key, int severity, int likelihood)
{
    int rating = sw_hazard_rating(severity, likelihood);
    sw_json_key(w, key);
    sw_json_begin_object(w);
    sw_json_key(w, "severity");
    sw_json_string(w, severity_words[severity - 1]);
    sw_json_key(w, "severity_score");
    sw_json_int(w, severity);
    sw_json_key(w, "likelihood");
    sw_json_string(w, likelihood_words[likelihood - 1]);
    sw_json_key(w, "likelihood_score");
    sw_json_int(w, likelihood);
    sw_json_key(w, "rating");
    sw_json_int(w, rating);
    sw_json_key(w, "acceptability");
    sw_json_string(w, rating_words[rating]);
    sw_json_end_object(w);
}

static void put_json_hazard(sw_json *w, const sw_hazard *h)
{
    sw_json_begin_object(w);
    sw_json_key(w, "id");
    sw_json_string(w, h->id);
    sw_json_key(w, "title");
    sw_json_string(w, h->title);
    sw_json_key(w, "cause");
    sw_json_string(w, h->cause);
    sw_json_key(w, "effect");
    sw_json_string(w, h->effect);
    sw_json_key(w, "harm");
    sw_json_string(w, h->harm);
    put_json_scale(w, "initial", h->severity, h->likelihood);
    sw_json_key(w, "controls");
    sw_json_begin_array(w);
    for (uint32_t c = 0; c < h->ncontrols; c++) {
        const sw_hazard_control *j = h->judged ? &h->judged[c] : NULL;
        sw_json_begin_object(w);
        sw_json_key(w, "rule");
        sw_json_string(w, h->controls[c].name);
        sw_json_key(w, "fires_in");
        sw_json_uint(w, j ? j->fires : 0);
        sw_json_key(w, "does_not_fire_in");
        sw_json_uint(w, j ? j->silent : 0);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
    sw_json_key(w, "evidence");
    sw_json_begin_array(w);
    for (uint32_t e = 0; e < h->nevidence; e++)
        sw_json_string(w, h->evidence[e].name);
    sw_json_end_array(w);
    sw_json_key(w, "failing_evidence");
    sw_json_uint(w, h->failing_evidence);
    put_json_scale(w, "residual", h->residual_severity, h->residual_likelihood);
    sw_json_key(w, "status");
    sw_json_string(w, status_words[h->status]);
    sw_json_key(w, "evidenced");
    sw_json_bool(w, sw_hazard_evidenced(h));
    sw_json_key(w, "at");
    sw_json_stringf(w, "%s:%u", h->file ? h->file : "", h->line);
    sw_json_end_object(w);
}

sw_status sw_hazard_render_json(const sw_hazard_log *log, sw_buf *out, size_t *unevidenced)
{
    size_t bad = 0;
    for (size_t i = 0; i < log->count; i++)
        bad += !sw_hazard_evidenced(&log->items[i]);
    sw_json w;
    sw_json_init(&w, out, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "format");
    sw_json_string(&w, "stagewise-hazards");
    sw_json_key(&w, "format_version");
    sw_json_string(&w, "1.0");
    sw_json_key(&w, "hazards");
    sw_json_begin_array(&w);
    for (size_t i = 0; i < log->count; i++)
        put_json_hazard(&w, &log->items[i]);
    sw_json_end_array(&w);
    sw_json_key(&w, "summary");
    sw_json_begin_object(&w);
    sw_json_key(&w, "hazards");
    sw_json_uint(&w, log->count);
    sw_json_key(&w, "evidenced");
    sw_json_uint(&w, log->count - bad);
    sw_json_key(&w, "not_evidenced");
    sw_json_uint(&w, bad);
    sw_json_end_object(&w);
    sw_json_end_object(&w);
    sw_status st = sw_json_finish(&w);
    if (st == SW_OK)
        sw_buf_putc(out, '\n');
    if (unevidenced)
        *unevidenced = bad;
    return out->failed ? SW_ERR_NOMEM : st;
}
