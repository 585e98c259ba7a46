/*
 * cmd_eval.c - `stagewise eval RULES... -f FACTS [--format FORMAT]`: evaluate every
 * client in the facts inputs against one rule set and print each result.
 *
 * Inputs are read whole (at most CLI_FACTS_LIMIT bytes each) and split into client
 * documents by the library's facts stream. Results are written as they are made, in
 * input order. A document with facts errors is skipped and reported on standard
 * error with its position once its input has been read to the end (so the message
 * can say "client 3 of 5"); the others are still evaluated and the command ends with
 * CLI_EXIT_FACTS.
 *
 * With --fhir FILE, one client's facts come from a FHIR R4 Bundle or CDS Hooks
 * request through the rule set's fhir mappings (sw_facts_from_fhir); what did not
 * fit a mapping is told on standard error and the client is still evaluated.
 * With one -f FACTS and one --fhir FILE, the two are one client: the facts
 * document merged with what the FHIR input gives (sw_facts_merge, eval_merged).
 *
 * With -j N the clients are evaluated and rendered on N worker threads
 * (eval_batch.c) while this thread reads the stream; the results come back in input
 * order and are written by the same calls as without -j, so the output, the
 * messages and the decision log are the same, byte for byte.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cmd_audit.h"
#include "eval_batch.h"
#include "io.h"
#include "jsontext.h"
#include "util/grow.h"

enum { OPT_HELP = 1, OPT_FACTS, OPT_FORMAT, OPT_PRODUCTION, OPT_LOG, OPT_STORE, OPT_KEY,
       OPT_DECISION_ID,
       OPT_TIMESTAMP, OPT_JOBS, OPT_DETAIL, OPT_FHIR, OPT_ASSESSED_ON };

static const cli_option eval_options[] = {
    {OPT_HELP, 'h', "help", 0},
    {OPT_FACTS, 'f', "facts", 1},
    {OPT_FHIR, 0, "fhir", 1},
    {OPT_ASSESSED_ON, 0, "assessed-on", 1},
    {OPT_FORMAT, 0, "format", 1},
    {OPT_DETAIL, 0, "detail", 0},
    {OPT_JOBS, 'j', "jobs", 1},
    /* audit: production mode and the decision log (cmd_audit.c, docs/audit.md) */
    {OPT_PRODUCTION, 0, "production", 0},
    {OPT_LOG, 0, "log", 1},
    {OPT_STORE, 0, "store", 1},
    {OPT_KEY, 0, "pseudonym-key", 1},
    {OPT_DECISION_ID, 0, "decision-id", 1},
    {OPT_TIMESTAMP, 0, "timestamp", 1},
};

