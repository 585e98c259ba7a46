/*
 * store_pg.c - the decision store: chained decision records in PostgreSQL (libpq).
 *
 * The store holds the same records as the file log (auditlog.c), built and chained
 * by the same code (record.c, sw_log_chain_after) and verified by the same verifier
 * (sw_log_verify_stream). An append is one transaction: take the advisory lock
 * SW_STORE_LOCK (so appenders from every process queue up), read the record with
 * the highest seq, build the new record chained to it, INSERT, COMMIT. Anything
 * short of a successful COMMIT is an error and nothing is reported as recorded.
 *
 * CDS Hooks feedback is chained the same way in a chain of its own (table
 * feedback, lock SW_FEEDBACK_LOCK), each record naming the decision whose card it
 * is about (table cards, filled in the decision's transaction). Reading, for
 * verify, replay and the workbench, goes through a cursor (FETCH of
 * SW_STORE_BATCH rows at a time in one REPEATABLE READ transaction), so memory
 * does not grow with the store.
 *
 * Schema (docs/audit.md), version 2: schema_version(version), decisions(seq,
 * hash, prev, record, created_at, decision_id), cards(card, decision_seq),
 * feedback(seq, hash, prev, card, decision_seq, record, created_at). record is
 * text, not jsonb, so the bytes that were hashed are kept as they are.
 */
#define _POSIX_C_SOURCE 200809L

#include "audit/auditlog.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/record.h"
#include "lang/diag.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/json.h"

/* pg_advisory_xact_lock keys: appending decisions, migrating, appending feedback
 * ("SWDEC", "SWMIG", "SWFBK"). */
#define SW_STORE_LOCK "358068143427"
#define SW_STORE_MIGRATE_LOCK "358068407623"
#define SW_FEEDBACK_LOCK "358067552843"

/* Rows fetched from a cursor at a time: at most this many records in memory. */
#define SW_STORE_BATCH "64"

struct sw_store {
    PGconn *conn;
    char where[256];   /* the URL without its password, for diagnostics */
};

/* The schema, one step per version: migration i brings version i to i + 1. */
static const char *const migrations[] = {
    "CREATE TABLE decisions ("
    " seq bigint PRIMARY KEY,"
    " hash text NOT NULL UNIQUE,"
    " prev text NOT NULL,"
    " record text NOT NULL,"
    " created_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE feedback ("
    " id bigserial PRIMARY KEY,"
    " decision_hash text NOT NULL,"
    " created_at timestamptz NOT NULL DEFAULT now(),"
    " body text NOT NULL);",
    /* 2: decisions found by decision_id (the workbench), cards issued with a
     * decision, and feedback as a chain of records (the version 1 feedback table
     * was never written; should it hold rows, it is kept as feedback_v1). */
    "ALTER TABLE decisions ADD COLUMN decision_id text;"
    "UPDATE decisions SET decision_id = substring(record from '\"decision_id\":\"([^\"]*)\"');"
    "CREATE INDEX decisions_decision_id ON decisions (decision_id);"
    "CREATE TABLE cards ("
    " card text PRIMARY KEY,"
    " decision_seq bigint NOT NULL);"
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM feedback) THEN ALTER TABLE feedback RENAME TO "
    "feedback_v1; ELSE DROP TABLE feedback; END IF; END $$;"
    "CREATE TABLE feedback ("
    " seq bigint PRIMARY KEY,"
    " hash text NOT NULL UNIQUE,"
    " prev text NOT NULL,"
    " card text NOT NULL,"
    " decision_seq bigint NOT NULL,"
    " record text NOT NULL,"
    " created_at timestamptz NOT NULL DEFAULT now());",
};
#define SW_STORE_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int sw_store_is_url(const char *text)
{
    return text && (strncmp(text, "postgresql://", 13) == 0 || strncmp(text, "postgres://", 11) == 0);
}

