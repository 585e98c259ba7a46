/*
 * record.c - writing decision records and replaying them (see record.h).
 *
 * Writing: the head of the record (identity, provenance, the facts as read) goes
 * through the JSON writer as one object; the outcome and the digest of the result
 * document (rendered compact by the same reporter as `eval --format json|jsonl`,
 * report.h) are added after it, and the hash member last, over everything before it. Identifiers come
 * from util/digest.h: version 4 UUIDs, HMAC-SHA256 for pseudonyms.
 *
 * Replaying: libyaml reads the record (JSON is YAML), the facts are rebuilt from its
 * "input" member through the ordinary facts reader, checked against facts_sha256,
 * evaluated again; for formats 2.0 and 3.0 the new outcome is compared with the
 * recorded one field by field and the new result's digest with result_sha256 (the
 * result rendered in format 2.0 for a 2.0 record, in the record's result_format for
 * 3.0), for format 1.0 the new result document, in the recorded document's format,
 * with the recorded one, giving JSON paths for every difference.
 *
 * Stage audit/ - explain and why-not (explain.c), decision records and replay
 * (record.c), the hash-chained decision log (auditlog.c).
 * May use: every stage before it: util/ to report/. (tests/layout checks it.)
 */
#define _POSIX_C_SOURCE 200809L

#include "audit/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yaml.h>

#include "util/arena.h"
#include "lang/diag.h"
#include "util/digest.h"
#include "facts/facts.h"
#include "util/json.h"
#include "util/text.h"
#include "compile/program.h"
#include "report/report.h"
#include "lang/value.h"
#include "util/grow.h"

/* ==== identity: decision id, time, pseudonym ================================ */

int sw_is_hex64(const char *s, size_t len)
{
    if (len != 64)
        return 0;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* A caller's decision id: 1 to 64 of letters, digits and . _ : - */
static int id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-'))
            return 0;
    }
    return 1;
}

/* "YYYY-MM-DDTHH:MM:SSZ" with a real date and time. */
static int timestamp_ok(const char *t)
{
    int32_t days;
    if (strlen(t) != 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z' ||
        !sw_date_parse(t, 10, &days))
        return 0;
    for (int i = 11; i < 19; i++)
        if (i != 13 && i != 16 && (t[i] < '0' || t[i] > '9'))
            return 0;
    int h = (t[11] - '0') * 10 + (t[12] - '0'), m = (t[14] - '0') * 10 + (t[15] - '0'),
        s = (t[17] - '0') * 10 + (t[18] - '0');
    return h < 24 && m < 60 && s < 61;
}

static int now_utc(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    if (t == (time_t)-1 || !gmtime_r(&t, &tm))
        return 0;
    return strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 20;
}

/* "hmac-sha256:" and the HMAC of the client id under key, in hex. */
static int pseudonym(const sw_record_options *o, const char *client, char out[12 + 65])
{
    unsigned char md[32];
    if (!sw_hmac_sha256(o->pseudonym_key, o->pseudonym_key_len, client, strlen(client), md))
        return 0;
    memcpy(out, "hmac-sha256:", 12);
    sw_hex(md, 32, out + 12);
    return 1;
}

/* ==== writing ================================================================ */

/* The major version of SW_RESULT_FORMAT, the layout new records digest. */
#define RESULT_MAJOR 3

/* The major version of a result format "M.N" that replay can render (2 or 3), or 0. */
static int result_major(const char *version)
{
    if (!version || version[1] != '.' || (version[0] != '2' && version[0] != '3'))
        return 0;
    return version[0] - '0';
}

/* One base fact's value as JSON, typed as the facts reader reads it. */
static void put_fact(sw_json *w, const sw_program *p, const sw_fact_def *f, sw_value v)
{
    if (!v.known) {
        sw_json_null(w);
        return;
    }
    switch ((sw_type_kind)f->type.kind) {
    case SW_T_BOOL: sw_json_bool(w, (int)v.u.i); return;
    case SW_T_INT: sw_json_int(w, v.u.i); return;
    case SW_T_NUMBER: sw_json_number(w, v.u.n); return;
    case SW_T_TEXT: sw_json_string(w, v.u.s); return;
    case SW_T_ENUM: sw_json_string(w, p->enums[f->type.enumeration].members[v.u.i]); return;
    case SW_T_DATE: {
        char d[11];
        sw_date_format((int32_t)v.u.i, d);
        sw_json_string(w, d);
        return;
    }
    case SW_T_SET: {
        const sw_enum *e = &p->enums[f->type.enumeration];
        sw_json_begin_array(w);
        for (uint32_t k = 0; k < e->nmembers; k++)
            if (v.u.bits & ((uint64_t)1 << k))
                sw_json_string(w, e->members[k]);
        sw_json_end_array(w);
        return;
    }
    }
    sw_json_null(w);
}

