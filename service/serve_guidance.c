/*
 * serve_guidance.c - GET /v1/rules for the workbench's guidance pages
 * (docs/workbench.md): every rule with its text, citations and metadata, the
 * stages at which it can fire, and the scenarios of --scenarios that exercise it;
 * and GET /v1/hazards: the hazard log of --hazards, judged against the rules and
 * those scenarios on each request (as `stagewise coverage --hazards`).
 */
#define _POSIX_C_SOURCE 200809L
#include "serve_http.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/grow.h"

static void string_or_null(sw_json *w, const char *s)
{
    if (s != NULL)
        sw_json_string(w, s);
    else
        sw_json_null(w);
}

/* The rules that can fire at each stage: a rule whose condition is false when only
 * the stage is known stays false whatever else becomes known (three-valued logic is
 * monotone), so it cannot fire at that stage. can[s * nrules + r] is 1 when rule r
 * can fire at stage s. Returns the number of stages (0 without a stage fact or on a
 * failure, which only leaves the stages out). */
static size_t stage_applicability(const sw_ruleset *rules, const sw_jnode *stages,
                                  size_t nrules, unsigned char **out)
{
    size_t nstages = 0;
    *out = NULL;
    for (const sw_jnode *s = stages != NULL ? stages->first : NULL; s != NULL; s = s->next)
        nstages++;
    if (nstages == 0 || nrules == 0)
        return 0;
    unsigned char *can = calloc(nstages * nrules, 1);
    if (can == NULL)
        return 0;
    sw_explain_options all = {NULL, 0, 1};
    size_t k = 0;
    for (const sw_jnode *s = stages->first; s != NULL; s = s->next, k++) {
        sw_facts *facts = NULL;
        sw_explanation *x = NULL;
        const char *id = sw_jstr(sw_jget(s, "id"));
        if (id == NULL || sw_facts_new(rules, &facts) != SW_OK ||
            sw_facts_set_text(facts, "stage", id, NULL) != SW_OK ||
            sw_explain(rules, facts, &all, &x, NULL) != SW_OK) {
            sw_facts_free(facts);
            free(can);
            return 0;
        }
        const sw_explanation_report *rep = sw_explanation_get(x);
        for (size_t r = 0; r < rep->nrules && r < nrules; r++)
            can[k * nrules + r] = rep->rules[r].truth != SW_TRUTH_FALSE;
        sw_explanation_free(x);
        sw_facts_free(facts);
    }
    *out = can;
    return nstages;
}

/* The scenarios of --scenarios, each run once. */
typedef struct scenario_runs {
    sw_scenarios *set;
    size_t count;
    unsigned char *fired;        /* count * nrules: rule r fired in scenario i */
    size_t nrules;
    int loaded;
} scenario_runs;

static char *read_small_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    struct stat st;

    if (f == NULL)
        return NULL;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (16 << 20)) {
        text = malloc((size_t)st.st_size + 1);
        if (text != NULL) {
            *len = fread(text, 1, (size_t)st.st_size, f);
            text[*len] = '\0';
        }
    }
    fclose(f);
    return text;
}

static int yaml_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads every scenario file of dir in name order; files with errors add only
 * their good scenarios (the scenario tests report the errors). */
