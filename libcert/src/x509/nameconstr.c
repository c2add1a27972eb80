/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Name constraints (RFC 5280 4.2.1.10), as browsers apply them: to every name of the
 * subjectAltName (dNSName, iPAddress, rfc822Name, uniformResourceIdentifier, directoryName) and,
 * for directoryName, to the subject; an rfc822Name constraint to the subject's emailAddress
 * only when there is no subjectAltName (4.2.1.10). Never to the subject's CN: Chromium and
 * mozilla::pkix check the SANs, and RFC 9525 drops CN-IDs (OpenSSL's verifier, which checks a
 * CN that looks like a host name against dNSName constraints, rejects a certificate whose SAN
 * holds only an IP address).
 *
 * A wildcard dNSName ("*.example.com") stands for every name it could match: it violates an
 * excluded subtree when any of them lies inside it (excluded "bar.example.com" catches
 * "*.example.com"), and satisfies a permitted subtree only when all of them do.
 *
 * A name form that has constraints of a kind we cannot evaluate (otherName, x400Address,
 * ediPartyName, registeredID), or a subtree with a minimum or maximum (RFC 5280: MUST be 0 and
 * absent), makes the name fail: a verifier must not pass what it cannot check.
 */
#include <ctype.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "profile_int.h"
#include "x509_int.h"

typedef struct nctx {
    const NAME_CONSTRAINTS *nc;
    X509 *ca, *x;
    cproblems *out;
    size_t depth;
    const char *role;
    cert_err err;
} nctx;

/* ---- text helpers ---- */

/* An IA5String as a NUL-terminated lower-case string without a trailing dot; false when it does
 * not fit or holds a NUL. */
static bool lower(const ASN1_STRING *s, char *buf, size_t size)
{
    int n = ASN1_STRING_length(s);
    const unsigned char *d = ASN1_STRING_get0_data(s);

    if (n < 0 || (size_t)n >= size || memchr(d, '\0', (size_t)n) != NULL)
        return false;
    for (int i = 0; i < n; i++)
        buf[i] = (char)tolower(d[i]);
    buf[n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[n - 1] = '\0';
    return true;
}

/* Whether s ends with suffix. */
static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return k <= n && strcmp(s + n - k, suffix) == 0;
}

/* Whether `name` lies in the DNS subtree `c`: c itself and every name below it; a constraint
 * that begins with a dot only the names below it; the empty constraint everything. */
static bool dns_in(const char *name, const char *c)
{
    size_t n = strlen(name), k = strlen(c);

    if (k == 0)
        return true;
    if (c[0] == '.')
        return ends_with(name, c);
    if (n == k)
        return strcmp(name, c) == 0;
    return n > k && name[n - k - 1] == '.' && strcmp(name + n - k, c) == 0;
}

/* Whether the first label of `name` holds a wildcard; *rest_out points past that label's dot. */
static bool wildcard(const char *name, const char **rest_out)
{
    const char *dot = strchr(name, '.');

    if (dot == NULL || memchr(name, '*', (size_t)(dot - name)) == NULL)
        return false;
    *rest_out = dot + 1;
    return true;
}

/* Whether every name a wildcard "*.S" could match lies in subtree c: S must. */
static bool dns_all_in(const char *name, const char *c)
{
    const char *rest;

    if (!wildcard(name, &rest))
        return dns_in(name, c);
    if (c[0] == '\0')
        return true;
    if (c[0] == '.')
        return strcmp(rest, c + 1) == 0 || ends_with(rest, c);
    return dns_in(rest, c);
}

/* Whether some name the wildcard "*.S" could match lies in subtree c: all of them do, or c is
 * one of them (one label, then S). */
static bool dns_any_in(const char *name, const char *c)
{
    const char *rest, *dot;

    if (!wildcard(name, &rest))
        return dns_in(name, c);
    if (dns_all_in(name, c))
        return true;
    dot = strchr(c, '.');
    return c[0] != '.' && dot != NULL && dot != c && strcmp(dot + 1, rest) == 0;
}

