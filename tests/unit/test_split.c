/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for split (libcert/split.h): rendering parses back as the chain, files are written
 * with the right modes, all or nothing, --force, prefix and out_dir. */
#include <dirent.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

typedef struct fixture {
    h_run run;
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    f->dir = h_tmpdir();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    h_run_free(&f->run);
    h_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Every certificate of a PEM text, parsed by OpenSSL; the text must hold nothing else. */
static STACK_OF(X509) * parse_certs(const char *pem, size_t len)
{
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    STACK_OF(X509) *sk = sk_X509_new_null();
    X509 *x;

    assert_non_null(bio);
    assert_non_null(sk);
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        assert_true(sk_X509_push(sk, x) > 0);
    ERR_clear_error();
    assert_int_equal(BIO_pending(bio), 0);
    BIO_free(bio);
    return sk;
}

static char *render(const cert_chain *c, cert_split_part part, cert_key_format fmt, size_t *len_out)
{
    char *out = NULL;

    assert_cert_ok(cert_split_render(c, part, fmt, &out, len_out));
    assert_non_null(out);
    assert_int_equal(strlen(out), *len_out);
    assert_null(strchr(out, '\r'));
    return out;
}

static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len_out = (size_t)n;
    return buf;
}

static unsigned int mode_of(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("%s does not exist: %s", path, strerror(errno));
    return (unsigned int)(st.st_mode & 07777);
}

static bool exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

/* Names in a directory, sorted and joined with ","; free() it. */
static char *listing(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *names[32], *out;
    size_t n = 0, total = 1, off = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        assert_true(n < 32);
        names[n] = strdup(de->d_name);
        total += strlen(names[n]) + 1;
        n++;
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) {
        for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            char *t = names[k];

            names[k] = names[k - 1];
            names[k - 1] = t;
        }
    }
    out = malloc(total);
    assert_non_null(out);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);

        if (i > 0)
            out[off++] = ',';
        memcpy(out + off, names[i], l + 1);
        off += l;
        free(names[i]);
    }
    return out;
}

static void assert_listing(const char *dir, const char *want)
{
    char *got = listing(dir);

    if (strcmp(got, want) != 0) {
        print_error("directory holds [%s], expected [%s]\n", got, want);
        free(got);
        fail();
    }
    free(got);
}

/* The file equals what cert_split_render gives for the part. */
static void assert_file_is_part(const cert_chain *c, const char *path, cert_split_part part,
                                cert_key_format fmt)
{
    size_t flen, rlen;
    char *file = read_file(path, &flen), *want = render(c, part, fmt, &rlen);

    assert_int_equal(flen, rlen);
    assert_memory_equal(file, want, rlen);
    free(file);
    cert_secret_free(want, rlen);
}

/* ---- render ---- */

static void test_split__render_parses_back_as_the_chain(void **state)
{
    fixture *f = *state;
    const cert_chain *c;
    size_t len;
    char *pem;
    STACK_OF(X509) * sk;

    /* the input order is not the output order */
    h_pipeline(&f->run, NULL, "bundle-shuffled.pem", NULL);
    c = f->run.chain;
    assert_int_equal(cert_chain_count(c), 2);

    pem = render(c, CERT_PART_CERT, CERT_KEY_PKCS8, &len);
    sk = parse_certs(pem, len);
    assert_int_equal(sk_X509_num(sk), 1);
    assert_same_cert(sk_X509_value(sk, 0), cert_chain_leaf(c));
    sk_X509_pop_free(sk, X509_free);
    cert_secret_free(pem, len);

    pem = render(c, CERT_PART_CHAIN, CERT_KEY_PKCS8, &len);
    sk = parse_certs(pem, len);
    assert_int_equal((size_t)sk_X509_num(sk), cert_chain_count(c));
    for (size_t i = 0; i < cert_chain_count(c); i++)
        assert_same_cert(sk_X509_value(sk, (int)i), cert_chain_at(c, i));
    {
        X509 *int2 = fx_x509("int2.pem");

        assert_same_cert(sk_X509_value(sk, 0), int2);
        X509_free(int2);
    }
    sk_X509_pop_free(sk, X509_free);
    cert_secret_free(pem, len);

    pem = render(c, CERT_PART_FULLCHAIN, CERT_KEY_PKCS8, &len);
    sk = parse_certs(pem, len);
    assert_int_equal((size_t)sk_X509_num(sk), cert_chain_count(c) + 1);
    assert_same_cert(sk_X509_value(sk, 0), cert_chain_leaf(c));
    for (size_t i = 0; i < cert_chain_count(c); i++)
        assert_same_cert(sk_X509_value(sk, (int)i + 1), cert_chain_at(c, i));
    sk_X509_pop_free(sk, X509_free);
    cert_secret_free(pem, len);
}

