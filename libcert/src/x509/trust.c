/* SPDX-License-Identifier: Apache-2.0 */
/* Trust stores: the system default (read lazily), a CA file, a hashed CA directory. */
#include <dirent.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle_int.h"
#include "util/error_int.h"
#include "util/file.h"
#include "x509_int.h"

struct cert_trust {
    X509_STORE *store;
    const char *origin; /* static: what the certificates came from, for people */
    bool system;        /* the system's default store: its roots may be public */
    bool forced;        /* LIBCERT_PUBLIC_STORE said whether they are: no root list read */
    /* The root program's own roots (public_roots_dir()), read once when first asked: the SHA-256
     * of each one's public key, sorted. all_public: no such list here, so every root of the
     * system store counts as public. */
    pthread_mutex_t public_lock;
    bool public_loaded;
    uint8_t (*public_keys)[32];
    size_t npublic;
    bool all_public;
};

const char *cert_trust_origin(const cert_trust *t)
{
    return t != NULL && t->origin != NULL ? t->origin : "the system store";
}

X509_STORE *cert_trust__store(const cert_trust *t)
{
    return t->store;
}

bool cert_trust__system(const cert_trust *t)
{
    return t != NULL && t->system;
}

/* The same file or directory (symbolic links followed). */
static bool same_path(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static bool set_env(const char *name)
{
    const char *v = getenv(name);

    return v != NULL && *v != '\0';
}

/* Whether the roots of the default store are public, a root program's: the CT policy and the
 * validity limit apply under those only, never under an anchor installed locally
 * (GoogleChrome/CertificateTransparency, enterprises.md: CT "only applies to CAs that are
 * publicly-trusted", not to "CAs that have been manually installed"). The distribution's store
 * is public; a store SSL_CERT_FILE or SSL_CERT_DIR names instead is the user's own choice, like
 * --ca-file, unless it is the distribution's under another name or LIBCERT_PUBLIC_STORE says
 * so. */
static bool public_store(const char *env_file, const char *env_dir)
{
    if (set_env("LIBCERT_PUBLIC_STORE"))
        return strcmp(getenv("LIBCERT_PUBLIC_STORE"), "0") != 0;
    if (env_file != NULL && !same_path(env_file, X509_get_default_cert_file()))
        return false;
    return env_dir == NULL || same_path(env_dir, X509_get_default_cert_dir());
}

static cert_err add_file(X509_STORE *store, const char *file)
{
    struct stat st;

    if (stat(file, &st) != 0)
        return cert__error_set(CERT_E_IO, "%s: cannot read the CA file (%s); check the path", file,
                               strerror(errno));
    if (X509_STORE_load_file(store, file) != 1)
        return cert__error_openssl(
            CERT_E_INPUT, "%s: not a PEM file of CA certificates; give the root(s) as PEM", file);
    return CERT_OK;
}

static cert_err add_dir(X509_STORE *store, const char *dir)
{
    X509_LOOKUP *lu = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());

    /* Hashed directory: a certificate is read only when a chain asks for its subject. */
    if (lu == NULL || X509_LOOKUP_add_dir(lu, dir, X509_FILETYPE_PEM) != 1)
        return cert__error_openssl(CERT_E_INPUT, "%s: cannot use as a CA directory", dir);
    return CERT_OK;
}

static bool is_dir(const char *p)
{
    struct stat st;

    return p != NULL && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the distribution keeps its root program's roots, apart from those installed locally
 * (Debian: /usr/share/ca-certificates/mozilla, while update-ca-certificates also adds
 * /usr/local/share/ca-certificates and whatever /etc/ca-certificates.conf names to the store).
 * LIBCERT_PUBLIC_ROOTS names another directory (another distribution's, or a test's). */
static const char *public_roots_dir(void)
{
    return set_env("LIBCERT_PUBLIC_ROOTS") ? getenv("LIBCERT_PUBLIC_ROOTS")
                                           : "/usr/share/ca-certificates/mozilla";
}

#define PUBLIC_ROOTS_MAX 4096
#define PUBLIC_ROOT_FILE_MAX (1024 * 1024)

static bool key_digest(X509 *x, uint8_t out[32])
{
    unsigned char *der = NULL;
    int len = i2d_PUBKEY(X509_get0_pubkey(x), &der);
    bool ok = len > 0 && cert__sha256(der, (size_t)len, out);

    OPENSSL_free(der);
    return ok;
}

static int cmp_key(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* Every certificate of one file of the directory, each key into t's list. */
static void public_roots_file(cert_trust *t, const char *path)
{
    struct stat st;
    BIO *bio;
    X509 *x;

    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > PUBLIC_ROOT_FILE_MAX)
        return;
    if ((bio = BIO_new_file(path, "r")) == NULL)
        return;
    while (t->npublic < PUBLIC_ROOTS_MAX && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
        if (key_digest(x, t->public_keys[t->npublic]))
            t->npublic++;
        X509_free(x);
    }
    BIO_free(bio);
}

static void public_roots_load(cert_trust *t)
{
    const char *dir = public_roots_dir();
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL || (t->public_keys = calloc(PUBLIC_ROOTS_MAX, 32)) == NULL) {
        /* no list of the root program here: the store is the distribution's, take it whole */
        t->all_public = true;
        if (d != NULL)
            closedir(d);
        return;
    }
    while ((e = readdir(d)) != NULL && t->npublic < PUBLIC_ROOTS_MAX) {
        char *path = e->d_name[0] != '.' ? cert__path_join(dir, e->d_name) : NULL;

        if (path != NULL)
            public_roots_file(t, path);
        free(path);
    }
    closedir(d);
    ERR_clear_error();
    if (t->npublic == 0)
        t->all_public = true;
    qsort(t->public_keys, t->npublic, 32, cmp_key);
}