/* "input": a facts document (docs/facts-format.md) that reads back as these facts. */
static void put_input(sw_json *w, const sw_facts *f, const char *client)
{
    const sw_program *p = f->prog;
    sw_json_key(w, "input");
    sw_json_begin_object(w);
    sw_json_key(w, "client");
    sw_json_string(w, client);
    sw_json_key(w, "assessed_on");
    char d[11];
    if (f->has_assessed_on)
        sw_date_format(f->assessed_on, d);
    sw_json_string(w, f->has_assessed_on ? d : NULL);
    sw_json_key(w, "facts");
    sw_json_begin_object(w);
    for (uint32_t i = 0; i < p->nbase; i++) {
        if (!f->values[i].known)
            continue;   /* absent reads back as unknown */
        sw_json_key(w, p->facts[i].name);
        put_fact(w, p, &p->facts[i], f->values[i]);
    }
    sw_json_end_object(w);
    sw_json_end_object(w);
}

static void kv(sw_json *w, const char *key, const char *value)
{
    sw_json_key(w, key);
    sw_json_string(w, value);
}

typedef struct head {
    const char *id, *timestamp, *client;
    uint64_t seq;
    const char *prev;
    int production;
} head;

/* The record up to (not including) the result and hash members, as one object. */
static void put_head(sw_json *w, const sw_ruleset *rules, const sw_facts *f,
                     const sw_report *rep, const head *h)
{
    sw_json_begin_object(w);
    kv(w, "format", SW_RECORD_FORMAT_NAME);
    kv(w, "format_version", SW_RECORD_FORMAT);
    sw_json_key(w, "seq");
    if (h->seq)
        sw_json_uint(w, h->seq);
    else
        sw_json_null(w);
    kv(w, "prev", h->prev);
    kv(w, "decision_id", h->id);
    kv(w, "timestamp", h->timestamp);
    kv(w, "engine_version", SW_VERSION);
    kv(w, "guideline", rules->prog.guideline);
    kv(w, "guideline_version", rules->prog.version);
    kv(w, "ruleset_sha256", rules->prog.sha256);
    kv(w, "facts_sha256", rep->provenance.facts_sha256);
    kv(w, "client", h->client);
    sw_json_key(w, "production");
    sw_json_bool(w, h->production);
    put_input(w, f, h->client);
    sw_json_end_object(w);
}

/* Where the unescaped key `"at":"` next begins in s at or after from (len when
 * none): it follows `{` or `,`, so it is a key, never text inside a string. */
static size_t next_at(const char *s, size_t len, size_t from)
{
    static const char key[] = "\"at\":\"";
    for (size_t i = from; i + sizeof key - 1 <= len; i++)
        if (i > 0 && (s[i - 1] == '{' || s[i - 1] == ',') && memcmp(s + i, key, sizeof key - 1) == 0)
            return i;
    return len;
}

int sw_result_digest(const char *json, size_t len, char hex[65])
{
    sw_digest *d = sw_digest_new();
    size_t from = 0;
    for (;;) {
        size_t at = next_at(json, len, from);
        if (at == len)
            break;
        size_t v = at + 6, end = v, base = v;
        while (end < len && json[end] != '"') {
            if (json[end] == '\\' && end + 1 < len)
                end++;
            else if (json[end] == '/')
                base = end + 1;
            end++;
        }
        sw_digest_update(d, json + from, v - from);
        from = base;
    }
    sw_digest_update(d, json + from, len - from);
    return sw_digest_finish(d, hex);
}

/* The compact result document of rep in result format major (2 or 3), without its
 * final newline. */
static sw_status render_result(const sw_report *rep, int major, sw_buf *out)
{
    size_t start = out->len;
    sw_status st = sw_report_render_json_as(rep, 0, major, out);
    while (st == SW_OK && out->len > start && out->data[out->len - 1] == '\n')
        out->len--;
    return st;
}

