/*
 * ruleset.c - loading a rule set: files -> parse -> check -> compile.
 *
 * The front of the pipeline and the public entry points for rule sets. The rule
 * set's SHA-256 covers every source file, taken in order of file name so that
 * naming the same files in another order, or from another directory, gives the
 * same hash: for each file, its base name, a newline, its length in bytes in
 * decimal, a newline, then its bytes.
 *
 * Stage api/ - the top of the library: loading a rule set through every stage, and
 * the small public entry points (api.c).
 * May use: every stage. (tests/layout checks it.)
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdatomic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/digest.h"

#include "util/grow.h"
#include "util/lookup.h"
#include "check/front.h"
#include "check/model.h"
#include "compile/compile.h"
#include "eval/index.h"
#include "report/report_plan.h"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int cmp_files(const void *a, const void *b)
{
    const sw_file *x = *(const sw_file *const *)a, *y = *(const sw_file *const *)b;
    int c = strcmp(base_name(x->name), base_name(y->name));
    return c ? c : strcmp(x->name, y->name);
}

static int hash_files(sw_mem mem, const sw_file *files, uint32_t n, char hex[65])
{
    const sw_file **order = sw_mem_alloc(mem, (n ? n : 1) * sizeof *order);
    sw_digest *d = sw_digest_new();
    if (!order || !d) {
        sw_mem_free(mem, order, 0);
        sw_digest_finish(d, hex);
        return 0;
    }
    for (uint32_t i = 0; i < n; i++)
        order[i] = &files[i];
    qsort(order, n, sizeof *order, cmp_files);
    for (uint32_t i = 0; i < n; i++) {
        char len[32];
        int k = snprintf(len, sizeof len, "\n%zu\n", order[i]->len);
        const char *b = base_name(order[i]->name);
        sw_digest_update(d, b, strlen(b));
        sw_digest_update(d, len, (size_t)k);
        sw_digest_update(d, order[i]->text, order[i]->len);
    }
    sw_mem_free(mem, order, 0);
    return sw_digest_finish(d, hex);
}

/* The info's count of each output kind's catalogue entries, from the vocabulary. */
static int count_kinds(sw_program *p)
{
    size_t *n = sw_arena_array(&p->arena, SW_ITEM__COUNT, sizeof *n);
    if (!n)
        return 0;
    for (size_t k = 0; k < SW_ITEM__COUNT; k++)
        n[k] = p->nitems[k];
    p->info.kind_items = n;
    p->info.nkinds = SW_ITEM__COUNT;
    return 1;
}

static sw_mem mem_of(const sw_load_options *options)
{
    sw_mem mem = SW_MEM_DEFAULT;
    if (options) {
        mem.fn = options->alloc;
        mem.ud = options->alloc_ud;
    }
    return mem;
}

/* Loads texts through the front end and compiles the checked model. */
sw_status sw_ruleset_load_texts(const sw_source_text *texts, size_t ntexts, sw_ruleset **out,
                                sw_diagnostics *diags)
{
    return sw_ruleset_load_texts_with(texts, ntexts, NULL, out, diags);
}

/* Loads texts through the front end and compiles the checked model; the
 * compilation's arena and the program's come from the options' allocator. */
sw_status sw_ruleset_load_texts_with(const sw_source_text *texts, size_t ntexts,
                                     const sw_load_options *options, sw_ruleset **out,
                                     sw_diagnostics *diags)
{
    if (!out || (!texts && ntexts))
        return SW_ERR_ARG;
    *out = NULL;
    sw_mem mem = mem_of(options);
    sw_arena arena = SW_ARENA_WITH(mem);
    sw_model m;
    sw_status st = sw_front_load(&arena, texts, ntexts, diags, &m);
    if (st == SW_OK) {
        sw_ruleset *rs = sw_mem_calloc(mem, 1, sizeof *rs);
        if (rs) {
            atomic_init(&rs->refs, 1);
            rs->prog.arena.mem = mem;
        }
        if (!rs)
            st = SW_ERR_NOMEM;
        else if (!hash_files(mem, m.files, m.nfiles, rs->prog.sha256) || sw_compile(&m, &rs->prog) != SW_OK ||
                 sw_index_build(&rs->prog) != SW_OK || sw_report_plan_build(&rs->prog) != SW_OK ||
                 !count_kinds(&rs->prog)) {
            sw_ruleset_free(rs);
            st = SW_ERR_NOMEM;
        } else
            *out = rs;
    }
    sw_arena_free(&arena);
    return st;
}