const char cli_eval_help[] =
    "Usage: stagewise eval RULES... -f FACTS [-f FACTS]... [--format FORMAT] [-j N]\n"
    "       stagewise eval RULES... --fhir FILE [--assessed-on DATE] [--format FORMAT]\n"
    "       stagewise eval RULES... -f FACTS --fhir FILE [--format FORMAT]\n"
    "\n"
    "Evaluates each client in FACTS against the rule set and prints the result:\n"
    "recommended interventions, advice, challenges, risks, the stage verdict and data\n"
    "gaps, each with the rules, citations and fact values behind it.\n"
    "\n"
    "FACTS is YAML or JSON: one client, a YAML stream of clients (documents separated\n"
    "by \"---\") or JSON lines. Results are printed in input order. A client whose\n"
    "facts have errors is reported on standard error with its position (\"facts.yaml:\n"
    "client 3 of 5 skipped\") and the other clients are still evaluated.\n"
    "\n"
    "Arguments:\n"
    "  RULES                .sw files, or directories whose .sw files are read\n"
    "\n"
    "Options:\n"
    "  -f, --facts FILE     the clients' facts; '-' reads standard input; may be\n"
    "                       given more than once; each input is at most " CLI_FACTS_LIMIT_TEXT "\n"
    "      --fhir FILE      one client's facts from FHIR R4: a Bundle, a resource or\n"
    "                       a CDS Hooks request with prefetch, mapped by the rules'\n"
    "                       fhir declarations; what does not fit is told on standard\n"
    "                       error and its fact stays unknown; may be given more than\n"
    "                       once (one client each); with one -f FACTS, the two are\n"
    "                       one client: a fact the document does not give is taken\n"
    "                       from FHIR, and where they disagree the document's value\n"
    "                       is used and the conflict told on standard error\n"
    "      --assessed-on DATE  with --fhir: the assessment date, YYYY-MM-DD, that\n"
    "                       look-back windows count from (default: today, UTC)\n"
    "      --format FORMAT  how results are printed:\n"
    "                         text   per client, the brief: one screen (at most 40\n"
    "                                lines of 100 columns) of risks, today's actions,\n"
    "                                the stage and the questions to ask next; with\n"
    "                                --detail the full report (the default)\n"
    "                         json   one client: a JSON object; any other number:\n"
    "                                a JSON array of the objects\n"
    "                         jsonl  one compact JSON object per line per client\n"
    "                         yaml   one YAML document (\"---\") per client\n"
    "      --detail         text: the full report, every reason, citation and\n"
    "                       matched value, instead of the brief\n"
    "  -j, --jobs N         evaluate on N worker threads (0: one per processor);\n"
    "                       the output is the same, in input order; a progress line\n"
    "                       goes to standard error when it is a terminal\n"
    "      --production     refuse to evaluate unless every rule has status\n"
    "                       production (lists the others; exit 3)\n"
    "      --log FILE       append a decision record per client to the decision log\n"
    "                       FILE (docs/audit.md)\n"
    "      --store URL      append them to the decision store in PostgreSQL at URL\n"
    "                       instead (postgresql://...; see 'stagewise store')\n"
    "      --pseudonym-key FILE  record client identifiers as HMAC-SHA256 under the\n"
    "                       key in FILE (without it, the log omits them)\n"
    "      --decision-id ID  the first record's decision id (later ones: ID-2, ID-3...);\n"
    "                       default: a random UUID\n"
    "      --timestamp TIME the records' time, YYYY-MM-DDTHH:MM:SSZ (default: now)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status:\n"
    "  0   every client was evaluated\n"
    "  2   usage error\n"
    "  3   the rule set has errors (nothing is evaluated)\n"
    "  4   some client's facts have errors or an input is too big (the others are\n"
    "      still evaluated)\n"
    "  5   a file could not be read or the output could not be written\n"
    "  70  internal error (out of memory)\n";

/* OUT_TEXT is the brief; OUT_DETAIL (--format text --detail) the full report. */
typedef enum out_format { OUT_TEXT, OUT_JSON, OUT_JSONL, OUT_YAML, OUT_DETAIL } out_format;

/* Where the output stands across all inputs. */
typedef struct eval_output {
    out_format format;
    size_t documents;      /* client documents read so far, evaluated or skipped */
    size_t written;        /* results written */
    /* json: the first result is held back until it is known whether it is the only
     * client (an object) or the first of several (an array). */
    char *pending;
    size_t pending_len;
    int array_open;
    size_t array_items;
    int failed;            /* a write to standard output failed */
    int error_number;      /* errno of that failure */
} eval_output;

/* A diagnostic report for one document, printed when its input has been read. */
typedef struct doc_note {
    size_t position;
    int skipped;
    char *text;            /* rendered diagnostics (a copy, free), or NULL */
} doc_note;

typedef struct doc_notes {
    doc_note *items;
    size_t count, cap;
} doc_notes;

/* ---- writing results ---- */

static void out_write(eval_output *out, const char *data, size_t len)
{
    if (out->failed)
        return;
    errno = 0;
    if (cli_write(stdout, data, len) != 0) {
        out->failed = 1;
        out->error_number = errno != 0 ? errno : EIO;
    }
}

static void out_puts(eval_output *out, const char *text)
{
    out_write(out, text, strlen(text));
}

/* Writes a pretty JSON object as an array element: every line indented by two. */
static void out_json_element(eval_output *out, const char *json, size_t len)
{
    len = cli_trim_newlines(json, len);
    out_puts(out, out->array_items > 0 ? ",\n" : "\n");
    size_t start = 0;
    while (start < len) {
        const char *nl = memchr(json + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - json) : len;
        out_puts(out, "  ");
        out_write(out, json + start, end - start);
        if (nl != NULL)
            out_puts(out, "\n");
        start = end + 1;
    }
    out->array_items++;
}

/* Called for every client document, before its result (if any) is written. */
static void out_document(eval_output *out)
{
    out->documents++;
    if (out->format != OUT_JSON || out->documents != 2)
        return;
    out_puts(out, "[");
    out->array_open = 1;
    if (out->pending != NULL) {
        out_json_element(out, out->pending, out->pending_len);
        free(out->pending);
        out->pending = NULL;
    }
}