void sw_store_redact_url(const char *url, char *out, size_t size)
{
    sw_buf b = SW_BUF_INIT;
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t auth = strcspn(p, "/?");
    const char *at = NULL;
    for (const char *q = p; q < p + auth; q++)
        if (*q == '@')
            at = q;
    const char *colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
    if (colon) {
        sw_buf_append(&b, url, (size_t)(colon + 1 - url));
        sw_buf_puts(&b, "***");
        p = at;
    } else {
        sw_buf_append(&b, url, (size_t)(p - url));
    }
    /* the rest, with password=... in the query replaced */
    while (*p) {
        const char *key = strstr(p, "password=");
        if (!key || (key != p && key[-1] != '?' && key[-1] != '&')) {
            if (!key) {
                sw_buf_puts(&b, p);
                break;
            }
            sw_buf_append(&b, p, (size_t)(key + 9 - p));
            p = key + 9;
            continue;
        }
        sw_buf_append(&b, p, (size_t)(key + 9 - p));
        sw_buf_puts(&b, "***");
        p = key + 9 + strcspn(key + 9, "&");
    }
    if (size > 0) {
        const char *text = sw_buf_failed(&b) || !b.data ? "(store)" : b.data;
        snprintf(out, size, "%s", text);
    }
    sw_buf_free(&b);
}

/* An A030 error naming the store; detail is libpq's message (may be NULL). */
static sw_status store_error(sw_diagnostics *diags, const sw_store *store, const char *what,
                             const char *detail)
{
    if (diags) {
        size_t n = detail ? strlen(detail) : 0;
        while (n > 0 && (detail[n - 1] == '\n' || detail[n - 1] == ' '))
            n--;
        sw_diag_add(diags, SW_SEV_ERROR, "A030", (sw_where){store ? store->where : "store", NULL, 0, 0, 0},
                    NULL, NULL, "%s%s%.*s", what, n ? ": " : "", (int)n, n ? detail : "");
    }
    return SW_ERR_IO;
}

sw_status sw_store_open(const char *url, sw_store **out, sw_diagnostics *diags)
{
    if (!url || !out)
        return SW_ERR_ARG;
    *out = NULL;
    sw_store *s = calloc(1, sizeof *s);
    if (!s)
        return SW_ERR_NOMEM;
    sw_store_redact_url(url, s->where, sizeof s->where);
    s->conn = PQconnectdb(url);
    if (!s->conn) {
        free(s);
        return SW_ERR_NOMEM;
    }
    if (PQstatus(s->conn) != CONNECTION_OK) {
        sw_status st = store_error(diags, s, "cannot connect to the decision store",
                                   PQerrorMessage(s->conn));
        sw_store_close(s);
        return st;
    }
    *out = s;
    return SW_OK;
}

void sw_store_close(sw_store *store)
{
    if (!store)
        return;
    PQfinish(store->conn);
    free(store);
}

/* Runs a command without parameters; 1 when it succeeded. */
static int exec_ok(sw_store *s, const char *sql)
{
    PGresult *r = PQexec(s->conn, sql);
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    PQclear(r);
    return ok;
}

/* Ends a failed transaction, reporting what failed with libpq's message. */
static sw_status fail_rollback(sw_store *s, sw_diagnostics *diags, const char *what)
{
    sw_status st = store_error(diags, s, what, PQerrorMessage(s->conn));
    PQclear(PQexec(s->conn, "ROLLBACK"));
    return st;
}

