/*
 * auditlog.c - appending to and verifying the decision log (see auditlog.h).
 *
 * Appending holds an exclusive flock(2) on the log for the whole step: read the last
 * line (backwards from the end), check that it is a complete, sealed record, build
 * the new record chained to it, write it with one write(2) on an O_APPEND descriptor
 * and fsync. flock locks belong to the open file description, so they exclude other
 * threads of the same process as well as other processes. A failed write is cut
 * back off under the same lock, so the log never keeps half a record we wrote.
 *
 * Verifying reads the log line by line and stops at the first problem, which it
 * names by line number; every record before it has been checked and is reported as
 * intact. A last line without its newline is a torn write, not tampering.
 */
#define _GNU_SOURCE

#include "audit/auditlog.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "lang/diag.h"
#include "util/digest.h"
#include "util/grow.h"
#include "audit/record.h"

/* ==== reading the chain fields ============================================== */

int sw_log_parse_chain_of(const char *format, const char *line, size_t len, uint64_t *seq,
                          char prev[65])
{
    static const char key_format[] = "{\"format\":\"", key_version[] = "\",\"format_version\":\"";
    static const char key_seq[] = "\",\"seq\":", key_prev[] = ",\"prev\":\"";
    size_t flen = strlen(format), n = sizeof key_format - 1 + flen + sizeof key_version - 1, i;
    if (len < n || memcmp(line, key_format, sizeof key_format - 1) != 0 ||
        memcmp(line + sizeof key_format - 1, format, flen) != 0 ||
        memcmp(line + sizeof key_format - 1 + flen, key_version, sizeof key_version - 1) != 0)
        return 0;
    for (i = n; i < len && i < n + 16 && line[i] != '"'; i++)
        ;
    if (len - i < sizeof key_seq - 1 || memcmp(line + i, key_seq, sizeof key_seq - 1) != 0)
        return 0;
    i += sizeof key_seq - 1;
    uint64_t v = 0;
    size_t digits = 0;
    for (; i < len && line[i] >= '0' && line[i] <= '9' && digits < 19; i++, digits++)
        v = v * 10 + (uint64_t)(line[i] - '0');
    if (digits == 0 || v == 0 || len - i < sizeof key_prev - 1 + 65 ||
        memcmp(line + i, key_prev, sizeof key_prev - 1) != 0)
        return 0;
    i += sizeof key_prev - 1;
    if (!sw_is_hex64(line + i, 64) || line[i + 64] != '"')
        return 0;
    memcpy(prev, line + i, 64);
    prev[64] = '\0';
    *seq = v;
    return 1;
}

int sw_log_parse_chain(const char *line, size_t len, uint64_t *seq, char prev[65])
{
    return sw_log_parse_chain_of(SW_RECORD_FORMAT_NAME, line, len, seq, prev);
}

int sw_log_chain_after_of(const char *format, const char *line, size_t len, uint64_t *seq,
                          char prev[65])
{
    char hex[65], chained[65];
    if (!sw_log_parse_chain_of(format, line, len, seq, chained) || !sw_record_seal(line, len, hex) ||
        memcmp(line + len - 66, hex, 64) != 0 || !sw_sha256_hex(line, len, prev))
        return 0;
    (*seq)++;
    return 1;
}

int sw_log_chain_after(const char *line, size_t len, uint64_t *seq, char prev[65])
{
    return sw_log_chain_after_of(SW_RECORD_FORMAT_NAME, line, len, seq, prev);
}

/* ==== appending ============================================================== */

static sw_status log_error(sw_diagnostics *diags, const char *path, const char *hint,
                           const char *what, int error_number)
{
    if (diags)
        sw_diag_add(diags, SW_SEV_ERROR, "A020", (sw_where){path, NULL, 0, 0, 0}, NULL, hint,
                    "%s%s%s", what, error_number ? ": " : "",
                    error_number ? strerror(error_number) : "");
    return SW_ERR_IO;
}

/* Reads the last line of a file of size bytes that ends in '\n' into *line (without
 * the newline; malloc'd). Returns 0 on a read error (errno set) or no memory. */
