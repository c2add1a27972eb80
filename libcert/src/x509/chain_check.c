/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verification of one path: trust through OpenSSL's verifier, then every certificate held
 * to the rules of its position, as the browsers' verifiers do (mozilla::pkix
 * CheckIssuerIndependentProperties applies its checks to every certificate of the path,
 * anchor included; Chromium's VerifyCertificateChain the same for all but the anchor's
 * signature):
 *
 *   position   validity  key  signature algorithm  EKU  profile  CA rules (6.1.4)
 *   leaf       checks_leaf.c  checks_leaf.c (CloudFront)  x  checks_leaf.c  x  -
 *   CA         x         x    x                    x    x        x (OpenSSL)
 *   anchor     x         x    -                    x    (AKI)    x (OpenSSL)
 *
 * The anchor's self-signature is never checked: RFC 5280 section 6.1 takes the trust anchor as
 * given, and trusted roots such as DigiCert Global Root CA are SHA-1 self-signed.
 *
 * Each problem is a finding code of the catalogue with the depth of the certificate it is
 * about. The path passes when it is trusted and no problem of error severity remains other than
 * the leaf's own (those are the same on every path, so they never decide between paths).
 */
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_int.h"
#include "libcert/key.h"
#include "profile_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/time_int.h"
#include "x509_int.h"

/* ---- problems ---- */

static cert_err problem_vadd(cproblems *p, const char *code, size_t depth, bool leaf_only,
                             const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static cert_err problem_vadd(cproblems *p, const char *code, size_t depth, bool leaf_only,
                             const char *fmt, va_list ap)
{
    char msg[1024];
    cert_err err = cert__array_reserve(&p->v, &p->cap, p->n, 4, sizeof(*p->v));

    if (err < 0)
        return err;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    p->v[p->n].msg = strdup(msg);
    if (p->v[p->n].msg == NULL)
        return cert__error_nomem();
    p->v[p->n].code = code;
    p->v[p->n].depth = depth;
    p->v[p->n].leaf_only = leaf_only;
    p->n++;
    return CERT_OK;
}

cert_err cert_chain__problem_add(cproblems *p, const char *code, size_t depth, bool leaf_only,
                                 const char *fmt, ...)
{
    va_list ap;
    cert_err err;

    va_start(ap, fmt);
    err = problem_vadd(p, code, depth, leaf_only, fmt, ap);
    va_end(ap);
    return err;
}

void cert_chain__problems_clear(cproblems *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].msg);
    free(p->v);
    memset(p, 0, sizeof(*p));
}

bool cert_chain__path_passes(const cproblems *pr, cert_trust_status trust, const cproblem **why)
{
    *why = NULL;
    for (size_t i = 0; i < pr->n; i++) {
        if (!pr->v[i].leaf_only && cert_check__severity(pr->v[i].code) == CERT_SEV_ERROR) {
            *why = &pr->v[i];
            return false;
        }
    }
    return trust == CERT_TRUST_OK;
}

X509 *cert_chain__node_cert(builder *bd, size_t i)
{
    X509 *twin = bd->nodes[i].store ? NULL : cert_chain__twin(bd, i);

    return twin != NULL && cert_chain__self_signed(bd, i) ? twin : bd->nodes[i].x;
}

/* ---- one path ---- */

typedef struct pcheck {
    builder *bd;
    const cpath *p;
    cproblems *out;
    X509 *xs[CERT_CHAIN_DEPTH_MAX]; /* the certificate that counts at each position */
    size_t n;
    bool anchored; /* the top is a root or a trust anchor (its signature is not checked) */
    bool verify_trust;
    char trust_reason[600];
    cert_err err;
} pcheck;

static const char *subj(X509 *x, char *buf, size_t size)
{
    return cert__name_string(X509_get_subject_name(x), buf, size);
}

