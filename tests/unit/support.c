/*
 * support.c - what several unit tests share (support.h): files read whole, the
 * example clients, a rule text loaded or the test failed, diagnostics by code.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support.h"

char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    char *text = malloc((size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    *len = (size_t)size;
    return text;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const test_file *)a)->name, ((const test_file *)b)->name);
}

static int ends_in_one_of(const char *name, const char *const *suffixes)
{
    size_t len = strlen(name);
    for (size_t i = 0; suffixes[i]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (len > sl && strcmp(name + len - sl, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

size_t read_dir_sorted(const char *dir, const char *const *suffixes, test_file *out, size_t max)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        fail_msg("cannot open the folder %s", dir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < max;) {
        if (!ends_in_one_of(e->d_name, suffixes))
            continue;
        snprintf(out[n].name, sizeof out[n].name, "%s/%s", dir, e->d_name);
        out[n].text = read_whole_file(out[n].name, &out[n].len);
        n++;
    }
    closedir(d);
    qsort(out, n, sizeof *out, by_name);
    return n;
}

size_t read_example_clients(test_file *out, size_t max)
{
    static const char *const facts[] = {".yaml", ".json", NULL};
    return read_dir_sorted(SW_SOURCE_DIR "/examples/clients", facts, out, max);
}

void free_files(test_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].text);
        files[i].text = NULL;
    }
}

sw_ruleset *load_rules_or_fail(const char *name, const char *text)
{
    sw_source_text src = {name, text, strlen(text)};
    sw_ruleset *rs = NULL;
    sw_diagnostics *d = sw_diagnostics_new();
    assert_non_null(d);
    if (sw_ruleset_load_texts(&src, 1, &rs, d) != SW_OK) {
        char *out = NULL;
        sw_diagnostics_render(d, &out, NULL);
        fail_msg("%s: %s", name, out ? out : "the rules do not load");
    }
    sw_diagnostics_free(d);
    return rs;
}

const sw_diagnostic *find_diagnostic(const sw_diagnostics *d, const char *code, const char *text)
{
    for (size_t i = 0; i < sw_diagnostics_count(d); i++) {
        const sw_diagnostic *it = sw_diagnostics_at(d, i);
        if (strcmp(it->code, code) == 0 && strstr(it->message, text))
            return it;
    }
    fail_msg("no %s diagnostic saying '%s'", code, text);
    return NULL;
}

int count_diagnostics(const sw_diagnostics *d, const char *code)
{
    int n = 0;
    for (size_t i = 0; i < sw_diagnostics_count(d); i++)
        n += strcmp(sw_diagnostics_at(d, i)->code, code) == 0;
    return n;
}

int opt_strcmp(const char *a, const char *b)
{
    return a == b ? 0 : !a || !b ? 1 : strcmp(a, b);
}
