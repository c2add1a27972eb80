/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: bundle parsing (PEM, DER, PKCS#12, PKCS#7), then chain building and the
 * checks on whatever parsed (with LIBCERT_FUZZ_CRL, the CRLs too). Inputs come from the network
 * and from strangers' e-mails.
 */
#include <stdint.h>
#include <stdlib.h>

#include "libcert/libcert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cert_passin *passin;
static cert_trust *trust;
static cert_crls *crls;

static void setup(void)
{
    const char *fx = getenv("LIBCERT_FUZZ_CA");
    const char *crl = getenv("LIBCERT_FUZZ_CRL");

    /* The fixtures' passphrase, so that encrypted seeds reach the decoders behind the KDF. */
    if (cert_passin_new("pass:test-pass", true, &passin) < 0)
        abort();
    if (cert_trust_new(fx, NULL, &trust) < 0 && cert_trust_new(NULL, "/nonexistent", &trust) < 0)
        trust = NULL;
    /* CRLs of the CA, so that the revocation checks of the path builder run on every path. */
    if (crl != NULL && (cert_crls_new(&crls) < 0 || cert_crls_load_file(crls, crl) < 0)) {
        cert_crls_free(crls);
        crls = NULL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cert_bundle_opts bo = CERT_BUNDLE_OPTS_INIT;
    cert_chain_opts co = CERT_CHAIN_OPTS_INIT;
    cert_check_opts ko = CERT_CHECK_OPTS_INIT;
    cert_bundle *b = NULL;
    cert_chain *c = NULL;
    cert_findings *f = NULL;
    static const char *hosts[] = {"www.example.com", "*.example.com", "192.0.2.10"};

    if (passin == NULL)
        setup();
    bo.passin = passin;
    bo.max_kdf_iterations = 4096; /* keep each run fast; the cap itself is what is tested */
    bo.max_items = 64;
    co.trust = trust;
    co.crls = crls;
    co.now = 1767225600;
    ko.now = 1767225600;
    ko.hosts = hosts;
    ko.host_count = 3;
    if (cert_bundle_new(&b) < 0)
        return 0;
    if (cert_bundle_load_mem(b, data, size, "fuzz", &bo) == CERT_OK &&
        cert_chain_build(b, &co, &c) == CERT_OK && cert_checks_run(c, &ko, &f) == CERT_OK) {
        char *pem = NULL;
        size_t len = 0;

        if (cert_split_render(c, CERT_PART_FULLCHAIN, CERT_KEY_PKCS8, &pem, &len) == CERT_OK)
            cert_secret_free(pem, len);
    }
    cert_findings_free(f);
    cert_chain_free(c);
    cert_bundle_free(b);
    return 0;
}