/* rfc822Name constraint c ("user@host", "host", ".host") against the address `addr`. */
static bool email_in(const char *addr, const char *c)
{
    const char *at = strrchr(addr, '@'), *host;

    if (at == NULL)
        return false;
    host = at + 1;
    if (strchr(c, '@') != NULL)
        return strcmp(addr, c) == 0;
    if (c[0] == '.')
        return ends_with(host, c);
    return strcmp(host, c) == 0;
}

/* The host of a URI ("scheme://[userinfo@]host[:port]/..."), lower-case, into buf (which may
 * be the URI itself); false when there is none or it is an IP literal. */
static bool uri_host(const char *uri, char *buf, size_t size)
{
    const char *p = strstr(uri, "://"), *end, *at;
    size_t n;

    if (p == NULL)
        return false;
    p += 3;
    end = p + strcspn(p, "/?#");
    at = memchr(p, '@', (size_t)(end - p));
    if (at != NULL)
        p = at + 1;
    if (*p == '[')
        return false;
    n = strcspn(p, ":/?#");
    if (p + n > end)
        n = (size_t)(end - p);
    if (n == 0 || n >= size)
        return false;
    memmove(buf, p, n);
    buf[n] = '\0';
    if (buf[n - 1] == '.')
        buf[--n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)buf[i]) && buf[i] != '.')
            return true;
    }
    return false; /* all digits and dots: an IPv4 address */
}

/* URI constraint c ("host" exactly, ".domain" any host below) against a host. */
static bool uri_in(const char *host, const char *c)
{
    if (c[0] == '.')
        return ends_with(host, c);
    return strcmp(host, c) == 0;
}

/* iPAddress constraint (address and mask, 8 or 32 octets) against an address (4 or 16). */
static bool ip_in(const ASN1_OCTET_STRING *ip, const ASN1_OCTET_STRING *c)
{
    int n = ASN1_STRING_length(ip);
    const unsigned char *a = ASN1_STRING_get0_data(ip), *cv = ASN1_STRING_get0_data(c);

    if ((n != 4 && n != 16) || ASN1_STRING_length(c) != 2 * n)
        return false;
    for (int i = 0; i < n; i++) {
        if ((a[i] & cv[n + i]) != (cv[i] & cv[n + i]))
            return false;
    }
    return true;
}

/* Whether directory name `name` lies in the subtree `c`: c's RDNs are the first of name's
 * (compared as X509_NAME_cmp does, on the canonical encoding: case and spaces folded). */
static bool dn_in(const X509_NAME *name, const X509_NAME *c)
{
    int nc = X509_NAME_entry_count(c), nn = X509_NAME_entry_count(name), rdns, last_set = -1;
    X509_NAME *prefix;
    bool in = false;

    if (nc == 0)
        return true;
    if (nn == 0)
        return false;
    rdns = X509_NAME_ENTRY_set(X509_NAME_get_entry(c, nc - 1)) + 1;
    prefix = X509_NAME_new();
    if (prefix == NULL)
        return false;
    for (int i = 0; i < nn; i++) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        int set = X509_NAME_ENTRY_set(e);

        if (set >= rdns)
            break;
        if (!X509_NAME_add_entry(prefix, e, -1, set == last_set ? -1 : 0))
            goto done;
        last_set = set;
    }
    in = X509_NAME_cmp(prefix, c) == 0;

done:
    ERR_clear_error();
    X509_NAME_free(prefix);
    return in;
}

/* ---- one name against the constraints ---- */

typedef struct name_ref {
    int type;              /* GEN_* */
    const char *text;      /* DNS, email, URI host (lower-case); NULL for the others */
    const GENERAL_NAME *g; /* IP, directoryName, others; NULL for the subject */
    const X509_NAME *dn;   /* directoryName or the subject */
    const char *shown;     /* the name for messages */
} name_ref;

/* Whether the name matches subtree `base` (of the same form): every name it stands for
 * (`all`), or some (for an excluded subtree). */
