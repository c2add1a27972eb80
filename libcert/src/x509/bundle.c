/* SPDX-License-Identifier: Apache-2.0 */
/* Bundle: the container, its accessors, and loading from files, directories and memory. */
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle_int.h"
#include "util/buf.h"
#include "util/error_int.h"
#include "util/file.h"
#include "util/size.h"

static const cert_bundle_opts default_opts = CERT_BUNDLE_OPTS_INIT;

/* Grow an array of `size`-byte elements to hold one more. */
static cert_err grow(void **arr, size_t *cap, size_t n, size_t size)
{
    size_t ncap, bytes;
    void *p;

    if (n < *cap)
        return CERT_OK;
    ncap = *cap ? *cap * 2 : 8;
    if (!cert__size_mul(ncap, size, &bytes))
        return cert__error_nomem();
    p = realloc(*arr, bytes);
    if (p == NULL)
        return cert__error_nomem();
    *arr = p;
    *cap = ncap;
    return CERT_OK;
}

cert_err cert_bundle_new(cert_bundle **out)
{
    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_bundle_new: out is NULL");
    *out = calloc(1, sizeof(**out));
    return *out ? CERT_OK : cert__error_nomem();
}

void cert_bundle_free(cert_bundle *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->ncerts; i++)
        X509_free(b->certs[i].x509);
    for (size_t i = 0; i < b->nkeys; i++)
        EVP_PKEY_free(b->keys[i].pkey); /* OpenSSL clears private key material on free */
    for (size_t i = 0; i < b->nskips; i++)
        free(b->skips[i].label);
    for (size_t i = 0; i < b->nnames; i++)
        free(b->names[i]);
    free(b->certs);
    free(b->keys);
    free(b->skips);
    free(b->names);
    free(b->inputs);
    free(b);
}

static cert_err intern_name(cert_bundle *b, const char *name, const char **out)
{
    cert_err err;
    char *copy;

    for (size_t i = 0; i < b->nnames; i++) {
        if (strcmp(b->names[i], name) == 0) {
            *out = b->names[i];
            return CERT_OK;
        }
    }
    err = grow((void **)&b->names, &b->names_cap, b->nnames, sizeof(*b->names));
    if (err < 0)
        return err;
    copy = strdup(name);
    if (copy == NULL)
        return cert__error_nomem();
    b->names[b->nnames++] = copy;
    *out = copy;
    return CERT_OK;
}

static cert_err add_input(cert_bundle *b, const char *name)
{
    const char *interned;
    cert_err err = intern_name(b, name, &interned);

    if (err < 0)
        return err;
    err = grow((void **)&b->inputs, &b->inputs_cap, b->ninputs, sizeof(*b->inputs));
    if (err < 0)
        return err;
    b->inputs[b->ninputs++] = (char *)interned;
    return CERT_OK;
}

cert_source cert_bundle__source(load_ctx *ctx, cert_item_kind kind, cert_format fmt)
{
    cert_source s;

    memset(&s, 0, sizeof(s));
    s.file = ctx->name;
    s.kind = kind;
    s.index = kind == CERT_ITEM_CERT ? ++ctx->ncert : ++ctx->nkey;
    s.block = ctx->block;
    s.line = ctx->line;
    s.format = fmt;
    return s;
}

const char *cert_bundle__where(const load_ctx *ctx, char *buf, size_t size)
{
    if (ctx->line > 0)
        snprintf(buf, size, "%s: block %zu (line %zu)", ctx->name, ctx->block, ctx->line);
    else
        snprintf(buf, size, "%s", ctx->name);
    return buf;
}

cert_err cert_bundle__count_item(load_ctx *ctx)
{
    size_t max = ctx->opts->max_items;

    if (ctx->b->items >= max) {
        char where[512];

        return cert__error_set(CERT_E_INPUT,
                               "%s: more than %zu certificates, keys and blocks in one bundle; "
                               "split the input",
                               cert_bundle__where(ctx, where, sizeof(where)), max);
    }
    ctx->b->items++;
    return CERT_OK;
}

cert_err cert_bundle__kdf_charge(load_ctx *ctx, uint64_t work, const char *what)
{
    uint64_t max = ctx->opts->version >= 2 ? ctx->opts->max_kdf_work : CERT_BUNDLE_KDF_WORK_DEFAULT;
    cert_bundle *b = ctx->b;

    if (work > max || b->kdf_work > max - work)
        return cert__error_set(CERT_E_INPUT,
                               "%s: its key derivation (%llu iterations) would take this bundle "
                               "past %llu iterations in all (%llu spent on earlier items); "
                               "refusing: so many costly keys in one input looks hostile; raise "
                               "--max-kdf-work if you trust it",
                               what, (unsigned long long)work, (unsigned long long)max,
                               (unsigned long long)b->kdf_work);
    b->kdf_work += work;
    return CERT_OK;
}