/* The library's rendering for an output format. */
static sw_format library_format(const eval_output *out)
{
    switch (out->format) {
    case OUT_TEXT: return SW_FORMAT_BRIEF;
    case OUT_DETAIL: return SW_FORMAT_TEXT;
    case OUT_YAML: return SW_FORMAT_YAML;
    case OUT_JSONL: return SW_FORMAT_JSONL;   /* compact already: no layout to strip */
    case OUT_JSON: break;
    }
    return SW_FORMAT_JSON;
}

/* Writes one rendered result, borrowed (for JSON lines, compacted already). */
static void out_result_view(eval_output *out, const char *text, size_t len)
{
    switch (out->format) {
    case OUT_TEXT:
    case OUT_DETAIL:
        if (out->written > 0)
            out_puts(out, "\n");
        out_write(out, text, len);
        if (len == 0 || text[len - 1] != '\n')
            out_puts(out, "\n");
        break;
    case OUT_JSONL:
        out_write(out, text, len);
        out_puts(out, "\n");
        break;
    case OUT_YAML:
        if (len < 4 || memcmp(text, "---", 3) != 0 || (text[3] != '\n' && text[3] != ' '))
            out_puts(out, "---\n");
        out_write(out, text, len);
        if (len == 0 || text[len - 1] != '\n')
            out_puts(out, "\n");
        break;
    case OUT_JSON:
        if (!out->array_open) {
            out->pending = malloc(len + 1);
            if (out->pending == NULL) {
                out->failed = 1;
                out->error_number = ENOMEM;
                return;
            }
            memcpy(out->pending, text, len);
            out->pending[len] = '\0';
            out->pending_len = len;
            out->written++;
            return;
        }
        out_json_element(out, text, len);
        break;
    }
    out->written++;
}

/* Writes one rendered result; takes ownership of text (freed with sw_free). JSON
 * lines come compact from the library (SW_FORMAT_JSONL): only the newline it ends
 * with goes, for out_result_view writes its own. */
static void out_result(eval_output *out, char *text, size_t len)
{
    if (out->format == OUT_JSONL)
        len = cli_trim_newlines(text, len);
    out_result_view(out, text, len);
    sw_free(text);
}

/* Ends the output once every input has been read. */
static void out_finish(eval_output *out)
{
    if (out->format != OUT_JSON)
        return;
    if (out->array_open) {
        out_puts(out, out->array_items > 0 ? "\n]\n" : "]\n");
    } else if (out->documents == 0) {
        out_puts(out, "[]\n");
    } else if (out->pending != NULL) {
        out_write(out, out->pending, cli_trim_newlines(out->pending, out->pending_len));
        out_puts(out, "\n");
    }
    free(out->pending);
    out->pending = NULL;
}

/* ---- diagnostics per document ---- */

/* Records the diagnostics of the document at position (if any, or if it was
 * skipped). Returns CLI_EXIT_OK or CLI_EXIT_INTERNAL. */
static int notes_add_text(doc_notes *notes, size_t position, int skipped, const char *text,
                          size_t len);

static int notes_add(doc_notes *notes, size_t position, int skipped,
                     const sw_diagnostics *diags)
{
    if (sw_diagnostics_count(diags) == 0)
        return skipped ? notes_add_text(notes, position, 1, NULL, 0) : CLI_EXIT_OK;
    char *text = NULL;
    size_t len = 0;
    sw_status status = sw_diagnostics_render(diags, &text, &len);
    if (status != SW_OK)
        return cli_fail_status(status, "rendering diagnostics");
    int code = notes_add_text(notes, position, skipped, text, len);
    sw_free(text); /* the library's buffer; the note keeps a copy */
    return code;
}