static bool matches(const name_ref *n, const GENERAL_NAME *base, bool all)
{
    char c[256];

    switch (n->type) {
    case GEN_DNS:
        if (!lower(base->d.dNSName, c, sizeof(c)))
            return !all;
        return all ? dns_all_in(n->text, c) : dns_any_in(n->text, c);
    case GEN_EMAIL:
        return lower(base->d.rfc822Name, c, sizeof(c)) ? email_in(n->text, c) : !all;
    case GEN_URI:
        if (n->text == NULL)
            return false;
        return lower(base->d.uniformResourceIdentifier, c, sizeof(c)) ? uri_in(n->text, c) : !all;
    case GEN_IPADD:
        return ip_in(n->g->d.iPAddress, base->d.iPAddress);
    case GEN_DIRNAME:
        return dn_in(n->dn, base->d.directoryName);
    default:
        return false;
    }
}

static const char *form(int type)
{
    switch (type) {
    case GEN_DNS:
        return "dNSName";
    case GEN_EMAIL:
        return "rfc822Name";
    case GEN_URI:
        return "uniformResourceIdentifier";
    case GEN_IPADD:
        return "iPAddress";
    case GEN_DIRNAME:
        return "directoryName";
    }
    return "name";
}

/* A constraint subtree as text, for messages. */
static const char *subtree_text(const GENERAL_NAME *g, char *buf, size_t size)
{
    switch (g->type) {
    case GEN_DNS:
    case GEN_EMAIL:
    case GEN_URI:
        if (!lower(g->d.ia5, buf, size))
            snprintf(buf, size, "(unreadable)");
        break;
    case GEN_DIRNAME:
        cert__name_string(g->d.directoryName, buf, size);
        break;
    case GEN_IPADD: {
        const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
        int n = ASN1_STRING_length(g->d.iPAddress);

        if (n == 8)
            snprintf(buf, size, "%u.%u.%u.%u/%u.%u.%u.%u", a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                     a[7]);
        else
            snprintf(buf, size, "an IPv6 range");
        break;
    }
    default:
        snprintf(buf, size, "(another form)");
    }
    return buf;
}

static void violation(nctx *c, const name_ref *n, const char *what, const GENERAL_NAME *base)
{
    char ca[500], sub[300];

    if (c->err < 0)
        return;
    c->err = cert_chain__problem_add(
        c->out, "name.constraint", c->depth, false,
        "%s's %s %s %s%s%s of the name constraints of %s; browsers refuse it (RFC 5280 "
        "4.2.1.10)",
        c->role, form(n->type), n->shown, what, base ? " " : "",
        base ? subtree_text(base, sub, sizeof(sub)) : "",
        cert__name_string(X509_get_subject_name(c->ca), ca, sizeof(ca)));
}

static void check_name(nctx *c, const name_ref *n)
{
    STACK_OF(GENERAL_SUBTREE) *perm = c->nc->permittedSubtrees, *excl = c->nc->excludedSubtrees;
    bool constrained = false, permitted = false;

    for (int i = 0; i < sk_GENERAL_SUBTREE_num(excl); i++) {
        const GENERAL_SUBTREE *t = sk_GENERAL_SUBTREE_value(excl, i);

        if (t->base->type == n->type && matches(n, t->base, false)) {
            violation(c, n, "lies in the excluded subtree", t->base);
            return;
        }
    }
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(perm); i++) {
        const GENERAL_SUBTREE *t = sk_GENERAL_SUBTREE_value(perm, i);

        if (t->base->type != n->type)
            continue;
        constrained = true;
        permitted = permitted || matches(n, t->base, true);
    }
    if (constrained && !permitted)
        violation(c, n, "is outside every permitted subtree", NULL);
}

/* Subtrees browsers cannot evaluate: a minimum or maximum, or a form they do not know. */
static bool subtree_supported(const GENERAL_SUBTREE *t)
{
    if (t->maximum != NULL || (t->minimum != NULL && ASN1_INTEGER_get(t->minimum) != 0))
        return false;
    switch (t->base->type) {
    case GEN_DNS:
    case GEN_EMAIL:
    case GEN_URI:
    case GEN_IPADD:
    case GEN_DIRNAME:
        return true;
    }
    return false;
}

static bool has_unsupported(const STACK_OF(GENERAL_SUBTREE) * s, int type, bool any_type)
{
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(s); i++) {
        const GENERAL_SUBTREE *t = sk_GENERAL_SUBTREE_value(s, i);

        if ((any_type || t->base->type == type) && !subtree_supported(t))
            return true;
    }
    return false;
}

