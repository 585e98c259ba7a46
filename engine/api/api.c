/*
 * api.c - small public entry points: version, statuses, names, buffers.
 */
#include "stagewise.h"
#include "util/mem.h"

const char *sw_version(void) { return SW_VERSION; }

void sw_free(void *buffer) { sw_mem_given_free(buffer); }

const char *sw_status_text(sw_status status)
{
    switch (status) {
    case SW_OK: return "ok";
    case SW_END: return "no more documents";
    case SW_ERR_NOMEM: return "out of memory";
    case SW_ERR_IO: return "input/output error";
    case SW_ERR_RULES: return "the rules have errors";
    case SW_ERR_FACTS: return "the facts have errors";
    case SW_ERR_ARG: return "invalid argument";
    case SW_ERR_LIMIT: return "an input exceeds a limit";
    }
    return "unknown status";
}

const char *sw_priority_name(sw_priority priority)
{
    static const char *const names[] = {"low", "normal", "high", "urgent"};
    return (unsigned)priority < 4 ? names[priority] : "normal";
}

const char *sw_severity_name(sw_risk_severity severity)
{
    static const char *const names[] = {"info", "warning", "critical"};
    return (unsigned)severity < 3 ? names[severity] : "warning";
}

const char *sw_direction_name(sw_direction direction)
{
    static const char *const names[] = {"stay", "forward", "back", "unknown"};
    return (unsigned)direction < 4 ? names[direction] : "unknown";
}

const char *sw_verdict_status_name(sw_verdict_status status)
{
    static const char *const names[] = {"decided", "provisional", "conflicting", "undecided"};
    return (unsigned)status < 4 ? names[status] : "undecided";
}