/* [id, value] for a recommendation or a risk, the id alone for advice or a challenge. */
static void put_item(sw_json *w, const sw_item *it, const char *value)
{
    if (!value) {
        sw_json_string(w, it->id);
        return;
    }
    sw_json_begin_array(w);
    sw_json_string(w, it->id);
    sw_json_string(w, value);
    sw_json_end_array(w);
}

/* The data gaps' facts in rank order (ties by name, the order they are kept in). */
static void put_gaps(sw_json *w, const sw_report *rep)
{
    sw_json_begin_array(w);
    size_t last = 0;
    for (size_t done = 0; done < rep->ngaps;) {
        size_t next = (size_t)-1;
        for (size_t i = 0; i < rep->ngaps; i++)
            if (rep->gaps[i].rank > last && rep->gaps[i].rank < next)
                next = rep->gaps[i].rank;
        if (next == (size_t)-1)
            break;
        for (size_t i = 0; i < rep->ngaps; i++)
            if (rep->gaps[i].rank == next) {
                sw_json_string(w, rep->gaps[i].fact);
                done++;
            }
        last = next;
    }
    sw_json_end_array(w);
}

void sw_record_put_outcome(sw_json *w, const sw_report *rep)
{
    sw_json_begin_object(w);
    sw_item_list four[SW_REPORT_NAMED_KINDS];
    const sw_item_list *kinds;
    size_t nkinds = sw_report_lists(rep, four, &kinds);
    for (size_t k = 0; k < nkinds; k++) {
        const sw_item_list *l = &kinds[k];
        int priority = l->carries && strcmp(l->carries, "priority") == 0;
        int severity = l->carries && strcmp(l->carries, "severity") == 0;
        sw_json_key(w, l->key);
        sw_json_begin_array(w);
        for (size_t i = 0; i < l->nitems; i++)
            put_item(w, &l->items[i], priority ? sw_priority_name(l->items[i].priority)
                                      : severity ? sw_severity_name(l->items[i].severity) : NULL);
        sw_json_end_array(w);
    }
    const sw_stage_verdict *v = &rep->stage;
    sw_json_key(w, "stage");
    sw_json_begin_object(w);
    kv(w, "current", v->current);
    kv(w, "suggested", v->suggested);
    kv(w, "direction", v->status == SW_VERDICT_DECIDED ? sw_direction_name(v->direction) : "undecided");
    kv(w, "status", sw_verdict_status_name(v->status));
    sw_json_end_object(w);
    sw_json_key(w, "data_gaps");
    put_gaps(w, rep);
    sw_json_end_object(w);
}

/* Adds the outcome, the result's digest and the hash member after the head. */
static sw_status seal_record(sw_buf *out, size_t start, const sw_report *rep)
{
    sw_buf res = SW_BUF_INIT;
    char hex[65];
    sw_status st = render_result(rep, RESULT_MAJOR, &res);
    if (st == SW_OK && (sw_buf_failed(&res) || !sw_result_digest(res.data, res.len, hex)))
        st = SW_ERR_NOMEM;
    sw_buf_free(&res);
    if (st != SW_OK)
        return st;
    out->len--;   /* the head's closing brace */
    sw_buf_puts(out, ",\"outcome\":");
    sw_json w;
    sw_json_init(&w, out, 0);
    sw_record_put_outcome(&w, rep);
    st = sw_json_finish(&w);
    if (st != SW_OK)
        return st;
    while (out->len > start && out->data[out->len - 1] == '\n')
        out->len--;
    /* the result format the digest is over: replay renders that one */
    sw_buf_printf(out, ",\"result_format\":\"%s\",\"result_sha256\":\"%s\"}", SW_RESULT_FORMAT, hex);
    if (sw_buf_failed(out) || !sw_sha256_hex(out->data + start, out->len - start, hex))
        return SW_ERR_NOMEM;
    out->len--;
    sw_buf_printf(out, SW_RECORD_HASH_KEY "%s\"}\n", hex);
    return sw_buf_failed(out) ? SW_ERR_NOMEM : SW_OK;
}

