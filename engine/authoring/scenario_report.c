/*
 * scenario_report.c - a scenario test run and the statement table, as text for
 * people at a terminal and as JSON for tools (docs/testing.md).
 *
 * Text puts what needs acting on first: each failed expectation as
 * "file:line: scenario NAME: expected X, got Y" with the rules involved, the
 * summary line "N passed, M failed", then the coverage of the guidance and any
 * threshold not met. Strings that come from scenario or rule files are shown with
 * control characters escaped, so no file can move the cursor. Renderings are the
 * same byte for byte for the same run.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/json.h"
#include "authoring/scenario.h"

/* ==== Text helpers ========================================================== */

/* Appends s with control characters escaped and ill-formed UTF-8 as U+FFFD;
 * returns the columns it takes. */
static size_t put(sw_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), cols = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = sw_utf8_decode(p + i, n - i, &cp);
        if (cp == SW_UTF8_BAD) {
            sw_buf_puts(out, "\xEF\xBF\xBD");
            cols++;
        } else if (sw_unicode_is_control(cp)) {
            size_t before = out->len;
            sw_buf_printf(out, cp < 0x80 ? "\\x%02x" : "\\u%04x", (unsigned)cp);
            cols += out->len - before;
        } else {
            sw_buf_append(out, s + i, len);
            cols++;
        }
        i += len;
    }
    return cols;
}

static size_t columns(const char *s)
{
    sw_buf scratch = SW_BUF_INIT;
    size_t cols = put(&scratch, s);
    sw_buf_free(&scratch);
    return cols;
}

/* s padded with spaces to width columns. */
static void put_padded(sw_buf *out, const char *s, size_t width)
{
    size_t cols = put(out, s);
    if (cols < width)
        sw_buf_repeat(out, ' ', width - cols);
}

/* "80.0%", rounded down so that a figure shown never reaches a threshold it
 * misses; "-" when there is nothing to cover. */
static void put_percent(sw_buf *out, sw_coverage_metric m)
{
    if (m.total == 0) {
        sw_buf_puts(out, "-");
        return;
    }
    size_t tenths = (size_t)((double)m.covered * 1000.0 / (double)m.total);
    sw_buf_printf(out, "%zu.%zu%%", tenths / 10, tenths % 10);
}

static const char *const metric_titles[SW_COV__COUNT] = {"rules fired", "condition outcomes",
                                                         "stage transitions", "statements"};

/* ==== Failures ============================================================== */

static void put_involved(sw_buf *out, const sw_failure *f)
{
    if (!f->label)
        return;
    sw_buf_puts(out, "    ");
    if (f->nrules == 0) {
        sw_buf_printf(out, "%s\n", f->none ? f->none : "none");
        return;
    }
    sw_buf_printf(out, "%s: ", f->label);
    for (uint32_t i = 0; i < f->nrules; i++) {
        const sw_involved *in = &f->rules[i];
        sw_buf_printf(out, "%s%s", i ? ", " : "", in->rule);
        const char *truth = in->truth == SW_TRUE ? "fired" : in->truth == SW_FALSE ? "false" : "undecided";
        if (f->show_truth && in->note)
            sw_buf_printf(out, " (%s; %s)", truth, in->note);
        else if (f->show_truth)
            sw_buf_printf(out, " (%s)", truth);
        else if (in->note)
            sw_buf_printf(out, " (%s)", in->note);
    }
    sw_buf_putc(out, '\n');
}

static void put_failures(sw_buf *out, const sw_test_run *run)
{
    for (size_t i = 0; i < run->count; i++) {
        const sw_scenario_result *res = &run->results[i];
        for (uint32_t k = 0; k < res->nfailures; k++) {
            const sw_failure *f = &res->failures[k];
            put(out, res->scenario->file);
            sw_buf_printf(out, ":%u: scenario ", f->expect->line);
            put(out, res->scenario->name);
            sw_buf_puts(out, ": expected ");
            put(out, f->expected);
            sw_buf_puts(out, ", got ");
            put(out, f->got);
            sw_buf_putc(out, '\n');
            put_involved(out, f);
        }
    }
}

