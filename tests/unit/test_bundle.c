/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for bundle loading (libcert/bundle.h): every input form, provenance, limits,
 * encrypted keys and the messages that name the input. */
#include <fcntl.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

/* ---- local helpers ---- */

static cert_err load_one(const char *name, const cert_bundle_opts *opts, cert_bundle **out)
{
    assert_cert_ok(cert_bundle_new(out));
    cert_error_clear();
    return cert_bundle_load_file(*out, fx(name), opts);
}

static cert_err load_bytes(const void *data, size_t len, const char *name,
                           const cert_bundle_opts *opts, cert_bundle **out)
{
    assert_cert_ok(cert_bundle_new(out));
    cert_error_clear();
    return cert_bundle_load_mem(*out, (const uint8_t *)data, len, name, opts);
}

/* Assert that certificate i of the bundle is the given fixture certificate, also by SHA-256. */
static void assert_cert_is(const cert_bundle *b, size_t i, const char *fixture)
{
    X509 *want = fx_x509(fixture);
    char hex[65], got_hex[65];
    const uint8_t *md = cert_bundle_cert_sha256(b, i);

    assert_non_null(cert_bundle_cert_at(b, i));
    assert_same_cert(cert_bundle_cert_at(b, i), want);
    assert_non_null(md);
    for (size_t k = 0; k < 32; k++)
        snprintf(got_hex + 2 * k, 3, "%02x", md[k]);
    assert_string_equal(got_hex, h_sha256_hex(want, hex));
    X509_free(want);
}

static void assert_key_is(const cert_bundle *b, size_t i, const char *fixture)
{
    EVP_PKEY *want = fx_key(fixture);

    assert_non_null(cert_bundle_key_at(b, i));
    assert_int_equal(EVP_PKEY_eq(cert_bundle_key_at(b, i), want), 1);
    EVP_PKEY_free(want);
}

static void assert_source(const cert_source *s, const char *file, cert_item_kind kind, size_t index,
                          size_t block, size_t line, size_t member, cert_format format)
{
    assert_non_null(s);
    assert_string_equal(s->file, file);
    assert_int_equal(s->kind, kind);
    assert_int_equal(s->index, index);
    assert_int_equal(s->block, block);
    assert_int_equal(s->line, line);
    assert_int_equal(s->member, member);
    assert_int_equal(s->format, format);
}

static cert_passin *passin(const char *spec)
{
    cert_passin *p = NULL;

    assert_cert_ok(cert_passin_new(spec, true, &p));
    return p;
}

/* Replace every "\n" by "\r\n". */
static char *to_crlf(const char *s, size_t len, size_t *len_out)
{
    char *out = malloc(2 * len + 1);
    size_t n = 0;

    assert_non_null(out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            out[n++] = '\r';
        out[n++] = s[i];
    }
    out[n] = '\0';
    *len_out = n;
    return out;
}

/* Offset of the start of 1-based line `line` in s. */
static size_t line_offset(const char *s, size_t line)
{
    size_t off = 0;

    for (size_t l = 1; l < line; l++) {
        const char *nl = strchr(s + off, '\n');

        assert_non_null(nl);
        off = (size_t)(nl - s) + 1;
    }
    return off;
}

/* ---- PEM ---- */