static void read_scenarios(scenario_runs *runs, const char *dir)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (!yaml_name(e->d_name))
            continue;
        if (!sw_grow(&names, &cap, n, sizeof *names, 16))
            break;
        names[n] = strdup(e->d_name);
        if (names[n] != NULL)
            n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    sw_diagnostics *diags = sw_diagnostics_new();
    for (size_t i = 0; i < n && diags != NULL; i++) {
        char path[4096];
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *text = read_small_file(path, &len);
        if (text != NULL)
            sw_scenarios_read(runs->set, names[i], text, len, diags);
        free(text);
        sw_diagnostics_clear(diags);
    }
    sw_diagnostics_free(diags);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void run_scenarios(scenario_runs *runs, const sw_ruleset *rules, const char *dir)
{
    *runs = (scenario_runs){.nrules = sw_ruleset_rule_count(rules)};
    if (sw_scenarios_new(rules, &runs->set) != SW_OK)
        return;
    runs->loaded = 1;
    if (dir == NULL)
        return;
    read_scenarios(runs, dir);
    runs->count = sw_scenarios_count(runs->set);
    if (runs->count == 0 || runs->nrules == 0)
        return;
    runs->fired = calloc(runs->count * runs->nrules, 1);
    if (runs->fired == NULL)
        return;
    for (size_t i = 0; i < runs->count; i++) {
        sw_explanation *x = NULL;
        sw_explain_options all = {NULL, 0, 1};
        sw_scenario_info sc;
        if (sw_scenarios_at(runs->set, i, &sc) != SW_OK ||
            sw_explain(rules, sc.facts, &all, &x, NULL) != SW_OK)
            continue;
        const sw_explanation_report *rep = sw_explanation_get(x);
        for (size_t r = 0; r < rep->nrules && r < runs->nrules; r++)
            runs->fired[i * runs->nrules + r] = rep->rules[r].truth == SW_TRUTH_TRUE;
        sw_explanation_free(x);
    }
}

static void free_scenarios(scenario_runs *runs)
{
    if (runs->loaded)
        sw_scenarios_free(runs->set);
    free(runs->fired);
}