static void put_summary(sw_buf *out, const sw_test_run *run)
{
    sw_buf_printf(out, "%zu passed, %zu failed", run->passed, run->failed);
    if (run->not_run)
        sw_buf_printf(out, ", %zu not run because of errors", run->not_run);
    sw_buf_putc(out, '\n');
}

/* ==== Coverage as text ====================================================== */

static void put_metrics(sw_buf *out, const sw_coverage *c)
{
    sw_buf_printf(out, "Coverage of the guidance by %zu scenario%s (%zu passing):\n", c->scenarios,
                  c->scenarios == 1 ? "" : "s", c->passing);
    for (int k = 0; k < SW_COV__COUNT; k++) {
        sw_coverage_metric m = sw_coverage_metric_of(c, (sw_coverage_kind)k);
        char figure[64];
        snprintf(figure, sizeof figure, "%zu/%zu", m.covered, m.total);
        sw_buf_printf(out, "  %-20s %-11s ", metric_titles[k], figure);
        put_percent(out, m);
        sw_buf_putc(out, '\n');
    }
}

static const char *rule_status(const sw_coverage *c, uint32_t r)
{
    return c->fired[r] ? "fired" : c->undecided[r] ? "only undecided" : "never fired";
}

static void put_rules(sw_buf *out, const sw_coverage *c)
{
    const sw_program *p = c->prog;
    size_t width = 4;
    for (uint32_t r = 0; r < p->nrules; r++)
        if (strlen(p->rules[r].id) > width)
            width = strlen(p->rules[r].id);
    sw_buf_printf(out, "\nRules:\n  %-*s  %5s  %9s  %s\n", (int)width, "rule", "fired",
                  "undecided", "conditions");
    for (uint32_t r = 0; r < p->nrules; r++) {
        uint32_t possible, seen = sw_coverage_rule_outcomes(c, r, &possible);
        char outcomes[48];
        snprintf(outcomes, sizeof outcomes, "%u/%u", (unsigned)seen, (unsigned)possible);
        sw_buf_printf(out, "  %-*s  %5u  %9u  %-10s  %s", (int)width, p->rules[r].id,
                      (unsigned)c->fired[r], (unsigned)c->undecided[r], outcomes,
                      c->fired[r] ? "" : rule_status(c, r));
        while (out->len && out->data[out->len - 1] == ' ')
            out->data[--out->len] = '\0';
        sw_buf_putc(out, '\n');
    }
}

static const char *direction_word(uint32_t from, uint32_t to)
{
    return to > from ? "forward" : to < from ? "back" : "stay";
}

static void put_transitions(sw_buf *out, const sw_coverage *c)
{
    if (!c->nstages)
        return;
    const sw_enum *stages = &c->prog->enums[c->prog->stage_enum];
    size_t width = 0;
    for (uint32_t i = 0; i < c->nstages * c->nstages; i++)
        if (c->trans_possible[i]) {
            size_t w = strlen(stages->members[i / c->nstages]) + 4 + strlen(stages->members[i % c->nstages]);
            width = w > width ? w : width;
        }
    sw_buf_puts(out, "\nStage transitions (current -> suggested):\n");
    for (uint32_t i = 0; i < c->nstages * c->nstages; i++) {
        if (!c->trans_possible[i])
            continue;
        uint32_t from = i / c->nstages, to = i % c->nstages;
        sw_buf_puts(out, "  ");
        size_t before = out->len;
        sw_buf_printf(out, "%s -> %s", stages->members[from], stages->members[to]);
        sw_buf_repeat(out, ' ', width - (out->len - before));
        sw_buf_printf(out, "  %-7s  ", direction_word(from, to));
        if (c->trans_seen[i])
            sw_buf_printf(out, "%u\n", (unsigned)c->trans_seen[i]);
        else
            sw_buf_puts(out, "not exercised\n");
    }
}

/* Whether statement s (of source j, k-th) is due and no passing scenario covered it. */
static int uncovered(const sw_coverage *c, uint32_t j, uint32_t k)
{
    return !c->prog->sources[j].statements[k].excused && !c->stmt_covered[c->stmt_first[j] + k];
}

