/*
 * value.c - dates, the rule language's spelling of values, name suggestions.
 */
#include "lang/value.h"

#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

sw_date_status sw_date_read(const char *s, size_t len, int32_t *days)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        !digits(s + 8, 2, &d))
        return SW_DATE_NOT_YYYY_MM_DD;
    if (m < 1 || m > 12 || d < 1)
        return SW_DATE_NO_SUCH_DAY;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    if (d > max)
        return SW_DATE_NO_SUCH_DAY;
    if (y < 1900)
        return SW_DATE_TOO_EARLY; /* 9999 is the largest four digits can write */
    *days = days_from_civil(y, m, d);
    return SW_DATE_OK;
}

static int days_in_month(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mdays[m - 1] + (m == 2 && leap);
}

/* The day k calendar months after y-m-d: the same day of the month, or the
 * month's last day when it is shorter (31 January + 1 month is 28 or 29 February). */
static int64_t add_months(int y, int m, int d, int64_t k)
{
    int64_t total = (int64_t)y * 12 + (m - 1) + k;
    int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    int nm = (int)(total - ny * 12) + 1;
    int nd = d < days_in_month((int)ny, nm) ? d : days_in_month((int)ny, nm);
    return days_from_civil((int)ny, nm, nd);
}

double sw_date_months_between(int64_t from, int64_t to)
{
    int y, m, d, ty, tm, td;
    civil_from_days((int32_t)from, &y, &m, &d);
    civil_from_days((int32_t)to, &ty, &tm, &td);
    int64_t k = ((int64_t)ty * 12 + tm) - ((int64_t)y * 12 + m);
    while (add_months(y, m, d, k) > to)
        k--;
    while (add_months(y, m, d, k + 1) <= to)
        k++;
    int64_t lo = add_months(y, m, d, k), hi = add_months(y, m, d, k + 1);
    return (double)k + (double)(to - lo) / (double)(hi - lo);
}

int sw_date_parse(const char *s, size_t len, int32_t *days)
{
    return sw_date_read(s, len, days) == SW_DATE_OK;
}

void sw_date_format(int32_t days, char out[11])
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
    out[0] = (char)('0' + uy / 1000);
    out[1] = (char)('0' + uy / 100 % 10);
    out[2] = (char)('0' + uy / 10 % 10);
    out[3] = (char)('0' + uy % 10);
    out[4] = '-';
    out[5] = (char)('0' + um / 10);
    out[6] = (char)('0' + um % 10);
    out[7] = '-';
    out[8] = (char)('0' + ud / 10);
    out[9] = (char)('0' + ud % 10);
    out[10] = '\0';
}


int sw_enum_find(const sw_enum *e, const char *name, size_t len)
{
    for (uint32_t i = 0; i < e->nmembers; i++)
        if (strlen(e->members[i]) == len && memcmp(e->members[i], name, len) == 0)
            return (int)i;
    return -1;
}

const char *sw_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    size_t limit = len < 4 ? 1 : len < 8 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t dd = sw_edit_distance(word, len, candidates[i], strlen(candidates[i]), limit);
        /* ties go to the first in the order given, which callers keep stable */
        if (dd < best_d) {
            best_d = dd;
            best = candidates[i];
        }
    }
    return best_d <= limit ? best : NULL;
}