static void check_general_name(nctx *c, const GENERAL_NAME *g)
{
    name_ref n;
    char text[256], shown[300];
    int len;

    memset(&n, 0, sizeof(n));
    n.type = g->type;
    n.g = g;
    n.shown = shown;
    switch (g->type) {
    case GEN_DNS:
    case GEN_EMAIL:
        if (!lower(g->d.ia5, text, sizeof(text))) {
            snprintf(shown, sizeof(shown), "(unreadable)");
            violation(c, &n, "cannot be read", NULL);
            return;
        }
        n.text = text;
        snprintf(shown, sizeof(shown), "%s", text);
        break;
    case GEN_URI:
        len = ASN1_STRING_length(g->d.uniformResourceIdentifier);
        snprintf(shown, sizeof(shown), "%.*s", len > 200 ? 200 : len,
                 (const char *)ASN1_STRING_get0_data(g->d.uniformResourceIdentifier));
        if (lower(g->d.uniformResourceIdentifier, text, sizeof(text)) &&
            uri_host(text, text, sizeof(text)))
            n.text = text;
        break;
    case GEN_IPADD: {
        const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);

        if (ASN1_STRING_length(g->d.iPAddress) == 4)
            snprintf(shown, sizeof(shown), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        else
            snprintf(shown, sizeof(shown), "(IPv6 address)");
        break;
    }
    case GEN_DIRNAME:
        n.dn = g->d.directoryName;
        cert__name_string(n.dn, shown, sizeof(shown));
        break;
    default:
        /* otherName, x400Address, ediPartyName, registeredID: only a constraint of the same form
         * could say anything about them, and none of those is supported. */
        snprintf(shown, sizeof(shown), "(another form)");
        if (has_unsupported(c->nc->permittedSubtrees, g->type, false) ||
            has_unsupported(c->nc->excludedSubtrees, g->type, false))
            violation(c, &n, "is of a form whose constraints cannot be evaluated", NULL);
        return;
    }
    if (has_unsupported(c->nc->permittedSubtrees, g->type, false) ||
        has_unsupported(c->nc->excludedSubtrees, g->type, false)) {
        violation(c, &n, "meets constraints with a minimum or maximum, which browsers refuse",
                  NULL);
        return;
    }
    check_name(c, &n);
}

cert_err cert__nc_check(const NAME_CONSTRAINTS *nc, X509 *ca, X509 *x, cproblems *out, size_t depth,
                        const char *role)
{
    nctx c;
    GENERAL_NAMES *gens;
    const X509_NAME *subject = X509_get_subject_name(x);
    char shown[300];

    memset(&c, 0, sizeof(c));
    c.nc = nc;
    c.ca = ca;
    c.x = x;
    c.out = out;
    c.depth = depth;
    c.role = role;
    gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    ERR_clear_error();
    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && c.err == CERT_OK; i++)
        check_general_name(&c, sk_GENERAL_NAME_value(gens, i));
    if (X509_NAME_entry_count(subject) > 0 && c.err == CERT_OK) {
        name_ref n;

        memset(&n, 0, sizeof(n));
        n.type = GEN_DIRNAME;
        n.dn = subject;
        n.shown = cert__name_string(subject, shown, sizeof(shown));
        if (has_unsupported(nc->permittedSubtrees, GEN_DIRNAME, false) ||
            has_unsupported(nc->excludedSubtrees, GEN_DIRNAME, false))
            violation(&c, &n, "meets constraints with a minimum or maximum, which browsers refuse",
                      NULL);
        else
            check_name(&c, &n);
    }
    /* RFC 5280 4.2.1.10: with no subjectAltName, rfc822Name constraints apply to the subject's
     * emailAddress attributes. */
    for (int i = -1; gens == NULL && c.err == CERT_OK &&
                     (i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, i)) >= 0;) {
        const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
        char text[256];
        name_ref n;

        memset(&n, 0, sizeof(n));
        n.type = GEN_EMAIL;
        n.shown = text;
        if (!lower(v, text, sizeof(text)))
            continue;
        n.text = text;
        check_name(&c, &n);
    }
    GENERAL_NAMES_free(gens);
    return c.err;
}