/* "the leaf", "the intermediate", "the root": what a certificate is, for messages. */
static const char *role(const pcheck *pc, size_t depth)
{
    if (depth == 0)
        return "the leaf";
    if (pc->anchored && depth == pc->n - 1)
        return X509_NAME_cmp(X509_get_subject_name(pc->xs[depth]),
                             X509_get_issuer_name(pc->xs[depth])) == 0
                   ? "the root"
                   : "the anchor";
    return "the intermediate";
}

static void problem(pcheck *pc, const char *code, size_t depth, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(pcheck *pc, const char *code, size_t depth, const char *fmt, ...)
{
    va_list ap;

    if (pc->err < 0)
        return;
    va_start(ap, fmt);
    pc->err = problem_vadd(pc->out, code, depth, depth == 0 && pc->n > 0, fmt, ap);
    va_end(ap);
}

/* ---- OpenSSL's verifier: trust and the CA rules ---- */

/*
 * The signature step of X509_verify_cert(), replaced (X509_STORE_CTX_set_verify): the path
 * search has already checked every link's signature, so only a link it did not see is checked
 * here; the top's own signature never (an anchor is taken as given). Validity times are checked
 * below with the checks' clock, not the verifier's.
 */
static int verify_links(X509_STORE_CTX *ctx)
{
    const pcheck *pc = X509_STORE_CTX_get_app_data(ctx);
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    int n = sk_X509_num(chain);
    int (*cb)(int, X509_STORE_CTX *) = X509_STORE_CTX_get_verify_cb(ctx);

    for (int i = 0; i + 1 < n; i++) {
        X509 *child = sk_X509_value(chain, i), *parent = sk_X509_value(chain, i + 1);

        if (!cert_chain__link_known(pc->bd, parent, child) &&
            X509_verify(child, X509_get0_pubkey(parent)) != 1) {
            ERR_clear_error();
            X509_STORE_CTX_set_error_depth(ctx, i);
            X509_STORE_CTX_set_current_cert(ctx, child);
            X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_SIGNATURE_FAILURE);
            if (!cb(0, ctx))
                return 0;
        }
    }
    return 1;
}

/* Whether an OpenSSL verification error is about trust (chain.untrusted) rather than a rule of
 * a certificate. */
static bool trust_error(int e)
{
    switch (e) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        return true;
    }
    return false;
}

