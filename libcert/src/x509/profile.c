/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The profile of one certificate: what RFC 5280 and the CA/Browser Forum Baseline Requirements
 * say a certificate at its position must look like. chain.profile (error) where a browser
 * refuses the certificate; cert.profile (warning) where only an issuance rule is broken and the
 * browsers accept it. And the rules browsers add for publicly trusted leaves: CT and lifetime.
 *
 * Evidence for each severity:
 *  - Chromium refuses at parse time (BoringSSL pki/parsed_certificate.cc,
 *    ParsedCertificate::CreateInternal): a malformed authorityInfoAccess (kFailedParsingAia) and
 *    an empty subject with a non-critical subjectAltName (kSubjectAltNameNotCritical).
 *  - Chromium accepts with a warning only a serial number that is zero or negative
 *    (VerifySerialNumber, pki/parse_certificate.cc), and its verifier parses with
 *    allow_invalid_serial_numbers, so one over 20 octets passes too ("21-byte serial numbers,
 *    which are common"); mozilla::pkix does not look at the length either.
 *  - Neither browser looks at the criticality of basicConstraints or policyConstraints, at the
 *    key identifiers (mozilla::pkix pkixcheck.cpp: "4.2.1.1. Authority Key Identifier is
 *    ignored", "4.2.1.2. Subject Key Identifier is ignored"), at a name constraints extension
 *    in a leaf (only issuers' constraints apply), or at keyCertSign in a leaf (mozilla::pkix
 *    CheckKeyUsage: "we allow end-entity certificates ... to claim keyCertSign for
 *    compatibility reasons").
 */
#include <openssl/core_names.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "profile_int.h"
#include "util/time_int.h"
#include "x509_int.h"

bool cert__ec_group(EVP_PKEY *pk, char *group, size_t size)
{
    size_t glen = 0;
    int expl = 0;

    if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, size, &glen))
        group[0] = '\0';
    EVP_PKEY_get_int_param(pk, OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &expl);
    ERR_clear_error();
    return !expl;
}

bool cert__ec_named_web_curve(EVP_PKEY *pk)
{
    char group[64] = "";

    return cert__ec_group(pk, group, sizeof(group)) &&
           (strcmp(group, "prime256v1") == 0 || strcmp(group, "secp384r1") == 0 ||
            strcmp(group, "secp521r1") == 0);
}

/* ---- helpers ---- */

typedef struct pctx {
    X509 *x;
    cproblems *out;
    size_t depth;
    bool leaf_only;
    const char *what; /* "the leaf", "the intermediate", "the root" */
    char subj[500];
    cert_err err;
} pctx;

/* One problem: "the leaf CN=... <text>". The subject is formatted only then: most
 * certificates have no problem, and formatting a name is the dearest thing here. */
static void add(pctx *c, const char *code, const char *text)
{
    if (c->err < 0)
        return;
    if (c->subj[0] == '\0')
        cert__name_string(X509_get_subject_name(c->x), c->subj, sizeof(c->subj));
    c->err = cert_chain__problem_add(c->out, code, c->depth, c->leaf_only, "%s %s %s", c->what,
                                     c->subj, text);
}

static X509_EXTENSION *ext(X509 *x, int nid)
{
    int i = X509_get_ext_by_NID(x, nid, -1);

    return i < 0 ? NULL : X509_get_ext(x, i);
}

static bool self_issued(X509 *x)
{
    return X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
}

/* ---- rules ---- */

/* RFC 5280 4.1.2.2: a positive integer, at most 20 octets; CA/B BR 7.1: at least 64 bits of
 * CSPRNG output, so never zero. */
static void rule_serial(pctx *c)
{
    const ASN1_INTEGER *sn = X509_get0_serialNumber(c->x);
    const unsigned char *d = ASN1_STRING_get0_data(sn);
    int n = ASN1_STRING_length(sn);
    /* DER content octets: the magnitude, plus a leading zero when its top bit is set */
    int len = n + (n > 0 && (d[0] & 0x80) ? 1 : 0);
    bool zero = true;

    for (int i = 0; i < n; i++)
        zero = zero && d[i] == 0;
    if (ASN1_STRING_type(sn) == V_ASN1_NEG_INTEGER)
        add(c, "cert.profile", "has a negative serial number (RFC 5280 4.1.2.2)");
    else if (zero)
        add(c, "cert.profile",
            "has serial number zero (RFC 5280 4.1.2.2: a positive integer; CA/Browser Forum BR "
            "7.1: 64 bits of randomness)");
    else if (len > 20)
        add(c, "cert.profile", "has a serial number longer than 20 octets (RFC 5280 4.1.2.2)");
}

static void rule_key_ids(pctx *c, cert_pos pos)
{
    const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(c->x);
    const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(c->x);

    if (pos == CERT_POS_CA && ski == NULL)
        add(c, "cert.profile",
            "has no subjectKeyIdentifier (RFC 5280 4.2.1.2: a CA certificate MUST have one)");
    if (pos != CERT_POS_ANCHOR && !self_issued(c->x) &&
        ext(c->x, NID_authority_key_identifier) == NULL)
        add(c, "cert.profile",
            "has no authorityKeyIdentifier (RFC 5280 4.2.1.1: MUST be present except in a "
            "self-signed root)");
    if (self_issued(c->x) && akid != NULL && ski != NULL && ASN1_OCTET_STRING_cmp(akid, ski) != 0)
        add(c, "cert.profile",
            "is self-signed but its authorityKeyIdentifier does not match its own "
            "subjectKeyIdentifier (RFC 5280 4.2.1.1)");
}

static void rule_extensions(pctx *c, cert_pos pos)
{
    X509_EXTENSION *bc = ext(c->x, NID_basic_constraints);
    X509_EXTENSION *pcons = ext(c->x, NID_policy_constraints);

    if (pos == CERT_POS_CA && bc != NULL && !X509_EXTENSION_get_critical(bc))
        add(c, "cert.profile",
            "has a basicConstraints extension that is not critical (RFC 5280 4.2.1.9: MUST be "
            "critical in a CA certificate)");
    if (pos != CERT_POS_ANCHOR && pcons != NULL && !X509_EXTENSION_get_critical(pcons))
        add(c, "cert.profile",
            "has a policyConstraints extension that is not critical (RFC 5280 4.2.1.11)");
    if (pos == CERT_POS_LEAF) {
        uint32_t fl = X509_get_extension_flags(c->x);

        /* X509_get_key_usage() answers "everything" when there is no keyUsage extension. */
        if ((fl & EXFLAG_KUSAGE) && (X509_get_key_usage(c->x) & KU_KEY_CERT_SIGN) &&
            !(fl & EXFLAG_CA))
            add(c, "cert.profile", "asserts keyCertSign without being a CA (RFC 5280 4.2.1.3)");
        if (ext(c->x, NID_name_constraints) != NULL)
            add(c, "cert.profile",
                "has a nameConstraints extension, which only CA certificates may carry (RFC 5280 "
                "4.2.1.10)");
    }
}

/* What Chromium refuses at parse time, whatever the position. */
static void rule_parse(pctx *c)
{
    X509_EXTENSION *aia = ext(c->x, NID_info_access);
    X509_EXTENSION *san = ext(c->x, NID_subject_alt_name);

    if (aia != NULL) {
        AUTHORITY_INFO_ACCESS *v = X509V3_EXT_d2i(aia);

        if (v == NULL)
            add(c, "chain.profile",
                "has a malformed authorityInfoAccess extension; Chrome refuses the certificate");
        AUTHORITY_INFO_ACCESS_free(v);
        ERR_clear_error();
    }
    if (san != NULL && X509_NAME_entry_count(X509_get_subject_name(c->x)) == 0 &&
        !X509_EXTENSION_get_critical(san))
        add(c, "chain.profile",
            "has an empty subject and a subjectAltName that is not critical (RFC 5280 4.2.1.6); "
            "Chrome refuses the certificate");
}

cert_err cert__profile_check(X509 *x, cert_pos pos, int64_t now, cproblems *out, size_t depth,
                             bool leaf_only)
{
    pctx c;

    (void)now;
    memset(&c, 0, sizeof(c));
    c.x = x;
    c.out = out;
    c.depth = depth;
    c.leaf_only = leaf_only;
    c.what = pos == CERT_POS_LEAF ? "the leaf"
             : pos == CERT_POS_CA ? "the intermediate"
             : self_issued(x)     ? "the root"
                                  : "the anchor";
    rule_parse(&c);
    if (pos != CERT_POS_ANCHOR)
        rule_serial(&c);
    /* A v1 or v2 certificate has no extensions to judge: as a CA it is chain.profile already
     * (RFC 5280 6.1.4 (k)). */
    if (X509_get_version(x) == X509_VERSION_3) {
        rule_key_ids(&c, pos);
        rule_extensions(&c, pos);
    }
    return c.err;
}

/* ---- publicly trusted leaves ---- */

/*
 * Certificate Transparency: a leaf under a public root needs embedded SCTs from enough logs.
 * Chrome's CT policy (chromium/ct-policy, ct_policy.md) and Firefox's (security/ct
 * CTPolicyEnforcer.cpp, GetRequiredEmbeddedSctsCount): 2 for a lifetime up to 180 days, 3
 * beyond; Apple's policy (support.apple.com/en-us/103214) the same. Enforced for certificates
 * issued since 2018-04-30 (Chrome). The SCTs are counted, from distinct logs, not verified
 * (that needs the browsers' log lists); CloudFront delivers no SCT by TLS extension or OCSP,
 * so the embedded ones are all a client gets.
 */
#define CT_SINCE INT64_C(1525046400) /* 2018-04-30T00:00:00Z */

static cert_err rule_ct(X509 *leaf, int64_t nb, int64_t na, cproblems *out)
{
    STACK_OF(SCT) * scts;
    size_t need = na - nb > 180 * INT64_C(86400) ? 3 : 2, logs = 0;
    const unsigned char *ids[16];
    size_t idlen[16];

    if (nb < CT_SINCE)
        return CERT_OK;
    scts = X509_get_ext_d2i(leaf, NID_ct_precert_scts, NULL, NULL);
    ERR_clear_error();
    for (int i = 0; scts != NULL && i < sk_SCT_num(scts) && logs < 16; i++) {
        unsigned char *id = NULL;
        size_t len = SCT_get0_log_id(sk_SCT_value(scts, i), &id);
        bool seen = false;

        for (size_t k = 0; k < logs && !seen; k++)
            seen = idlen[k] == len && memcmp(ids[k], id, len) == 0;
        if (!seen && len > 0) {
            ids[logs] = id;
            idlen[logs] = len;
            logs++;
        }
    }
    SCT_LIST_free(scts);
    if (logs >= need)
        return CERT_OK;
    return cert_chain__problem_add(
        out, "cert.ct", 0, true,
        "the leaf has embedded SCTs from %zu CT log%s; Chrome, Safari and Firefox require %zu "
        "for a certificate valid %s 180 days under a public root: reissue it from a CA that "
        "logs it",
        logs, logs == 1 ? "" : "s", need, need == 3 ? "more than" : "up to");
}

/*
 * The longest validity a publicly trusted leaf may have, by when it was issued (notBefore), as
 * Chromium's HasTooLongValidity (net/cert/cert_verify_proc.cc) and Apple (398 days since
 * 2020-09-01) enforce: 825 days from 2018-03-01, 398 days from 2020-09-01, and the CA/Browser
 * Forum's ballot SC-081 steps, 200 days from 2026-03-15, 100 from 2027-03-15, 47 from
 * 2029-03-15. The validity is notAfter - notBefore, as Chromium computes it.
 */
static cert_err rule_lifetime(int64_t nb, int64_t na, cproblems *out)
{
    static const struct {
        int64_t since;
        int64_t days;
        const char *what;
    } limits[] = {
        {INT64_C(1868227200), 47, "2029-03-15"},  {INT64_C(1805068800), 100, "2027-03-15"},
        {INT64_C(1773532800), 200, "2026-03-15"}, {INT64_C(1598918400), 398, "2020-09-01"},
        {INT64_C(1519862400), 825, "2018-03-01"},
    };
    char t[32];

    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        if (nb < limits[i].since)
            continue;
        if (na - nb <= limits[i].days * INT64_C(86400))
            return CERT_OK;
        return cert_chain__problem_add(
            out, "cert.lifetime", 0, true,
            "the leaf is valid for %lld days from %s; browsers refuse a publicly trusted "
            "certificate issued since %s that is valid for more than %lld days",
            (long long)((na - nb) / 86400), cert__time_format(nb, t, sizeof(t)), limits[i].what,
            (long long)limits[i].days);
    }
    return CERT_OK;
}

cert_err cert__public_leaf_check(X509 *leaf, int64_t now, cproblems *out)
{
    int64_t nb, na;
    cert_err err;

    (void)now;
    if (!cert__x509_validity(leaf, &nb, &na))
        return CERT_OK;
    err = rule_lifetime(nb, na, out);
    if (err < 0)
        return err;
    return rule_ct(leaf, nb, na, out);
}
