/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The leaf pick: which certificate of the bundle the chain is built for. --leaf names it;
 * otherwise the certificate that matches a private key; otherwise the one certificate that
 * issued no other. An end-entity certificate beats a CA at each step, and a tie is an error that
 * lists the candidates, never a guess.
 */
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_int.h"
#include "libcert/key.h"
#include "util/error_int.h"
#include "x509_int.h"

static bool hexeq_fingerprint(const char *sel, const uint8_t md[32])
{
    char want[65], hex[65];
    size_t n = 0;

    for (const char *p = sel; *p != '\0'; p++) {
        if (*p == ':' || *p == ' ')
            continue;
        if (n >= 64 || !isxdigit((unsigned char)*p))
            return false;
        want[n++] = (char)tolower((unsigned char)*p);
    }
    want[n] = '\0';
    return n == 64 && strcmp(want, cert__hex32(md, hex)) == 0;
}

/* Whether --leaf names x: its SHA-256 fingerprint, subject, CN or one of its DNS names. */
static bool matches_selector(X509 *x, const uint8_t *md, const char *sel)
{
    char buf[1024];
    GENERAL_NAMES *gens;
    bool found = false;

    if (hexeq_fingerprint(sel, md))
        return true;
    if (OPENSSL_strcasecmp(cert__name_string(X509_get_subject_name(x), buf, sizeof(buf)), sel) ==
            0 ||
        OPENSSL_strcasecmp(cert__name_cn(X509_get_subject_name(x), buf, sizeof(buf)), sel) == 0)
        return true;
    gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && !found; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

        if (g->type == GEN_DNS) {
            const ASN1_IA5STRING *s = g->d.dNSName;

            found = (size_t)s->length == strlen(sel) &&
                    OPENSSL_strncasecmp((const char *)s->data, sel, (size_t)s->length) == 0;
        }
    }
    GENERAL_NAMES_free(gens);
    return found;
}

static cert_err ambiguous(builder *bd, const size_t *cands, size_t n, const char *why)
{
    char msg[900], line[700], src[300], subj[300];
    size_t off = 0;

    off += (size_t)snprintf(msg, sizeof(msg), "%s: %zu certificates could be the leaf (%s):",
                            cert_bundle_input_at(bd->b, 0), n, why);
    for (size_t i = 0; i < n && off < sizeof(msg); i++) {
        cnode *nd = &bd->nodes[cands[i]];

        snprintf(line, sizeof(line), "%s %s (%s)", i ? ";" : "",
                 cert__name_string(X509_get_subject_name(nd->x), subj, sizeof(subj)),
                 cert_source_describe(cert_bundle_cert_source(bd->b, nd->item), src, sizeof(src)));
        off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s", line);
    }
    return cert__error_set(
        CERT_E_INPUT, "%s; pick one with --leaf SUBJECT, DNS name or SHA-256 fingerprint", msg);
}

/* Keep only the end-entity candidates when there are any (a CA is a leaf only when nothing else
 * qualifies); returns the new count. */
static size_t prefer_end_entity(builder *bd, size_t *cands, size_t nc)
{
    size_t m = 0;

    if (nc < 2)
        return nc;
    for (size_t i = 0; i < nc; i++) {
        if (X509_check_ca(bd->nodes[cands[i]].x) == 0)
            cands[m++] = cands[i];
    }
    return m > 0 ? m : nc;
}

/* The one input certificate --leaf names. */
static cert_err leaf_by_selector(builder *bd, size_t ninput, size_t *cands, size_t *nc_out)
{
    size_t nc = 0;

    for (size_t i = 0; i < ninput; i++) {
        size_t it = bd->nodes[i].item;

        if (matches_selector(bd->nodes[i].x, cert_bundle_cert_sha256(bd->b, it), bd->o->leaf))
            cands[nc++] = i;
    }
    *nc_out = nc;
    if (nc == 0)
        return cert__error_set(CERT_E_INPUT,
                               "--leaf %s: no certificate of the input has that subject, CN, DNS "
                               "name or SHA-256 fingerprint",
                               bd->o->leaf);
    return nc > 1 ? ambiguous(bd, cands, nc, "all match --leaf") : CERT_OK;
}

/* The input certificate that matches a private key; *nc_out 0 when none does. */
static cert_err leaf_by_key(builder *bd, size_t ninput, const size_t *keys, size_t nkeys,
                            size_t *cands, size_t *nc_out)
{
    size_t nc = 0;

    for (size_t i = 0; i < ninput; i++) {
        for (size_t k = 0; k < nkeys; k++) {
            if (cert_key_matches(bd->nodes[i].x, cert_bundle_key_at(bd->b, keys[k]))) {
                cands[nc++] = i;
                break;
            }
        }
    }
    /* Prefer end-entity certificates over a CA whose key happens to be here. */
    nc = prefer_end_entity(bd, cands, nc);
    *nc_out = nc;
    return nc > 1 ? ambiguous(bd, cands, nc, "each matches a private key") : CERT_OK;
}

/* No key (or none that matches): the one input certificate that issued no other. */
static cert_err leaf_by_issuing(builder *bd, size_t ninput, size_t *cands, size_t *nc_out)
{
    cert_err err;
    size_t nc = 0;

    for (size_t i = 0; i < ninput; i++) {
        err = cert_chain__input_issuers(bd, i);
        if (err < 0)
            return err;
    }
    for (size_t i = 0; i < ninput; i++) {
        if (!bd->nodes[i].issued_other)
            cands[nc++] = i;
    }
    nc = prefer_end_entity(bd, cands, nc);
    *nc_out = nc;
    if (nc > 1)
        return ambiguous(bd, cands, nc, "none issued another and no key picks one");
    if (nc == 0)
        return cert__error_set(CERT_E_INPUT,
                               "%s: every certificate issued another (a loop); pick the leaf with "
                               "--leaf",
                               cert_bundle_input_at(bd->b, 0));
    return CERT_OK;
}

cert_err cert_chain__pick_leaf(builder *bd, const size_t *keys, size_t nkeys, size_t *leaf_out,
                               size_t *key_out)
{
    cert_err err = CERT_OK;
    size_t *cands = NULL, nc = 0;
    size_t ninput = bd->n; /* before any store certificate joins */

    *key_out = SIZE_MAX;
    cands = calloc(ninput ? ninput : 1, sizeof(*cands));
    if (cands == NULL)
        CERT_NOMEM();
    if (bd->o->leaf != NULL) {
        CERT_TRY(leaf_by_selector(bd, ninput, cands, &nc));
    } else {
        CERT_TRY(leaf_by_key(bd, ninput, keys, nkeys, cands, &nc));
        if (nc == 0)
            CERT_TRY(leaf_by_issuing(bd, ninput, cands, &nc));
    }
    *leaf_out = cands[0];
    for (size_t k = 0; k < nkeys; k++) {
        if (cert_key_matches(bd->nodes[cands[0]].x, cert_bundle_key_at(bd->b, keys[k]))) {
            *key_out = keys[k];
            break;
        }
    }

done:
    free(cands);
    return err;
}