/* Why X509_check_ca() says a certificate is no CA, in RFC 5280's words. */
static const char *not_ca_why(X509 *x)
{
    uint32_t fl = X509_get_extension_flags(x);

    if (X509_get_version(x) != X509_VERSION_3)
        return "is a version 1 or 2 certificate, which cannot say it is a CA (RFC 5280 6.1.4 "
               "(k))";
    if ((fl & EXFLAG_KUSAGE) && !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
        return "its keyUsage lacks keyCertSign (RFC 5280 6.1.4 (n))";
    if (!(fl & EXFLAG_BCONS))
        return "has no basicConstraints extension (RFC 5280 6.1.4 (k))";
    return "its basicConstraints says CA:FALSE (RFC 5280 6.1.4 (k))";
}

/*
 * Every error OpenSSL's verifier finds is collected (the callback says "go on"), mapped to a
 * finding: the CA rules of RFC 5280 section 6.1.4 to chain.profile, trust to chain.untrusted.
 * Name constraints, validity times and key types are not OpenSSL's to judge here: they have
 * their own rules below (OpenSSL applies DNS constraints to the CN, which browsers never do).
 */
static int collect(int ok, X509_STORE_CTX *ctx)
{
    pcheck *pc = X509_STORE_CTX_get_app_data(ctx);
    int e = X509_STORE_CTX_get_error(ctx), d = X509_STORE_CTX_get_error_depth(ctx);
    size_t depth = d < 0 ? 0 : (size_t)d;
    X509 *at = X509_STORE_CTX_get_current_cert(ctx);
    char s[500];

    if (ok)
        return 1;
    if (at == NULL && depth < pc->n)
        at = pc->xs[depth];
    if (depth >= pc->n)
        depth = pc->n - 1;
    switch (e) {
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION:
    case X509_V_ERR_SUBTREE_MINMAX:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE:
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX:
    case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX:
#ifdef X509_V_ERR_NAME_CONSTRAINTS_WITHOUT_SANS /* OpenSSL 3.2 */
    case X509_V_ERR_NAME_CONSTRAINTS_WITHOUT_SANS:
#endif
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_EC_KEY_EXPLICIT_PARAMS:
        return 1;
    case X509_V_ERR_INVALID_CA:
        problem(pc, "chain.profile", depth, "%s %s issues certificates but %s; browsers refuse it",
                role(pc, depth), subj(at, s, sizeof(s)), not_ca_why(at));
        return 1;
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
        problem(pc, "chain.profile", depth,
                "the path has more CAs below %s %s than its pathLenConstraint allows; browsers "
                "refuse it (RFC 5280 6.1.4 (l), (m))",
                role(pc, depth), subj(at, s, sizeof(s)));
        return 1;
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: /* from check_chain_extensions, at the CA itself */
        problem(pc, "chain.profile", depth,
                "%s %s issues certificates but its keyUsage lacks keyCertSign; browsers refuse "
                "it (RFC 5280 6.1.4 (n))",
                role(pc, depth), subj(at, s, sizeof(s)));
        return 1;
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
        problem(pc, "chain.profile", depth,
                "%s %s has a critical extension that is not understood; browsers refuse it "
                "(RFC 5280 4.2)",
                role(pc, depth), subj(at, s, sizeof(s)));
        return 1;
    case X509_V_ERR_INVALID_EXTENSION:
    case X509_V_ERR_INVALID_NON_CA:
    case X509_V_ERR_INVALID_POLICY_EXTENSION:
        problem(pc, "chain.profile", depth, "%s %s: %s; browsers refuse it", role(pc, depth),
                subj(at, s, sizeof(s)), X509_verify_cert_error_string(e));
        return 1;
    default:
        break;
    }
    if (pc->verify_trust && pc->trust_reason[0] == '\0')
        snprintf(pc->trust_reason, sizeof(pc->trust_reason), "%s at %s",
                 X509_verify_cert_error_string(e), subj(at, s, sizeof(s)));
    if (!pc->verify_trust && !trust_error(e))
        problem(pc, "chain.profile", depth, "%s %s: %s", role(pc, depth), subj(at, s, sizeof(s)),
                X509_verify_cert_error_string(e));
    return 1;
}

/* OpenSSL's chain building links a certificate to an issuer only when the issuer's keyUsage
 * allows keyCertSign; ours links by name and key identifier and lets the rule of RFC 5280
 * 6.1.4 (n) say what is wrong. The verifier runs on an empty store of its own (the trusted and
 * untrusted certificates are given with the path) whose check_issued is ours. */
static int check_issued(X509_STORE_CTX *ctx, X509 *x, X509 *issuer)
{
    (void)ctx;
    return cert_chain__may_issue(issuer, x);
}

static pthread_once_t verify_store_once = PTHREAD_ONCE_INIT;
static X509_STORE *verify_store;

static void verify_store_init(void)
{
    verify_store = X509_STORE_new();
    if (verify_store != NULL)
        X509_STORE_set_check_issued(verify_store, check_issued);
}

__attribute__((destructor)) static void verify_store_fini(void)
{
    X509_STORE_free(verify_store);
    verify_store = NULL;
}

/*
 * OpenSSL's verifier on exactly this path: the top is the one trusted certificate (a partial
 * chain, as `openssl verify -partial_chain`), the others the only untrusted ones, so that it
 * cannot wander to another path. For a path that reaches no anchor the same run checks the CA
 * rules only (trust_wanted false).
 */
static cert_err run_verifier(pcheck *pc, bool trust_wanted)
{
    cert_err err = CERT_OK;
    X509_STORE_CTX *ctx = NULL;
    STACK_OF(X509) *untrusted = NULL, *trusted = NULL;
    X509_VERIFY_PARAM *vp;

    pc->verify_trust = trust_wanted;
    ctx = X509_STORE_CTX_new();
    untrusted = sk_X509_new_reserve(NULL, (int)pc->n);
    trusted = sk_X509_new_reserve(NULL, 1);
    if (ctx == NULL || untrusted == NULL || trusted == NULL)
        CERT_NOMEM();
    for (size_t i = 1; i + 1 < pc->n; i++) {
        if (!sk_X509_push(untrusted, pc->xs[i]))
            CERT_NOMEM();
    }
    if (!sk_X509_push(trusted, pc->xs[pc->n - 1]))
        CERT_NOMEM();
    pthread_once(&verify_store_once, verify_store_init);
    if (verify_store == NULL || !X509_STORE_CTX_init(ctx, verify_store, pc->xs[0], untrusted))
        CERT_NOMEM();
    X509_STORE_CTX_set0_trusted_stack(ctx, trusted);
    X509_STORE_CTX_set_app_data(ctx, pc);
    X509_STORE_CTX_set_verify(ctx, verify_links);
    X509_STORE_CTX_set_verify_cb(ctx, collect);
    vp = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_auth_level(vp, 0);
    if (X509_verify_cert(ctx) != 1 && pc->trust_reason[0] == '\0' && trust_wanted)
        snprintf(pc->trust_reason, sizeof(pc->trust_reason), "%s",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));

done:
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    sk_X509_free(trusted);
    return err;
}