static void test_bundle__pem_good_items_and_provenance(void **state)
{
    cert_bundle *b = NULL;
    size_t lines[8];
    char *path = strdup(fx("bundle-good.pem"));

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-good.pem", lines, 8), 4);
    assert_cert_ok(load_one("bundle-good.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_int_equal(cert_bundle_key_count(b), 1);
    assert_int_equal(cert_bundle_skipped_count(b), 0);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    assert_cert_is(b, 1, "int2.pem");
    assert_cert_is(b, 2, "int1.pem");
    assert_key_is(b, 0, "leaf-rsa2048.key");
    for (size_t i = 0; i < 3; i++)
        assert_source(cert_bundle_cert_source(b, i), path, CERT_ITEM_CERT, i + 1, i + 1, lines[i],
                      0, CERT_FMT_PEM);
    assert_source(cert_bundle_key_source(b, 0), path, CERT_ITEM_KEY, 1, 4, lines[3], 0,
                  CERT_FMT_PEM);
    assert_false(cert_bundle_key_source(b, 0)->encrypted);
    assert_int_equal(cert_bundle_input_count(b), 1);
    assert_string_equal(cert_bundle_input_at(b, 0), path);
    cert_bundle_free(b);
    free(path);
}

static void test_bundle__pem_out_of_range_accessors(void **state)
{
    cert_bundle *b = NULL;
    const char *label = "untouched";

    (void)state;
    assert_cert_ok(load_one("bundle-good.pem", NULL, &b));
    assert_null(cert_bundle_cert_at(b, 3));
    assert_null(cert_bundle_cert_sha256(b, 3));
    assert_null(cert_bundle_cert_source(b, 3));
    assert_null(cert_bundle_key_at(b, 1));
    assert_null(cert_bundle_key_source(b, 1));
    assert_null(cert_bundle_skipped_at(b, 0, &label));
    assert_string_equal(label, "untouched");
    assert_null(cert_bundle_input_at(b, 1));
    assert_int_equal(cert_bundle_cert_count(NULL), 0);
    assert_int_equal(cert_bundle_key_count(NULL), 0);
    assert_int_equal(cert_bundle_skipped_count(NULL), 0);
    assert_int_equal(cert_bundle_input_count(NULL), 0);
    cert_bundle_free(b);
    cert_bundle_free(NULL);
}

static void test_bundle__pem_shuffled_keeps_input_order(void **state)
{
    cert_bundle *b = NULL;
    size_t lines[8];

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-shuffled.pem", lines, 8), 5);
    assert_cert_ok(load_one("bundle-shuffled.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 4);
    assert_int_equal(cert_bundle_key_count(b), 1);
    assert_cert_is(b, 0, "int1.pem");
    assert_cert_is(b, 1, "leaf-rsa2048.pem");
    assert_cert_is(b, 2, "root.pem");
    assert_cert_is(b, 3, "int2.pem");
    assert_int_equal(cert_bundle_key_source(b, 0)->line, lines[0]);
    assert_int_equal(cert_bundle_key_source(b, 0)->block, 1);
    assert_int_equal(cert_bundle_cert_source(b, 3)->line, lines[4]);
    assert_int_equal(cert_bundle_cert_source(b, 3)->block, 5);
    assert_int_equal(cert_bundle_cert_source(b, 3)->index, 4);
    cert_bundle_free(b);
}

static void test_bundle__pem_crlf_bom_trailing_blanks(void **state)
{
    cert_bundle *b = NULL, *ref = NULL;
    size_t lines[8];

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-crlf-bom.pem", lines, 8), 5);
    assert_cert_ok(load_one("bundle-crlf-bom.pem", NULL, &b));
    assert_cert_ok(load_one("bundle-shuffled.pem", NULL, &ref));
    assert_int_equal(cert_bundle_cert_count(b), 4);
    assert_int_equal(cert_bundle_key_count(b), 1);
    for (size_t i = 0; i < 4; i++) {
        assert_memory_equal(cert_bundle_cert_sha256(b, i), cert_bundle_cert_sha256(ref, i), 32);
        assert_int_equal(cert_bundle_cert_source(b, i)->line, lines[i + 1]);
    }
    assert_int_equal(cert_bundle_key_source(b, 0)->line, 1);
    assert_int_equal(EVP_PKEY_eq(cert_bundle_key_at(b, 0), cert_bundle_key_at(ref, 0)), 1);
    cert_bundle_free(b);
    cert_bundle_free(ref);
}

static void test_bundle__pem_crlf_made_from_lf(void **state)
{
    size_t len, clen;
    char *lf = fx_read("bundle-good.pem", &len);
    char *crlf = to_crlf(lf, len, &clen);
    cert_bundle *a = NULL, *b = NULL;

    (void)state;
    assert_cert_ok(load_bytes(lf, len, "lf.pem", NULL, &a));
    assert_cert_ok(load_bytes(crlf, clen, "crlf.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_int_equal(cert_bundle_key_count(b), 1);
    for (size_t i = 0; i < 3; i++) {
        assert_memory_equal(cert_bundle_cert_sha256(a, i), cert_bundle_cert_sha256(b, i), 32);
        assert_int_equal(cert_bundle_cert_source(a, i)->line, cert_bundle_cert_source(b, i)->line);
        assert_string_equal(cert_bundle_cert_source(b, i)->file, "crlf.pem");
    }
    assert_int_equal(EVP_PKEY_eq(cert_bundle_key_at(a, 0), cert_bundle_key_at(b, 0)), 1);
    cert_bundle_free(a);
    cert_bundle_free(b);
    free(lf);
    free(crlf);
}

static void test_bundle__pem_bag_attributes(void **state)
{
    cert_bundle *b = NULL;
    size_t lines[8];

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-bag.pem", lines, 8), 4);
    assert_cert_ok(load_one("bundle-bag.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    assert_cert_is(b, 1, "int2.pem");
    assert_cert_is(b, 2, "int1.pem");
    assert_key_is(b, 0, "leaf-rsa2048.key");
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(cert_bundle_cert_source(b, i)->line, lines[i]);
    assert_int_equal(cert_bundle_key_source(b, 0)->line, lines[3]);
    assert_int_equal(cert_bundle_skipped_count(b), 0);
    cert_bundle_free(b);
}

static void test_bundle__pem_text_around_blocks(void **state)
{
    cert_bundle *b = NULL;
    size_t lines[8];

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-text.pem", lines, 8), 4);
    assert_cert_ok(load_one("bundle-text.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    assert_cert_is(b, 2, "int1.pem");
    assert_key_is(b, 0, "leaf-rsa2048.key");
    assert_int_equal(cert_bundle_cert_source(b, 0)->line, lines[0]);
    assert_int_equal(cert_bundle_cert_source(b, 0)->block, 1);
    assert_int_equal(cert_bundle_key_source(b, 0)->line, lines[3]);
    cert_bundle_free(b);
}

static void test_bundle__pem_csr_is_skipped_with_provenance(void **state)
{
    cert_bundle *b = NULL;
    const char *label = NULL;
    const cert_source *s;
    size_t lines[8];

    (void)state;
    assert_int_equal(fx_begin_lines("csr.pem", lines, 8), 5);
    assert_cert_ok(load_one("csr.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_int_equal(cert_bundle_key_count(b), 1);
    assert_int_equal(cert_bundle_skipped_count(b), 1);
    s = cert_bundle_skipped_at(b, 0, &label);
    assert_non_null(s);
    assert_string_equal(label, "CERTIFICATE REQUEST");
    assert_int_equal(s->block, 1);
    assert_int_equal(s->line, lines[0]);
    assert_true(h_contains(s->file, "csr.pem"));
    /* the skipped block is not counted as a certificate */
    assert_int_equal(cert_bundle_cert_source(b, 0)->index, 1);
    assert_int_equal(cert_bundle_cert_source(b, 0)->block, 2);
    assert_int_equal(cert_bundle_cert_source(b, 0)->line, lines[1]);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    cert_bundle_free(b);
}

static void test_bundle__pem_ec_params_and_sec1_key(void **state)
{
    cert_bundle *b = NULL;
    const char *label = NULL;
    size_t lines[8];

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-ec-params.pem", lines, 8), 5);
    assert_cert_ok(load_one("bundle-ec-params.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_int_equal(cert_bundle_key_count(b), 1);
    assert_cert_is(b, 0, "leaf-p256.pem");
    assert_key_is(b, 0, "leaf-p256.key");
    assert_int_equal(cert_bundle_skipped_count(b), 1);
    assert_non_null(cert_bundle_skipped_at(b, 0, &label));
    assert_string_equal(label, "EC PARAMETERS");
    assert_int_equal(cert_bundle_skipped_at(b, 0, NULL)->line, lines[3]);
    assert_int_equal(cert_bundle_key_source(b, 0)->line, lines[4]);
    assert_int_equal(cert_bundle_key_source(b, 0)->block, 5);
    cert_bundle_free(b);
}

static void test_bundle__pem_trusted_and_x509_labels(void **state)
{
    X509 *int2 = fx_x509("int2.pem");
    BIO *bio = BIO_new(BIO_s_mem());
    char *data, *relabeled;
    long n;
    cert_bundle *b = NULL;
    size_t len;

    (void)state;
    assert_int_equal(PEM_write_bio_X509_AUX(bio, int2), 1);
    n = BIO_get_mem_data(bio, &data);
    assert_true(h_contains(data, "BEGIN TRUSTED CERTIFICATE"));
    assert_cert_ok(load_bytes(data, (size_t)n, "aux.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 1);
    assert_same_cert(cert_bundle_cert_at(b, 0), int2);
    cert_bundle_free(b);
    BIO_free(bio);

    /* "X509 CERTIFICATE" is an old label for the same thing. */
    data = fx_read("int2.pem", &len);
    relabeled = NULL;
    assert_true(asprintf(&relabeled, "%.*sX509 %s", 11, data, data + 11) > 0);
    {
        char *end = strstr(relabeled, "-----END CERTIFICATE");
        char *fixed = NULL;

        assert_non_null(end);
        assert_true(asprintf(&fixed, "%.*s-----END X509 %s", (int)(end - relabeled), relabeled,
                             end + 9) > 0);
        assert_cert_ok(load_bytes(fixed, strlen(fixed), "x509.pem", NULL, &b));
        assert_int_equal(cert_bundle_cert_count(b), 1);
        assert_same_cert(cert_bundle_cert_at(b, 0), int2);
        cert_bundle_free(b);
        free(fixed);
    }
    free(relabeled);
    free(data);
    X509_free(int2);
}

/* ---- malformed PEM ---- */

static void test_bundle__pem_bad_base64_names_block_and_line(void **state)
{
    cert_bundle *b = NULL;
    size_t len, bad_line = 0, block_line = 0, lines[8], nblocks;
    char *data = fx_read("bad-base64.pem", &len);
    char where[128], line_text[64];
    const char *p = data;

    (void)state;
    /* Find the damaged line and the block it is in, from the file itself. */
    for (size_t line = 1; *p != '\0'; line++) {
        if (strncmp(p, "!!!!notbase64####", 17) == 0)
            bad_line = line;
        p = strchr(p, '\n');
        if (p == NULL)
            break;
        p++;
    }
    assert_true(bad_line > 0);
    nblocks = fx_begin_lines("bad-base64.pem", lines, 8);
    size_t block = 0;
    for (size_t i = 0; i < nblocks && i < 8; i++) {
        if (lines[i] < bad_line) {
            block = i + 1;
            block_line = lines[i];
        }
    }
    assert_int_equal(block, 2);
    snprintf(where, sizeof(where), "bad-base64.pem: block %zu (line %zu)", block, block_line);
    snprintf(line_text, sizeof(line_text), "line %zu ", bad_line);
    assert_cert_error(load_one("bad-base64.pem", NULL, &b), CERT_E_INPUT, where, line_text,
                      "not base64");
    cert_bundle_free(b);
    free(data);
}

static void test_bundle__pem_bad_line_made_in_test(void **state)
{
    size_t len, lines[8];
    char *data = fx_read("bundle-good.pem", &len);
    cert_bundle *b = NULL;
    char where[128], which[64];
    size_t bad = 0;

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-good.pem", lines, 8), 4);
    /* Damage the third line of block 3 (a base64 line) with a character base64 lacks. */
    bad = lines[2] + 2;
    data[line_offset(data, bad) + 5] = '*';
    snprintf(where, sizeof(where), "mem.pem: block 3 (line %zu)", lines[2]);
    snprintf(which, sizeof(which), "line %zu ", bad);
    assert_cert_error(load_bytes(data, len, "mem.pem", NULL, &b), CERT_E_INPUT, where, which);
    cert_bundle_free(b);
    free(data);
}

static void test_bundle__pem_bad_der_names_block(void **state)
{
    cert_bundle *b = NULL;

    (void)state;
    assert_cert_error(load_one("bad-der.pem", NULL, &b), CERT_E_INPUT,
                      "bad-der.pem: block 1 (line 1)", "not a valid DER certificate");
    assert_int_equal(cert_bundle_cert_count(b), 0);
    cert_bundle_free(b);
}

static void test_bundle__pem_truncated_has_no_end(void **state)
{
    size_t len, lines[8];
    char *data = fx_read("bundle-good.pem", &len);
    cert_bundle *b = NULL;
    char where[128];

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-good.pem", lines, 8), 4);
    /* Cut in the middle of block 2. */
    len = line_offset(data, lines[1] + 5);
    snprintf(where, sizeof(where), "cut.pem: block 2 (line %zu)", lines[1]);
    assert_cert_error(load_bytes(data, len, "cut.pem", NULL, &b), CERT_E_INPUT, where,
                      "no END line");
    cert_bundle_free(b);
    free(data);
}

static void test_bundle__pem_mismatched_end(void **state)
{
    size_t len;
    char *data = fx_read("int2.pem", &len), *bad = NULL, *end;
    cert_bundle *b = NULL;
    size_t end_line = 1;

    (void)state;
    end = strstr(data, "-----END CERTIFICATE-----");
    assert_non_null(end);
    for (const char *q = data; q < end; q++)
        end_line += *q == '\n';
    assert_true(asprintf(&bad, "%.*s-----END PRIVATE KEY-----\n", (int)(end - data), data) > 0);
    {
        char which[64];

        snprintf(which, sizeof(which), "ends at line %zu", end_line);
        assert_cert_error(load_bytes(bad, strlen(bad), "mismatch.pem", NULL, &b), CERT_E_INPUT,
                          "mismatch.pem: block 1 (line 1)", which, "does not match");
    }
    cert_bundle_free(b);
    free(bad);
    free(data);
}

static void test_bundle__pem_empty_block(void **state)
{
    static const char pem[] = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
    cert_bundle *b = NULL;

    (void)state;
    assert_cert_error(load_bytes(pem, sizeof(pem) - 1, "empty-block.pem", NULL, &b), CERT_E_INPUT,
                      "empty-block.pem: block 1 (line 1)", "empty");
    cert_bundle_free(b);
}

static void test_bundle__pem_junk_private_key(void **state)
{
    size_t len;
    char *pem = fx_read("junk-key.pem", &len);
    cert_bundle *b = NULL;

    (void)state;
    assert_cert_error(load_bytes(pem, len, "junk.key", NULL, &b), CERT_E_INPUT,
                      "junk.key: block 1 (line 2)", "not a valid private key");
    assert_int_equal(cert_bundle_key_count(b), 0);
    cert_bundle_free(b);
    free(pem);
}

static void test_bundle__pem_only_other_blocks_is_an_error(void **state)
{
    size_t len;
    char *data = fx_read("csr.pem", &len), *end;
    cert_bundle *b = NULL;

    (void)state;
    end = strstr(data, "-----END CERTIFICATE REQUEST-----\n");
    assert_non_null(end);
    len = (size_t)(end - data) + strlen("-----END CERTIFICATE REQUEST-----\n");
    assert_cert_error(load_bytes(data, len, "only-csr.pem", NULL, &b), CERT_E_INPUT, "only-csr.pem",
                      "no certificate or key found");
    cert_bundle_free(b);
    free(data);
}

/* ---- DER, PKCS#7, PKCS#12 ---- */

static void test_bundle__der_certificate_and_key(void **state)
{
    cert_bundle *b = NULL;
    char *cpath = strdup(fx("leaf-rsa2048.der")), *kpath = strdup(fx("key-rsa2048.der"));
    char d[256];

    (void)state;
    b = h_load(NULL, "leaf-rsa2048.der", "key-rsa2048.der", NULL);
    assert_int_equal(cert_bundle_cert_count(b), 1);
    assert_int_equal(cert_bundle_key_count(b), 1);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    assert_key_is(b, 0, "leaf-rsa2048.key");
    assert_source(cert_bundle_cert_source(b, 0), cpath, CERT_ITEM_CERT, 1, 0, 0, 0, CERT_FMT_DER);
    assert_source(cert_bundle_key_source(b, 0), kpath, CERT_ITEM_KEY, 1, 0, 0, 0, CERT_FMT_DER);
    assert_false(cert_bundle_key_source(b, 0)->encrypted);
    assert_int_equal(cert_bundle_input_count(b), 2);
    assert_string_equal(cert_bundle_input_at(b, 1), kpath);
    cert_source_describe(cert_bundle_cert_source(b, 0), d, sizeof(d));
    {
        char want[300];

        snprintf(want, sizeof(want), "certificate 1 of %s (DER)", cpath);
        assert_string_equal(d, want);
    }
    cert_bundle_free(b);
    free(cpath);
    free(kpath);
}

static void test_bundle__der_trailing_newline_accepted_junk_refused(void **state)
{
    size_t len;
    char *der = fx_read("leaf-rsa2048.der", &len);
    char *buf = malloc(len + 8);
    cert_bundle *b = NULL;

    (void)state;
    assert_non_null(buf);
    memcpy(buf, der, len);
    memcpy(buf + len, "\r\n", 2);
    assert_cert_ok(load_bytes(buf, len + 2, "nl.der", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 1);
    cert_bundle_free(b);
    memcpy(buf + len, "junk", 4);
    assert_cert_error(load_bytes(buf, len + 4, "junk.der", NULL, &b), CERT_E_INPUT, "junk.der");
    assert_int_equal(cert_bundle_cert_count(b), 0);
    cert_bundle_free(b);
    free(buf);
    free(der);
}

static void test_bundle__der_key_trailing_bytes(void **state)
{
    size_t len;
    char *der = fx_read("key-rsa2048.der", &len);
    char *buf = malloc(len + 8);
    cert_bundle *b = NULL;

    (void)state;
    assert_non_null(buf);
    memcpy(buf, der, len);
    memcpy(buf + len, "\n", 1);
    assert_cert_ok(load_bytes(buf, len + 1, "nl.key", NULL, &b));
    assert_int_equal(cert_bundle_key_count(b), 1);
    assert_key_is(b, 0, "leaf-rsa2048.key");
    cert_bundle_free(b);
    /* a key followed by junk is not a key file (as for certificates) */
    memcpy(buf + len, "junk", 4);
    assert_cert_error(load_bytes(buf, len + 4, "junk.key", NULL, &b), CERT_E_INPUT, "junk.key");
    assert_int_equal(cert_bundle_key_count(b), 0);
    cert_bundle_free(b);
    free(buf);
    free(der);
}

static void test_bundle__pem_key_with_trailing_der_bytes(void **state)
{
    size_t len;
    char *der = fx_read("key-rsa2048.der", &len);
    unsigned char *raw = malloc(len + 3);
    BIO *b64 = BIO_new(BIO_s_mem());
    cert_bundle *b = NULL;
    char *data;
    long n;

    (void)state;
    assert_non_null(raw);
    memcpy(raw, der, len);
    memcpy(raw + len, "\x01\x02\x03", 3);
    assert_true(PEM_write_bio(b64, "PRIVATE KEY", "", raw, (long)len + 3) > 0);
    n = BIO_get_mem_data(b64, &data);
    assert_cert_error(load_bytes(data, (size_t)n, "extra.key", NULL, &b), CERT_E_INPUT,
                      "extra.key: block 1 (line 1)", "not a valid private key");
    assert_int_equal(cert_bundle_key_count(b), 0);
    cert_bundle_free(b);
    BIO_free(b64);
    free(raw);
    free(der);
}

static void test_bundle__der_truncated(void **state)
{
    cert_bundle *b = NULL;
    size_t len;
    char *der = fx_read("leaf-rsa2048.der", &len);

    (void)state;
    assert_cert_error(load_one("truncated.der", NULL, &b), CERT_E_INPUT, "truncated.der",
                      "truncated or damaged");
    assert_int_equal(cert_bundle_cert_count(b), 0);
    cert_bundle_free(b);
    /* one byte short */
    assert_cert_error(load_bytes(der, len - 1, "short.der", NULL, &b), CERT_E_INPUT, "short.der");
    assert_int_equal(cert_bundle_cert_count(b), 0);
    cert_bundle_free(b);
    free(der);
}

static void test_bundle__garbage_empty_and_text_refused(void **state)
{
    cert_bundle *b = NULL;

    (void)state;
    assert_cert_error(load_one("garbage.bin", NULL, &b), CERT_E_INPUT, "garbage.bin");
    cert_bundle_free(b);
    assert_cert_error(load_one("empty.pem", NULL, &b), CERT_E_INPUT, "empty.pem", "empty");
    cert_bundle_free(b);
    assert_cert_error(load_one("text-only.txt", NULL, &b), CERT_E_INPUT, "text-only.txt",
                      "no certificate or key found");
    cert_bundle_free(b);
    assert_cert_error(load_bytes(NULL, 0, "nothing", NULL, &b), CERT_E_INPUT, "nothing");
    cert_bundle_free(b);
}

static void test_bundle__missing_file_is_io(void **state)
{
    cert_bundle *b = NULL;

    (void)state;
    assert_cert_error(load_one("no-such-file.pem", NULL, &b), CERT_E_IO, "no-such-file.pem");
    cert_bundle_free(b);
}

static void test_bundle__invalid_arguments(void **state)
{
    cert_bundle *b = NULL;

    (void)state;
    assert_cert_error(cert_bundle_new(NULL), CERT_E_INVALID, "cert_bundle_new");
    assert_cert_ok(cert_bundle_new(&b));
    assert_cert_error(cert_bundle_load_file(b, NULL, NULL), CERT_E_INVALID, "load_file");
    assert_cert_error(cert_bundle_load_file(NULL, "x", NULL), CERT_E_INVALID, "load_file");
    assert_cert_error(cert_bundle_load_mem(b, NULL, 5, "x", NULL), CERT_E_INVALID, "load_mem");
    assert_cert_error(cert_bundle_load_mem(b, (const uint8_t *)"x", 1, NULL, NULL), CERT_E_INVALID,
                      "load_mem");
    cert_bundle_free(b);
}

static void test_bundle__pkcs7_der_members(void **state)
{
    cert_bundle *b = NULL;
    char *path = strdup(fx("chain.p7b"));
    char d[256], want[300];

    (void)state;
    assert_cert_ok(load_one("chain.p7b", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_int_equal(cert_bundle_key_count(b), 0);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    assert_cert_is(b, 1, "int2.pem");
    assert_cert_is(b, 2, "int1.pem");
    for (size_t i = 0; i < 3; i++)
        assert_source(cert_bundle_cert_source(b, i), path, CERT_ITEM_CERT, i + 1, 0, 0, i + 1,
                      CERT_FMT_PKCS7);
    snprintf(want, sizeof(want), "certificate 2 of %s (PKCS#7)", path);
    assert_string_equal(cert_source_describe(cert_bundle_cert_source(b, 1), d, sizeof(d)), want);
    cert_bundle_free(b);
    free(path);
}

static void test_bundle__pkcs7_pem_members(void **state)
{
    cert_bundle *b = NULL;
    char *path = strdup(fx("chain-p7.pem"));
    char d[256], want[300];
    size_t lines[4];

    (void)state;
    assert_int_equal(fx_begin_lines("chain-p7.pem", lines, 4), 1);
    assert_cert_ok(load_one("chain-p7.pem", NULL, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    assert_cert_is(b, 2, "int1.pem");
    for (size_t i = 0; i < 3; i++)
        assert_source(cert_bundle_cert_source(b, i), path, CERT_ITEM_CERT, i + 1, 1, lines[0],
                      i + 1, CERT_FMT_PKCS7);
    snprintf(want, sizeof(want), "certificate 3 of %s (PKCS#7, line %zu)", path, lines[0]);
    assert_string_equal(cert_source_describe(cert_bundle_cert_source(b, 2), d, sizeof(d)), want);
    cert_bundle_free(b);
    free(path);
}

static void check_p12(const char *name, const char *spec)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;
    char *path = strdup(fx(name));
    char d[256], want[300];

    o.passin = spec ? passin(spec) : NULL;
    assert_cert_ok(load_one(name, &o, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_int_equal(cert_bundle_key_count(b), 1);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    assert_cert_is(b, 1, "int2.pem");
    assert_cert_is(b, 2, "int1.pem");
    assert_key_is(b, 0, "leaf-rsa2048.key");
    /* openssl pkcs12 -export writes the three certificate bags, then the shrouded key bag */
    for (size_t i = 0; i < 3; i++)
        assert_source(cert_bundle_cert_source(b, i), path, CERT_ITEM_CERT, i + 1, 0, 0, i + 1,
                      CERT_FMT_PKCS12);
    assert_source(cert_bundle_key_source(b, 0), path, CERT_ITEM_KEY, 1, 0, 0, 4, CERT_FMT_PKCS12);
    assert_true(cert_bundle_key_source(b, 0)->encrypted);
    snprintf(want, sizeof(want), "key 1 of %s (PKCS#12)", path);
    assert_string_equal(cert_source_describe(cert_bundle_key_source(b, 0), d, sizeof(d)), want);
    cert_bundle_free(b);
    cert_passin_free(o.passin);
    free(path);
}

static void test_bundle__pkcs12_modern(void **state)
{
    (void)state;
    check_p12("bundle-modern.p12", "pass:" FX_PASS);
}

static void test_bundle__pkcs12_3des(void **state)
{
    (void)state;
    check_p12("bundle-3des.p12", "pass:" FX_PASS);
}

static void test_bundle__pkcs12_legacy_rc2_needs_legacy_provider(void **state)
{
    (void)state;
    check_p12("bundle-legacy.p12", "pass:" FX_PASS);
}

static void test_bundle__pkcs12_empty_password(void **state)
{
    (void)state;
    /* no passphrase source at all: the empty password is tried first */
    check_p12("bundle-emptypass.p12", NULL);
    /* a passphrase that is not the file's must not get in the way either */
    check_p12("bundle-emptypass.p12", "pass:" FX_PASS);
}

static void test_bundle__pkcs12_wrong_or_missing_passphrase(void **state)
{
    static const char *const files[] = {"bundle-modern.p12", "bundle-3des.p12",
                                        "bundle-legacy.p12"};
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        o.passin = passin("pass:wrong-pass");
        assert_cert_error(load_one(files[i], &o, &b), CERT_E_INPUT, files[i], "passphrase");
        assert_int_equal(cert_bundle_cert_count(b), 0);
        assert_int_equal(cert_bundle_key_count(b), 0);
        cert_bundle_free(b);
        cert_passin_free(o.passin);
        o.passin = NULL;
        assert_cert_error(load_one(files[i], &o, &b), CERT_E_INPUT, files[i], "--passin");
        cert_bundle_free(b);
    }
}

/* Load a file whose KDF iteration count is absurd: it must be refused with a message naming the
 * file, in well under a second. Runs in a child process killed after 10 s, so that a regression
 * (grinding through 2e9 iterations) fails this test instead of hanging the suite. */
typedef struct huge_case {
    const char *name;
    char path[1024];
} huge_case;

static const char *refuse_huge(void *arg)
{
    static char msg[1200];
    const huge_case *hc = arg;
    const char *name = hc->name;
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;
    cert_err err;
    double t0, dt;

    if (cert_passin_new("pass:" FX_PASS, true, &o.passin) != CERT_OK ||
        cert_bundle_new(&b) != CERT_OK)
        return "setup failed";
    t0 = h_now_seconds();
    err = cert_bundle_load_file(b, hc->path, &o);
    dt = h_now_seconds() - t0;
    if (err != CERT_E_INPUT)
        snprintf(msg, sizeof(msg), "%s: got %d, expected CERT_E_INPUT", name, (int)err);
    else if (!h_contains(cert_error_last()->message, name) ||
             !h_contains(cert_error_last()->message, "iteration"))
        snprintf(msg, sizeof(msg), "%s: message does not name the file and the iterations: %s",
                 name, cert_error_last()->message);
    else if (dt >= 0.5)
        snprintf(msg, sizeof(msg), "%s: refused only after %.2f s", name, dt);
    else
        msg[0] = '\0';
    cert_bundle_free(b);
    cert_passin_free(o.passin);
    return msg[0] ? msg : NULL;
}

static void huge(const char *name)
{
    huge_case hc;

    hc.name = name;
    snprintf(hc.path, sizeof(hc.path), "%s", fx(name));
    assert_in_child_within(10, refuse_huge, &hc);
}

static void test_bundle__pkcs12_huge_mac_iterations_refused_quickly(void **state)
{
    (void)state;
    huge("bundle-hugeiter.p12");
}

/* ---- encrypted keys ---- */

typedef struct key_form {
    const char *file;
    const char *plain; /* the unencrypted fixture it must equal */
    cert_format format;
} key_form;

static const key_form key_forms[] = {
    {"key-pkcs8-aes.pem", "leaf-rsa2048.key", CERT_FMT_PEM},
    {"key-pkcs8-aes.der", "leaf-rsa2048.key", CERT_FMT_DER},
    {"key-pkcs8-des3.pem", "leaf-rsa2048.key", CERT_FMT_PEM},
    {"key-pkcs8-legacy.pem", "leaf-rsa2048.key", CERT_FMT_PEM},
    {"key-pkcs8-scrypt.pem", "leaf-rsa2048.key", CERT_FMT_PEM},
    {"key-rsa-trad-aes.pem", "leaf-rsa2048.key", CERT_FMT_PEM},
    {"key-rsa-trad-des3.pem", "leaf-rsa2048.key", CERT_FMT_PEM},
    {"key-rsa-trad-des.pem", "leaf-rsa2048.key", CERT_FMT_PEM},
    {"key-ec-trad-aes.pem", "leaf-p256.key", CERT_FMT_PEM},
};

#define NKEY_FORMS (sizeof(key_forms) / sizeof(key_forms[0]))

static void test_bundle__encrypted_keys_right_passphrase(void **state)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;

    (void)state;
    for (size_t i = 0; i < NKEY_FORMS; i++) {
        cert_bundle *b = NULL;
        cert_err err;

        o.passin = passin("pass:" FX_PASS);
        err = load_one(key_forms[i].file, &o, &b);
        if (err != CERT_OK)
            print_error("%s: %s\n", key_forms[i].file, cert_error_last()->message);
        assert_cert_ok(err);
        assert_int_equal(cert_bundle_key_count(b), 1);
        assert_int_equal(cert_bundle_cert_count(b), 0);
        assert_key_is(b, 0, key_forms[i].plain);
        assert_true(cert_bundle_key_source(b, 0)->encrypted);
        assert_int_equal(cert_bundle_key_source(b, 0)->format, key_forms[i].format);
        assert_int_equal(cert_bundle_key_source(b, 0)->index, 1);
        cert_bundle_free(b);
        cert_passin_free(o.passin);
    }
}

static void test_bundle__encrypted_keys_wrong_passphrase(void **state)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;

    (void)state;
    for (size_t i = 0; i < NKEY_FORMS; i++) {
        cert_bundle *b = NULL;

        o.passin = passin("pass:wrong-pass");
        assert_cert_error(load_one(key_forms[i].file, &o, &b), CERT_E_INPUT, key_forms[i].file);
        assert_int_equal(cert_bundle_key_count(b), 0);
        cert_bundle_free(b);
        cert_passin_free(o.passin);
    }
}

static void test_bundle__encrypted_keys_without_passin(void **state)
{
    (void)state;
    for (size_t i = 0; i < NKEY_FORMS; i++) {
        cert_bundle *b = NULL;

        assert_cert_error(load_one(key_forms[i].file, NULL, &b), CERT_E_INPUT, key_forms[i].file,
                          "--passin");
        assert_int_equal(cert_bundle_key_count(b), 0);
        cert_bundle_free(b);
    }
}

static void test_bundle__pkcs8_huge_iterations_refused_quickly(void **state)
{
    (void)state;
    huge("key-pkcs8-hugeiter.der");
    huge("key-pkcs8-hugeiter.pem");
}

static void test_bundle__max_kdf_iterations_applies(void **state)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;

    (void)state;
    o.passin = passin("pass:" FX_PASS);
    /* the fixtures use 2048 iterations: at the limit is fine, one below refuses */
    o.max_kdf_iterations = 2048;
    assert_cert_ok(load_one("key-pkcs8-aes.pem", &o, &b));
    cert_bundle_free(b);
    assert_cert_ok(load_one("bundle-modern.p12", &o, &b));
    cert_bundle_free(b);
    o.max_kdf_iterations = 2047;
    assert_cert_error(load_one("key-pkcs8-aes.pem", &o, &b), CERT_E_INPUT, "key-pkcs8-aes.pem",
                      "iteration");
    cert_bundle_free(b);
    assert_cert_error(load_one("bundle-modern.p12", &o, &b), CERT_E_INPUT, "bundle-modern.p12",
                      "iteration");
    cert_bundle_free(b);
    cert_passin_free(o.passin);
}

/* Issue #11: a budget of key-derivation work per bundle (max_kdf_work), over every file and
 * item, charged before each derivation runs. The fixtures' keys use 2,048 PBKDF2 iterations;
 * bundle-modern.p12 costs 5 x 2,048 (three tries of its MAC, its certificate part, its key). */
static void test_bundle__max_kdf_work_per_bundle(void **state)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL, *b2 = NULL;

    (void)state;
    o.passin = passin("pass:" FX_PASS);
    /* two keys fit 4,096 exactly; a third in the same bundle (another file) is refused */
    o.max_kdf_work = 4096;
    assert_cert_ok(load_one("key-pkcs8-aes.pem", &o, &b));
    assert_cert_ok(cert_bundle_load_file(b, fx("key-pkcs8-aes.der"), &o));
    assert_cert_error(cert_bundle_load_file(b, fx("key-pkcs8-aes.pem"), &o), CERT_E_INPUT,
                      "key-pkcs8-aes.pem", "4096", "--max-kdf-work");
    assert_int_equal(cert_bundle_key_count(b), 2);
    /* another bundle has a budget of its own */
    assert_cert_ok(load_one("key-pkcs8-aes.pem", &o, &b2));
    cert_bundle_free(b2);
    cert_bundle_free(b);
    /* PKCS#12: each try of the MAC counts */
    o.max_kdf_work = 5 * 2048;
    assert_cert_ok(load_one("bundle-modern.p12", &o, &b));
    cert_bundle_free(b);
    o.max_kdf_work = 5 * 2048 - 1;
    assert_cert_error(load_one("bundle-modern.p12", &o, &b), CERT_E_INPUT, "bundle-modern.p12",
                      "--max-kdf-work");
    cert_bundle_free(b);
    /* scrypt costs N*r*p: OpenSSL's 16384 * 8 * 1 */
    o.max_kdf_work = 16384 * 8 - 1;
    assert_cert_error(load_one("key-pkcs8-scrypt.pem", &o, &b), CERT_E_INPUT,
                      "key-pkcs8-scrypt.pem", "131072", "--max-kdf-work");
    cert_bundle_free(b);
    o.max_kdf_work = 16384 * 8;
    assert_cert_ok(load_one("key-pkcs8-scrypt.pem", &o, &b));
    cert_bundle_free(b);
    /* 0: no key derivation at all */
    o.max_kdf_work = 0;
    assert_cert_error(load_one("key-rsa-trad-aes.pem", &o, &b), CERT_E_INPUT,
                      "key-rsa-trad-aes.pem", "--max-kdf-work");
    cert_bundle_free(b);
    /* a caller built against options version 1 gets the default budget */
    o.version = 1;
    assert_cert_ok(load_one("key-pkcs8-aes.pem", &o, &b));
    cert_bundle_free(b);
    cert_passin_free(o.passin);
}

/* ---- limits ---- */

static void test_bundle__max_file_size(void **state)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;
    size_t len;
    char *data = fx_read("bundle-good.pem", &len);
    struct stat st;

    (void)state;
    assert_int_equal(stat(fx("bundle-good.pem"), &st), 0);
    o.max_file_size = 100;
    assert_cert_error(load_one("bundle-good.pem", &o, &b), CERT_E_INPUT, "bundle-good.pem",
                      "limit of 100 bytes");
    assert_int_equal(cert_bundle_cert_count(b), 0);
    cert_bundle_free(b);
    assert_cert_error(load_bytes(data, len, "big.pem", &o, &b), CERT_E_INPUT, "big.pem",
                      "limit of 100 bytes");
    cert_bundle_free(b);
    /* exactly at the limit is fine */
    o.max_file_size = (size_t)st.st_size;
    assert_cert_ok(load_one("bundle-good.pem", &o, &b));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    cert_bundle_free(b);
    o.max_file_size = (size_t)st.st_size - 1;
    assert_cert_error(load_one("bundle-good.pem", &o, &b), CERT_E_INPUT, "bundle-good.pem");
    cert_bundle_free(b);
    free(data);
}

static const char *load_unlimited(void *arg)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;
    const char *path = arg, *msg = NULL;

    o.max_file_size = SIZE_MAX;
    if (cert_bundle_new(&b) != CERT_OK)
        return "cert_bundle_new failed";
    if (cert_bundle_load_file(b, path, &o) != CERT_OK)
        msg = cert_error_last()->message;
    else if (cert_bundle_cert_count(b) != 3 || cert_bundle_key_count(b) != 1)
        msg = "expected 3 certificates and 1 key";
    cert_bundle_free(b);
    return msg;
}

static void test_bundle__max_file_size_unlimited(void **state)
{
    char *path = strdup(fx("bundle-good.pem"));

    (void)state;
    /* "no limit" spelt as the largest size must not wrap the buffer's cap (in a child process:
     * a wrapped cap corrupts the heap) */
    h_defer(H_MEM, path);
    assert_in_child(load_unlimited, path);
    h_undefer(path);
    free(path);
}

static void test_bundle__max_items_pem_blocks(void **state)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;
    size_t lines[8];
    char where[128];

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-good.pem", lines, 8), 4);
    o.max_items = 2;
    snprintf(where, sizeof(where), "bundle-good.pem: block 3 (line %zu)", lines[2]);
    assert_cert_error(load_one("bundle-good.pem", &o, &b), CERT_E_INPUT, where, "more than 2");
    cert_bundle_free(b);
    o.max_items = 4;
    assert_cert_ok(load_one("bundle-good.pem", &o, &b));
    cert_bundle_free(b);
    /* the limit is per bundle, across files */
    assert_cert_ok(cert_bundle_new(&b));
    assert_cert_ok(cert_bundle_load_file(b, fx("bundle-good.pem"), &o));
    assert_cert_error(cert_bundle_load_file(b, fx("int1.pem"), &o), CERT_E_INPUT, "int1.pem",
                      "more than 4");
    cert_bundle_free(b);
}

static void test_bundle__max_items_container_members(void **state)
{
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *b = NULL;

    (void)state;
    o.max_items = 2;
    assert_cert_error(load_one("chain.p7b", &o, &b), CERT_E_INPUT, "chain.p7b", "more than 2");
    cert_bundle_free(b);
    o.passin = passin("pass:" FX_PASS);
    o.max_items = 3;
    assert_cert_error(load_one("bundle-modern.p12", &o, &b), CERT_E_INPUT, "bundle-modern.p12",
                      "more than 3");
    cert_bundle_free(b);
    cert_passin_free(o.passin);
}

/* ---- directories, several files, stdin ---- */

static void test_bundle__directory_sorted_readme_skipped(void **state)
{
    const char *dir = fx("letsencrypt/live/www.example.com");
    char *dcopy = strdup(dir), *want = NULL;
    cert_bundle *b = NULL;

    (void)state;
    assert_cert_ok(cert_bundle_new(&b));
    assert_cert_ok(cert_bundle_load_file(b, dcopy, NULL));
    /* README, cert.pem, chain.pem, fullchain.pem, privkey.pem (sorted; README has no PEM) */
    assert_int_equal(cert_bundle_cert_count(b), 6);
    assert_int_equal(cert_bundle_key_count(b), 1);
    assert_cert_is(b, 0, "leaf-rsa2048.pem");
    assert_cert_is(b, 1, "int2.pem");
    assert_cert_is(b, 2, "int1.pem");
    assert_cert_is(b, 3, "leaf-rsa2048.pem");
    assert_key_is(b, 0, "leaf-rsa2048.key");
    want = h_path(dcopy, "cert.pem");
    assert_string_equal(cert_bundle_cert_source(b, 0)->file, want);
    free(want);
    want = h_path(dcopy, "chain.pem");
    assert_string_equal(cert_bundle_cert_source(b, 2)->file, want);
    assert_int_equal(cert_bundle_cert_source(b, 2)->index, 2);
    free(want);
    want = h_path(dcopy, "privkey.pem");
    assert_string_equal(cert_bundle_key_source(b, 0)->file, want);
    free(want);
    assert_int_equal(cert_bundle_input_count(b), 1);
    assert_string_equal(cert_bundle_input_at(b, 0), dcopy);
    cert_bundle_free(b);
    free(dcopy);
}

static void test_bundle__directory_without_certificates(void **state)
{
    char *dir = h_tmpdir(), *p;
    cert_bundle *b = NULL;
    size_t len;
    char *good = fx_read("bundle-good.pem", &len);

    (void)state;
    p = h_path(dir, "README");
    h_write_file(p, "nothing here\n", 13, 0644);
    free(p);
    p = h_path(dir, "empty.pem");
    h_write_file(p, "", 0, 0644);
    free(p);
    assert_cert_ok(cert_bundle_new(&b));
    assert_cert_error(cert_bundle_load_file(b, dir, NULL), CERT_E_INPUT, dir,
                      "no certificate or key found in this directory");
    cert_bundle_free(b);
    /* with a bundle beside them, the README and the empty file are skipped */
    p = h_path(dir, "bundle.pem");
    h_write_file(p, good, len, 0644);
    free(p);
    assert_cert_ok(cert_bundle_new(&b));
    assert_cert_ok(cert_bundle_load_file(b, dir, NULL));
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_int_equal(cert_bundle_key_count(b), 1);
    cert_bundle_free(b);
    h_rmtree(dir);
    free(dir);
    free(good);
}

static void test_bundle__several_files_index_per_file(void **state)
{
    cert_bundle *b = h_load(NULL, "leaf-rsa2048.pem", "chain.pem", "leaf-rsa2048.key", NULL);

    (void)state;
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_int_equal(cert_bundle_input_count(b), 3);
    assert_int_equal(cert_bundle_cert_source(b, 0)->index, 1);
    assert_true(h_contains(cert_bundle_cert_source(b, 0)->file, "leaf-rsa2048.pem"));
    assert_int_equal(cert_bundle_cert_source(b, 1)->index, 1);
    assert_int_equal(cert_bundle_cert_source(b, 1)->block, 1);
    assert_int_equal(cert_bundle_cert_source(b, 2)->index, 2);
    assert_true(h_contains(cert_bundle_cert_source(b, 2)->file, "chain.pem"));
    assert_true(h_contains(cert_bundle_key_source(b, 0)->file, "leaf-rsa2048.key"));
    cert_bundle_free(b);
}

static void test_bundle__stdin(void **state)
{
    int saved = dup(STDIN_FILENO), fd = open(fx("bundle-good.pem"), O_RDONLY);
    cert_bundle *b = NULL;
    cert_err err;

    (void)state;
    assert_true(saved >= 0 && fd >= 0);
    assert_true(dup2(fd, STDIN_FILENO) >= 0);
    close(fd);
    assert_cert_ok(cert_bundle_new(&b));
    err = cert_bundle_load_file(b, "-", NULL);
    assert_true(dup2(saved, STDIN_FILENO) >= 0);
    close(saved);
    assert_cert_ok(err);
    assert_int_equal(cert_bundle_cert_count(b), 3);
    assert_string_equal(cert_bundle_cert_source(b, 0)->file, "<stdin>");
    assert_string_equal(cert_bundle_input_at(b, 0), "<stdin>");
    cert_bundle_free(b);
}

/* ---- misc ---- */

static void test_bundle__needs_main_thread(void **state)
{
    static const struct {
        const char *file;
        bool need;
    } cases[] = {
        {"bundle-good.pem", false},     {"chain-p7.pem", false},     {"key-pkcs8-aes.pem", true},
        {"key-rsa-trad-aes.pem", true}, {"bundle-modern.p12", true}, {"leaf-rsa2048.der", true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len;
        char *data = fx_read(cases[i].file, &len);

        if (cert_bundle_needs_main_thread((const uint8_t *)data, len) != cases[i].need)
            fail_msg("cert_bundle_needs_main_thread(%s) should be %d", cases[i].file,
                     cases[i].need);
        free(data);
    }
}

static void test_bundle__cache_shares_ca_certificates(void **state)
{
    cert_cache *cache = NULL;
    cert_bundle_opts o = CERT_BUNDLE_OPTS_INIT;
    cert_bundle *a = NULL, *b = NULL;

    (void)state;
    assert_cert_ok(cert_cache_new(&cache));
    o.cache = cache;
    assert_cert_ok(load_one("bundle-good.pem", &o, &a));
    assert_cert_ok(load_one("bundle-nokey.pem", &o, &b));
    /* the intermediates are parsed once and shared; the leaf is not cached */
    assert_ptr_equal(cert_bundle_cert_at(a, 1), cert_bundle_cert_at(b, 1));
    assert_ptr_equal(cert_bundle_cert_at(a, 2), cert_bundle_cert_at(b, 2));
    assert_ptr_not_equal(cert_bundle_cert_at(a, 0), cert_bundle_cert_at(b, 0));
    assert_memory_equal(cert_bundle_cert_sha256(a, 1), cert_bundle_cert_sha256(b, 1), 32);
    assert_cert_is(b, 1, "int2.pem");
    /* free in any order */
    cert_cache_free(cache);
    cert_bundle_free(a);
    assert_cert_is(b, 2, "int1.pem");
    cert_bundle_free(b);
    cert_cache_free(NULL);
    assert_cert_error(cert_cache_new(NULL), CERT_E_INVALID, "cert_cache_new");
}

static void test_bundle__source_describe_truncates(void **state)
{
    cert_bundle *b = NULL;
    char full[256], small[10], none[4] = "abc";
    size_t lines[8];
    char want[300];

    (void)state;
    assert_int_equal(fx_begin_lines("bundle-good.pem", lines, 8), 4);
    assert_cert_ok(cert_bundle_new(&b));
    assert_cert_ok(cert_bundle_load_file(b, fx("bundle-good.pem"), NULL));
    cert_source_describe(cert_bundle_cert_source(b, 2), full, sizeof(full));
    snprintf(want, sizeof(want), "certificate 3 of %s (line %zu)", fx("bundle-good.pem"), lines[2]);
    assert_string_equal(full, want);
    cert_source_describe(cert_bundle_key_source(b, 0), full, sizeof(full));
    snprintf(want, sizeof(want), "key 1 of %s (line %zu)", fx("bundle-good.pem"), lines[3]);
    assert_string_equal(full, want);
    assert_ptr_equal(cert_source_describe(cert_bundle_cert_source(b, 2), small, sizeof(small)),
                     small);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_memory_equal(small, "certifica", 9);
    cert_source_describe(cert_bundle_cert_source(b, 2), none, 0);
    assert_string_equal(none, "abc");
    cert_bundle_free(b);
}

/* ---- comparing PEM texts ---- */

/* a then b, as one string; free() it. */
static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *out = malloc(la + lb + 1);

    assert_non_null(out);
    memcpy(out, a, la);
    memcpy(out + la, b, lb + 1);
    return out;
}

static void test_bundle__same_certs_by_der_not_text(void **state)
{
    size_t len, clen, flen;
    char *good = fx_read("bundle-good.pem", &len); /* leaf, int2, int1, then the key */
    char *crlf = to_crlf(good, len, &clen);
    char *full = fx_read("fullchain.pem", &flen); /* leaf, int2, int1 */
    char *head = concat("subject=O = libcert tests, CN = www.example.com\n", full);
    char *around = concat(head, "trailing words\n");

    (void)state;
    assert_true(cert_bundle_same_certs(good, good));
    assert_true(cert_bundle_same_certs(good, crlf));
    assert_true(cert_bundle_same_certs(crlf, full)); /* the key block does not count */
    assert_true(cert_bundle_same_certs(around, good));
    assert_true(cert_bundle_same_certs("", ""));
    assert_true(cert_bundle_same_certs(NULL, ""));
    assert_true(cert_bundle_same_certs(NULL, NULL));
    free(good);
    free(crlf);
    free(full);
    free(head);
    free(around);
}

static void test_bundle__same_certs_order_and_count(void **state)
{
    size_t len;
    char *int1 = fx_read("int1.pem", &len), *int2 = fx_read("int2.pem", &len);
    char *chain = fx_read("chain.pem", &len); /* int2, int1 */
    char *up = concat(int2, int1), *down = concat(int1, int2), *twice = concat(int2, int2);

    (void)state;
    assert_true(cert_bundle_same_certs(up, chain));
    assert_false(cert_bundle_same_certs(up, down));
    assert_false(cert_bundle_same_certs(chain, int2));
    assert_false(cert_bundle_same_certs(int2, chain));
    assert_false(cert_bundle_same_certs(twice, int2));
    assert_false(cert_bundle_same_certs(int1, int2));
    assert_false(cert_bundle_same_certs(chain, ""));
    assert_false(cert_bundle_same_certs(NULL, int2));
    free(int1);
    free(int2);
    free(chain);
    free(up);
    free(down);
    free(twice);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundle__pem_good_items_and_provenance),
        cmocka_unit_test(test_bundle__pem_out_of_range_accessors),
        cmocka_unit_test(test_bundle__pem_shuffled_keeps_input_order),
        cmocka_unit_test(test_bundle__pem_crlf_bom_trailing_blanks),
        cmocka_unit_test(test_bundle__pem_crlf_made_from_lf),
        cmocka_unit_test(test_bundle__pem_bag_attributes),
        cmocka_unit_test(test_bundle__pem_text_around_blocks),
        cmocka_unit_test(test_bundle__pem_csr_is_skipped_with_provenance),
        cmocka_unit_test(test_bundle__pem_ec_params_and_sec1_key),
        cmocka_unit_test(test_bundle__pem_trusted_and_x509_labels),
        cmocka_unit_test(test_bundle__pem_bad_base64_names_block_and_line),
        cmocka_unit_test(test_bundle__pem_bad_line_made_in_test),
        cmocka_unit_test(test_bundle__pem_bad_der_names_block),
        cmocka_unit_test(test_bundle__pem_truncated_has_no_end),
        cmocka_unit_test(test_bundle__pem_mismatched_end),
        cmocka_unit_test(test_bundle__pem_empty_block),
        cmocka_unit_test(test_bundle__pem_junk_private_key),
        cmocka_unit_test(test_bundle__pem_only_other_blocks_is_an_error),
        cmocka_unit_test(test_bundle__der_certificate_and_key),
        cmocka_unit_test(test_bundle__der_trailing_newline_accepted_junk_refused),
        cmocka_unit_test(test_bundle__der_key_trailing_bytes),
        cmocka_unit_test(test_bundle__pem_key_with_trailing_der_bytes),
        cmocka_unit_test(test_bundle__der_truncated),
        cmocka_unit_test(test_bundle__garbage_empty_and_text_refused),
        cmocka_unit_test(test_bundle__missing_file_is_io),
        cmocka_unit_test(test_bundle__invalid_arguments),
        cmocka_unit_test(test_bundle__pkcs7_der_members),
        cmocka_unit_test(test_bundle__pkcs7_pem_members),
        cmocka_unit_test(test_bundle__pkcs12_modern),
        cmocka_unit_test(test_bundle__pkcs12_3des),
        cmocka_unit_test(test_bundle__pkcs12_legacy_rc2_needs_legacy_provider),
        cmocka_unit_test(test_bundle__pkcs12_empty_password),
        cmocka_unit_test(test_bundle__pkcs12_wrong_or_missing_passphrase),
        cmocka_unit_test(test_bundle__pkcs12_huge_mac_iterations_refused_quickly),
        cmocka_unit_test(test_bundle__encrypted_keys_right_passphrase),
        cmocka_unit_test(test_bundle__encrypted_keys_wrong_passphrase),
        cmocka_unit_test(test_bundle__encrypted_keys_without_passin),
        cmocka_unit_test(test_bundle__pkcs8_huge_iterations_refused_quickly),
        cmocka_unit_test(test_bundle__max_kdf_iterations_applies),
        cmocka_unit_test(test_bundle__max_kdf_work_per_bundle),
        cmocka_unit_test(test_bundle__max_file_size),
        cmocka_unit_test(test_bundle__max_file_size_unlimited),
        cmocka_unit_test(test_bundle__max_items_pem_blocks),
        cmocka_unit_test(test_bundle__max_items_container_members),
        cmocka_unit_test(test_bundle__directory_sorted_readme_skipped),
        cmocka_unit_test(test_bundle__directory_without_certificates),
        cmocka_unit_test(test_bundle__several_files_index_per_file),
        cmocka_unit_test(test_bundle__stdin),
        cmocka_unit_test(test_bundle__needs_main_thread),
        cmocka_unit_test(test_bundle__cache_shares_ca_certificates),
        cmocka_unit_test(test_bundle__source_describe_truncates),
        cmocka_unit_test(test_bundle__same_certs_by_der_not_text),
        cmocka_unit_test(test_bundle__same_certs_order_and_count),
    };

    return cmocka_run_group_tests(tests, NULL, h_teardown);
}