bool cert_trust__anchor_public(cert_trust *t, X509 *anchor)
{
    uint8_t key[32];

    if (t == NULL || !t->system)
        return false;
    if (t->forced)
        return true;
    pthread_mutex_lock(&t->public_lock);
    if (!t->public_loaded)
        public_roots_load(t);
    t->public_loaded = true;
    pthread_mutex_unlock(&t->public_lock);
    if (t->all_public)
        return true;
    return key_digest(anchor, key) && bsearch(key, t->public_keys, t->npublic, 32, cmp_key) != NULL;
}

cert_err cert_trust_new(const char *ca_file, const char *ca_path, cert_trust **out)
{
    cert_err err = CERT_OK;
    cert_trust *t = NULL;

    if (out == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_trust_new: out is NULL");
    *out = NULL;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        CERT_NOMEM();
    pthread_mutex_init(&t->public_lock, NULL);
    t->store = X509_STORE_new();
    if (t->store == NULL)
        CERT_NOMEM();
    if (ca_file != NULL)
        CERT_TRY(add_file(t->store, ca_file));
    if (ca_path != NULL) {
        if (!is_dir(ca_path))
            CERT_FAIL(CERT_E_IO, "%s: not a directory", ca_path);
        CERT_TRY(add_dir(t->store, ca_path));
    }
    t->origin = ca_file && ca_path ? "--ca-file and --ca-path"
                : ca_file          ? "--ca-file"
                : ca_path          ? "--ca-path"
                                   : "the system store";
    if (ca_file == NULL && ca_path == NULL) {
        const char *env_file = getenv(X509_get_default_cert_file_env());
        const char *env_dir = getenv(X509_get_default_cert_dir_env());
        const char *dir = env_dir ? env_dir : X509_get_default_cert_dir();

        /* An explicit SSL_CERT_FILE is honoured as given; otherwise prefer the hashed
         * directory (lazy) over the bundle file (about 140 certificates parsed up front). */
        if (env_file != NULL)
            CERT_TRY(add_file(t->store, env_file));
        else if (is_dir(dir))
            CERT_TRY(add_dir(t->store, dir));
        else
            CERT_TRY(add_file(t->store, X509_get_default_cert_file()));
        if (env_file != NULL && env_dir != NULL && is_dir(env_dir))
            CERT_TRY(add_dir(t->store, env_dir));
        t->system = public_store(env_file, env_dir);
        /* LIBCERT_PUBLIC_STORE alone: every root of the store is public; with
         * LIBCERT_PUBLIC_ROOTS, that list still decides which. */
        t->forced = set_env("LIBCERT_PUBLIC_STORE") && !set_env("LIBCERT_PUBLIC_ROOTS");
    }
    *out = t;
    t = NULL;

done:
    cert_trust_free(t);
    return err;
}

void cert_trust_free(cert_trust *t)
{
    if (t == NULL)
        return;
    X509_STORE_free(t->store);
    free(t->public_keys);
    pthread_mutex_destroy(&t->public_lock);
    free(t);
}

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static cert_trust *default_trust;

__attribute__((destructor)) static void default_fini(void)
{
    cert_trust_free(default_trust);
    default_trust = NULL;
}

static void default_init(void)
{
    if (cert_trust_new(NULL, NULL, &default_trust) < 0)
        default_trust = NULL;
    /* Freed in OpenSSL's own exit handler too, before it drops the ex_data callbacks: the
     * store's certificates carry the path checks' memo (chain_check.c), which a later free
     * (this file's destructor, after OpenSSL's atexit cleanup) could no longer release. */
    else if (!OPENSSL_atexit(default_fini))
        ERR_clear_error();
}

cert_trust *cert_trust__default(void)
{
    pthread_once(&default_once, default_init);
    return default_trust;
}