/* ---- one certificate at its position ---- */

/* What the rules of one certificate need: the certificate, what it is in messages, the clock,
 * the leaf (for "expires before the leaf"), where problems go. */
typedef struct crule {
    X509 *x;
    const char *role;
    int64_t now;
    int64_t leaf_na; /* the leaf's notAfter; INT64_MAX when unknown */
    cproblems *out;
    size_t depth;
    bool leaf_only;
    cert_err err;
} crule;

static void rproblem(crule *r, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void rproblem(crule *r, const char *code, const char *fmt, ...)
{
    va_list ap;

    if (r->err < 0)
        return;
    va_start(ap, fmt);
    r->err = problem_vadd(r->out, code, r->depth, r->leaf_only, fmt, ap);
    va_end(ap);
}

/* Validity at the clock of the build; for the anchor too when it is a certificate (mozilla::pkix
 * CheckIssuerIndependentProperties checks every certificate's validity, trust anchors included).
 * The leaf's own validity is the checks' (with --days). */
static void rule_validity(crule *r, int64_t nb, int64_t na)
{
    X509 *x = r->x;
    char s[500], t[32];

    if (na < r->now) {
        rproblem(r, "cert.expired", "%s %s expired on %s (%lld days ago)", r->role,
                 subj(x, s, sizeof(s)), cert__time_format(na, t, sizeof(t)),
                 (long long)((r->now - na) / 86400));
        return;
    }
    if (nb > r->now) {
        rproblem(r, "cert.not_yet_valid",
                 "%s %s is not valid until %s (%lld days from now); check the clock, or wait",
                 r->role, subj(x, s, sizeof(s)), cert__time_format(nb, t, sizeof(t)),
                 (long long)((nb - r->now) / 86400));
        return;
    }
    if (r->leaf_na != INT64_MAX && na < r->leaf_na)
        rproblem(r, "chain.expires_first",
                 "%s %s expires on %s, before the leaf; clients will fail from then on: get a "
                 "current chain from the CA",
                 r->role, subj(x, s, sizeof(s)), cert__time_format(na, t, sizeof(t)));
}

/*
 * The keys browsers accept above the leaf: RSA (rsaEncryption) of at least 2048 bits and ECDSA
 * on P-256, P-384 or P-521 with a named curve. Chromium: "Only P-256, P-384, P-521 are supported
 * for ECDSA" (BoringSSL pki/simple_path_builder_delegate.cc, IsAcceptableCurveForEcdsa);
 * mozilla::pkix CheckSubjectPublicKeyInfoContents takes rsaEncryption and id-ecPublicKey with
 * those three named curves only (ERROR_UNSUPPORTED_KEYALG, ERROR_UNSUPPORTED_ELLIPTIC_CURVE):
 * no DSA, no EdDSA, no RSA-PSS keys, no explicit curve parameters.
 *
 * P-521 is accepted by both verifiers, so it is no error; but the Mozilla Root Store Policy
 * (5.1.2) lets a CA certificate of its program carry P-256 or P-384 keys only (the CA/Browser
 * Forum BR 6.1.5 still list P-521), so a P-521 CA is an issuance rule broken: cert.profile, a
 * warning. (CloudFront's own rule for the leaf's key is the checks'.)
 */
static void rule_key(crule *r)
{
    X509 *x = r->x;
    EVP_PKEY *pk = X509_get0_pubkey(x);
    char s[500], d[128];
    int bits;

    ERR_clear_error();
    if (pk == NULL) {
        rproblem(r, "chain.key", "%s %s has a public key that cannot be read", r->role,
                 subj(x, s, sizeof(s)));
        return;
    }
    bits = EVP_PKEY_get_bits(pk);
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
        if (bits < 2048)
            rproblem(r, "key.weak",
                     "%s %s has an RSA key of %d bits, below 2048; browsers refuse it (CA/Browser "
                     "Forum Baseline Requirements 6.1.5)",
                     r->role, subj(x, s, sizeof(s)), bits);
        else if (bits % 8 != 0)
            rproblem(r, "cert.profile",
                     "%s %s has an RSA modulus of %d bits, not a multiple of 8 (Mozilla Root Store "
                     "Policy 5.1)",
                     r->role, subj(x, s, sizeof(s)), bits);
        return;
    case EVP_PKEY_EC:
        if (!cert__ec_named_web_curve(pk))
            break;
        if (bits == 521)
            rproblem(r, "cert.profile",
                     "%s %s has a P-521 key: Chrome and Firefox accept it, but the Mozilla Root "
                     "Store Policy (5.1.2) allows CA keys on P-256 and P-384 only",
                     r->role, subj(x, s, sizeof(s)));
        return;
    default:
        break;
    }
    cert_key_describe(pk, d, sizeof(d));
    rproblem(r, "chain.key",
             "%s %s has a %s key; browsers take RSA and ECDSA on P-256, P-384 or P-521 (named "
             "curve) only",
             r->role, subj(x, s, sizeof(s)), d);
}