sw_status sw_store_migrate(sw_store *s, int *from, int *to, sw_diagnostics *diags)
{
    if (!s)
        return SW_ERR_ARG;
    if (!exec_ok(s, "BEGIN") ||
        !exec_ok(s, "SELECT pg_advisory_xact_lock(" SW_STORE_MIGRATE_LOCK ")") ||
        !exec_ok(s, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)"))
        return fail_rollback(s, diags, "cannot migrate the decision store");
    PGresult *r = PQexec(s->conn, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        PQclear(r);
        return fail_rollback(s, diags, "cannot read the decision store's schema version");
    }
    int found = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (found > SW_STORE_VERSION) {
        PQclear(PQexec(s->conn, "ROLLBACK"));
        char msg[128];
        snprintf(msg, sizeof msg, "the decision store's schema is version %d, newer than this "
                 "Stagewise knows (%d)", found, SW_STORE_VERSION);
        return store_error(diags, s, msg, NULL);
    }
    for (int v = found; v < SW_STORE_VERSION; v++) {
        char set[96];
        snprintf(set, sizeof set, "DELETE FROM schema_version; INSERT INTO schema_version "
                 "VALUES (%d)", v + 1);
        if (!exec_ok(s, migrations[v]) || !exec_ok(s, set))
            return fail_rollback(s, diags, "cannot migrate the decision store");
    }
    if (!exec_ok(s, "COMMIT"))
        return store_error(diags, s, "cannot migrate the decision store", PQerrorMessage(s->conn));
    if (from)
        *from = found;
    if (to)
        *to = SW_STORE_VERSION;
    return SW_OK;
}

/* In the open transaction: the seq and prev of the next record of a chain (the
 * decisions' or the feedback's). */
static sw_status store_head(sw_store *s, const char *table, const char *format, uint64_t *seq,
                            char prev[65], sw_diagnostics *diags)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT record FROM %s ORDER BY seq DESC LIMIT 1", table);
    PGresult *r = PQexec(s->conn, sql);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return fail_rollback(s, diags, "cannot read the decision store's last record");
    }
    sw_status st = SW_OK;
    if (PQntuples(r) == 0) {
        *seq = 1;
        memcpy(prev, SW_LOG_GENESIS, 65);
    } else if (!sw_log_chain_after_of(format, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0),
                                      seq, prev)) {
        PQclear(PQexec(s->conn, "ROLLBACK"));
        char msg[200];
        snprintf(msg, sizeof msg, "the last row of the store's %s table is not an intact record "
                 "(run `stagewise audit verify` on the store); nothing was appended", table);
        st = store_error(diags, s, msg, NULL);
    }
    PQclear(r);
    return st;
}

/* Runs a command with parameters; 1 when it succeeded. */
static int exec_params_ok(sw_store *s, const char *sql, int n, const char *const *values)
{
    PGresult *r = PQexecParams(s->conn, sql, n, NULL, values, NULL, NULL, 0);
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    PQclear(r);
    return ok;
}

/* Commits; reports a failure (nothing was recorded). */
static sw_status commit(sw_store *s, sw_diagnostics *diags)
{
    PGresult *r = PQexec(s->conn, "COMMIT");
    int committed = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return committed ? SW_OK
                     : store_error(diags, s, "cannot commit to the decision store; nothing was "
                                   "recorded", PQerrorMessage(s->conn));
}

static int is_card_uuid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n != 36)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == '-' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

/* Begins a transaction holding the advisory lock key (after a reconnect when the
 * connection was lost). */
static sw_status begin_locked(sw_store *s, const char *key, sw_diagnostics *diags)
{
    char sql[64];
    if (PQstatus(s->conn) != CONNECTION_OK)
        PQreset(s->conn);   /* the server restarted, or the connection was cut: try again */
    snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%s)", key);
    if (!exec_ok(s, "BEGIN") || !exec_ok(s, sql))
        return fail_rollback(s, diags, "cannot append to the decision store");
    return SW_OK;
}

