/*
 * serve_ui.h - the workbench's static files (service/ui/), embedded in the binary
 * at build time: cmake/embed_ui.cmake writes ui_assets.c in the build tree.
 */
#ifndef SERVE_UI_H
#define SERVE_UI_H

#include <stddef.h>

typedef struct serve_asset {
    const char *name;                 /* the file name under /ui/ */
    const unsigned char *data;
    size_t len;
} serve_asset;

extern const serve_asset serve_ui_assets[];
extern const size_t serve_ui_nassets;

#endif