/* MD5 and SHA-1 signatures: refused by Chrome (since 2017) and Firefox (since 2017) everywhere
 * below the anchor. The anchor's own signature is not looked at. */
static void rule_signature(crule *r)
{
    int md = NID_undef, pk = NID_undef, secbits = 0;
    uint32_t flags = 0;
    char s[500];

    if (!X509_get_signature_info(r->x, &md, &pk, &secbits, &flags)) {
        ERR_clear_error();
        return;
    }
    if (md == NID_md5 || md == NID_sha1 || md == NID_md4 || md == NID_md2 || md == NID_mdc2)
        rproblem(r, "sig.weak",
                 "%s %s is signed with %s, which clients reject; have the CA reissue it with "
                 "SHA-256",
                 r->role, subj(r->x, s, sizeof(s)), OBJ_nid2sn(md));
}

/*
 * EKU nesting: a CA certificate with an extendedKeyUsage extension constrains what it issues.
 * mozilla::pkix CheckExtendedKeyUsage (pkixcheck.cpp) requires id-kp-serverAuth itself in every
 * certificate of the path that has the extension, the trust anchor included; it does not treat
 * anyExtendedKeyUsage as serverAuth (MatchEKU has no case for it). Chromium accepts
 * anyExtendedKeyUsage above the leaf's issuer and warns at the issuer
 * (kEkuLacksServerAuthButHasAnyEKU, BoringSSL pki/verify_certificate_chain.cc). Firefox's is the
 * stricter verdict, so an anyExtendedKeyUsage-only CA is refused here too.
 */
