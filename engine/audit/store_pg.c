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
 * Schema (docs/audit.md): schema_version(version), decisions(seq, hash, prev,
 * record, created_at), feedback(id, decision_hash, created_at, body). record is
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

/* pg_advisory_xact_lock keys: appending, and migrating ("SWDEC", "SWMIG"). */
#define SW_STORE_LOCK "358068143427"
#define SW_STORE_MIGRATE_LOCK "358068407623"

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

/* In the open transaction: the seq and prev of the next record. */
static sw_status store_head(sw_store *s, uint64_t *seq, char prev[65], sw_diagnostics *diags)
{
    PGresult *r = PQexec(s->conn, "SELECT record FROM decisions ORDER BY seq DESC LIMIT 1");
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return fail_rollback(s, diags, "cannot read the decision store's last record");
    }
    sw_status st = SW_OK;
    if (PQntuples(r) == 0) {
        *seq = 1;
        memcpy(prev, SW_LOG_GENESIS, 65);
    } else if (!sw_log_chain_after(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), seq, prev)) {
        PQclear(PQexec(s->conn, "ROLLBACK"));
        st = store_error(diags, s, "the decision store's last record is not an intact decision "
                         "record (run `stagewise audit verify` on it); nothing was appended", NULL);
    }
    PQclear(r);
    return st;
}

sw_status sw_store_append(sw_store *s, const sw_ruleset *rules, const sw_facts *facts,
                          const sw_result *result, const sw_record_options *options,
                          sw_log_entry *entry, sw_diagnostics *diags)
{
    if (!s || !rules || !facts || !result)
        return SW_ERR_ARG;
    if (PQstatus(s->conn) != CONNECTION_OK)
        PQreset(s->conn);   /* the server restarted, or the connection was cut: try again */
    if (!exec_ok(s, "BEGIN") || !exec_ok(s, "SELECT pg_advisory_xact_lock(" SW_STORE_LOCK ")"))
        return fail_rollback(s, diags, "cannot append to the decision store");
    uint64_t seq = 0;
    char prev[65], id[65] = "", hash[65], seq_text[24];
    sw_status st = store_head(s, &seq, prev, diags);
    if (st != SW_OK)
        return st;
    sw_buf line = SW_BUF_INIT;
    st = sw_record_build(rules, facts, result, options, seq, prev, &line, id);
    if (st == SW_OK && !sw_sha256_hex(line.data, line.len - 1, hash))
        st = SW_ERR_NOMEM;
    if (st != SW_OK) {
        sw_buf_free(&line);
        PQclear(PQexec(s->conn, "ROLLBACK"));
        return st;
    }
    line.data[line.len - 1] = '\0';   /* the row holds the line without its newline */
    snprintf(seq_text, sizeof seq_text, "%llu", (unsigned long long)seq);
    const char *values[4] = {seq_text, hash, prev, line.data};
    PGresult *r = PQexecParams(s->conn, "INSERT INTO decisions (seq, hash, prev, record) "
                               "VALUES ($1, $2, $3, $4)", 4, NULL, values, NULL, NULL, 0);
    int inserted = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    sw_buf_free(&line);
    if (!inserted)
        return fail_rollback(s, diags, "cannot append to the decision store; nothing was recorded");
    r = PQexec(s->conn, "COMMIT");
    int committed = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!committed)
        return store_error(diags, s, "cannot commit to the decision store; nothing was recorded",
                           PQerrorMessage(s->conn));
    if (entry) {
        entry->seq = seq;
        memcpy(entry->hash, hash, sizeof hash);
        memcpy(entry->decision_id, id, sizeof id);
    }
    return SW_OK;
}

sw_status sw_store_records(sw_store *s, char **out, size_t *len, sw_diagnostics *diags)
{
    if (!s || !out)
        return SW_ERR_ARG;
    *out = NULL;
    PGresult *r = PQexec(s->conn, "SELECT record FROM decisions ORDER BY seq");
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return store_error(diags, s, "cannot read the decision store", PQerrorMessage(s->conn));
    }
    sw_buf b = SW_BUF_INIT;
    for (int i = 0; i < PQntuples(r); i++) {
        sw_buf_append(&b, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
        sw_buf_putc(&b, '\n');
    }
    PQclear(r);
    if (sw_buf_failed(&b)) {
        sw_buf_free(&b);
        return SW_ERR_NOMEM;
    }
    size_t n = 0;
    *out = sw_buf_take(&b, &n);
    if (!*out)
        *out = calloc(1, 1);
    if (len)
        *len = n;
    return *out ? SW_OK : SW_ERR_NOMEM;
}

sw_status sw_store_verify(sw_store *s, const char *expect_head, sw_log_verdict *out,
                          sw_diagnostics *diags)
{
    if (!s || !out)
        return SW_ERR_ARG;
    char *text = NULL;
    size_t len = 0;
    sw_status st = sw_store_records(s, &text, &len, diags);
    if (st != SW_OK)
        return st;
    FILE *f = len ? fmemopen(text, len, "r") : NULL;
    if (len && !f) {
        free(text);
        return SW_ERR_NOMEM;
    }
    st = sw_log_verify_stream(f, expect_head, out);
    if (f)
        fclose(f);
    free(text);
    return st;
}