static void put_citing_rules(sw_buf *out, const sw_coverage *c, uint32_t s)
{
    int cited = 0;
    for (uint32_t r = 0; r < c->prog->nrules; r++)
        for (uint32_t m = c->cite_first[r]; m < c->cite_first[r + 1]; m++)
            if (c->cite_stmt[m] == s) {
                sw_buf_printf(out, "%s%s", cited ? ", " : "cited by ", c->prog->rules[r].id);
                cited = 1;
            }
    sw_buf_puts(out, cited ? "\n" : "not cited by any rule\n");
}

/* The statements that are not excused and that no passing scenario covered. */
static void put_uncovered(sw_buf *out, const sw_coverage *c)
{
    const sw_program *p = c->prog;
    size_t width = 0;
    for (uint32_t j = 0; j < p->nsources; j++)
        for (uint32_t k = 0; k < p->sources[j].nstatements; k++)
            if (uncovered(c, j, k)) {
                size_t w = strlen(p->sources[j].id) + 1 + columns(p->sources[j].statements[k].id);
                width = w > width ? w : width;
            }
    if (width == 0)
        return;
    sw_buf_puts(out, "\nStatements not covered by a passing scenario:\n");
    for (uint32_t j = 0; j < p->nsources; j++)
        for (uint32_t k = 0; k < p->sources[j].nstatements; k++) {
            if (!uncovered(c, j, k))
                continue;
            sw_buf_printf(out, "  %s.", p->sources[j].id);
            size_t w = strlen(p->sources[j].id) + 1 + put(out, p->sources[j].statements[k].id);
            sw_buf_repeat(out, ' ', width - w + 2);
            put_citing_rules(out, c, c->stmt_first[j] + k);
        }
}

static void put_thresholds(sw_buf *out, const sw_coverage *c, const sw_coverage_minimum *min)
{
    for (int k = 0; min && k < SW_COV__COUNT; k++) {
        sw_coverage_metric m = sw_coverage_metric_of(c, (sw_coverage_kind)k);
        if (sw_coverage_meets(m, min->percent[k]))
            continue;
        sw_buf_printf(out, "coverage of %s %zu/%zu (", metric_titles[k], m.covered, m.total);
        put_percent(out, m);
        sw_buf_printf(out, ") is below the minimum of %d%%\n", min->percent[k]);
    }
}

sw_status sw_test_render_text(const sw_test_run *run, const sw_test_render *opts, sw_buf *out)
{
    put_failures(out, run);
    if (run->failed)
        sw_buf_putc(out, '\n');
    put_summary(out, run);
    if (!opts->quiet) {
        sw_buf_putc(out, '\n');
        put_metrics(out, &run->coverage);
        put_rules(out, &run->coverage);
        put_transitions(out, &run->coverage);
        put_uncovered(out, &run->coverage);
    }
    put_thresholds(out, &run->coverage, opts->minimum);
    return sw_buf_failed(out) ? SW_ERR_NOMEM : SW_OK;
}

/* ==== JSON ================================================================== */

static void key_string(sw_json *w, const char *key, const char *value)
{
    sw_json_key(w, key);
    sw_json_string(w, value);
}

static void key_uint(sw_json *w, const char *key, uint64_t value)
{
    sw_json_key(w, key);
    sw_json_uint(w, value);
}

static void json_metric(sw_json *w, sw_coverage_metric m)
{
    key_uint(w, "covered", m.covered);
    key_uint(w, "total", m.total);
    sw_json_key(w, "percent");
    if (m.total)
        sw_json_number(w, (double)(size_t)((double)m.covered * 1000.0 / (double)m.total) / 10.0);
    else
        sw_json_null(w);
}