/* The same for diagnostics already rendered (text, len; NULL for none), copied. */
static int notes_add_text(doc_notes *notes, size_t position, int skipped, const char *text,
                          size_t len)
{
    char *copy = NULL;

    if (text == NULL && !skipped)
        return CLI_EXIT_OK;
    if (text != NULL) {
        copy = malloc(len + 1);
        if (copy == NULL)
            return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    if (!sw_grow(&notes->items, &notes->cap, notes->count, sizeof *notes->items, 8)) {
        free(copy);
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    notes->items[notes->count++] = (doc_note){position, skipped, copy};
    return CLI_EXIT_OK;
}

/* Prints and frees the notes of one input that held total documents. */
static void notes_flush(doc_notes *notes, const char *name, size_t total)
{
    for (size_t i = 0; i < notes->count; i++) {
        doc_note *note = &notes->items[i];
        if (note->text != NULL) {
            size_t len = strlen(note->text);
            cli_write(stderr, note->text, len);
            if (len > 0 && note->text[len - 1] != '\n')
                fputc('\n', stderr);
            free(note->text);
        }
        if (note->skipped)
            fprintf(stderr, "%s: client %zu of %zu skipped\n", name, note->position, total);
    }
    free(notes->items);
    *notes = (doc_notes){0};
}

/* ---- evaluation ---- */

/* The outcome of the whole run, beyond the first fatal exit code. */
typedef struct eval_state {
    const sw_ruleset *rules;
    cli_audit_log *log;    /* --log: where each decision is recorded */
    eval_batch *batch;     /* -j N: the worker threads, or NULL */
    doc_notes notes;       /* -j N: the notes of the input being read */
    size_t count;          /* -j N: its documents so far */
    eval_output out;
    int facts_errors;      /* some document was skipped or an input refused */
    int io_errors;         /* some input could not be read */
} eval_state;

/* Evaluates one client and writes its result. Returns CLI_EXIT_OK or a fatal code. */
static int evaluate_one(eval_state *st, const sw_facts *facts)
{
    sw_result *result = NULL;
    char *text = NULL;
    size_t len = 0;

    sw_status status = sw_evaluate(st->rules, facts, &result);
    if (status != SW_OK)
        return cli_fail_status(status, "evaluating a client");
    int logged = cli_audit_log_append(st->log, st->rules, facts, result);
    if (logged != CLI_EXIT_OK) {
        sw_result_free(result);
        return logged;
    }
    status = sw_result_render(result, library_format(&st->out), &text, &len);
    sw_result_free(result);
    if (status != SW_OK)
        return cli_fail_status(status, "rendering a result");
    out_result(&st->out, text, len);
    return CLI_EXIT_OK;
}

/* Reads every client document of one input. Returns CLI_EXIT_OK (problems with the
 * input itself are recorded in st) or a fatal exit code. */
static int eval_documents(eval_state *st, const char *name, const cli_input *input,
                          sw_diagnostics *diags)
{
    sw_facts_stream *stream = NULL;
    doc_notes notes = {0};
    size_t count = 0, last_error_position = 0;
    int code = CLI_EXIT_OK;

    if (st->batch != NULL) {
        st->notes = (doc_notes){0};
        st->count = 0;
        if (eval_batch_input(st->batch, name, input->data, input->len, &code)) {
            notes_flush(&st->notes, name, st->count);
            return code;
        }
    }
    sw_facts *facts = NULL; /* read into again for every client (sw_facts_stream_read) */
    sw_status status = sw_facts_new(st->rules, &facts);
    if (status != SW_OK)
        return cli_fail_status(status, "reading facts");
    status = sw_facts_stream_open(st->rules, name, input->data, input->len, &stream);
    if (status != SW_OK)
        sw_facts_free(facts);
    if (status == SW_ERR_FACTS || status == SW_ERR_LIMIT) {
        st->facts_errors = 1;
        cli_fail(CLI_EXIT_FACTS, "%s: %s", name, sw_status_text(status));
        return CLI_EXIT_OK;
    }
    if (status != SW_OK)
        return cli_fail_status(status, "reading facts");

    while (code == CLI_EXIT_OK && !st->out.failed) {
        sw_diagnostics_clear(diags);
        status = sw_facts_stream_read(stream, facts, diags);
        if (status == SW_END)
            break;
        if (status != SW_OK && status != SW_ERR_FACTS && status != SW_ERR_LIMIT) {
            code = cli_fail_status(status, "reading facts");
            break;
        }
        count++;
        size_t position = sw_facts_stream_position(stream);
        if (position == 0)
            position = count;
        out_document(&st->out);
        if (status == SW_OK) {
            code = notes_add(&notes, position, 0, diags);
            if (code == CLI_EXIT_OK)
                code = evaluate_one(st, facts);
            continue;
        }
        st->facts_errors = 1;
        code = notes_add(&notes, position, 1, diags);
        /* A limit, or an error that did not move the stream on, ends this input. */
        if (status == SW_ERR_LIMIT || position == last_error_position)
            break;
        last_error_position = position;
    }
    sw_facts_stream_free(stream);
    sw_facts_free(facts);
    notes_flush(&notes, name, count);
    return code;
}

/* How reading one input ended. */
enum { READ_INPUT_OK, READ_INPUT_SKIPPED, READ_INPUT_FATAL };

/* Reads one input (what: "facts input", "FHIR input"; advice follows the message
 * for an input over the limit). An unreadable or too big input is reported and
 * skipped (the exit status remembers it); running out of memory ends the command. */
static int read_one_input(eval_state *st, const char *path, const char *name, const char *what,
                          const char *advice, cli_input *input)
{
    switch (cli_read_input(path, CLI_FACTS_LIMIT, input)) {
    case CLI_READ_OK:
        return READ_INPUT_OK;
    case CLI_READ_IO:
        st->io_errors = 1;
        cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", name, strerror(input->error_number));
        return READ_INPUT_SKIPPED;
    case CLI_READ_TOO_BIG:
        st->facts_errors = 1;
        cli_fail(CLI_EXIT_FACTS, CLI_TOO_BIG_FMT "%s", CLI_TOO_BIG_ARGS(name, (*input), what), advice);
        return READ_INPUT_SKIPPED;
    case CLI_READ_NOMEM:
        cli_fail(CLI_EXIT_INTERNAL, "out of memory reading '%s'", name);
        return READ_INPUT_FATAL;
    }
    return READ_INPUT_FATAL;
}

/* Evaluates one client read apart from a stream (takes facts over): here, also
 * with -j N. */
static int eval_client(eval_state *st, sw_facts *facts)
{
    out_document(&st->out);
    int code = evaluate_one(st, facts);
    sw_facts_free(facts);
    return code;
}

/* Reads one FHIR input (one client) and evaluates it. */
static int eval_fhir(eval_state *st, const char *path, const char *assessed_on,
                     sw_diagnostics *diags)
{
    const char *name = cli_input_name(path);
    cli_input input;
    int read = read_one_input(st, path, name, "FHIR input", "", &input);
    if (read != READ_INPUT_OK)
        return read == READ_INPUT_FATAL ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;
    sw_facts *facts = NULL;
    sw_diagnostics_clear(diags);
    sw_status status = sw_facts_from_fhir(st->rules, name, input.data, input.len, assessed_on,
                                          &facts, diags);
    cli_input_free(&input);
    int code = cli_print_diagnostics(diags);
    if (code != CLI_EXIT_OK || (status != SW_OK && status != SW_ERR_FACTS)) {
        sw_facts_free(facts);
        return code != CLI_EXIT_OK ? code : cli_fail_status(status, "reading FHIR");
    }
    if (status == SW_ERR_FACTS) {
        st->facts_errors = 1;
        fprintf(stderr, "%s: not evaluated\n", name);
        return CLI_EXIT_OK;
    }
    return eval_client(st, facts);
}

/* -f FACTS --fhir FILE: one client, its facts document merged with what the FHIR
 * input gives (sw_facts_merge). A fact known in one source only is taken from it;
 * when both know it and disagree, the document's value is evaluated and recorded
 * and the conflict is told on standard error (F114). FHIR's look-back windows
 * count from the document's assessed_on, else from today. */
static int eval_merged(eval_state *st, const char *facts_path, const char *fhir_path,
                       const char *today, sw_diagnostics *diags)
{
    const char *name = cli_input_name(facts_path);
    cli_input input;
    int read = read_one_input(st, facts_path, name, "facts input", "", &input);
    if (read != READ_INPUT_OK)
        return read == READ_INPUT_FATAL ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;
    sw_facts *facts = NULL;
    sw_diagnostics_clear(diags);
    sw_status status = sw_facts_parse(st->rules, name, input.data, input.len, &facts, diags);
    cli_input_free(&input);
    int code = cli_print_diagnostics(diags);
    if (code == CLI_EXIT_OK && status != SW_OK && status != SW_ERR_FACTS && status != SW_ERR_LIMIT)
        code = cli_fail_status(status, "reading facts");
    if (code != CLI_EXIT_OK || status != SW_OK) {
        sw_facts_free(facts);
        if (code == CLI_EXIT_OK) {
            st->facts_errors = 1;
            fprintf(stderr, "%s: not evaluated\n", name);
        }
        return code;
    }
    char date[11];
    const char *assessed_on = sw_facts_assessed_on(facts, date) ? date : today;
    const char *fhir_name = cli_input_name(fhir_path);
    read = read_one_input(st, fhir_path, fhir_name, "FHIR input", "", &input);
    if (read != READ_INPUT_OK) {
        sw_facts_free(facts);
        return read == READ_INPUT_FATAL ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;
    }
    sw_facts *fhir = NULL;
    sw_diagnostics_clear(diags);
    status = sw_facts_from_fhir(st->rules, fhir_name, input.data, input.len, assessed_on, &fhir,
                                diags);
    cli_input_free(&input);
    if (status == SW_OK)
        status = sw_facts_merge(facts, fhir, diags);
    sw_facts_free(fhir);
    code = cli_print_diagnostics(diags);
    if (code != CLI_EXIT_OK || (status != SW_OK && status != SW_ERR_FACTS)) {
        sw_facts_free(facts);
        return code != CLI_EXIT_OK ? code : cli_fail_status(status, "reading FHIR");
    }
    if (status == SW_ERR_FACTS) {
        sw_facts_free(facts);
        st->facts_errors = 1;
        fprintf(stderr, "%s: not evaluated\n", fhir_name);
        return CLI_EXIT_OK;
    }
    return eval_client(st, facts);
}

/* Reads one facts input and evaluates its clients. */
static int eval_input(eval_state *st, const char *path, sw_diagnostics *diags)
{
    const char *name = cli_input_name(path);
    cli_input input;
    int read = read_one_input(st, path, name, "facts input", "; split it into smaller files", &input);
    if (read != READ_INPUT_OK)
        return read == READ_INPUT_FATAL ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;
    int code = eval_documents(st, name, &input, diags);
    cli_input_free(&input);
    return code;
}

/* Whether text is a real calendar day YYYY-MM-DD from 1900-01-01 to 9999-12-31,
 * the dates the library takes (docs/language.md). */
static int cli_date_ok(const char *text)
{
    static const int days_in[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return 0;
    int y = atoi(text), m = atoi(text + 5), d = atoi(text + 8);
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days_in[m - 1] + (m == 2 && leap);
}

static int parse_format(const char *text, out_format *format)
{
    static const struct {
        const char *name;
        out_format format;
    } formats[] = {
        {"text", OUT_TEXT}, {"json", OUT_JSON}, {"jsonl", OUT_JSONL}, {"yaml", OUT_YAML},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(text, formats[i].name) == 0) {
            *format = formats[i].format;
            return 1;
        }
    }
    return 0;
}

/* -j N: one document's outcome, on the command's thread, in input order (see
 * eval_batch.h): the same steps, in the same order, as eval_documents and
 * evaluate_one take, so the output, the messages and the log are the same. */
static int batch_emit(void *ctx, const eval_doc *doc)
{
    eval_state *st = ctx;
    int skipped = doc->stage == EVAL_DOC_READ && doc->status != SW_OK;

    if (skipped && doc->status != SW_ERR_FACTS && doc->status != SW_ERR_LIMIT)
        return cli_fail_status(doc->status, "reading facts");
    st->count++;
    out_document(&st->out);
    if (doc->stage == EVAL_DOC_NOTES)
        return cli_fail_status(doc->status, "rendering diagnostics");
    if (skipped)
        st->facts_errors = 1;
    int code = notes_add_text(&st->notes, st->count, skipped, doc->notes, doc->notes_len);
    if (code != CLI_EXIT_OK)
        return code;
    if (skipped)
        return doc->ends_input ? EVAL_BATCH_STOP : CLI_EXIT_OK;
    if (doc->stage == EVAL_DOC_EVALUATE)
        return cli_fail_status(doc->status, "evaluating a client");
    code = cli_audit_log_append(st->log, st->rules, doc->facts, doc->result);
    if (code != CLI_EXIT_OK)
        return code;
    if (doc->status != SW_OK)
        return cli_fail_status(doc->status, "rendering a result");
    out_result_view(&st->out, doc->text, doc->len);
    return st->out.failed ? EVAL_BATCH_STOP : CLI_EXIT_OK;
}

/* Starts the worker threads for -j N (jobs > 1); CLI_EXIT_OK or an exit code. */
static int start_batch(eval_state *st, unsigned jobs)
{
    if (jobs <= 1)
        return CLI_EXIT_OK;
    sw_format format = library_format(&st->out);
    st->batch = eval_batch_start(st->rules, format, st->out.format == OUT_JSONL,
                                 st->log->path != NULL, jobs, isatty(STDERR_FILENO),
                                 batch_emit, st);
    if (st->batch == NULL)
        return cli_fail(CLI_EXIT_INTERNAL, "cannot start %u worker threads", jobs);
    return CLI_EXIT_OK;
}

/* Reads -j N: 1 to 256 threads, or 0 for one per online processor. */
static int parse_jobs(const char *text, unsigned *jobs)
{
    char *end = NULL;
    if (text[0] < '0' || text[0] > '9')
        return 0;
    errno = 0;
    unsigned long n = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || n > 256)
        return 0;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus >= 1 ? (unsigned long)(cpus > 256 ? 256 : cpus) : 1;
    }
    *jobs = (unsigned)n;
    return 1;
}