cert_err cert_bundle__add_cert(load_ctx *ctx, X509 *x509, cert_source src)
{
    cert_bundle *b = ctx->b;
    unsigned char *der = NULL;
    int len;
    cert_err err = grow((void **)&b->certs, &b->certs_cap, b->ncerts, sizeof(*b->certs));

    if (err < 0) {
        X509_free(x509);
        return err;
    }
    len = i2d_X509(x509, &der);
    if (len <= 0) {
        X509_free(x509);
        return cert__error_openssl(CERT_E_INPUT, "%s: certificate cannot be encoded", src.file);
    }
    if (!cert__sha256(der, (size_t)len, b->certs[b->ncerts].sha256)) {
        OPENSSL_free(der);
        X509_free(x509);
        return cert__error_nomem();
    }
    OPENSSL_free(der);
    b->certs[b->ncerts].x509 = x509;
    b->certs[b->ncerts].src = src;
    b->ncerts++;
    return CERT_OK;
}

cert_err cert_bundle__add_cert_der(load_ctx *ctx, const uint8_t *der, size_t len, cert_source src,
                                   bool aux)
{
    cert_bundle *b = ctx->b;
    uint8_t md[32];
    X509 *x = NULL;
    const unsigned char *p = der;
    long llen;
    cert_err err;
    char where[512];

    if (!cert__size_to_long(len, &llen))
        return cert__error_set(CERT_E_INPUT, "%s: certificate too large",
                               cert_bundle__where(ctx, where, sizeof(where)));
    if (!aux) {
        if (!cert__sha256(der, len, md))
            return cert__error_nomem();
        if (ctx->opts->cache != NULL)
            x = cert_cache__get(ctx->opts->cache, md);
    }
    if (x == NULL) {
        x = X509_new_ex(ctx->opts->libctx, NULL);
        if (x == NULL)
            return cert__error_nomem();
        /* On failure d2i frees the object it was given and sets it to NULL. */
        if ((aux ? d2i_X509_AUX(&x, &p, llen) : d2i_X509(&x, &p, llen)) == NULL)
            x = NULL;
        if (x == NULL || p != der + len) {
            X509_free(x);
            return cert__error_openssl(CERT_E_INPUT,
                                       "%s: not a valid DER certificate; the block is "
                                       "damaged, get a fresh copy of the file",
                                       cert_bundle__where(ctx, where, sizeof(where)));
        }
        if (aux)
            return cert_bundle__add_cert(ctx, x, src);
        /* Cache CA certificates only: they are what many bundles share; leaves are unique. */
        if (ctx->opts->cache != NULL && X509_check_ca(x) != 0)
            cert_cache__put(ctx->opts->cache, md, x);
    }
    err = grow((void **)&b->certs, &b->certs_cap, b->ncerts, sizeof(*b->certs));
    if (err < 0) {
        X509_free(x);
        return err;
    }
    b->certs[b->ncerts].x509 = x;
    memcpy(b->certs[b->ncerts].sha256, md, sizeof(md));
    b->certs[b->ncerts].src = src;
    b->ncerts++;
    return CERT_OK;
}

cert_err cert_bundle__add_key(load_ctx *ctx, EVP_PKEY *pkey, cert_source src)
{
    cert_bundle *b = ctx->b;
    cert_err err = grow((void **)&b->keys, &b->keys_cap, b->nkeys, sizeof(*b->keys));

    if (err < 0) {
        EVP_PKEY_free(pkey);
        return err;
    }
    b->keys[b->nkeys].pkey = pkey;
    b->keys[b->nkeys].src = src;
    b->nkeys++;
    return CERT_OK;
}

cert_err cert_bundle__add_skip(load_ctx *ctx, const char *label, size_t len, cert_source src)
{
    cert_bundle *b = ctx->b;
    cert_err err = grow((void **)&b->skips, &b->skips_cap, b->nskips, sizeof(*b->skips));
    char *copy;

    if (err < 0)
        return err;
    copy = strndup(label, len);
    if (copy == NULL)
        return cert__error_nomem();
    b->skips[b->nskips].label = copy;
    b->skips[b->nskips].src = src;
    b->nskips++;
    return CERT_OK;
}

