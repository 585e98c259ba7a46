/*
 * internal.h - what the `stagewise` command (cli/) and the HTTP service (service/)
 * use of the library beyond include/stagewise.h.
 *
 * INTERNAL: not installed, no ABI promise. The command and the service link the
 * static library and may use only this header and stagewise.h; tests/layout
 * checks that they do. Each entry is here because the public API does not offer
 * it yet: the JSON writer and reader (the service writes its replies and reads
 * CDS Hooks requests with the library's), the growable buffer, and the authoring
 * tools (lint, fmt, scenario tests, coverage and the hazard log).
 */
#ifndef SW_INTERNAL_H
#define SW_INTERNAL_H

#include "stagewise.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/grow.h"
#include "util/json.h"
#include "util/jsonread.h"
#include "util/text.h"
#include "authoring/fmt.h"
#include "authoring/lint.h"
#include "authoring/scenario.h"
#include "authoring/hazards.h"

#endif