static void test_split__render_key(void **state)
{
    fixture *f = *state;
    EVP_PKEY *want = fx_key("leaf-rsa2048.key");
    static const struct {
        cert_key_format fmt;
        const char *begin;
    } forms[] = {{CERT_KEY_PKCS8, "-----BEGIN PRIVATE KEY-----\n"},
                 {CERT_KEY_TRADITIONAL, "-----BEGIN RSA PRIVATE KEY-----\n"}};

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *pem = render(f->run.chain, CERT_PART_KEY, forms[i].fmt, &len);
        BIO *bio = BIO_new_mem_buf(pem, (int)len);
        EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);

        assert_int_equal(strncmp(pem, forms[i].begin, strlen(forms[i].begin)), 0);
        assert_non_null(k);
        assert_int_equal(EVP_PKEY_eq(k, want), 1);
        EVP_PKEY_free(k);
        BIO_free(bio);
        cert_secret_free(pem, len);
    }
    EVP_PKEY_free(want);
}

static void test_split__render_is_deterministic(void **state)
{
    fixture *f = *state;
    static const cert_split_part parts[] = {CERT_PART_CERT, CERT_PART_CHAIN, CERT_PART_KEY,
                                            CERT_PART_FULLCHAIN};

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    for (size_t i = 0; i < 4; i++) {
        size_t l1, l2;
        char *a = render(f->run.chain, parts[i], CERT_KEY_PKCS8, &l1);
        char *b = render(f->run.chain, parts[i], CERT_KEY_PKCS8, &l2);

        assert_int_equal(l1, l2);
        assert_memory_equal(a, b, l1);
        cert_secret_free(a, l1);
        cert_secret_free(b, l2);
    }
}

static void test_split__render_without_key(void **state)
{
    fixture *f = *state;
    char *out = (char *)(uintptr_t)1;
    size_t len = 7;

    h_pipeline(&f->run, NULL, "bundle-nokey.pem", NULL);
    assert_cert_error(cert_split_render(f->run.chain, CERT_PART_KEY, CERT_KEY_PKCS8, &out, &len),
                      CERT_E_INVALID, "no private key");
    assert_null(out);
    assert_int_equal(len, 0);
    assert_cert_error(cert_split_render(NULL, CERT_PART_CERT, CERT_KEY_PKCS8, &out, &len),
                      CERT_E_INVALID, "cert_split_render");
}

static void test_split__render_chain_with_root(void **state)
{
    fixture *f = *state;
    h_opts o = H_OPTS_INIT;
    size_t len;
    char *pem;
    STACK_OF(X509) * sk;
    X509 *root = fx_x509("root.pem");

    o.chain.with_root = true;
    h_pipeline(&f->run, &o, "bundle-good.pem", NULL);
    pem = render(f->run.chain, CERT_PART_CHAIN, CERT_KEY_PKCS8, &len);
    sk = parse_certs(pem, len);
    assert_int_equal(sk_X509_num(sk), 3);
    assert_same_cert(sk_X509_value(sk, 2), root);
    sk_X509_pop_free(sk, X509_free);
    cert_secret_free(pem, len);
    X509_free(root);
}

/* chain.pem is the chain as cert_chain_write_pem() writes it with the root kept; fullchain.pem is
 * cert.pem followed by it. */
static void test_split__render_chain_is_cert_chain_write_pem(void **state)
{
    fixture *f = *state;
    h_opts o = H_OPTS_INIT;
    size_t clen, rlen, llen, flen;
    char *chain = NULL, *rendered, *leaf, *full;

    o.chain.with_root = true;
    h_pipeline(&f->run, &o, "bundle-root.pem", NULL);
    assert_cert_ok(cert_chain_write_pem(f->run.chain, true, &chain, &clen));
    rendered = render(f->run.chain, CERT_PART_CHAIN, CERT_KEY_PKCS8, &rlen);
    assert_int_equal(rlen, clen);
    assert_memory_equal(rendered, chain, clen);
    leaf = render(f->run.chain, CERT_PART_CERT, CERT_KEY_PKCS8, &llen);
    full = render(f->run.chain, CERT_PART_FULLCHAIN, CERT_KEY_PKCS8, &flen);
    assert_int_equal(flen, llen + clen);
    assert_memory_equal(full, leaf, llen);
    assert_memory_equal(full + llen, chain, clen);
    free(chain);
    cert_secret_free(rendered, rlen);
    cert_secret_free(leaf, llen);
    cert_secret_free(full, flen);
}

/* ---- parts and paths ---- */