/* ---- reading files and directories ---- */

typedef struct path_list {
    char **v;
    size_t n, cap;
} path_list;

static int push_path(sw_mem mem, path_list *l, const char *path)
{
    if (!sw_grow_m(mem, &l->v, &l->cap, l->n, sizeof *l->v, 16))
        return 0;
    l->v[l->n] = sw_mem_strdup(mem, path);
    return l->v[l->n] ? (l->n++, 1) : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void io_error(sw_diagnostics *diags, const char *path, const char *what)
{
    sw_where w = {path, NULL, 0, 0, 0};
    sw_diag_add(diags, SW_SEV_ERROR, "E006", w, NULL, NULL, "%s: %s", what, strerror(errno));
}

/* Adds path, or the *.sw files of a directory in name order. */
static sw_status expand(sw_mem mem, const char *path, path_list *l, sw_diagnostics *diags)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        io_error(diags, path, "cannot read the rules");
        return SW_ERR_IO;
    }
    if (!S_ISDIR(st.st_mode))
        return push_path(mem, l, path) ? SW_OK : SW_ERR_NOMEM;
    DIR *dir = opendir(path);
    if (!dir) {
        io_error(diags, path, "cannot open the directory");
        return SW_ERR_IO;
    }
    size_t first = l->n;
    size_t plen = strlen(path);
    int slash = plen > 0 && path[plen - 1] == '/';
    struct dirent *e;
    sw_status status = SW_OK;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".sw") != 0 || e->d_name[0] == '.')
            continue;
        char *full = sw_mem_alloc(mem, plen + n + 2);
        if (!full) {
            status = SW_ERR_NOMEM;
            break;
        }
        snprintf(full, plen + n + 2, "%s%s%s", path, slash ? "" : "/", e->d_name);
        struct stat fs;
        int ok = stat(full, &fs) == 0 && S_ISREG(fs.st_mode) ? push_path(mem, l, full) : 1;
        sw_mem_free(mem, full, plen + n + 2);
        if (!ok) {
            status = SW_ERR_NOMEM;
            break;
        }
    }
    closedir(dir);
    if (l->n > first)   /* l->v is NULL when its first allocation failed */
        qsort(l->v + first, l->n - first, sizeof *l->v, cmp_str);
    if (status == SW_OK && l->n == first) {
        sw_where w = {path, NULL, 0, 0, 0};
        sw_diag_add(diags, SW_SEV_ERROR, "E007", w, NULL, "rule files end in .sw",
                    "the directory has no rule files");
        return SW_ERR_IO;
    }
    return status;
}

static sw_status read_file(sw_mem mem, const char *path, sw_source_text *t, sw_diagnostics *diags)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        io_error(diags, path, "cannot read the rules");
        return SW_ERR_IO;
    }
    char *data = NULL;
    size_t len = 0, cap = 0;
    sw_status st = SW_OK;
    for (;;) {
        /* never past the limit plus one byte, enough to see a file too large */
        if (!sw_grow_to_m(mem, &data, &cap, len + 1, 1, 65536, SW_MAX_RULE_FILE + 1)) {
            st = SW_ERR_NOMEM;
            break;
        }
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f)) {
                io_error(diags, path, "cannot read the rules");
                st = SW_ERR_IO;
            }
            break;
        }
        if (len > SW_MAX_RULE_FILE) {
            sw_front_file_too_large(diags, path);
            st = SW_ERR_LIMIT;
            break;
        }
    }
    fclose(f);
    if (st != SW_OK) {
        sw_mem_free(mem, data, cap);
        return st;
    }
    t->name = path;
    t->text = data ? data : "";
    t->len = len;
    if (!data)
        t->text = NULL;
    return SW_OK;
}