sw_status sw_store_append_cards(sw_store *s, const sw_ruleset *rules, const sw_facts *facts,
                                const sw_result *result, const sw_record_options *options,
                                const char *const *cards, size_t ncards, sw_log_entry *entry,
                                sw_diagnostics *diags)
{
    if (!s || !rules || !facts || !result || (ncards && !cards))
        return SW_ERR_ARG;
    for (size_t i = 0; i < ncards; i++)
        if (!is_card_uuid(cards[i]))
            return SW_ERR_ARG;
    sw_status st = begin_locked(s, SW_STORE_LOCK, diags);
    if (st != SW_OK)
        return st;
    uint64_t seq = 0;
    char prev[65], id[65] = "", hash[65], seq_text[24];
    st = store_head(s, "decisions", SW_RECORD_FORMAT_NAME, &seq, prev, diags);
    if (st != SW_OK)
        return st;
    sw_buf line = SW_BUF_INIT, list = SW_BUF_INIT;
    st = sw_record_build(rules, facts, result, options, seq, prev, &line, id);
    if (st == SW_OK && !sw_sha256_hex(line.data, line.len - 1, hash))
        st = SW_ERR_NOMEM;
    /* the cards as a PostgreSQL array literal: uuids need no quoting */
    sw_buf_putc(&list, '{');
    for (size_t i = 0; i < ncards; i++) {
        if (i)
            sw_buf_putc(&list, ',');
        sw_buf_puts(&list, cards[i]);
    }
    sw_buf_putc(&list, '}');
    if (st == SW_OK && sw_buf_failed(&list))
        st = SW_ERR_NOMEM;
    if (st != SW_OK) {
        sw_buf_free(&line);
        sw_buf_free(&list);
        PQclear(PQexec(s->conn, "ROLLBACK"));
        return st;
    }
    line.data[line.len - 1] = '\0';   /* the row holds the line without its newline */
    snprintf(seq_text, sizeof seq_text, "%llu", (unsigned long long)seq);
    const char *values[5] = {seq_text, hash, prev, line.data, id};
    const char *card_values[2] = {list.data, seq_text};
    int inserted = exec_params_ok(s, "INSERT INTO decisions (seq, hash, prev, record, decision_id) "
                                  "VALUES ($1, $2, $3, $4, $5)", 5, values) &&
                   (ncards == 0 ||
                    exec_params_ok(s, "INSERT INTO cards (card, decision_seq) SELECT "
                                   "unnest($1::text[]), $2 ON CONFLICT (card) DO UPDATE SET "
                                   "decision_seq = excluded.decision_seq", 2, card_values));
    sw_buf_free(&line);
    sw_buf_free(&list);
    if (!inserted)
        return fail_rollback(s, diags, "cannot append to the decision store; nothing was recorded");
    st = commit(s, diags);
    if (st == SW_OK && entry) {
        entry->seq = seq;
        memcpy(entry->hash, hash, sizeof hash);
        memcpy(entry->decision_id, id, sizeof id);
    }
    return st;
}

sw_status sw_store_append(sw_store *s, const sw_ruleset *rules, const sw_facts *facts,
                          const sw_result *result, const sw_record_options *options,
                          sw_log_entry *entry, sw_diagnostics *diags)
{
    return sw_store_append_cards(s, rules, facts, result, options, NULL, 0, entry, diags);
}

/* ==== feedback ================================================================ */

/* An A031 error: feedback about a card no stored decision issued. */
static sw_status unknown_card(sw_store *s, sw_diagnostics *diags, size_t index, const char *card)
{
    PQclear(PQexec(s->conn, "ROLLBACK"));
    if (diags)
        sw_diag_add(diags, SW_SEV_ERROR, "A031", (sw_where){s->where, NULL, 0, 0, 0}, NULL,
                    "feedback is taken only on cards this service issued with --store",
                    "feedback[%zu].card %s is not a card of any decision in the decision store; "
                    "nothing was recorded", index, card);
    return SW_ERR_ARG;
}

/* Builds feedback record seq (chained to prev) about decision (dseq, did, dhash)
 * from the members of body; the line, without a newline, goes to out. */