static void json_failure(sw_json *w, const sw_scenario_result *res, const sw_failure *f)
{
    sw_json_begin_object(w);
    key_string(w, "file", res->scenario->file);
    key_uint(w, "line", f->expect->line);
    key_uint(w, "column", f->expect->column);
    key_string(w, "scenario", res->scenario->name);
    key_string(w, "expectation", sw_expect_key((sw_expect_kind)f->expect->kind));
    key_string(w, "value", f->expect->name);
    key_string(w, "expected", f->expected);
    key_string(w, "got", f->got);
    key_string(w, "rules_label", f->label);
    sw_json_key(w, "rules");
    sw_json_begin_array(w);
    for (uint32_t i = 0; i < f->nrules; i++) {
        sw_json_begin_object(w);
        key_string(w, "rule", f->rules[i].rule);
        key_string(w, "truth", f->rules[i].truth == SW_TRUE ? "true"
                               : f->rules[i].truth == SW_FALSE ? "false" : "undecided");
        key_string(w, "note", f->rules[i].note);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
    sw_json_end_object(w);
}

static void json_scenarios(sw_json *w, const sw_test_run *run)
{
    sw_json_key(w, "scenarios");
    sw_json_begin_array(w);
    for (size_t i = 0; i < run->count; i++) {
        const sw_scenario_result *res = &run->results[i];
        sw_json_begin_object(w);
        key_string(w, "file", res->scenario->file);
        key_uint(w, "line", res->scenario->line);
        key_string(w, "scenario", res->scenario->name);
        key_string(w, "description", res->scenario->description);
        sw_json_key(w, "passed");
        sw_json_bool(w, res->passed);
        sw_json_key(w, "failures");
        sw_json_begin_array(w);
        for (uint32_t k = 0; k < res->nfailures; k++)
            json_failure(w, res, &res->failures[k]);
        sw_json_end_array(w);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

static void json_rules(sw_json *w, const sw_coverage *c)
{
    sw_json_key(w, "rules");
    sw_json_begin_object(w);
    json_metric(w, sw_coverage_metric_of(c, SW_COV_RULES));
    sw_json_key(w, "items");
    sw_json_begin_array(w);
    for (uint32_t r = 0; r < c->prog->nrules; r++) {
        uint32_t possible, seen = sw_coverage_rule_outcomes(c, r, &possible);
        sw_json_begin_object(w);
        key_string(w, "rule", c->prog->rules[r].id);
        key_string(w, "file", c->prog->rules[r].file);
        key_uint(w, "line", c->prog->rules[r].line);
        key_string(w, "status", rule_status(c, r));
        key_uint(w, "fired", c->fired[r]);
        key_uint(w, "undecided", c->undecided[r]);
        sw_json_key(w, "conditions");
        sw_json_begin_object(w);
        key_uint(w, "covered", seen);
        key_uint(w, "total", possible);
        sw_json_end_object(w);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
    sw_json_end_object(w);
}

static void json_transitions(sw_json *w, const sw_coverage *c)
{
    sw_json_key(w, "transitions");
    sw_json_begin_object(w);
    json_metric(w, sw_coverage_metric_of(c, SW_COV_TRANSITIONS));
    sw_json_key(w, "items");
    sw_json_begin_array(w);
    for (uint32_t i = 0; i < c->nstages * c->nstages; i++) {
        if (!c->trans_possible[i])
            continue;
        const sw_enum *stages = &c->prog->enums[c->prog->stage_enum];
        uint32_t from = i / c->nstages, to = i % c->nstages;
        sw_json_begin_object(w);
        key_string(w, "from", stages->members[from]);
        key_string(w, "to", stages->members[to]);
        key_string(w, "direction", direction_word(from, to));
        key_uint(w, "scenarios", c->trans_seen[i]);
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
    sw_json_end_object(w);
}

static void json_rule_ids(sw_json *w, const sw_coverage *c, uint32_t s)
{
    sw_json_key(w, "rules");
    sw_json_begin_array(w);
    for (uint32_t r = 0; r < c->prog->nrules; r++)
        for (uint32_t m = c->cite_first[r]; m < c->cite_first[r + 1]; m++)
            if (c->cite_stmt[m] == s)
                sw_json_string(w, c->prog->rules[r].id);
    sw_json_end_array(w);
}

static void json_statements(sw_json *w, const sw_coverage *c)
{
    const sw_program *p = c->prog;
    sw_json_key(w, "statements");
    sw_json_begin_object(w);
    json_metric(w, sw_coverage_metric_of(c, SW_COV_STATEMENTS));
    sw_json_key(w, "items");
    sw_json_begin_array(w);
    for (uint32_t j = 0; j < p->nsources; j++)
        for (uint32_t k = 0; k < p->sources[j].nstatements; k++) {
            const sw_statement_def *st = &p->sources[j].statements[k];
            uint32_t s = c->stmt_first[j] + k;
            sw_json_begin_object(w);
            sw_json_key(w, "statement");
            sw_json_stringf(w, "%s.%s", p->sources[j].id, st->id);
            key_string(w, "section", st->section);
            key_string(w, "excused", st->excused);
            key_uint(w, "scenarios", c->stmt_covered[s]);
            json_rule_ids(w, c, s);
            sw_json_end_object(w);
        }
    sw_json_end_array(w);
    sw_json_end_object(w);
}

static void json_coverage(sw_json *w, const sw_coverage *c)
{
    sw_json_key(w, "coverage");
    sw_json_begin_object(w);
    key_uint(w, "scenarios", c->scenarios);
    key_uint(w, "passing", c->passing);
    json_rules(w, c);
    sw_json_key(w, "conditions");
    sw_json_begin_object(w);
    json_metric(w, sw_coverage_metric_of(c, SW_COV_CONDITIONS));
    sw_json_end_object(w);
    json_transitions(w, c);
    json_statements(w, c);
    sw_json_end_object(w);
}

static void json_thresholds(sw_json *w, const sw_coverage *c, const sw_coverage_minimum *min)
{
    sw_json_key(w, "thresholds");
    sw_json_begin_array(w);
    for (int k = 0; min && k < SW_COV__COUNT; k++) {
        if (min->percent[k] < 0)
            continue;
        sw_coverage_metric m = sw_coverage_metric_of(c, (sw_coverage_kind)k);
        sw_json_begin_object(w);
        key_string(w, "metric", sw_coverage_kind_name((sw_coverage_kind)k));
        key_uint(w, "minimum", (uint64_t)min->percent[k]);
        json_metric(w, m);
        sw_json_key(w, "met");
        sw_json_bool(w, sw_coverage_meets(m, min->percent[k]));
        sw_json_end_object(w);
    }
    sw_json_end_array(w);
}

sw_status sw_test_render_json(const sw_test_run *run, const sw_test_render *opts, sw_buf *out)
{
    sw_json w;
    sw_json_init(&w, out, 1);
    sw_json_begin_object(&w);
    sw_json_key(&w, "summary");
    sw_json_begin_object(&w);
    key_uint(&w, "passed", run->passed);
    key_uint(&w, "failed", run->failed);
    key_uint(&w, "not_run", run->not_run);
    sw_json_end_object(&w);
    json_scenarios(&w, run);
    json_coverage(&w, &run->coverage);
    json_thresholds(&w, &run->coverage, opts->minimum);
    sw_json_end_object(&w);
    sw_status st = sw_json_finish(&w);
    sw_buf_putc(out, '\n');
    return st != SW_OK ? st : sw_buf_failed(out) ? SW_ERR_NOMEM : SW_OK;
}

/* ==== The statement table =================================================== */

static void statement_id(sw_buf *b, const sw_statement_row *row)
{
    sw_buf_printf(b, "%s.%s", row->source->id, row->statement->id);
}

static void put_row(sw_buf *out, const char *id, const char *section, size_t wid, size_t wsec)
{
    put_padded(out, id, wid);
    sw_buf_puts(out, " | ");
    put_padded(out, section, wsec);
    sw_buf_puts(out, " | ");
}

static void put_encoding(sw_buf *out, const sw_statement_row *row)
{
    if (!row->nencoding && !row->statement->excused)
        sw_buf_puts(out, row->nrules ? "CITED, NOT ENCODED: " : "NOT ENCODED");
    for (uint32_t i = 0; i < row->nrules; i++)
        sw_buf_printf(out, "%s%s%s", i ? ", " : "", row->rules[i], row->stage_only[i] ? " (stage only)" : "");
    if (!row->nencoding && row->statement->excused) {
        sw_buf_puts(out, row->nrules ? "; excused: " : "excused: ");
        put(out, row->statement->excused);
    }
    sw_buf_putc(out, '\n');
}

sw_status sw_statement_render_text(const sw_statement_table *t, sw_buf *out)
{
    size_t wid = strlen("statement"), wsec = strlen("section");
    sw_buf id = SW_BUF_INIT;
    for (size_t i = 0; i < t->count; i++) {
        id.len = 0;
        statement_id(&id, &t->rows[i]);
        size_t a = columns(id.data ? id.data : ""), b = columns(t->rows[i].statement->section);
        wid = a > wid ? a : wid;
        wsec = b > wsec ? b : wsec;
    }
    put_row(out, "statement", "section", wid, wsec);
    sw_buf_puts(out, "encoded by\n");
    sw_buf_repeat(out, '-', wid);
    sw_buf_puts(out, "-+-");
    sw_buf_repeat(out, '-', wsec);
    sw_buf_puts(out, "-+-");
    sw_buf_repeat(out, '-', strlen("encoded by"));
    sw_buf_putc(out, '\n');
    for (size_t i = 0; i < t->count; i++) {
        id.len = 0;
        statement_id(&id, &t->rows[i]);
        put_row(out, id.data ? id.data : "", t->rows[i].statement->section, wid, wsec);
        put_encoding(out, &t->rows[i]);
    }
    sw_buf_free(&id);
    sw_buf_printf(out, "\n%zu statement%s: %zu encoded, %zu cited not encoded, %zu excused, %zu not encoded\n",
                  t->count, t->count == 1 ? "" : "s", t->encoded, t->cited_only, t->excused, t->missing);
    return sw_buf_failed(out) || id.failed ? SW_ERR_NOMEM : SW_OK;
}

static const char *row_status(const sw_statement_row *row)
{
    return row->nencoding ? "encoded" : row->statement->excused ? "excused"
         : row->nrules ? "cited_not_encoded" : "not_encoded";
}

sw_status sw_statement_render_json(const sw_statement_table *t, sw_buf *out)
{
    sw_json w;
    sw_json_init(&w, out, 1);
    sw_json_begin_object(&w);
    key_string(&w, "guideline", t->prog->guideline);
    key_string(&w, "version", t->prog->version);
    sw_json_key(&w, "statements");
    sw_json_begin_array(&w);
    for (size_t i = 0; i < t->count; i++) {
        const sw_statement_row *row = &t->rows[i];
        sw_json_begin_object(&w);
        sw_json_key(&w, "statement");
        sw_json_stringf(&w, "%s.%s", row->source->id, row->statement->id);
        key_string(&w, "section", row->statement->section);
        key_string(&w, "text", row->statement->text);
        key_string(&w, "status", row_status(row));
        sw_json_key(&w, "rules");
        sw_json_begin_array(&w);
        for (uint32_t k = 0; k < row->nrules; k++)
            sw_json_string(&w, row->rules[k]);
        sw_json_end_array(&w);
        sw_json_key(&w, "stage_only_rules");
        sw_json_begin_array(&w);
        for (uint32_t k = 0; k < row->nrules; k++)
            if (row->stage_only[k])
                sw_json_string(&w, row->rules[k]);
        sw_json_end_array(&w);
        key_string(&w, "excused", row->statement->excused);
        sw_json_end_object(&w);
    }
    sw_json_end_array(&w);
    sw_json_key(&w, "summary");
    sw_json_begin_object(&w);
    key_uint(&w, "statements", t->count);
    key_uint(&w, "encoded", t->encoded);
    key_uint(&w, "cited_not_encoded", t->cited_only);
    key_uint(&w, "excused", t->excused);
    key_uint(&w, "not_encoded", t->missing);
    sw_json_end_object(&w);
    sw_json_end_object(&w);
    sw_status st = sw_json_finish(&w);
    sw_buf_putc(out, '\n');
    return st != SW_OK ? st : sw_buf_failed(out) ? SW_ERR_NOMEM : SW_OK;
}