/* Fills the identity of the record from the options. */
static sw_status identify(const sw_record_options *o, const sw_facts *f, head *h, char id[65],
                          char ts[21], char pseudo[12 + 65])
{
    if (o && o->decision_id && !id_ok(o->decision_id))
        return SW_ERR_ARG;
    if (o && o->timestamp && !timestamp_ok(o->timestamp))
        return SW_ERR_ARG;
    if (o && o->decision_id)
        snprintf(id, 65, "%s", o->decision_id);
    else if (!sw_uuid_random(id))
        return SW_ERR_NOMEM;
    if (o && o->timestamp)
        snprintf(ts, 21, "%s", o->timestamp);
    else if (!now_utc(ts))
        return SW_ERR_NOMEM;
    h->id = id;
    h->timestamp = ts;
    h->client = NULL;
    if (o && o->pseudonym_key && f->client) {
        if (!pseudonym(o, f->client, pseudo))
            return SW_ERR_NOMEM;
        h->client = pseudo;
    }
    h->production = o ? o->production != 0 : 0;
    return SW_OK;
}

sw_status sw_record_build(const sw_ruleset *rules, const sw_facts *facts, const sw_result *result,
                          const sw_record_options *options, uint64_t seq, const char *prev,
                          sw_buf *out, char *id_out)
{
    if (!rules || !facts || !result || !out || facts->prog != &rules->prog)
        return SW_ERR_ARG;
    if (!sw_result_recordable(result))
        return SW_ERR_ARG;   /* outputs only or no provenance: replay could not match it */
    head h;
    char id[65], ts[21], pseudo[12 + 65];
    sw_status st = identify(options, facts, &h, id, ts, pseudo);
    if (st != SW_OK)
        return st;
    h.seq = seq;
    h.prev = prev;
    /* the result document carries the recorded (pseudonymised or omitted) client */
    sw_report rep = *sw_result_report(result);
    rep.provenance.client = h.client;
    size_t start = out->len;
    sw_json w;
    sw_json_init(&w, out, 0);
    put_head(&w, rules, facts, &rep, &h);
    st = sw_json_finish(&w);
    if (st == SW_OK)
        st = seal_record(out, start, &rep);
    if (st == SW_OK && id_out)
        memcpy(id_out, id, strlen(id) + 1);
    return st;
}

sw_status sw_record_render(const sw_ruleset *rules, const sw_facts *facts, const sw_result *result,
                           const sw_record_options *options, char **out, size_t *len)
{
    if (!out)
        return SW_ERR_ARG;
    *out = NULL;
    sw_buf b = SW_BUF_WITH(rules ? rules->prog.arena.mem : (sw_mem)SW_MEM_DEFAULT);
    sw_status st = sw_record_build(rules, facts, result, options, 0, NULL, &b, NULL);
    if (st != SW_OK) {
        sw_buf_free(&b);
        return st;
    }
    *out = sw_buf_give(&b, len);
    return *out ? SW_OK : SW_ERR_NOMEM;
}

int sw_record_seal(const char *line, size_t len, char hex[65])
{
    size_t key = sizeof SW_RECORD_HASH_KEY - 1;
    if (len < SW_RECORD_HASH_TAIL || line[len - 1] != '}' || line[len - 2] != '"')
        return 0;
    size_t at = len - SW_RECORD_HASH_TAIL;
    if (memcmp(line + at, SW_RECORD_HASH_KEY, key) != 0 || !sw_is_hex64(line + at + key, 64))
        return 0;
    sw_digest *d = sw_digest_new();
    sw_digest_update(d, line, at);
    sw_digest_update(d, "}", 1);
    return sw_digest_finish(d, hex);
}

/* ==== reading a record (libyaml: JSON is YAML) =============================== */

typedef struct reader {
    yaml_document_t doc;
    int loaded;
} reader;

/* A record is written by the JSON writer, which nests at most SW_JSON_MAX_DEPTH
 * lists and objects; a deeper one was not written by Stagewise. */
#define RECORD_MAX_DEPTH SW_JSON_MAX_DEPTH

/* Whether the text nests lists and mappings deeper than RECORD_MAX_DEPTH, found on
 * libyaml's event stream before anything is built: 1 with *offset the byte where
 * the limit is crossed, 0 otherwise (a syntax error is left to load to find). It
 * stops at the limit, so it takes time linear in what it read, and load, the
 * comparison and the rendering, which recurse, never see a deeper document. */