static void rule_eku(crule *r)
{
    X509 *x = r->x;
    uint32_t xku;
    char s[500];

    if (!(X509_get_extension_flags(x) & EXFLAG_XKUSAGE))
        return;
    xku = X509_get_extended_key_usage(x);
    if (xku & XKU_SSL_SERVER)
        return;
    if (xku & XKU_ANYEKU)
        rproblem(r, "chain.eku",
                 "%s %s has an extended key usage with anyExtendedKeyUsage but not serverAuth: "
                 "Firefox refuses the path (Chrome accepts it)",
                 r->role, subj(x, s, sizeof(s)));
    else
        rproblem(r, "chain.eku",
                 "%s %s has an extended key usage without serverAuth, so it cannot issue TLS "
                 "server certificates; browsers refuse the path",
                 r->role, subj(x, s, sizeof(s)));
}

/*
 * What is known of a CA certificate that does not change with the clock or the path: its
 * validity dates, and whether it passed the rules of each position without a problem. An
 * intermediate shared by a thousand bundles (one X509 object, from the bundle cache) is judged
 * once; kept with the object (ex_data), so it goes when the object goes. Only clean results
 * are reused: a certificate with a problem is judged again, to say what it is.
 */
typedef struct cert_memo {
    int64_t nb, na;
    bool times;    /* nb and na are known */
    uint8_t clean; /* bit 1 << pos: no problem at that position but of validity */
} cert_memo;

static pthread_once_t memo_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static int memo_idx = -1;

static void memo_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    (void)argl;
    (void)argp;
    free(ptr);
}

static void memo_init(void)
{
    memo_idx = X509_get_ex_new_index(0, NULL, NULL, NULL, memo_free);
}

/* A copy of x's memo (zeroed when there is none). */
static cert_memo memo_get(X509 *x)
{
    cert_memo m;
    const cert_memo *p;

    memset(&m, 0, sizeof(m));
    pthread_once(&memo_once, memo_init);
    if (memo_idx < 0)
        return m;
    pthread_mutex_lock(&memo_lock);
    p = X509_get_ex_data(x, memo_idx);
    if (p != NULL)
        m = *p;
    pthread_mutex_unlock(&memo_lock);
    return m;
}

static void memo_put(X509 *x, const cert_memo *m)
{
    cert_memo *p;

    if (memo_idx < 0)
        return;
    pthread_mutex_lock(&memo_lock);
    p = X509_get_ex_data(x, memo_idx);
    if (p == NULL && (p = malloc(sizeof(*p))) != NULL && !X509_set_ex_data(x, memo_idx, p)) {
        free(p);
        p = NULL;
    }
    if (p != NULL)
        *p = *m;
    pthread_mutex_unlock(&memo_lock);
}

cert_err cert_chain__cert_check(X509 *x, cert_pos pos, const char *role, int64_t now,
                                int64_t leaf_na, cproblems *out, size_t depth, bool leaf_only)
{
    crule r = {x, role, now, leaf_na, out, depth, leaf_only, CERT_OK};
    cert_memo m = {0};
    size_t before;

    if (pos != CERT_POS_LEAF) {
        m = memo_get(x);
        if (!m.times)
            m.times = cert__x509_validity(x, &m.nb, &m.na);
        if (m.times)
            rule_validity(&r, m.nb, m.na);
        if (m.clean & (1u << pos))
            return r.err;
    }
    before = out->n;
    if (pos != CERT_POS_LEAF) {
        rule_key(&r);
        rule_eku(&r);
    }
    if (pos != CERT_POS_ANCHOR)
        rule_signature(&r);
    if (r.err == CERT_OK)
        r.err = cert__profile_check(x, pos, now, out, depth, leaf_only);
    if (pos != CERT_POS_LEAF && r.err == CERT_OK && out->n == before) {
        m.clean |= (uint8_t)(1u << pos);
        memo_put(x, &m);
    }
    return r.err;
}

/* ---- the whole path ---- */