static bool has_pem(const uint8_t *data, size_t len)
{
    return memmem(data, len, "-----BEGIN ", 11) != NULL;
}

bool cert_bundle_needs_main_thread(const uint8_t *data, size_t len)
{
    /* Binary input may be PKCS#12; "ENCRYPTED" covers `ENCRYPTED PRIVATE KEY` and the legacy
     * `Proc-Type: 4,ENCRYPTED` header. Either may need a passphrase prompt or the legacy
     * provider, which must not happen on a worker thread. */
    return !has_pem(data, len) || memmem(data, len, "ENCRYPTED", 9) != NULL;
}

static bool looks_like_text(const uint8_t *data, size_t len)
{
    size_t n = len < 4096 ? len : 4096;

    for (size_t i = 0; i < n; i++) {
        uint8_t c = data[i];

        if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f'))
            return false;
    }
    return true;
}

static cert_err load_bytes(load_ctx *ctx, const uint8_t *data, size_t len)
{
    size_t before_c = ctx->b->ncerts, before_k = ctx->b->nkeys;
    cert_err err;

    if (len == 0) {
        if (ctx->in_dir)
            return CERT_OK;
        return cert__error_set(CERT_E_INPUT,
                               "%s: empty input; give a PEM, DER, PKCS#12 or "
                               "PKCS#7 file",
                               ctx->name);
    }
    if (has_pem(data, len)) {
        err = cert_bundle__load_pem(ctx, data, len);
    } else if (looks_like_text(data, len)) {
        if (ctx->in_dir)
            return CERT_OK; /* a README beside the PEM files */
        return cert__error_set(CERT_E_INPUT,
                               "%s: no certificate or key found (no PEM block, not DER); "
                               "check that this is the file you meant",
                               ctx->name);
    } else {
        err = cert_bundle__load_der(ctx, data, len);
    }
    if (err < 0)
        return err;
    if (ctx->b->ncerts == before_c && ctx->b->nkeys == before_k && !ctx->in_dir)
        return cert__error_set(CERT_E_INPUT,
                               "%s: no certificate or key found (only other PEM blocks); "
                               "check that this is the file you meant",
                               ctx->name);
    return CERT_OK;
}

cert_err cert_bundle_load_mem(cert_bundle *b, const uint8_t *data, size_t len, const char *name,
                              const cert_bundle_opts *opts)
{
    load_ctx ctx;
    cert_err err;

    if (b == NULL || (data == NULL && len > 0) || name == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_bundle_load_mem: NULL argument");
    if (opts == NULL)
        opts = &default_opts;
    if (len > opts->max_file_size)
        return cert__error_set(CERT_E_INPUT, "%s: %zu bytes is larger than the limit of %zu bytes",
                               name, len, opts->max_file_size);
    memset(&ctx, 0, sizeof(ctx));
    ctx.b = b;
    ctx.opts = opts;
    err = add_input(b, name);
    if (err < 0)
        return err;
    ctx.name = b->inputs[b->ninputs - 1];
    return load_bytes(&ctx, data ? data : (const uint8_t *)"", len);
}

static cert_err load_one_file(cert_bundle *b, const char *path, const char *display,
                              const cert_bundle_opts *opts, bool in_dir)
{
    load_ctx ctx;
    cert_buf buf;
    cert_err err;

    memset(&ctx, 0, sizeof(ctx));
    ctx.b = b;
    ctx.opts = opts;
    ctx.in_dir = in_dir;
    err = intern_name(b, display, &ctx.name);
    if (err < 0)
        return err;
    err = cert__file_read(path, opts->max_file_size, &buf);
    if (err < 0)
        return err;
    err = load_bytes(&ctx, (const uint8_t *)buf.ptr, buf.len);
    cert__buf_free(&buf); /* wiped: it may have held a key */
    return err;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static cert_err load_dir(cert_bundle *b, const char *path, const cert_bundle_opts *opts)
{
    cert_err err = CERT_OK;
    DIR *d = opendir(path);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    size_t before_c = b->ncerts, before_k = b->nkeys;

    if (d == NULL)
        return cert__error_set(CERT_E_IO, "%s: cannot open the directory (%s); check the path",
                               path, strerror(errno));
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        CERT_TRY(grow((void **)&names, &cap, n, sizeof(*names)));
        names[n] = strdup(de->d_name);
        if (names[n] == NULL)
            CERT_NOMEM();
        n++;
    }
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *full = cert__path_join(path, names[i]);
        struct stat st;

        if (full == NULL)
            CERT_NOMEM();
        /* stat, not lstat: Let's Encrypt's live/ files are symlinks into archive/. */
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(full);
            continue;
        }
        err = load_one_file(b, full, full, opts, true);
        free(full);
        if (err < 0)
            goto done;
    }
    if (b->ncerts == before_c && b->nkeys == before_k)
        CERT_FAIL(CERT_E_INPUT,
                  "%s: no certificate or key found in this directory; give the "
                  "directory that holds the certificate files",
                  path);

done:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return err;
}

cert_err cert_bundle_load_file(cert_bundle *b, const char *path, const cert_bundle_opts *opts)
{
    struct stat st;
    bool is_stdin;
    cert_err err;

    if (b == NULL || path == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_bundle_load_file: NULL argument");
    if (opts == NULL)
        opts = &default_opts;
    /* file://PATH, the AWS CLI's habit (aws iam upload-server-certificate --certificate-body
     * file://cert.pem): the file at PATH. Other URLs are not read. */
    if (strncmp(path, "file://", 7) == 0)
        path += 7;
    else if (strstr(path, "://") != NULL && stat(path, &st) != 0)
        return cert__error_set(CERT_E_INPUT,
                               "%s: not a file; give a local path (file://PATH works, other URLs "
                               "are not read)",
                               path);
    is_stdin = strcmp(path, "-") == 0;
    err = add_input(b, is_stdin ? "<stdin>" : path);
    if (err < 0)
        return err;
    if (!is_stdin && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return load_dir(b, path, opts);
    return load_one_file(b, path, is_stdin ? "<stdin>" : path, opts, false);
}

size_t cert_bundle_cert_count(const cert_bundle *b)
{
    return b ? b->ncerts : 0;
}

X509 *cert_bundle_cert_at(const cert_bundle *b, size_t i)
{
    return b && i < b->ncerts ? b->certs[i].x509 : NULL;
}

const uint8_t *cert_bundle_cert_sha256(const cert_bundle *b, size_t i)
{
    return b && i < b->ncerts ? b->certs[i].sha256 : NULL;
}

const cert_source *cert_bundle_cert_source(const cert_bundle *b, size_t i)
{
    return b && i < b->ncerts ? &b->certs[i].src : NULL;
}

size_t cert_bundle_key_count(const cert_bundle *b)
{
    return b ? b->nkeys : 0;
}

EVP_PKEY *cert_bundle_key_at(const cert_bundle *b, size_t i)
{
    return b && i < b->nkeys ? b->keys[i].pkey : NULL;
}

const cert_source *cert_bundle_key_source(const cert_bundle *b, size_t i)
{
    return b && i < b->nkeys ? &b->keys[i].src : NULL;
}

size_t cert_bundle_skipped_count(const cert_bundle *b)
{
    return b ? b->nskips : 0;
}

const cert_source *cert_bundle_skipped_at(const cert_bundle *b, size_t i, const char **label_out)
{
    if (b == NULL || i >= b->nskips)
        return NULL;
    if (label_out != NULL)
        *label_out = b->skips[i].label;
    return &b->skips[i].src;
}

size_t cert_bundle_input_count(const cert_bundle *b)
{
    return b ? b->ninputs : 0;
}

const char *cert_bundle_input_at(const cert_bundle *b, size_t i)
{
    return b && i < b->ninputs ? b->inputs[i] : NULL;
}

char *cert_source_describe(const cert_source *src, char *buf, size_t size)
{
    const char *kind = src->kind == CERT_ITEM_CERT ? "certificate" : "key";

    if (size == 0)
        return buf;
    switch (src->format) {
    case CERT_FMT_PEM:
        snprintf(buf, size, "%s %zu of %s (line %zu)", kind, src->index, src->file, src->line);
        break;
    case CERT_FMT_DER:
        snprintf(buf, size, "%s %zu of %s (DER)", kind, src->index, src->file);
        break;
    case CERT_FMT_PKCS12:
        snprintf(buf, size, "%s %zu of %s (PKCS#12)", kind, src->index, src->file);
        break;
    case CERT_FMT_PKCS7:
        if (src->line > 0)
            snprintf(buf, size, "%s %zu of %s (PKCS#7, line %zu)", kind, src->index, src->file,
                     src->line);
        else
            snprintf(buf, size, "%s %zu of %s (PKCS#7)", kind, src->index, src->file);
        break;
    default:
        snprintf(buf, size, "%s %zu of %s", kind, src->index, src->file);
    }
    return buf;
}