static int too_deep(const char *text, size_t len, size_t *offset)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return 0;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    unsigned depth = 0;
    int deep = 0, done = 0;
    while (!done && !deep) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev))
            break;
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
            if (++depth > RECORD_MAX_DEPTH) {
                deep = 1;
                *offset = ev.start_mark.index;
            }
        } else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return deep;
}

static int load(reader *r, const char *text, size_t len)
{
    yaml_parser_t parser;
    memset(r, 0, sizeof *r);
    if (!yaml_parser_initialize(&parser))
        return 0;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    r->loaded = yaml_parser_load(&parser, &r->doc);
    yaml_parser_delete(&parser);
    if (r->loaded && !yaml_document_get_root_node(&r->doc)) {
        yaml_document_delete(&r->doc);
        r->loaded = 0;
    }
    return r->loaded;
}

static void unload(reader *r)
{
    if (r->loaded)
        yaml_document_delete(&r->doc);
    r->loaded = 0;
}

static yaml_node_t *member(reader *r, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&r->doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
            memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0)
            return yaml_document_get_node(&r->doc, p->value);
    }
    return NULL;
}

static int is_string(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE && n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
}

/* A string member's value (NUL-terminated by libyaml), or NULL. */
static const char *string_member(reader *r, yaml_node_t *map, const char *key)
{
    yaml_node_t *n = member(r, map, key);
    return is_string(n) ? (const char *)n->data.scalar.value : NULL;
}

/* Writes a node as JSON: quoted scalars are strings; plain ones null, true, false
 * or numbers, as the record wrote them. */
static void to_json(reader *r, yaml_node_t *n, sw_json *w)
{
    if (!n) {
        sw_json_null(w);
        return;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        sw_json_begin_array(w);
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
            to_json(r, yaml_document_get_node(&r->doc, *i), w);
        sw_json_end_array(w);
        return;
    }
    if (n->type == YAML_MAPPING_NODE) {
        sw_json_begin_object(w);
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(&r->doc, p->key);
            sw_json_key(w, k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?");
            to_json(r, yaml_document_get_node(&r->doc, p->value), w);
        }
        sw_json_end_object(w);
        return;
    }
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (is_string(n))
        sw_json_string_n(w, s, len);
    else if (strcmp(s, "null") == 0 || len == 0)
        sw_json_null(w);
    else if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
        sw_json_bool(w, s[0] == 't');
    else if (strpbrk(s, ".eE"))
        sw_json_number(w, strtod(s, NULL));
    else
        sw_json_int(w, strtoll(s, NULL, 10));
}

/* A node as compact JSON text, in the replay's arena. */
static const char *json_text(reader *r, yaml_node_t *n, sw_arena *arena)
{
    sw_buf b = SW_BUF_INIT;
    sw_json w;
    sw_json_init(&w, &b, 0);
    to_json(r, n, &w);
    const char *s = sw_json_finish(&w) == SW_OK ? sw_arena_strndup(arena, b.data, b.len) : NULL;
    sw_buf_free(&b);
    return s;
}

/* ==== replay ================================================================= */

struct sw_replay {
    sw_arena arena;
    sw_replay_report report;
};

typedef struct replayer {
    sw_replay *out;
    reader rec, now;
    sw_replay_difference *diffs;
    size_t ndiffs, cap;
    int failed;
} replayer;

static sw_status not_a_record(sw_diagnostics *diags, const char *what)
{
    if (diags)
        sw_diag_add(diags, SW_SEV_ERROR, "A010", (sw_where){NULL, NULL, 0, 0, 0}, NULL,
                    "give one line of a decision log, or a file holding one record",
                    "not a decision record: %s", what);
    return SW_ERR_FACTS;
}

static void add_diff(replayer *x, const char *path, const char *recorded, const char *replayed)
{
    if (!sw_grow(&x->diffs, &x->cap, x->ndiffs, sizeof *x->diffs, 8)) {
        x->failed = 1;
        return;
    }
    const char *p = sw_arena_strdup(&x->out->arena, path);
    x->failed |= !p;
    x->diffs[x->ndiffs++] = (sw_replay_difference){p, recorded, replayed};
}

/* After the last '/': a rule's location ("at") depends on the path the rules were
 * loaded from, which the rule set's hash leaves out (it covers base names), so a
 * replay from another directory compares "file:line" by base name. */