static int feedback_record(sw_buf *out, uint64_t seq, const char *prev, const char *dhash,
                           const char *dseq, const char *did, const sw_feedback_entry *e)
{
    char hex[65];
    out->len = 0;
    sw_buf_printf(out, "{\"format\":\"" SW_FEEDBACK_FORMAT_NAME "\",\"format_version\":\"1.0\","
                  "\"seq\":%llu,\"prev\":\"%s\",\"decision_hash\":\"%s\",\"decision_seq\":%s,"
                  "\"decision_id\":", (unsigned long long)seq, prev, dhash, dseq);
    sw_json_put_string(out, did, strlen(did));
    sw_buf_puts(out, ",\"card\":");
    sw_json_put_string(out, e->card, strlen(e->card));
    /* the body's members, without its braces */
    if (e->body_len > 2) {
        sw_buf_putc(out, ',');
        sw_buf_append(out, e->body + 1, e->body_len - 2);
    }
    sw_buf_putc(out, '}');
    if (sw_buf_failed(out) || !sw_sha256_hex(out->data, out->len, hex))
        return 0;
    out->len--;   /* the record is sealed with the hash of the line without it */
    sw_buf_printf(out, SW_RECORD_HASH_KEY "%s\"}", hex);
    return !sw_buf_failed(out);
}

/* Whether a body is a JSON object's text: '{' ... '}' without a newline. */
static int body_ok(const sw_feedback_entry *e)
{
    return e->body && e->body_len >= 2 && e->body[0] == '{' && e->body[e->body_len - 1] == '}' &&
           !memchr(e->body, '\n', e->body_len) && !memchr(e->body, '\0', e->body_len);
}

sw_status sw_store_append_feedback(sw_store *s, const sw_feedback_entry *entries, size_t n,
                                   sw_diagnostics *diags)
{
    if (!s || (n && !entries))
        return SW_ERR_ARG;
    for (size_t i = 0; i < n; i++)
        if (!is_card_uuid(entries[i].card) || !body_ok(&entries[i]))
            return SW_ERR_ARG;
    sw_status st = begin_locked(s, SW_FEEDBACK_LOCK, diags);
    if (st != SW_OK)
        return st;
    uint64_t seq = 0;
    char prev[65], hash[65], seq_text[24];
    st = store_head(s, "feedback", SW_FEEDBACK_FORMAT_NAME, &seq, prev, diags);
    if (st != SW_OK)
        return st;
    sw_buf line = SW_BUF_INIT;
    for (size_t i = 0; i < n && st == SW_OK; i++, seq++) {
        const char *card[1] = {entries[i].card};
        PGresult *r = PQexecParams(s->conn, "SELECT d.seq, d.hash, coalesce(d.decision_id, '') "
                                   "FROM cards c JOIN decisions d ON d.seq = c.decision_seq "
                                   "WHERE c.card = lower($1)", 1, NULL, card, NULL, NULL, 0);
        if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
            PQclear(r);
            st = fail_rollback(s, diags, "cannot append to the decision store; nothing was recorded");
            break;
        }
        if (PQntuples(r) != 1) {
            PQclear(r);
            st = unknown_card(s, diags, i, entries[i].card);
            break;
        }
        if (!feedback_record(&line, seq, prev, PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0),
                             PQgetvalue(r, 0, 2), &entries[i]) ||
            !sw_sha256_hex(line.data, line.len, hash)) {
            PQclear(r);
            PQclear(PQexec(s->conn, "ROLLBACK"));
            st = SW_ERR_NOMEM;
            break;
        }
        snprintf(seq_text, sizeof seq_text, "%llu", (unsigned long long)seq);
        const char *values[6] = {seq_text, hash, prev, entries[i].card, PQgetvalue(r, 0, 0), line.data};
        int inserted = exec_params_ok(s, "INSERT INTO feedback (seq, hash, prev, card, decision_seq, "
                                      "record) VALUES ($1, $2, $3, lower($4), $5, $6)", 6, values);
        PQclear(r);
        if (!inserted)
            st = fail_rollback(s, diags, "cannot append feedback to the decision store; nothing "
                               "was recorded");
        memcpy(prev, hash, sizeof hash);
    }
    sw_buf_free(&line);
    return st == SW_OK ? commit(s, diags) : st;
}