static void test_split__parts_and_names(void **state)
{
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    cert_split_part p[4];

    (void)state;
    assert_int_equal(cert_split_parts(NULL, p), 3);
    assert_int_equal(p[0], CERT_PART_CERT);
    assert_int_equal(p[1], CERT_PART_CHAIN);
    assert_int_equal(p[2], CERT_PART_KEY);
    o.fullchain = true;
    assert_int_equal(cert_split_parts(&o, p), 4);
    assert_int_equal(p[3], CERT_PART_FULLCHAIN);
    o.no_key = true;
    assert_int_equal(cert_split_parts(&o, p), 3);
    assert_int_equal(p[2], CERT_PART_FULLCHAIN);
    o.fullchain = false;
    assert_int_equal(cert_split_parts(&o, p), 2);
    assert_string_equal(cert_split_part_name(CERT_PART_CERT), "cert.pem");
    assert_string_equal(cert_split_part_name(CERT_PART_CHAIN), "chain.pem");
    assert_string_equal(cert_split_part_name(CERT_PART_KEY), "key.pem");
    assert_string_equal(cert_split_part_name(CERT_PART_FULLCHAIN), "fullchain.pem");
}

static void test_split__paths(void **state)
{
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *p = NULL;

    (void)state;
    assert_cert_ok(cert_split_path(NULL, CERT_PART_KEY, &p));
    assert_string_equal(p, "key.pem");
    free(p);
    o.out_dir = "out";
    o.prefix = "www-";
    assert_cert_ok(cert_split_path(&o, CERT_PART_CERT, &p));
    assert_string_equal(p, "out/www-cert.pem");
    free(p);
    o.out_dir = "out/";
    assert_cert_ok(cert_split_path(&o, CERT_PART_FULLCHAIN, &p));
    assert_string_equal(p, "out/www-fullchain.pem");
    free(p);
    o.prefix = NULL;
    o.out_dir = "/abs/dir";
    assert_cert_ok(cert_split_path(&o, CERT_PART_CHAIN, &p));
    assert_string_equal(p, "/abs/dir/chain.pem");
    free(p);
}

/* ---- write ---- */

static void test_split__write_modes_and_contents(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *cert, *chain, *key;
    mode_t old = umask(0);

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    o.out_dir = f->dir;
    assert_cert_ok(cert_split_write(f->run.chain, &o));
    umask(old);
    cert = h_path(f->dir, "cert.pem");
    chain = h_path(f->dir, "chain.pem");
    key = h_path(f->dir, "key.pem");
    assert_listing(f->dir, "cert.pem,chain.pem,key.pem"); /* no temporaries left */
    assert_int_equal(mode_of(key), 0600);
    assert_int_equal(mode_of(cert), 0644);
    assert_int_equal(mode_of(chain), 0644);
    assert_file_is_part(f->run.chain, cert, CERT_PART_CERT, CERT_KEY_PKCS8);
    assert_file_is_part(f->run.chain, chain, CERT_PART_CHAIN, CERT_KEY_PKCS8);
    assert_file_is_part(f->run.chain, key, CERT_PART_KEY, CERT_KEY_PKCS8);
    free(cert);
    free(chain);
    free(key);
}

static void test_split__write_modes_ignore_umask(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *cert, *key;
    mode_t old = umask(077);
    cert_err err;

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    o.out_dir = f->dir;
    err = cert_split_write(f->run.chain, &o);
    umask(old);
    assert_cert_ok(err);
    cert = h_path(f->dir, "cert.pem");
    key = h_path(f->dir, "key.pem");
    assert_int_equal(mode_of(cert), 0644);
    assert_int_equal(mode_of(key), 0600);
    free(cert);
    free(key);
}

static void test_split__write_fullchain_prefix_traditional(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *full, *key;
    size_t len;
    char *text;

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    o.out_dir = f->dir;
    o.prefix = "www-";
    o.fullchain = true;
    o.key_format = CERT_KEY_TRADITIONAL;
    assert_cert_ok(cert_split_write(f->run.chain, &o));
    assert_listing(f->dir, "www-cert.pem,www-chain.pem,www-fullchain.pem,www-key.pem");
    full = h_path(f->dir, "www-fullchain.pem");
    key = h_path(f->dir, "www-key.pem");
    assert_int_equal(mode_of(full), 0644);
    assert_int_equal(mode_of(key), 0600);
    assert_file_is_part(f->run.chain, full, CERT_PART_FULLCHAIN, CERT_KEY_PKCS8);
    text = read_file(key, &len);
    assert_int_equal(strncmp(text, "-----BEGIN RSA PRIVATE KEY-----", 31), 0);
    free(text);
    free(full);
    free(key);
}

static void test_split__write_into_current_directory(void **state)
{
    fixture *f = *state;
    char *cwd = getcwd(NULL, 0);
    cert_err err;

    assert_non_null(cwd);
    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    assert_int_equal(chdir(f->dir), 0);
    err = cert_split_write(f->run.chain, NULL);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    assert_cert_ok(err);
    assert_listing(f->dir, "cert.pem,chain.pem,key.pem");
}