/* Evaluates every facts input in turn; returns the exit code. */
static int run(const char *const *rule_paths, size_t nrules, const char *const *facts_paths,
               size_t nfacts, const char *const *fhir_paths, size_t nfhir,
               const char *assessed_on, out_format format, cli_audit_log *log, unsigned jobs)
{
    eval_state st = {0};
    int code;

    /* Name every missing facts file before the rules are even loaded. */
    for (size_t i = 0; i < nfacts + nfhir; i++) {
        const char *path = i < nfacts ? facts_paths[i] : fhir_paths[i - nfacts];
        int error_number = 0;
        if (!cli_can_open(path, 1, &error_number)) {
            cli_fail(CLI_EXIT_IO, "cannot read '%s': %s", path, strerror(error_number));
            st.io_errors = 1;
        }
    }
    if (st.io_errors)
        return CLI_EXIT_IO;

    sw_ruleset *rules = NULL;
    code = cli_load_rules(rule_paths, nrules, &rules);
    if (code == CLI_EXIT_OK && log->options.production)
        code = cli_audit_require_production(rules);
    if (code != CLI_EXIT_OK) {
        sw_ruleset_free(rules);
        return code;
    }

    sw_diagnostics *diags = sw_diagnostics_new();
    if (diags == NULL) {
        sw_ruleset_free(rules);
        return cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    st.rules = rules;
    st.log = log;
    st.out.format = format;
    code = start_batch(&st, jobs);
    if (nfacts == 1 && nfhir == 1 && code == CLI_EXIT_OK) {
        code = eval_merged(&st, facts_paths[0], fhir_paths[0], assessed_on, diags);
        nfacts = nfhir = 0;
    }
    for (size_t i = 0; i < nfacts && code == CLI_EXIT_OK && !st.out.failed; i++)
        code = eval_input(&st, facts_paths[i], diags);
    for (size_t i = 0; i < nfhir && code == CLI_EXIT_OK && !st.out.failed; i++)
        code = eval_fhir(&st, fhir_paths[i], assessed_on, diags);
    eval_batch_free(st.batch);
    if (code == CLI_EXIT_OK)
        out_finish(&st.out);
    free(st.out.pending);
    sw_diagnostics_free(diags);
    sw_ruleset_free(rules);

    if (code != CLI_EXIT_OK)
        return code;
    if (!st.out.failed) {
        errno = 0;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            st.out.failed = 1;
            st.out.error_number = errno != 0 ? errno : EIO;
        }
    }
    if (st.out.failed)
        return cli_fail(CLI_EXIT_IO, "cannot write the results to standard output: %s",
                        strerror(st.out.error_number));
    if (st.io_errors)
        return CLI_EXIT_IO;
    return st.facts_errors ? CLI_EXIT_FACTS : CLI_EXIT_OK;
}