/* ==== reading through a cursor ================================================ */

struct sw_store_cursor {
    sw_store *s;
    PGresult *batch;     /* the rows fetched last */
    int row, rows;
    int done;
    sw_buf line;         /* the current row's record and a newline */
};

/* Opens a cursor over query (its first column is a record) in a read-only
 * snapshot: appends committed meanwhile are not seen. */
static sw_status cursor_open(sw_store *s, const char *query, sw_store_cursor **out,
                             sw_diagnostics *diags)
{
    *out = NULL;
    sw_store_cursor *c = calloc(1, sizeof *c);
    if (!c)
        return SW_ERR_NOMEM;
    c->s = s;
    sw_buf sql = SW_BUF_INIT;
    sw_buf_printf(&sql, "DECLARE sw_records NO SCROLL CURSOR FOR %s", query);
    if (sw_buf_failed(&sql)) {
        free(c);
        return SW_ERR_NOMEM;
    }
    if (!exec_ok(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") || !exec_ok(s, sql.data)) {
        sw_buf_free(&sql);
        free(c);
        return fail_rollback(s, diags, "cannot read the decision store");
    }
    sw_buf_free(&sql);
    *out = c;
    return SW_OK;
}

sw_status sw_store_cursor_open(sw_store *s, sw_store_cursor **out, sw_diagnostics *diags)
{
    if (!s || !out)
        return SW_ERR_ARG;
    return cursor_open(s, "SELECT record FROM decisions ORDER BY seq", out, diags);
}

sw_status sw_store_cursor_next(sw_store_cursor *c, const char **record, size_t *len,
                               sw_diagnostics *diags)
{
    if (!c || !record || !len)
        return SW_ERR_ARG;
    *record = NULL;
    *len = 0;
    if (c->done)
        return SW_OK;
    if (c->row >= c->rows) {
        PQclear(c->batch);
        c->batch = PQexec(c->s->conn, "FETCH " SW_STORE_BATCH " FROM sw_records");
        c->row = 0;
        c->rows = 0;
        if (!c->batch || PQresultStatus(c->batch) != PGRES_TUPLES_OK) {
            c->done = 1;
            return store_error(diags, c->s, "cannot read the decision store",
                               PQerrorMessage(c->s->conn));
        }
        c->rows = PQntuples(c->batch);
        if (c->rows == 0) {
            c->done = 1;
            return SW_OK;
        }
    }
    c->line.len = 0;
    sw_buf_append(&c->line, PQgetvalue(c->batch, c->row, 0),
                  (size_t)PQgetlength(c->batch, c->row, 0));
    sw_buf_putc(&c->line, '\n');
    c->row++;
    if (sw_buf_failed(&c->line))
        return SW_ERR_NOMEM;
    *record = c->line.data;
    *len = c->line.len;
    return SW_OK;
}

void sw_store_cursor_close(sw_store_cursor *c)
{
    if (!c)
        return;
    PQclear(c->batch);
    PQclear(PQexec(c->s->conn, "ROLLBACK"));   /* read only: nothing to keep */
    sw_buf_free(&c->line);
    free(c);
}

/* The verifier's line source: the cursor's rows; a read error is kept in status. */
typedef struct cursor_lines {
    sw_store_cursor *c;
    sw_diagnostics *diags;
    sw_status status;
} cursor_lines;

static int next_row(void *ctx, const char **line, size_t *len)
{
    cursor_lines *cl = ctx;
    if (cl->status != SW_OK)
        return -1;
    cl->status = sw_store_cursor_next(cl->c, line, len, cl->diags);
    return cl->status != SW_OK ? -1 : *line != NULL;
}

/* Verifies one chain, read through a cursor over query. */
static sw_status verify_chain(sw_store *s, const char *query, const char *format,
                              const char *expect_head, sw_log_verdict *out, sw_diagnostics *diags)
{
    sw_store_cursor *c = NULL;
    sw_status st = cursor_open(s, query, &c, diags);
    if (st != SW_OK)
        return st;
    cursor_lines cl = {c, diags, SW_OK};
    st = sw_log_verify_lines(format, next_row, &cl, expect_head, out);
    sw_store_cursor_close(c);
    return cl.status != SW_OK ? cl.status : st;
}

sw_status sw_store_verify(sw_store *s, const char *expect_head, sw_log_verdict *out,
                          sw_diagnostics *diags)
{
    if (!s || !out)
        return SW_ERR_ARG;
    return verify_chain(s, "SELECT record FROM decisions ORDER BY seq", SW_RECORD_FORMAT_NAME,
                        expect_head, out, diags);
}

/* The first feedback record whose decision (by the seq and hash it records) is
 * not in the store as it was: removed, or altered. */
static sw_status feedback_references(sw_store *s, sw_log_verdict *out, sw_diagnostics *diags)
{
    PGresult *r = PQexec(s->conn,
        "SELECT f.seq, substring(f.record from '\"decision_hash\":\"([0-9a-f]{64})\"') "
        "FROM feedback f LEFT JOIN decisions d ON d.seq = "
        "substring(f.record from '\"decision_seq\":([0-9]{1,18})')::bigint "
        "WHERE d.seq IS NULL OR encode(sha256(convert_to(d.record, 'UTF8')), 'hex') IS DISTINCT "
        "FROM substring(f.record from '\"decision_hash\":\"([0-9a-f]{64})\"') "
        "ORDER BY f.seq LIMIT 1");
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return store_error(diags, s, "cannot read the decision store", PQerrorMessage(s->conn));
    }
    if (PQntuples(r) == 1) {
        unsigned long long seq = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
        out->state = SW_LOG_REMOVED;
        out->line = seq;
        out->records = seq - 1;
        snprintf(out->message, sizeof out->message, "feedback record %llu is about decision %.64s, "
                 "which the store no longer holds as it was: the decision was removed or altered",
                 seq, PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return SW_OK;
}

sw_status sw_store_verify_feedback(sw_store *s, sw_log_verdict *out, sw_diagnostics *diags)
{
    if (!s || !out)
        return SW_ERR_ARG;
    sw_status st = verify_chain(s, "SELECT record FROM feedback ORDER BY seq",
                                SW_FEEDBACK_FORMAT_NAME, NULL, out, diags);
    if (st == SW_OK && out->state == SW_LOG_INTACT)
        st = feedback_references(s, out, diags);
    return st;
}

/* ==== one decision, for the workbench ========================================= */

/* Checks record seq (line) against its neighbours before and after (rows of r,
 * seq order) and the store's last seq. */
static void check_neighbours(PGresult *r, int at, uint64_t seq, uint64_t last, sw_log_verdict *v)
{
    const char *line = PQgetvalue(r, at, 1);
    size_t len = (size_t)PQgetlength(r, at, 1);
    char prev[65], hex[65], other_prev[65];
    uint64_t rseq = 0, other_seq;
    v->state = SW_LOG_ALTERED;
    v->line = seq;
    if (!sw_log_parse_chain(line, len, &rseq, prev) || !sw_record_seal(line, len, hex) ||
        memcmp(line + len - 66, hex, 64) != 0 || rseq != seq) {
        snprintf(v->message, sizeof v->message, "record %llu was altered: its content does not "
                 "match its hash", (unsigned long long)seq);
        return;
    }
    sw_sha256_hex(line, len, v->head);
    v->records = 1;
    int before = at > 0 && strtoull(PQgetvalue(r, at - 1, 0), NULL, 10) == seq - 1;
    if (seq == 1 ? strcmp(prev, SW_LOG_GENESIS) != 0 : !before) {
        v->state = seq == 1 ? SW_LOG_ALTERED : SW_LOG_REMOVED;
        snprintf(v->message, sizeof v->message, seq == 1 ? "record 1 does not start the chain"
                 : "record %llu, before this one, is missing", (unsigned long long)seq - 1);
        return;
    }
    if (before) {
        sw_sha256_hex(PQgetvalue(r, at - 1, 1), (size_t)PQgetlength(r, at - 1, 1), hex);
        if (strcmp(hex, prev) != 0) {
            v->line = seq - 1;
            snprintf(v->message, sizeof v->message, "record %llu, before this one, was altered or "
                     "replaced: this record's prev does not match it", (unsigned long long)seq - 1);
            return;
        }
        v->records = 2;
    }
    int after = at + 1 < PQntuples(r);
    if (after) {
        const char *next = PQgetvalue(r, at + 1, 1);
        size_t nlen = (size_t)PQgetlength(r, at + 1, 1);
        if (!sw_log_parse_chain(next, nlen, &other_seq, other_prev) || other_seq != seq + 1 ||
            strcmp(other_prev, v->head) != 0) {
            v->line = seq + 1;
            snprintf(v->message, sizeof v->message, "record %llu, after this one, is not chained "
                     "to it", (unsigned long long)seq + 1);
            return;
        }
        v->records++;
    } else if (last > seq) {
        v->state = SW_LOG_REMOVED;
        v->line = seq + 1;
        snprintf(v->message, sizeof v->message, "record %llu, after this one, is missing",
                 (unsigned long long)seq + 1);
        return;
    }
    v->state = SW_LOG_INTACT;
    v->line = 0;
    snprintf(v->message, sizeof v->message, "this record matches its hash and is chained to the "
             "records before and after it (verify the whole store with `stagewise audit verify`)");
}

sw_status sw_store_find_decision(sw_store *s, const char *decision_id, char **record, size_t *len,
                                 uint64_t *seq, sw_log_verdict *chain, sw_diagnostics *diags)
{
    if (!s || !decision_id || !record || !len || !seq || !chain)
        return SW_ERR_ARG;
    *record = NULL;
    *len = 0;
    *seq = 0;
    memset(chain, 0, sizeof *chain);
    if (PQstatus(s->conn) != CONNECTION_OK)
        PQreset(s->conn);
    const char *values[1] = {decision_id};
    /* the first record with that id, the records either side of it, and the last seq */
    PGresult *r = PQexecParams(s->conn,
        "WITH hit AS (SELECT min(seq) AS seq FROM decisions WHERE decision_id = $1) "
        "SELECT d.seq, d.record, hit.seq, (SELECT max(seq) FROM decisions) FROM decisions d, hit "
        "WHERE d.seq BETWEEN hit.seq - 1 AND hit.seq + 1 ORDER BY d.seq", 1, NULL, values, NULL,
        NULL, 0);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return store_error(diags, s, "cannot read the decision store", PQerrorMessage(s->conn));
    }
    int at = -1;
    uint64_t hit = 0, last = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        hit = strtoull(PQgetvalue(r, i, 2), NULL, 10);
        last = strtoull(PQgetvalue(r, i, 3), NULL, 10);
        if (strtoull(PQgetvalue(r, i, 0), NULL, 10) == hit)
            at = i;
    }
    sw_status st = SW_OK;
    if (at >= 0) {
        *len = (size_t)PQgetlength(r, at, 1);
        *record = sw_mem_give_resize((sw_mem)SW_MEM_DEFAULT, NULL, 0, *len + 1);
        if (!*record) {
            st = SW_ERR_NOMEM;
        } else {
            memcpy(*record, PQgetvalue(r, at, 1), *len + 1);
            *seq = hit;
            check_neighbours(r, at, hit, last, chain);
        }
    }
    PQclear(r);
    return st;
}
