/*
 * tools.c - the authoring tools in the public API (stagewise.h): lint's JSON,
 * scenario sets and test reports as opaque handles, the statement table rendered.
 *
 * Stage api/: thin wrappers over authoring/ (lint.c, fmt.c, scenario*.c,
 * coverage.c), so that the command and any embedder use the same entry points.
 * May use: every stage.
 */
#include <stdlib.h>
#include <string.h>

#include "authoring/coverage.h"
#include "authoring/hazards.h"
#include "authoring/lint.h"
#include "authoring/scenario.h"
#include "util/buf.h"
#include "util/json.h"

_Static_assert(SW_COV__COUNT == SW_COVERAGE_METRICS, "one minimum per coverage metric");

struct sw_scenarios {
    sw_scenario_set set;
};

struct sw_test_report {
    sw_test_run run;
};

struct sw_hazards {
    sw_hazard_log log;
};

/* ---- lint ---- */

static void json_finding(sw_json *w, const sw_diagnostic *d)
{
    sw_json_begin_object(w);
    sw_json_key(w, "code");
    sw_json_string(w, d->code);
    sw_json_key(w, "severity");
    sw_json_string(w, "warning");
    sw_json_key(w, "message");
    sw_json_string(w, d->message);
    sw_json_key(w, "hint");
    sw_json_string(w, d->hint);
    sw_json_key(w, "file");
    sw_json_string(w, d->file);
    sw_json_key(w, "line");
    sw_json_uint(w, d->line);
    sw_json_key(w, "column");
    sw_json_uint(w, d->column);
    sw_json_key(w, "source_line");
    sw_json_string(w, d->source_line);
    if (d->related_file) {
        sw_json_key(w, "related");
        sw_json_begin_object(w);
        sw_json_key(w, "note");
        sw_json_string(w, d->related_note);
        sw_json_key(w, "file");
        sw_json_string(w, d->related_file);
        sw_json_key(w, "line");
        sw_json_uint(w, d->related_line);
        sw_json_key(w, "column");
        sw_json_uint(w, d->related_column);
        sw_json_end_object(w);
    }
    sw_json_end_object(w);
}

/* Takes the buffer as the caller's NUL-terminated text, or frees it. */
static sw_status hand_over(sw_buf *b, sw_status st, char **out, size_t *len)
{
    if (st == SW_OK && sw_buf_failed(b))
        st = SW_ERR_NOMEM;
    if (st == SW_OK) {
        size_t n = 0;
        *out = sw_buf_give(b, &n);
        if (!*out)
            st = SW_ERR_NOMEM;
        else if (len)
            *len = n;
    }
    sw_buf_free(b);
    return st;
}

sw_status sw_lint_render_json(const sw_diagnostics *findings, const sw_lint_summary *summary,
                              char **out, size_t *len)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!findings || !summary)
        return SW_ERR_ARG;
    sw_buf b = SW_BUF_INIT;
    sw_json w;
    sw_json_init(&w, &b, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "findings");
    sw_json_begin_array(&w);
    for (size_t i = 0; i < sw_diagnostics_count(findings); i++)
        json_finding(&w, sw_diagnostics_at(findings, i));
    sw_json_end_array(&w);
    sw_json_key(&w, "rules");
    sw_json_uint(&w, summary->rules);
    sw_json_key(&w, "silenced");
    sw_json_uint(&w, summary->silenced);
    sw_json_end_object(&w);
    sw_status st = sw_json_finish(&w);
    if (st == SW_OK)
        sw_buf_putc(&b, '\n');
    return hand_over(&b, st, out, len);
}

/* ---- scenarios ---- */

sw_status sw_scenarios_new(const sw_ruleset *rules, sw_scenarios **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules)
        return SW_ERR_ARG;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return SW_ERR_NOMEM;
    sw_scenario_set_init(&(*out)->set, rules);
    return SW_OK;
}

sw_status sw_scenarios_read(sw_scenarios *set, const char *file, const char *data, size_t len,
                            sw_diagnostics *diags)
{
    if (!set || (!data && len))
        return SW_ERR_ARG;
    return sw_scenario_read(&set->set, file, data ? data : "", len, diags);
}

size_t sw_scenarios_count(const sw_scenarios *set) { return set ? set->set.count : 0; }
size_t sw_scenarios_rejected(const sw_scenarios *set) { return set ? set->set.rejected : 0; }

sw_status sw_scenarios_at(const sw_scenarios *set, size_t i, sw_scenario_info *out)
{
    if (!set || !out || i >= set->set.count)
        return SW_ERR_ARG;
    const sw_scenario *sc = &set->set.items[i];
    out->name = sc->name;
    out->description = sc->description;
    out->file = sc->file;
    out->line = sc->line;
    out->facts = sc->facts;
    return SW_OK;
}