int cli_cmd_eval(int argc, char **argv)
{
    const char **rule_paths = malloc((size_t)argc * sizeof *rule_paths);
    const char **facts_paths = malloc((size_t)argc * sizeof *facts_paths);
    const char **fhir_paths = malloc((size_t)argc * sizeof *fhir_paths);
    size_t nrules = 0, nfacts = 0, nfhir = 0;
    const char *assessed_on = NULL;
    char today[11];
    out_format format = OUT_TEXT;
    int detail = 0;
    int stdin_used = 0, id, code = CLI_EXIT_OK, production = 0;
    const char *value, *log_path = NULL, *key_path = NULL, *decision_id = NULL,
        *timestamp = NULL, *store_url = NULL;
    cli_args args;
    cli_audit_log log;
    unsigned jobs = 1;

    if (rule_paths == NULL || facts_paths == NULL || fhir_paths == NULL) {
        code = cli_fail(CLI_EXIT_INTERNAL, "out of memory");
        goto done;
    }
    cli_args_init(&args, argc, argv, 1, eval_options,
                  sizeof eval_options / sizeof eval_options[0]);
    for (;;) {
        cli_arg_kind kind = cli_args_next(&args, &id, &value);
        if (kind == CLI_ARG_END)
            break;
        if (kind == CLI_ARG_ERROR) {
            code = cli_usage_error("eval", "%s", args.error);
            goto done;
        }
        if (kind == CLI_ARG_POSITIONAL) {
            if (strcmp(value, "-") == 0) {
                code = cli_usage_error("eval", "rules cannot be read from standard input "
                                               "(use -f - for facts)");
                goto done;
            }
            rule_paths[nrules++] = value;
            continue;
        }
        switch (id) {
        case OPT_HELP:
            fputs(cli_eval_help, stdout);
            goto done;
        case OPT_FACTS:
            if (strcmp(value, "-") == 0) {
                if (stdin_used) {
                    code = cli_usage_error("eval", "standard input can be read only once");
                    goto done;
                }
                stdin_used = 1;
            }
            facts_paths[nfacts++] = value;
            break;
        case OPT_FHIR:
            if (strcmp(value, "-") == 0) {
                if (stdin_used) {
                    code = cli_usage_error("eval", "standard input can be read only once");
                    goto done;
                }
                stdin_used = 1;
            }
            fhir_paths[nfhir++] = value;
            break;
        case OPT_ASSESSED_ON:
            assessed_on = value;
            break;
        case OPT_FORMAT:
            if (!parse_format(value, &format)) {
                code = cli_usage_error("eval",
                                       "unknown format '%s' (expected text, json, jsonl "
                                       "or yaml)", value);
                goto done;
            }
            break;
        case OPT_PRODUCTION:
            production = 1;
            break;
        case OPT_DETAIL:
            detail = 1;
            break;
        case OPT_LOG:
            log_path = value;
            break;
        case OPT_STORE:
            store_url = value;
            break;
        case OPT_KEY:
            key_path = value;
            break;
        case OPT_DECISION_ID:
            decision_id = value;
            break;
        case OPT_TIMESTAMP:
            timestamp = value;
            break;
        case OPT_JOBS:
            if (!parse_jobs(value, &jobs)) {
                code = cli_usage_error("eval", "-j wants a number of threads from 0 to 256, "
                                               "not '%s'", value);
                goto done;
            }
            break;
        default:
            break;
        }
    }
    if (detail && format != OUT_TEXT) {
        code = cli_usage_error("eval", "--detail goes with --format text (the default)");
        goto done;
    }
    if (detail)
        format = OUT_DETAIL;
    if (log_path && store_url) {
        code = cli_usage_error("eval", "give --log FILE or --store URL, not both");
        goto done;
    }
    if (store_url && !sw_store_is_url(store_url)) {
        code = cli_usage_error("eval", "--store needs a PostgreSQL URL (postgresql://...)");
        goto done;
    }
    if (!log_path && !store_url && (key_path || decision_id || timestamp)) {
        code = cli_usage_error("eval", "--pseudonym-key, --decision-id and --timestamp "
                                       "need --log FILE or --store URL");
        goto done;
    }
    if (timestamp && !cli_audit_timestamp_ok(timestamp)) {
        code = cli_usage_error("eval", "--timestamp needs YYYY-MM-DDTHH:MM:SSZ, got '%s'",
                               timestamp);
        goto done;
    }
    if (nrules == 0) {
        code = cli_usage_error("eval", "no rule files given");
        goto done;
    }
    if (nfacts == 0 && nfhir == 0) {
        code = cli_usage_error("eval", "no facts given (use -f FILE, or -f - for "
                                       "standard input, or --fhir FILE)");
        goto done;
    }
    if (nfacts > 0 && nfhir > 0 && (nfacts > 1 || nfhir > 1)) {
        code = cli_usage_error("eval", "-f with --fhir merges one client's facts document "
                                       "with its FHIR record: give one of each");
        goto done;
    }
    if (assessed_on && nfacts > 0 && nfhir > 0) {
        code = cli_usage_error("eval", "with -f and --fhir, the facts document's assessed_on "
                                       "is the assessment date (--assessed-on is for --fhir "
                                       "alone)");
        goto done;
    }
    if (assessed_on && nfhir == 0) {
        code = cli_usage_error("eval", "--assessed-on goes with --fhir (a facts file "
                                       "gives its own assessed_on)");
        goto done;
    }
    if (assessed_on && !cli_date_ok(assessed_on)) {
        code = cli_usage_error("eval", "--assessed-on needs a real date YYYY-MM-DD, got '%s'",
                               assessed_on);
        goto done;
    }
    if (!assessed_on) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
        assessed_on = today;
    }
    code = cli_audit_log_open(&log, log_path, key_path, decision_id, timestamp, production);
    if (code == CLI_EXIT_OK)
        code = cli_audit_log_use_store(&log, store_url);
    if (code == CLI_EXIT_OK)
        code = run(rule_paths, nrules, facts_paths, nfacts, fhir_paths, nfhir, assessed_on,
                   format, &log, jobs);
    cli_audit_log_close(&log);

done:
    free(rule_paths);
    free(facts_paths);
    free(fhir_paths);
    return code;
}