static void check_certs(pcheck *pc)
{
    int64_t nb, leaf_na;

    if (!cert__x509_validity(pc->xs[0], &nb, &leaf_na))
        leaf_na = INT64_MAX;
    for (size_t i = 0; i < pc->n && pc->err == CERT_OK; i++) {
        bool anchor = pc->anchored && i == pc->n - 1;
        cert_pos pos = i == 0 ? CERT_POS_LEAF : anchor ? CERT_POS_ANCHOR : CERT_POS_CA;

        pc->err = cert_chain__cert_check(pc->xs[i], pos, role(pc, i), pc->bd->now, leaf_na, pc->out,
                                         i, i == 0);
    }
}

/* Name constraints of every CA apply to the certificates below it (RFC 5280 6.1.3 (b), (c)):
 * a self-issued intermediate is skipped, the leaf never. */
static void check_name_constraints(pcheck *pc)
{
    for (size_t j = 1; j < pc->n && pc->err == CERT_OK; j++) {
        NAME_CONSTRAINTS *nc = X509_get_ext_d2i(pc->xs[j], NID_name_constraints, NULL, NULL);

        ERR_clear_error();
        if (nc == NULL)
            continue;
        for (size_t i = 0; i < j && pc->err == CERT_OK; i++) {
            if (i > 0 && X509_NAME_cmp(X509_get_subject_name(pc->xs[i]),
                                       X509_get_issuer_name(pc->xs[i])) == 0)
                continue;
            pc->err = cert__nc_check(nc, pc->xs[j], pc->xs[i], pc->out, i, role(pc, i));
        }
        NAME_CONSTRAINTS_free(nc);
    }
}

cert_err cert_chain__path_check(builder *bd, const cpath *p, cproblems *out,
                                cert_trust_status *trust_out, char **detail_out)
{
    cert_err err = CERT_OK;
    pcheck pc;
    char name[600], s[500];

    memset(&pc, 0, sizeof(pc));
    pc.bd = bd;
    pc.p = p;
    pc.out = out;
    pc.n = p->n;
    pc.anchored = p->end == END_ANCHOR || p->end == END_SELF;
    for (size_t i = 0; i < p->n; i++)
        pc.xs[i] = cert_chain__node_cert(bd, p->nodes[i]);
    *detail_out = NULL;
    bd->tried++;
    CERT_TRY(run_verifier(&pc, p->trusted));
    check_certs(&pc);
    check_name_constraints(&pc);
    if (pc.err == CERT_OK && bd->crls != NULL)
        pc.err = cert__crl_check(bd->crls, pc.xs, pc.n, pc.anchored, bd->now, out);
    if (pc.err == CERT_OK && p->trusted && bd->system_store &&
        cert_trust__anchor_public(bd->trust, pc.xs[p->n - 1]))
        pc.err = cert__public_leaf_check(pc.xs[0], bd->now, out);
    CERT_TRY(pc.err);
    switch (p->end) {
    case END_INCOMPLETE:
        *trust_out = CERT_TRUST_INCOMPLETE;
        *detail_out =
            strdup(cert__name_string(X509_get_issuer_name(pc.xs[p->n - 1]), name, sizeof(name)));
        break;
    case END_DEPTH:
        *trust_out = CERT_TRUST_TOO_LONG;
        break;
    case END_LOOP:
        *trust_out = CERT_TRUST_LOOP;
        break;
    case END_SELF:
    case END_ANCHOR:
        if (!p->trusted) {
            *trust_out = CERT_TRUST_UNTRUSTED;
            snprintf(name, sizeof(name), "the root %s is not in the trust store",
                     subj(pc.xs[p->n - 1], s, sizeof(s)));
            *detail_out = strdup(name);
        } else if (pc.trust_reason[0] != '\0') {
            *trust_out = CERT_TRUST_UNTRUSTED;
            *detail_out = strdup(pc.trust_reason);
        } else {
            *trust_out = CERT_TRUST_OK;
            return CERT_OK;
        }
        break;
    }
    if (*detail_out == NULL &&
        (*trust_out == CERT_TRUST_INCOMPLETE || *trust_out == CERT_TRUST_UNTRUSTED))
        CERT_NOMEM();

done:
    return err;
}