static const char *base_of(const yaml_node_t *n, size_t *len)
{
    const char *s = (const char *)n->data.scalar.value;
    const char *slash = strrchr(s, '/');
    const char *b = slash ? slash + 1 : s;
    *len = n->data.scalar.length - (size_t)(b - s);
    return b;
}

static int same_scalar(const yaml_node_t *a, const yaml_node_t *b, int location)
{
    if (is_string(a) != is_string(b))
        return 0;
    size_t la = a->data.scalar.length, lb = b->data.scalar.length;
    const char *sa = (const char *)a->data.scalar.value, *sb = (const char *)b->data.scalar.value;
    if (location && is_string(a)) {
        sa = base_of(a, &la);
        sb = base_of(b, &lb);
    }
    return la == lb && memcmp(sa, sb, la) == 0;
}

static int is_location(const sw_buf *path)
{
    return path->len >= 3 && strcmp(path->data + path->len - 3, ".at") == 0;
}

static void compare(replayer *x, yaml_node_t *a, yaml_node_t *b, sw_buf *path);

static void compare_objects(replayer *x, yaml_node_t *a, yaml_node_t *b, sw_buf *path)
{
    size_t len = path->len;
    for (yaml_node_pair_t *p = a->data.mapping.pairs.start; p < a->data.mapping.pairs.top; p++) {
        const char *key = (const char *)yaml_document_get_node(&x->rec.doc, p->key)->data.scalar.value;
        sw_buf_printf(path, ".%s", key);
        compare(x, yaml_document_get_node(&x->rec.doc, p->value), member(&x->now, b, key), path);
        path->len = len;
    }
    for (yaml_node_pair_t *p = b->data.mapping.pairs.start; p < b->data.mapping.pairs.top; p++) {
        const char *key = (const char *)yaml_document_get_node(&x->now.doc, p->key)->data.scalar.value;
        if (member(&x->rec, a, key))
            continue;
        sw_buf_printf(path, ".%s", key);
        compare(x, NULL, yaml_document_get_node(&x->now.doc, p->value), path);
        path->len = len;
    }
}

static void compare_arrays(replayer *x, yaml_node_t *a, yaml_node_t *b, sw_buf *path)
{
    size_t len = path->len;
    size_t na = (size_t)(a->data.sequence.items.top - a->data.sequence.items.start);
    size_t nb = (size_t)(b->data.sequence.items.top - b->data.sequence.items.start);
    for (size_t i = 0; i < na || i < nb; i++) {
        sw_buf_printf(path, "[%zu]", i);
        compare(x, i < na ? yaml_document_get_node(&x->rec.doc, a->data.sequence.items.start[i]) : NULL,
                i < nb ? yaml_document_get_node(&x->now.doc, b->data.sequence.items.start[i]) : NULL,
                path);
        path->len = len;
    }
}

/* a is a node of the record, b of the replayed result; either may be NULL. */
static void compare(replayer *x, yaml_node_t *a, yaml_node_t *b, sw_buf *path)
{
    if (x->failed || path->failed) {
        x->failed = 1;
        return;
    }
    if (a && b && a->type == b->type) {
        if (a->type == YAML_MAPPING_NODE) {
            compare_objects(x, a, b, path);
            return;
        }
        if (a->type == YAML_SEQUENCE_NODE) {
            compare_arrays(x, a, b, path);
            return;
        }
        if (same_scalar(a, b, is_location(path)))
            return;
    }
    const char *ra = a ? json_text(&x->rec, a, &x->out->arena) : NULL;
    const char *rb = b ? json_text(&x->now, b, &x->out->arena) : NULL;
    x->failed |= (a && !ra) || (b && !rb);
    add_diff(x, path->data ? path->data : "", ra, rb);
}

