/* SPDX-License-Identifier: Apache-2.0 */
/* PEM input: blocks in any order, any text around them, LF or CRLF, a BOM, trailing blanks. */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

#include "bundle_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/size.h"

typedef struct span {
    const char *p;
    size_t len;
} span;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The line at p (without its newline), trimmed of blanks at both ends. */
static span trim(const char *p, const char *eol)
{
    span s;

    while (p < eol && is_blank(*p))
        p++;
    while (eol > p && is_blank(eol[-1]))
        eol--;
    s.p = p;
    s.len = (size_t)(eol - p);
    return s;
}

static bool starts(span s, const char *lit)
{
    size_t n = strlen(lit);

    return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static bool ends(span s, const char *lit)
{
    size_t n = strlen(lit);

    return s.len >= n && memcmp(s.p + s.len - n, lit, n) == 0;
}

static bool span_is(span s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

static bool is_b64(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

/* The body of a block: optional RFC 1421 headers (Proc-Type, DEK-Info), a blank line, then
 * base64 lines. */
typedef struct pem_block {
    span label;
    const char *body; /* first line after BEGIN */
    const char *body_end;
    size_t body_line; /* line number of body */
    bool encrypted;   /* Proc-Type: 4,ENCRYPTED */
    span dek_cipher;  /* from DEK-Info */
} pem_block;

/* Append a line and its newline to the clean copy of the block, when one is being made. */
static cert_err keep_line(load_ctx *ctx, cert_buf *clean, span s)
{
    cert_err err;

    if (clean == NULL)
        return CERT_OK;
    err = cert__buf_add(clean, s.p, s.len, ctx->name);
    return err < 0 ? err : cert__buf_add(clean, "\n", 1, ctx->name);
}

/* An RFC 1421 header line: Proc-Type says whether the key is encrypted, DEK-Info with what. */
static void header_line(pem_block *blk, span s)
{
    if (starts(s, "Proc-Type:") && memmem(s.p, s.len, "ENCRYPTED", 9) != NULL)
        blk->encrypted = true;
    if (starts(s, "DEK-Info:")) {
        const char *c = s.p + 9, *e = s.p + s.len;

        while (c < e && is_blank(*c))
            c++;
        blk->dek_cipher.p = c;
        blk->dek_cipher.len = 0;
        while (c + blk->dek_cipher.len < e && c[blk->dek_cipher.len] != ',')
            blk->dek_cipher.len++;
    }
}

/* A base64 line (number `line` of the file): checked first so that the message can name it,
 * kept in the clean copy, then decoded into der through `out` (the caller wipes it: it may hold
 * key bytes). */
static cert_err base64_line(load_ctx *ctx, EVP_ENCODE_CTX *ec, span s, size_t line,
                            unsigned char out[96], cert_buf *der, cert_buf *clean)
{
    cert_err err;
    int outl;
    char where[512];

    for (size_t i = 0; i < s.len; i++) {
        if (!is_b64(s.p[i]) && !is_blank(s.p[i]))
            return cert__error_set(CERT_E_INPUT,
                                   "%s: line %zu is not base64; the block is damaged, get a fresh "
                                   "copy of the file",
                                   cert_bundle__where(ctx, where, sizeof(where)), line);
    }
    err = keep_line(ctx, clean, s);
    for (size_t off = 0; off < s.len && err == CERT_OK;) {
        size_t n = s.len - off > 64 ? 64 : s.len - off;

        if (EVP_DecodeUpdate(ec, out, &outl, (const unsigned char *)s.p + off, (int)n) < 0)
            return cert__error_set(CERT_E_INPUT,
                                   "%s: line %zu: malformed base64; the block is damaged, get a "
                                   "fresh copy of the file",
                                   cert_bundle__where(ctx, where, sizeof(where)), line);
        err = cert__buf_add(der, out, (size_t)outl, ctx->name);
        off += n;
    }
    return err;
}

/* Split headers from base64 and decode the block into der; with `clean`, also make a copy of
 * the block with its lines trimmed, for OpenSSL's PEM reader. */
static cert_err decode_block(load_ctx *ctx, pem_block *blk, cert_buf *der, cert_buf *clean)
{
    cert_err err = CERT_OK;
    const char *p = blk->body;
    size_t line = blk->body_line;
    bool in_headers = true, any_header = false;
    EVP_ENCODE_CTX *ec = NULL;
    unsigned char out[96];
    int outl;
    char where[512];

    cert__buf_init(der, (size_t)(blk->body_end - blk->body), true);
    ec = EVP_ENCODE_CTX_new();
    if (ec == NULL)
        CERT_NOMEM();
    EVP_DecodeInit(ec);
    for (; p < blk->body_end; line++) {
        const char *eol = memchr(p, '\n', (size_t)(blk->body_end - p));
        span s = trim(p, eol ? eol : blk->body_end);

        p = eol ? eol + 1 : blk->body_end;
        if (in_headers && s.len > 0 && memchr(s.p, ':', s.len) != NULL) {
            any_header = true;
            header_line(blk, s);
            CERT_TRY(keep_line(ctx, clean, s));
        } else if (s.len == 0) {
            if (any_header && in_headers && clean != NULL)
                CERT_TRY(cert__buf_add(clean, "\n", 1, ctx->name));
            in_headers = false;
        } else {
            in_headers = false;
            CERT_TRY(base64_line(ctx, ec, s, line, out, der, clean));
        }
    }
    if (EVP_DecodeFinal(ec, out, &outl) < 0)
        CERT_FAIL(CERT_E_INPUT, "%s: malformed base64 (bad padding); get a fresh copy of the file",
                  cert_bundle__where(ctx, where, sizeof(where)));
    CERT_TRY(cert__buf_add(der, out, (size_t)outl, ctx->name));
    if (der->len == 0)
        CERT_FAIL(CERT_E_INPUT, "%s: the block is empty",
                  cert_bundle__where(ctx, where, sizeof(where)));

done:
    OPENSSL_cleanse(out, sizeof(out));
    EVP_ENCODE_CTX_free(ec);
    if (err < 0)
        cert__buf_free(der);
    return err;
}

typedef struct pass_cb {
    load_ctx *ctx;
    const char *where; /* "bundle.pem: block 4 (line 80)" */
    bool missing;
    cert_err err;
    char msg[512];
} pass_cb;

static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
    pass_cb *pc = u;
    const char *pass;
    size_t len;
    cert_err err;

    (void)rwflag;
    if (pc->ctx->opts->passin == NULL) {
        pc->missing = true;
        return -1;
    }
    err = cert_passin__get(pc->ctx->opts->passin, pc->where, &pass, &len);
    if (err < 0) {
        pc->missing = true;
        pc->err = err;
        snprintf(pc->msg, sizeof(pc->msg), "%s", cert_error_last()->message);
        return -1;
    }
    if (size < 0 || len > (size_t)size)
        return -1;
    memcpy(buf, pass, len);
    return (int)len;
}

/* A key in a traditional (RFC 1421) encrypted block or any other form OpenSSL's PEM reader
 * knows: hand it a clean copy of the block. */
static cert_err load_key_pem(load_ctx *ctx, pem_block *blk)
{
    cert_err err = CERT_OK;
    cert_buf clean, der;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    pass_cb pc;
    char where[512], what[600];
    cert_source src;

    cert__buf_init(&clean, (size_t)(blk->body_end - blk->body) + 256, true);
    memset(&pc, 0, sizeof(pc));
    pc.ctx = ctx;
    CERT_TRY(cert__buf_add(&clean, "-----BEGIN ", 11, ctx->name));
    CERT_TRY(cert__buf_add(&clean, blk->label.p, blk->label.len, ctx->name));
    CERT_TRY(cert__buf_add(&clean, "-----\n", 6, ctx->name));
    CERT_TRY(decode_block(ctx, blk, &der, &clean));
    cert__buf_free(&der);
    CERT_TRY(cert__buf_add(&clean, "-----END ", 9, ctx->name));
    CERT_TRY(cert__buf_add(&clean, blk->label.p, blk->label.len, ctx->name));
    CERT_TRY(cert__buf_add(&clean, "-----\n", 6, ctx->name));
    cert_bundle__where(ctx, where, sizeof(where));
    pc.where = where;
    if (blk->encrypted && blk->dek_cipher.len > 0) {
        char name[64];

        snprintf(name, sizeof(name), "%.*s", (int)blk->dek_cipher.len, blk->dek_cipher.p);
        snprintf(what, sizeof(what), "%s", where);
        CERT_TRY(cert_pbe__check_cipher_name(name, what));
        CERT_TRY(cert_bundle__kdf_charge(ctx, 1, what)); /* EVP_BytesToKey, one MD5 round */
    }
    bio = BIO_new_mem_buf(clean.ptr, (int)clean.len);
    if (bio == NULL)
        CERT_NOMEM();
    pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, pem_pass_cb, &pc, NULL, NULL);
    if (pkey == NULL) {
        if (pc.missing && pc.err < 0)
            CERT_FAIL(CERT_E_INPUT, "%s", pc.msg); /* names the block already */
        if (pc.missing)
            CERT_FAIL(CERT_E_INPUT, "%s: key is encrypted; give its passphrase with --passin",
                      where);
        if (blk->encrypted) {
            if (ctx->opts->passin != NULL)
                cert_passin__reject(ctx->opts->passin);
            CERT_FAIL_SSL(CERT_E_INPUT,
                          "%s: cannot decrypt the key: wrong passphrase; give the right one "
                          "with --passin",
                          where);
        }
        CERT_FAIL_SSL(CERT_E_INPUT,
                      "%s: not a valid private key; the block is damaged, get a fresh copy of "
                      "the file",
                      where);
    }
    src = cert_bundle__source(ctx, CERT_ITEM_KEY, CERT_FMT_PEM);
    src.encrypted = blk->encrypted;
    err = cert_bundle__add_key(ctx, pkey, src);
    pkey = NULL;

done:
    ERR_clear_error();
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    cert__buf_free(&clean);
    return err;
}

/* An unencrypted key: decode it ourselves and parse the DER. */
static cert_err load_key_der(load_ctx *ctx, pem_block *blk)
{
    cert_err err = CERT_OK;
    cert_buf der;
    EVP_PKEY *pkey = NULL;
    const unsigned char *p;
    long len;
    char where[512];

    CERT_TRY(decode_block(ctx, blk, &der, NULL));
    p = (const unsigned char *)der.ptr;
    if (!cert__size_to_long(der.len, &len))
        CERT_FAIL(CERT_E_INPUT, "%s: key too large", cert_bundle__where(ctx, where, sizeof(where)));
    (void)len;
    pkey = cert_key__decode_der(ctx->opts->libctx, p, der.len);
    if (pkey == NULL)
        CERT_FAIL_SSL(CERT_E_INPUT,
                      "%s: not a valid private key; the block is damaged, get a fresh copy of "
                      "the file",
                      cert_bundle__where(ctx, where, sizeof(where)));
    err = cert_bundle__add_key(ctx, pkey, cert_bundle__source(ctx, CERT_ITEM_KEY, CERT_FMT_PEM));
    pkey = NULL;

done:
    EVP_PKEY_free(pkey);
    if (der.ptr != NULL)
        cert__buf_free(&der);
    return err;
}

static cert_err handle_block(load_ctx *ctx, pem_block *blk)
{
    cert_err err = CERT_OK;
    cert_buf der;

    der.ptr = NULL;
    if (span_is(blk->label, "CERTIFICATE") || span_is(blk->label, "X509 CERTIFICATE") ||
        span_is(blk->label, "TRUSTED CERTIFICATE")) {
        bool aux = span_is(blk->label, "TRUSTED CERTIFICATE");

        CERT_TRY(decode_block(ctx, blk, &der, NULL));
        err =
            cert_bundle__add_cert_der(ctx, (const uint8_t *)der.ptr, der.len,
                                      cert_bundle__source(ctx, CERT_ITEM_CERT, CERT_FMT_PEM), aux);
    } else if (span_is(blk->label, "PKCS7") || span_is(blk->label, "CERTIFICATE CHAIN")) {
        CERT_TRY(decode_block(ctx, blk, &der, NULL));
        err = cert_bundle__load_pkcs7(ctx, (const uint8_t *)der.ptr, der.len, CERT_FMT_PEM);
    } else if (span_is(blk->label, "ENCRYPTED PRIVATE KEY")) {
        CERT_TRY(decode_block(ctx, blk, &der, NULL));
        err = cert_bundle__load_p8_encrypted(ctx, (const uint8_t *)der.ptr, der.len, CERT_FMT_PEM);
    } else if (span_is(blk->label, "PRIVATE KEY") || span_is(blk->label, "ANY PRIVATE KEY") ||
               span_is(blk->label, "RSA PRIVATE KEY") || span_is(blk->label, "EC PRIVATE KEY") ||
               span_is(blk->label, "DSA PRIVATE KEY")) {
        /* Peek for RFC 1421 headers: only an encrypted traditional key carries them. */
        const char *colon = memchr(blk->body, ':', (size_t)(blk->body_end - blk->body));

        if (colon != NULL)
            err = load_key_pem(ctx, blk);
        else
            err = load_key_der(ctx, blk);
    } else {
        /* CSR, CRL, EC PARAMETERS, PUBLIC KEY...: not ours, but say so. */
        cert_source src = cert_bundle__source(ctx, CERT_ITEM_CERT, CERT_FMT_PEM);

        ctx->ncert--; /* a skipped block is not a certificate */
        src.index = 0;
        err = cert_bundle__add_skip(ctx, blk->label.p, blk->label.len, src);
    }

done:
    if (der.ptr != NULL)
        cert__buf_free(&der);
    return err;
}

cert_err cert_bundle__load_pem(load_ctx *ctx, const uint8_t *data, size_t len)
{
    const char *p = (const char *)data, *end = p + len;
    size_t line = 1;
    cert_err err;
    char where[512];

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        span s = trim(p, eol ? eol : end);
        pem_block blk;
        const char *q, *begin = memmem(s.p, s.len, "-----BEGIN ", 11);
        size_t qline;
        bool found = false;

        /* Text before BEGIN on the same line ("Subject: ... -----BEGIN CERTIFICATE-----", as a
         * mail or a portal copies it) is text around the block like any other: the block is
         * read. Skipping it let another certificate of the bundle become the leaf. */
        if (begin != NULL) {
            s.len -= (size_t)(begin - s.p);
            s.p = begin;
        }
        if (!(starts(s, "-----BEGIN ") && ends(s, "-----") && s.len > 16)) {
            p = next;
            line++;
            continue;
        }
        memset(&blk, 0, sizeof(blk));
        blk.label.p = s.p + 11;
        blk.label.len = s.len - 16;
        blk.body = next;
        blk.body_line = line + 1;
        ctx->block++;
        ctx->line = line;
        err = cert_bundle__count_item(ctx);
        if (err < 0)
            return err;
        for (q = next, qline = line + 1; q < end; qline++) {
            const char *qeol = memchr(q, '\n', (size_t)(end - q));
            const char *qnext = qeol ? qeol + 1 : end;
            span t = trim(q, qeol ? qeol : end);

            if (starts(t, "-----END ")) {
                if (!(t.len == blk.label.len + 14 && ends(t, "-----") &&
                      memcmp(t.p + 9, blk.label.p, blk.label.len) == 0))
                    return cert__error_set(CERT_E_INPUT,
                                           "%s: ends at line %zu with \"%.*s\", which does not "
                                           "match BEGIN %.*s; the file is damaged",
                                           cert_bundle__where(ctx, where, sizeof(where)), qline,
                                           (int)(t.len > 80 ? 80 : t.len), t.p, (int)blk.label.len,
                                           blk.label.p);
                blk.body_end = q;
                found = true;
                next = qnext;
                break;
            }
            if (starts(t, "-----BEGIN "))
                break;
            q = qnext;
        }
        if (!found)
            return cert__error_set(CERT_E_INPUT,
                                   "%s: BEGIN %.*s has no END line; the file is truncated or "
                                   "damaged",
                                   cert_bundle__where(ctx, where, sizeof(where)),
                                   (int)blk.label.len, blk.label.p);
        err = handle_block(ctx, &blk);
        if (err < 0)
            return err;
        line = qline + 1;
        p = next;
    }
    ctx->line = 0;
    return CERT_OK;
}

/* ---- comparing PEM texts ---- */

bool cert_bundle_same_certs(const char *pem_a, const char *pem_b)
{
    BIO *a = BIO_new_mem_buf(pem_a != NULL ? pem_a : "", -1);
    BIO *b = BIO_new_mem_buf(pem_b != NULL ? pem_b : "", -1);
    bool same = a != NULL && b != NULL, more = same;

    /* One certificate from each side at a time, until both run out together. */
    while (more) {
        X509 *xa = PEM_read_bio_X509(a, NULL, NULL, NULL);
        X509 *xb = PEM_read_bio_X509(b, NULL, NULL, NULL);

        more = xa != NULL || xb != NULL;
        if (more)
            same = more = xa != NULL && xb != NULL && X509_cmp(xa, xb) == 0;
        X509_free(xa);
        X509_free(xb);
    }
    ERR_clear_error();
    BIO_free(a);
    BIO_free(b);
    return same;
}