const char *sw_scenarios_expectation(const sw_scenarios *set, size_t i, size_t rule)
{
    if (!set || i >= set->set.count)
        return NULL;
    const sw_scenario *sc = &set->set.items[i];
    for (uint32_t e = 0; e < sc->nexpects; e++) {
        const sw_expectation *x = &sc->expects[e];
        if ((x->kind == SW_EXPECT_FIRED || x->kind == SW_EXPECT_NOT_FIRED ||
             x->kind == SW_EXPECT_UNDECIDED) && x->target == rule)
            return sw_expect_key((sw_expect_kind)x->kind);
    }
    return NULL;
}

void sw_scenarios_free(sw_scenarios *set)
{
    if (!set)
        return;
    sw_scenario_set_free(&set->set);
    free(set);
}

sw_status sw_scenarios_run(const sw_scenarios *set, sw_test_report **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!set)
        return SW_ERR_ARG;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return SW_ERR_NOMEM;
    sw_test_run *run = &(*out)->run;
    sw_status st = sw_test_run_init(run, set->set.rules);
    if (st != SW_OK) {
        free(*out);
        *out = NULL;
        return st;
    }
    run->not_run = set->set.rejected;
    for (size_t i = 0; i < set->set.count && st == SW_OK; i++)
        st = sw_test_run_scenario(run, &set->set.items[i]);
    if (st != SW_OK) {
        sw_test_report_free(*out);
        *out = NULL;
    }
    return st;
}

void sw_test_report_counts(const sw_test_report *report, size_t *passed, size_t *failed,
                           size_t *not_run)
{
    if (passed)
        *passed = report ? report->run.passed : 0;
    if (failed)
        *failed = report ? report->run.failed : 0;
    if (not_run)
        *not_run = report ? report->run.not_run : 0;
}

int sw_test_report_ok(const sw_test_report *report, const sw_coverage_minimum *min)
{
    if (!report || report->run.failed)
        return 0;
    for (int k = 0; min && k < SW_COV__COUNT; k++)
        if (!sw_coverage_meets(sw_coverage_metric_of(&report->run.coverage, (sw_coverage_kind)k),
                               min->percent[k]))
            return 0;
    return 1;
}

sw_status sw_test_report_render(const sw_test_report *report, sw_format format, int quiet,
                                const sw_coverage_minimum *min, char **out, size_t *len)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!report || (format != SW_FORMAT_TEXT && format != SW_FORMAT_JSON))
        return SW_ERR_ARG;
    sw_coverage_minimum none;
    sw_coverage_minimum_init(&none);
    sw_test_render view = {quiet, min ? min : &none};
    sw_buf b = SW_BUF_INIT;
    sw_status st = format == SW_FORMAT_JSON ? sw_test_render_json(&report->run, &view, &b)
                                            : sw_test_render_text(&report->run, &view, &b);
    return hand_over(&b, st, out, len);
}

void sw_test_report_free(sw_test_report *report)
{
    if (!report)
        return;
    sw_test_run_free(&report->run);
    free(report);
}

/* ---- the statement table ---- */

sw_status sw_statements_render(const sw_ruleset *rules, sw_format format, char **out, size_t *len,
                               size_t *missing)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules || (format != SW_FORMAT_TEXT && format != SW_FORMAT_JSON))
        return SW_ERR_ARG;
    sw_statement_table table;
    sw_status st = sw_statement_table_build(&table, &rules->prog);
    if (st != SW_OK)
        return st;
    sw_buf b = SW_BUF_INIT;
    st = format == SW_FORMAT_JSON ? sw_statement_render_json(&table, &b)
                                  : sw_statement_render_text(&table, &b);
    if (missing)
        *missing = table.missing + table.cited_only;
    sw_statement_table_free(&table);
    return hand_over(&b, st, out, len);
}

/* ---- the hazard log ---- */

sw_status sw_hazards_new(const sw_ruleset *rules, const sw_scenarios *scenarios, sw_hazards **out)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!rules || !scenarios)
        return SW_ERR_ARG;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return SW_ERR_NOMEM;
    sw_hazard_log_init(&(*out)->log, rules, &scenarios->set);
    return SW_OK;
}

sw_status sw_hazards_read(sw_hazards *log, const char *file, const char *data, size_t len,
                          sw_diagnostics *diags)
{
    if (!log || (!data && len))
        return SW_ERR_ARG;
    return sw_hazard_read(&log->log, file, data ? data : "", len, diags);
}

sw_status sw_hazards_render(sw_hazards *log, sw_format format, char **out, size_t *len,
                            size_t *unevidenced)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    if (!log || (format != SW_FORMAT_TEXT && format != SW_FORMAT_JSON))
        return SW_ERR_ARG;
    sw_status st = sw_hazard_judge(&log->log);
    if (st != SW_OK)
        return st;
    sw_buf b = SW_BUF_INIT;
    size_t bad = 0;
    st = format == SW_FORMAT_JSON ? sw_hazard_render_json(&log->log, &b, &bad)
                                  : sw_hazard_render_text(&log->log, &b, &bad);
    if (unevidenced)
        *unevidenced = bad;
    return hand_over(&b, st, out, len);
}

void sw_hazards_free(sw_hazards *log)
{
    if (!log)
        return;
    sw_hazard_log_free(&log->log);
    free(log);
}