static int last_line(int fd, off_t size, char **line, size_t *len)
{
    size_t cap = 0, room = 4096, have = 0;
    char *buf = NULL;
    off_t end = size - 1;   /* the final newline */
    for (;;) {
        size_t want = room - have;
        if ((off_t)want > end - (off_t)have)
            want = (size_t)(end - (off_t)have);
        if (!sw_grow_to(&buf, &cap, room, 1, 4096, SIZE_MAX)) {
            free(buf);
            errno = ENOMEM;
            return 0;
        }
        /* the bytes read so far move to the end of the new chunk */
        memmove(buf + want, buf, have);
        ssize_t got = pread(fd, buf, want, end - (off_t)have - (off_t)want);
        if (got != (ssize_t)want) {
            free(buf);
            errno = got < 0 ? errno : EIO;
            return 0;
        }
        have += want;
        char *nl = memrchr(buf, '\n', want);
        if (nl || (off_t)have == end) {
            size_t from = nl ? (size_t)(nl - buf) + 1 : 0;
            memmove(buf, buf + from, have - from);
            *line = buf;
            *len = have - from;
            return 1;
        }
        if (room > SIZE_MAX / 2) {
            free(buf);
            errno = ENOMEM;
            return 0;
        }
        room *= 2;
    }
}

/* Where to chain to: the next seq and the previous line's hash. */
static sw_status chain_point(int fd, const char *path, uint64_t *seq, char prev[65],
                             sw_diagnostics *diags)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return log_error(diags, path, NULL, "cannot read the decision log", errno);
    if (st.st_size == 0) {
        *seq = 1;
        memcpy(prev, SW_LOG_GENESIS, 65);
        return SW_OK;
    }
    char c;
    if (pread(fd, &c, 1, st.st_size - 1) != 1)
        return log_error(diags, path, NULL, "cannot read the decision log", errno);
    if (c != '\n')
        return log_error(diags, path,
                         "run `stagewise audit verify` on it; it says how to cut the torn line off",
                         "the decision log ends with an incomplete record (a write was cut "
                         "short); nothing was appended", 0);
    char *line = NULL;
    size_t len = 0;
    if (!last_line(fd, st.st_size, &line, &len))
        return errno == ENOMEM ? SW_ERR_NOMEM
                               : log_error(diags, path, NULL, "cannot read the decision log", errno);
    int ok = sw_log_chain_after(line, len, seq, prev);
    free(line);
    if (!ok)
        return log_error(diags, path, "run `stagewise audit verify` on it",
                         "the last line of the file is not an intact decision record; "
                         "nothing was appended", 0);
    return SW_OK;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        data += n;
        len -= (size_t)n;
    }
    return 1;
}

/* Makes a newly created log's directory entry durable too. */
static void sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

typedef struct append_job {
    const sw_ruleset *rules;
    const sw_facts *facts;
    const sw_result *result;
    const sw_record_options *options;
    sw_log_entry *entry;
} append_job;

/* Under the lock: chain, build, write, sync. */
static sw_status append_locked(int fd, const char *path, const append_job *job, sw_diagnostics *diags)
{
    uint64_t seq = 0;
    char prev[65], id[65] = "";
    sw_status st = chain_point(fd, path, &seq, prev, diags);
    if (st != SW_OK)
        return st;
    sw_buf line = SW_BUF_INIT;
    st = sw_record_build(job->rules, job->facts, job->result, job->options, seq, prev, &line, id);
    off_t size = lseek(fd, 0, SEEK_END);
    if (st == SW_OK && !write_all(fd, line.data, line.len)) {
        int e = errno;
        if (size >= 0 && ftruncate(fd, size) != 0)
            e = errno;
        st = log_error(diags, path, NULL, "cannot write to the decision log", e);
    } else if (st == SW_OK && fsync(fd) != 0) {
        st = log_error(diags, path, NULL, "cannot sync the decision log to disk", errno);
    }
    if (st == SW_OK && seq == 1)
        sync_directory(path);
    if (st == SW_OK && job->entry) {
        job->entry->seq = seq;
        memcpy(job->entry->decision_id, id, sizeof id);
        if (!sw_sha256_hex(line.data, line.len - 1, job->entry->hash))
            st = SW_ERR_NOMEM;
    }
    sw_buf_free(&line);
    return st;
}

