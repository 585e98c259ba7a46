/*
 * support.h - what several unit tests share (tests/unit/support.c): reading files
 * and the example clients, loading a rule text or failing with its diagnostics,
 * and finding diagnostics by code. Include after <cmocka.h>; the functions fail
 * the running test (cmocka) rather than return an error.
 */
#ifndef SW_TEST_SUPPORT_H
#define SW_TEST_SUPPORT_H

#include <stddef.h>

#include "stagewise.h"

/* A file read whole: its path, its text (NUL-terminated, malloc'd) and length. */
typedef struct test_file {
    char name[512];
    char *text;
    size_t len;
} test_file;

/* The whole file at path, NUL-terminated, malloc'd (the caller frees it). */
char *read_whole_file(const char *path, size_t *len);

/* The files of dir whose names end in one of suffixes (NULL-terminated), at most
 * max, read whole and sorted by name; the count. */
size_t read_dir_sorted(const char *dir, const char *const *suffixes, test_file *out, size_t max);

/* Every example client (examples/clients, .yaml and .json), sorted by name. */
size_t read_example_clients(test_file *out, size_t max);

/* strcmp that also takes NULL: 0 when both are NULL or both equal, else nonzero. */
int opt_strcmp(const char *a, const char *b);

/* Frees the texts of n files. */
void free_files(test_file *files, size_t n);

/* A rule text loaded as the file name; fails the test with the rendered
 * diagnostics when it does not load. */
sw_ruleset *load_rules_or_fail(const char *name, const char *text);

/* The first diagnostic of code whose message holds text; fails the test when
 * there is none. */
const sw_diagnostic *find_diagnostic(const sw_diagnostics *d, const char *code, const char *text);

/* How many diagnostics have code. */
int count_diagnostics(const sw_diagnostics *d, const char *code);

/* The declarations of the link-time wrappers (-Wl,--wrap, tests/CMakeLists.txt)
 * of the tests that fail or count the library's allocations. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

#endif