static void test_split__write_no_key(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;

    h_pipeline(&f->run, NULL, "bundle-nokey.pem", NULL);
    o.out_dir = f->dir;
    assert_cert_error(cert_split_write(f->run.chain, &o), CERT_E_INVALID, "no private key",
                      "--no-key");
    assert_listing(f->dir, "");
    o.no_key = true;
    assert_cert_ok(cert_split_write(f->run.chain, &o));
    assert_listing(f->dir, "cert.pem,chain.pem");
}

static void test_split__write_refuses_existing_file_all_or_nothing(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *chain = h_path(f->dir, "chain.pem"), *text;
    size_t len;

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    h_write_file(chain, "old\n", 4, 0644);
    o.out_dir = f->dir;
    assert_cert_error(cert_split_write(f->run.chain, &o), CERT_E_EXISTS, chain, "--force");
    /* nothing else written, the existing file untouched */
    assert_listing(f->dir, "chain.pem");
    text = read_file(chain, &len);
    assert_string_equal(text, "old\n");
    free(text);
    free(chain);
}

static void test_split__write_refuses_dangling_symlink(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *key = h_path(f->dir, "key.pem"), *target = h_path(f->dir, "elsewhere");

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    assert_int_equal(symlink(target, key), 0);
    o.out_dir = f->dir;
    assert_cert_error(cert_split_write(f->run.chain, &o), CERT_E_EXISTS, key);
    assert_listing(f->dir, "key.pem");
    assert_false(exists(target));
    free(key);
    free(target);
}

static void test_split__write_force_overwrites(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *chain = h_path(f->dir, "chain.pem"), *key = h_path(f->dir, "key.pem");

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    h_write_file(chain, "old\n", 4, 0600);
    h_write_file(key, "old key\n", 8, 0644);
    o.out_dir = f->dir;
    o.force = true;
    assert_cert_ok(cert_split_write(f->run.chain, &o));
    assert_listing(f->dir, "cert.pem,chain.pem,key.pem");
    assert_file_is_part(f->run.chain, chain, CERT_PART_CHAIN, CERT_KEY_PKCS8);
    assert_file_is_part(f->run.chain, key, CERT_PART_KEY, CERT_KEY_PKCS8);
    /* the modes are the split's, not the old files' */
    assert_int_equal(mode_of(key), 0600);
    assert_int_equal(mode_of(chain), 0644);
    free(chain);
    free(key);
}

static void test_split__write_bad_out_dir(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *missing = h_path(f->dir, "missing"), *file = h_path(f->dir, "file");

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    o.out_dir = missing;
    assert_cert_error(cert_split_write(f->run.chain, &o), CERT_E_IO, missing, "not a directory");
    h_write_file(file, "x", 1, 0644);
    o.out_dir = file;
    assert_cert_error(cert_split_write(f->run.chain, &o), CERT_E_IO, file);
    assert_listing(f->dir, "file");
    assert_cert_error(cert_split_write(NULL, &o), CERT_E_INVALID, "cert_split_write");
    free(missing);
    free(file);
}

static void test_split__write_unwritable_directory(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;
    char *ro = h_path(f->dir, "ro");

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    /* /proc takes no new files, not even from root */
    o.out_dir = "/proc";
    assert_cert_error(cert_split_write(f->run.chain, &o), CERT_E_IO, "/proc/cert.pem");
    if (geteuid() != 0) {
        assert_int_equal(mkdir(ro, 0555), 0);
        o.out_dir = ro;
        assert_cert_error(cert_split_write(f->run.chain, &o), CERT_E_IO, ro);
        assert_listing(ro, "");
        assert_int_equal(chmod(ro, 0755), 0);
    }
    free(ro);
}

static void test_split__abort_without_split_is_harmless(void **state)
{
    fixture *f = *state;
    cert_split_opts o = CERT_SPLIT_OPTS_INIT;

    h_pipeline(&f->run, NULL, "bundle-good.pem", NULL);
    o.out_dir = f->dir;
    assert_cert_ok(cert_split_write(f->run.chain, &o));
    cert_split_abort();
    assert_listing(f->dir, "cert.pem,chain.pem,key.pem");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_split__render_parses_back_as_the_chain, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_split__render_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__render_is_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__render_without_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__render_chain_with_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__render_chain_is_cert_chain_write_pem, setup,
                                        teardown),
        cmocka_unit_test(test_split__parts_and_names),
        cmocka_unit_test(test_split__paths),
        cmocka_unit_test_setup_teardown(test_split__write_modes_and_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__write_modes_ignore_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__write_fullchain_prefix_traditional, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_split__write_into_current_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__write_no_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__write_refuses_existing_file_all_or_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__write_refuses_dangling_symlink, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_split__write_force_overwrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__write_bad_out_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__write_unwritable_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split__abort_without_split_is_harmless, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