sw_status sw_decision_log_append(const char *path, const sw_ruleset *rules, const sw_facts *facts,
                                 const sw_result *result, const sw_record_options *options,
                                 sw_log_entry *entry, sw_diagnostics *diags)
{
    if (!path || !rules || !facts || !result)
        return SW_ERR_ARG;
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return log_error(diags, path, NULL, "cannot open the decision log", errno);
    int locked;
    while ((locked = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
        ;
    sw_status st = locked == 0 ? SW_OK : log_error(diags, path, NULL, "cannot lock the decision log", errno);
    append_job job = {rules, facts, result, options, entry};
    if (st == SW_OK)
        st = append_locked(fd, path, &job, diags);
    close(fd);   /* releases the lock */
    return st;
}

/* ==== verifying ============================================================== */

typedef struct verifier {
    sw_log_next_line next;  /* where the lines come from */
    void *ctx;
    const char *format;     /* the records' "format" */
    int read_failed;
    sw_log_verdict *v;
    char prev[65];          /* hash of the last intact line */
    uint64_t expected;      /* the seq the next line must have */
    const char *expect_head;
    int head_seen;
} verifier;

static void verdict(verifier *x, sw_log_state state, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void verdict(verifier *x, sw_log_state state, uint64_t line, const char *fmt, ...)
{
    va_list ap;
    x->v->state = state;
    x->v->line = line;
    va_start(ap, fmt);
    vsnprintf(x->v->message, sizeof x->v->message, fmt, ap);
    va_end(ap);
}

/* After a sequence break at line n: does record `wanted` come later in the file? */
static int comes_later(verifier *x, uint64_t wanted)
{
    const char *line;
    char prev[65];
    size_t len;
    uint64_t seq;
    int found = 0, got;
    while (!found && (got = x->next(x->ctx, &line, &len)) > 0)
        found = sw_log_parse_chain_of(x->format, line, len, &seq, prev) && seq == wanted;
    x->read_failed |= !found && got < 0;
    return found;
}

static void sequence_break(verifier *x, uint64_t n, uint64_t seq)
{
    uint64_t want = x->expected;
    if (seq < want)
        verdict(x, SW_LOG_REORDERED, n, "line %llu holds record %llu out of sequence (record %llu "
                "was expected there)", (unsigned long long)n, (unsigned long long)seq,
                (unsigned long long)want);
    else if (comes_later(x, want))
        verdict(x, SW_LOG_REORDERED, n, "line %llu holds record %llu, but record %llu comes "
                "later in the file: records were reordered", (unsigned long long)n,
                (unsigned long long)seq, (unsigned long long)want);
    else if (seq == want + 1)
        verdict(x, SW_LOG_REMOVED, n, "record %llu is missing: it was removed before line %llu",
                (unsigned long long)want, (unsigned long long)n);
    else
        verdict(x, SW_LOG_REMOVED, n, "records %llu to %llu are missing: they were removed "
                "before line %llu", (unsigned long long)want, (unsigned long long)seq - 1,
                (unsigned long long)n);
}

/* Checks line n (without its newline). Returns 1 when it is intact and chained. */
static int check_line(verifier *x, uint64_t n, const char *line, size_t len)
{
    uint64_t seq;
    char prev[65], hex[65];
    if (!sw_log_parse_chain_of(x->format, line, len, &seq, prev)) {
        verdict(x, SW_LOG_ALTERED, n, "line %llu is not a %s", (unsigned long long)n,
                strcmp(x->format, SW_RECORD_FORMAT_NAME) == 0 ? "decision record" : "feedback record");
        return 0;
    }
    if (!sw_record_seal(line, len, hex) || memcmp(line + len - 66, hex, 64) != 0) {
        verdict(x, SW_LOG_ALTERED, n, "line %llu (record %llu) was altered: its content does not "
                "match its hash", (unsigned long long)n, (unsigned long long)seq);
        return 0;
    }
    if (seq != x->expected) {
        sequence_break(x, n, seq);
        return 0;
    }
    if (strcmp(prev, x->prev) != 0) {
        if (n == 1)
            verdict(x, SW_LOG_ALTERED, 1, "line 1 (record 1) does not start the chain: its prev "
                    "is not the genesis value");
        else
            verdict(x, SW_LOG_ALTERED, n - 1, "line %llu (record %llu) was altered or replaced: "
                    "the prev of line %llu does not match it", (unsigned long long)n - 1,
                    (unsigned long long)seq - 1, (unsigned long long)n);
        return 0;
    }
    return 1;
}

static void verify_lines(verifier *x)
{
    const char *line;
    size_t len;
    uint64_t n = 0;
    int got;
    while ((got = x->next(x->ctx, &line, &len)) > 0 && len > 0) {
        n++;
        if (line[len - 1] != '\n') {
            verdict(x, SW_LOG_TORN, n, "line %llu is an incomplete record (the write was cut "
                    "short, e.g. by a crash); the %llu record%s before it %s intact",
                    (unsigned long long)n, (unsigned long long)x->v->records,
                    x->v->records == 1 ? "" : "s", x->v->records == 1 ? "is" : "are");
            break;
        }
        if (!check_line(x, n, line, len - 1))
            break;
        if (!sw_sha256_hex(line, len - 1, x->prev)) {
            verdict(x, SW_LOG_ALTERED, n, "out of memory while hashing line %llu", (unsigned long long)n);
            break;
        }
        x->v->records++;
        x->v->intact_bytes += (uint64_t)len;
        x->expected++;
        memcpy(x->v->head, x->prev, 65);
        x->head_seen |= x->expect_head && strcmp(x->expect_head, x->prev) == 0;
    }
    x->read_failed |= got < 0;
}

sw_status sw_decision_log_verify(const char *path, const char *expect_head, sw_log_verdict *out)
{
    if (!path || !out)
        return SW_ERR_ARG;
    FILE *f = fopen(path, "rb");
    if (!f)
        return SW_ERR_IO;
    sw_status st = sw_log_verify_stream(f, expect_head, out);
    fclose(f);
    return st;
}

sw_status sw_log_verify_lines(const char *format, sw_log_next_line next, void *ctx,
                              const char *expect_head, sw_log_verdict *out)
{
    memset(out, 0, sizeof *out);
    verifier x = {next, ctx, format, 0, out, SW_LOG_GENESIS, 1, expect_head, 0};
    out->state = SW_LOG_INTACT;
    verify_lines(&x);
    if (x.read_failed)
        return SW_ERR_IO;
    if (out->state == SW_LOG_INTACT && expect_head && !x.head_seen)
        verdict(&x, SW_LOG_TRUNCATED, out->records + 1, "the log no longer holds the record with "
                "head %.64s: records were removed from its end", expect_head);
    else if (out->state == SW_LOG_INTACT)
        snprintf(out->message, sizeof out->message, "%llu record%s, all intact",
                 (unsigned long long)out->records, out->records == 1 ? "" : "s");
    return SW_OK;
}

/* The lines of a stream, read with getline(3) into one growing buffer. */
typedef struct file_lines {
    FILE *f;
    char *line;
    size_t cap;
} file_lines;

static int next_file_line(void *ctx, const char **line, size_t *len)
{
    file_lines *fl = ctx;
    ssize_t n = fl->f ? getline(&fl->line, &fl->cap, fl->f) : -1;
    if (n <= 0)
        return fl->f && ferror(fl->f) ? -1 : 0;
    *line = fl->line;
    *len = (size_t)n;
    return 1;
}

sw_status sw_log_verify_stream(FILE *f, const char *expect_head, sw_log_verdict *out)
{
    file_lines fl = {f, NULL, 0};
    sw_status st = sw_log_verify_lines(SW_RECORD_FORMAT_NAME, next_file_line, &fl, expect_head, out);
    free(fl.line);
    return st;
}

const char *sw_log_state_name(sw_log_state state)
{
    static const char *const names[] = {"intact", "torn", "altered", "removed", "reordered",
                                        "truncated"};
    return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "?";
}