/* Rebuilds the facts from the record's "input" and checks them against its digest. */
static sw_status read_facts(const sw_ruleset *rules, reader *rec, yaml_node_t *root, sw_facts **facts,
                            sw_diagnostics *diags)
{
    yaml_node_t *input = member(rec, root, "input");
    const char *digest = string_member(rec, root, "facts_sha256");
    if (!input || input->type != YAML_MAPPING_NODE || !digest)
        return not_a_record(diags, "it has no \"input\" or \"facts_sha256\"");
    sw_buf b = SW_BUF_INIT;
    sw_json w;
    sw_json_init(&w, &b, 0);
    to_json(rec, input, &w);
    sw_status st = sw_json_finish(&w);
    if (st == SW_OK)
        st = sw_facts_parse(rules, "record input", b.data, b.len, facts, diags);
    sw_buf_free(&b);
    if (st != SW_OK)
        return st;
    sw_buf canon = SW_BUF_INIT;
    sw_facts_canonical(*facts, &canon);
    char hex[65];
    int ok = !canon.failed && sw_sha256_hex(canon.data ? canon.data : "", canon.len, hex);
    sw_buf_free(&canon);
    if (!ok)
        return SW_ERR_NOMEM;
    if (strcmp(hex, digest) != 0) {
        if (diags)
            sw_diag_add(diags, SW_SEV_ERROR, "A011", (sw_where){NULL, NULL, 0, 0, 0}, NULL,
                        "the record was altered: check the log with `stagewise audit verify`",
                        "the facts in the record do not match its facts_sha256 (%s read back "
                        "as %s)", digest, hex);
        return SW_ERR_FACTS;
    }
    return SW_OK;
}

/* Loads the JSON text in b as the replayed document and compares the recorded
 * node with it, differences named from path prefix. */
static sw_status compare_json(replayer *x, yaml_node_t *recorded, const sw_buf *b, const char *prefix)
{
    if (!load(&x->now, b->data, b->len))
        return SW_ERR_NOMEM;
    sw_buf path = SW_BUF_INIT;
    sw_buf_puts(&path, prefix);
    compare(x, recorded, yaml_document_get_root_node(&x->now.doc), &path);
    sw_buf_free(&path);
    return x->failed ? SW_ERR_NOMEM : SW_OK;
}

/* Format 1: evaluates the facts again and compares the result, rendered in the
 * result format of the recorded one, with it. */
static sw_status rerun(replayer *x, const sw_ruleset *rules, const sw_facts *facts, yaml_node_t *recorded)
{
    int major = result_major(string_member(&x->rec, recorded, "format_version"));
    sw_result *res = NULL;
    sw_status st = sw_evaluate(rules, facts, &res);
    sw_buf b = SW_BUF_INIT;
    if (st == SW_OK)
        st = sw_report_render_json_as(sw_result_report(res), 0, major ? major : RESULT_MAJOR, &b);
    sw_result_free(res);
    if (st == SW_OK)
        st = compare_json(x, recorded, &b, "");
    sw_buf_free(&b);
    return st;
}

/* Formats 2 and 3: evaluates the facts again, checks the digest of the new result,
 * rendered in the result format the record's digest is over (major), against the
 * recorded result_sha256 and compares the outcomes field by field. */
static sw_status rerun_v2(replayer *x, const sw_ruleset *rules, const sw_facts *facts,
                          yaml_node_t *recorded, const char *digest, int major)
{
    sw_result *res = NULL;
    sw_status st = sw_evaluate(rules, facts, &res);
    sw_buf b = SW_BUF_INIT;
    char hex[65] = "";
    if (st == SW_OK)
        st = render_result(sw_result_report(res), major, &b);
    if (st == SW_OK && (sw_buf_failed(&b) || !sw_result_digest(b.data, b.len, hex)))
        st = SW_ERR_NOMEM;
    b.len = 0;
    sw_json w;
    sw_json_init(&w, &b, 0);
    if (st == SW_OK) {
        sw_record_put_outcome(&w, sw_result_report(res));
        st = sw_json_finish(&w);
    }
    sw_result_free(res);
    if (st == SW_OK)
        st = compare_json(x, recorded, &b, ".outcome");
    sw_buf_free(&b);
    if (st != SW_OK)
        return st;
    if (strcmp(hex, digest) != 0) {
        /* as JSON text, as the other differences are; the record is unloaded later */
        char was[80], now[80];
        snprintf(was, sizeof was, "\"%.64s\"", digest);
        snprintf(now, sizeof now, "\"%s\"", hex);
        const char *ra = sw_arena_strdup(&x->out->arena, was), *rb = sw_arena_strdup(&x->out->arena, now);
        x->failed |= !ra || !rb;
        add_diff(x, ".result_sha256", ra, rb);
    }
    return x->failed ? SW_ERR_NOMEM : SW_OK;
}

