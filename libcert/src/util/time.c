/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <openssl/asn1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error_int.h"
#include "libcert/common.h"
#include "time_int.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil algorithm, public domain description). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t cert__time_from_civil(int64_t y, int mon, int day, int h, int mi, int s)
{
    return days_from_civil(y, mon, day) * 86400 + h * 3600 + mi * 60 + s;
}

char *cert__time_format(int64_t t, char *buf, size_t size)
{
    int64_t z = (t >= 0 ? t : t - 86399) / 86400, secs = t - z * 86400;
    int64_t era, doe, yoe, y, doy, mp, d, m;

    /* civil_from_days, the inverse of the above */
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y >= 0 && y <= 9999 && size >= 21) {
        /* by hand: snprintf was a tenth of listing a thousand certificates */
        int64_t v[6] = {y, m, d, secs / 3600, secs / 60 % 60, secs % 60};
        static const char sep[6] = {'-', '-', 'T', ':', ':', 'Z'};
        char *p = buf;

        for (int i = 0; i < 6; i++) {
            if (i == 0) {
                *p++ = (char)('0' + v[0] / 1000);
                *p++ = (char)('0' + v[0] / 100 % 10);
            }
            *p++ = (char)('0' + v[i] / 10 % 10);
            *p++ = (char)('0' + v[i] % 10);
            *p++ = sep[i];
        }
        *p = '\0';
        return buf;
    }
    snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)m,
             (long long)d, (long long)(secs / 3600), (long long)(secs / 60 % 60),
             (long long)(secs % 60));
    return buf;
}

bool cert__asn1_time_get(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;

    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    *out = cert__time_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                 tm.tm_min, tm.tm_sec);
    return true;
}

int64_t cert__time_resolve(int64_t now)
{
    return now == CERT_TIME_NOW ? (int64_t)time(NULL) : now;
}

static bool digits(const char **p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, const char *set)
{
    if (**p == '\0' || strchr(set, **p) == NULL)
        return false;
    (*p)++;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dm[m - 1];
}

cert_err cert__time_parse(const char *text, int64_t *out)
{
    const char *p = text;
    int y, mon, d, h, mi, s, oh = 0, om = 0, sign = 0;

    if (text == NULL || out == NULL)
        return cert__error_set(CERT_E_INVALID, "no time given");
    if (*p == '@') {
        char *end;
        long long v;

        p++;
        if (*p == '\0')
            goto bad;
        errno = 0;
        v = strtoll(p, &end, 10);
        /* INT64_MIN is CERT_TIME_NOW: an out-of-range epoch must not silently mean "now". */
        if (*end != '\0' || (*p != '-' && !isdigit((unsigned char)*p)) || errno == ERANGE ||
            v == LLONG_MIN)
            goto bad;
        *out = (int64_t)v;
        return CERT_OK;
    }
    /* RFC 3339 section 5.6 date-time */
    if (!digits(&p, 4, &y) || !expect(&p, "-") || !digits(&p, 2, &mon) || !expect(&p, "-") ||
        !digits(&p, 2, &d) || !expect(&p, "Tt ") || !digits(&p, 2, &h) || !expect(&p, ":") ||
        !digits(&p, 2, &mi) || !expect(&p, ":") || !digits(&p, 2, &s))
        goto bad;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            goto bad;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        p++;
        if (!digits(&p, 2, &oh) || !expect(&p, ":") || !digits(&p, 2, &om) || oh > 23 || om > 59)
            goto bad;
    } else {
        goto bad;
    }
    if (*p != '\0' || mon < 1 || mon > 12 || d < 1 || d > days_in_month(y, mon) || h > 23 ||
        mi > 59 || s > 60)
        goto bad;
    if (s == 60)
        s = 59; /* a leap second: close enough for certificate validity */
    *out = cert__time_from_civil(y, mon, d, h, mi, s) - (int64_t)sign * (oh * 3600 + om * 60);
    return CERT_OK;
bad:
    return cert__error_set(CERT_E_INVALID,
                           "%s: not a time; give RFC 3339 (2026-01-01T00:00:00Z) or @EPOCH", text);
}
