/*
 * value_text.c - values as the rule language writes them, for reports and errors.
 */
#include "compile/value_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/value.h"

static void format_number(double n, sw_buf *out)
{
    char tmp[64];
    double mag = n < 0 ? -n : n;
    int done = 0;
    if (mag == 0.0 || (mag >= 1e-6 && mag < 1e15)) {
        /* plain decimal: the fewest decimals that read back exactly */
        for (int prec = 1; prec <= 17 && !done; prec++) {
            snprintf(tmp, sizeof tmp, "%.*f", prec, n);
            done = strtod(tmp, NULL) == n;
        }
    }
    for (int prec = 1; prec <= 17 && !done; prec++) {
        /* very large or small: shortest exact scientific form */
        snprintf(tmp, sizeof tmp, "%.*g", prec, n);
        done = strtod(tmp, NULL) == n;
    }
    sw_buf_puts(out, tmp);
    if (!strpbrk(tmp, ".eEni"))
        sw_buf_puts(out, ".0");
}

static void format_text(const char *s, sw_buf *out)
{
    sw_buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sw_buf_putc(out, '\\');
        if (*s == '\n') {
            sw_buf_puts(out, "\\n");
            continue;
        }
        sw_buf_putc(out, *s);
    }
    sw_buf_putc(out, '"');
}

void sw_value_format(const sw_program *p, const sw_type *t, sw_value v, sw_buf *out)
{
    if (!v.known) {
        sw_buf_puts(out, "unknown");
        return;
    }
    switch ((sw_type_kind)t->kind) {
    case SW_T_BOOL:
        sw_buf_puts(out, v.u.i ? "true" : "false");
        break;
    case SW_T_INT:
        sw_buf_printf(out, "%lld", (long long)v.u.i);
        break;
    case SW_T_NUMBER:
        format_number(v.u.n, out);
        break;
    case SW_T_ENUM: {
        const sw_enum *e = &p->enums[t->enumeration];
        if (v.u.i >= 0 && (uint64_t)v.u.i < e->nmembers)
            sw_buf_puts(out, e->members[v.u.i]);
        else
            sw_buf_puts(out, "?");
        break;
    }
    case SW_T_SET: {
        const sw_enum *e = &p->enums[t->enumeration];
        sw_buf_putc(out, '{');
        int first = 1;
        for (uint32_t k = 0; k < e->nmembers; k++)
            if (v.u.bits & ((uint64_t)1 << k)) {
                sw_buf_puts(out, first ? "" : ", ");
                sw_buf_puts(out, e->members[k]);
                first = 0;
            }
        sw_buf_putc(out, '}');
        break;
    }
    case SW_T_DATE: {
        char d[11];
        sw_date_format((int32_t)v.u.i, d);
        sw_buf_puts(out, d);
        break;
    }
    case SW_T_TEXT:
        format_text(v.u.s ? v.u.s : "", out);
        break;
    }
}