static void rule_scenarios(sw_json *w, const scenario_runs *runs, size_t r)
{
    sw_json_begin_array(w);
    for (size_t i = 0; runs->fired != NULL && i < runs->count; i++) {
        sw_scenario_info info;
        const sw_scenario_info *sc = &info;
        if (sw_scenarios_at(runs->set, i, &info) != SW_OK)
            continue;
        int fired = runs->fired[i * runs->nrules + r];
        const char *expects = sw_scenarios_expectation(runs->set, i, r);
        if (!fired && expects == NULL)
            continue;
        sw_json_begin_object(w);
        sw_json_key(w, "name");
        sw_json_string(w, sc->name);
        sw_json_key(w, "description");
        string_or_null(w, sc->description);
        sw_json_key(w, "file");
        sw_json_string(w, sc->file);
        sw_json_key(w, "line");
        sw_json_uint(w, sc->line);
        sw_json_key(w, "fired");
        sw_json_bool(w, fired);
        sw_json_key(w, "expects");
        string_or_null(w, expects);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

static void citations(sw_json *w, const sw_citation *c, size_t n)
{
    sw_json_begin_array(w);
    for (size_t i = 0; i < n; i++) {
        sw_json_begin_object(w);
        sw_json_key(w, "source");
        sw_json_string(w, c[i].source);
        sw_json_key(w, "source_title");
        string_or_null(w, c[i].source_title);
        sw_json_key(w, "statement");
        string_or_null(w, c[i].statement);
        sw_json_key(w, "text");
        string_or_null(w, c[i].text);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

static void rule_object(sw_json *w, const sw_rule_info *info, const sw_jnode *stages,
                        const unsigned char *can, size_t nstages, size_t nrules, size_t r,
                        const scenario_runs *runs)
{
    sw_json_begin_object(w);
    sw_json_key(w, "id");
    sw_json_string(w, info->id);
    sw_json_key(w, "title");
    string_or_null(w, info->title);
    sw_json_key(w, "file");
    sw_json_string(w, info->file);
    sw_json_key(w, "line");
    sw_json_uint(w, info->line);
    sw_json_key(w, "status");
    sw_json_string(w, sw_validation_name(info->status));
    sw_json_key(w, "author");
    string_or_null(w, info->author);
    sw_json_key(w, "reviewer");
    string_or_null(w, info->reviewer);
    sw_json_key(w, "version");
    string_or_null(w, info->version);
    sw_json_key(w, "reviewed");
    string_or_null(w, info->reviewed[0] ? info->reviewed : NULL);
    sw_json_key(w, "text");
    sw_json_string(w, info->text);
    sw_json_key(w, "citations");
    citations(w, info->citations, info->ncitations);
    sw_json_key(w, "stages");
    if (nstages == 0) {
        sw_json_null(w);
    } else {
        sw_json_begin_array(w);
        size_t k = 0;
        for (const sw_jnode *s = stages->first; s != NULL; s = s->next, k++)
            if (can[k * nrules + r])
                sw_json_string(w, sw_jstr(sw_jget(s, "id")));
        sw_json_end_array(w);
    }
    sw_json_key(w, "scenarios");
    rule_scenarios(w, runs, r);
    sw_json_end_object(w);
}

void serve_handle_rules(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    char *schema = NULL;
    size_t schema_len = 0;
    sw_jdoc doc = {0};
    unsigned char *can = NULL;
    scenario_runs runs;
    sw_buf b = {0};
    sw_json w;

    (void)call;
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    size_t nrules = sw_ruleset_rule_count(snap->rules);
    size_t nstages = 0;
    if (sw_ruleset_schema_render(snap->rules, &schema, &schema_len) == SW_OK &&
        sw_jdoc_parse(&doc, schema, schema_len) == 0)
        nstages = stage_applicability(snap->rules, sw_jget(doc.root, "stages"), nrules, &can);
    run_scenarios(&runs, snap->rules, srv->scenarios_path);
    sw_json_init(&w, &b, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "ruleset_sha256");
    sw_json_string(&w, snap->info->sha256);
    sw_json_key(&w, "scenarios");
    sw_json_uint(&w, runs.count);
    sw_json_key(&w, "rules");
    sw_json_begin_array(&w);
    for (size_t r = 0; r < nrules; r++) {
        sw_rule_info info;
        if (sw_ruleset_rule(snap->rules, r, &info) == SW_OK)
            rule_object(&w, &info, sw_jget(doc.root, "stages"), can, nstages, nrules, r, &runs);
    }
    sw_json_end_array(&w);
    sw_json_end_object(&w);
    if (sw_json_end_line(&w) != 0)
        b.failed = 1;
    serve_reply_json(reply, &b);
    free_scenarios(&runs);
    free(can);
    sw_jdoc_free(&doc);
    sw_free(schema);
    serve_rules_release(srv->rules, snap);
}

void serve_handle_hazards(serve_server *srv, const serve_call *call, serve_reply *reply)
{
    (void)call;
    if (srv->hazards_path == NULL) {
        serve_reply_error(reply, 404, "no_hazard_log",
                          "this server shows no hazard log (start it with --hazards FILE and "
                          "--scenarios DIR)");
        return;
    }
    size_t len = 0;
    char *text = read_small_file(srv->hazards_path, &len);
    if (text == NULL) {
        fprintf(stderr, "stagewise serve: cannot read the hazard log '%s'\n", srv->hazards_path);
        serve_reply_error(reply, 500, "hazard_log_unreadable", "the hazard log cannot be read");
        return;
    }
    serve_snapshot *snap = serve_rules_acquire(srv->rules);
    scenario_runs runs;
    run_scenarios(&runs, snap->rules, srv->scenarios_path);
    sw_hazards *log = NULL;
    sw_diagnostics *diags = sw_diagnostics_new();
    sw_status st = runs.loaded && diags ? sw_hazards_new(snap->rules, runs.set, &log) : SW_ERR_NOMEM;
    if (st == SW_OK)
        st = sw_hazards_read(log, srv->hazards_path, text, len, diags);
    char *out = NULL;
    size_t out_len = 0;
    if (st == SW_OK)
        st = sw_hazards_render(log, SW_FORMAT_JSON, &out, &out_len, NULL);
    if (st == SW_ERR_FACTS)
        serve_reply_diagnostics(reply, 422, "invalid_hazard_log",
                                "the hazard log has errors against the rules serving",
                                diags, NULL, 0);
    else if (st != SW_OK)
        serve_reply_nomem(reply);
    else {
        reply->status = 200;
        reply->body = out;
        reply->len = out_len;
        reply->library_body = 1;
        out = NULL;
    }
    sw_free(out);
    sw_hazards_free(log);
    sw_diagnostics_free(diags);
    free_scenarios(&runs);
    serve_rules_release(srv->rules, snap);
    free(text);
}