sw_status sw_ruleset_load_files(const char *const *paths, size_t npaths, sw_ruleset **out,
                                sw_diagnostics *diags)
{
    return sw_ruleset_load_files_with(paths, npaths, NULL, out, diags);
}

sw_status sw_ruleset_load_files_with(const char *const *paths, size_t npaths,
                                     const sw_load_options *options, sw_ruleset **out,
                                     sw_diagnostics *diags)
{
    if (!out || (!paths && npaths))
        return SW_ERR_ARG;
    *out = NULL;
    sw_mem mem = mem_of(options);
    path_list list = {0};
    sw_status st = SW_OK;
    for (size_t i = 0; i < npaths; i++) {
        sw_status s = expand(mem, paths[i], &list, diags);
        if (s == SW_ERR_NOMEM) {
            st = s;
            break;
        }
        if (s != SW_OK)
            st = s;
    }
    if (st == SW_OK && list.n > SW_MAX_RULE_FILES) {
        sw_front_too_many_files(diags, list.n);
        st = SW_ERR_LIMIT;
    }
    sw_source_text *texts = st == SW_OK ? sw_mem_calloc(mem, list.n ? list.n : 1, sizeof *texts) : NULL;
    if (st == SW_OK && !texts)
        st = SW_ERR_NOMEM;
    for (size_t i = 0; st == SW_OK && i < list.n; i++) {
        sw_status s = read_file(mem, list.v[i], &texts[i], diags);
        if (s != SW_OK)
            st = s;
    }
    if (st == SW_OK)
        st = sw_ruleset_load_texts_with(texts, list.n, options, out, diags);
    for (size_t i = 0; texts && i < list.n; i++)
        sw_mem_free(mem, (void *)texts[i].text, 0);
    sw_mem_free(mem, texts, 0);
    for (size_t i = 0; i < list.n; i++)
        sw_mem_free(mem, list.v[i], 0);
    sw_mem_free(mem, list.v, list.cap * sizeof *list.v);
    return st;
}

sw_ruleset *sw_ruleset_retain(const sw_ruleset *rules)
{
    sw_ruleset *rs = (sw_ruleset *)rules;   /* the count is the one mutable part */
    if (rs)
        atomic_fetch_add_explicit(&rs->refs, 1, memory_order_relaxed);
    return rs;
}

void sw_ruleset_free(sw_ruleset *rules)
{
    if (!rules)
        return;
    /* release: every use before the last free happens before the memory goes */
    if (atomic_fetch_sub_explicit(&rules->refs, 1, memory_order_acq_rel) != 1)
        return;
    sw_mem mem = rules->prog.arena.mem;
    sw_arena_free(&rules->prog.arena);
    sw_mem_free(mem, rules, sizeof *rules);
}

const sw_ruleset_info *sw_ruleset_describe(const sw_ruleset *rules)
{
    return rules ? &rules->prog.info : NULL;
}

static int fact_name_compare(const void *table, size_t i, const void *key)
{
    const sw_program *p = table;
    const sw_name_key *k = key;
    return sw_name_compare(p->facts[p->facts_by_name[i]].name, k->s, k->len);
}

const sw_fact_def *sw_program_fact(const sw_program *p, const char *name, size_t len)
{
    sw_name_key key = {name, len};
    size_t i = sw_lookup(p, p->nfacts, fact_name_compare, &key);
    return i == SIZE_MAX ? NULL : &p->facts[p->facts_by_name[i]];
}