static sw_status replay_record(replayer *x, const sw_ruleset *rules, const char *text, size_t len,
                               sw_diagnostics *diags)
{
    sw_replay_report *rep = &x->out->report;
    size_t deep_at = 0;
    if (too_deep(text, len, &deep_at)) {
        char what[128];
        snprintf(what, sizeof what,
                 "lists and objects are nested more than %d levels deep (at byte %zu)",
                 RECORD_MAX_DEPTH, deep_at + 1);
        return not_a_record(diags, what);
    }
    if (!load(&x->rec, text, len))
        return not_a_record(diags, "it is not well-formed JSON");
    yaml_node_t *root = yaml_document_get_root_node(&x->rec.doc);
    const char *format = string_member(&x->rec, root, "format");
    const char *version = string_member(&x->rec, root, "format_version");
    const char *ruleset = string_member(&x->rec, root, "ruleset_sha256");
    /* 2.x digests a format 2.0 result; 3.x says which format its digest is over */
    int v3 = version && version[0] == '3' && version[1] == '.';
    int v2 = v3 || (version && version[0] == '2' && version[1] == '.');
    yaml_node_t *result = member(&x->rec, root, v2 ? "outcome" : "result");
    const char *digest = v2 ? string_member(&x->rec, root, "result_sha256") : "";
    int major = v3 ? result_major(string_member(&x->rec, root, "result_format")) : 2;
    if (!format || strcmp(format, SW_RECORD_FORMAT_NAME) != 0 || !version ||
        (!v2 && (version[0] != '1' || version[1] != '.')) || !ruleset || !result || !digest ||
        !major)
        return not_a_record(diags, "it lacks the format, version 1.x, 2.x or 3.x, ruleset_sha256, "
                                   "and result (1.x), outcome and result_sha256 (2.x), or those "
                                   "and result_format 2.x or 3.x (3.x)");
    char hex[65];
    size_t n = len;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    rep->hash_ok = sw_record_seal(text, n, hex) && memcmp(text + n - 66, hex, 64) == 0;
    const char *id = string_member(&x->rec, root, "decision_id");
    rep->decision_id = sw_arena_strdup(&x->out->arena, id ? id : "");
    rep->recorded_ruleset_sha256 = sw_arena_strdup(&x->out->arena, ruleset);
    const char *engine = string_member(&x->rec, root, "engine_version");
    rep->recorded_engine_version = sw_arena_strdup(&x->out->arena, engine ? engine : "");
    rep->ruleset_sha256 = rules->prog.sha256;
    if (!rep->decision_id || !rep->recorded_ruleset_sha256 || !rep->recorded_engine_version)
        return SW_ERR_NOMEM;
    if (strcmp(ruleset, rules->prog.sha256) != 0) {
        rep->state = SW_REPLAY_RULES_DIFFER;
        return SW_OK;
    }
    sw_facts *facts = NULL;
    sw_status st = read_facts(rules, &x->rec, root, &facts, diags);
    if (st == SW_OK)
        st = v2 ? rerun_v2(x, rules, facts, result, digest, major) : rerun(x, rules, facts, result);
    sw_facts_free(facts);
    rep->state = x->ndiffs ? SW_REPLAY_DIFFERENT : SW_REPLAY_IDENTICAL;
    return st;
}

sw_status sw_record_replay(const sw_ruleset *rules, const char *record, size_t len, sw_replay **out,
                           sw_diagnostics *diags)
{
    if (!rules || !record || !out)
        return SW_ERR_ARG;
    replayer x;
    memset(&x, 0, sizeof x);
    x.out = calloc(1, sizeof *x.out);
    if (!x.out)
        return SW_ERR_NOMEM;
    sw_status st = replay_record(&x, rules, record, len, diags);
    unload(&x.rec);
    unload(&x.now);
    if (st == SW_OK && x.ndiffs) {
        x.out->report.differences = sw_arena_memdup(&x.out->arena, x.diffs, x.ndiffs * sizeof *x.diffs);
        x.out->report.ndifferences = x.ndiffs;
        if (!x.out->report.differences)
            st = SW_ERR_NOMEM;
    }
    free(x.diffs);
    if (st != SW_OK) {
        sw_replay_free(x.out);
        x.out = NULL;
    }
    *out = x.out;
    return st;
}

const sw_replay_report *sw_replay_get(const sw_replay *replay) { return replay ? &replay->report : NULL; }

void sw_replay_free(sw_replay *replay)
{
    if (!replay)
        return;
    sw_arena_free(&replay->arena);
    free(replay);
}
